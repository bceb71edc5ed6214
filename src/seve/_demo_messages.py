"""``seve demo``'s messages: the first week after the synthetic year, through the outbox.

After the year is recorded, the demo records what a team does on a Monday morning:
salarié·es say which messages they accept (most by e-mail, a few not at all), their
job projects are written down, three offers are captured and three PMSMP validated.
A :class:`~seve.messaging.MessagePlanner` plans the offer broadcasts and the PMSMP
reminders with those events, in the same transactions; then a
:class:`~seve.app.Dispatcher` delivers what is due a week later through the
installed messaging plugins: ``seve-smtp`` writes to the maildir ``./seve-courriels``
(or sends to ``SEVE_SMTP_URL``, e.g. a local SMTP server).  Every message left out
is counted with its reason.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from ._demo import _fold
from .app import Dispatcher, Recorder
from .app._outbox import DELIVER, argument
from .hooks import Plugins
from .messaging import EMAIL, Directory, MessagePlanner
from .model import (
    PARIS,
    Channel,
    ClockTime,
    Employer,
    Event,
    EventId,
    ForbiddenUse,
    JobContractKind,
    JobProject,
    JobProjectDefined,
    MessagePurpose,
    MessagingConsentGiven,
    MessagingConsentWithdrawn,
    Offer,
    OfferCaptured,
    OfferId,
    Parcours,
    Period,
    PmsmpConvention,
    PmsmpDrafted,
    PmsmpId,
    PmsmpObjective,
    PmsmpParty,
    PmsmpSigned,
    PmsmpValidated,
    RomeCode,
    StaffId,
    Structure,
    local_date,
    weekly_schedule,
)
from .serialization import decode_event
from .storage import Store

__all__ = ["DEMO_PHONE", "send_demo_messages"]

#: The (fictitious) phone number the demo's messages give for the structure.
DEMO_PHONE: Final = "03 21 00 00 00"

#: The métiers of the demo's offers and projects: logistics, cleaning, green spaces.
_METIERS: Final = (
    (RomeCode("N1103"), "Préparateur·rice de commandes"),
    (RomeCode("K2204"), "Agent·e de propreté"),
    (RomeCode("A1203"), "Jardinier·ère d'espaces verts"),
)
_WORKWEEK: Final = {
    weekday: (
        Period(start=ClockTime("09:00"), end=ClockTime("12:00")),
        Period(start=ClockTime("13:00"), end=ClockTime("17:00")),
    )
    for weekday in range(5)
}
_SIGNED: Final = (
    PmsmpParty.BENEFICIAIRE,
    PmsmpParty.STRUCTURE_ACCUEIL,
    PmsmpParty.STRUCTURE_ACCOMPAGNEMENT,
)


def send_demo_messages(store: Store, *, seed: int) -> list[str]:
    """Record the demo's Monday morning in ``store``, after its synthetic year, and
    deliver its messages.

    :returns: French lines for the demo's summary: what was planned, what was left
        out and why, and where the messages went.
    """
    states, _count = _fold(decode_event(stored.data) for stored in store.read_log())
    structure = next(s for s in states if isinstance(s, Structure))
    parcours = sorted((s for s in states if isinstance(s, Parcours)), key=lambda p: p.stream)
    employers = sorted((s for s in states if isinstance(s, Employer)), key=lambda e: e.stream)
    last = max(s.updated_at for s in states)
    monday = local_date(last) + dt.timedelta(days=7 - local_date(last).weekday())
    at = dt.datetime.combine(monday, dt.time(9, 30), tzinfo=PARIS)
    staff = min(structure.staff)

    directory = Directory(phones=dict.fromkeys(structure.staff, DEMO_PHONE))
    directory.load(states)
    refused: Counter[str] = Counter()
    planner = MessagePlanner(
        directory=directory,
        channels=(EMAIL,),
        on_refused=lambda _event, problems: refused.update(p.code for p in problems),
    )
    planning = Plugins(entry_points=False)
    planning.register(planner, "seve.messages")
    recorder = Recorder(store, plugins=planning, clock=lambda: at)
    rng = random.Random(f"demo-messages:{seed}")
    events = _Events(at, staff)

    present = [p for p in parcours if not p.closed and p.running_contract(monday) is not None]
    for p in present:
        draw = rng.random()
        if draw < 0.8:
            recorder.record(events.make(p.stream, MessagingConsentGiven(channel=Channel(EMAIL))))
        elif draw < 0.9:  # said no to offers by e-mail: reminders only
            recorder.record(events.make(p.stream, MessagingConsentGiven(channel=Channel(EMAIL))))
            recorder.record(
                events.make(
                    p.stream,
                    MessagingConsentWithdrawn(
                        channel=Channel(EMAIL), purpose=MessagePurpose.OFFRES
                    ),
                )
            )
        rome, _title = rng.choice(_METIERS)
        recorder.record(
            events.make(p.stream, JobProjectDefined(project=JobProject(metiers=frozenset({rome}))))
        )

    hiring = [e for e in employers if not e.closed and e.contacts][:3]
    for n, (employer, (rome, title)) in enumerate(zip(hiring, _METIERS, strict=False), start=1):
        offer = Offer(
            id=OfferId(f"demo-offre-{n}"),
            employer=employer.company.id,
            title=title,
            rome=rome,
            contract=(JobContractKind.CDI, JobContractKind.CDD, JobContractKind.INTERIM)[n - 1],
            duration_months=None if n == 1 else 6,
            weekly_hours=Decimal(35 if n != 2 else 24),
            postcode=next(iter(employer.sites.values())).postcode if employer.sites else "62300",
            city=next(iter(employer.sites.values())).city if employer.sites else "Lens",
            search_start=monday,
            search_end=monday + dt.timedelta(days=30),
            captured_by=staff,
        )
        recorder.record(events.make(employer.stream, OfferCaptured(offer=offer)))

    start = monday + dt.timedelta(days=7)
    end = start + dt.timedelta(days=11)
    trainees = [p for p in present if p.running_contract(end) is not None][:3]
    for n, (p, host) in enumerate(zip(trainees, hiring, strict=False), start=1):
        pmsmp = PmsmpId(f"demo-pmsmp-{n}")
        convention = PmsmpConvention(
            id=pmsmp,
            objective=PmsmpObjective.DECOUVRIR,
            host=host.company.id,
            tutor=min(host.contacts),
            start=start,
            end=end,
            schedule=weekly_schedule(start, end, _WORKWEEK),
            tasks=("Découverte du poste", "Travail en équipe avec le tuteur·rice"),
            excluded_uses=frozenset(ForbiddenUse),
        )
        steps: list[Any] = [PmsmpDrafted(convention=convention)]
        steps += [PmsmpSigned(convention=pmsmp, party=party) for party in _SIGNED]
        steps.append(PmsmpValidated(convention=pmsmp))
        recorder.record_batch([events.make(p.stream, step) for step in steps])

    planned = _planned(store, since=at)
    week_later = dt.datetime.combine(start, dt.time(8, 0), tzinfo=PARIS)
    report = Dispatcher(store, plugins=Plugins(), clock=lambda: week_later).run_until_idle()
    return _summary(planned, refused, report.outcomes, monday)


class _Events:
    """Numbered events of the demo's Monday morning, a minute apart."""

    def __init__(self, at: dt.datetime, staff: StaffId) -> None:
        self.at = at
        self.staff = staff
        self.count = 0

    def make(self, stream: str, payload: Any) -> Event[Any]:
        self.count += 1
        when = self.at + dt.timedelta(seconds=self.count)
        return Event(
            id=EventId(f"demo-messages-{self.count}"),
            stream=stream,  # type: ignore[arg-type]
            occurred_at=when,
            recorded_at=when,
            recorded_by=self.staff,
            payload=payload,
        )


