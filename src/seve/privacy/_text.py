"""Text, as privacy sees it: folding for matching, walking the text fields of a value,
rewriting them, and the patterns that find a person's identity in free text.

Everything is decided from the model's annotations and sensitivity tags, so a new
field is handled the day it is added: a plain ``str`` field (or a tuple or frozenset
of ``str``) is *text*; identifiers are ``NewType`` s over ``str`` and never are.
"""

from __future__ import annotations

import re
import types
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Union, get_args, get_origin, get_type_hints

import attrs
from attrs import frozen

from ..audience import Audience, PrivacyError, may_see
from ..errors import Path, Problem
from ..model import (
    Action,
    Company,
    ContactPerson,
    Frein,
    Objective,
    PassIae,
    PersonalData,
    Prescripteur,
    Sensitivity,
    Siae,
    Site,
    StaffMember,
    SuccessStory,
    sensitivity_of,
)

__all__ = [
    "ERASED",
    "FREIN_TEXT",
    "NOT_FREE_TEXT",
    "Identity",
    "TextLeaf",
    "fold",
    "quick_fold",
    "rewrite",
    "shared_with",
    "text_leaves",
]

#: What replaces erased text that cannot be left out (a required label).
ERASED: Final = "[effacé]"

#: Text fields that say what a frein is (retention category ``freins``).
FREIN_TEXT: Final = frozenset({(Frein, "detail"), (Objective, "label"), (Action, "label")})

#: Names, codes and addresses of organisations (companies, sites, SIAE, prescripteurs):
#: no person is in them.
ORGANISATION_TEXT: Final = frozenset(
    {
        (Company, "name"),
        (Company, "naf"),
        *((Site, name) for name in ("name", "postcode", "city")),
        (Siae, "name"),
        (Siae, "territory"),
        (Prescripteur, "name"),
        (Prescripteur, "territory"),
    }
)

#: Plain ``str`` fields that are names, codes or addresses, not free text: the
#: lexicon does not read them (a company may be called « Clinique des Lilas »).
NOT_FREE_TEXT: Final = frozenset(
    {
        *((PersonalData, name) for name in ("first_name", "last_name", "email", "phone")),
        *((ContactPerson, name) for name in ("name", "job_title", "email", "phone")),
        (StaffMember, "name"),
        *ORGANISATION_TEXT,
        (PassIae, "number"),
    }
)

#: Text tagged more sensitive than an audience may read, yet shown to it by design:
#: a success story goes to prescripteurs while the person consents.
_ALSO_SHARED: Final[Mapping[tuple[type, str], frozenset[Audience]]] = {
    (SuccessStory, "text"): frozenset({Audience.PRESCRIPTEUR}),
}

_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "œ": "oe", "æ": "ae"})
_MARKS: Final = re.compile(r"[\u0300-\u036f]+")


# -- folding ---------------------------------------------------------------------------------


def quick_fold(text: str) -> str:
    """``text`` without accents or case (``"Leïla"`` -> ``"leila"``), for matching."""
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(_APOSTROPHES)


