"""Exports: a structure's log as one audience may receive it, and its counts.

Every field goes through :mod:`seve.audience`: fields tagged above the audience's level
are left out, freins and identity events too when its row says so; salarié·es are
named by a keyed hash for audiences that only get pseudonyms, and those get no free
text at all (it may name someone); the tables of counts are masked under the secret
statistique threshold where its row says so.  Every export
is recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, get_args

import attrs
import msgspec
from attrs import field, frozen

from ..app import Recorder
from ..audience import (
    SMALL_COUNT_THRESHOLD,
    Audience,
    Masked,
    Naming,
    PrivacyError,
    counts_for,
    may_see,
    policy,
    pseudonym,
)
from ..errors import Problem
from ..model import (
    Embauche,
    Event,
    FreinIdentified,
    FreinLifted,
    MotifTable,
    PersonalData,
    PersonalDataRecorded,
    SalarieId,
    SortieRecorded,
    StreamId,
    StreamKind,
    default_motif_table,
    sensitivity_of,
    stream_id,
    stream_kind,
)
from ..serialization import converter, decode_event
from ._audit import ExportRecorded, PersonalDataErased, RetentionApplied
from ._erasure import audit_events, new_audit_id, record_audit
from ._text import ORGANISATION_TEXT, _hints, _text_kind

__all__ = ["Export", "export", "export_store"]

#: Event types an export never carries: seve's own operations.
_OPERATIONS: Final = (ExportRecorded, PersonalDataErased, RetentionApplied)
_FREINS: Final = (FreinIdentified, FreinLifted)
_CONTACT: Final = frozenset({"email", "phone"})
_JSON: Final = msgspec.json.Encoder(order="deterministic")


@frozen(kw_only=True)
class Export:
    """A structure's data as one audience receives it.

    :param audience: who it is for.
    :param siae: the structure.
    :param records: one JSON-ready mapping per event it may see (``type``, ``stream``,
        ``day``, ``payload``).
    :param tables: counts, by table and key, masked where the audience's row says so.
    :param pseudonymised: whether salarié·es are named by a keyed hash.
    :param threshold: the secret statistique threshold, when counts are masked.
    """

    audience: Audience
    siae: str
    records: tuple[Mapping[str, Any], ...]
    tables: Mapping[str, Mapping[str, int | Masked]] = field(factory=dict)
    pseudonymised: bool = False
    threshold: int | None = None

    def lines(self) -> bytes:
        """The export as JSON Lines: the records, then one line per table (a masked
        count is ``null``, with the table's ``threshold``)."""
        out = [_JSON.encode(record) for record in self.records]
        for name, counts in self.tables.items():
            table = {
                "table": name,
                "threshold": self.threshold,
                "counts": {k: None if isinstance(v, Masked) else v for k, v in counts.items()},
            }
            out.append(_JSON.encode(table))
        return b"".join(line + b"\n" for line in out)


def _is_salarie(hint: Any) -> bool:
    return hint is SalarieId or any(_is_salarie(arg) for arg in get_args(hint))


def _project(value: Any, audience: Audience, name: Callable[[str], str], hint: Any = None) -> Any:
    """``value`` as JSON-ready data with only what ``audience`` may see."""
    if attrs.has(type(value)):
        cls = type(value)
        hints = _hints(cls)
        row = policy(audience)
        out = {}
        for field_ in attrs.fields(cls):
            if not may_see(audience, sensitivity_of(cls, field_.name)):
                continue
            if cls is PersonalData and field_.name in _CONTACT and not row.person_contact:
                continue
            # an audience named by pseudonym reads no text but organisations' names
            if (
                row.naming is Naming.PSEUDONYM
                and _text_kind(hints[field_.name]) is not None
                and (cls, field_.name) not in ORGANISATION_TEXT
            ):
                continue  # free text may name someone; so may a PASS IAE number
            item = getattr(value, field_.name)
            out[field_.name] = _project(item, audience, name, hints[field_.name])
        return out
    if hint is not None and _is_salarie(hint):
        if isinstance(value, str):
            return name(value)
        if isinstance(value, frozenset | tuple):
            return sorted(name(v) for v in value)
    if isinstance(value, tuple | list):
        return [_project(v, audience, name) for v in value]
    if isinstance(value, frozenset):
        return sorted((_project(v, audience, name) for v in value), key=repr)
    if isinstance(value, Mapping):
        return {str(k): _project(v, audience, name) for k, v in value.items()}
    return converter.unstructure(value)


def _visible(event: Event[Any], audience: Audience) -> bool:
    payload, row = event.payload, policy(audience)
    if isinstance(payload, _OPERATIONS):
        return False
    if isinstance(payload, _FREINS):
        return row.freins
    if isinstance(payload, PersonalDataRecorded):
        return payload.data is not None and may_see(
            audience, sensitivity_of(PersonalData, "last_name")
        )
    return True


def export(
    events: Iterable[Event[Any]],
    audience: Audience,
    *,
    siae: str,
    secret: bytes | None = None,
    threshold: int = SMALL_COUNT_THRESHOLD,
    motifs: MotifTable | None = None,
) -> Export:
    """The data of structure ``siae`` in ``events`` as ``audience`` may receive them.

    Its parcours streams and its structure stream are exported (the company file is
    shared between structures: it is not theirs to export); with a pseudonymising
    audience, salarié·e ids and parcours streams become keyed hashes.  Three tables of
    counts go with the records: events by type, sorties by ASP category and embauches
    by age band.

    :param secret: the structure's pseudonymisation secret, required when the
        audience is named by pseudonym (see :func:`seve.audience.pseudonym`).
    :param threshold: the secret statistique threshold of the tables.
    :raises PrivacyError: ``export.secret_manquant``, ``audience.secret_trop_court``,
        ``audience.seuil_invalide``.
    """
    row = policy(audience)
    pseudonymised = row.naming is Naming.PSEUDONYM
    if pseudonymised and secret is None:
        raise PrivacyError(
            [
                Problem(
                    code="export.secret_manquant",
                    message=f"un export pour « {audience.label} » est pseudonymisé : il faut le "
                    "secret de pseudonymisation de la structure",
                    path=("secret",),
                )
            ]
        )

    def name(value: str) -> str:
        return pseudonym(value, secret=secret) if pseudonymised and secret else value

    name("")  # a bad secret fails now, before anything is read
    table = motifs or default_motif_table()
    own = stream_id(StreamKind.SIAE, siae)
    ours: set[str] = set()
    records = []
    types: Counter[str] = Counter()
    sorties: Counter[str] = Counter()
    ages: Counter[str] = Counter()
    for event in events:
        payload = event.payload
        if isinstance(payload, Embauche) and payload.siae == siae:
            ours.add(event.stream)
            ages[payload.situation.age_band.value] += 1
        if event.stream not in ours and event.stream != own:
            continue
        if isinstance(payload, SortieRecorded):
            sorties[table.category(payload.sortie.motif).value] += 1
        if not _visible(event, audience):
            continue
        types[event.type] += 1
        stream: str = event.stream
        if pseudonymised and stream_kind(StreamId(stream)) is StreamKind.PARCOURS:
            stream = f"{StreamKind.PARCOURS.value}:{name(stream.partition(':')[2])}"
        records.append(
            {
                "type": event.type,
                "stream": stream,
                "day": event.day.isoformat(),
                "payload": _project(payload, audience, name),
            }
        )
    tables = {
        "evenements_par_type": counts_for(
            audience, dict(sorted(types.items())), threshold=threshold
        ),
        "sorties_par_categorie": counts_for(
            audience, dict(sorted(sorties.items())), threshold=threshold
        ),
        "embauches_par_tranche_age": counts_for(
            audience, dict(sorted(ages.items())), threshold=threshold
        ),
    }
    return Export(
        audience=audience,
        siae=siae,
        records=tuple(records),
        tables=tables,
        pseudonymised=pseudonymised,
        threshold=threshold if row.small_counts_masked else None,
    )


def export_store(
    recorder: Recorder,
    audience: Audience,
    *,
    siae: str,
    by: str,
    at: dt.datetime,
    secret: bytes | None = None,
    threshold: int = SMALL_COUNT_THRESHOLD,
    new_id: Callable[[], str] = new_audit_id,
) -> Export:
    """:func:`export` of the recorder's store, recorded in the audit trail of ``siae``
    (an ``export_recorded`` event: who, when, for which audience, how much).

    :raises PrivacyError: as :func:`export`, and ``audit.structure_inconnue``.
    """
    store = recorder.store
    events = (decode_event(stored.data) for stored in store.read_log())
    result = export(events, audience, siae=siae, secret=secret, threshold=threshold)

    def recorded(_siae: str) -> ExportRecorded:
        return ExportRecorded(
            audience=audience,
            records=len(result.records),
            tables=len(result.tables),
            pseudonymised=result.pseudonymised,
            threshold=result.threshold,
        )

    audit = audit_events(store, [siae], recorded, by=by, at=at, new_id=new_id)
    record_audit(recorder, audit)
    return result
