"""Unit and property tests of the model: identifiers, SIRET, enums, validators,
sensitivity tags, the motif table and stream ids."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import seve.model as model
from seve.model import (
    PARIS,
    AgeBand,
    Company,
    Contract,
    ContractId,
    ContractKind,
    EducationLevel,
    Event,
    Frein,
    FreinLifted,
    FreinTheme,
    JoblessDuration,
    LabelledEnum,
    MonthlyHours,
    MotifTable,
    PassIae,
    PersonalData,
    Sensitivity,
    SituationAtEntry,
    SizeBand,
    SortieCategory,
    SortieMotif,
    StreamKind,
    default_motif_table,
    local_date,
    sensitivity_of,
    siret_problem,
    stream_id,
    stream_kind,
)
from seve.model._base import FieldError
from seve.testing.strategies import aware_datetimes, from_model, identifiers, sirets

LABELLED_ENUMS = sorted(
    (
        v
        for v in vars(model).values()
        if isinstance(v, type) and issubclass(v, LabelledEnum) and v is not LabelledEnum
    ),
    key=lambda cls: cls.__name__,
)
C1 = ContractId("c-1")
PARIS_NOON = dt.datetime(2025, 3, 1, 12, tzinfo=PARIS)


@contextlib.contextmanager
def raises_code(code: str) -> Iterator[None]:
    """Expect a validator's :class:`FieldError` with ``code``."""
    with pytest.raises(FieldError) as info:
        yield
    assert info.value.code == code


def event(**changes: Any) -> Event[FreinLifted]:
    fields: dict[str, Any] = {
        "id": "e-1",
        "stream": "parcours:p-1",
        "occurred_at": PARIS_NOON,
        "recorded_at": PARIS_NOON,
        "recorded_by": "s-1",
        "payload": FreinLifted(frein=model.FreinId("f-1")),
    }
    return Event(**{**fields, **changes})


def company(**changes: Any) -> Company:
    fields: dict[str, Any] = {
        "id": "e-1",
        "siret": "73282932000074",
        "name": "Sodexo",
        "naf": "56.29A",
        "size": SizeBand.GRANDE,
    }
    return Company(**{**fields, **changes})


def contract(**changes: Any) -> Contract:
    fields: dict[str, Any] = {
        "id": "c-1",
        "kind": ContractKind.CDDI,
        "start": dt.date(2025, 3, 1),
        "end": dt.date(2025, 8, 31),
        "weekly_hours": Decimal(26),
    }
    return Contract(**{**fields, **changes})


# -- SIRET -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",
        "35600000000048",  # La Poste, head office: Luhn
        "35600000049837",  # La Poste: digit sum a multiple of 5, Luhn fails
    ],
)
def test_valid_siret(siret: str) -> None:
    assert siret_problem(siret) is None


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000075",  # wrong key
        "1234",
        "7328293200007a",
        "732829320000744",
        " 73282932000074",
        "7328293200007٤",  # an Arabic-Indic digit: not ASCII
        73282932000074,
        None,
    ],
)
def test_invalid_siret(siret: object) -> None:
    assert siret_problem(siret) is not None


def test_siret_field_error_cites_insee() -> None:
    with pytest.raises(FieldError) as info:
        company(siret="73282932000075")
    assert info.value.code == "siret.invalide"
    assert info.value.legal is not None


@given(sirets(), st.integers(0, 13), st.integers(1, 9))
def test_luhn_detects_any_single_digit_change(siret: str, position: int, shift: int) -> None:
    assume(not siret.startswith("356000000"))
    digit = (int(siret[position]) + shift) % 10
    changed = siret[:position] + str(digit) + siret[position + 1 :]
    assume(not changed.startswith("356000000"))
    assert siret_problem(changed) is not None


# -- labelled enums --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", LABELLED_ENUMS, ids=lambda cls: cls.__name__)
def test_labelled_enum_codes_are_unique_and_labels_french(cls: type[LabelledEnum]) -> None:
    # A repeated code would silently make the second member an alias of the first.
    assert len(cls.__members__) == len(list(cls)), "codes en double"
    for member in cls:
        assert isinstance(member.value, str)
        assert member.value
        assert member.value == member.value.strip()
        assert " " not in member.value
        assert isinstance(member.label, str)
        assert member.label.strip()
        assert str(member) == member.label
        by_code: Any = cls  # (mypy reads LabelledEnum.__new__ for the lookup)
        assert by_code(member.value) is member


