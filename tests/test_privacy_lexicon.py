"""Free text: the lexicon finds sensitive words however they are typed, and shared
text holding one is refused while private notes may say anything."""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seve import DomainError
from seve.app import Recorder
from seve.audience import Audience
from seve.hooks import Plugins
from seve.model import (
    Bilan,
    BilanId,
    BilanKind,
    BilanRecorded,
    Company,
    Frein,
    PersonalData,
    PmsmpConvention,
    Sensitivity,
    SuccessStory,
    SuiviContact,
    payload_types,
    sensitivity_of,
)
from seve.privacy import (
    NOT_FREE_TEXT,
    FreeTextGuard,
    Lexicon,
    PrivacyError,
    Theme,
    shared_with,
)
from seve.privacy._text import quick_fold
from seve.storage import MemoryStore

sys.path.insert(0, str(Path(__file__).parent))
from builders import Log, embauche, structure_log

LEXICON = Lexicon.default()


def themes(text: str) -> list[tuple[str, str]]:
    return [(hit.term, hit.theme.code) for hit in LEXICON.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALCOOL", [("ALCOOL", "addictions")]),
        ("sort de Détention", [("Détention", "justice")]),
        ("sort de detention", [("detention", "justice")]),
        ("problèmes d'alcools", [("alcools", "addictions")]),
        ("deux hôpitaux psychiatriques", [("psychiatriques", "sante")]),
        ("elle est incarcérée", [("incarcérée", "justice")]),
        ("en garde-à-vue hier", [("garde-à-vue", "justice")]),
        ("en garde   a  vue", [("garde   a  vue", "justice")]),
        ("Travail d’intérêt général", [("Travail d’intérêt général", "justice")]),
        ("dort dans sa voiture", [("dort dans sa voiture", "logement")]),
        ("SDF depuis mars, suivi au CSAPA", [("SDF", "logement"), ("CSAPA", "addictions")]),
        ("sans domicile fixe", [("sans domicile fixe", "logement")]),
    ],
)
def test_terms_are_found_without_accents_case_or_plural_mattering(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert themes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Réunion au tribunal de commerce",
        "Agent d'entretien à l'hôpital Nord",
        "Caviste : vins et spiritueux",
        "Alcoolémie",  # another word: whole words only
        "malléable, maladroit",
        "115 heures travaillées",
        "Maçonnerie, espaces verts",
    ],
)
def test_other_words_are_left_alone(text: str) -> None:
    assert themes(text) == []


TERMS = [(term, theme) for theme in LEXICON.themes for term in theme.terms]


@given(
    st.sampled_from(TERMS),
    st.sampled_from([str.upper, str.lower, str.title, quick_fold, lambda t: t]),
    st.sampled_from(["", "s"]),
    st.sampled_from([("", ""), ("Note : ", "."), ("« ", " »"), ("(", ")"), ("1. ", "\n")]),
)
def test_every_term_is_found_however_it_is_typed(
    term_theme: tuple[str, Theme], case: object, plural: str, around: tuple[str, str]
) -> None:
    term, theme = term_theme
    typed = case(term) + plural  # type: ignore[operator]
    text = around[0] + typed + around[1]
    hits = LEXICON.find(text)
    assert hits
    assert hits[0].theme.code == theme.code or quick_fold(term) in quick_fold(hits[0].term)
    assert text[hits[0].start : hits[0].end] == hits[0].term


@given(st.text(max_size=80), st.sampled_from(TERMS), st.text(max_size=20))
def test_every_hit_is_a_whole_word_of_the_text(
    before: str, term: tuple[str, Theme], after: str
) -> None:
    text = f"{before} {term[0]} {after}"
    hits = LEXICON.find(text)
    assert hits
    for hit in hits:
        assert text[hit.start : hit.end] == hit.term
        assert hit.start < hit.end
        before_hit, after_hit = quick_fold(text[: hit.start][-1:]), quick_fold(text[hit.end :][:1])
        assert not re.search(r"[a-z0-9]$", before_hit)  # whole words only
        assert not re.match(r"[a-z0-9]", after_hit)


def test_a_structure_completes_the_lexicon() -> None:
    ours = Lexicon.from_toml('[themes.justice]\nlabel = "justice"\nterms = ["parloir"]\n')
    merged = LEXICON.merged(ours)
    assert themes("visite au parloir") == []
    assert [h.theme.code for h in merged.find("visite au parloir")] == ["justice"]
    assert [h.theme.code for h in merged.find("prison")] == ["justice"]


