"""From the domain to drafts: who receives which template, with which values.

Each function takes folded states (a :class:`~seve.model.Parcours`, an
:class:`~seve.model.Employer`) or plain values, picks what each audience may read
through :mod:`seve.audience`, renders the template, and returns :class:`Drafts`:
the drafts, and a problem for anyone it could not write to.  The rules of sending
(:func:`~seve.messaging.plan`) come next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

from attrs import frozen

from ..audience import Audience, name_for, policy, visible_fields
from ..effects import Attachment, Regarding, RegardingKind
from ..errors import Problem
from ..model import (
    PARIS,
    SUIVI_TOLERANCE,
    ClockTime,
    ConsentBasis,
    ContactPerson,
    Employer,
    MessagingConsents,
    Offer,
    Parcours,
    PmsmpId,
    Prescripteur,
    StoryId,
    suivi_milestones,
)
from ..proposals import propose
from ._render import Template, Templates, french_date
from ._sending import EMAIL, SMS, Draft, Drafts, Recipient
from ._templates import DEFAULT_TEMPLATES

__all__ = [
    "DEFAULT_BRING",
    "Sender",
    "contact_recipient",
    "convention_renewal",
    "convention_signature",
    "flash_info_invitations",
    "offer_broadcast",
    "pmsmp_reminders",
    "prescripteur_recipient",
    "salarie_recipient",
    "success_story",
    "suivi_checkins",
]

#: What a salarié·e is reminded to bring on the first day of a PMSMP.
DEFAULT_BRING: Final = ("une pièce d'identité", "une tenue de travail confortable")
_STORY_LAW: Final = "RGPD, art. 6.1 a) et 7"
_NO_DECISIONS: Final = MessagingConsents()
_MORNING: Final = ClockTime("10:00")


#: What a message gives for a phone number the host did not give.
UNKNOWN_PHONE: Final = "numéro habituel de la structure"


@frozen(kw_only=True)
class Sender:
    """Who writes, and whom to call back: the SIAE and one of its permanent·es
    (professional contact data).

    :param phone: the number to call; the templates write it after "au" ("appelez
        Karim au 02 99 ..."), so the default reads as French too.
    """

    structure: str
    contact: str
    phone: str = UNKNOWN_PHONE

    def values(self) -> dict[str, str]:
        return {"structure": self.structure, "contact": self.contact, "telephone": self.phone}


# -- recipients ---------------------------------------------------------------------------


def salarie_recipient(parcours: Parcours, *, phone_channels: Sequence[str] = (SMS,)) -> Recipient:
    """The salarié·e of ``parcours``: named by first name, reached at their own
    e-mail and phone, only with their consent."""
    personal = parcours.personal
    addresses: dict[str, str] = {}
    if personal is not None and policy(Audience.SALARIE).person_contact:
        addresses = _addresses(personal.email, personal.phone, phone_channels)
    return Recipient(
        person=f"salarie:{parcours.salarie}",
        audience=Audience.SALARIE,
        name=name_for(personal, Audience.SALARIE, pseudonym=parcours.salarie),
        addresses=addresses,
        consents=parcours.messaging_consents,
        basis=ConsentBasis.OPT_IN,
    )


def contact_recipient(
    contact: ContactPerson,
    *,
    consents: MessagingConsents = _NO_DECISIONS,
    phone_channels: Sequence[str] = (SMS,),
) -> Recipient:
    """A contact at an employer (a tutor, a manager): written to unless they object."""
    return Recipient(
        person=f"contact:{contact.employer}:{contact.id}",
        audience=Audience.EMPLOYER,
        name=contact.name,
        addresses=_addresses(contact.email, contact.phone, phone_channels),
        consents=consents,
        basis=ConsentBasis.OPT_OUT,
    )


def prescripteur_recipient(
    prescripteur: Prescripteur,
    *,
    name: str,
    email: str,
    consents: MessagingConsents = _NO_DECISIONS,
) -> Recipient:
    """Someone at a prescripteur (``name``, at ``email``): written to unless they object."""
    return Recipient(
        person=f"prescripteur:{prescripteur.id}",
        audience=Audience.PRESCRIPTEUR,
        name=name,
        addresses={EMAIL: email},
        consents=consents,
        basis=ConsentBasis.OPT_OUT,
    )


def _addresses(
    email: str | None, phone: str | None, phone_channels: Sequence[str]
) -> dict[str, str]:
    """The e-mail address, and the phone number for each of ``phone_channels``."""
    addresses = {EMAIL: email} if email else {}
    if phone:
        addresses.update(dict.fromkeys(phone_channels, phone))
    return addresses


# -- drafting -----------------------------------------------------------------------------


def _draft(
    template: Template,
    recipient: Recipient,
    values: dict[str, Any],
    *,
    channels: Sequence[str],
    attachments: Sequence[Attachment] = (),
    not_before: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    regarding: Regarding | None = None,
) -> Draft:
    return Draft(
        template=template.name,
        purpose=template.purpose,
        audience=template.audience,
        recipient=recipient,
        content=template.render(values),
        channels=tuple(channels),
        attachments=tuple(attachments),
        not_before=not_before,
        expires_at=expires_at,
        regarding=regarding,
    )


def _at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=PARIS)


def _after(day: dt.date) -> dt.datetime:
    """Midnight at the end of ``day``, in Paris."""
    return _at(day + dt.timedelta(days=1), "00:00")


def _salarie(parcours: Parcours, channels: Sequence[str]) -> Recipient:
    """The salarié·e of ``parcours``, reached by phone on the ``channels`` but e-mail."""
    return salarie_recipient(parcours, phone_channels=[c for c in channels if c != EMAIL])


def _hours(hours: Decimal) -> str:
    return f"{hours.normalize():f}".replace(".", ",") + " h par semaine"


def offer_broadcast(
    offer: Offer,
    candidates: Iterable[Parcours],
    *,
    employer: str,
    on: dt.date,
    sender: Sender,
    templates: Templates = DEFAULT_TEMPLATES,
    channels: Sequence[str] = (SMS, EMAIL),
) -> Drafts:
    """An offer captured, to each salarié·e it fits (``offre.diffusion``).

    It fits when :func:`seve.proposals.propose` finds nothing missing between the
    offer and the person's job project; people who left, or who were already
    proposed for the offer, are left out.  The message says why it fits, and
    expires at the end of the offer's période de recherche.

    :param employer: the employer's name, as the salarié·e reads it.
    """
    template = templates["offre.diffusion"]
    drafts = []
    for parcours in sorted(candidates, key=lambda p: p.stream):
        if parcours.closed:
            continue
        proposals = propose(parcours, [offer], on=on)
        if not proposals or proposals[0].missing:
            continue
        recipient = _salarie(parcours, channels)
        values = {
            "prenom": recipient.name,
            "offre": offer.title,
            "employeur": employer,
            "contrat": offer.contract.label,
            "heures": _hours(offer.weekly_hours),
            "lieu": f"{offer.city} ({offer.postcode})",
            "jusqu_au": french_date(offer.search_end),
            "raisons": proposals[0].fits,
            **sender.values(),
        }
        drafts.append(
            _draft(
                template,
                recipient,
                values,
                channels=channels,
                expires_at=_after(offer.search_end),
            )
        )
    return Drafts(drafts=tuple(drafts))


def _unknown(code: str, message: str, *path: str) -> Drafts:
    return Drafts(problems=(Problem(code=code, message=message, path=path),))


def pmsmp_reminders(
    parcours: Parcours,
    pmsmp: PmsmpId,
    *,
    employer: Employer,
    sender: Sender,
    bring: Sequence[str] = DEFAULT_BRING,
    ics: Attachment | None = None,
    remind_at: ClockTime = _MORNING,
    templates: Templates = DEFAULT_TEMPLATES,
    channels: Sequence[str] = (SMS, EMAIL),
    tutor_channels: Sequence[str] = (EMAIL,),
) -> Drafts:
    """The reminders of a PMSMP, the day before it starts: to the tutor
    (``pmsmp.rappel_tuteur``, what an employer may read: the first name, the days,
    the tasks, never the prescripteur) and to the salarié·e
    (``pmsmp.rappel_salarie``: where, when, whom to ask for, what to bring).

    :param employer: the host's employer stream, folded: its tutor and site.
    :param ics: the PMSMP as an invitation (:func:`~seve.messaging.ics_attachment`),
        joined to both e-mails.
    :param remind_at: the time, the day before, the reminders become due.
    """
    held = parcours.pmsmps.get(pmsmp)
    if held is None:
        return _unknown("message.destinataire_inconnu", f"aucune PMSMP {pmsmp}", "pmsmp")
    shown = visible_fields(held.convention, Audience.EMPLOYER)
    tutor = employer.contacts.get(shown["tutor"])
    if tutor is None:
        return _unknown(
            "message.destinataire_inconnu",
            f"le tuteur·rice {shown['tutor']} n'est pas un contact de {employer.company.id}",
            "tutor",
        )
    site = employer.sites.get(shown["site"]) if shown["site"] is not None else None
    place = employer.company.name if site is None else f"{site.name}, {site.city} ({site.postcode})"
    if shown.get("place") is not None:  # the convention's lieu d'exécution, when written
        place = shown["place"].address
    referent = shown.get("referent")
    if referent is not None:  # the permanent·e who follows the PMSMP signs
        sender = Sender(
            structure=sender.structure, contact=referent.name, phone=referent.phone or sender.phone
        )
    bring = shown.get("bring") or bring
    schedule = shown["schedule"]
    days = [
        f"{french_date(d.date)} : " + ", ".join(f"{p.start}-{p.end}" for p in d.periods)
        for d in schedule
    ]
    first = schedule[0] if schedule else None
    regarding = Regarding(
        stream=parcours.stream, kind=RegardingKind.PMSMP, id=pmsmp, sequence=held.sequence
    )
    not_before = _at(shown["start"] - dt.timedelta(days=1), remind_at)
    expires_at = _at(shown["start"], first.periods[0].start if first and first.periods else "08:00")
    common = {
        "entreprise": employer.company.name,
        "premier_jour": french_date(shown["start"]),
        "fin": french_date(shown["end"]),
        **sender.values(),
    }
    to_tutor = _draft(
        templates["pmsmp.rappel_tuteur"],
        contact_recipient(tutor),
        {
            **common,
            "tuteur": tutor.name,
            "prenom": name_for(parcours.personal, Audience.EMPLOYER, pseudonym=parcours.salarie),
            "objectif": shown["objective"].label,
            "jours": days,
            "taches": shown["tasks"],
        },
        channels=tutor_channels,
        attachments=() if ics is None else (ics,),
        not_before=not_before,
        expires_at=expires_at,
        regarding=regarding,
    )
    salarie = _salarie(parcours, channels)
    to_salarie = _draft(
        templates["pmsmp.rappel_salarie"],
        salarie,
        {
            **common,
            "prenom": salarie.name,
            "horaires": days[0].split(" : ", 1)[1] if days else "horaires à confirmer",
            "lieu": place,
            "tuteur": shown.get("tutor_name") or tutor.name,
            "a_apporter": list(bring),
        },
        channels=channels,
        attachments=() if ics is None else (ics,),
        not_before=not_before,
        expires_at=expires_at,
        regarding=regarding,
    )
    return Drafts(drafts=(to_tutor, to_salarie))


def convention_signature(
    to: Recipient,
    *,
    company: str,
    convention: str,
    start: dt.date,
    end: dt.date,
    commitments: Sequence[str],
    sender: Sender,
    not_before: dt.datetime | None = None,
    templates: Templates = DEFAULT_TEMPLATES,
    channels: Sequence[str] = (EMAIL,),
) -> Drafts:
    """A convention de partenariat awaits the company's signature
    (``convention.signature``).  Plain values: the host passes what its
    conventions say, whatever their model.

    :param commitments: each commitment, one line, in French.
    """
    values = {
        "interlocuteur": to.name,
        "entreprise": company,
        "convention": convention,
        "periode": f"du {french_date(start, weekday=False)} au {french_date(end, weekday=False)}",
        "engagements": list(commitments),
        **sender.values(),
    }
    template = templates["convention.signature"]
    draft = _draft(template, to, values, channels=channels, not_before=not_before)
    return Drafts(drafts=(draft,))


def convention_renewal(
    to: Recipient,
    *,
    company: str,
    convention: str,
    end: dt.date,
    progress: Sequence[str],
    sender: Sender,
    remind_before: dt.timedelta = dt.timedelta(days=30),
    remind_at: ClockTime = _MORNING,
    templates: Templates = DEFAULT_TEMPLATES,
    channels: Sequence[str] = (EMAIL,),
) -> Drafts:
    """A convention de partenariat ends soon: propose to renew it
    (``convention.renouvellement``), ``remind_before`` its end.

    :param progress: where it stands, one line each ("PMSMP : 7 réalisées sur 10").
    """
    values = {
        "interlocuteur": to.name,
        "entreprise": company,
        "convention": convention,
        "echeance": french_date(end),
        "bilan": list(progress),
        **sender.values(),
    }
    template = templates["convention.renouvellement"]
    draft = _draft(
        template,
        to,
        values,
        channels=channels,
        not_before=_at(end - remind_before, remind_at),
        expires_at=_after(end),
    )
    return Drafts(drafts=(draft,))


def suivi_checkins(
    parcours: Parcours,
    *,
    sender: Sender,
    remind_at: ClockTime = _MORNING,
    templates: Templates = DEFAULT_TEMPLATES,
    channels: Sequence[str] = (SMS, EMAIL),
) -> Drafts:
    """The suivi dans l'emploi check-ins still to come: 1, 3, 6 and 12 months after
    the sortie (:func:`seve.model.suivi_milestones`), each due on its day and
    pointless :data:`~seve.model.SUIVI_TOLERANCE` later (``suivi.prise_de_nouvelles``).
    Nothing before the sortie."""
    template = templates["suivi.prise_de_nouvelles"]
    recipient = _salarie(parcours, channels)
    drafts = tuple(
        _draft(
            template,
            recipient,
            {"prenom": recipient.name, "mois": milestone.months, **sender.values()},
            channels=channels,
            not_before=_at(milestone.due, remind_at),
            expires_at=_at(milestone.due + SUIVI_TOLERANCE, "20:00"),
        )
        for milestone in suivi_milestones(parcours)
        if not milestone.contacted
    )
    return Drafts(drafts=drafts)


def success_story(
    parcours: Parcours,
    story: StoryId,
    *,
    to: Recipient,
    organisation: str,
    on: dt.date,
    sender: Sender,
    templates: Templates = DEFAULT_TEMPLATES,
) -> Drafts:
    """A success story, to someone at a prescripteur (``valorisation.belle_histoire``),
    only while the person's consent to share it is valid on ``on``.

    What a prescripteur may read goes through :func:`seve.audience.visible_fields`:
    the title and the date; the story's text is sensitive and stays in the SIAE.
    """
    told = parcours.mediation.stories.get(story)
    if told is None:
        return _unknown("valorisation.recit_inconnu", f"aucun récit {story}", "story")
    consent = parcours.mediation.consents.get(story)
    if consent is None or not consent.valid_on(on):
        return Drafts(
            problems=(
                Problem(
                    code="valorisation.partage_sans_consentement",
                    message=f"le récit {story} ne peut être partagé le {on:%d/%m/%Y} : "
                    "la personne n'y consent pas (ou plus)",
                    path=("story",),
                    legal=_STORY_LAW,
                ),
            )
        )
    shown = visible_fields(told, to.audience)
    values = {
        "destinataire": to.name,
        "organisme": organisation,
        "personne": name_for(parcours.personal, to.audience, pseudonym=parcours.salarie),
        "titre": shown.get("title", f"récit {story}"),
        "date": french_date(shown["date"]),
        **sender.values(),
    }
    draft = _draft(templates["valorisation.belle_histoire"], to, values, channels=(EMAIL,))
    return Drafts(drafts=(draft,))


def flash_info_invitations(
    invited: Iterable[Parcours],
    *,
    date: dt.date,
    time: ClockTime | None,
    place: str,
    topics: Sequence[str],
    led_by: str,
    sender: Sender,
    templates: Templates = DEFAULT_TEMPLATES,
    channels: Sequence[str] = (SMS, EMAIL),
    regarding: Regarding | None = None,
) -> Drafts:
    """A Flash Info to come, to the salarié·es invited (``flash_info.invitation``);
    pointless once it has started (or, without a time, once the day is over).  People
    who left are not invited.

    :param regarding: the session, for the gate to refuse invitations still in the
        outbox once it has been changed or cancelled.
    """
    template = templates["flash_info.invitation"]
    drafts = []
    for parcours in sorted(invited, key=lambda p: p.stream):
        if parcours.closed:
            continue
        recipient = _salarie(parcours, channels)
        values = {
            "prenom": recipient.name,
            "date": french_date(date),
            "heure": time or "l'heure qui vous sera précisée",
            "lieu": place,
            "sujets": list(topics),
            "anime_par": led_by,
            **sender.values(),
        }
        drafts.append(
            _draft(
                template,
                recipient,
                values,
                channels=channels,
                expires_at=_at(date, time) if time else _after(date),
                regarding=regarding,
            )
        )
    return Drafts(drafts=tuple(drafts))
