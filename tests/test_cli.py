"""The ``seve`` command, run as users run it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import seve
from seve.cli import main
from seve.serialization import dump_events
from seve.testing.synthetic import Scenario, generate


def _write_log(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def valid_log(tmp_path: Path) -> Path:
    import datetime as dt

    path = tmp_path / "log.jsonl"
    with path.open("wb") as fp:
        dump_events(generate(Scenario(seed=3, start=dt.date(2025, 1, 1), parcours=5)), fp)
    return path


def test_validate_accepts_a_valid_log(valid_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(valid_log)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "0 problème(s)" in err


def test_validate_reports_every_problem_with_its_line(
    valid_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = valid_log.read_text(encoding="utf-8").splitlines()
    broken: dict[str, Any] = json.loads(lines[1])
    broken["recorded_by"] = 42
    bad = _write_log(tmp_path / "bad.jsonl", [lines[0], json.dumps(broken), "{oops", *lines[1:]])
    assert main(["validate", str(bad)]) == 1
    out, _ = capsys.readouterr()
    report = out.splitlines()
    assert report[0].startswith("ligne 2, recorded_by: attendu un texte, reçu 42 [format.type]")
    assert report[1].startswith("ligne 3: JSON invalide")
    assert "Traceback" not in out


def test_validate_reports_domain_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = {
        "format": 1,
        "type": "frein_lifted",
        "id": "e-1",
        "stream": "parcours:p-1",
        "occurred_at": "2025-03-01T09:00:00+01:00",
        "recorded_at": "2025-03-01T09:00:00+01:00",
        "recorded_by": "s-1",
        "payload": {"frein": "f-1"},
    }
    path = _write_log(tmp_path / "log.jsonl", [json.dumps(line)])
    assert main(["validate", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith("ligne 1, type: le parcours doit commencer par")
    assert "[evenement.premier]" in out


def test_validate_a_missing_file_says_so_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "seve", "validate", str(tmp_path / "absent.jsonl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "impossible de lire" in result.stderr
    assert "Traceback" not in result.stderr


def _documented_demo() -> str:
    """The output of ``seve demo`` shown in docs/cli.md (run in ``/home/anne/seve``)."""
    text = (Path(__file__).parents[1] / "docs" / "cli.md").read_text("utf-8")
    command = text.index("&& python3 -m seve demo\n")
    start = text.index("\n", command) + 1
    return text[start : text.index("```", start)]


def test_demo_records_its_year_in_sqlite_and_prints_a_french_summary(tmp_path: Path) -> None:
    def demo(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "seve", "demo", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)

    result = demo()
    assert result.returncode == 0, result.stderr
    assert "Taux de sortie dynamique : " in result.stdout
    db = tmp_path / "seve-demo.db"
    assert result.stdout.splitlines()[-1] == f"Journal enregistré dans {db} (SQLite)"
    with sqlite3.connect(db) as connection:
        (tables,) = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert tables > 0
    assert demo().stdout == result.stdout  # the default file is replaced, same figures
    assert result.stdout == _documented_demo().replace("/home/anne/seve", str(tmp_path))
    named = demo("--db", "mine.db")
    assert named.returncode == 0
    refused = demo("--db", "mine.db")
    assert refused.returncode == 2
    assert "--remplacer" in refused.stderr
    assert demo("--db", "mine.db", "--remplacer").returncode == 0


def test_plugins_lists_each_plugin_with_its_version_and_hooks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEVE_LOAD_PLUGINS", "")
    assert main(["plugins"]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines()[:4] == [
        f"seve.calendar {seve.__version__}",
        "  seve_plan_effects",
        f"seve.memory {seve.__version__}",
        "  seve_open_store",
    ]


def test_plugins_reports_a_broken_plugin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "seve_cassé-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: seve-casse\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[seve]\ncasse = seve_casse_absent\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("SEVE_LOAD_PLUGINS", "casse")
    assert main(["plugins"]) == 1
    assert "écarté : casse (load) : ModuleNotFoundError" in capsys.readouterr().out
    assert main(["plugins", "--strict"]) == 2
    assert "seve : plugin casse : ModuleNotFoundError" in capsys.readouterr().err
