"""The right to erasure: after ``forget``, the person's name, e-mail, phone and the
text typed about them are in no byte of the store, and every indicator gives the
same figures."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seve.audience import Audience
from seve.indicators import ReportingPeriod, compute, reports
from seve.model import (
    Bilan,
    BilanId,
    BilanKind,
    BilanRecorded,
    EventId,
    PersonalData,
    PersonalDataRecorded,
    SalarieId,
)
from seve.privacy import (
    ERASED,
    PARCOURS_PARTS,
    PrivacyError,
    audit_trail,
    forget,
    identity_of,
    plan_erasure,
    text_leaves,
)
from seve.privacy._export import _project
from seve.privacy._text import personal_text
from seve.rules import replay
from seve.serialization import decode_event, encode_event
from seve.storage import MemoryStore, NewEvent, Store

sys.path.insert(0, str(Path(__file__).parent))
from builders import parcours_events
from test_privacy_world import (
    EMAIL,
    FIRST,
    INDICATORS,
    LAST,
    MARKERS,
    PHONE,
    SECRETS,
    decoded,
    operational,
    plugins,
    record,
    world,
)

AT = dt.datetime(2025, 6, 2, 10, tzinfo=dt.UTC)


def _variants(secret: str) -> set[bytes]:
    """The bytes a string may take in a store: UTF-8, and JSON's escapes."""
    escaped = secret.encode("ascii", "backslashreplace").replace(b"\\x", b"\\u00")
    return {secret.encode(), escaped, secret.encode("utf-16-le")}


def _leaks(blob: bytes) -> list[str]:
    return [s for s in SECRETS if any(v in blob for v in _variants(s))]


def _figures(events: list[Any]) -> list[Any]:
    """seve's own indicators (the official exit rates and SEVE's), year by year."""
    years = [ReportingPeriod.year(2023), ReportingPeriod.year(2024)]
    return [report.figures for report in reports(events, years)]


def _erase_and_check(store: Store, dump: Any) -> None:
    log, salarie, target = world()
    registry, calendar, messenger = plugins(target)
    recorder = record(store, log, registry)
    present = {FIRST, LAST, EMAIL, PHONE, "zephyrine.quastrowska", *MARKERS}
    assert present <= set(_leaks(dump())), "the world names the person everywhere"
    before = compute(INDICATORS, decoded(store))
    figures_before = _figures(decoded(store))
    states_before = {s: replay(e for e in decoded(store) if e.stream == s) for s in {target}}

    report = forget(recorder, salarie, by="cip-1", at=AT)

    assert _leaks(dump()) == []
    assert compute(INDICATORS, operational(decoded(store))) == before
    assert _figures(operational(decoded(store))) == figures_before
    after_state = replay(e for e in decoded(store) if e.stream == target)
    assert after_state.personal is None
    assert after_state.freins.keys() == states_before[target].freins.keys()
    # every stream still folds with every rule
    for stream in {e.stream for e in decoded(store)}:
        replay(e for e in decoded(store) if e.stream == stream)
    # the plugins dropped their copies
    assert calendar.erasures
    assert calendar.erasures[0].calendar_uids
    assert not any(FIRST in entry.ical for c in calendar.calendars.values() for entry in c.values())
    assert not any(EMAIL in m.text or FIRST in m.text for m in messenger.received())
    # the recorder's cache no longer holds the person
    assert recorder.state(target).personal is None
    # the erasure is in the audit trail
    (audit,) = audit_trail(decoded(store))
    assert (audit.action, audit.by) == ("effacement", "cip-1")
    assert report.audit[0].payload.salarie == salarie
    assert sorted(report.notified) == ["agenda", "messagerie"]
    assert report.failed == ()
    # other people keep their identity
    others = [
        e
        for e in decoded(store)
        if isinstance(e.payload, PersonalDataRecorded) and e.stream != target
    ]
    assert others
    assert all(e.payload.data is not None for e in others)
    # forgetting again changes nothing but the audit trail
    again = forget(recorder, salarie, by="cip-1", at=AT)
    assert again.plan.empty


def test_forget_leaves_no_byte_of_the_person_in_the_sqlite_file(tmp_path: Path) -> None:
    from seve_sqlite import SqliteStore

    path = tmp_path / "seve.db"
    store = SqliteStore(path)
    # erased bytes are overwritten, whatever the SQLite build's default
    assert store._connection().execute("PRAGMA secure_delete").fetchone() == (1,)

    def dump() -> bytes:
        store._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        files = [path, path.with_name("seve.db-wal"), path.with_name("seve.db-shm")]
        return b"".join(f.read_bytes() for f in files if f.exists())

    try:
        _erase_and_check(store, dump)
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    testing = pytest.importorskip("seve_postgres.testing")
    with testing.throwaway_cluster() as url:
        yield url