def fold(text: str) -> tuple[str, list[int]]:
    """:func:`quick_fold` of ``text``, and for each folded character the index of the
    character of ``text`` it comes from (to map a match back)."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        folded = quick_fold(char)
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


def replace_matches(text: str, pattern: re.Pattern[str], by: str) -> str:
    """``text`` with every match of ``pattern`` (over its folded form) replaced by ``by``."""
    folded, where = fold(text)
    spans = [
        (where[m.start()], where[m.end() - 1] + 1) for m in pattern.finditer(folded) if m.end()
    ]
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        if start < last:  # overlapping matches: the first one already covers it
            continue
        pieces += [text[last:start], by]
        last = end
    return "".join([*pieces, text[last:]])


# -- identity ------------------------------------------------------------------------------


_WORD_GAP: Final = r"[^a-z0-9]+"
_EDGE_BEFORE: Final = r"(?<![a-z0-9])"
_EDGE_AFTER: Final = r"(?![a-z0-9])"


def words_pattern(text: str) -> str:
    """A regular expression for ``text`` folded, its words separated by anything."""
    words = re.findall(r"[a-z0-9]+", quick_fold(text))
    return _WORD_GAP.join(map(re.escape, words))


def phone_pattern(phone: str) -> str | None:
    """A regular expression for a phone number however it is written: ``06 01 02 03
    04``, ``06.01.02.03.04``, ``+33 6 01 02 03 04``... (``None`` without digits)."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return None
    for prefix in ("0033", "33", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 9:
            national = digits[len(prefix) :]
            head = r"(?:(?:\+|00)\s*33\s*(?:\(0\)\s*)?|0)"
            return head + r"[\s.\-]*".join(national)
    return r"\+?" + r"[\s.\-]*".join(digits)


@frozen(kw_only=True)
class Identity:
    """What identifies one person in free text: their names, e-mail and phone numbers,
    as recorded in their ``personal_data_recorded`` events.

    :param full_names: ``"First Last"`` for each recorded version.
    :param names: first and last names alone (matched only in the person's own
        streams: elsewhere « Martin » is as likely a company).
    :param emails: e-mail addresses.
    :param phones: phone numbers.
    """

    full_names: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()

    @classmethod
    def of(cls, records: Iterator[PersonalData] | tuple[PersonalData, ...]) -> Identity:
        """The identity behind some :class:`~seve.model.PersonalData` records."""
        full: set[str] = set()
        names: set[str] = set()
        emails: set[str] = set()
        phones: set[str] = set()
        for data in records:
            full.add(f"{data.first_name} {data.last_name}")
            names.update((data.first_name, data.last_name))
            if data.email:
                emails.add(data.email)
            if data.phone:
                phones.add(data.phone)
        return cls(
            full_names=frozenset(full),
            names=frozenset(names),
            emails=frozenset(emails),
            phones=frozenset(phones),
        )

    def __or__(self, other: Identity) -> Identity:
        return Identity(
            full_names=self.full_names | other.full_names,
            names=self.names | other.names,
            emails=self.emails | other.emails,
            phones=self.phones | other.phones,
        )

    @property
    def empty(self) -> bool:
        return not (self.full_names or self.emails or self.phones)

    @property
    def strings(self) -> tuple[str, ...]:
        """Every identifying string, for plugins that must drop what they hold."""
        return tuple(sorted(self.full_names | self.names | self.emails | self.phones))

    def pattern(self, *, own_stream: bool) -> re.Pattern[str] | None:
        """One regular expression over folded text that finds this identity (``None``
        when there is nothing to find); ``own_stream`` adds the names alone."""
        parts: list[str] = []
        for full in self.full_names:
            first_last = words_pattern(full)
            words = quick_fold(full).split()
            parts += [first_last, _WORD_GAP.join(map(re.escape, reversed(words)))]
        if own_stream:
            # a name of one or two letters would match everywhere
            parts += [words_pattern(n) for n in self.names if len(quick_fold(n).strip()) > 2]
        parts += [re.escape(quick_fold(email)) for email in self.emails]
        parts += [p for p in map(phone_pattern, self.phones) if p]
        parts = sorted({p for p in parts if p}, key=len, reverse=True)
        if not parts:
            return None
        return re.compile(_EDGE_BEFORE + "(?:" + "|".join(parts) + ")" + _EDGE_AFTER)


# -- walking and rewriting values -------------------------------------------------------------


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of an attrs class (cached: classes never change)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = get_type_hints(cls)
    return hints


def _text_kind(hint: Any) -> str | None:
    """``"str"``, ``"optional"``, ``"tuple"`` or ``"frozenset"`` for a text annotation."""
    if hint is str:
        return "str"
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType) and set(args) == {str, type(None)}:
        return "optional"
    if origin is tuple and args in ((str, Ellipsis),):
        return "tuple"
    if origin is frozenset and args == (str,):
        return "frozenset"
    return None


def _blank(kind: str) -> Any:
    return {"str": ERASED, "optional": None, "tuple": (), "frozenset": frozenset()}[kind]


@frozen(kw_only=True)
class TextLeaf:
    """One piece of text inside a value: where it is, which field holds it."""

    path: Path
    owner: type
    field: str
    text: str


def text_leaves(value: Any, path: Path = ()) -> Iterator[TextLeaf]:
    """Every text of ``value`` (an attrs instance of the model), in field order."""
    if attrs.has(type(value)):
        cls = type(value)
        hints = _hints(cls)
        for field in attrs.fields(cls):
            item = getattr(value, field.name)
            kind = _text_kind(hints[field.name])
            here = (*path, field.name)
            if kind in ("str", "optional"):
                if item is not None:
                    yield TextLeaf(path=here, owner=cls, field=field.name, text=item)
            elif kind in ("tuple", "frozenset"):
                ordered = item if kind == "tuple" else sorted(item)
                for index, text in enumerate(ordered):
                    yield TextLeaf(path=(*here, index), owner=cls, field=field.name, text=text)
            else:
                yield from text_leaves(item, here)
    elif isinstance(value, tuple | list | frozenset):
        ordered = value if not isinstance(value, frozenset) else sorted(value, key=repr)
        for index, item in enumerate(ordered):
            yield from text_leaves(item, (*path, index))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from text_leaves(item, (*path, str(key)))


