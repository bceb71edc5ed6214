"""A small world for the privacy tests: a synthetic ACI whose first salarié·e gets a
name no one else has, free text everywhere, messages and calendar entries naming
them, and plugins that keep copies.  (Helpers only: no test here.)"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

from seve.app import Dispatcher, Recorder
from seve.audience import Audience
from seve.effects import (
    CalendarAction,
    CalendarEffect,
    CalendarEntry,
    Message,
    MessageEffect,
)
from seve.hooks import Plugins, hookimpl
from seve.indicators import Indicator
from seve.model import (
    PARIS,
    BilanRecorded,
    Embauche,
    Event,
    EventId,
    FlashInfo,
    FlashInfoHeld,
    FlashInfoId,
    FreinIdentified,
    HoursWorked,
    ObjectiveDefined,
    PersonalData,
    PersonalDataRecorded,
    SalarieId,
    SortieRecorded,
    SuiviContactRecorded,
    default_motif_table,
)
from seve.privacy import Erasure
from seve.serialization import decode_event
from seve.storage import Store
from seve.testing.receivers import MemoryCalendar, MemoryMessenger
from seve.testing.synthetic import Scenario, generate

FIRST, LAST = "Zéphyrine", "Quastrowska"
EMAIL, PHONE = "zephyrine.quastrowska@exemple.fr", "07 98 76 54 32"
#: Text typed about the person: each must be gone after the erasure.
MARKERS = ("FREIN-QX", "NOTE-QX", "SYNTH-QX", "LABEL-QX", "SUIVI-QX")
#: Every form the identity may take in bytes (the e-mail's local part alone, too).
SECRETS = (
    FIRST,
    "Zephyrine",
    "ZÉPHYRINE",
    LAST,
    "QUASTROWSKA",
    EMAIL,
    "zephyrine.quastrowska",
    "0798765432",
    "07 98 76 54 32",
    "98 76 54 32",
    *MARKERS,
)

SCENARIO = Scenario(seed=3, start=dt.date(2023, 1, 2), days=400, parcours=10, employers=3)


def _personalise(event: Event[Any]) -> Event[Any]:
    """The target's events, with their identity and free text replaced."""
    payload = event.payload
    if isinstance(payload, PersonalDataRecorded):
        data = PersonalData(
            first_name=FIRST,
            last_name=LAST,
            birth_date=dt.date(1990, 5, 17),
            email=EMAIL,
            phone=PHONE,
        )
        payload = PersonalDataRecorded(data=data)
    elif isinstance(payload, FreinIdentified):
        frein = attrs.evolve(payload.frein, detail=f"hébergée chez sa sœur, FREIN-QX, {FIRST}")
        payload = FreinIdentified(frein=frein)
    elif isinstance(payload, BilanRecorded):
        bilan = attrs.evolve(
            payload.bilan,
            notes=f"NOTE-QX : {FIRST} {LAST} parle de sa santé",
            synthesis=f"SYNTH-QX : {FIRST} progresse bien",
        )
        payload = BilanRecorded(bilan=bilan)
    elif isinstance(payload, ObjectiveDefined):
        objective = attrs.evolve(payload.objective, label=f"LABEL-QX trouver un logement, {LAST}")
        payload = ObjectiveDefined(objective=objective)
    elif isinstance(payload, SuiviContactRecorded):
        contact = attrs.evolve(payload.contact, notes=f"SUIVI-QX appel au {PHONE}")
        payload = SuiviContactRecorded(contact=contact)
    return attrs.evolve(event, payload=payload)


def world() -> tuple[list[Event[Any]], SalarieId, str]:
    """The log, the target's salarié id and parcours stream.

    The target is the first person hired whose parcours has a sortie and suivi
    contacts (so that every kind of text is there).
    """
    log = list(generate(SCENARIO))
    sortie = {e.stream for e in log if isinstance(e.payload, SortieRecorded)}
    suivi = {e.stream for e in log if isinstance(e.payload, SuiviContactRecorded)}
    target = next(e for e in log if isinstance(e.payload, Embauche) and e.stream in sortie & suivi)
    assert isinstance(target.payload, Embauche)
    log = [_personalise(e) if e.stream == target.stream else e for e in log]
    structure = next(e for e in log if e.stream.startswith("siae:"))
    last = max(e.occurred_at for e in log)
    flash = Event(
        id=EventId("flash-qx"),
        stream=structure.stream,
        occurred_at=last + dt.timedelta(hours=1),
        recorded_at=last + dt.timedelta(hours=1),
        recorded_by=structure.recorded_by,
        payload=FlashInfoHeld(
            session=FlashInfo(
                id=FlashInfoId("fi-1"),
                date=(last + dt.timedelta(hours=1)).astimezone(PARIS).date(),
                led_by=structure.recorded_by,
                topics=(f"Témoignage de {FIRST} {LAST} sur son embauche",),
            )
        ),
    )
    return [*log, flash], target.payload.salarie, target.stream


def entry(uid: str, text: str) -> CalendarEntry:
    lines = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{text}"]
    # a long DESCRIPTION, folded at 75 octets as iCalendar does: the name is cut
    description = f"DESCRIPTION:Rendez-vous de suivi avec {FIRST} {LAST} au chantier"
    folded = "\r\n ".join(description[i : i + 40] for i in range(0, len(description), 40))
    lines += [folded, "END:VEVENT", "END:VCALENDAR"]
    return CalendarEntry(
        uid=uid,
        sequence=0,
        calendar="staff:cip-1",
        audience=Audience.STAFF,
        ical="\r\n".join(lines),
    )


