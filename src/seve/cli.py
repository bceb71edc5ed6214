"""The ``seve`` command: ``seve validate FILE.jsonl``, ``seve demo``, ``seve plugins``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ._validate import validate_log
from .errors import SeveError

__all__ = ["DEMO_DB", "main"]

#: Where ``seve demo`` records its journal unless told otherwise (replaced each time).
DEMO_DB: Final = Path("seve-demo.db")


def _validate(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        with path.open("rb") as fp:
            report = validate_log(fp)
    except OSError as exc:
        print(f"seve: impossible de lire {path} : {exc.strerror}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(problem)
    lines = f"{report.events} événement(s) lu(s), {len(report.problems)} problème(s)"
    if report.unchecked:
        lines += (
            f" ; {report.unchecked} événement(s) non vérifié(s) car leur flux contient "
            "une erreur plus haut"
        )
    print(lines, file=sys.stderr)
    return 0 if report.ok else 1


def _demo(args: argparse.Namespace) -> int:
    from ._demo import demo_report, record_demo
    from .hooks import Plugins
    from .serialization import decode_event

    path: Path = args.db.resolve()
    if path.exists():
        if args.db != DEMO_DB and not args.replace:
            print(
                f"seve : {path} existe déjà ; --remplacer pour l'écraser, ou --db AUTRE.db",
                file=sys.stderr,
            )
            return 2
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
    # a demo journal is disposable: no fsync at every event
    store = Plugins().open_store(f"sqlite:{path}?synchronous=normal")
    try:
        record_demo(store, seed=args.seed, year=args.year)
        events = (decode_event(stored.data) for stored in store.read_log())
        print(demo_report(events, seed=args.seed, year=args.year, stored_in=f"{path} (SQLite)"))
    finally:
        store.close()
    return 0


def _plugins(args: argparse.Namespace) -> int:
    from .hooks import Plugins

    plugins = Plugins(strict=args.strict)
    for info in plugins.info():
        print(f"{info.name} {info.version or '(version inconnue)'}")
        for hook in info.hooks:
            print(f"  {hook}")
    for failure in plugins.failures:
        where = f", {failure.hook}" if failure.hook else ""
        print(f"écarté : {failure.plugin} ({failure.stage}{where}) : {failure.error}")
    return 1 if plugins.failures else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seve", description="seve : parcours, médiation active et indicateurs des SIAE."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    validate = sub.add_parser(
        "validate",
        help="vérifier un journal JSON Lines (format, règles légales)",
        description="Affiche chaque problème avec sa ligne et le chemin du champ ; "
        "code de sortie 1 s'il y en a.",
    )
    validate.add_argument("file", type=Path, metavar="FICHIER.jsonl")
    validate.set_defaults(run=_validate)
    demo = sub.add_parser(
        "demo", help="une année synthétique d'un ACI, enregistrée et résumée en français"
    )
    demo.add_argument("--seed", type=int, default=2025, help="graine du générateur")
    demo.add_argument("--year", type=int, default=2025, help="année simulée")
    demo.add_argument(
        "--db",
        type=Path,
        default=DEMO_DB,
        metavar="FICHIER.db",
        help=f"fichier SQLite du journal (défaut : {DEMO_DB}, remplacé à chaque fois)",
    )
    demo.add_argument(
        "--remplacer",
        dest="replace",
        action="store_true",
        help="écraser FICHIER.db s'il existe déjà",
    )
    demo.set_defaults(run=_demo)
    plugins = sub.add_parser(
        "plugins",
        help="lister les plugins, leur version et leurs hooks",
        description="Affiche chaque plugin chargé et les hooks qu'il implémente, puis les "
        "plugins écartés et pourquoi ; code de sortie 1 s'il y en a.",
    )
    plugins.add_argument(
        "--strict", action="store_true", help="s'arrêter au premier plugin en erreur"
    )
    plugins.set_defaults(run=_plugins)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except SeveError as exc:  # plugins in strict mode, a store that cannot be opened...
        print(f"seve : {exc}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
