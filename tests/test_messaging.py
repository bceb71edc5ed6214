"""seve.messaging: templates, drafts per audience, and the rules of sending."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import string
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seve import replay
from seve.audience import Audience
from seve.errors import InvalidError
from seve.messaging import (
    DEFAULT_TEMPLATES,
    EMAIL,
    SMS,
    Draft,
    QuietHours,
    RateLimit,
    Recipient,
    Sender,
    SendingPolicy,
    Sent,
    contact_recipient,
    convention_renewal,
    convention_signature,
    flash_info_invitations,
    french_date,
    ics_attachment,
    load_templates,
    offer_broadcast,
    plan,
    pmsmp_reminders,
    prescripteur_recipient,
    salarie_recipient,
    success_story,
    suivi_checkins,
)
from seve.model import (
    PARIS,
    ConsentBasis,
    ConsentDecision,
    MessagePurpose,
    MessagingConsents,
    MessagingConsentWithdrawn,
    Prescripteur,
    PrescripteurId,
    PrescripteurKind,
    SortieMotif,
    SortieRecorded,
    StoryId,
    SuccessStory,
    SuccessStoryConsentGiven,
    SuccessStoryWritten,
)

sys.path.insert(0, str(Path(__file__).parent))
from builders import Log, at, day
from messaging_world import (
    LEILA,
    TUTOR,
    employer_events,
    offer,
    parcours_events,
    pmsmp_events,
)

SENDER = Sender(structure="Les Jardins du Val", contact="Karim Haddad", phone="02 99 00 00 00")
MONDAY = dt.datetime(2025, 3, 3, 10, 0, tzinfo=PARIS)


def _leila(**kw: Any) -> Any:
    return replay(parcours_events(**kw).events)


# -- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DEFAULT_TEMPLATES))
def test_every_template_renders_its_preview_in_text_html_and_short(name: str) -> None:
    template = DEFAULT_TEMPLATES[name]
    content = template.preview()
    assert content.subject
    assert "{" not in content.subject
    assert content.text.startswith("Bonjour ")
    assert "{" not in content.text
    assert "{" not in (content.html or "")
    assert content.html is not None
    assert content.html.startswith("<p>Bonjour ")
    assert (
        template.sample["structure"] in content.text or template.sample["contact"] in content.text
    )
    if content.short is not None:
        assert len(content.short) < 320  # two SMS at most


def test_a_list_value_is_a_bulleted_list_in_text_and_a_ul_in_html() -> None:
    content = DEFAULT_TEMPLATES["pmsmp.rappel_tuteur"].preview(taches=["Mise en rayon", "Caisse"])
    assert "- Mise en rayon\n- Caisse" in content.text
    assert "<ul><li>Mise en rayon</li><li>Caisse</li></ul>" in (content.html or "")


@settings(max_examples=50)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1))
def test_values_are_escaped_in_html_and_left_as_they_are_in_text(value: str) -> None:
    content = DEFAULT_TEMPLATES["suivi.prise_de_nouvelles"].preview(prenom=value)
    assert f"Bonjour {value}," in content.text
    assert f"Bonjour {html.escape(value, quote=False)}," in (content.html or "")


def test_an_override_changes_the_text_and_the_html_follows() -> None:
    templates = DEFAULT_TEMPLATES.override(
        "suivi.prise_de_nouvelles", text="Salut {prenom} ! Des nouvelles ? {contact} & co."
    )
    content = templates["suivi.prise_de_nouvelles"].preview()
    assert content.text == "Salut Leïla ! Des nouvelles ? Karim Haddad & co.\n"
    assert content.html == "<p>Salut Leïla ! Des nouvelles ? Karim Haddad &amp; co.</p>"
    assert DEFAULT_TEMPLATES["suivi.prise_de_nouvelles"].preview().text.startswith("Bonjour")


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        ({"text": "Bonjour {nom_de_famille}"}, "message.modele_invalide"),
        ({"text": "Bonjour {prenom:>10}"}, "message.modele_invalide"),
        ({"text": "Bonjour {prenom"}, "message.modele_invalide"),
        ({"corps": "Bonjour"}, "message.modele_invalide"),
    ],
)
def test_an_override_that_does_not_fit_the_template_is_refused(
    parts: dict[str, str], code: str
) -> None:
    with pytest.raises(InvalidError) as refused:
        DEFAULT_TEMPLATES.override("offre.diffusion", **parts)
    assert refused.value.codes == [code]


def test_an_unknown_template_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidError) as refused:
        DEFAULT_TEMPLATES["offre.inconnue"]
    assert refused.value.codes == ["message.modele_inconnu"]
    assert "offre.diffusion" in str(refused.value)


def test_templates_load_from_toml_text() -> None:
    templates = load_templates(
        '["flash_info.invitation"]\nsubject = "Flash Info : {date}"\n', base=DEFAULT_TEMPLATES
    )
    assert templates["flash_info.invitation"].preview().subject == "Flash Info : jeudi 6 mars 2025"
    with pytest.raises(InvalidError) as refused:
        load_templates("[oops", base=DEFAULT_TEMPLATES)
    assert refused.value.codes == ["message.modele_invalide"]


def test_a_missing_value_is_a_problem_not_a_blank() -> None:
    with pytest.raises(InvalidError) as refused:
        DEFAULT_TEMPLATES["suivi.prise_de_nouvelles"].render({"prenom": "Leïla"})
    assert set(refused.value.codes) == {"message.valeur_manquante"}
    assert {p.path[-1] for p in refused.value.problems} == {
        "mois",
        "structure",
        "contact",
        "telephone",
    }


def test_french_dates() -> None:
    assert french_date(dt.date(2025, 3, 1)) == "samedi 1er mars 2025"
    assert french_date(dt.date(2025, 8, 15), weekday=False) == "15 août 2025"


def test_an_ics_attachment_keeps_its_method() -> None:
    ics = ics_attachment("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
    assert ics.content_type == "text/calendar; method=REQUEST; charset=utf-8"
    assert ics_attachment("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").content_type.startswith(
        "text/calendar; method=PUBLISH"
    )


# -- consent --------------------------------------------------------------------------------


def test_consent_is_per_channel_and_purpose_and_the_latest_decision_wins() -> None:
    log = parcours_events(agreed=("email",))
    log.add("2025-02-01", MessagingConsentWithdrawn(channel="email", purpose=MessagePurpose.OFFRES))
    consents = replay(log.events).messaging_consents
    on = dt.date(2025, 2, 2)
    assert consents.allows("email", MessagePurpose.RAPPELS, on)
    assert not consents.allows("email", MessagePurpose.OFFRES, on)
    assert consents.allows("email", MessagePurpose.OFFRES, dt.date(2025, 1, 31))
    assert not consents.allows("sms", MessagePurpose.RAPPELS, on)
    assert consents.allows("sms", MessagePurpose.RAPPELS, on, basis=ConsentBasis.OPT_OUT)


def test_consent_may_be_withdrawn_after_the_sortie() -> None:
    log = parcours_events()
    log.add("2025-07-14", SortieRecorded(sortie=_sortie("2025-07-14")))
    log.add("2025-09-01", MessagingConsentWithdrawn(channel="sms"))
    consents = replay(log.events).messaging_consents
    assert not consents.allows("sms", MessagePurpose.SUIVI, dt.date(2025, 9, 1))
    assert consents.allows("email", MessagePurpose.SUIVI, dt.date(2025, 9, 1))


def _sortie(when: str) -> Any:
    from seve.model import Sortie

    return Sortie(date=day(when), motif=SortieMotif.CDI)


_DECISIONS = st.lists(
    st.builds(
        ConsentDecision,
        channel=st.sampled_from(["sms", "email"]),
        purpose=st.none() | st.sampled_from(MessagePurpose),
        given=st.booleans(),
        on=st.dates(dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
    ),
    max_size=8,
).map(lambda ds: sorted(ds, key=lambda d: d.on))


@given(_DECISIONS, st.sampled_from(["sms", "email"]), st.sampled_from(MessagePurpose))
def test_the_latest_applicable_decision_decides(
    decisions: list[ConsentDecision], channel: str, purpose: MessagePurpose
) -> None:
    consents = MessagingConsents(decisions=tuple(decisions))
    on = dt.date(2025, 2, 1)
    applicable = [d for d in decisions if d.applies_to(channel, purpose)]
    expected = applicable[-1].given if applicable else False
    assert consents.allows(channel, purpose, on) is expected
    assert consents.allows(channel, purpose, on, basis=ConsentBasis.OPT_OUT) is (
        applicable[-1].given if applicable else True
    )


# -- quiet hours ------------------------------------------------------------------------------

QUIET = QuietHours(holidays=frozenset({dt.date(2025, 5, 1)}))


@pytest.mark.parametrize(
    ("local", "quiet", "next_allowed"),
    [
        ("2025-03-03T10:00", False, "2025-03-03T10:00"),  # Monday morning
        ("2025-03-03T21:30", True, "2025-03-04T08:00"),  # Monday night
        ("2025-03-04T06:59", True, "2025-03-04T08:00"),  # Tuesday, before 8
        ("2025-03-08T23:00", True, "2025-03-10T08:00"),  # Saturday night, then Sunday
        ("2025-03-09T12:00", True, "2025-03-10T08:00"),  # Sunday noon
        ("2025-04-30T20:00", True, "2025-05-02T08:00"),  # the eve of 1 May
        ("2025-03-29T19:59", False, "2025-03-29T19:59"),  # the night the clocks change
    ],
)
def test_quiet_hours(local: str, quiet: bool, next_allowed: str) -> None:
    instant = dt.datetime.fromisoformat(local).replace(tzinfo=PARIS)
    assert QUIET.quiet_at(instant) is quiet
    assert QUIET.next_allowed(instant) == dt.datetime.fromisoformat(next_allowed).replace(
        tzinfo=PARIS
    )


@given(st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2026, 12, 31), timezones=st.just(dt.UTC)))
def test_the_next_allowed_instant_is_the_first_that_is_not_quiet(instant: dt.datetime) -> None:
    allowed = QUIET.next_allowed(instant)
    assert allowed >= instant
    assert not QUIET.quiet_at(allowed)
    if allowed > instant:
        assert QUIET.quiet_at(allowed - dt.timedelta(minutes=1))


def test_quiet_hours_are_configurable() -> None:
    late = QuietHours(start="22:00", end="07:00", days_off=[calendar.SATURDAY, calendar.SUNDAY])
    assert not late.quiet_at(dt.datetime(2025, 3, 3, 21, 0, tzinfo=PARIS))
    assert late.quiet_at(dt.datetime(2025, 3, 8, 12, 0, tzinfo=PARIS))
    assert not late.applies_to(EMAIL)
    assert late.applies_to(SMS)


# -- the rules of sending -------------------------------------------------------------------


def _draft(recipient: Recipient, **kw: Any) -> Draft:
    template = DEFAULT_TEMPLATES[kw.pop("template", "suivi.prise_de_nouvelles")]
    return Draft(
        template=template.name,
        purpose=kw.pop("purpose", template.purpose),
        audience=kw.pop("audience", template.audience),
        recipient=recipient,
        content=template.preview(),
        channels=kw.pop("channels", (SMS, EMAIL)),
        **kw,
    )


def test_a_draft_goes_on_the_first_channel_with_an_address_and_consent() -> None:
    leila = salarie_recipient(_leila(agreed=("email",)))
    result = plan([_draft(leila)], now=MONDAY)
    (effect,) = result.effects
    message = effect.message
    assert (message.channel, message.recipient) == (EMAIL, LEILA.email)
    assert message.person == "salarie:s-1"
    assert message.purpose is MessagePurpose.SUIVI
    assert message.html is not None
    assert effect.not_before is None
    assert result.problems == ()


def test_an_sms_is_short_and_plain() -> None:
    leila = salarie_recipient(_leila())
    (effect,) = plan([_draft(leila)], now=MONDAY).effects
    assert effect.message.channel == SMS
    assert effect.message.text == DEFAULT_TEMPLATES["suivi.prise_de_nouvelles"].preview().short
    assert effect.message.html is None


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("audience", "message.audience"),
        ("no address", "message.sans_adresse"),
        ("no consent", "message.sans_consentement"),
        ("objection", "message.sans_consentement"),
        ("quiet until too late", "message.heures_calmes"),
        ("too late", "message.trop_tard"),
    ],
)
def test_each_refusal_is_a_problem_with_its_code(case: str, code: str) -> None:
    leila = salarie_recipient(_leila(agreed=("sms",)))
    kw: dict[str, Any] = {}
    now = MONDAY
    if case == "audience":
        kw["audience"] = Audience.EMPLOYER
    elif case == "no address":
        leila = salarie_recipient(_leila(personal=None))
    elif case == "no consent":
        leila = salarie_recipient(_leila(agreed=()))
    elif case == "objection":
        leila = contact_recipient(
            TUTOR,
            consents=MessagingConsents(
                decisions=(
                    ConsentDecision(
                        channel="email", purpose=None, given=False, on=dt.date(2025, 1, 1)
                    ),
                )
            ),
        )
        kw = {"template": "pmsmp.rappel_tuteur", "channels": (EMAIL,)}
    elif case == "quiet until too late":
        now = dt.datetime(2025, 3, 3, 22, 0, tzinfo=PARIS)
        kw["expires_at"] = dt.datetime(2025, 3, 3, 23, 0, tzinfo=PARIS)
    elif case == "too late":
        kw["expires_at"] = MONDAY - dt.timedelta(hours=1)
    result = plan([_draft(leila, **kw)], now=now)
    assert result.effects == ()
    (problem,) = result.problems
    assert problem.code == code
    assert problem.path[:2] == ("drafts", 0)
    assert "Leïla" not in problem.message
    assert "Benali" not in problem.message


def test_a_short_message_in_quiet_hours_waits_for_the_morning() -> None:
    leila = salarie_recipient(_leila())
    sunday = dt.datetime(2025, 3, 9, 11, 0, tzinfo=PARIS)
    (effect,) = plan([_draft(leila)], now=sunday).effects
    assert effect.message.channel == SMS
    assert effect.not_before == dt.datetime(2025, 3, 10, 8, 0, tzinfo=PARIS)
    (mail,) = plan([_draft(leila, channels=(EMAIL,))], now=sunday).effects
    assert mail.not_before is None  # e-mail waits in an inbox


def test_the_rate_limit_counts_offers_and_invitations_per_person() -> None:
    leila = salarie_recipient(_leila())
    offers = [_draft(leila, purpose=MessagePurpose.OFFRES) for _ in range(5)]
    reminder = _draft(leila, purpose=MessagePurpose.RAPPELS)
    result = plan([*offers, reminder], now=MONDAY)
    assert len(result.effects) == 4  # 3 offers and the reminder
    assert [p.code for p in result.problems] == ["message.limite_atteinte"] * 2
    assert [p.path[1] for p in result.problems] == [3, 4]
    later = plan(offers[:1], now=MONDAY + dt.timedelta(days=1), history=result.sent)
    assert len(later.effects) == 1


@settings(max_examples=40, deadline=None)
@given(
    agreed=st.lists(st.sampled_from([SMS, EMAIL]), unique=True),
    purposes=st.lists(st.sampled_from(MessagePurpose), min_size=1, max_size=8),
    hour=st.integers(0, 23),
    limit=st.integers(1, 4),
)
def test_every_draft_becomes_an_effect_or_a_problem_never_nothing(
    agreed: list[str], purposes: list[MessagePurpose], hour: int, limit: int
) -> None:
    leila = salarie_recipient(_leila(agreed=tuple(agreed)))
    drafts = [_draft(leila, purpose=p) for p in purposes]
    now = dt.datetime(2025, 3, 5, hour, 0, tzinfo=PARIS)
    result = plan(drafts, now=now, policy=SendingPolicy(rate_limit=RateLimit(count=limit)))
    assert len(result.effects) + len(result.problems) == len(drafts)
    assert sorted(p.path[1] for p in result.problems) == sorted(
        {p.path[1] for p in result.problems}
    )
    for effect in result.effects:
        assert effect.message.channel in agreed
        sent_at = effect.not_before or now
        if effect.message.channel == SMS:
            assert not QuietHours().quiet_at(sent_at)
    assert len(result.sent) == len(result.effects)
    assert all(isinstance(s, Sent) for s in result.sent)


# -- drafts per occasion ---------------------------------------------------------------------


def test_an_offer_goes_to_the_salaries_it_fits_and_says_why() -> None:
    from seve.model import JobProject, JobProjectDefined, RomeCode, StreamId

    fits = _leila()
    far = Log(StreamId("parcours:p-2"))
    for event in parcours_events().events:
        payload = event.payload
        if isinstance(payload, JobProjectDefined):
            payload = JobProjectDefined(project=JobProject(metiers=frozenset({RomeCode("K2204")})))
        far.add(event.occurred_at, payload)
    drafts = offer_broadcast(
        offer(),
        [fits, replay(far.events)],
        employer="Boulangerie Martin",
        on=day("2025-03-04"),
        sender=SENDER,
    )
    (draft,) = drafts.drafts
    assert draft.recipient.person == "salarie:s-1"
    assert draft.template == "offre.diffusion"
    assert draft.audience is Audience.SALARIE
    assert "métier visé : Préparateur·rice de commandes (N1103)" in draft.content.text
    assert draft.expires_at == dt.datetime(2025, 6, 1, 0, 0, tzinfo=PARIS)
    closed_log = parcours_events()
    closed_log.add("2025-07-14", SortieRecorded(sortie=_sortie("2025-07-14")))
    assert not offer_broadcast(
        offer(), [replay(closed_log.events)], employer="x", on=day("2025-03-04"), sender=SENDER
    ).drafts


def _employer() -> Any:
    return replay(employer_events())


def _with_pmsmp() -> Any:
    log = parcours_events()
    pmsmp_events(log)
    return replay(log.events)


def test_pmsmp_reminders_go_to_the_tutor_and_the_salarie_the_day_before() -> None:
    ics = ics_attachment("BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n")
    drafts = pmsmp_reminders(_with_pmsmp(), "pm-1", employer=_employer(), sender=SENDER, ics=ics)
    tutor, salarie = drafts.drafts
    assert tutor.recipient.person == "contact:emp-1:tutor-1"
    assert tutor.audience is Audience.EMPLOYER
    assert tutor.channels == (EMAIL,)
    assert tutor.content.subject == "PMSMP : Leïla arrive le lundi 3 mars 2025"
    assert "Benali" not in tutor.content.text  # an employer reads the first name only
    assert "- lundi 3 mars 2025 : 09:00-12:00, 13:00-17:00" in tutor.content.text
    assert salarie.recipient.person == "salarie:s-1"
    assert "Votre tuteur·rice : Sophie Martin" in salarie.content.text
    for draft in drafts.drafts:
        assert draft.not_before == dt.datetime(2025, 3, 2, 10, 0, tzinfo=PARIS)
        assert draft.expires_at == dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)
        assert draft.attachments == (ics,)
    planned = plan(drafts, now=at("2025-02-24", 10))
    # Sunday 2 March: the SMS waits for Monday 8:00, the tutor's e-mail goes at 10:00
    assert [(e.message.channel, e.not_before) for e in planned.effects] == [
        (EMAIL, dt.datetime(2025, 3, 2, 10, 0, tzinfo=PARIS)),
        (SMS, dt.datetime(2025, 3, 3, 8, 0, tzinfo=PARIS)),
    ]
    assert planned.effects[1].message.attachments == ()  # an SMS carries no file


def test_an_unknown_pmsmp_or_tutor_is_a_problem() -> None:
    assert [
        p.code
        for p in pmsmp_reminders(_leila(), "pm-9", employer=_employer(), sender=SENDER).problems
    ] == ["message.destinataire_inconnu"]
    bare = replay(employer_events()[:1])
    assert [
        p.code
        for p in pmsmp_reminders(_with_pmsmp(), "pm-1", employer=bare, sender=SENDER).problems
    ] == ["message.destinataire_inconnu"]


def test_suivi_check_ins_follow_the_milestones_after_the_sortie() -> None:
    log = parcours_events()
    log.add("2025-07-14", SortieRecorded(sortie=_sortie("2025-07-14")))
    drafts = suivi_checkins(replay(log.events), sender=SENDER).drafts
    assert [d.not_before for d in drafts] == [
        dt.datetime(2025, m, 14, 10, 0, tzinfo=PARIS) for m in (8, 10)
    ] + [
        dt.datetime(2026, 1, 14, 10, 0, tzinfo=PARIS),
        dt.datetime(2026, 7, 14, 10, 0, tzinfo=PARIS),
    ]
    assert "Cela fait 1 mois que vous avez quitté Les Jardins du Val" in drafts[0].content.text
    assert suivi_checkins(_leila(), sender=SENDER).drafts == ()


def _story_log(*, consent: bool) -> Any:
    log = parcours_events()
    story = SuccessStory(
        id=StoryId("st-1"),
        date=day("2025-06-10"),
        author="staff-1",
        title="De la cuisine du chantier à un CDI",
        text="Après son traitement (santé)...",
    )
    log.add("2025-06-10", SuccessStoryWritten(story=story))
    if consent:
        log.add("2025-06-10", SuccessStoryConsentGiven(story=StoryId("st-1")))
    return replay(log.events)


FT = Prescripteur(
    id=PrescripteurId("ft-1"),
    kind=PrescripteurKind.FRANCE_TRAVAIL,
    name="France Travail Rennes Nord",
)


def test_a_success_story_goes_to_a_prescripteur_only_with_consent_and_without_its_text() -> None:
    to = prescripteur_recipient(FT, name="Claire Durand", email="claire.durand@ft.example")
    drafts = success_story(
        _story_log(consent=True),
        StoryId("st-1"),
        to=to,
        organisation=FT.name,
        on=day("2025-06-11"),
        sender=SENDER,
    )
    (draft,) = drafts.drafts
    assert draft.audience is Audience.PRESCRIPTEUR
    assert "« De la cuisine du chantier à un CDI »" in draft.content.text
    assert "Leïla Benali" in draft.content.text  # a prescripteur reads the full name
    assert "santé" not in draft.content.text  # the story's text is sensitive: it stays
    refused = success_story(
        _story_log(consent=False),
        StoryId("st-1"),
        to=to,
        organisation=FT.name,
        on=day("2025-06-11"),
        sender=SENDER,
    )
    assert refused.drafts == ()
    assert [p.code for p in refused.problems] == ["valorisation.partage_sans_consentement"]
    assert [p.code for p in plan(refused, now=MONDAY).problems] == [
        "valorisation.partage_sans_consentement"
    ]


def test_flash_info_invitations_and_convention_reminders() -> None:
    invited = flash_info_invitations(
        [_leila()],
        date=day("2025-03-06"),
        time="14:00",
        place="au chantier",
        topics=["la logistique"],
        led_by="Karim Haddad",
        sender=SENDER,
    )
    (draft,) = invited.drafts
    assert draft.content.subject == "Flash Info le jeudi 6 mars 2025 à 14:00"
    assert draft.expires_at == dt.datetime(2025, 3, 6, 14, 0, tzinfo=PARIS)
    manager = contact_recipient(TUTOR)
    (sign,) = convention_signature(
        manager,
        company="Boulangerie Martin",
        convention="CP-1",
        start=day("2025-04-01"),
        end=day("2026-03-31"),
        commitments=["5 PMSMP par an"],
        sender=SENDER,
    ).drafts
    assert "du 1er avril 2025 au 31 mars 2026" in sign.content.text
    (renew,) = convention_renewal(
        manager,
        company="Boulangerie Martin",
        convention="CP-1",
        end=day("2026-03-31"),
        progress=["PMSMP : 3 réalisées sur 5 prévues"],
        sender=SENDER,
    ).drafts
    assert renew.not_before == dt.datetime(2026, 3, 1, 10, 0, tzinfo=PARIS)
    assert renew.audience is Audience.EMPLOYER
    assert renew.recipient.basis is ConsentBasis.OPT_OUT


# -- nothing sensitive leaves for employers and prescripteurs ---------------------------------

_WORDS = st.text(string.ascii_letters, min_size=8, max_size=12)


@settings(max_examples=30, deadline=None)
@given(last=_WORDS, phone=st.from_regex(r"\+336[0-9]{8}", fullmatch=True), email=_WORDS)
def test_no_message_for_an_employer_or_a_prescripteur_shows_what_they_may_not_see(
    last: str, phone: str, email: str
) -> None:
    from seve.model import Frein, FreinId, FreinIdentified, FreinTheme, PersonalData

    personal = PersonalData(
        first_name="Leïla", last_name=last, phone=phone, email=f"courriel.{email}@example.org"
    )
    log = parcours_events(personal=personal)
    log.add(
        "2025-02-01",
        FreinIdentified(
            frein=Frein(
                id=FreinId("f-1"), theme=FreinTheme.JUSTICE, identified_on=day("2025-02-01")
            )
        ),
    )
    pmsmp_events(log, prescripteur="spip-35")
    parcours = replay(log.events)
    tutor, salarie = pmsmp_reminders(parcours, "pm-1", employer=_employer(), sender=SENDER).drafts
    story = SuccessStory(
        id=StoryId("st-1"),
        date=day("2025-06-10"),
        author="staff-1",
        title="Un CDI",
        text=f"story-{last}",
    )
    log.add("2025-06-10", SuccessStoryWritten(story=story))
    log.add("2025-06-10", SuccessStoryConsentGiven(story=story.id))
    to = prescripteur_recipient(FT, name="Claire Durand", email="claire@ft.example")
    (shared,) = success_story(
        replay(log.events),
        story.id,
        to=to,
        organisation=FT.name,
        on=day("2025-06-11"),
        sender=SENDER,
    ).drafts
    for draft, secrets in (
        (tutor, (last, phone, f"courriel.{email}", FreinTheme.JUSTICE.label, "justice", "spip")),
        (
            shared,
            (
                phone,
                f"courriel.{email}",
                FreinTheme.JUSTICE.label,
                "justice",
                "spip",
                f"story-{last}",
            ),
        ),
    ):
        shown = draft.content.text + (draft.content.html or "") + draft.content.subject
        for secret in secrets:
            assert secret not in shown
    assert f"Leïla {last}" in shared.content.text  # the full name, never the story's text
    assert last not in salarie.content.text  # first name only, even to themselves


def test_seve_messages_preview_lists_and_renders_the_templates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from seve.cli import main

    assert main(["messages", "preview"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split(" ")[0] for line in listed] == list(DEFAULT_TEMPLATES)
    assert main(["messages", "preview", "offre.diffusion"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Objet : Offre d'emploi : Préparateur·rice de commandes à Rennes")
    assert "\nSMS : Leïla, offre" in out
    assert main(["messages", "preview", "offre.diffusion", "--html"]) == 0
    assert "<p>Bonjour Leïla,</p>" in capsys.readouterr().out
    assert main(["messages", "preview", "offre.inconnue"]) == 2
    assert "[message.modele_inconnu]" in capsys.readouterr().err
