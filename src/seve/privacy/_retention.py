"""Retention: how long each category of personal data is kept, and the run that erases
what is past its time.

The clock of a parcours starts at its sortie, or at its last event if that came later
(a suivi contact, a late bilan): « après la sortie ou le dernier contact ».  A parcours
without a sortie is still open: nothing of it expires.  Messages and calendar entries
count from when they were last scheduled (their delivery).  The defaults and their
sources are in ``docs/privacy.md``; a structure overrides them in TOML.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen
from dateutil.relativedelta import relativedelta

from ..app import Recorder
from ..audience import PrivacyError
from ..errors import Problem
from ..model import (
    Embauche,
    Event,
    SortieRecorded,
    StreamId,
    StreamKind,
    local_date,
    stream_kind,
)
from ..serialization import decode_event
from ..storage import OutboxEntry, OutboxStatus, StoredEvent
from ._audit import RetentionApplied, RetentionCategory, RetentionLine
from ._erasure import (
    PARCOURS_PARTS,
    ErasurePlan,
    audit_events,
    identity_of,
    new_audit_id,
    notify,
    plan_erasure,
    record_audit,
)
from ._text import Identity

__all__ = [
    "DEFAULT_RETENTION",
    "MAX_RETENTION",
    "Duration",
    "ParcoursFacts",
    "RetentionPlan",
    "RetentionPolicy",
    "RetentionReport",
    "apply_retention",
    "parcours_facts",
    "plan_retention",
]

_DELIVER: Final = "seve_deliver_message"
_CALENDAR: Final = "seve_calendar_"


_DURATION: Final = re.compile(r"\s*(\d+)\s*(ans?|années?|mois|jours?|semaines?)\s*")


@frozen(kw_only=True)
class Duration:
    """A retention duration, in months and days (« 24 mois », « 90 jours »).

    >>> Duration.parse("2 ans"), Duration.parse("90 jours")
    (Duration(months=24, days=0), Duration(months=0, days=90))
    >>> str(Duration(months=24))
    '24 mois'
    """

    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str, *path: str | int) -> Duration:
        """A duration from French text: ``"24 mois"``, ``"2 ans"``, ``"90 jours"``,
        ``"6 semaines"``.

        :raises PrivacyError: ``retention.duree_invalide``, ``retention.duree_negative``
            or ``retention.duree_absurde`` (beyond :data:`MAX_RETENTION`).
        """
        if isinstance(text, str) and re.fullmatch(r"\s*-\s*\d+.*", text):
            raise _refuse("retention.duree_negative", f"durée négative : {text!r}", *path)
        match = _DURATION.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise _refuse(
                "retention.duree_invalide",
                f"durée illisible {text!r} : écrire par exemple « 24 mois », « 2 ans » ou "
                "« 90 jours »",
                *path,
            )
        number, unit = int(match.group(1)), match.group(2)
        if unit.startswith(("an", "ann")):
            duration = cls(months=12 * number)
        elif unit == "mois":
            duration = cls(months=number)
        elif unit.startswith("semaine"):
            duration = cls(days=7 * number)
        else:
            duration = cls(days=number)
        return duration.checked(*path)

    def checked(self, *path: str | int) -> Duration:
        """This duration, if it is a sensible one.

        :raises PrivacyError: as :meth:`parse`.
        """
        if any(isinstance(n, bool) or not isinstance(n, int) for n in (self.months, self.days)):
            raise _refuse("retention.duree_invalide", f"durée invalide : {self!r}", *path)
        if self.months < 0 or self.days < 0:
            raise _refuse("retention.duree_negative", f"durée négative : {self}", *path)
        if self.after(dt.date(2000, 1, 1)) > MAX_RETENTION.after(dt.date(2000, 1, 1)):
            raise _refuse(
                "retention.duree_absurde",
                f"durée de conservation de {self} : au-delà de {MAX_RETENTION}, ce n'est "
                "plus une durée limitée (RGPD, art. 5.1.e)",
                *path,
                legal="RGPD, art. 5.1.e",
            )
        return self

    def after(self, start: dt.date) -> dt.date:
        """The last day kept, counting from ``start``."""
        return start + relativedelta(months=self.months, days=self.days)

    def __str__(self) -> str:
        parts = []
        if self.months:
            parts.append(f"{self.months} mois")
        if self.days or not self.months:
            parts.append(f"{self.days} jour{'s' if self.days > 1 else ''}")
        return " et ".join(parts)


#: No retention duration may exceed this (the longest prescription in the field).
MAX_RETENTION: Final = Duration(months=10 * 12)


def _refuse(code: str, message: str, *path: str | int, legal: str | None = None) -> PrivacyError:
    return PrivacyError([Problem(code=code, message=message, path=path, legal=legal)])


#: seve's defaults; ``docs/privacy.md`` gives each one's source.
DEFAULT_RETENTION: Final[Mapping[RetentionCategory, Duration]] = MappingProxyType(
    {
        RetentionCategory.FREINS: Duration(months=24),
        RetentionCategory.NOTES: Duration(months=24),
        RetentionCategory.CONTACT: Duration(months=24),
        RetentionCategory.MESSAGES: Duration(months=3),
        RetentionCategory.CALENDAR: Duration(months=12),
    }
)


def _durations(table: Any, *path: str | int) -> dict[RetentionCategory, Duration]:
    if not isinstance(table, dict):
        raise _refuse("retention.config_invalide", "une table de durées est attendue", *path)
    durations = {}
    for code, text in table.items():
        if code == "structures":
            continue
        try:
            category = RetentionCategory.from_code(code)
        except ValueError:
            known = ", ".join(c.value for c in RetentionCategory)
            raise _refuse(
                "retention.categorie_inconnue",
                f"catégorie de données inconnue {code!r} (catégories : {known})",
                *path,
                code,
            ) from None
        durations[category] = Duration.parse(text, *path, code)
    return durations


@frozen(kw_only=True)
class RetentionPolicy:
    """The retention durations of a store: seve's defaults, what the host changed, and
    per structure overrides.

    :param durations: the duration of each category (defaults: :data:`DEFAULT_RETENTION`).
    :param structures: per SIAE id, the categories it keeps for another duration.
    """

    durations: Mapping[RetentionCategory, Duration] = field(factory=lambda: dict(DEFAULT_RETENTION))
    structures: Mapping[str, Mapping[RetentionCategory, Duration]] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        for category, duration in self.durations.items():
            duration.checked("durations", category.value)
        for siae, table in self.structures.items():
            for category, duration in table.items():
                duration.checked("structures", siae, category.value)

    def duration(self, category: RetentionCategory, siae: str | None = None) -> Duration:
        """How long ``category`` is kept for ``siae`` (its override, else the default)."""
        override = self.structures.get(siae, {}) if siae is not None else {}
        return override.get(category) or self.durations.get(category) or DEFAULT_RETENTION[category]

    @classmethod
    def from_toml(cls, text: str) -> RetentionPolicy:
        """A policy from TOML; categories left out keep seve's defaults::

            [retention]
            messages = "1 mois"

            [retention.structures.aci-val]
            freins = "12 mois"

        :raises PrivacyError: ``retention.config_invalide``,
            ``retention.categorie_inconnue``, ``retention.duree_*``.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _refuse("retention.config_invalide", f"TOML invalide : {exc}") from exc
        table = data.get("retention", {})
        durations = {**DEFAULT_RETENTION, **_durations(table, "retention")}
        structures = table.get("structures", {}) if isinstance(table, dict) else {}
        if not isinstance(structures, dict):
            raise _refuse(
                "retention.config_invalide",
                "[retention.structures] doit contenir une table par structure",
                "retention",
                "structures",
            )
        return cls(
            durations=durations,
            structures={
                siae: _durations(body, "retention", "structures", siae)
                for siae, body in structures.items()
            },
        )


