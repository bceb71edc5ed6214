"""Retention: durations per category of data, per structure, the dry run, the run
(all or nothing, recorded), and ``seve retention``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seve.cli import main
from seve.indicators import compute
from seve.model import PersonalDataRecorded, SortieRecorded
from seve.privacy import (
    DEFAULT_RETENTION,
    Duration,
    PrivacyError,
    RetentionCategory,
    RetentionPolicy,
    apply_retention,
    audit_trail,
    parcours_facts,
)
from seve.storage import MemoryStore, OutboxStatus, Store

sys.path.insert(0, str(Path(__file__).parent))
from test_privacy_world import (
    INDICATORS,
    SECRETS,
    decoded,
    operational,
    plugins,
    record,
    sqlite_world,
    world,
)

AT = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
LATER = dt.date(2027, 1, 4)  # every sortie of the world is more than 24 months before


def _snapshot(store: Store) -> tuple[Any, ...]:
    return [(s.id, s.data) for s in store.read_log()], store.outbox()


# -- durations and policies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24 mois", Duration(months=24)),
        ("2 ans", Duration(months=24)),
        (" 1 an ", Duration(months=12)),
        ("90 jours", Duration(days=90)),
        ("1 jour", Duration(days=1)),
        ("6 semaines", Duration(days=42)),
        ("0 jour", Duration()),
    ],
)
def test_durations_are_written_in_french(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-3 mois", "retention.duree_negative"),
        ("11 ans", "retention.duree_absurde"),
        ("999999 jours", "retention.duree_absurde"),
        ("bientôt", "retention.duree_invalide"),
        ("24 months", "retention.duree_invalide"),
        ("", "retention.duree_invalide"),
    ],
)
def test_bad_durations_are_typed_french_errors(text: str, code: str) -> None:
    with pytest.raises(PrivacyError) as refused:
        Duration.parse(text, "retention", "freins")
    assert refused.value.codes == [code]
    assert refused.value.problems[0].path == ("retention", "freins")


@given(st.integers(min_value=0, max_value=120))
def test_every_month_count_up_to_ten_years_is_a_duration(months: int) -> None:
    assert Duration.parse(f"{months} mois") == Duration(months=months)


@given(st.integers(min_value=-10_000, max_value=-1), st.sampled_from(["months", "days"]))
def test_a_negative_duration_is_never_accepted(value: int, unit: str) -> None:
    with pytest.raises(PrivacyError) as refused:
        RetentionPolicy(durations={RetentionCategory.FREINS: Duration(**{unit: value})})
    assert refused.value.codes == ["retention.duree_negative"]


def test_the_defaults_and_the_overrides_of_a_structure() -> None:
    policy = RetentionPolicy.from_toml(
        """
        [retention]
        messages = "1 mois"

        [retention.structures.aci-val]
        freins = "12 mois"
        """
    )
    assert policy.duration(RetentionCategory.MESSAGES) == Duration(months=1)
    assert policy.duration(RetentionCategory.FREINS) == DEFAULT_RETENTION[RetentionCategory.FREINS]
    assert policy.duration(RetentionCategory.FREINS, "aci-val") == Duration(months=12)
    assert policy.duration(RetentionCategory.MESSAGES, "aci-val") == Duration(months=1)
    assert policy.duration(RetentionCategory.CONTACT, "autre") == Duration(months=24)


@pytest.mark.parametrize(
    ("toml", "code"),
    [
        ("[retention]\nphotos = '1 an'", "retention.categorie_inconnue"),
        ("[retention]\nfreins = '-1 an'", "retention.duree_negative"),
        ("[retention.structures.x]\ncontact = '50 ans'", "retention.duree_absurde"),
        ("[retention\n", "retention.config_invalide"),
        ("[retention]\nstructures = 3", "retention.config_invalide"),
    ],
)
def test_bad_configurations_are_refused(toml: str, code: str) -> None:
    with pytest.raises(PrivacyError) as refused:
        RetentionPolicy.from_toml(toml)
    assert refused.value.codes == [code]


# -- the run -----------------------------------------------------------------------------------


@pytest.fixture
def recorded() -> Any:
    store = MemoryStore()
    log, _salarie, target = world()
    registry, calendar, _messenger = plugins(target)
    return record(store, log, registry), target, calendar


def test_the_clock_starts_at_the_sortie_or_the_last_contact(recorded: Any) -> None:
    recorder, target, _calendar = recorded
    facts = parcours_facts(recorder.store.read_log())
    fact = facts[target]
    assert fact.sortie is not None
    assert fact.last > fact.sortie  # suivi contacts came after the sortie
    assert fact.clock_start == fact.last
    assert any(f.sortie is None and f.clock_start is None for f in facts.values())


def test_a_dry_run_lists_and_writes_nothing(recorded: Any) -> None:
    recorder, target, _calendar = recorded
    before = _snapshot(recorder.store)
    report = apply_retention(
        recorder, RetentionPolicy(), day=LATER, by="cip-1", at=AT, dry_run=True
    )
    assert not report.applied
    assert target in report.plan.expired[RetentionCategory.CONTACT]["siae-aci-yj9xfvp3"]
    assert report.plan.count(RetentionCategory.MESSAGES) > 0
    assert _snapshot(recorder.store) == before


def test_nothing_expires_the_day_after_the_sortie(recorded: Any) -> None:
    recorder, _target, _calendar = recorded
    first = min(
        e.payload.sortie.date
        for e in decoded(recorder.store)
        if isinstance(e.payload, SortieRecorded)
    )
    report = apply_retention(
        recorder,
        RetentionPolicy(),
        day=first + dt.timedelta(days=1),
        by="cip-1",
        at=AT,
        dry_run=True,
    )
    assert all(
        report.plan.count(c) == 0 for c in (RetentionCategory.CONTACT, RetentionCategory.FREINS)
    )


def test_the_run_erases_what_expired_keeps_the_rest_and_is_recorded(recorded: Any) -> None:
    recorder, target, calendar = recorded
    store = recorder.store
    before = compute(INDICATORS, decoded(store))
    facts = parcours_facts(store.read_log())
    assert any(e.status is OutboxStatus.DONE for e in store.outbox())
    report = apply_retention(recorder, RetentionPolicy(), day=LATER, by="dpo-1", at=AT)
    assert report.applied
    blob = b"".join(s.data for s in store.read_log()) + b"".join(e.data for e in store.outbox())
    assert not [s for s in SECRETS if s.encode() in blob]
    personal = {
        e.stream: e.payload.data
        for e in decoded(store)
        if isinstance(e.payload, PersonalDataRecorded)
    }
    for stream, fact in facts.items():
        assert (personal[stream] is None) is (fact.sortie is not None), stream
    # settled messages and calendar entries are gone, pending ones stay
    assert not [e for e in store.outbox() if e.status is not OutboxStatus.PENDING]
    assert compute(INDICATORS, operational(decoded(store))) == before
    (audit,) = audit_trail(decoded(store))
    assert (audit.action, audit.by) == ("conservation", "dpo-1")
    (event,) = report.audit
    lines = {line.category: line for line in event.payload.lines}
    assert lines[RetentionCategory.CONTACT].items == sum(
        f.sortie is not None for f in facts.values()
    )
    assert lines[RetentionCategory.CONTACT].months == 24
    assert calendar.erasures[0].reason == "conservation"
    assert target in calendar.erasures[0].streams
    # a second run finds nothing left, and is recorded too
    again = apply_retention(recorder, RetentionPolicy(), day=LATER, by="dpo-1", at=AT)
    assert again.plan.empty
    assert len(audit_trail(decoded(store))) == 2


def test_a_structure_may_keep_freins_for_less_time(recorded: Any) -> None:
    recorder, target, _calendar = recorded
    facts = parcours_facts(recorder.store.read_log())
    day = facts[target].clock_start + dt.timedelta(days=40)
    siae = facts[target].siae
    default = apply_retention(recorder, RetentionPolicy(), day=day, by="c", at=AT, dry_run=True)
    assert default.plan.count(RetentionCategory.FREINS) == 0
    policy = RetentionPolicy.from_toml(f'[retention.structures.{siae}]\nfreins = "1 mois"')
    short = apply_retention(recorder, policy, day=day, by="c", at=AT, dry_run=True)
    assert target in short.plan.expired[RetentionCategory.FREINS][siae]
    assert short.plan.count(RetentionCategory.CONTACT) == 0


class BrokenStore(MemoryStore):
    def erase(self, **kwargs: Any) -> None:
        raise OSError("disque plein")


def test_a_failed_erasure_writes_nothing_not_even_the_audit() -> None:
    store = BrokenStore()
    log, _salarie, target = world()
    recorder = record(store, log, plugins(target)[0])
    before = _snapshot(store)
    with pytest.raises(OSError, match="disque plein"):
        apply_retention(recorder, RetentionPolicy(), day=LATER, by="c", at=AT)
    assert _snapshot(store) == before


def test_a_store_without_a_structure_cannot_record_the_run_so_nothing_is_erased() -> None:
    store = MemoryStore()
    log, _salarie, target = world()
    recorder = record(
        store, [e for e in log if not e.stream.startswith("siae:")], plugins(target)[0]
    )
    before = _snapshot(store)
    with pytest.raises(PrivacyError) as refused:
        apply_retention(recorder, RetentionPolicy(), day=LATER, by="c", at=AT)
    assert refused.value.codes == ["audit.structure_inconnue"]
    assert _snapshot(store) == before


# -- the command --------------------------------------------------------------------------------


def test_seve_retention_dry_run_then_apply_then_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _log, _salarie, target = sqlite_world(tmp_path, monkeypatch)
    config = tmp_path / "conservation.toml"
    config.write_text('[retention]\nmessages = "1 mois"\n', encoding="utf-8")

    assert (
        main(
            [
                "retention",
                "--store",
                url,
                "--dry-run",
                "--day",
                "2027-01-04",
                "--config",
                str(config),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Conservation au 04/01/2027" in out
    assert "- messages (messages envoyés (SMS, e-mails...)) : 1 mois après l'envoi" in out
    assert target in out
    assert "rien n'est écrit (--dry-run)" in out
    assert main(["audit", "--store", url]) == 0
    assert capsys.readouterr().out == ""

    assert main(["retention", "--store", url, "--day", "2027-01-04"]) == 2
    assert "--by" in capsys.readouterr().err
    assert main(["retention", "--store", url, "--day", "2027-01-04", "--by", "dpo-1"]) == 0
    assert "trace : 1 événement(s) retention_applied" in capsys.readouterr().out
    assert main(["audit", "--store", url]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "dpo-1" in line
    assert "conservation" in line
    assert "contact : " in line

    config.write_text('[retention]\nfreins = "-2 mois"\n', encoding="utf-8")
    assert main(["retention", "--store", url, "--dry-run", "--config", str(config)]) == 2
    assert "durée négative" in capsys.readouterr().err
