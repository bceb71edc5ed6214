"""The audience policy: the table in docs/audiences.md is the code's, and it is monotonic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seve.audience import POLICY, Audience, Naming, may_see, name_for, policy, visible_fields
from seve.model import PersonalData, Sensitivity, sensitivity_of

DOC = Path(__file__).parents[1] / "docs" / "audiences.md"
_YES_NO = {"yes": True, "no": False}
_NAMING = {"full name": Naming.FULL_NAME, "first name": Naming.FIRST_NAME,
           "pseudonym": Naming.PSEUDONYM}  # fmt: skip


def _documented() -> dict[Audience, tuple[str, ...]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)`", line)
        if match:
            cells = tuple(cell.strip() for cell in line.strip("|").split("|"))
            rows[Audience.from_code(match.group(1))] = cells[1:]
    return rows


def test_every_audience_has_one_row() -> None:
    assert set(POLICY) == set(Audience)
    assert all(row.audience is audience for audience, row in POLICY.items())


def test_the_documented_table_is_the_policy() -> None:
    documented = _documented()
    assert set(documented) == set(Audience)
    for audience, (level, naming, contact, prescripteur, freins, notes) in documented.items():
        row = policy(audience)
        assert row.sensitivity is Sensitivity.from_code(level)
        assert row.naming is _NAMING[naming]
        assert (row.person_contact, row.prescripteur, row.freins, row.private_notes) == (
            _YES_NO[contact], _YES_NO[prescripteur], _YES_NO[freins], _YES_NO[notes],
        )  # fmt: skip


def test_only_staff_sees_sensitive_data_or_freins() -> None:
    for audience, row in POLICY.items():
        staff = audience is Audience.STAFF
        assert may_see(audience, Sensitivity.SENSITIVE) is staff
        assert row.freins is staff
        assert row.private_notes is staff


@given(st.sampled_from(Audience), st.sampled_from(Sensitivity), st.sampled_from(Sensitivity))
def test_may_see_is_monotonic(audience: Audience, lower: Sensitivity, higher: Sensitivity) -> None:
    if lower.rank <= higher.rank and may_see(audience, higher):
        assert may_see(audience, lower)


@pytest.mark.parametrize("audience", list(Audience))
def test_visible_fields_never_exceed_the_audience(audience: Audience) -> None:
    leila = PersonalData(first_name="Leïla", last_name="Benali", email="l@example.org")
    for name in visible_fields(leila, audience):
        assert may_see(audience, sensitivity_of(PersonalData, name))
    if audience is Audience.STAFF:
        assert visible_fields(leila, audience)["email"] == "l@example.org"


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (Audience.STAFF, "Leïla Benali"),
        (Audience.SALARIE, "Leïla"),
        (Audience.EMPLOYER, "Leïla"),
        (Audience.PRESCRIPTEUR, "Leïla Benali"),
        (Audience.FUNDER, "s-7"),
    ],
)
def test_name_for(audience: Audience, expected: str) -> None:
    leila = PersonalData(first_name="Leïla", last_name="Benali")
    assert name_for(leila, audience, pseudonym="s-7") == expected
    assert name_for(None, audience, pseudonym="s-7") == "s-7"
