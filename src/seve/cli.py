"""The ``seve`` command: ``seve validate FILE.jsonl``, ``seve demo``, ``seve plugins``;
``seve retention``, ``seve forget``, ``seve export`` and ``seve audit`` (personal data)."""

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
    from ._demo_calendars import DemoCalendars
    from ._demo_messages import send_demo_messages
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
    feeds = DemoCalendars(path)  # .ics feeds next to the journal, if seve-ics is installed
    try:
        record_demo(store, seed=args.seed, year=args.year, plugins=feeds.plugins)
        calendars = feeds.publish(store)
        messages = send_demo_messages(store, seed=args.seed)
        events = (decode_event(stored.data) for stored in store.read_log())
        print(
            demo_report(
                events,
                seed=args.seed,
                year=args.year,
                stored_in=f"{path} (SQLite)",
                messages=messages,
                calendars=calendars,
            )
        )
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


def _messages(args: argparse.Namespace) -> int:
    from .messaging import DEFAULT_TEMPLATES

    if args.name is None:
        for name in DEFAULT_TEMPLATES:
            template = DEFAULT_TEMPLATES[name]
            print(f"{name} ({template.audience.label}) : {template.description}")
        return 0
    content = DEFAULT_TEMPLATES[args.name].preview()
    print(f"Objet : {content.subject}\n")
    print(content.html if args.html else content.text, end="" if not args.html else "\n")
    if content.short is not None and not args.html:
        print(f"\nSMS : {content.short}")
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
    messages = sub.add_parser(
        "messages", help="les modèles de messages en français, et leur aperçu"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    preview = messages.add_parser(
        "preview",
        help="afficher un modèle rendu avec des données d'exemple",
        description="Sans NOM, liste les modèles ; avec NOM, affiche l'objet, le texte "
        "et la version SMS du modèle, rendus avec ses données d'exemple.",
    )
    preview.add_argument("name", nargs="?", metavar="NOM", help="ex. offre.diffusion")
    preview.add_argument("--html", action="store_true", help="afficher la version HTML")
    preview.set_defaults(run=_messages)
    from .privacy._cli import add_commands as add_privacy_commands

    add_privacy_commands(sub)  # retention, forget, export, audit
    from .reports._cli import add_indicators_command

    add_indicators_command(sub)  # indicators
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
