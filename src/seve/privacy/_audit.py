"""The audit trail: every export, erasure and retention run is an event of the
structure's stream, saying who did it (``recorded_by``), when (``recorded_at``), for
which audience, and how much it touched (counts, never the data itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from attrs import field, frozen

from ..audience import Audience
from ..model import (
    STRUCTURE,
    Event,
    LabelledEnum,
    SalarieId,
    StreamKind,
    Structure,
    event_type,
)
from ..model._base import FieldError, identifier, personal, value_only

__all__ = [
    "AuditRecord",
    "ExportRecorded",
    "PersonalDataErased",
    "RetentionApplied",
    "RetentionCategory",
    "RetentionLine",
    "audit_trail",
]


@value_only
def _count(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldError(
            "format.nombre_negatif", f"un compte est un entier positif ou nul : {value!r}"
        )


class RetentionCategory(LabelledEnum):
    """A category of personal data with its own retention duration."""

    FREINS = ("freins", "freins et leur détail, libellés du plan d'action")
    NOTES = ("notes", "notes et textes libres du parcours")
    CONTACT = ("contact", "identité et coordonnées (nom, e-mail, téléphone, naissance)")
    MESSAGES = ("messages", "messages envoyés (SMS, e-mails...)")
    CALENDAR = ("calendar", "entrées d'agenda")


@event_type("export_recorded", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class ExportRecorded:
    """Data left seve for an audience (a funder's export, a report).

    :param audience: who it was for.
    :param records: how many records (lines) it held.
    :param tables: how many tables of counts it held.
    :param pseudonymised: whether salarié·es were named by a keyed hash.
    :param threshold: the secret statistique threshold of its counts, if masked.
    """

    audience: Audience
    records: int = field(validator=_count)
    tables: int = field(default=0, validator=_count)
    pseudonymised: bool = False
    threshold: int | None = field(default=None, validator=attrs.validators.optional(_count))


@event_type("personal_data_erased", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class PersonalDataErased:
    """The personal data of a salarié·e were erased on request (RGPD, art. 17).

    :param salarie: the pseudonymous id of the person (nothing else of them is left).
    :param streams: how many of their streams were rewritten.
    :param events: how many events lost personal data, in any stream.
    :param outbox: how many pending or delivered side effects were deleted.
    """

    salarie: SalarieId = personal(validator=identifier)
    streams: int = field(validator=_count)
    events: int = field(validator=_count)
    outbox: int = field(validator=_count)


@frozen(kw_only=True)
class RetentionLine:
    """What a retention run did to one category of data, in one structure.

    :param category: the category.
    :param months: the retention duration applied: months...
    :param days: ...and days.
    :param items: how many parcours (or outbox entries, for messages and calendar
        entries) lost data of this category.
    """

    category: RetentionCategory
    months: int = field(validator=_count)
    days: int = field(default=0, validator=_count)
    items: int = field(default=0, validator=_count)


@event_type("retention_applied", stream=StreamKind.SIAE)
@frozen(kw_only=True)
class RetentionApplied:
    """A retention run erased what was kept past its duration (RGPD, art. 5.1.e).

    :param day: the day the durations were counted to.
    :param lines: what was done, per category of data.
    """

    day: dt.date
    lines: tuple[RetentionLine, ...] = ()


def _unchanged(state: Structure, _event: Event[Any]) -> Structure:
    return state


for _payload in (ExportRecorded, PersonalDataErased, RetentionApplied):
    STRUCTURE.rule(_payload, when_closed=True)(_unchanged)

_ACTIONS = {
    ExportRecorded: "export",
    PersonalDataErased: "effacement",
    RetentionApplied: "conservation",
}


@frozen(kw_only=True)
class AuditRecord:
    """One line of the audit trail, as ``seve audit`` prints it.

    :param at: when it was recorded.
    :param by: who did it.
    :param siae: the structure's stream.
    :param action: ``export``, ``effacement`` or ``conservation``.
    :param audience: for an export, who it was for.
    :param detail: what it touched, in French.
    """

    at: dt.datetime
    by: str
    siae: str
    action: str
    audience: Audience | None
    detail: str

    def __str__(self) -> str:
        audience = self.audience.label if self.audience is not None else "—"
        at = self.at.strftime("%d/%m/%Y %H:%M")
        return f"{at}  {self.by}  {self.siae}  {self.action}  {audience}  {self.detail}"


def _detail(payload: Any) -> str:
    if isinstance(payload, ExportRecorded):
        how = "pseudonymisé" if payload.pseudonymised else "nominatif"
        masked = f", effectifs < {payload.threshold} masqués" if payload.threshold else ""
        return f"{payload.records} ligne(s), {payload.tables} tableau(x), {how}{masked}"
    if isinstance(payload, PersonalDataErased):
        return (
            f"salarié·e {payload.salarie} : {payload.streams} flux, {payload.events} "
            f"événement(s) réécrit(s), {payload.outbox} effet(s) supprimé(s)"
        )
    assert isinstance(payload, RetentionApplied)
    done = [f"{line.category.value} : {line.items}" for line in payload.lines if line.items]
    return f"au {payload.day:%d/%m/%Y} : " + ("; ".join(done) if done else "rien à effacer")


def audit_trail(events: Iterable[Event[Any]]) -> list[AuditRecord]:
    """The audit records among ``events`` (any log: other events are skipped), in order."""
    return [
        AuditRecord(
            at=event.recorded_at,
            by=event.recorded_by,
            siae=event.stream,
            action=_ACTIONS[type(event.payload)],
            audience=event.payload.audience if isinstance(event.payload, ExportRecorded) else None,
            detail=_detail(event.payload),
        )
        for event in events
        if type(event.payload) in _ACTIONS
    ]
