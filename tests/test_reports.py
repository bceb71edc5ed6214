"""Reports: JSON, CSV, text, standalone HTML; what a funder receives; ``seve indicators``."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from seve.audience import Audience, PrivacyError, pseudonym
from seve.cli import main
from seve.hooks import Plugins, hookimpl
from seve.indicators import ReportingPeriod, compare, dialogue_de_gestion, reports
from seve.model import Event
from seve.reports import (
    CSV_COLUMNS,
    for_audience,
    pack_csv,
    pack_for_audience,
    pack_text,
    report_csv,
    report_html,
    report_json,
    report_text,
)
from seve.reports._progress import Progress
from seve.serialization import dump_events
from seve.storage import MemoryStore

sys.path.insert(0, str(Path(__file__).parent))  # indicator_logs.py: see builders.py
from indicator_logs import synthetic

SECRET = b"0123456789abcdef-secret"
YEARS = [ReportingPeriod.year(2022), ReportingPeriod.year(2023)]


def _reports() -> tuple[Any, Any]:
    r22, r23 = reports(synthetic(5), YEARS)
    return r22, r23


def test_json_has_every_figure_with_its_provenance() -> None:
    r22, r23 = _reports()
    data = json.loads(report_json(r23))
    assert data["period"] == {"label": "2023", "start": "2023-01-01", "end": "2023-12-31"}
    figures = {f["code"]: f for f in data["figures"]}
    assert figures["taux_sortie_dynamique"]["kind"] == "rate"
    assert figures["sorties"]["value"] == len(figures["sorties"]["evidence"])
    assert figures["sorties"]["evidence"][0]["subject"].startswith("parcours:")
    both = json.loads(report_json([r22, r23], comparison=compare(r22, r23)))
    assert len(both["reports"]) == 2
    assert any(line.startswith("PMSMP : ") for line in both["comparison"])


def test_csv_is_one_long_table_keyed_by_code_and_modality() -> None:
    _r22, r23 = _reports()
    rows = list(csv.DictReader(io.StringIO(report_csv(r23)), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    keys = {(r["code"], r["modalite"]) for r in rows}
    assert ("sorties", "emploi_durable") in keys
    assert ("taux_emploi_durable", "") in keys
    dynamic = next(r for r in rows if r["code"] == "taux_sortie_dynamique")
    assert int(dynamic["numerateur"]) <= int(dynamic["denominateur"])


def test_text_table_in_french() -> None:
    _r22, r23 = _reports()
    text = report_text(r23)
    assert text.startswith("Indicateurs 2023 (toutes les structures)")
    assert "Dialogue de gestion (indicateurs officiels)" in text
    assert re.search(r"Taux de sortie dynamique +\d+,\d % \(\d+/\d+\)", text)


def test_html_is_standalone_with_inline_svg_charts() -> None:
    r22, r23 = _reports()
    html = report_html([r22, r23], comparison=compare(r22, r23))
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") >= 4
    # nothing fetched: no script, no stylesheet or image from elsewhere
    assert "<script" not in html
    assert not re.search(r'(src|href)="?(https?:)?//', html)
    assert "Évolution" in html
    assert "PMSMP : " in html


def test_a_funder_receives_pseudonyms_masked_small_counts_and_no_event_ids() -> None:
    _r22, r23 = _reports()
    funded = for_audience(r23, Audience.FUNDER, secret=SECRET)
    text = report_json(funded)
    assert "parcours:" not in text
    sorties = funded.figure("sorties")
    assert sorties.evidence[0].subject.startswith("ps-")
    assert all(not e.events for f in funded.figures for e in f.evidence)
    expected = pseudonym(r23.figure("sorties").evidence[0].subject, secret=SECRET)
    assert expected in {e.subject for e in sorties.evidence}
    masked = [p for f in funded.figures for p in (f, *f.parts) if p.masked is not None]
    assert masked
    assert all(p.value is None and not p.evidence for p in masked)
    assert "< 5" in report_text(funded)
    with pytest.raises(PrivacyError):
        for_audience(r23, Audience.FUNDER)
    # staff see everything, unchanged
    assert for_audience(r23, Audience.STAFF) == r23


def test_the_pack_for_a_funder_has_no_names_and_no_freins() -> None:
    log = synthetic(5)
    pack = dialogue_de_gestion(log, 2023)
    funded = pack_for_audience(pack, Audience.FUNDER, secret=SECRET)
    out = pack_csv(funded) + pack_text(funded)
    names = {
        n
        for e in log
        if e.type == "personal_data_recorded" and e.payload.data is not None
        for n in (e.payload.data.first_name, e.payload.data.last_name)
    }
    assert names
    assert not any(re.search(rf"\b{re.escape(n)}\b", out) for n in names)
    for word in ("frein", "Logement", "Santé", "Justice", "Addictions"):
        assert word not in out
    rows = list(csv.DictReader(io.StringIO(pack_csv(funded)), delimiter=";"))
    assert {r["section"] for r in rows} == {"indicateur", "repartition", "sortie"}
    assert all(r["code"].startswith("ps-") for r in rows if r["section"] == "sortie")
    assert any(r["code"] == "rqth.presents" for r in rows)


def _write(path: Path, events: tuple[Event[Any], ...]) -> Path:
    with path.open("wb") as fp:
        dump_events(events, fp)
    return path


def test_cli_on_a_json_lines_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = _write(tmp_path / "journal.jsonl", synthetic(5))
    assert main(["indicators", str(log), "--year", "2023", "--compare-year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "Indicateurs 2023" in out
    assert "Comparaison : 2022 -> 2023" in out
    assert re.search(r"^PMSMP : \d+ -> \d+", out, flags=re.MULTILINE)
    html = tmp_path / "rapport.html"
    assert main(["indicators", str(log), "--quarter", "2023T2", "--format", "html",
                 "--output", str(html)]) == 0  # fmt: skip
    assert "2e trimestre 2023" in html.read_text(encoding="utf-8")
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET)
    assert main(["indicators", str(log), "--year", "2023", "--pack", "--format", "csv",
                 "--audience", "funder", "--secret-file", str(secret)]) == 0  # fmt: skip
    assert "parcours:" not in capsys.readouterr().out
    assert main(["indicators", str(log), "--pack"]) == 2
    assert main(["indicators", str(log), "--audience", "funder"]) == 2
    assert main(["indicators", str(tmp_path / "absent.jsonl")]) == 2


def test_a_progress_line_redraws_a_few_times_a_second() -> None:
    now = [0.0]
    out = io.StringIO()
    size = 1000
    position = [0]
    shown = Progress(out, total=size, position=lambda: position[0], clock=lambda: now[0])
    for t, count, at in ((0.1, 2_000, 100), (0.3, 6_000, 300), (0.4, 8_000, 400),
                         (0.6, 12_000, 600)):  # fmt: skip
        now[0], position[0] = t, at
        shown(count)
    now[0] = 0.8
    shown.done(15_000)
    text = out.getvalue()
    lines = text.split("\r")[1:]
    assert len(lines) == 3  # 0.3 s and 0.6 s (0.1 and 0.4 too soon), then the last one
    assert lines[0].startswith("Lecture du journal : [######..............]  30 %  6 000 ")
    assert "6 000 événements lus (20 000 par seconde)" in lines[0]
    assert lines[1].startswith("Lecture du journal : [############........]  60 %  12 000 ")
    last = lines[2]
    assert last.endswith("\n")
    assert last.rstrip() == (
        "Lecture du journal : [####################] 100 %  15 000 événements lus en 0,8 s"
    )
    assert len(last) - 1 >= len(lines[1])  # it covers what the longer line left
    counted = io.StringIO()
    store = Progress(counted, label="Lecture du stockage", clock=lambda: now[0])
    now[0] = 1.2
    store(4_000)
    assert counted.getvalue() == "\rLecture du stockage : 4 000 événements lus (10 000 par seconde)"


def test_cli_progress_only_when_asked_or_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _write(tmp_path / "journal.jsonl", synthetic(5))
    assert main(["indicators", str(log), "--year", "2023", "--progress"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("\rLecture du journal : [")
    last = err.split("\r")[-1]
    read = f"{len(synthetic(5)):,}".replace(",", " ")
    assert last.startswith(f"Lecture du journal : [####################] 100 %  {read} événements")
    assert re.fullmatch(r".* événements lus en \d+,\d s *\n", last)
    for quiet in ([], ["--no-progress"]):  # captured stderr is not a terminal
        assert main(["indicators", str(log), "--year", "2023", *quiet]) == 0
        assert capsys.readouterr().err == ""
    with pytest.raises(SystemExit):
        main(["indicators", str(log), "--progress", "--no-progress"])


def test_cli_from_a_store(capsys: pytest.CaptureFixture[str]) -> None:
    store = MemoryStore()

    class Memory:
        @hookimpl
        def seve_open_store(self, url: str) -> Any:
            return store if url == "memory:test" else None

    from seve.app import Recorder

    recorder = Recorder(store)
    for event in synthetic(5):
        recorder.record(event)
    plugins = Plugins(entry_points=False)
    plugins.register(Memory(), "memory")
    from seve.reports import _cli

    events = list(_cli._events_from_store(plugins.open_store("memory:test")))
    assert len(events) == len(synthetic(5))
    assert reports(events, YEARS) == reports(synthetic(5), YEARS)


def test_seve_indicators_on_the_demo_store(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    run = [sys.executable, "-m", "seve"]
    subprocess.run([*run, "demo", "--db", str(db)], check=True, capture_output=True, cwd=tmp_path)
    result = subprocess.run(
        [*run, "indicators", f"sqlite:{db}", "--year", "2025", "--format", "text"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Taux de sortie dynamique" in result.stdout
    assert "PMSMP" in result.stdout


def test_the_indicators_benchmark_runs_tiny() -> None:
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_indicators.py"
    result = subprocess.run(
        [sys.executable, str(script), "--events", "3000", "--rounds", "1", "--output", "-"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "parcours : décodage" in result.stdout