@pytest.mark.parametrize(
    "toml",
    [
        "themes = [",
        "version = '1'",
        "[themes.sante]\nterms = ['malade']",
        "[themes.sante]\nlabel = 'santé'\nterms = []",
        "[themes.sante]\nlabel = 'santé'\nterms = ['---']",
        "[themes.sante]\nlabel = 'santé'\nterms = ['malade']\nlegal = 9",
    ],
)
def test_a_bad_lexicon_is_a_typed_error(toml: str) -> None:
    with pytest.raises(PrivacyError) as refused:
        Lexicon.from_toml(toml)
    assert refused.value.codes == ["lexique.invalide"]


# -- who reads a text ---------------------------------------------------------------------------


def test_who_reads_each_kind_of_text() -> None:
    assert shared_with(Bilan, "notes") == frozenset()
    assert shared_with(Bilan, "synthesis") == {Audience.SALARIE, Audience.PRESCRIPTEUR}
    assert shared_with(SuiviContact, "notes") == frozenset()
    assert shared_with(Frein, "detail") == frozenset()
    assert shared_with(SuccessStory, "text") == {Audience.PRESCRIPTEUR}
    assert shared_with(PmsmpConvention, "tasks") == set(Audience) - {Audience.STAFF}
    assert shared_with(Company, "name") == frozenset()
    assert shared_with(PersonalData, "last_name") == frozenset()


def test_names_codes_and_addresses_are_not_free_text() -> None:
    for owner, name in NOT_FREE_TEXT:
        assert attrs.has(owner)
        assert name in attrs.fields_dict(owner)


def test_only_text_a_non_staff_audience_may_read_is_checked() -> None:
    """Sensitive text is staff-only (private notes), but for what is shared by design."""
    for cls in payload_types().values():
        for owner in _attrs_classes(cls):
            for field in attrs.fields(owner):
                audiences = shared_with(owner, field.name)
                tag = sensitivity_of(owner, field.name)
                if tag is Sensitivity.SENSITIVE and (owner, field.name) != (SuccessStory, "text"):
                    assert not audiences, (owner, field.name)


def _attrs_classes(cls: type, seen: set[type] | None = None) -> set[type]:
    seen = set() if seen is None else seen
    if cls in seen or not attrs.has(cls):
        return seen
    seen.add(cls)
    for hint in typing.get_type_hints(cls).values():
        for leaf in (hint, *typing.get_args(hint)):
            for inner in (leaf, *typing.get_args(leaf)):
                if isinstance(inner, type):
                    _attrs_classes(inner, seen)
    return seen


# -- the rule, through the recording service ----------------------------------------------------


def _recorder(plugins: Plugins) -> tuple[Recorder, Log]:
    recorder = Recorder(MemoryStore(), plugins=plugins)
    for event in structure_log().events:
        recorder.record(event)
    log = Log()
    event = log.make("2025-01-15", embauche())
    recorder.record(attrs.evolve(event, id="p-1"))
    return recorder, log


def _bilan(log: Log, **texts: str) -> object:
    bilan = Bilan(id=BilanId("b-1"), kind=BilanKind.ENTREE, date=log.make("2025-02-03", None).day)
    return attrs.evolve(
        log.make("2025-02-03", BilanRecorded(bilan=attrs.evolve(bilan, **texts))), id="p-2"
    )


def test_sensitive_words_in_a_shared_synthesis_are_refused_and_nothing_is_written() -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(FreeTextGuard(), "texte_libre")
    recorder, log = _recorder(plugins)
    version = recorder.store.version(log.stream)
    with pytest.raises(DomainError) as refused:
        recorder.record(_bilan(log, synthesis="Absente : hospitalisée, problème d'alcool"))  # type: ignore[arg-type]
    problems = refused.value.problems
    assert [p.code for p in problems] == ["texte_libre.mot_sensible"] * 2
    assert problems[0].path == ("payload", "bilan", "synthesis")
    assert "« hospitalisée » (santé)" in problems[0].message
    assert "prescripteur, salarié·e en transition" in problems[0].message
    assert problems[0].legal == "RGPD, art. 9 (données de santé)"
    assert recorder.store.version(log.stream) == version


def test_private_notes_may_say_it() -> None:
    plugins = Plugins(entry_points=False)
    plugins.register(FreeTextGuard(), "texte_libre")
    recorder, log = _recorder(plugins)
    recorder.record(
        _bilan(log, notes="hospitalisée, problème d'alcool", synthesis="Bonne reprise")  # type: ignore[arg-type]
    )


def test_the_guard_is_installed_as_a_plugin_and_may_be_disabled() -> None:
    assert "texte_libre" in {i.name for i in Plugins().info()}
    names = {i.name for i in Plugins(environ={"SEVE_DISABLED_PLUGINS": "texte_libre"}).info()}
    assert "texte_libre" not in names
    plugins = Plugins(environ={"SEVE_LOAD_PLUGINS": "texte_libre"})
    recorder, log = _recorder(plugins)
    with pytest.raises(DomainError):
        recorder.record(_bilan(log, synthesis="sortie de prison"))  # type: ignore[arg-type]
