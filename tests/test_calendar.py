"""seve.calendar: every dated moment as RFC 5545 / 5546 iCalendar, per audience.

The tests follow Leïla's PMSMP, her appointments and the structure's job dating and
Flash Info through their lifecycle, and read what each calendar receives, with
icalendar and with vobject (an independent parser).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import icalendar
import pytest

from seve import DomainError
from seve.app import Dispatcher, Recorder
from seve.audience import Audience
from seve.calendar import (
    VTIMEZONE_PARIS,
    CalendarOptions,
    CalendarPlugin,
    EntryStatus,
    PmsmpLayout,
    calendar_effects,
    calendar_id,
    paris_vtimezone,
    plan_calendar,
    pmsmp_views,
    uid_for,
)
from seve.effects import CalendarAction
from seve.hooks import Plugins
from seve.model import (
    AgendaStatus,
    AppointmentCancelled,
    AppointmentChanged,
    AppointmentKind,
    AppointmentScheduled,
    ClockTime,
    CompanyEvent,
    CompanyEventCancelled,
    CompanyEventChanged,
    CompanyEventHeld,
    CompanyEventId,
    CompanyEventKind,
    CompanyEventScheduled,
    FlashInfoCancelled,
    FlashInfoChanged,
    FlashInfoHeld,
    FlashInfoScheduled,
    PmsmpAmended,
    PmsmpBilan,
    PmsmpCancelled,
    PmsmpDrafted,
    PmsmpEnded,
    PmsmpOutcome,
    PmsmpParty,
    PmsmpRejected,
    PmsmpStarted,
    SalarieId,
    SortieMotif,
)
from seve.model._base import identifier
from seve.storage import MemoryStore
from seve.testing.receivers import MemoryCalendar

sys.path.insert(0, str(Path(__file__).parent))
from builders import PARCOURS_STREAM, Log
from calendar_world import (
    KARIM,
    LE_JARDIN,
    SALARIE,
    appointment,
    by,
    flash_info,
    job_dating,
    job_interview,
    parcours,
    parses_twice,
    pmsmp_convention,
    structure,
    validated,
    vevent,
)

STAFF = calendar_id("staff", "cip-karim")
TEAM = calendar_id("siae", "siae-1")
LEILA = calendar_id("salarie", SALARIE)
TUTOR = calendar_id("contact", "tutor-1")
FRANCE_TRAVAIL = calendar_id("prescripteur", "ft-rennes")


def description(effect: Any) -> str:
    return str(vevent(effect.entry.ical)["description"])


# --- the time zone ---------------------------------------------------------------------------


def test_the_paris_vtimezone_gives_zoneinfo_offsets_every_day_from_2015_to_2035() -> None:
    tz = paris_vtimezone().to_tz(lookup_tzid=False)
    paris = ZoneInfo("Europe/Paris")
    day = dt.datetime(2015, 1, 1, 12)
    while day.year <= 2035:
        for hour in (1, 3, 12, 23):  # around the changes (02:00-03:00 does not exist, or twice)
            moment = day.replace(hour=hour)
            assert (
                moment.replace(tzinfo=tz).utcoffset() == moment.replace(tzinfo=paris).utcoffset()
            ), moment
        day += dt.timedelta(days=1)


def test_the_vtimezone_is_written_by_hand_and_stable() -> None:
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in VTIMEZONE_PARIS
    assert paris_vtimezone().to_ical() == paris_vtimezone().to_ical()


# --- a PMSMP through its lifecycle -------------------------------------------------------------


def test_a_drafted_pmsmp_is_tentative_in_the_staff_calendars_only() -> None:
    timeline = parcours()
    effects = timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    assert {(e.action, e.entry.calendar) for e in effects} == {
        (CalendarAction.PUBLISH, STAFF),
        (CalendarAction.PUBLISH, TEAM),
    }
    staff = vevent(effects[0].entry.ical)
    assert str(staff["status"]) == "TENTATIVE"
    assert "METHOD:REQUEST" in effects[0].entry.ical
    assert str(staff["organizer"]) == "mailto:karim.haddad@lejardin.example"
    assert str(staff["attendee"]) == "mailto:karim.haddad@lejardin.example"
    assert staff["attendee"].params["CN"] == "Karim Haddad"
    assert staff.decoded("dtstart") == dt.date(2025, 3, 3)
    assert staff.decoded("dtend") == dt.date(2025, 3, 15)  # exclusive: the 14th included
    assert str(staff["transp"]) == "TRANSPARENT"
    assert str(staff["class"]) == "PRIVATE"


def test_validated_it_reaches_the_salarie_and_the_tutor_day_by_day() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    effects = by(timeline.effects[-20:])
    counts = Counter((e.action, e.entry.calendar) for e in timeline.effects[2:])
    days = len(pmsmp_convention().schedule)  # 10 working days
    assert counts[(CalendarAction.PUBLISH, LEILA)] == days
    assert counts[(CalendarAction.PUBLISH, TUTOR)] == days
    assert counts[(CalendarAction.UPDATE, STAFF)] == 1  # tentative -> confirmed
    assert counts[(CalendarAction.PUBLISH, FRANCE_TRAVAIL)] == 1
    first = min(by(effects, calendar=LEILA), key=lambda e: vevent(e.entry.ical).decoded("dtstart"))
    event = vevent(first.entry.ical)
    assert "METHOD:PUBLISH" in first.entry.ical
    assert "ATTENDEE" not in first.entry.ical
    assert event.decoded("dtstart") == dt.datetime(2025, 3, 3, 9, tzinfo=ZoneInfo("Europe/Paris"))
    assert event.decoded("dtend") == dt.datetime(2025, 3, 3, 17, tzinfo=ZoneInfo("Europe/Paris"))
    assert "TZID=Europe/Paris" in first.entry.ical
    assert "BEGIN:VTIMEZONE" in first.entry.ical
    assert [a.decoded("trigger") for a in event.walk("VALARM")] == [
        -dt.timedelta(days=1),
        -dt.timedelta(hours=1),
    ]


def test_the_salarie_reads_plain_french_what_to_bring_and_whom_to_call() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    mine = by(timeline.effects, calendar=LEILA)[0]
    text = description(mine)
    assert str(vevent(mine.entry.ical)["summary"]) == "PMSMP chez Boulangerie Martin"
    assert "Ce jour-là : de 9 h à 12 h, puis de 13 h à 17 h." in text
    assert "À l'arrivée, demandez Mme Martin, votre tuteur·rice." in text
    assert "À apporter : votre convention de PMSMP signée ; vos chaussures de sécurité." in text
    assert "Un empêchement, un retard ? Prévenez Karim Haddad au 06 12 34 56 78." in text
    assert "Accès : entrée du personnel, à l'arrière." in text
    assert "ft-rennes" not in mine.entry.ical  # the prescripteur: not for her calendar
    assert "Benali" not in mine.entry.ical


def test_the_tutor_reads_the_first_name_dates_place_and_siae_contact_only() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    tutor = by(timeline.effects, calendar=TUTOR)[0]
    event = vevent(tutor.entry.ical)
    assert tutor.entry.audience is Audience.EMPLOYER
    assert str(event["summary"]) == "PMSMP : accueil de Leïla"
    text = description(tutor)
    assert "du lundi 3 mars 2025 au vendredi 14 mars 2025" in text
    assert "Karim Haddad, 06 12 34 56 78, karim.haddad@lejardin.example" in text
    assert str(event["location"]) == "Boulangerie Martin, 12 rue des Lilas, 35000 Rennes"
    assert str(event["class"]) == "PUBLIC"
    for secret in ("Benali", "07 98 76 54 32", "leila.benali", "ft-rennes", "prescripteur"):
        assert secret not in tutor.entry.ical.replace("\r\n ", "")


def test_the_staff_entry_names_the_person_and_the_prescripteur() -> None:
    timeline = parcours()
    drafted = timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    text = description(by(drafted, calendar=STAFF)[0])
    assert "Leïla Benali" in text
    assert "Prescripteur : ft-rennes." in text
    assert "téléphone : 07 98 76 54 32" in text
    assert "10 jour(s) de présence, 70 h." in text


def test_an_amendment_updates_every_day_and_cancels_a_day_removed() -> None:
    timeline = parcours()
    first = pmsmp_convention()
    timeline.add("2025-02-10", PmsmpDrafted(convention=first))
    validated(timeline)
    shorter = attrs.evolve(first, schedule=first.schedule[:-1], end=first.schedule[-2].date)
    effects = timeline.add("2025-02-21", PmsmpAmended(convention=shorter))
    mine = by(effects, calendar=LEILA)
    assert Counter(e.action for e in mine) == {CalendarAction.UPDATE: 9, CalendarAction.CANCEL: 1}
    (gone,) = by(mine, action=CalendarAction.CANCEL)
    event = vevent(gone.entry.ical)
    assert event.decoded("dtstart").date() == dt.date(2025, 3, 14)
    assert str(event["status"]) == "CANCELLED"
    assert "METHOD:CANCEL" in gone.entry.ical
    assert {e.entry.sequence for e in effects} == {2}


def test_an_amendment_keeps_the_objective_and_the_host() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    with pytest.raises(DomainError) as refused:
        timeline.add("2025-02-11", PmsmpAmended(convention=pmsmp_convention(host="emp-2")))
    assert refused.value.codes == ["pmsmp.avenant"]
    assert refused.value.problems[0].path == ("payload", "convention", "host")


def test_a_cancelled_pmsmp_is_cancelled_everywhere_with_a_raised_sequence() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    published = {e.entry.uid: e.entry.sequence for e in timeline.effects}
    effects = timeline.add("2025-02-25", PmsmpCancelled(convention="pm-1", reason="fermeture"))
    assert {e.action for e in effects} == {CalendarAction.CANCEL}
    assert {e.entry.uid for e in effects} == set(published)
    for effect in effects:
        assert effect.entry.sequence > published[effect.entry.uid]
        event = vevent(effect.entry.ical)
        assert str(event["status"]) == "CANCELLED"
        assert str(event["summary"]).startswith("Annulé : ")
        assert not event.walk("VALARM")
        parses_twice(effect.entry.ical)
    staff = by(effects, calendar=STAFF)[0]
    assert "Annulé : fermeture" in description(staff)
    assert "fermeture" not in by(effects, calendar=LEILA)[0].entry.ical  # staff's words


def test_a_rejected_draft_is_cancelled_for_the_staff_only() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    effects = timeline.add(
        "2025-02-11",
        PmsmpRejected(convention="pm-1", by=PmsmpParty.STRUCTURE_ACCUEIL, reason="complet"),
    )
    assert {(e.action, e.entry.calendar) for e in effects} == {
        (CalendarAction.CANCEL, STAFF),
        (CalendarAction.CANCEL, TEAM),
    }


def test_a_partial_end_cancels_the_days_after_the_last_day_present() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    timeline.add("2025-03-03", PmsmpStarted(convention="pm-1"))
    bilan = PmsmpBilan(
        outcome=PmsmpOutcome.PARTIAL, objectives_reached=False, last_day=dt.date(2025, 3, 7)
    )
    effects = timeline.add("2025-03-08", PmsmpEnded(convention="pm-1", bilan=bilan))
    cancelled = by(effects, action=CalendarAction.CANCEL, calendar=LEILA)
    assert sorted(vevent(e.entry.ical).decoded("dtstart").date() for e in cancelled) == [
        dt.date(2025, 3, d) for d in (10, 11, 12, 13, 14)
    ]
    (staff,) = by(effects, calendar=STAFF)
    assert staff.action is CalendarAction.UPDATE
    assert vevent(staff.entry.ical).decoded("dtend") == dt.date(2025, 3, 8)


def test_signing_and_starting_change_no_calendar() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    assert timeline.add("2025-03-03", PmsmpStarted(convention="pm-1")) == []


def test_the_period_layout_and_the_team_calendar_are_options() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    pmsmp = timeline.state.pmsmps["pm-1"]
    options = CalendarOptions(pmsmp=PmsmpLayout.PERIOD, team_calendar=False)
    views = pmsmp_views(timeline.state, pmsmp, options)
    assert Counter(calendar for calendar, _uid in views) == {
        STAFF: 1,
        LEILA: 1,
        TUTOR: 1,
        FRANCE_TRAVAIL: 1,
    }
    days = pmsmp_views(timeline.state, pmsmp, CalendarOptions(staff_pmsmp=PmsmpLayout.DAYS))
    assert Counter(calendar for calendar, _uid in days)[STAFF] == 10


def test_without_a_referent_the_team_calendar_organises_and_nobody_is_invited() -> None:
    timeline = parcours()
    effects = timeline.add(
        "2025-02-10", PmsmpDrafted(convention=pmsmp_convention(referent=None, place=None))
    )
    (team,) = effects
    assert team.entry.calendar == TEAM
    assert "METHOD:PUBLISH" in team.entry.ical
    assert str(vevent(team.entry.ical)["organizer"]) == "urn:seve:siae:siae-1"


# --- appointments ------------------------------------------------------------------------------


def test_an_appointment_is_a_request_for_the_staff_and_published_for_the_salarie() -> None:
    timeline = parcours()
    effects = timeline.add("2025-02-01", AppointmentScheduled(appointment=appointment()))
    assert {(e.action, e.entry.calendar) for e in effects} == {
        (CalendarAction.PUBLISH, STAFF),
        (CalendarAction.PUBLISH, TEAM),
        (CalendarAction.PUBLISH, LEILA),
    }
    staff, mine = by(effects, calendar=STAFF)[0], by(effects, calendar=LEILA)[0]
    assert "METHOD:REQUEST" in staff.entry.ical
    assert "Point sur le suivi avec le SPIP" in description(staff)  # the staff's note
    assert "SPIP" not in mine.entry.ical  # sensitive: never in hers
    assert str(vevent(mine.entry.ical)["summary"]) == "Rendez-vous avec Karim Haddad"
    text = description(mine)
    assert "Le lundi 10 février 2025, de 10 h à 11 h." in text
    assert "Pour : Préparer votre PMSMP." in text
    assert "À apporter : votre CV." in text
    assert "Prévenez Karim Haddad au 06 12 34 56 78." in text
    assert staff.entry.uid != mine.entry.uid


def test_a_job_interview_goes_to_the_employer_contact_with_the_first_name_only() -> None:
    timeline = parcours()
    effects = timeline.add("2025-02-01", AppointmentScheduled(appointment=job_interview()))
    (employer,) = by(effects, calendar=TUTOR)
    assert employer.entry.audience is Audience.EMPLOYER
    assert str(vevent(employer.entry.ical)["summary"]) == "Entretien d'embauche : Leïla"
    for secret in ("Benali", "SPIP", "vendeur", "CV"):  # name, note, topic, what to bring
        assert secret not in employer.entry.ical
    mine = by(effects, calendar=LEILA)[0]
    assert "Vous serez reçu·e par Sophie Martin (gérante)." in description(mine)


def test_an_appointment_moved_then_cancelled_keeps_its_uids_and_raises_sequences() -> None:
    timeline = parcours()
    first = timeline.add("2025-02-01", AppointmentScheduled(appointment=appointment()))
    moved = timeline.add(
        "2025-02-03",
        AppointmentChanged(appointment=appointment(start=ClockTime("14:00"), end="15:00")),
    )
    cancelled = timeline.add(
        "2025-02-05", AppointmentCancelled(appointment="rdv-1", reason="malade")
    )
    for step, action, sequence in (
        (first, CalendarAction.PUBLISH, 0),
        (moved, CalendarAction.UPDATE, 1),
        (cancelled, CalendarAction.CANCEL, 2),
    ):
        assert {(e.action, e.entry.sequence) for e in step} == {(action, sequence)}
    assert (
        {e.entry.uid for e in first}
        == {e.entry.uid for e in moved}
        == {e.entry.uid for e in cancelled}
    )
    assert "malade" in description(by(cancelled, calendar=STAFF)[0])
    assert "malade" not in by(cancelled, calendar=LEILA)[0].entry.ical


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"start": ClockTime("11:00"), "end": ClockTime("10:00")}, "agenda.horaires"),
        ({"kind": AppointmentKind.SUIVI}, "suivi.avant_sortie"),
    ],
)
def test_an_appointment_the_parcours_contradicts_is_refused(
    change: dict[str, Any], code: str
) -> None:
    timeline = parcours()
    with pytest.raises(DomainError) as refused:
        timeline.add("2025-02-01", AppointmentScheduled(appointment=appointment(**change)))
    assert refused.value.codes == [code]


def test_appointments_refuse_a_double_id_and_steps_on_unknown_or_cancelled_ones() -> None:
    timeline = parcours()
    timeline.add("2025-02-01", AppointmentScheduled(appointment=appointment()))
    for payload, code in (
        (AppointmentScheduled(appointment=appointment()), "rendez_vous.doublon"),
        (AppointmentChanged(appointment=appointment(id="rdv-9")), "rendez_vous.inconnu"),
    ):
        with pytest.raises(DomainError) as refused:
            timeline.add("2025-02-02", payload)
        assert refused.value.codes == [code]
    timeline.add("2025-02-02", AppointmentCancelled(appointment="rdv-1", reason="reporté"))
    with pytest.raises(DomainError) as refused:
        timeline.add("2025-02-03", AppointmentCancelled(appointment="rdv-1", reason="encore"))
    assert refused.value.codes == ["rendez_vous.annule"]


def test_a_suivi_appointment_after_the_sortie() -> None:
    from builders import cddi
    from seve.model import ContractEnded, ContractEndReason, Sortie, SortieRecorded

    timeline = parcours()
    timeline.add(
        "2025-05-30",
        ContractEnded(
            contract=cddi("2025-01-15").id,
            date=dt.date(2025, 5, 30),
            reason=ContractEndReason.EMBAUCHE,
        ),
    )
    timeline.add(
        "2025-05-30",
        SortieRecorded(sortie=Sortie(date=dt.date(2025, 5, 30), motif=SortieMotif.CDI)),
    )
    effects = timeline.add(
        "2025-06-20",
        AppointmentScheduled(
            appointment=appointment(kind=AppointmentKind.SUIVI, date=dt.date(2025, 6, 30))
        ),
    )
    assert str(vevent(by(effects, calendar=LEILA)[0].entry.ical)["summary"]) == (
        "Rendez-vous de suivi avec Karim Haddad"
    )


# --- company events and Flash Info -------------------------------------------------------------


def test_a_job_dating_reaches_staff_salaries_employers_and_prescripteurs() -> None:
    timeline = structure()
    effects = timeline.add("2025-03-01", CompanyEventScheduled(event=job_dating()))
    calendars = {e.entry.calendar: e.entry.audience for e in effects}
    assert calendars == {
        calendar_id("staff", "cip-karim"): Audience.STAFF,
        calendar_id("staff", "cip-lea"): Audience.STAFF,
        TEAM: Audience.STAFF,
        calendar_id("salarie", "s-1"): Audience.SALARIE,
        calendar_id("salarie", "s-2"): Audience.SALARIE,
        calendar_id("employer", "emp-1"): Audience.EMPLOYER,
        calendar_id("employer", "emp-2"): Audience.EMPLOYER,
        FRANCE_TRAVAIL: Audience.PRESCRIPTEUR,
    }
    staff = vevent(by(effects, calendar=calendar_id("staff", "cip-lea"))[0].entry.ical)
    assert sorted(a.params["CN"] for a in staff["attendee"]) == ["Karim Haddad", "Léa Morel"]
    employer = by(effects, calendar=calendar_id("employer", "emp-1"))[0]
    text = description(employer)
    assert "2 salarié·e(s) en transition inscrit·e(s)." in text
    assert "s-1" not in employer.entry.ical
    assert "s-2" not in employer.entry.ical
    assert "Contact à Le Jardin : Karim Haddad" in text
    mine = by(effects, calendar=calendar_id("salarie", "s-1"))[0]
    assert str(vevent(mine.entry.ical)["summary"]) == (
        "Job dating : Restauration et métiers de bouche"
    )
    assert "À apporter : votre CV." in description(mine)


def test_a_job_dating_moved_then_held_then_a_second_cancelled() -> None:
    timeline = structure()
    timeline.add("2025-03-01", CompanyEventScheduled(event=job_dating()))
    one_less = job_dating(date=dt.date(2025, 3, 20), invited=frozenset({SalarieId("s-1")}))
    moved = timeline.add("2025-03-05", CompanyEventChanged(event=one_less))
    assert Counter(e.action for e in moved) == {
        CalendarAction.UPDATE: 7,
        CalendarAction.CANCEL: 1,  # s-2 is no longer invited
    }
    held = CompanyEvent(
        id=CompanyEventId("jd-1"),
        kind=CompanyEventKind.JOB_DATING,
        date=dt.date(2025, 3, 20),
        participants=frozenset({SalarieId("s-1")}),
    )
    assert timeline.add("2025-03-20", CompanyEventHeld(event=held)) == []
    record = timeline.state.company_events["jd-1"]
    assert record.held
    assert (record.start, record.place) == ("14:00", LE_JARDIN)
    timeline.add("2025-03-21", CompanyEventScheduled(event=job_dating(id="jd-2")))
    cancelled = timeline.add(
        "2025-03-22", CompanyEventCancelled(event="jd-2", reason="l'employeur a reporté")
    )
    assert {e.action for e in cancelled} == {CalendarAction.CANCEL}
    assert all("l'employeur a reporté" in description(e) for e in cancelled)


def test_a_company_event_recorded_once_held_stays_out_of_calendars() -> None:
    timeline = structure()
    held = CompanyEvent(
        id=CompanyEventId("v-1"), kind=CompanyEventKind.VISITE_ENTREPRISE, date=dt.date(2025, 3, 3)
    )
    assert timeline.add("2025-03-03", CompanyEventHeld(event=held)) == []
    assert timeline.state.company_events["v-1"].held


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (CompanyEventChanged(event=job_dating(id="jd-9")), "evenement_entreprise.inconnu"),
        (CompanyEventScheduled(event=job_dating()), "evenement_entreprise.doublon"),
        (CompanyEventScheduled(event=job_dating(id="x", end=None)), "agenda.horaires"),
    ],
)
def test_company_event_steps_the_structure_contradicts(payload: Any, code: str) -> None:
    timeline = structure()
    timeline.add("2025-03-01", CompanyEventScheduled(event=job_dating()))
    with pytest.raises(DomainError) as refused:
        timeline.add("2025-03-02", payload)
    assert refused.value.codes == [code]


def test_a_cancelled_company_event_can_be_neither_changed_nor_held() -> None:
    timeline = structure()
    timeline.add("2025-03-01", CompanyEventScheduled(event=job_dating()))
    timeline.add("2025-03-02", CompanyEventCancelled(event="jd-1"))
    for payload in (CompanyEventChanged(event=job_dating()), CompanyEventHeld(event=job_dating())):
        with pytest.raises(DomainError) as refused:
            timeline.add("2025-03-03", payload)
        assert refused.value.codes == ["evenement_entreprise.statut"]


def test_a_flash_info_scheduled_changed_cancelled() -> None:
    timeline = structure()
    effects = timeline.add("2025-03-01", FlashInfoScheduled(session=flash_info()))
    assert {e.entry.calendar for e in effects} == {
        calendar_id("staff", "cip-lea"),
        TEAM,
        calendar_id("salarie", "s-1"),
        calendar_id("salarie", "s-3"),
        calendar_id("employer", "emp-2"),
    }
    lea = vevent(by(effects, calendar=calendar_id("staff", "cip-lea"))[0].entry.ical)
    assert lea["organizer"].params["CN"] == "Léa Morel"
    assert str(lea["summary"]) == "Flash Info : La logistique recrute"
    changed = timeline.add(
        "2025-03-02", FlashInfoChanged(session=flash_info(start=ClockTime("15:00"), end="16:00"))
    )
    assert {(e.action, e.entry.sequence) for e in changed} == {(CalendarAction.UPDATE, 1)}
    timeline.add("2025-03-03", FlashInfoCancelled(session="fi-1", reason="salle indisponible"))
    with pytest.raises(DomainError) as refused:
        timeline.add("2025-03-13", FlashInfoHeld(session=flash_info()))
    assert refused.value.codes == ["flash_info.statut"]
    with pytest.raises(DomainError) as refused:
        timeline.add("2025-03-13", FlashInfoCancelled(session="fi-9"))
    assert refused.value.codes == ["flash_info.inconnu"]


def test_a_flash_info_without_hours_is_a_whole_day() -> None:
    timeline = structure()
    effects = timeline.add(
        "2025-03-01", FlashInfoScheduled(session=flash_info(start=None, end=None))
    )
    event = vevent(effects[0].entry.ical)
    assert event.decoded("dtstart") == dt.date(2025, 3, 13)
    assert "BEGIN:VTIMEZONE" not in effects[0].entry.ical
    assert [a.decoded("trigger") for a in event.walk("VALARM")] == [-dt.timedelta(hours=6)]


# --- what holds for every entry ------------------------------------------------------------------


def everything() -> list[Any]:
    timeline = parcours()
    timeline.add("2025-02-01", AppointmentScheduled(appointment=job_interview()))
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    timeline.add("2025-02-25", PmsmpCancelled(convention="pm-1", reason="fermeture"))
    collective = structure()
    collective.add("2025-03-01", CompanyEventScheduled(event=job_dating()))
    collective.add("2025-03-01", FlashInfoScheduled(session=flash_info()))
    collective.add("2025-03-02", CompanyEventCancelled(event="jd-1"))
    return [*timeline.effects, *collective.effects]


def test_every_entry_parses_with_icalendar_and_with_vobject() -> None:
    effects = everything()
    assert len(effects) > 60
    for effect in effects:
        parses_twice(effect.entry.ical)
        event = vevent(effect.entry.ical)
        assert str(event["uid"]) == effect.entry.uid
        assert event.decoded("sequence") == effect.entry.sequence
        assert "ORGANIZER" in effect.entry.ical  # required by every method (RFC 5546, 3.2)
        method = "CANCEL" if effect.action is CalendarAction.CANCEL else None
        if method:
            assert "METHOD:CANCEL" in effect.entry.ical
            assert str(event["status"]) == "CANCELLED"
        elif effect.entry.audience is Audience.STAFF:
            assert "METHOD:REQUEST" in effect.entry.ical or "ATTENDEE" not in effect.entry.ical
        else:
            assert "METHOD:PUBLISH" in effect.entry.ical
            assert "ATTENDEE" not in effect.entry.ical


def test_dtstamp_is_the_time_of_recording_never_a_clock() -> None:
    log = Log(PARCOURS_STREAM)
    timeline = parcours()
    event = log.make(
        dt.datetime(2025, 2, 1, 10, 30, tzinfo=ZoneInfo("Europe/Paris")),
        AppointmentScheduled(appointment=appointment()),
    )
    event = attrs.evolve(
        event, id="e-99", recorded_at=dt.datetime(2025, 2, 3, 8, 15, tzinfo=dt.UTC)
    )
    before = timeline.state
    effects = timeline.record(event)
    assert {vevent(e.entry.ical).decoded("dtstamp") for e in effects} == {
        dt.datetime(2025, 2, 3, 8, 15, tzinfo=dt.UTC)
    }
    again = plan_calendar(event, before, timeline.state)
    assert again == effects  # pure: the same event plans the same effects


def test_calendar_ids_stay_identifiers_however_long_the_key() -> None:
    long = calendar_id("salarie", "s" * 128)
    identifier(None, None, long)  # type: ignore[arg-type]  # raises if it is not one
    assert len(long) == 128
    assert long.startswith("salarie:sss")
    assert long != calendar_id("salarie", "s" * 127 + "t")
    assert calendar_id("staff", "cip-1") == "staff:cip-1"


def test_uids_are_deterministic_and_reveal_no_internal_id() -> None:
    uid = uid_for("rdv", "parcours:p-1", "rdv-1", "employer")
    assert uid == uid_for("rdv", "parcours:p-1", "rdv-1", "employer")
    assert uid != uid_for("rdv", "parcours:p-1", "rdv-1", "salarie")
    assert uid.endswith("@seve")
    assert "p-1" not in uid
    assert "rdv-1" not in uid


def test_calendar_effects_give_every_live_entry_of_a_state() -> None:
    timeline = parcours()
    timeline.add("2025-02-01", AppointmentScheduled(appointment=appointment()))
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    timeline.add("2025-02-21", AppointmentCancelled(appointment="rdv-1", reason="reporté"))
    now = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    effects = calendar_effects(timeline.state, now=now)
    assert {e.action for e in effects} == {CalendarAction.PUBLISH}
    assert len(effects) == 2 + 10 + 10 + 1  # staff and team, hers, the tutor's, France Travail
    assert all(vevent(e.entry.ical).decoded("dtstamp") == now for e in effects)


def test_an_entry_status_is_one_of_rfc_5545() -> None:
    assert {s.value for s in EntryStatus} == {"TENTATIVE", "CONFIRMED", "CANCELLED"}


# --- through the recording service and the dispatcher ----------------------------------------


def test_the_builtin_plugin_plans_calendar_effects_the_dispatcher_delivers() -> None:
    calendar = MemoryCalendar()
    plugins = Plugins(entry_points=False)
    plugins.register(calendar, "memoire")
    assert "seve.calendar" in plugins.implementers("seve_plan_effects")
    store = MemoryStore()
    recorder = Recorder(store, plugins=plugins)
    timeline = parcours()
    for event in timeline.log:
        recorder.record(event)
    event = timeline.log.make("2025-02-01", AppointmentScheduled(appointment=appointment()))
    recorder.record(event)
    report = Dispatcher(store, plugins=plugins).run_until_idle()
    assert report.count("delivered") == 3
    assert set(calendar.calendars) == {STAFF, TEAM, LEILA}
    (entry,) = calendar.calendars[LEILA].values()
    assert vevent(entry.ical).decoded("sequence") == 0


def test_a_host_registers_its_own_planner_with_other_options() -> None:
    calendar = MemoryCalendar()
    plugins = Plugins(entry_points=False, environ={"SEVE_DISABLED_PLUGINS": "seve.calendar"})
    plugins.register(calendar, "memoire")
    plugins.register(CalendarPlugin(CalendarOptions(team_calendar=False)), "calendrier")
    store = MemoryStore()
    recorder = Recorder(store, plugins=plugins)
    timeline = parcours()
    for event in timeline.log:
        recorder.record(event)
    recorder.record(
        timeline.log.make("2025-02-01", AppointmentScheduled(appointment=appointment()))
    )
    Dispatcher(store, plugins=plugins).run_until_idle()
    assert set(calendar.calendars) == {STAFF, LEILA}


def test_agenda_status_labels_are_french() -> None:
    assert [s.label for s in AgendaStatus] == ["Prévu", "Tenu", "Annulé"]


def test_views_are_cut_by_the_audience_policy_for_every_kind_of_salarie_naming() -> None:
    timeline = parcours()
    timeline.add("2025-02-10", PmsmpDrafted(convention=pmsmp_convention()))
    validated(timeline)
    views = pmsmp_views(timeline.state, timeline.state.pmsmps["pm-1"], CalendarOptions())
    named = {view.audience: view.summary for view in views.values()}
    assert named[Audience.STAFF] == "PMSMP Leïla Benali – Boulangerie Martin"
    assert named[Audience.PRESCRIPTEUR] == "PMSMP Leïla Benali – Boulangerie Martin"
    assert named[Audience.EMPLOYER] == "PMSMP : accueil de Leïla"
    assert KARIM.name in views[next(k for k in views if k[0] == TUTOR)].description


def test_icalendar_reads_the_alarm_descriptions() -> None:
    effects = everything()
    for effect in effects:
        for alarm in vevent(effect.entry.ical).walk("VALARM"):
            assert str(alarm["action"]) == "DISPLAY"
            assert str(alarm["description"])
    assert isinstance(icalendar.Calendar.from_ical(effects[0].entry.ical), icalendar.Calendar)