# -- what expires --------------------------------------------------------------------------------


@frozen(kw_only=True)
class ParcoursFacts:
    """What retention needs to know of one parcours.

    :param stream: its stream.
    :param siae: the structure that hired the person.
    :param sortie: the day of its sortie (``None``: still open).
    :param last: the day of its last event.
    """

    stream: str
    siae: str
    sortie: dt.date | None
    last: dt.date

    @property
    def clock_start(self) -> dt.date | None:
        """When its retention durations start: the sortie, or the last contact after it."""
        return None if self.sortie is None else max(self.sortie, self.last)


def parcours_facts(log: Iterable[StoredEvent]) -> dict[str, ParcoursFacts]:
    """The :class:`ParcoursFacts` of every parcours in ``log``."""
    siaes: dict[str, str] = {}
    sorties: dict[str, dt.date] = {}
    last: dict[str, StoredEvent] = {}
    for stored in log:
        if not stored.stream.startswith(StreamKind.PARCOURS.value + ":"):
            continue
        last[stored.stream] = stored
        if stored.type in ("embauche", "sortie_recorded"):
            payload = decode_event(stored.data).payload
            if isinstance(payload, Embauche):
                siaes[stored.stream] = payload.siae
            elif isinstance(payload, SortieRecorded):
                sorties[stored.stream] = payload.sortie.date
    return {
        stream: ParcoursFacts(
            stream=stream,
            siae=siaes[stream],
            sortie=sorties.get(stream),
            last=decode_event(last[stream].data).day,
        )
        for stream in last
        if stream in siaes
    }