def test_forget_leaves_no_byte_of_the_person_in_any_postgresql_table(postgres_url: str) -> None:
    import psycopg

    from seve.hooks import Plugins

    store = Plugins().open_store(postgres_url)

    def dump() -> bytes:
        with psycopg.connect(postgres_url) as db:
            tables = db.execute(
                "SELECT schemaname, tablename FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchall()
            assert tables
            out = []
            for schema, table in tables:
                rows = db.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
                for row in rows:
                    for value in row:
                        out.append(value if isinstance(value, bytes) else str(value).encode())
            return b"\n".join(out)

    try:
        _erase_and_check(store, dump)
    finally:
        store.close()


def test_forgetting_an_unknown_person_is_a_typed_error_and_writes_nothing() -> None:
    store = MemoryStore()
    log, _salarie, target = world()
    recorder = record(store, log, plugins(target)[0])
    before = [(s.id, s.data) for s in store.read_log()], store.outbox()
    with pytest.raises(PrivacyError) as refused:
        forget(recorder, SalarieId("s-inconnu"), by="cip-1", at=AT)
    assert refused.value.codes == ["effacement.personne_inconnue"]
    assert "aucun parcours" in str(refused.value)
    assert ([(s.id, s.data) for s in store.read_log()], store.outbox()) == before


def test_a_bad_author_is_refused_before_anything_is_erased() -> None:
    store = MemoryStore()
    log, salarie, target = world()
    recorder = record(store, log, plugins(target)[0])
    before = [(s.id, s.data) for s in store.read_log()]
    with pytest.raises(PrivacyError) as refused:
        forget(recorder, salarie, by="pas un identifiant !", at=AT)
    assert refused.value.codes == ["format.identifiant"]
    assert [(s.id, s.data) for s in store.read_log()] == before


# -- the invariant, on any valid parcours --------------------------------------------------------

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèïôç", min_size=3, max_size=12)


@given(parcours_events(), names, names, st.from_regex(r"0[67]( ?[0-9]{2}){4}", fullmatch=True))
def test_erasure_keeps_every_anonymous_fact_and_no_personal_text(
    events: list[Any], first: str, last: str, phone: str
) -> None:
    """Whatever the parcours: after erasing all its parts, every event keeps its type,
    dates and anonymous facts (what a funder sees), no personal text is left, the
    identity is nowhere, and the stream still folds with every rule."""
    data = PersonalData(first_name=first.title(), last_name=last.upper(), phone=phone)
    first_event = events[0]
    personal = attrs.evolve(
        first_event, id=EventId("perso-1"), payload=PersonalDataRecorded(data=data)
    )
    note = attrs.evolve(
        first_event,
        id=EventId("note-1"),
        payload=BilanRecorded(
            bilan=Bilan(
                id=BilanId("b-qx"),
                kind=BilanKind.ENTREE,
                date=first_event.day,
                notes=f"appelé au {phone}",
                synthesis=f"{first.title()} progresse",
            )
        ),
    )
    events = [first_event, personal, note, *events[1:]]
    store = MemoryStore()
    store.append(
        events[0].stream,
        0,
        [NewEvent(id=e.id, type=e.type, data=encode_event(e)) for e in events],
    )
    identity = identity_of(store.read_stream(events[0].stream))
    plan = plan_erasure(
        store.read_log(),
        store.outbox(),
        parts={events[0].stream: PARCOURS_PARTS},
        identities={events[0].stream: identity},
    )
    store.erase(events=plan.events, outbox=plan.outbox)
    after = [decode_event(s.data) for s in store.read_stream(events[0].stream)]
    assert [(e.id, e.type, e.occurred_at) for e in after] == [
        (e.id, e.type, e.occurred_at) for e in events
    ]

    def funder(event: Any) -> Any:
        if isinstance(event.payload, PersonalDataRecorded):
            return None  # identity: erased, and never a funder's to see
        return _project(event.payload, Audience.FUNDER, lambda s: s)

    assert [funder(e) for e in after] == [funder(e) for e in events]
    assert after[1].payload == PersonalDataRecorded(data=None)
    for event in after:
        for leaf in text_leaves(event.payload):
            if personal_text(leaf.owner, leaf.field):
                assert leaf.text == ERASED, leaf
    blob = b"".join(s.data for s in store.read_log())
    assert last.upper().encode() not in blob
    assert phone.encode() not in blob
    replay(after)
