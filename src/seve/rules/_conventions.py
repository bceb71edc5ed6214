"""Conventions de partenariat and the company file: coherent dates, positive
commitments, every signature before a convention comes into force, and no two
conventions in force between the same parties over the same days.

These are programme rules (a convention de partenariat is a private agreement: no
article of the Code du travail governs it), so their problems carry no legal source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..errors import Path, Problem
from ..model import (
    CompanyCommitments,
    ConventionActivated,
    ConventionAmended,
    ConventionDrafted,
    ConventionEnded,
    ConventionId,
    ConventionRenewed,
    ConventionStatus,
    ConventionTerminated,
    Employer,
    Event,
    InteractionRecorded,
    Partnership,
    SiaeCommitments,
    StreamKind,
)
from ._base import register

__all__ = [
    "check_convention_commitments",
    "check_convention_dates",
    "check_convention_overlap",
    "check_convention_signatures",
    "check_interaction_dates",
]


def _dates(start: dt.date, end: dt.date, path: Path) -> Iterator[Problem]:
    if end < start:
        yield Problem(
            code="convention.dates_incoherentes",
            message=f"la convention finit le {end:%d/%m/%Y}, avant de commencer le "
            f"{start:%d/%m/%Y}",
            path=path,
        )


@register(StreamKind.EMPLOYER)
def check_convention_dates(
    before: Employer | None, after: Employer, event: Event[Any]
) -> Iterator[Problem]:
    """A convention ends after it starts; a renewal starts after the renewed one ends;
    it comes into force before its end, reaches its term on or after it, and an early
    end falls within its period."""
    p = event.payload
    if isinstance(p, ConventionDrafted):
        yield from _dates(p.convention.start, p.convention.end, ("payload", "convention", "end"))
    elif isinstance(p, ConventionRenewed):
        yield from _dates(p.start, p.end, ("payload", "end"))
        first = after.partnerships[p.convention].convention
        if p.start <= first.end:
            yield Problem(
                code="convention.renouvellement_debut",
                message="le renouvellement commence après la fin de la convention renouvelée, "
                f"au plus tôt le {first.end + dt.timedelta(days=1):%d/%m/%Y}",
                path=("payload", "start"),
            )
    elif isinstance(p, ConventionAmended) and p.end is not None:
        c = after.partnerships[p.convention].convention
        yield from _dates(c.start, p.end, ("payload", "end"))
    elif isinstance(p, ConventionActivated):
        c = after.partnerships[p.convention].convention
        if event.day > c.end:
            yield Problem(
                code="convention.activation_tardive",
                message=f"la convention ne peut entrer en vigueur le {event.day:%d/%m/%Y}, "
                f"après la fin de sa période ({c.end:%d/%m/%Y})",
                path=("payload", "convention"),
            )
    elif isinstance(p, ConventionEnded):
        c = after.partnerships[p.convention].convention
        if event.day < c.end:
            yield Problem(
                code="convention.fin_avant_terme",
                message=f"la convention court jusqu'au {c.end:%d/%m/%Y} : pour l'arrêter "
                "avant, enregistrer une résiliation avec son motif",
                path=("payload", "convention"),
            )
    elif isinstance(p, ConventionTerminated):
        partnership = after.partnerships[p.convention]
        c = partnership.convention
        if partnership.activated_on is not None and not c.start <= p.date <= c.end:
            yield Problem(
                code="convention.resiliation_date",
                message=f"une résiliation prend effet pendant la période de la convention "
                f"({c.start:%d/%m/%Y} - {c.end:%d/%m/%Y}), pas le {p.date:%d/%m/%Y}",
                path=("payload", "date"),
            )


def _company(commitments: CompanyCommitments, path: Path) -> Iterator[Problem]:
    volumes = commitments.volumes()
    for name, volume in volumes.items():
        if volume < 0:
            yield Problem(
                code="convention.engagement_negatif",
                message=f"un engagement est un nombre positif ou nul : {name} = {volume}",
                path=(*path, name),
            )
    if not any(volume > 0 for volume in volumes.values()):
        yield Problem(
            code="convention.sans_engagement",
            message="l'entreprise s'engage sur au moins un volume : PMSMP, recrutements, "
            "visites, événements ou mécénat de compétences",
            path=path,
        )


def _siae(commitments: SiaeCommitments, path: Path) -> Iterator[Problem]:
    if commitments.proposals < 0:
        yield Problem(
            code="convention.engagement_negatif",
            message=f"un engagement est un nombre positif ou nul : proposals = "
            f"{commitments.proposals}",
            path=(*path, "proposals"),
        )


@register(StreamKind.EMPLOYER)
def check_convention_commitments(
    before: Employer | None, after: Employer, event: Event[Any]
) -> Iterator[Problem]:
    """Volumes are positive or zero, and the company commits to at least one."""
    p = event.payload
    if isinstance(p, ConventionDrafted):
        yield from _company(p.convention.company, ("payload", "convention", "company"))
        yield from _siae(p.convention.siae, ("payload", "convention", "siae"))
    elif isinstance(p, ConventionAmended | ConventionRenewed):
        if p.company is not None:
            yield from _company(p.company, ("payload", "company"))
        if p.siae is not None:
            yield from _siae(p.siae, ("payload", "siae"))


@register(StreamKind.EMPLOYER)
def check_convention_signatures(
    before: Employer | None, after: Employer, event: Event[Any]
) -> Iterator[Problem]:
    """A convention comes into force only once every party has signed it."""
    p = event.payload
    if not isinstance(p, ConventionActivated):
        return
    missing = after.partnerships[p.convention].missing_signatures
    if missing:
        yield Problem(
            code="convention.signatures_manquantes",
            message=f"la convention {p.convention} ne peut entrer en vigueur sans la "
            f"signature de : {', '.join(sorted(missing))}",
            path=("payload", "convention"),
        )


def _concerned(event: Event[Any]) -> ConventionId | None:
    """The convention whose period or status the event sets, if any."""
    p = event.payload
    if isinstance(p, ConventionActivated | ConventionAmended):
        return p.convention
    if isinstance(p, ConventionRenewed):
        return p.renewal
    return None


def _overlap(a: Partnership, b: Partnership) -> tuple[dt.date, dt.date] | None:
    first = max(a.convention.start, b.convention.start)
    last = min(a.effective_end, b.effective_end)
    return (first, last) if first <= last else None


@register(StreamKind.EMPLOYER)
def check_convention_overlap(
    before: Employer | None, after: Employer, event: Event[Any]
) -> Iterator[Problem]:
    """No two conventions in force between the same parties over the same days: the
    company and an SIAE in common (each PMSMP, hire or visit then counts for one
    convention only)."""
    concerned = _concerned(event)
    if concerned is None:
        return
    new = after.partnerships[concerned]
    if new.status is not ConventionStatus.ACTIVE:
        return
    for other in after.partnerships.values():
        if other.id == new.id or other.status is not ConventionStatus.ACTIVE:
            continue
        common = new.convention.siaes & other.convention.siaes
        days = _overlap(new, other)
        if common and days is not None:
            yield Problem(
                code="convention.chevauchement",
                message=f"la convention {other.id} lie déjà l'entreprise et "
                f"{', '.join(sorted(common))} du {days[0]:%d/%m/%Y} au {days[1]:%d/%m/%Y} : "
                "deux conventions en vigueur ne peuvent lier les mêmes parties sur la même "
                "période",
                path=("payload", "convention"),
            )


@register(StreamKind.EMPLOYER)
def check_interaction_dates(
    before: Employer | None, after: Employer, event: Event[Any]
) -> Iterator[Problem]:
    """An interaction is not dated after it is recorded, and its call-back comes after it."""
    p = event.payload
    if not isinstance(p, InteractionRecorded):
        return
    i = p.interaction
    if i.date > event.day:
        yield Problem(
            code="interaction.date_future",
            message=f"une interaction s'enregistre une fois qu'elle a eu lieu : le "
            f"{i.date:%d/%m/%Y} est après le {event.day:%d/%m/%Y}",
            path=("payload", "interaction", "date"),
        )
    if i.follow_up_on is not None and i.follow_up_on < i.date:
        yield Problem(
            code="interaction.rappel_date",
            message=f"le rappel ({i.follow_up_on:%d/%m/%Y}) vient après l'interaction "
            f"({i.date:%d/%m/%Y})",
            path=("payload", "interaction", "follow_up_on"),
        )
