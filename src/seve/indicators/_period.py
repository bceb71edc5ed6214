"""What a report is about: a period of days, filters on structures, and the counting
rules of the official exit rates (versioned data, overridable)."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Final

from attrs import field, frozen

from ..errors import InvalidError, Problem
from ..model import LabelledEnum, SiaeId, SiaeKind
from ..rules import months_after

__all__ = [
    "CountingRule",
    "CountingRules",
    "Filters",
    "IndicatorError",
    "ReportingPeriod",
    "RuleKind",
    "default_counting_rules",
]


class IndicatorError(InvalidError):
    """Bad input to the indicators (a period, filters, a table of counting rules);
    :attr:`problems` says what, in French.  Nothing was computed."""


def _refuse(code: str, message: str, *path: str | int) -> IndicatorError:
    return IndicatorError([Problem(code=code, message=message, path=path)])


@frozen(kw_only=True)
class ReportingPeriod:
    """The days a report covers, both ends included.

    >>> ReportingPeriod.year(2023).label
    '2023'
    >>> ReportingPeriod.quarter(2023, 2).label
    '2e trimestre 2023'
    >>> ReportingPeriod.between(dt.date(2023, 3, 1), dt.date(2023, 8, 31)).label
    'du 01/03/2023 au 31/08/2023'
    """

    start: dt.date
    end: dt.date
    label: str

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise _refuse(
                "indicateurs.periode_invalide",
                f"la période finit ({self.end:%d/%m/%Y}) avant de commencer "
                f"({self.start:%d/%m/%Y})",
                "end",
            )

    @classmethod
    def year(cls, year: int) -> ReportingPeriod:
        """A calendar year (the dialogue de gestion's)."""
        return cls(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), label=str(year))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> ReportingPeriod:
        """A calendar quarter, 1 to 4."""
        if quarter not in (1, 2, 3, 4):
            raise _refuse(
                "indicateurs.periode_invalide",
                f"un trimestre se numérote de 1 à 4 : {quarter}",
                "quarter",
            )
        start = dt.date(year, 3 * quarter - 2, 1)
        end = months_after(start, 3)
        ordinal = "1er" if quarter == 1 else f"{quarter}e"
        return cls(start=start, end=end, label=f"{ordinal} trimestre {year}")

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> ReportingPeriod:
        """Any range of days."""
        return cls(start=start, end=end, label=f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        """How many days it covers."""
        return (self.end - self.start).days + 1

    def split(self, at: dt.date) -> tuple[ReportingPeriod, ReportingPeriod]:
        """The period cut in two: up to the day before ``at``, and from ``at``."""
        if not self.start < at <= self.end:
            raise _refuse(
                "indicateurs.periode_invalide",
                f"le {at:%d/%m/%Y} ne coupe pas la période {self.label}",
                "at",
            )
        before = at - dt.timedelta(days=1)
        return ReportingPeriod.between(self.start, before), ReportingPeriod.between(at, self.end)

    def months(self) -> Iterator[dt.date]:
        """The first day of every month the period touches."""
        month = self.start.replace(day=1)
        while month <= self.end:
            yield month
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _set(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    assert isinstance(value, frozenset | set | list | tuple)
    return frozenset(value)


@frozen(kw_only=True)
class Filters:
    """Which structures a report covers: ``None`` means all.

    :param siaes: these SIAE only.
    :param kinds: these kinds of SIAE only.
    :param territories: SIAE of these territories only (as their registration names
        them, :attr:`seve.model.Siae.territory`).
    """

    siaes: frozenset[SiaeId] | None = field(default=None, converter=_set)
    kinds: frozenset[SiaeKind] | None = field(default=None, converter=_set)
    territories: frozenset[str] | None = field(default=None, converter=_set)

    @property
    def everything(self) -> bool:
        return self.siaes is None and self.kinds is None and self.territories is None

    def keeps(self, siae: SiaeId | None, kind: SiaeKind | None, territory: str | None) -> bool:
        """Whether a structure passes every filter (unknown values pass none that is set)."""
        return (
            (self.siaes is None or siae in self.siaes)
            and (self.kinds is None or kind in self.kinds)
            and (self.territories is None or territory in self.territories)
        )

    @property
    def label(self) -> str:
        """The filters in French, for report headers."""
        parts = []
        if self.siaes is not None:
            parts.append("structures " + ", ".join(sorted(self.siaes)))
        if self.kinds is not None:
            parts.append("type " + ", ".join(k.value.upper() for k in sorted(self.kinds)))
        if self.territories is not None:
            parts.append("territoire " + ", ".join(sorted(self.territories)))
        return " ; ".join(parts) if parts else "toutes les structures"


class RuleKind(LabelledEnum):
    """How a kind of SIAE decides whether a sortie is *examinée*."""

    STAY_MORE_THAN_MONTHS = ("stay_more_than_months", "séjour de plus de N mois")
    HOURS_AT_LEAST = ("hours_at_least", "au moins N heures travaillées")
    ALL = ("all", "toutes les sorties")


@frozen(kw_only=True)
class CountingRule:
    """The counting rule of one kind of SIAE (see :class:`CountingRules`)."""

    rule: RuleKind
    months: int | None = None
    hours: Decimal | None = None

    def explain(self) -> str:
        """The rule in French: « séjour de plus de 3 mois »."""
        if self.rule is RuleKind.STAY_MORE_THAN_MONTHS:
            return f"séjour de plus de {self.months} mois"
        if self.rule is RuleKind.HOURS_AT_LEAST:
            return f"au moins {self.hours} heures travaillées"
        return "toutes les sorties comptent"

    def examined(self, embauche: dt.date, sortie: dt.date, hours: Decimal) -> tuple[bool, str]:
        """Whether a (non-retrait) sortie counts, and why, in French."""
        if self.rule is RuleKind.STAY_MORE_THAN_MONTHS:
            assert self.months is not None
            last = months_after(embauche, self.months)
            stay = (sortie - embauche).days + 1
            if sortie > last:
                return True, f"séjour de {stay} jours, plus de {self.months} mois"
            return False, f"séjour de {stay} jours, pas plus de {self.months} mois"
        if self.rule is RuleKind.HOURS_AT_LEAST:
            assert self.hours is not None
            shown = _hours(hours)
            if hours >= self.hours:
                return True, f"{shown} h travaillées, au moins {_hours(self.hours)} h"
            return False, f"{shown} h travaillées, moins de {_hours(self.hours)} h"
        return True, "toutes les sorties comptent pour ce type de structure"


def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return text.replace(".", ",")


_KINDS_TOML: Final = "kinds"


@frozen(kw_only=True)
class CountingRules:
    """Which sorties the official rates examine, per kind of SIAE, with its source.

    The table seve ships is ``seve/data/sorties_examinees.toml``; a host whose
    DDETS reads the rules otherwise loads its own (:meth:`from_toml`).  Retraits are
    never examined, whatever the table says.
    """

    version: str
    source: str
    kinds: Mapping[SiaeKind, CountingRule]

    def rule(self, kind: SiaeKind) -> CountingRule:
        return self.kinds[kind]

    @classmethod
    def from_toml(cls, text: str) -> CountingRules:
        """Read a table in the format of ``seve/data/sorties_examinees.toml``.

        :raises IndicatorError: ``indicateurs.regles_invalides``: a kind is missing,
            a rule unknown, a threshold missing or not a number.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _refuse("indicateurs.regles_invalides", f"TOML illisible : {exc}") from None
        kinds: dict[SiaeKind, CountingRule] = {}
        table = data.get(_KINDS_TOML, {})
        problems: list[Problem] = []
        for kind in SiaeKind:
            entry = table.get(kind.value)
            path = (_KINDS_TOML, kind.value)
            if not isinstance(entry, dict):
                problems.append(_problem(f"aucune règle pour le type {kind.value}", *path))
                continue
            try:
                rule = RuleKind.from_code(str(entry.get("rule")))
            except ValueError:
                problems.append(_problem(f"règle inconnue : {entry.get('rule')!r}", *path, "rule"))
                continue
            try:
                kinds[kind] = _counting_rule(rule, entry)
            except (ValueError, TypeError, InvalidOperation):
                problems.append(_problem(f"seuil manquant ou invalide ({rule.value})", *path))
        for name in ("version", "source"):
            if not isinstance(data.get(name), str) or not data[name].strip():
                problems.append(_problem(f"le champ {name} est requis", name))
        if problems:
            raise IndicatorError(problems)
        return cls(version=data["version"], source=data["source"], kinds=kinds)

    @classmethod
    def from_path(cls, path: Path) -> CountingRules:
        return cls.from_toml(path.read_text(encoding="utf-8"))


def _problem(message: str, *path: str | int) -> Problem:
    return Problem(code="indicateurs.regles_invalides", message=message, path=path)


def _counting_rule(rule: RuleKind, entry: Mapping[str, object]) -> CountingRule:
    if rule is RuleKind.STAY_MORE_THAN_MONTHS:
        months = entry["months"]
        if not isinstance(months, int) or isinstance(months, bool) or months < 0:
            raise ValueError(months)
        return CountingRule(rule=rule, months=months)
    if rule is RuleKind.HOURS_AT_LEAST:
        hours = Decimal(str(entry["hours"]))
        if not hours.is_finite() or hours < 0:
            raise ValueError(hours)
        return CountingRule(rule=rule, hours=hours)
    return CountingRule(rule=rule)


def default_counting_rules() -> CountingRules:
    """The table seve ships (``seve/data/sorties_examinees.toml``)."""
    text = resources.files("seve").joinpath("data/sorties_examinees.toml").read_text("utf-8")
    return CountingRules.from_toml(text)