class Effects:
    """Plans, for the target's events, an SMS to them and a calendar entry naming
    them; for the Flash Info, an e-mail to the whole team naming them."""

    def __init__(self, target: str) -> None:
        self.target = target

    @hookimpl
    def seve_plan_effects(self, event: Event[Any], after: Any) -> Any:
        if event.stream == self.target and isinstance(event.payload, FreinIdentified | HoursWorked):
            personal = getattr(after, "personal", None)
            yield MessageEffect(
                message=Message(
                    channel="sms",
                    recipient=personal.phone if personal else "0600000000",
                    audience=Audience.SALARIE,
                    subject="Rendez-vous",
                    text=f"Bonjour {FIRST}, rendez-vous lundi.",
                )
            )
            yield CalendarEffect(
                action=CalendarAction.PUBLISH, entry=entry(f"rdv-{event.id}", f"RDV {FIRST}")
            )
        if event.id == "flash-qx":
            yield MessageEffect(
                message=Message(
                    channel="email",
                    recipient="equipe@aci.example",
                    audience=Audience.STAFF,
                    subject="Flash Info",
                    text=f"{FIRST} {LAST} viendra témoigner.",
                )
            )


class Calendar(MemoryCalendar):
    """A calendar that drops what it is told to forget."""

    def __init__(self) -> None:
        super().__init__()
        self.erasures: list[Erasure] = []

    @hookimpl
    def seve_forget(self, erasure: Erasure) -> None:
        self.erasures.append(erasure)
        for entries in self.calendars.values():
            for uid in erasure.calendar_uids:
                entries.pop(uid, None)


class Messenger(MemoryMessenger):
    """A messenger that drops the messages it sent to, or about, a forgotten person."""

    @hookimpl
    def seve_forget(self, erasure: Erasure) -> None:
        def mentions(message: Message) -> bool:
            text = f"{message.recipient} {message.text}"
            return any(s in text for s in erasure.identity) or any(
                re.sub(r"\D", "", s) and re.sub(r"\D", "", s) in re.sub(r"\D", "", text)
                for s in erasure.identity
                if re.search(r"\d{6}", re.sub(r"\D", "", s))
            )

        self.sent = {k: m for k, m in self.sent.items() if not mentions(m)}


def plugins(target: str) -> tuple[Plugins, Calendar, Messenger]:
    registry = Plugins(entry_points=False)
    calendar, messenger = Calendar(), Messenger()
    registry.register(Effects(target), "effets")
    registry.register(calendar, "agenda")
    registry.register(messenger, "messagerie")
    return registry, calendar, messenger


T_RECORD = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)


def record(store: Store, events: Iterable[Event[Any]], registry: Plugins) -> Recorder:
    """Record ``events`` and deliver half the outbox (so both pending and done entries
    name the person)."""
    recorder = Recorder(store, plugins=registry, clock=lambda: T_RECORD)
    for event in events:
        recorder.record(event)
    Dispatcher(store, plugins=registry, clock=lambda: T_RECORD, batch=7).run_once()
    return recorder


# -- indicators: anonymous facts (dates, categories, counts) ------------------------------------


@attrs.frozen
class Count:
    """A count of events by a key of their anonymous facts."""

    code: str
    label: str
    key: Any

    def start(self) -> Counter[Any]:
        return Counter()

    def step(self, acc: Counter[Any], event: Event[Any]) -> Counter[Any]:
        key = self.key(event)
        if key is not None:
            acc[key] += 1
        return acc

    def finish(self, acc: Counter[Any]) -> dict[Any, int]:
        return dict(sorted(acc.items(), key=repr))


def _hours(event: Event[Any]) -> Any:
    payload = event.payload
    return (payload.hours.month, payload.hours.hours) if isinstance(payload, HoursWorked) else None


_TABLE = default_motif_table()

INDICATORS: list[Indicator[Any]] = [
    Count(
        "evenements_par_type_et_mois",
        "événements par type et mois",
        lambda e: (e.type, e.day.month),
    ),
    Count("flux", "événements par flux", lambda e: e.stream),
    Count(
        "sorties_par_categorie",
        "sorties par catégorie ASP",
        lambda e: (
            _TABLE.category(e.payload.sortie.motif).value
            if isinstance(e.payload, SortieRecorded)
            else None
        ),
    ),
    Count(
        "freins_par_theme",
        "freins identifiés par thème",
        lambda e: (
            (e.payload.frein.theme.value, e.payload.frein.identified_on)
            if isinstance(e.payload, FreinIdentified)
            else None
        ),
    ),
    Count(
        "embauches",
        "embauches par tranche d'âge, QPV et RQTH",
        lambda e: (
            (e.payload.situation.age_band.value, e.payload.situation.qpv, e.payload.situation.rqth)
            if isinstance(e.payload, Embauche)
            else None
        ),
    ),
    Count("heures", "heures déclarées", _hours),
]


def sqlite_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[Event[Any]], SalarieId, str]:
    """:func:`world` recorded in a SQLite file, for the ``seve`` commands (the SQLite
    and free-text plugins loaded): the store's URL, and what :func:`world` returns."""
    from seve_sqlite import SqliteStore

    monkeypatch.setenv("SEVE_LOAD_PLUGINS", "sqlite,texte_libre")
    path = tmp_path / "seve.db"
    store = SqliteStore(path)
    events, salarie, target = world()
    record(store, events, plugins(target)[0])
    store.close()
    return f"sqlite:{path}", events, salarie, target


def decoded(store: Store) -> list[Event[Any]]:
    return [decode_event(s.data) for s in store.read_log()]


def operational(events: Iterable[Event[Any]]) -> list[Event[Any]]:
    """The log without the audit events (the indicators look at the SIAE's work)."""
    return [
        e
        for e in events
        if e.type not in {"personal_data_erased", "retention_applied", "export_recorded"}
    ]
