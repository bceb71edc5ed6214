"""Meta-tests: the documentation keeps up with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import seve

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(
    r"""(?:code=|refuse\(\s*|FieldError\(\s*|_envelope\(\s*)"([a-z_]+\.[a-z_0-9]+)\""""
)


def _codes_in_source() -> set[str]:
    return {
        code
        for path in (ROOT / "src" / "seve").rglob("*.py")
        for code in CODE.findall(path.read_text(encoding="utf-8"))
    }


def test_the_scan_finds_the_codes() -> None:
    codes = _codes_in_source()
    assert {"cddi.duree_min", "evenement.ordre", "siret.invalide", "format.champ_inconnu"} <= codes


def test_every_problem_code_is_documented() -> None:
    documented = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = sorted(code for code in _codes_in_source() if f"`{code}`" not in documented)
    assert not missing, f"codes missing from docs/rules.md: {missing}"


def test_every_event_type_is_documented() -> None:
    documented = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    missing = sorted(tag for tag in seve.payload_types() if tag not in documented)
    assert not missing, f"event types missing from docs/model.md: {missing}"


def test_the_readme_gives_exactly_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m pip install . && python3 -m seve demo" in readme
    assert "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_example_runs_and_prints_what_it_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    promised = " ".join(
        line.removeprefix("# ") for line in example.splitlines() if line.startswith("# ")
    )
    assert " ".join(printed.split()) == promised
