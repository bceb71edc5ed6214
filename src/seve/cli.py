"""The ``seve`` command: ``seve validate FILE.jsonl``, ``seve demo``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._validate import validate_log

__all__ = ["main"]


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
    from ._demo import demo_report

    print(demo_report(seed=args.seed, year=args.year))
    return 0


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
    demo = sub.add_parser("demo", help="une année synthétique d'un ACI, résumée en français")
    demo.add_argument("--seed", type=int, default=2025, help="graine du générateur")
    demo.add_argument("--year", type=int, default=2025, help="année simulée")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
