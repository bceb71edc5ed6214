"""The audience policy: the table in docs/audiences.md is the code's, and it is monotonic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seve.audience import (
    POLICY,
    SMALL_COUNT_THRESHOLD,
    Audience,
    Masked,
    Naming,
    PrivacyError,
    counts_for,
    mask_small_counts,
    may_see,
    name_for,
    policy,
    pseudonym,
    visible_fields,
)
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
    for audience, cells in documented.items():
        level, naming, contact, prescripteur, freins, notes, masked = cells
        row = policy(audience)
        assert row.sensitivity is Sensitivity.from_code(level)
        assert row.naming is _NAMING[naming]
        assert (
            row.person_contact, row.prescripteur, row.freins, row.private_notes,
            row.small_counts_masked,
        ) == (
            _YES_NO[contact], _YES_NO[prescripteur], _YES_NO[freins], _YES_NO[notes],
            _YES_NO[masked],
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


def test_audiences_that_do_not_know_names_get_masked_counts() -> None:
    for row in POLICY.values():
        if row.naming is Naming.PSEUDONYM:
            assert row.small_counts_masked


# -- pseudonyms ------------------------------------------------------------------------------

SECRET = b"0123456789abcdef"


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_a_pseudonym_is_stable_and_distinct(a: str, b: str) -> None:
    assert pseudonym(a, secret=SECRET) == pseudonym(a, secret=SECRET)
    if a != b:
        assert pseudonym(a, secret=SECRET) != pseudonym(b, secret=SECRET)


@given(st.from_regex(r"s-[0-9a-f]{6}", fullmatch=True), st.binary(min_size=16, max_size=64))
def test_a_pseudonym_depends_on_the_secret_and_shows_nothing_of_the_id(
    salarie: str, secret: bytes
) -> None:
    made = pseudonym(salarie, secret=secret)
    assert made.startswith("ps-")
    assert len(made) == 19
    assert salarie[2:] not in made
    if secret != SECRET:
        assert made != pseudonym(salarie, secret=SECRET)


@pytest.mark.parametrize("secret", [b"", b"court", "une chaîne, pas des octets"])
def test_a_weak_secret_is_refused(secret: object) -> None:
    with pytest.raises(PrivacyError) as refused:
        pseudonym("s-1", secret=secret)  # type: ignore[arg-type]
    assert refused.value.codes == ["audience.secret_trop_court"]


# -- the secret statistique ---------------------------------------------------------------------

counts = st.dictionaries(st.text(max_size=5), st.integers(min_value=0, max_value=40), max_size=8)


@given(counts, st.integers(min_value=1, max_value=12))
def test_small_counts_are_masked_and_never_alone(table: dict[str, int], threshold: int) -> None:
    masked = mask_small_counts(table, threshold=threshold)
    assert masked.keys() == table.keys()
    hidden = [k for k, v in masked.items() if isinstance(v, Masked)]
    for key, count in table.items():
        if 0 < count < threshold:
            assert key in hidden
        if count == 0:
            assert masked[key] == 0
        if key not in hidden:
            assert masked[key] == count
    others = [k for k, v in table.items() if v > 0 and k not in hidden]
    if len(hidden) == 1:
        assert not others  # a lone masked cell would be given away by a total


@given(counts)
def test_counts_are_masked_for_the_audiences_the_policy_says(table: dict[str, int]) -> None:
    for audience, row in POLICY.items():
        shown = counts_for(audience, table)
        if row.small_counts_masked:
            assert shown == mask_small_counts(table, threshold=SMALL_COUNT_THRESHOLD)
        else:
            assert shown == table


@pytest.mark.parametrize("threshold", [0, -1, 2.5, True])
def test_a_bad_threshold_is_refused(threshold: object) -> None:
    for audience in (Audience.STAFF, Audience.FUNDER):
        with pytest.raises(PrivacyError) as refused:
            counts_for(audience, {"a": 1}, threshold=threshold)  # type: ignore[arg-type]
        assert refused.value.codes == ["audience.seuil_invalide"]
