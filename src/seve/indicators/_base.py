"""What an indicator is, seve's own, the ones plugins register, and reports.

Two kinds of indicators share one pass over the log:

- a *fold* (:class:`Indicator`): ``start``, ``step(acc, event)``, ``finish(acc)``; it sees
  every event that occurred in the period, and keeps what it needs;
- a *digest indicator* (:class:`DigestIndicator`): ``figure(digest, context)``, computed
  from the :class:`~seve.indicators.Digest` the pass builds (every parcours, structure and
  company summarised), for any period and filters.  seve's own indicators are of this kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import attrs
from attrs import field, frozen

from ..model import Event, MotifTable, default_motif_table
from . import _official, _programme
from ._collector import collector_paused
from ._context import Context
from ._digest import Digest, read_log
from ._figures import Figure, FigureKind
from ._period import CountingRules, Filters, ReportingPeriod, default_counting_rules

if TYPE_CHECKING:
    from ..hooks import Plugins

__all__ = [
    "BUILTIN",
    "Builtin",
    "DigestIndicator",
    "Indicator",
    "Report",
    "compute",
    "fold_indicators",
    "registered_indicators",
    "report",
    "reports",
]

A = TypeVar("A")


@runtime_checkable
class Indicator(Protocol[A]):
    """A figure computed in one pass over the log, as a fold.

    The engine calls :meth:`start` once, :meth:`step` for every event in log order,
    then :meth:`finish`.  An indicator keeps what it needs per parcours, never every
    event, so memory grows with the number of parcours.  In a report, it sees the
    events that occurred in the report's period (their day in Europe/Paris); its
    figure is what :meth:`finish` returns: a :class:`~seve.indicators.Figure`, or a
    number.

    :ivar code: a stable, machine-readable name (``"pmsmp_par_an"``); plugins prefix
        theirs with their own name.
    :ivar label: what the figure is, in French, for reports.
    """

    code: str
    label: str

    def start(self) -> A:
        """The empty accumulator."""
        ...

    def step(self, acc: A, event: Event[Any]) -> A:
        """The accumulator after one more event."""
        ...

    def finish(self, acc: A) -> Any:
        """The figure, from the final accumulator."""
        ...


@runtime_checkable
class DigestIndicator(Protocol):
    """A figure computed from the digest of the log, for a period and filters.

    :ivar code: a stable, machine-readable name; plugins prefix theirs.
    :ivar label: what the figure is, in French.
    """

    code: str
    label: str

    def figure(self, digest: Digest, context: Context) -> Figure:
        """The figure of ``context.period``, for the structures ``context.filters``
        keeps, with its evidence (see :class:`~seve.indicators.FigureKind`)."""
        ...


@frozen(kw_only=True)
class Builtin:
    """One of seve's own indicators (a :class:`DigestIndicator`).

    :param official: whether it is a figure of the dialogue de gestion with the State
        (``False``: one of the SEVE programme's).
    """

    code: str
    label: str
    compute: Callable[[Digest, Context], Figure] = field(repr=False)
    official: bool

    def figure(self, digest: Digest, context: Context) -> Figure:
        return self.compute(digest, context)

    @property
    def doc(self) -> str:
        """Its definition (the docstring of its function)."""
        return " ".join((self.compute.__doc__ or "").split())


def _builtin(fn: Callable[[Digest, Context], Figure], label: str, *, official: bool) -> Builtin:
    return Builtin(code=fn.__name__, label=label, compute=fn, official=official)


#: seve's indicators, in the order reports show them.
BUILTIN: tuple[Builtin, ...] = (
    _builtin(_official.salaries_presents, "Salarié·es présent·es", official=True),
    _builtin(_official.embauches, "Embauches", official=True),
    _builtin(_official.heures_travaillees, "Heures travaillées", official=True),
    _builtin(_official.sorties, "Sorties", official=True),
    _builtin(_official.sorties_examinees, "Sorties examinées", official=True),
    _builtin(_official.taux_sortie_dynamique, "Taux de sortie dynamique", official=True),
    _builtin(_official.taux_emploi_durable, "Taux d'emploi durable", official=True),
    _builtin(
        _programme.delai_premiere_mise_en_situation,
        "Délai jusqu'à la première mise en situation",
        official=False,
    ),
    _builtin(_programme.pmsmp, "PMSMP", official=False),
    _builtin(_programme.pmsmp_par_personne, "PMSMP par personne", official=False),
    _builtin(_programme.pmsmp_suivies_d_embauche, "PMSMP suivies d'une embauche", official=False),
    _builtin(_programme.mises_en_relation, "Mises en relation", official=False),
    _builtin(_programme.entreprises_actives, "Entreprises actives", official=False),
    _builtin(_programme.evenements_entreprise, "Événements entreprise", official=False),
    _builtin(_programme.conventions, "Conventions de partenariat", official=False),
    _builtin(_programme.implication_equipe, "Implication de l'équipe", official=False),
    _builtin(_programme.en_emploi_apres_sortie, "En emploi après la sortie", official=False),
)

AnyIndicator = Indicator[Any] | DigestIndicator


def _registered(plugins: Plugins) -> list[tuple[str, AnyIndicator]]:
    from ..hooks import PluginFailure

    found: list[tuple[str, AnyIndicator]] = []
    for name, item in plugins.collect("seve_register_indicators"):
        if isinstance(item, Indicator | DigestIndicator):
            found.append((name, item))
        else:
            error = (
                f"{item!r:.80} n'est pas un indicateur (code, label, et start, step, finish "
                "ou figure)"
            )
            plugins.report(
                PluginFailure(
                    plugin=name, stage="call", hook="seve_register_indicators", error=error
                )
            )
    return found


def registered_indicators(plugins: Plugins) -> list[AnyIndicator]:
    """The indicators plugins register (hook ``seve_register_indicators``): folds
    (:class:`Indicator`) and digest indicators (:class:`DigestIndicator`).

    Anything else is reported as the plugin's failure and left out.
    """
    return [item for _name, item in _registered(plugins)]


def compute(indicators: Iterable[Indicator[Any]], events: Iterable[Event[Any]]) -> dict[str, Any]:
    """Every fold indicator over ``events``, in one pass: ``{code: figure}``."""
    chosen = list(indicators)
    accs = [indicator.start() for indicator in chosen]
    for event in events:
        accs = [indicator.step(acc, event) for indicator, acc in zip(chosen, accs, strict=True)]
    return {i.code: i.finish(acc) for i, acc in zip(chosen, accs, strict=True)}


@frozen(kw_only=True)
class Report:
    """The figures of one period, for the structures the filters keep.

    :param figures: seve's indicators, then the plugins', in order.
    :param events: how many events the pass read.
    :param motifs: the version of the motif table; ``rules``: of the counting rules.
    :param failures: the plugin indicators that failed, in French (left out).
    """

    period: ReportingPeriod
    filters: Filters
    figures: tuple[Figure, ...]
    events: int
    motifs: str
    rules: str
    failures: tuple[str, ...] = ()

    def figure(self, code: str) -> Figure:
        """The figure with this code; :class:`KeyError` if none."""
        for figure in self.figures:
            if figure.code == code:
                return figure
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.figures)


def _chosen(
    plugins: Plugins | None, indicators: Sequence[AnyIndicator]
) -> list[tuple[str, AnyIndicator]]:
    chosen: list[tuple[str, AnyIndicator]] = list(_registered(plugins)) if plugins else []
    return chosen + [("extra", i) for i in indicators]


def fold_indicators(
    plugins: Plugins | None = None, indicators: Sequence[AnyIndicator] = ()
) -> list[Indicator[Any]]:
    """The fold indicators among the plugins' and ``indicators``: what :func:`read_log`
    folds for a digest that :func:`reports` is then given."""
    return [i for _n, i in _chosen(plugins, indicators) if isinstance(i, Indicator)]


def _as_figure(indicator: AnyIndicator, value: Any, origin: str) -> Figure:
    if isinstance(value, Figure):
        return attrs.evolve(value, origin=origin)
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | None):
        raise TypeError(f"figure inattendue : {value!r:.80}")
    number = Decimal(str(value)) if isinstance(value, float) else value
    return Figure(
        code=indicator.code, label=indicator.label, kind=FigureKind.VALUE, value=number,
        origin=origin,
    )  # fmt: skip


@collector_paused()  # the figures make no cycles: see ._collector
def reports(
    source: Iterable[Event[Any]] | Digest,
    periods: Sequence[ReportingPeriod],
    *,
    filters: Filters | None = None,
    plugins: Plugins | None = None,
    indicators: Sequence[AnyIndicator] = (),
    motifs: MotifTable | None = None,
    rules: CountingRules | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[Report, ...]:
    """One report per period, from one pass over ``source`` (events, or a digest
    already read with the same fold indicators and periods).

    :param plugins: their indicators (``seve_register_indicators``) join seve's in every
        report; a plugin indicator that raises or returns something else than a figure
        is left out and reported (:attr:`Report.failures`, and the plugin's failure).
    :param indicators: more indicators, as if a plugin named ``"extra"`` registered them.
    """
    chosen = _chosen(plugins, indicators)
    folds = [i for _n, i in chosen if isinstance(i, Indicator)]
    if isinstance(source, Digest):
        digest = source
    else:
        digest = read_log(source, indicators=folds, periods=periods, progress=progress)
    table = motifs if motifs is not None else default_motif_table()
    counting = rules if rules is not None else default_counting_rules()
    keep = filters if filters is not None else Filters()
    out = []
    for period in periods:
        ctx = Context(period=period, filters=keep, motifs=table, rules=counting)
        figures = [b.figure(digest, ctx) for b in BUILTIN]
        failures = []
        for name, indicator in chosen:
            try:
                if isinstance(indicator, DigestIndicator):
                    value: Any = indicator.figure(digest, ctx)
                else:
                    acc = digest.folds[(indicator.code, period.label)]
                    value = indicator.finish(acc)
                figures.append(_as_figure(indicator, value, name))
            except Exception as exc:  # a plugin's bug: reported, never fatal
                failures.append(f"{name} : {indicator.code} : {type(exc).__name__}: {exc}")
                if plugins is not None and name != "extra":
                    from ..hooks import PluginFailure

                    plugins.report(
                        PluginFailure(
                            plugin=name,
                            stage="call",
                            hook="seve_register_indicators",
                            error=f"{type(exc).__name__}: {exc}",
                        ),
                        exc,
                    )
        out.append(
            Report(
                period=period,
                filters=keep,
                figures=tuple(figures),
                events=digest.events,
                motifs=table.version,
                rules=counting.version,
                failures=tuple(failures),
            )
        )
    return tuple(out)


def report(
    source: Iterable[Event[Any]] | Digest,
    period: ReportingPeriod,
    **options: Any,
) -> Report:
    """The report of one period (see :func:`reports` for the options)."""
    (single,) = reports(source, [period], **options)
    return single


def before_after(joined: dt.date, *, months: int = 12) -> tuple[ReportingPeriod, ReportingPeriod]:
    """The ``months`` before joining SEVE and the ``months`` from that day on."""
    from dateutil.relativedelta import relativedelta

    before = ReportingPeriod(
        start=joined - relativedelta(months=months),
        end=joined - dt.timedelta(days=1),
        label=f"avant SEVE ({months} mois)",
    )
    after = ReportingPeriod(
        start=joined,
        end=joined + relativedelta(months=months) - dt.timedelta(days=1),
        label=f"avec SEVE ({months} mois)",
    )
    return before, after
