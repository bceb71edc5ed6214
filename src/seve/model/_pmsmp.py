"""PMSMP: the période de mise en situation en milieu professionnel and its convention.

A PMSMP is an immersion with a host employer under a convention between the
beneficiary, the host, the prescripteur and the support structure (the SIAE,
which is also the employer: the CDDI goes on, and is paid, during the period).
These are the values; the events of its lifecycle are in ``_pmsmp_events.py`` and
the legal rules in :mod:`seve.rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Final

import attrs
from attrs import field, frozen

from ._appointments import ClockTime, Place, StaffContact, clock_minutes, clock_time
from ._base import (
    LabelledEnum,
    date_range,
    identifier,
    non_empty,
    personal,
    positive_decimal,
)
from ._ids import ContactId, EmployerId, PmsmpId, PrescripteurId, SiteId
from ._offers import JobContractKind

__all__ = [
    "ClockTime",
    "ForbiddenUse",
    "JobOffered",
    "Period",
    "Pmsmp",
    "PmsmpBilan",
    "PmsmpConvention",
    "PmsmpObjective",
    "PmsmpOutcome",
    "PmsmpParty",
    "PmsmpStatus",
    "ScheduleDay",
    "week_of",
    "weekly_schedule",
]


class PmsmpObjective(LabelledEnum):
    """The three objects of a PMSMP (Code du travail, art. L5135-1)."""

    DECOUVRIR = ("decouvrir_metier", "Découvrir un métier ou un secteur d'activité")
    CONFIRMER = ("confirmer_projet", "Confirmer un projet professionnel")
    RECRUTEMENT = ("initier_recrutement", "Initier une démarche de recrutement")


class ForbiddenUse(LabelledEnum):
    """What a PMSMP may never be used for (Code du travail, art. L5135-7)."""

    POSTE_PERMANENT = (
        "poste_permanent",
        "Exécuter une tâche régulière correspondant à un poste de travail permanent",
    )
    SURCROIT_ACTIVITE = ("surcroit_activite", "Faire face à un accroissement temporaire d'activité")
    EMPLOI_SAISONNIER = ("emploi_saisonnier", "Occuper un emploi saisonnier")
    REMPLACEMENT = (
        "remplacement",
        "Remplacer un·e salarié·e absent·e ou dont le contrat est suspendu",
    )


class PmsmpParty(LabelledEnum):
    """Who signs a PMSMP convention (art. L5135-4 and D5135-1)."""

    BENEFICIAIRE = ("beneficiaire", "Bénéficiaire")
    STRUCTURE_ACCUEIL = ("structure_accueil", "Structure d'accueil")
    STRUCTURE_ACCOMPAGNEMENT = (
        "structure_accompagnement",
        "Structure d'accompagnement et employeur (la SIAE)",
    )
    PRESCRIPTEUR = ("prescripteur", "Prescripteur")
    REPRESENTANT_LEGAL = ("representant_legal", "Représentant·e légal·e (bénéficiaire mineur·e)")


@frozen(kw_only=True)
class Period:
    """A period of presence within one day, from ``start`` to ``end`` (``"HH:MM"``)."""

    start: ClockTime = field(validator=clock_time)
    end: ClockTime = field(validator=clock_time)

    @property
    def bounds(self) -> tuple[int, int]:
        """Its start and end, in minutes since midnight."""
        return clock_minutes(self.start), clock_minutes(self.end)

    @property
    def minutes(self) -> int:
        """Its length in minutes (zero or less when it does not start before it ends)."""
        start, end = self.bounds
        return end - start


@frozen(kw_only=True)
class ScheduleDay:
    """One dated day of presence and its periods (a morning and an afternoon, say)."""

    date: dt.date
    periods: tuple[Period, ...]

    @property
    def hours(self) -> Decimal:
        """Hours of presence that day."""
        return Decimal(sum(max(p.minutes, 0) for p in self.periods)) / 60


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week (Monday to Sunday) of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def weekly_schedule(
    start: dt.date,
    end: dt.date,
    pattern: Mapping[int, Sequence[Period]],
    *,
    except_on: Collection[dt.date] = (),
) -> tuple[ScheduleDay, ...]:
    """The dated days of a schedule that repeats every week, from ``start`` to ``end``.

    :param pattern: the periods of each weekday, ``calendar.MONDAY`` (0) to
        ``calendar.SUNDAY`` (6); a weekday left out is a day off.
    :param except_on: days off besides (a public holiday, a day at the SIAE).

    >>> import calendar, datetime as dt
    >>> morning = Period(start="08:00", end="12:00")
    >>> days = weekly_schedule(dt.date(2025, 3, 3), dt.date(2025, 3, 9),
    ...                        {calendar.MONDAY: [morning], calendar.FRIDAY: [morning]})
    >>> [(d.date.isoformat(), d.hours) for d in days]
    [('2025-03-03', Decimal('4')), ('2025-03-07', Decimal('4'))]
    """
    days = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        periods = tuple(pattern.get(day.weekday(), ()))
        if periods and day not in except_on:
            days.append(ScheduleDay(date=day, periods=periods))
    return tuple(days)


@frozen(kw_only=True)
class PmsmpConvention:
    """The convention of one PMSMP, as drafted (the content of art. D5135-2).

    :param objective: one of the three objects of art. L5135-1.
    :param host: the structure d'accueil, an employer of the network.
    :param site: where the person goes, if the host has several sites.
    :param tutor: the tutor·rice at the host, one of its contacts.
    :param prescripteur: who prescribes it; ``None`` when the SIAE does, as it may for
        its own salarié·es.
    :param start: the first day; ``end``: the last (one month at most, art. D5135-3).
    :param schedule: every day of presence, dated, with its periods (see
        :func:`weekly_schedule`).
    :param tasks: the activities the person will do.
    :param excluded_uses: the forbidden uses the host declares the PMSMP is *not* for;
        all four must be declared (art. L5135-7).
    :param place: where the person goes (the convention's *lieu d'exécution*), as
        calendars show it.
    :param referent: the permanent·e who follows the PMSMP for the SIAE (the
        convention's *référent*): the contact in every calendar entry.
    :param tutor_name: the tutor·rice's name, for the person to ask for on arrival.
    :param bring: what the person brings (safety shoes, a copy of the convention...).
    """

    id: PmsmpId = field(validator=identifier)
    objective: PmsmpObjective
    host: EmployerId = field(validator=identifier)
    tutor: ContactId = field(validator=identifier)
    start: dt.date
    end: dt.date = field(validator=date_range("start", "end"))
    schedule: tuple[ScheduleDay, ...]
    tasks: tuple[str, ...] = field(validator=attrs.validators.deep_iterable(non_empty))
    excluded_uses: frozenset[ForbiddenUse] = frozenset()
    site: SiteId | None = field(default=None, validator=attrs.validators.optional(identifier))
    prescripteur: PrescripteurId | None = personal(
        default=None, validator=attrs.validators.optional(identifier)
    )
    place: Place | None = None
    referent: StaffContact | None = None
    tutor_name: str | None = field(default=None, validator=attrs.validators.optional(non_empty))
    bring: tuple[str, ...] = field(default=(), validator=attrs.validators.deep_iterable(non_empty))

    @property
    def days(self) -> int:
        """Calendar days from the first to the last, both included."""
        return (self.end - self.start).days + 1

    @property
    def hours(self) -> Decimal:
        """Hours of presence in the whole schedule."""
        return sum((d.hours for d in self.schedule), Decimal(0))

    def dates(self) -> Iterator[dt.date]:
        """Every calendar day from the first to the last."""
        for offset in range(self.days):
            yield self.start + dt.timedelta(days=offset)


class PmsmpOutcome(LabelledEnum):
    """How the period went, as the bilan records it."""

    COMPLETED = ("completed", "Réalisée")
    PARTIAL = ("partial", "Partiellement réalisée")
    NOT_SHOWN = ("not_shown", "Bénéficiaire non présent·e")


@frozen(kw_only=True)
class JobOffered:
    """A job the host offered at the end of the period."""

    contract: JobContractKind
    start: dt.date


@frozen(kw_only=True)
class PmsmpBilan:
    """The bilan at the end of a PMSMP.

    :param last_day: for a partial period, the last day the person was present.
    :param missed_hours: for a partial period, the hours of the schedule not done.
    :param objectives_reached: whether the objective was reached; only a period whose
        objectives were not reached may be renewed (art. D5135-3).
    :param job_offer: the job the host offered, if any.
    """

    outcome: PmsmpOutcome
    objectives_reached: bool
    last_day: dt.date | None = None
    missed_hours: Decimal | None = field(
        default=None, validator=attrs.validators.optional(positive_decimal)
    )
    job_offer: JobOffered | None = None
    employer_comment: str | None = personal(default=None)
    beneficiary_comment: str | None = personal(default=None)


class PmsmpStatus(LabelledEnum):
    """Where a PMSMP stands in its lifecycle."""

    DRAFTED = ("drafted", "En préparation")
    VALIDATED = ("validated", "Validée")
    STARTED = ("started", "En cours")
    ENDED = ("ended", "Terminée")
    REJECTED = ("rejected", "Refusée")
    CANCELLED = ("cancelled", "Annulée")

    @property
    def closed(self) -> bool:
        return self in (PmsmpStatus.ENDED, PmsmpStatus.REJECTED, PmsmpStatus.CANCELLED)


_ALWAYS_SIGN: Final = frozenset(
    {
        PmsmpParty.BENEFICIAIRE,
        PmsmpParty.STRUCTURE_ACCUEIL,
        PmsmpParty.STRUCTURE_ACCOMPAGNEMENT,
    }
)


@frozen(kw_only=True)
class Pmsmp:
    """A PMSMP as it stands in a parcours, folded from its events.

    :param renews: the PMSMP this one renews, for a renewal.
    :param renewed_by: the renewal of this PMSMP, once drafted.
    :param reason: why it was rejected or cancelled.
    :param sequence: raised by the fold on every change a calendar shows (validated,
        amended, ended, rejected, cancelled): the SEQUENCE of its calendar entries.
    """

    convention: PmsmpConvention
    status: PmsmpStatus = PmsmpStatus.DRAFTED
    signatures: frozenset[PmsmpParty] = frozenset()
    renews: PmsmpId | None = None
    renewed_by: PmsmpId | None = None
    bilan: PmsmpBilan | None = None
    reason: str | None = personal(default=None)
    sequence: int = 0

    @property
    def id(self) -> PmsmpId:
        return self.convention.id

    @property
    def counted(self) -> bool:
        """Whether it counts towards the limits per host: not rejected nor cancelled."""
        return self.status not in (PmsmpStatus.REJECTED, PmsmpStatus.CANCELLED)

    @property
    def required_signatures(self) -> frozenset[PmsmpParty]:
        """Who must sign before validation (the legal representative aside: see the rules)."""
        if self.convention.prescripteur is None:
            return _ALWAYS_SIGN
        return _ALWAYS_SIGN | {PmsmpParty.PRESCRIPTEUR}
