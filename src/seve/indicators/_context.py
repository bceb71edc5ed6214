"""What every indicator is computed for: a period, filters, the tables of the rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from ..model import MotifTable, default_motif_table
from ._period import CountingRules, Filters, ReportingPeriod, default_counting_rules

if TYPE_CHECKING:
    from ..partnerships import Fact
    from ._digest import Digest, ParcoursDigest
    from ._figures import Evidence

__all__ = ["Context"]


@frozen(kw_only=True)
class Context:
    """The period and filters of a report, and the tables its rules read.

    :param motifs: motif de sortie -> ASP category (default: the table seve ships).
    :param rules: which sorties are examined, per kind (default: seve's table).
    """

    period: ReportingPeriod
    filters: Filters = field(factory=Filters)
    motifs: MotifTable = field(factory=default_motif_table)
    rules: CountingRules = field(factory=default_counting_rules)
    _cache: dict[str, Any] = field(factory=dict, eq=False, repr=False, alias="_cache")

    def facts(self, digest: Digest) -> tuple[Fact, ...]:
        """What the SIAE did with companies (:func:`seve.partnerships.facts`), with this
        report's motifs (:meth:`Digest.facts <seve.indicators.Digest.facts>`)."""
        return digest.facts(self.motifs)

    def parcours(self, digest: Digest) -> list[ParcoursDigest]:
        """The parcours of the structures kept, under contract some day of the period: the
        only ones a figure of the period can count (a sortie, hours, a PMSMP, a mise en
        relation of the period all fall while the person is there)."""
        found = self._cache.get("parcours")
        if found is None:
            period = self.period
            found = self._cache["parcours"] = [
                p for p in digest.selected_parcours(self.filters) if p.present_during(period)
            ]
        return found

    def hired(self, p: ParcoursDigest) -> Evidence:
        """A parcours as the figures that count people show it: its stream and its
        embauche (one object, shared by every figure of the report)."""
        shared: dict[str, Evidence] = self._cache.setdefault("hired", {})
        found = shared.get(p.stream)
        if found is None:
            from ._figures import Evidence

            events = (p.embauche_event,) if p.embauche_event else ()
            found = shared[p.stream] = Evidence(subject=p.stream, events=events)
        return found

    def cached(self, key: str) -> Any:
        return self._cache.get(key)

    def keep(self, key: str, value: Any) -> Any:
        self._cache[key] = value
        return value