def _planned(store: Store, *, since: dt.datetime) -> Counter[str]:
    """The messages scheduled since ``since``, by purpose."""
    kinds: Counter[str] = Counter()
    for entry in store.outbox():
        if entry.hook == DELIVER and entry.event_id.startswith("demo-messages-"):
            _name, message = argument(entry)
            purpose = message.purpose
            kinds["offres" if purpose is MessagePurpose.OFFRES else "rappels"] += 1
    return kinds


def _summary(
    planned: Counter[str], refused: Counter[str], outcomes: Sequence[Any], monday: dt.date
) -> list[str]:
    reasons = {
        "message.sans_consentement": "sans consentement",
        "message.sans_adresse": "sans adresse",
        "message.limite_atteinte": "limite par personne atteinte",
    }
    left = " ; ".join(f"{n} {reasons.get(code, code)}" for code, n in sorted(refused.items()))
    lines = [
        (
            f"Messages de la semaine du {monday:%d/%m/%Y} : {planned['offres']} offres diffusées "
            f"et {planned['rappels']} rappels de PMSMP (tuteur·rices et salarié·es), planifiés "
            "avec leurs événements"
        ),
        f"  non envoyés, chacun avec sa raison : {left or 'aucun'}",
    ]
    messages = [o for o in outcomes if o.hook == DELIVER]
    delivered = [o for o in messages if o.status == "delivered" and o.delivery is not None]
    places = sorted({_where(o.delivery.detail) for o in delivered})
    if delivered:
        lines.append(f"  remis : {len(delivered)}, {' ; '.join(places)}")
    dead = [o for o in messages if o.status != "delivered"]
    if dead:
        lines.append(
            f"  en attente dans la file : {len(dead)} ({dead[0].error}) ; "
            "installez plugins/seve-smtp pour les courriels"
        )
    return lines


def _where(detail: str) -> str:
    """Where a delivery went, from seve-smtp's words: the maildir or the server."""
    if detail.startswith("écrit dans "):
        folder = Path(detail.removeprefix("écrit dans ")).parent
        return f"écrits dans {folder} (maildir ; SEVE_SMTP_URL=smtp://hôte:port pour un serveur)"
    return detail