def _siae_of(stream: str, facts: Mapping[str, ParcoursFacts]) -> str | None:
    if stream in facts:
        return facts[stream].siae
    try:
        kind = stream_kind(StreamId(stream))
    except ValueError:
        return None
    return stream.partition(":")[2] if kind is StreamKind.SIAE else None


def _entry_category(entry: OutboxEntry) -> RetentionCategory | None:
    if entry.hook == _DELIVER:
        return RetentionCategory.MESSAGES
    if entry.hook.startswith(_CALENDAR):
        return RetentionCategory.CALENDAR
    return None


@frozen(kw_only=True)
class RetentionPlan:
    """What a retention run erases.

    :param day: the day the durations are counted to.
    :param expired: for each category, the parcours streams or outbox keys past
        their duration, by structure (``None``: entries of no structure).
    :param erasure: the rewrite and deletions that erase them.
    """

    day: dt.date
    expired: Mapping[RetentionCategory, Mapping[str | None, tuple[str, ...]]]
    erasure: ErasurePlan

    @property
    def empty(self) -> bool:
        return self.erasure.empty

    def count(self, category: RetentionCategory, siae: str | None = None) -> int:
        """How many parcours or entries lose data of ``category`` (of ``siae``, or all)."""
        by_siae = self.expired.get(category, {})
        if siae is not None:
            return len(by_siae.get(siae, ()))
        return sum(len(items) for items in by_siae.values())


def expired_parts(
    facts: Mapping[str, ParcoursFacts], policy: RetentionPolicy, day: dt.date
) -> dict[str, frozenset[RetentionCategory]]:
    """For each closed parcours, the parts whose duration ended before ``day``."""
    parts = {}
    for stream, fact in facts.items():
        start = fact.clock_start
        if start is None:
            continue
        due = frozenset(
            category
            for category in PARCOURS_PARTS
            if policy.duration(category, fact.siae).after(start) < day
        )
        if due:
            parts[stream] = due
    return parts


