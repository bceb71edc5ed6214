"""``seve indicators SOURCE``: the indicators of a JSON Lines file or of a store."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Final

from ._progress import Progress

__all__ = ["add_indicators_command"]

_QUARTER: Final = re.compile(r"(\d{4})[-_ ]?[TtQq]([1-4])")
#: How often the pass asks the progress line to redraw (it redraws a few times a second).
_EVERY: Final = 2_000


def add_indicators_command(sub: Any) -> None:
    """Add ``seve indicators`` to the subcommands of the ``seve`` parser."""
    parser = sub.add_parser(
        "indicators",
        help="indicateurs officiels et SEVE d'un journal JSON Lines ou d'un stockage",
        description="Calcule en un passage les indicateurs du dialogue de gestion (sorties, "
        "taux de sortie dynamique et d'emploi durable) et ceux de SEVE (PMSMP, mises en "
        "relation, délai de mise en situation...), chacun avec sa provenance.",
    )
    parser.add_argument(
        "source",
        metavar="SOURCE",
        help="un fichier JSON Lines, ou l'adresse d'un stockage (sqlite:seve.db, postgresql://...)",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, help="année civile (défaut : la dernière du journal)")
    when.add_argument("--quarter", help="trimestre, ex. 2023T2")
    when.add_argument(
        "--from",
        dest="start",
        type=dt.date.fromisoformat,
        metavar="AAAA-MM-JJ",
        help="premier jour d'une période quelconque (avec --to)",
    )
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, metavar="AAAA-MM-JJ")
    parser.add_argument("--siae", action="append", help="seulement cette structure (répétable)")
    parser.add_argument(
        "--kind",
        action="append",
        choices=["aci", "ai", "ei", "etti", "eiti"],
        help="seulement ce type de SIAE (répétable)",
    )
    parser.add_argument("--territory", action="append", help="seulement ce territoire")
    compare = parser.add_mutually_exclusive_group()
    compare.add_argument(
        "--compare-year",
        type=int,
        metavar="ANNEE",
        help="comparer avec cette année (« PMSMP : 9 -> 19 (x2,1) »)",
    )
    compare.add_argument(
        "--joined-seve",
        type=dt.date.fromisoformat,
        metavar="AAAA-MM-JJ",
        help="comparer les 12 mois avant et après l'entrée dans SEVE",
    )
    parser.add_argument(
        "--pack",
        action="store_true",
        help="dossier du dialogue de gestion de l'année (sorties expliquées, public)",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", "csv", "html"],
        default="text",
        help="texte (défaut), json, csv ou html (rapport autonome)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FICHIER",
        help="écrire dans ce fichier plutôt que sur la sortie standard",
    )
    parser.add_argument(
        "--audience",
        choices=["staff", "funder"],
        default="staff",
        help="funder : pseudonymisé, petits effectifs masqués",
    )
    parser.add_argument(
        "--secret-file",
        type=Path,
        metavar="FICHIER",
        help="secret de pseudonymisation de la structure (pour funder)",
    )
    parser.add_argument(
        "--motifs", type=Path, metavar="FICHIER.toml", help="table motif -> catégorie à utiliser"
    )
    parser.add_argument(
        "--rules", type=Path, metavar="FICHIER.toml", help="règles des sorties examinées à utiliser"
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        dest="progress",
        action="store_const",
        const=True,
        help="barre de progression sur la sortie d'erreur (par défaut : sur un terminal)",
    )
    shown.add_argument(
        "--no-progress",
        dest="progress",
        action="store_const",
        const=False,
        help="pas de barre de progression",
    )
    parser.set_defaults(run=_run)


def _fail(message: str) -> int:
    print(f"seve : {message}", file=sys.stderr)
    return 2


def _events(
    source: str, stack: ExitStack, progress: bool = False
) -> tuple[Iterator[Any], Progress | None]:
    """The events of ``source``, and a progress line for their pass (``None`` when
    ``progress`` is false): with a bar for a file, whose size and position are known."""
    from ..hooks import Plugins
    from ..serialization import iter_events

    path = Path(source)
    if path.exists():
        fp = stack.enter_context(path.open("rb"))
        shown = None
        if progress:
            size = path.stat().st_size
            shown = Progress(sys.stderr, total=size, position=fp.tell)
        return iter_events(fp), shown
    store = Plugins().open_store(source)
    stack.callback(store.close)
    shown = Progress(sys.stderr, label="Lecture du stockage") if progress else None
    return _events_from_store(store), shown


def _events_from_store(store: Any) -> Iterator[Any]:
    """The events of a store's log, decoded one by one (the store keeps JSON lines)."""
    from ..serialization import decode_event

    return (decode_event(stored.data) for stored in store.read_log())