def test_labelled_enums_are_found() -> None:
    assert len(LABELLED_ENUMS) >= 20
    assert all(issubclass(cls, enum.Enum) for cls in LABELLED_ENUMS)


def test_sensitivity_is_ordered() -> None:
    ranks = [s.rank for s in (Sensitivity.ANONYMOUS, Sensitivity.PERSONAL, Sensitivity.SENSITIVE)]
    assert ranks == [0, 1, 2]


# -- validators ------------------------------------------------------------------------------


def test_naive_datetime_refused() -> None:
    with raises_code("format.fuseau_manquant"):
        event(occurred_at=dt.datetime(2025, 3, 1, 12))
    with raises_code("format.fuseau_manquant"):
        event(recorded_at=dt.datetime(2025, 3, 1, 12))


def test_date_instead_of_datetime_refused() -> None:
    with raises_code("format.fuseau_manquant"):
        event(occurred_at=dt.date(2025, 3, 1))


@given(aware_datetimes())
def test_aware_datetimes_accepted(instant: dt.datetime) -> None:
    assert event(occurred_at=instant).day == local_date(instant)


def test_end_before_start_refused() -> None:
    with raises_code("format.dates_inversees"):
        contract(end=dt.date(2025, 2, 28))
    with raises_code("format.dates_inversees"):
        PassIae(number="P-1", start=dt.date(2025, 3, 1), end=dt.date(2025, 2, 28))


def test_one_day_span_accepted() -> None:
    assert contract(end=dt.date(2025, 3, 1)).end == dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    "value", ["", " a", "-a", ".a", "a b", "é", "a/b", "a" * 129, "a\n", 12, None]
)
def test_identifier_format_refused(value: object) -> None:
    with raises_code("format.identifiant"):
        contract(id=value)


@pytest.mark.parametrize("value", ["a", "0", "c-1", "a.b_c:d@e-f", "A" * 128])
def test_identifier_format_accepted(value: str) -> None:
    assert contract(id=value).id == value


@given(identifiers())
def test_generated_identifiers_accepted(value: str) -> None:
    assert contract(id=value).id == value


def test_monthly_hours_month_is_its_first_day() -> None:
    with raises_code("format.mois"):
        MonthlyHours(month=dt.date(2025, 3, 2), contract=C1, hours=Decimal(10))
    assert MonthlyHours(month=dt.date(2025, 3, 1), contract=C1, hours=Decimal(0)).hours == 0


@pytest.mark.parametrize(
    "hours", [Decimal("-0.01"), Decimal(-1), Decimal("NaN"), Decimal("Infinity"), 10, 10.5]
)
def test_hours_must_be_a_non_negative_finite_decimal(hours: Any) -> None:
    with raises_code("format.nombre_negatif"):
        MonthlyHours(month=dt.date(2025, 3, 1), contract=C1, hours=hours)
    with raises_code("format.nombre_negatif"):
        contract(weekly_hours=hours)


@pytest.mark.parametrize("text", ["", " ", "\t\n", "\u00a0"])
def test_empty_text_refused(text: str) -> None:
    with raises_code("format.texte_vide"):
        PersonalData(first_name=text, last_name="Martin")


@pytest.mark.parametrize("naf", ["8121Z", "81.21", "81.21z", "1.21Z", ""])
def test_naf_format(naf: str) -> None:
    with raises_code("naf.invalide"):
        company(naf=naf)


def test_situation_converts_minima_to_frozenset() -> None:
    situation = SituationAtEntry(
        age_band=AgeBand.FROM_26_TO_49,
        education=EducationLevel.NIVEAU_3,
        jobless=JoblessDuration.TWO_YEARS_OR_MORE,
        minima_sociaux=[model.MinimumSocial.RSA],  # type: ignore[arg-type]
    )
    assert situation.minima_sociaux == frozenset({model.MinimumSocial.RSA})


@given(from_model(Contract))
def test_models_are_frozen(value: Contract) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        value.end = value.start  # type: ignore[misc]


