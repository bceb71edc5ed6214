"""Free text: a French lexicon of sensitive words, and the rule that keeps them out of
text shared beyond the SIAE staff.

Notes typed by hand are where health, justice or addictions leak.  A field read only by
the staff (private notes: a bilan's ``notes``, a frein's ``detail``) may say anything;
a field that reaches another audience (a bilan's ``synthesis``, a PMSMP's tasks, a
recommendation letter) is refused when it holds a word of the lexicon, with a
:class:`~seve.errors.Problem` coded ``texte_libre.mot_sensible`` that says which word,
which theme, and who would read it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, Final

from attrs import field, frozen

from ..audience import Audience, PrivacyError
from ..errors import Path, Problem
from ..hooks import hookimpl
from ..model import Event, StreamKind
from ._text import fold, has_shared_text, quick_fold, shared_with, text_leaves

__all__ = ["FreeTextGuard", "Hit", "Lexicon", "Theme", "check_free_text"]

#: The lexicon seve ships, in the package data.
DEFAULT_LEXICON: Final = "data/lexique_sensible.toml"


@frozen(kw_only=True)
class Theme:
    """A theme of the lexicon: ``santé``, ``justice``...

    :param code: its key in the TOML file.
    :param label: how messages name it, in French.
    :param legal: where the rule comes from (RGPD article...).
    :param terms: its words and phrases, as written (accents and case do not matter).
    """

    code: str
    label: str
    legal: str | None
    terms: tuple[str, ...]


@frozen(kw_only=True)
class Hit:
    """A sensitive term found in a text: the term, its theme, where it is."""

    term: str
    theme: Theme
    start: int
    end: int


def _term_pattern(term: str) -> str:
    """The regular expression of one term over folded text: words separated by
    anything, the last one with its plural (``-s``, ``-x``, ``-al`` -> ``-aux``) and
    a feminine ``-e``."""
    words = re.findall(r"[a-z0-9]+", quick_fold(term))
    *head, last = words
    endings = [re.escape(last) + "e?(?:s|x)?"]
    if last.endswith("al"):
        endings.append(re.escape(last[:-2]) + "aux")
    tail = "(?:" + "|".join(endings) + ")"
    return r"[^a-z0-9]+".join([*map(re.escape, head), tail])


@frozen(kw_only=True)
class Lexicon:
    """Sensitive words by theme, matched without accents or case, on whole words.

    >>> lexicon = Lexicon.default()
    >>> [(hit.term, hit.theme.label) for hit in lexicon.find("Sort de détention, SDF.")]
    [('détention', 'justice'), ('SDF', 'logement')]
    >>> lexicon.find("Réunion au tribunal de commerce")  # words, not letters
    []

    :param themes: the themes and their terms.
    :param version: the lexicon's version, for the record.
    """

    themes: tuple[Theme, ...]
    version: str = ""
    _pattern: re.Pattern[str] = field(init=False, eq=False, repr=False)
    _terms: tuple[tuple[str, Theme], ...] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        terms = [(term, theme) for theme in self.themes for term in theme.terms]
        terms.sort(key=lambda pair: len(quick_fold(pair[0])), reverse=True)  # longest first
        alternatives = "|".join(f"({_term_pattern(term)})" for term, _theme in terms)
        pattern = re.compile(rf"(?<![a-z0-9])(?:{alternatives or '(?!)'})(?![a-z0-9])")
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_terms", tuple(terms))

    @classmethod
    def default(cls) -> Lexicon:
        """The lexicon seve ships (``seve/data/lexique_sensible.toml``)."""
        text = resources.files("seve").joinpath(DEFAULT_LEXICON).read_text("utf-8")
        return cls.from_toml(text)

    @classmethod
    def from_toml(cls, text: str) -> Lexicon:
        """A lexicon from TOML: ``[themes.<code>]`` tables with ``label``, ``terms`` and
        an optional ``legal``.

        :raises PrivacyError: ``lexique.invalide``, with what is wrong.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _invalid(f"le lexique n'est pas un fichier TOML valide : {exc}") from exc
        themes = data.get("themes")
        if not isinstance(themes, dict) or not themes:
            raise _invalid("le lexique doit définir au moins une table [themes.<code>]", "themes")
        return cls(
            themes=tuple(_theme(code, body) for code, body in themes.items()),
            version=str(data.get("version", "")),
        )

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s themes added (a theme of the same code gets the
        terms of both): how a structure completes seve's lexicon."""
        by_code = {theme.code: theme for theme in self.themes}
        for theme in other.themes:
            known = by_code.get(theme.code)
            if known is None:
                by_code[theme.code] = theme
            else:
                terms = known.terms + tuple(t for t in theme.terms if t not in known.terms)
                by_code[theme.code] = Theme(
                    code=known.code, label=known.label, legal=known.legal, terms=terms
                )
        version = "+".join(v for v in (self.version, other.version) if v)
        return Lexicon(themes=tuple(by_code.values()), version=version)

    def find(self, text: str) -> list[Hit]:
        """The sensitive terms in ``text``, in order, as written in the text."""
        folded, where = fold(text)
        hits = []
        for match in self._pattern.finditer(folded):
            group = match.lastindex
            assert group is not None
            _term, theme = self._terms[group - 1]
            start, end = where[match.start()], where[match.end() - 1] + 1
            hits.append(Hit(term=text[start:end], theme=theme, start=start, end=end))
        return hits

    def problems(self, text: str, audiences: Iterable[Audience], path: Path = ()) -> list[Problem]:
        """One ``texte_libre.mot_sensible`` problem per sensitive term of ``text``,
        a text that ``audiences`` will read."""
        readers = ", ".join(sorted(a.label for a in audiences))
        return [
            Problem(
                code="texte_libre.mot_sensible",
                message=f"« {hit.term} » ({hit.theme.label}) dans un texte que liront : "
                f"{readers} ; ce qui touche à la {hit.theme.label} reste dans les notes "
                "privées des permanent·es",
                path=path,
                legal=hit.theme.legal,
            )
            for hit in self.find(text)
        ]


