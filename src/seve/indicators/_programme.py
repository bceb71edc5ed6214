"""SEVE's own figures: what the programme wants to see move (earlier mises en situation,
more PMSMP, more hires, lasting jobs, a whole team turned towards companies)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import Final, NamedTuple, cast

from dateutil.relativedelta import relativedelta

from ..model import (
    SUIVI_MONTHS,
    SUIVI_TOLERANCE,
    CompanyEventKind,
    EmployerId,
    EventId,
    FollowUpKind,
    MiseEnRelationResult,
    Parcours,
    SiaeId,
    SortieCategory,
    StaffRole,
    suivi_milestones,
)
from ._context import Context
from ._digest import Digest, ParcoursDigest, PmsmpDigest
from ._figures import Evidence, Figure, FigureKind, count, ratio

__all__ = [
    "conventions",
    "delai_premiere_mise_en_situation",
    "en_emploi_apres_sortie",
    "entreprises_actives",
    "evenements_entreprise",
    "implication_equipe",
    "mises_en_relation",
    "pmsmp",
    "pmsmp_par_personne",
    "pmsmp_suivies_d_embauche",
]

SEVE: Final = "programme SEVE Emploi (FAS) : indicateurs de la médiation active"

#: Company events that are a mise en situation: a visit of a company with work tasks.
SITUATION_EVENTS: Final = frozenset({CompanyEventKind.VISITE_ENTREPRISE})
#: How long after a PMSMP a hire still counts as following it.
HIRE_WINDOW: Final = relativedelta(months=6)
#: The bands of the delay to the first mise en situation, in days: (code, label, below).
DELAY_BANDS: Final = (
    ("moins_4_semaines", "moins de 4 semaines", 28),
    ("4_a_12_semaines", "de 4 à 12 semaines", 84),
    ("3_a_6_mois", "de 12 semaines à 6 mois", 183),
    ("plus_6_mois", "plus de 6 mois", None),
)
_HIRED: Final = frozenset({SortieCategory.EMPLOI_DURABLE, SortieCategory.EMPLOI_DE_TRANSITION})


# -- mises en situation ---------------------------------------------------------------------


def _situations(digest: Digest) -> dict[str, list[tuple[dt.date, tuple[EventId, ...], str]]]:
    """Every mise en situation of each parcours: (day, events, what)."""
    found: defaultdict[str, list[tuple[dt.date, tuple[EventId, ...], str]]] = defaultdict(list)
    for p in digest.parcours.values():
        for pm in p.pmsmps.values():
            if pm.took_place:
                assert pm.started is not None
                found[p.stream].append((pm.started, pm.events, f"PMSMP chez {pm.host}"))
    for s in digest.structures.values():
        for held, events in s.company_events.values():  # held ones only
            if held.kind not in SITUATION_EVENTS:
                continue
            for salarie in held.participants:
                parcours = digest.parcours_of(salarie, held.date)
                if parcours is not None:
                    found[parcours.stream].append((held.date, events, held.kind.label))
    return found


def delai_premiere_mise_en_situation(digest: Digest, ctx: Context) -> Figure:
    """Days from the embauche to the first mise en situation (a PMSMP that took place, a
    company visit), for the people hired in the period: the median, and its bands."""
    situations = _situations(digest)
    delays: list[Evidence] = []
    without: list[Evidence] = []
    for p in ctx.parcours(digest):
        if p.embauche not in ctx.period:
            continue
        assert p.embauche is not None
        hired = [p.embauche_event] if p.embauche_event else []
        after = [s for s in situations.get(p.stream, ()) if s[0] >= p.embauche]
        if not after:
            without.append(Evidence(subject=p.stream, events=hired))
            continue
        day, events, what = min(after)
        days = (day - p.embauche).days
        delays.append(
            Evidence(
                subject=p.stream,
                events=[*hired, *events],
                amount=Decimal(days),
                note=f"{what} le {day:%d/%m/%Y}, {days} jours après l'embauche",
            )
        )
    parts = []
    low = 0
    for code, label, below in DELAY_BANDS:
        inside = [
            e
            for e in delays
            if e.amount is not None and low <= e.amount and (below is None or e.amount < below)
        ]
        parts.append(count(f"delai_premiere_mise_en_situation.{code}", label, inside))
        low = below or 0
    parts.append(
        count(
            "delai_premiere_mise_en_situation.aucune",
            "aucune mise en situation à ce jour",
            without,
        )
    )
    amounts = [e.amount for e in delays if e.amount is not None]
    median = Decimal(str(statistics.median(amounts))) if amounts else None
    return Figure(
        code="delai_premiere_mise_en_situation",
        label="Délai médian de l'embauche à la première mise en situation (jours)",
        kind=FigureKind.MEDIAN,
        value=median,
        evidence=delays,
        parts=tuple(parts),
        source=SEVE,
    )


# -- PMSMP ----------------------------------------------------------------------------------


def _pmsmps(digest: Digest, ctx: Context) -> list[tuple[ParcoursDigest, PmsmpDigest]]:
    return [
        (p, pm)
        for p in ctx.parcours(digest)
        for pm in p.pmsmps.values()
        if pm.took_place and pm.started in ctx.period
    ]


def _pmsmp_evidence(p: ParcoursDigest, pm: PmsmpDigest) -> Evidence:
    assert pm.started is not None
    return Evidence(
        subject=p.stream,
        events=pm.events,
        note=f"PMSMP {pm.id} chez {pm.host}, commencée le {pm.started:%d/%m/%Y}",
    )


def _done(digest: Digest, ctx: Context) -> list[tuple[ParcoursDigest, PmsmpDigest, Evidence]]:
    """The PMSMP of the period, each with its evidence (one object for every figure)."""
    found = ctx.cached("pmsmps")
    if found is None:
        found = [(p, pm, _pmsmp_evidence(p, pm)) for p, pm in _pmsmps(digest, ctx)]
        ctx.keep("pmsmps", found)
    return found  # type: ignore[no-any-return]


def pmsmp(digest: Digest, ctx: Context) -> Figure:
    """PMSMP that started in the period and took place (a renewal continues the same
    immersion and does not count again; a period the person did not come to neither)."""
    return count(
        "pmsmp",
        "PMSMP",
        (e for _p, _pm, e in _done(digest, ctx)),
        source=f"{SEVE} ; Code du travail, art. L5135-1",
    )


def pmsmp_par_personne(digest: Digest, ctx: Context) -> Figure:
    """PMSMP of the period per salarié·e present in it."""
    done = _done(digest, ctx)
    present = [p for p in ctx.parcours(digest) if p.present_during(ctx.period)]
    people = {p.stream: p for p, _pm, _e in done}
    return ratio(
        "pmsmp_par_personne",
        "PMSMP par salarié·e présent·e",
        (e for _p, _pm, e in done),
        (ctx.hired(p) for p in present),
        kind=FigureKind.RATIO,
        source=SEVE,
        parts=(
            ratio(
                "pmsmp_par_personne.personnes",
                "Part des salarié·es ayant fait au moins une PMSMP",
                (ctx.hired(p) for p in people.values()),
                (ctx.hired(p) for p in present),
            ),
        ),
    )


def _hires(
    digest: Digest, ctx: Context
) -> dict[str, list[tuple[dt.date, EmployerId | None, EventId]]]:
    """Every hire of each person by an employer: a mise en relation ending in a hire, a
    company event followed by a hire, a sortie in employment."""
    found: defaultdict[str, list[tuple[dt.date, EmployerId | None, EventId]]] = defaultdict(list)
    for p in digest.parcours.values():
        for mer in p.mises_en_relation.values():
            for result, day, eid in mer.steps:
                if result is MiseEnRelationResult.EMBAUCHE:
                    found[p.stream].append((day, mer.employer, eid))
        sortie = p.sortie
        if sortie is not None and p.sortie_event and ctx.motifs.category(sortie.motif) in _HIRED:
            found[p.stream].append((sortie.date, sortie.employer, p.sortie_event))
    for s in digest.structures.values():
        for follow, eid in s.follow_ups:
            if follow.kind is FollowUpKind.EMBAUCHE:
                parcours = digest.parcours_of(follow.salarie, follow.date)
                if parcours is not None:
                    found[parcours.stream].append((follow.date, follow.employer, eid))
    return found


def pmsmp_suivies_d_embauche(digest: Digest, ctx: Context) -> Figure:
    """Share of the PMSMP of the period followed by a hire within 6 months of their last
    day (renewal included): with the host, or elsewhere.  The state platform records only
    whether the immersion itself ended with a job offer; this follows the person."""
    hires = ctx.cached("hires") or ctx.keep("hires", _hires(digest, ctx))
    done = _done(digest, ctx)
    with_host: list[Evidence] = []
    elsewhere: list[Evidence] = []
    for p, pm, _e in done:
        assert pm.started is not None
        last = pm.last
        renewal = next((r for r in p.pmsmps.values() if r.renews == pm.id), None)
        if renewal is not None and renewal.started is not None:
            last = max(last, renewal.last)
        window = [h for h in hires.get(p.stream, ()) if pm.started <= h[0] <= last + HIRE_WINDOW]
        if not window:
            continue
        day, employer, eid = min(
            window, key=lambda h: (h[1] != pm.host, h[0], h[2])
        )  # the host first
        host = employer == pm.host
        note = f"PMSMP {pm.id} chez {pm.host} ; embauche le {day:%d/%m/%Y} " + (
            "par l'entreprise d'accueil"
            if host
            else f"ailleurs ({employer or 'employeur hors réseau'})"
        )
        item = Evidence(subject=p.stream, events=[*pm.events, eid], note=note)
        (with_host if host else elsewhere).append(item)
    base = [e for _p, _pm, e in done]
    return ratio(
        "pmsmp_suivies_d_embauche",
        "PMSMP suivies d'une embauche dans les 6 mois",
        [*with_host, *elsewhere],
        base,
        source=SEVE,
        parts=(
            count("pmsmp_suivies_d_embauche.accueil", "chez l'entreprise d'accueil", with_host),
            count("pmsmp_suivies_d_embauche.ailleurs", "chez un autre employeur", elsewhere),
        ),
    )


# -- mises en relation ----------------------------------------------------------------------


def mises_en_relation(digest: Digest, ctx: Context) -> Figure:
    """The funnel: mises en relation proposed in the period, how many reached an
    interview, how many a hire (whenever it came)."""
    proposed: list[Evidence] = []
    interview: list[Evidence] = []
    hired: list[Evidence] = []
    for p in ctx.parcours(digest):
        for mer in p.mises_en_relation.values():
            if mer.proposed_on not in ctx.period:
                continue
            note = f"offre {mer.offer} de {mer.employer}, proposée le {mer.proposed_on:%d/%m/%Y}"
            proposed.append(Evidence(subject=p.stream, events=(mer.event,), note=note))
            step = mer.reached(MiseEnRelationResult.ENTRETIEN)
            if step is not None:
                interview.append(Evidence(subject=p.stream, events=[mer.event, step[1]], note=note))
            step = mer.reached(MiseEnRelationResult.EMBAUCHE)
            if step is not None:
                hired.append(Evidence(subject=p.stream, events=[mer.event, step[1]], note=note))
    return count(
        "mises_en_relation",
        "Mises en relation sur des offres captées",
        proposed,
        source=SEVE,
        parts=(
            count("mises_en_relation.entretien", "suivies d'un entretien", interview),
            count("mises_en_relation.embauche", "suivies d'une embauche", hired),
            ratio(
                "mises_en_relation.taux_entretien", "part suivie d'un entretien", interview,
                proposed,
            ),
            ratio(
                "mises_en_relation.taux_embauche", "part suivie d'une embauche", hired, proposed
            ),
        ),
    )  # fmt: skip


# -- companies, conventions, the team --------------------------------------------------------


def entreprises_actives(digest: Digest, ctx: Context) -> Figure:
    """Companies that worked with the structures in the period: an offer, a PMSMP, a hire,
    an event, a mediation, mécénat (not a mere prospection visit or call); beside them, the
    companies of the network (registered by the end of the period)."""
    filters, period = ctx.filters, ctx.period
    active: defaultdict[str, set[EventId]] = defaultdict(set)
    known: defaultdict[str, set[EventId]] = defaultdict(set)
    streams = {e.company: e.stream for e in digest.employers.values()}
    kept: dict[SiaeId | None, bool] = {}

    def keeps(siae: SiaeId | None) -> bool:  # a few structures, many contacts
        found = kept.get(siae)
        if found is None:
            found = kept[siae] = digest.keeps_siae(filters, siae, None)
        return found

    for e in digest.employers.values():
        if e.registered is not None and e.registered[0] <= period.end and filters.everything:
            known[e.stream].add(e.registered[1])
        for day, siae, _by, engaged, _mecenat, eid in e.interactions:
            if day > period.end or not keeps(siae):
                continue
            known[e.stream].add(eid)
            if engaged and day >= period.start:
                active[e.stream].add(eid)
    for fact in ctx.facts(digest):
        if fact.day > period.end or not keeps(fact.siae):
            continue
        stream = streams.get(fact.employer, f"employer:{fact.employer}")
        known[stream].update(fact.events)
        if fact.day in period:
            active[stream].update(fact.events)
    return count(
        "entreprises_actives",
        "Entreprises actives dans le réseau sur la période",
        (Evidence(subject=s, events=ids) for s, ids in active.items()),
        source=f"{SEVE} ; fichier entreprises partagé",
        parts=(
            count(
                "entreprises_actives.reseau",
                "entreprises du réseau (connues à la fin de la période)",
                (Evidence(subject=s, events=ids) for s, ids in known.items()),
            ),
        ),
    )


def conventions(digest: Digest, ctx: Context) -> Figure:
    """Conventions de partenariat in force some day of the period, and how each one is
    fulfilled at the end of the period (or at its own end): from
    :func:`seve.partnerships.fulfilment`."""
    from ..partnerships import FactKind, FulfilmentStatus, fulfilment
    from ..partnerships._fulfilment import _by_employer

    period, filters = ctx.period, ctx.filters
    items: dict[FulfilmentStatus, list[Evidence]] = {s: [] for s in FulfilmentStatus}
    committed: list[Evidence] = []
    done: list[Evidence] = []
    facts = _by_employer(ctx.facts(digest)) if digest.has_conventions else {}
    for employer in digest.signed_states():
        for partnership in employer.partnerships.values():
            c = partnership.convention
            if partnership.activated_on is None:
                continue
            start = max(c.start, partnership.activated_on)
            if start > period.end or partnership.effective_end < period.start:
                continue
            if not any(digest.keeps_siae(filters, siae, None) for siae in c.siaes):
                continue
            on = min(period.end, partnership.effective_end)
            result = fulfilment(partnership, facts.get(c.employer, ()), on)
            subject = f"convention:{c.employer}/{c.id}"
            pmsmp_figure = result.figure(FactKind.PMSMP)
            summary = " ; ".join(
                f"{f.kind.label} {f.done}/{f.committed}" for f in result.figures if f.committed > 0
            )
            status = f"{result.status.label.lower()} au {on:%d/%m/%Y}"
            note = f"{c.title or c.id} : {summary or 'sans engagement chiffré'} ({status})"
            events = [eid for f in result.figures for eid in f.events]
            items[result.status].append(Evidence(subject=subject, events=events, note=note))
            committed.append(
                Evidence(subject=subject, events=(), amount=Decimal(pmsmp_figure.committed))
            )
            done.append(
                Evidence(
                    subject=subject, events=pmsmp_figure.events, amount=Decimal(pmsmp_figure.done)
                )
            )
    every = [e for found in items.values() for e in found]
    parts = [
        count(f"conventions.{status.value}", status.label, items[status])
        for status in FulfilmentStatus
    ]
    for code, label, amounts in (
        ("pmsmp_engagees", "PMSMP engagées par les entreprises", committed),
        ("pmsmp_realisees", "PMSMP réalisées dans le cadre des conventions", done),
    ):
        parts.append(
            Figure(
                code=f"conventions.{code}",
                label=label,
                kind=FigureKind.AMOUNT,
                value=sum((e.amount for e in amounts if e.amount is not None), Decimal(0)),
                evidence=amounts,
            )
        )
    return count(
        "conventions",
        "Conventions de partenariat en vigueur sur la période",
        every,
        source=f"{SEVE} ; conventions de partenariat (seve.partnerships)",
        parts=tuple(parts),
    )


def _contacts(digest: Digest, ctx: Context) -> dict[tuple[str, str], set[EventId]]:
    """(siae, staff) -> events of their contacts with companies in the period."""
    period = ctx.period
    found: defaultdict[tuple[str, str], set[EventId]] = defaultdict(set)
    for e in digest.employers.values():
        for day, siae, by, _engaged, _mecenat, eid in e.interactions:
            if day in period:
                found[(siae, by)].add(eid)
    for s in digest.structures.values():
        if s.siae is None:
            continue
        for held, events in s.company_events.values():  # held ones only
            if held.date in period and held.employers:
                for staff in held.staff:
                    found[(s.siae.id, staff)].update(events)
    for p in digest.parcours.values():
        if p.siae is None:
            continue
        for mer in p.mises_en_relation.values():
            if mer.proposed_on in period:
                found[(p.siae, mer.proposed_by)].add(mer.event)
    return found


def implication_equipe(digest: Digest, ctx: Context) -> Figure:
    """Share of the permanent·es in the team during the period who had a contact with a
    company in it (an interaction in the company file, a company event, a mise en
    relation), every role together, and by role (ETI included)."""
    contacts = _contacts(digest, ctx)
    team: list[tuple[frozenset[StaffRole], Evidence, bool]] = []
    for s in digest.selected_structures(ctx.filters):
        assert s.siae is not None
        for staff_id, staff in s.staff.items():
            if not staff.in_team_during(ctx.period):
                continue
            events = contacts.get((s.siae.id, staff_id), set())
            roles = ", ".join(r.label for r in sorted(staff.member.roles))
            item = Evidence(
                subject=f"staff:{s.siae.id}/{staff_id}",
                events=events,
                note=f"{roles} : {len(events)} contact(s) avec des entreprises",
            )
            team.append((staff.member.roles, item, bool(events)))
    parts = []
    for role in StaffRole:
        members = [(item, engaged) for roles, item, engaged in team if role in roles]
        if members:
            parts.append(
                ratio(
                    f"implication_equipe.{role.value}",
                    role.label,
                    (item for item, engaged in members if engaged),
                    (item for item, _engaged in members),
                )
            )
    return ratio(
        "implication_equipe",
        "Part des permanent·es en contact avec des entreprises",
        (item for _r, item, engaged in team if engaged),
        (item for _r, item, _engaged in team),
        source=SEVE,
        parts=tuple(parts),
    )


def evenements_entreprise(digest: Digest, ctx: Context) -> Figure:
    """Company events held in the period (job datings, presentations of métiers, visits,
    "cas d'école" days), with their participants."""
    items = []
    for s in digest.selected_structures(ctx.filters):
        for held, events in s.company_events.values():  # held ones only
            if held.date in ctx.period:
                items.append(
                    Evidence(
                        subject=f"company_event:{held.id}",
                        events=events,
                        amount=Decimal(len(held.participants)),
                        note=f"{held.kind.label} le {held.date:%d/%m/%Y}, "
                        f"{len(held.participants)} participant·es, "
                        f"{len(held.employers)} employeur(s)",
                    )
                )
    return count(
        "evenements_entreprise",
        "Événements entreprise tenus (job datings, visites, présentations)",
        items,
        source=SEVE,
    )


# -- in employment after the sortie ---------------------------------------------------------


class _Contact(NamedTuple):
    """What :func:`seve.model.suivi_milestones` reads of a suivi contact."""

    date: dt.date
    in_employment: bool | None


class _SuiviView:
    """What :func:`seve.model.suivi_milestones` reads of a parcours."""

    def __init__(self, p: ParcoursDigest) -> None:
        self.sortie = p.sortie
        self.suivis = tuple(_Contact(day, said) for day, said, _eid in p.suivis)


def en_emploi_apres_sortie(digest: Digest, ctx: Context) -> Figure:
    """For the sorties of the period (retraits aside), the share in employment at 1, 3, 6
    and 12 months, among those a suivi contact reached at that milestone (within
    :data:`~seve.model.SUIVI_TOLERANCE` of its due day: see
    :func:`~seve.model.suivi_milestones`)."""
    reached: dict[int, list[tuple[Evidence, bool]]] = {m: [] for m in SUIVI_MONTHS}
    followed: list[Evidence] = []
    for p in ctx.parcours(digest):
        if p.sortie is None or p.sortie.date not in ctx.period:
            continue
        if ctx.motifs.category(p.sortie.motif) is SortieCategory.RETRAIT:
            continue
        milestones = suivi_milestones(cast(Parcours, _SuiviView(p)))
        any_contact = False
        for milestone in milestones:
            if milestone.in_employment is None:
                continue
            any_contact = True
            due = milestone.due
            events = [eid for day, _s, eid in p.suivis if abs(day - due) <= SUIVI_TOLERANCE]
            said = "en emploi" if milestone.in_employment else "sans emploi"
            item = Evidence(
                subject=p.stream,
                events=events,
                note=f"{said} à {milestone.months} mois (contact autour du "
                f"{milestone.due:%d/%m/%Y})",
            )
            reached[milestone.months].append((item, milestone.in_employment))
        if any_contact:
            followed.append(Evidence(subject=p.stream, events=[eid for _d, _s, eid in p.suivis]))
    parts = tuple(
        ratio(
            f"en_emploi_apres_sortie.{months}_mois",
            f"en emploi à {months} mois",
            (item for item, working in reached[months] if working),
            (item for item, _working in reached[months]),
        )
        for months in SUIVI_MONTHS
    )
    return count(
        "en_emploi_apres_sortie",
        "Sorties suivies dans l'emploi (contacts à 1, 3, 6 et 12 mois)",
        followed,
        source=f"{SEVE} ; suivi dans l'emploi",
        parts=parts,
    )