# -- sensitivity -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "name", "expected"),
    [
        (SituationAtEntry, "rqth", Sensitivity.SENSITIVE),
        (SituationAtEntry, "minima_sociaux", Sensitivity.SENSITIVE),
        (SituationAtEntry, "age_band", Sensitivity.PERSONAL),
        (SituationAtEntry, "qpv", Sensitivity.PERSONAL),
        (Frein, "detail", Sensitivity.SENSITIVE),
        (Frein, "theme", Sensitivity.SENSITIVE),
        (Frein, "id", Sensitivity.ANONYMOUS),
        (Frein, "identified_on", Sensitivity.ANONYMOUS),
        (Contract, "weekly_hours", Sensitivity.ANONYMOUS),
    ],
)
def test_sensitivity_of(cls: type, name: str, expected: Sensitivity) -> None:
    assert sensitivity_of(cls, name) is expected


@pytest.mark.parametrize("name", [f.name for f in attrs.fields(PersonalData)])
def test_personal_data_is_personal(name: str) -> None:
    assert sensitivity_of(PersonalData, name).rank >= Sensitivity.PERSONAL.rank


def test_sensitive_frein_themes() -> None:
    assert FreinTheme.SANTE.sensitive
    assert FreinTheme.JUSTICE.sensitive
    assert not FreinTheme.MOBILITE.sensitive


def test_sensitivity_of_unknown_field() -> None:
    with pytest.raises(KeyError):
        sensitivity_of(Frein, "nope")


# -- the motif table -------------------------------------------------------------------------


def test_default_motif_table_maps_every_motif() -> None:
    table = default_motif_table()
    assert table.categories.keys() == set(SortieMotif)
    assert all(isinstance(table.category(m), SortieCategory) for m in SortieMotif)
    assert table.version
    assert table.source
    assert table.category(SortieMotif.CDI) is SortieCategory.EMPLOI_DURABLE
    assert table.category(SortieMotif.CHOMAGE) is SortieCategory.AUTRE_SORTIE


def _toml(motifs: list[SortieMotif]) -> str:
    lines = ['version = "test"', 'source = "tests"', "[categories]"]
    lines += [f'"{m.value}" = "autre_sortie"' for m in motifs]
    return "\n".join(lines)


def test_motif_table_from_toml_complete() -> None:
    table = MotifTable.from_toml(_toml(list(SortieMotif)))
    assert table.version == "test"
    assert set(table.categories.values()) == {SortieCategory.AUTRE_SORTIE}


def test_motif_table_from_toml_refuses_a_partial_table() -> None:
    with pytest.raises(ValueError, match="deces"):
        MotifTable.from_toml(_toml([m for m in SortieMotif if m is not SortieMotif.DECES]))


def test_motif_table_from_toml_refuses_an_unknown_code() -> None:
    with pytest.raises(ValueError, match="inconnu"):
        MotifTable.from_toml(_toml(list(SortieMotif)) + '\n"inconnu" = "autre_sortie"')


# -- streams ---------------------------------------------------------------------------------


@given(st.sampled_from(StreamKind), identifiers())
def test_stream_id_round_trip(kind: StreamKind, key: str) -> None:
    stream = stream_id(kind, key)
    assert stream == f"{kind.value}:{key}"
    assert stream_kind(stream) is kind


def test_stream_ids() -> None:
    assert stream_id(StreamKind.PARCOURS, "p-1") == "parcours:p-1"
    assert stream_id(StreamKind.EMPLOYER, "e-1") == "employer:e-1"
    assert stream_id(StreamKind.SIAE, "s-1") == "siae:s-1"


@pytest.mark.parametrize("stream", ["parcours", "nowhere:p-1", ":p-1"])
def test_stream_kind_refuses_a_stream_without_kind(stream: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        stream_kind(model.StreamId(stream))


@pytest.mark.parametrize("stream", ["parcours", "nowhere:p-1"])
def test_event_refuses_a_stream_without_kind(stream: str) -> None:
    with raises_code("format.flux_invalide"):
        event(stream=stream)


def test_local_date_is_in_paris() -> None:
    late = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC)
    assert local_date(late) == dt.date(2025, 3, 2)
