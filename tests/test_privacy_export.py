"""Exports through the audience policy: a funder gets pseudonyms, no identity, no
freins, no private notes, and masked small counts; every export is audited."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seve.audience import Audience, Masked, may_see, pseudonym
from seve.cli import main
from seve.model import (
    BilanRecorded,
    CompanyEventHeld,
    Embauche,
    FlashInfoHeld,
    FreinIdentified,
    JobProjectDefined,
    MiseEnRelationOutcomeRecorded,
    ObjectiveDefined,
    PersonalDataRecorded,
    PmsmpDrafted,
    PmsmpEnded,
    RecommendationWritten,
    SuccessStoryWritten,
    SuiviContactRecorded,
    sensitivity_of,
)
from seve.privacy import PrivacyError, audit_trail, export, export_store
from seve.privacy._export import _project
from seve.storage import MemoryStore
from seve.testing.strategies import from_model

sys.path.insert(0, str(Path(__file__).parent))
from test_privacy_world import (
    MARKERS,
    SECRETS,
    decoded,
    plugins,
    record,
    sqlite_world,
    world,
)

SECRET = b"secret de l'ACI, 32 octets tout"
AT = dt.datetime(2025, 6, 2, 10, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def log() -> tuple[list[Any], str, str]:
    events, salarie, _target = world()
    siae = next(e.payload.siae for e in events if isinstance(e.payload, Embauche))
    return events, salarie, siae


def test_a_funder_export_names_no_one_and_shows_no_frein_nor_note(log: Any) -> None:
    events, salarie, siae = log
    result = export(events, Audience.FUNDER, siae=siae, secret=SECRET)
    lines = result.lines()
    assert not [s for s in SECRETS if s.encode() in lines]
    ids = {e.payload.salarie for e in events if isinstance(e.payload, Embauche)}
    streams = {e.stream.partition(":")[2] for e in events if e.stream.startswith("parcours:")}
    assert not [i for i in ids | streams if i.encode() in lines]
    types = {record["type"] for record in result.records}
    assert not types & {"personal_data_recorded", "frein_identified", "frein_lifted"}
    assert pseudonym(salarie, secret=SECRET) in lines.decode()
    assert result.pseudonymised
    assert result.threshold == 5
    # a bilan keeps its kind and date, not its notes nor its synthesis
    bilans = [r["payload"]["bilan"] for r in result.records if r["type"] == "bilan_recorded"]
    assert bilans
    assert all(set(b) == {"id", "kind", "date"} for b in bilans)


def test_pseudonyms_are_stable_across_exports_and_change_with_the_secret(log: Any) -> None:
    events, _salarie, siae = log
    one = export(events, Audience.FUNDER, siae=siae, secret=SECRET).lines()
    assert export(events, Audience.FUNDER, siae=siae, secret=SECRET).lines() == one
    other = export(
        events, Audience.FUNDER, siae=siae, secret=b"un autre secret, assez long"
    ).lines()
    assert other != one


def test_small_counts_are_masked_for_a_funder_not_for_the_staff(log: Any) -> None:
    events, _salarie, siae = log
    funder = export(events, Audience.FUNDER, siae=siae, secret=SECRET)
    staff = export(events, Audience.STAFF, siae=siae)
    ages = staff.tables["embauches_par_tranche_age"]
    assert any(0 < count < 5 for count in ages.values())  # type: ignore[operator]
    masked = funder.tables["embauches_par_tranche_age"]
    assert any(isinstance(v, Masked) for v in masked.values())
    table = json.loads(funder.lines().splitlines()[-1])
    assert table["threshold"] == 5
    assert None in table["counts"].values()
    assert staff.threshold is None


def test_the_staff_export_keeps_names_and_notes(log: Any) -> None:
    events, _salarie, siae = log
    lines = export(events, Audience.STAFF, siae=siae).lines().decode()
    assert "Quastrowska" in lines
    assert all(marker in lines for marker in MARKERS)


def test_a_pseudonymised_export_needs_the_secret(log: Any) -> None:
    events, _salarie, siae = log
    with pytest.raises(PrivacyError) as refused:
        export(events, Audience.FUNDER, siae=siae)
    assert refused.value.codes == ["export.secret_manquant"]
    with pytest.raises(PrivacyError) as weak:
        export(events, Audience.FUNDER, siae=siae, secret=b"court")
    assert weak.value.codes == ["audience.secret_trop_court"]


def _allowed(value: Any, projected: Any, audience: Audience) -> None:
    if attrs.has(type(value)):
        assert isinstance(projected, dict)
        for name, inner in projected.items():
            assert may_see(audience, sensitivity_of(type(value), name)), (type(value), name)
            _allowed(getattr(value, name), inner, audience)


#: Payloads with every kind of field: identity, freins, notes, shared text, ids of people.
SAMPLE = (
    Embauche,
    PersonalDataRecorded,
    FreinIdentified,
    ObjectiveDefined,
    BilanRecorded,
    SuiviContactRecorded,
    PmsmpDrafted,
    PmsmpEnded,
    RecommendationWritten,
    SuccessStoryWritten,
    MiseEnRelationOutcomeRecorded,
    FlashInfoHeld,
    CompanyEventHeld,
    JobProjectDefined,
)


@given(st.sampled_from(SAMPLE).flatmap(from_model), st.sampled_from(Audience))
def test_an_export_never_holds_a_field_its_audience_may_not_see(
    payload: Any, audience: Audience
) -> None:
    projected = _project(payload, audience, lambda s: "ps-x")
    _allowed(payload, projected, audience)
    json.dumps(projected)  # JSON-ready


def test_every_export_is_audited() -> None:
    store = MemoryStore()
    events, _salarie, target = world()
    recorder = record(store, events, plugins(target)[0])
    siae = next(e.payload.siae for e in events if isinstance(e.payload, Embauche))
    result = export_store(recorder, Audience.FUNDER, siae=siae, by="dir-1", at=AT, secret=SECRET)
    (audit,) = audit_trail(decoded(store))
    assert (audit.action, audit.by, audit.audience) == ("export", "dir-1", Audience.FUNDER)
    assert f"{len(result.records)} ligne(s)" in audit.detail
    assert "pseudonymisé" in audit.detail
    with pytest.raises(PrivacyError) as refused:
        export_store(recorder, Audience.FUNDER, siae="inconnue", by="dir-1", at=AT, secret=SECRET)
    assert refused.value.codes == ["audit.structure_inconnue"]


def test_seve_export_forget_and_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, events, salarie, _target = sqlite_world(tmp_path, monkeypatch)
    siae = next(e.payload.siae for e in events if isinstance(e.payload, Embauche))
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET + b"\n")
    out = tmp_path / "financeur.jsonl"
    common = ["--store", url, "--by", "dir-1"]
    assert (
        main(
            [
                "export",
                *common,
                "--siae",
                siae,
                "--audience",
                "funder",
                "--secret-file",
                str(secret),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "export pour financeur" in capsys.readouterr().err
    assert pseudonym(salarie, secret=SECRET).encode() in out.read_bytes()
    assert main(["export", *common, "--siae", siae, "--audience", "funder"]) == 2
    assert "export.secret_manquant" in capsys.readouterr().err

    assert main(["forget", *common, salarie]) == 0
    assert f"{salarie} : 1 parcours" in capsys.readouterr().out
    assert main(["forget", *common, "s-personne"]) == 2
    assert "[effacement.personne_inconnue]" in capsys.readouterr().err

    assert main(["audit", "--store", url, "--siae", siae]) == 0
    printed = capsys.readouterr()
    export_line, forget_line = printed.out.splitlines()
    assert "export  financeur" in export_line
    assert "effacement  —" in forget_line
    assert salarie in forget_line
    assert "2 opération(s) tracée(s)" in printed.err
    assert main(["audit", "--store", url, "--siae", "autre"]) == 0
    assert capsys.readouterr().out == ""