def _invalid(message: str, *path: str | int) -> PrivacyError:
    return PrivacyError([Problem(code="lexique.invalide", message=message, path=path)])


def _theme(code: str, body: Any) -> Theme:
    if not isinstance(body, dict):
        raise _invalid(f"le thème {code} doit être une table", "themes", code)
    label, terms, legal = body.get("label"), body.get("terms"), body.get("legal")
    if not isinstance(label, str) or not label.strip():
        raise _invalid(f"le thème {code} n'a pas de libellé (label)", "themes", code, "label")
    if not isinstance(terms, list) or not terms:
        raise _invalid(f"le thème {code} n'a aucun terme (terms)", "themes", code, "terms")
    for index, term in enumerate(terms):
        if not isinstance(term, str) or not re.search(r"[a-z0-9]", quick_fold(term)):
            raise _invalid(
                f"terme invalide {term!r} dans le thème {code}", "themes", code, "terms", index
            )
    if legal is not None and not isinstance(legal, str):
        raise _invalid(f"la source (legal) du thème {code} doit être un texte", "themes", code)
    return Theme(code=code, label=label, legal=legal, terms=tuple(terms))


def check_free_text(event: Event[Any], lexicon: Lexicon) -> list[Problem]:
    """The sensitive terms in the free text of ``event`` that reaches an audience other
    than the staff (see :func:`seve.privacy.shared_with`); private notes are not read."""
    payload = event.payload
    if not has_shared_text(type(payload)):
        return []
    problems: list[Problem] = []
    for leaf in text_leaves(payload, ("payload",)):
        audiences = shared_with(leaf.owner, leaf.field)
        if audiences:
            problems += lexicon.problems(leaf.text, audiences, leaf.path)
    return problems


class FreeTextGuard:
    """A plugin that refuses sensitive words in shared free text, with ``lexicon``.

    seve registers one with its own lexicon under the entry point ``texte_libre``;
    a structure with its own words disables it (``SEVE_DISABLED_PLUGINS=texte_libre``)
    and registers its own::

        plugins.register(FreeTextGuard(Lexicon.default().merged(ours)), "texte_libre")
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = Lexicon.default() if lexicon is None else lexicon

    def rule(self, before: Any, after: Any, event: Event[Any]) -> list[Problem]:
        """The rule: :func:`check_free_text` with this guard's lexicon."""
        return check_free_text(event, self.lexicon)

    @hookimpl
    def seve_register_rules(self) -> Sequence[tuple[StreamKind, Any]]:
        return [(kind, self.rule) for kind in StreamKind]