def plan_retention(
    log: Callable[[], Iterable[StoredEvent]],
    outbox: Iterable[OutboxEntry],
    policy: RetentionPolicy,
    *,
    day: dt.date,
    identity: Callable[[str], Identity],
) -> RetentionPlan:
    """Decide what a retention run erases on ``day``; pure but for its arguments.

    :param log: gives the whole log, once per pass (two passes).
    :param outbox: every outbox entry.
    :param identity: the identity recorded in a parcours stream (asked for those
        whose contact data expire).
    """
    facts = parcours_facts(log())
    parts = expired_parts(facts, policy, day)
    expired: dict[RetentionCategory, dict[str | None, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for stream, due in sorted(parts.items()):
        for category in due:
            expired[category][facts[stream].siae].append(stream)
    entries = list(outbox)
    drop = {}
    for entry in entries:
        kind = _entry_category(entry)
        if kind is None or entry.status is OutboxStatus.PENDING:
            continue
        siae = _siae_of(entry.stream, facts)
        if policy.duration(kind, siae).after(local_date(entry.due_at)) < day:
            drop[entry.key] = kind
            expired[kind][siae].append(entry.key)
    identities = {s: identity(s) for s, due in parts.items() if RetentionCategory.CONTACT in due}
    erasure = plan_erasure(log(), entries, parts=parts, identities=identities, drop=drop)
    return RetentionPlan(
        day=day,
        expired={c: {s: tuple(items) for s, items in by.items()} for c, by in expired.items()},
        erasure=erasure,
    )


# -- the run ---------------------------------------------------------------------------------


@frozen(kw_only=True)
class RetentionReport:
    """What :func:`apply_retention` found and did.

    :param plan: what is (or would be) erased.
    :param applied: ``False`` for a dry run: nothing was written.
    :param audit: the ``retention_applied`` events recorded (one per structure).
    :param notified: the plugins told to drop their copies; ``failed``: those that
        failed to.
    """

    plan: RetentionPlan
    applied: bool
    audit: tuple[Event[Any], ...] = ()
    notified: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def _structures(log: Iterable[StoredEvent]) -> list[str]:
    prefix = StreamKind.SIAE.value + ":"
    return sorted({s.stream[len(prefix) :] for s in log if s.type == "siae_registered"})


def apply_retention(
    recorder: Recorder,
    policy: RetentionPolicy,
    *,
    day: dt.date,
    by: str,
    at: dt.datetime,
    dry_run: bool = False,
    new_id: Callable[[], str] = new_audit_id,
) -> RetentionReport:
    """Erase what is kept past its duration on ``day`` (RGPD, art. 5.1.e).

    A dry run only plans.  Otherwise the store is rewritten in one transaction (all
    or nothing), the recorder's cache and the plugins (hook ``seve_forget``) drop
    what they held, and the run is recorded as a ``retention_applied`` event on the
    stream of every structure of the store, even when nothing was due.

    :raises PrivacyError: ``audit.structure_inconnue`` when the store holds no
        structure to record the run on; nothing was written.
    """
    store = recorder.store

    def identity(stream: str) -> Identity:
        return identity_of(store.read_stream(stream))

    plan = plan_retention(store.read_log, store.outbox(), policy, day=day, identity=identity)
    if dry_run:
        return RetentionReport(plan=plan, applied=False)
    siaes = _structures(store.read_log())

    def applied(siae: str) -> RetentionApplied:
        lines = []
        for category in RetentionCategory:
            duration = policy.duration(category, siae)
            lines.append(
                RetentionLine(
                    category=category,
                    months=duration.months,
                    days=duration.days,
                    items=plan.count(category, siae),
                )
            )
        return RetentionApplied(day=day, lines=tuple(lines))

    if not siaes:
        raise _refuse(
            "audit.structure_inconnue",
            "aucune structure enregistrée dans ce stockage : la conservation ne pourrait pas "
            "être tracée, rien n'a été effacé",
        )
    audit = audit_events(store, siaes, applied, by=by, at=at, new_id=new_id)
    store.erase(events=plan.erasure.events, outbox=plan.erasure.outbox)
    recorder.evict(*plan.erasure.streams, *plan.erasure.touched)
    notified: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    if not plan.empty:
        notified, failed = notify(recorder, plan.erasure.notice("conservation"))
    return RetentionReport(
        plan=plan,
        applied=True,
        audit=record_audit(recorder, audit),
        notified=notified,
        failed=failed,
    )