def _run(args: argparse.Namespace) -> int:
    from ..audience import Audience
    from ..indicators import (
        CountingRules,
        Filters,
        ReportingPeriod,
        compare,
        dialogue_de_gestion,
        fold_indicators,
        reports,
    )
    from ..model import MotifTable, SiaeKind
    from . import (
        comparison_text,
        for_audience,
        pack_csv,
        pack_for_audience,
        pack_text,
        report_csv,
        report_html,
        report_json,
        report_text,
    )

    if (args.start is None) != (args.end is None):
        return _fail("--from et --to vont ensemble")
    if args.quarter is not None and _QUARTER.fullmatch(args.quarter) is None:
        return _fail(f"trimestre invalide {args.quarter!r} (ex. 2023T2)")
    if args.pack and args.year is None:
        return _fail("--pack demande --year")
    secret = None
    audience = Audience.from_code(args.audience)
    if audience is Audience.FUNDER:
        if args.secret_file is None:
            return _fail("--audience funder demande --secret-file (secret de la structure)")
        try:
            secret = args.secret_file.read_bytes().strip()
        except OSError as exc:
            return _fail(f"impossible de lire {args.secret_file} : {exc.strerror}")
    tables: dict[str, Any] = {}
    try:
        if args.motifs is not None:
            tables["motifs"] = MotifTable.from_path(args.motifs)
        if args.rules is not None:
            tables["rules"] = CountingRules.from_path(args.rules)
    except (OSError, ValueError) as exc:
        return _fail(f"table illisible : {exc}")
    filters = Filters(
        siaes=args.siae,
        kinds=None if args.kind is None else [SiaeKind.from_code(k) for k in args.kind],
        territories=args.territory,
    )
    from ..hooks import Plugins

    plugins = Plugins()
    folds = fold_indicators(plugins)
    periods = _periods(args)
    progress = args.progress if args.progress is not None else sys.stderr.isatty()
    with ExitStack() as stack:
        try:
            events, shown = _events(args.source, stack, progress)
        except OSError as exc:
            return _fail(f"impossible de lire {args.source} : {exc.strerror}")
        digest = _read(events, shown, indicators=folds, periods=periods or ())
    if periods is None:  # the last year of the log: plugin folds need a second pass
        periods = _periods(args, ReportingPeriod.year(_last_year(digest)))
        assert periods is not None
        if folds:
            with ExitStack() as stack:
                events, shown = _events(args.source, stack, progress)
                again = _read(events, shown, indicators=folds, periods=periods)
            digest.folds.update(again.folds)
    chosen = reports(digest, periods, filters=filters, plugins=plugins, **tables)
    if audience is not Audience.STAFF:
        chosen = tuple(for_audience(r, audience, secret=secret) for r in chosen)
    comparison = compare(chosen[0], chosen[1]) if len(chosen) == 2 else None
    if args.pack:
        pack = dialogue_de_gestion(digest, args.year, filters=filters, plugins=plugins, **tables)
        if audience is not Audience.STAFF:
            pack = pack_for_audience(pack, audience, secret=secret)
        if args.format == "csv":
            text = pack_csv(pack)
        elif args.format == "json":
            text = report_json(pack.report)
        elif args.format == "html":
            text = report_html(pack.report, title="Dialogue de gestion")
        else:
            text = pack_text(pack)
    elif args.format == "json":
        text = report_json(chosen if comparison else chosen[0], comparison=comparison)
    elif args.format == "csv":
        text = report_csv(chosen)
    elif args.format == "html":
        text = report_html(chosen, comparison=comparison)
    else:
        text = "\n".join(report_text(r) for r in chosen)
        if comparison is not None:
            text += "\n" + comparison_text(comparison)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        print(f"écrit : {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _read(events: Iterator[Any], shown: Progress | None, **options: Any) -> Any:
    """One pass over ``events``, with its progress line if ``shown``."""
    from ..indicators import read_log

    if shown is None:
        return read_log(events, **options)
    digest = read_log(events, progress=shown, every=_EVERY, **options)
    shown.done(digest.events)
    return digest


def _periods(args: argparse.Namespace, default: Any = None) -> list[Any] | None:
    """The periods asked for (``None``: the last year of the log, not read yet)."""
    from ..indicators import ReportingPeriod, before_after

    if args.year is not None:
        period = ReportingPeriod.year(args.year)
    elif args.quarter is not None:
        match = _QUARTER.fullmatch(args.quarter)
        assert match is not None
        period = ReportingPeriod.quarter(int(match[1]), int(match[2]))
    elif args.start is not None:
        period = ReportingPeriod.between(args.start, args.end)
    elif default is not None:
        period = default
    else:
        return None
    if args.compare_year is not None:
        return [ReportingPeriod.year(args.compare_year), period]
    if args.joined_seve is not None:
        return list(before_after(args.joined_seve))
    return [period]


def _last_year(digest: Any) -> int:
    """The last year the log speaks of (the latest embauche or sortie)."""
    days = [
        day
        for p in digest.parcours.values()
        for day in (p.embauche, p.sortie.date if p.sortie else None)
        if day is not None
    ]
    return max(days).year if days else dt.date.today().year
