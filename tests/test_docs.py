"""Meta-tests: the documentation keeps up with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import seve

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(
    r"""(?:code=|refuse\(\s*|refuse_duplicate\([^"]*|FieldError\(\s*|_envelope\(\s*)"([a-z_]+\.[a-z_0-9]+)\""""
)


def _codes_in_source() -> set[str]:
    return {
        code
        for path in (ROOT / "src" / "seve").rglob("*.py")
        for code in CODE.findall(path.read_text(encoding="utf-8"))
    }


def test_the_scan_finds_the_codes() -> None:
    codes = _codes_in_source()
    assert {
        "cddi.duree_min",
        "evenement.ordre",
        "siret.invalide",
        "format.champ_inconnu",
        "offre.doublon",
    } <= codes


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
    assert (
        "python3 -m pip install . ./plugins/seve-sqlite ./plugins/seve-ics ./plugins/seve-smtp"
        " && python3 -m seve demo"
    ) in readme
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


def _signature(hook: object) -> str:
    """``def name(arg: type, ...) -> type``, as the hookspec module spells it."""
    annotations = dict(hook.__annotations__)  # type: ignore[attr-defined]
    returns = annotations.pop("return")
    args = ", ".join(f"{name}: {kind}" for name, kind in annotations.items())
    return f"def {hook.__name__}({args}) -> {returns}"  # type: ignore[attr-defined]


def test_every_hook_is_documented_with_its_exact_signature() -> None:
    from seve.hooks import specs

    documented = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    hooks = [getattr(specs, name) for name in specs.__all__]
    assert len(hooks) >= 9
    missing = [_signature(h) for h in hooks if f"\n{_signature(h)}\n" not in documented]
    assert not missing, f"hooks missing from docs/plugins.md: {missing}"
