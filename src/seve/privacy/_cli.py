"""The privacy commands of ``seve``: ``retention``, ``forget``, ``export`` and ``audit``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..audience import SMALL_COUNT_THRESHOLD, Audience
from ..model import PARIS, SalarieId
from ._audit import RetentionCategory, audit_trail
from ._retention import RetentionPolicy, RetentionReport

if TYPE_CHECKING:
    from ..app import Recorder

__all__ = ["add_commands"]

_PARCOURS = (RetentionCategory.FREINS, RetentionCategory.NOTES, RetentionCategory.CONTACT)


@contextmanager
def _recorder(url: str) -> Iterator[Recorder]:
    from ..app import Recorder
    from ..hooks import Plugins

    plugins = Plugins()
    store = plugins.open_store(url)
    try:
        yield Recorder(store, plugins=plugins)
    finally:
        store.close()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide {text!r} (AAAA-MM-JJ)") from None


def _print_retention(report: RetentionReport, policy: RetentionPolicy) -> None:
    plan = report.plan
    print(f"Conservation au {plan.day:%d/%m/%Y}")
    for category in RetentionCategory:
        since = (
            "après la sortie ou le dernier contact" if category in _PARCOURS else "après l'envoi"
        )
        what = "parcours" if category in _PARCOURS else "entrée(s)"
        print(
            f"- {category.value} ({category.label}) : {policy.duration(category)} {since} ; "
            f"{plan.count(category)} {what}"
        )
        for siae, items in sorted(plan.expired.get(category, {}).items(), key=str):
            where = siae or "sans structure"
            if category in _PARCOURS:
                for stream in items:
                    print(f"    {stream} ({where})")
            else:
                print(f"    {len(items)} {what} ({where})")
    erasure = plan.erasure
    total = (
        f"{len(erasure.events)} événement(s) réécrit(s), {len(erasure.outbox)} effet(s) supprimé(s)"
    )
    if report.applied:
        print(f"{total} ; trace : {len(report.audit)} événement(s) retention_applied")
        for name in report.failed:
            print(f"plugin en échec (relancer) : {name}", file=sys.stderr)
    else:
        print(f"{total} : rien n'est écrit (--dry-run)")


def _retention(args: argparse.Namespace) -> int:
    from ._retention import apply_retention

    policy = RetentionPolicy()
    if args.config is not None:
        policy = RetentionPolicy.from_toml(args.config.read_text(encoding="utf-8"))
    now = _now()
    day = args.day or now.astimezone(PARIS).date()
    if not args.dry_run and args.by is None:
        print("seve : --by IDENTIFIANT (qui applique la conservation) est requis", file=sys.stderr)
        return 2
    with _recorder(args.store) as recorder:
        report = apply_retention(
            recorder, policy, day=day, by=args.by or "-", at=now, dry_run=args.dry_run
        )
    _print_retention(report, policy)
    return 1 if report.failed else 0


def _forget(args: argparse.Namespace) -> int:
    from ._erasure import forget

    with _recorder(args.store) as recorder:
        report = forget(recorder, SalarieId(args.salarie), by=args.by, at=_now())
    plan = report.plan
    print(
        f"{args.salarie} : {len(plan.streams)} parcours, {len(plan.events)} événement(s) "
        f"réécrit(s), {len(plan.outbox)} effet(s) supprimé(s), "
        f"{len(plan.calendar_uids)} entrée(s) d'agenda retirée(s) ; "
        f"plugins prévenus : {', '.join(report.notified) or 'aucun'}"
    )
    for name in report.failed:
        print(f"plugin en échec (relancer seve forget) : {name}", file=sys.stderr)
    return 1 if report.failed else 0


def _export(args: argparse.Namespace) -> int:
    from ._export import export_store

    audience = Audience.from_code(args.audience)
    secret = args.secret_file.read_bytes().strip() if args.secret_file else None
    with _recorder(args.store) as recorder:
        result = export_store(
            recorder,
            audience,
            siae=args.siae,
            by=args.by,
            at=_now(),
            secret=secret,
            threshold=args.threshold,
        )
    data = result.lines()
    if args.out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        args.out.write_bytes(data)
    print(
        f"export pour {audience.label} : {len(result.records)} ligne(s), "
        f"{len(result.tables)} tableau(x)",
        file=sys.stderr,
    )
    return 0


def _audit(args: argparse.Namespace) -> int:
    from ..serialization import decode_event

    with _recorder(args.store) as recorder:
        wanted = None if args.siae is None else f"siae:{args.siae}"
        events = (
            decode_event(stored.data)
            for stored in recorder.store.read_log()
            if stored.stream.startswith("siae:") and wanted in (None, stored.stream)
        )
        records = audit_trail(events)
    for record in records:
        print(record)
    print(f"{len(records)} opération(s) tracée(s)", file=sys.stderr)
    return 0


def add_commands(sub: Any) -> None:
    """Add ``retention``, ``forget``, ``export`` and ``audit`` to the ``seve`` parser."""
    store = {
        "required": True,
        "metavar": "URL",
        "help": "le stockage (sqlite:..., postgresql://...)",
    }
    by = {"metavar": "IDENTIFIANT", "help": "le ou la permanent·e qui agit (tracé)"}

    retention = sub.add_parser(
        "retention",
        help="effacer ce qui a dépassé sa durée de conservation",
        description="Liste (--dry-run) ou efface les données conservées au-delà de leur durée, "
        "par catégorie ; chaque application est tracée (seve audit).",
    )
    retention.add_argument("--store", **store)
    retention.add_argument("--by", **by)
    retention.add_argument("--dry-run", action="store_true", help="lister sans rien effacer")
    retention.add_argument(
        "--config", type=Path, metavar="FICHIER.toml", help="durées propres (voir docs/privacy.md)"
    )
    retention.add_argument(
        "--day", type=_day, metavar="AAAA-MM-JJ", help="compter les durées jusqu'à ce jour"
    )
    retention.set_defaults(run=_retention)

    forget = sub.add_parser(
        "forget",
        help="effacer les données personnelles d'un·e salarié·e (droit à l'effacement)",
        description="Efface l'identité, les coordonnées, le détail des freins et les textes "
        "libres d'un·e salarié·e partout, garde les faits anonymes ; tracé (seve audit).",
    )
    forget.add_argument("salarie", metavar="SALARIE")
    forget.add_argument("--store", **store)
    forget.add_argument("--by", required=True, **by)
    forget.set_defaults(run=_forget)

    export = sub.add_parser(
        "export",
        help="exporter les données d'une structure pour un public (financeur...)",
        description="Écrit en JSON Lines ce que le public peut voir (docs/audiences.md) ; "
        "tracé (seve audit).",
    )
    export.add_argument("--store", **store)
    export.add_argument("--by", required=True, **by)
    export.add_argument("--siae", required=True, metavar="SIAE")
    export.add_argument(
        "--audience", required=True, choices=[a.value for a in Audience], help="le public"
    )
    export.add_argument(
        "--secret-file", type=Path, metavar="FICHIER", help="le secret de pseudonymisation"
    )
    export.add_argument(
        "--threshold",
        type=int,
        default=SMALL_COUNT_THRESHOLD,
        metavar="N",
        help=f"seuil du secret statistique (défaut : {SMALL_COUNT_THRESHOLD})",
    )
    export.add_argument("--out", type=Path, metavar="FICHIER.jsonl", help="défaut : la sortie")
    export.set_defaults(run=_export)

    audit = sub.add_parser(
        "audit",
        help="lister les exports, effacements et conservations tracés",
        description="Affiche la date, qui, l'opération, le public et ce qu'elle a touché.",
    )
    audit.add_argument("--store", **store)
    audit.add_argument("--siae", metavar="SIAE", help="une seule structure")
    audit.set_defaults(run=_audit)