#: Decides whether the text field ``(owner, name)`` is erased outright.
Eraser = Callable[[type, str], bool]


def rewrite(value: Any, *, erase: Eraser, substitute: Callable[[str], str]) -> Any:
    """``value`` with the text fields ``erase`` picks blanked (``None``, empty, or
    :data:`ERASED` when required) and every other text passed through ``substitute``.

    The value is rebuilt with its validators; the same object comes back when
    nothing changed.

    :raises PrivacyError: ``effacement.identifiant_personnel`` when the rebuilt
        value is invalid (personal data inside an identifier).
    """
    if attrs.has(type(value)):
        cls = type(value)
        hints = _hints(cls)
        changes: dict[str, Any] = {}
        for field in attrs.fields(cls):
            item = getattr(value, field.name)
            kind = _text_kind(hints[field.name])
            if kind is not None and erase(cls, field.name):
                new = _blank(kind)
            elif kind in ("str", "optional"):
                new = item if item is None else substitute(item)
            elif kind == "tuple":
                new = tuple(substitute(text) for text in item)
            elif kind == "frozenset":
                new = frozenset(substitute(text) for text in item)
            else:
                new = rewrite(item, erase=erase, substitute=substitute)
            if new != item or type(new) is not type(item):
                changes[field.alias] = new
        if not changes:
            return value
        try:
            return attrs.evolve(value, **changes)
        except (ValueError, TypeError) as exc:
            raise PrivacyError(
                [
                    Problem(
                        code="effacement.identifiant_personnel",
                        message=f"impossible d'effacer une donnée personnelle de {cls.__name__} "
                        f"sans le rendre invalide ({exc}) : un identifiant contient-il un nom, "
                        "un e-mail ou un téléphone ?",
                    )
                ]
            ) from exc
    if isinstance(value, tuple):
        items = tuple(rewrite(item, erase=erase, substitute=substitute) for item in value)
        return value if items == value else items
    if isinstance(value, frozenset):
        members = frozenset(rewrite(item, erase=erase, substitute=substitute) for item in value)
        return value if members == value else members
    if isinstance(value, Mapping):
        mapped = {k: rewrite(v, erase=erase, substitute=substitute) for k, v in value.items()}
        return value if mapped == value else mapped
    return value


def personal_text(owner: type, name: str) -> bool:
    """Whether a text field is tagged personal or sensitive (free text about a person)."""
    return sensitivity_of(owner, name) is not Sensitivity.ANONYMOUS


# -- who reads a text ---------------------------------------------------------------------------


_SHARED: dict[tuple[type, str], frozenset[Audience]] = {}
_HAS_SHARED: dict[type, bool] = {}


def shared_with(owner: type, name: str) -> frozenset[Audience]:
    """The audiences other than staff that a free-text field reaches: those its
    sensitivity tag lets read it (see :mod:`seve.audience`), and those it is shown to by
    design (a success story, with consent, to prescripteurs).  Empty for private notes
    and for fields that are not free text (:data:`NOT_FREE_TEXT`)."""
    known = _SHARED.get((owner, name))
    if known is None:
        if (owner, name) in NOT_FREE_TEXT:
            known = frozenset()
        else:
            tag = sensitivity_of(owner, name)
            known = frozenset(a for a in Audience if a is not Audience.STAFF and may_see(a, tag))
            known |= _ALSO_SHARED.get((owner, name), frozenset())
        _SHARED[owner, name] = known
    return known


def has_shared_text(cls: type) -> bool:
    """Whether values of the attrs class ``cls`` may hold free text shared beyond the
    staff (checked once per class, from the annotations)."""
    known = _HAS_SHARED.get(cls)
    if known is None:
        known = _HAS_SHARED[cls] = _reaches_shared_text(cls, frozenset())
    return known


def _reaches_shared_text(hint: Any, seen: frozenset[Any]) -> bool:
    if hint in seen:
        return False
    if isinstance(hint, type) and attrs.has(hint):
        hints = _hints(hint)
        for field in attrs.fields(hint):
            kind = _text_kind(hints[field.name])
            if kind is not None:
                if shared_with(hint, field.name):
                    return True
            elif _reaches_shared_text(hints[field.name], seen | {hint}):
                return True
        return False
    return any(_reaches_shared_text(arg, seen) for arg in get_args(hint))
