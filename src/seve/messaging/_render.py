"""Templates and their rendering: plain text, HTML and a short text for SMS.

A template is three or four strings with ``{placeholders}`` (Python's format
syntax): the subject, the plain text, the HTML and, optionally, a short text for
channels that read like SMS.  Values are plain: text, numbers, dates already
written in French, and lists, rendered by the ``:liste`` format (one ``- line``
per item in text, ``<ul>`` in HTML).  Every value is escaped in HTML.
"""

from __future__ import annotations

import html
import string
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from .._french import long_date as french_date
from ..audience import Audience
from ..effects import Attachment
from ..errors import InvalidError, Problem
from ..model import MessagePurpose
from ..model._base import non_empty

__all__ = [
    "Content",
    "Template",
    "Templates",
    "french_date",
    "ics_attachment",
    "load_templates",
]


def ics_attachment(ical: str, *, filename: str = "invitation.ics") -> Attachment:
    """An iCalendar text as a message attachment (``text/calendar``, with its METHOD).

    The calendar is rendered elsewhere (:mod:`seve.calendar`, a
    :class:`~seve.effects.CalendarEntry`'s ``ical``); mail clients show an
    invitation for ``METHOD:REQUEST`` and an event to add for ``METHOD:PUBLISH``.
    """
    method = "PUBLISH"
    for line in ical.splitlines():
        if line.upper().startswith("METHOD:"):
            method = line.split(":", 1)[1].strip().upper()
            break
    return Attachment(
        filename=filename,
        content_type=f"text/calendar; method={method}; charset=utf-8",
        content=ical.encode("utf-8"),
    )


class _Formatter(string.Formatter):
    """``str.format`` with a ``liste`` format and, for HTML, escaping."""

    def __init__(self, *, as_html: bool) -> None:
        self.as_html = as_html

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "liste":
            items = [str(item) for item in value] if _is_list(value) else [str(value)]
            if self.as_html:
                lines = "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in items)
                return f"<ul>{lines}</ul>"
            return "\n".join(f"- {item}" for item in items)
        if _is_list(value):
            value = ", ".join(str(item) for item in value)
        text = super().format_field(value, format_spec)
        return html.escape(text, quote=False) if self.as_html else text


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence | frozenset | set) and not isinstance(value, str)


_TEXT: Final = _Formatter(as_html=False)
_HTML: Final = _Formatter(as_html=True)


def _read_only(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(values))


def _placeholders(text: str) -> set[str]:
    names = set()
    for _literal, name, spec, _conversion in _TEXT.parse(text):
        if name is not None:
            if not name.isidentifier():
                raise ValueError(f"champ « {name} » : un nom simple est attendu")
            if spec not in ("", "liste"):
                raise ValueError(f"format « {spec} » inconnu (seul « liste » existe)")
            names.add(name)
    return names


def _html_of(text: str) -> str:
    """The HTML template of a plain-text one: a paragraph per block, a line break
    per line; a line holding only a ``:liste`` placeholder becomes the list."""
    blocks = []
    for paragraph in text.strip().split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if line.strip().startswith("{") and line.strip().endswith(":liste}"):
                if lines:
                    blocks.append("<p>" + "<br>\n".join(lines) + "</p>")
                    lines = []
                blocks.append(line.strip())
            else:
                lines.append(html.escape(line, quote=False))
        if lines:
            blocks.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(blocks)


@frozen(kw_only=True)
class Content:
    """A rendered message, channel-independent.

    :param short: the text for channels read like SMS (falls back to ``text``).
    """

    subject: str
    text: str = field(validator=non_empty)
    html: str | None = None
    short: str | None = None


@frozen(kw_only=True)
class Template:
    """One French template, for one audience and one purpose.

    :param name: its stable name, e.g. ``"offre.diffusion"``.
    :param html: the HTML body; ``None``: made from ``text`` (paragraphs, line
        breaks, lists).
    :param short: the text for SMS-like channels; ``None``: ``text``.
    :param sample: values for a preview: they also name every placeholder the
        template may use (an override may not use others).
    """

    name: str = field(validator=non_empty)
    audience: Audience
    purpose: MessagePurpose
    description: str
    subject: str
    text: str = field(validator=non_empty)
    html: str | None = None
    short: str | None = None
    sample: Mapping[str, Any] = field(factory=dict, converter=_read_only)

    def __attrs_post_init__(self) -> None:
        _check(self)

    @property
    def fields(self) -> frozenset[str]:
        """The placeholders it may use."""
        return frozenset(self.sample)

    def render(self, values: Mapping[str, Any]) -> Content:
        """Render with ``values`` (every placeholder the template uses must be given).

        :raises InvalidError: a value is missing (``message.valeur_manquante``).
        """
        missing = sorted(
            name
            for part in (self.subject, self.text, self.html or "", self.short or "")
            for name in _placeholders(part)
            if name not in values
        )
        if missing:
            raise InvalidError(
                Problem(
                    code="message.valeur_manquante",
                    message=f"le modèle {self.name} attend une valeur pour {name}",
                    path=("values", name),
                )
                for name in missing
            )
        html_template = _html_of(self.text) if self.html is None else self.html
        return Content(
            subject=_TEXT.vformat(self.subject, (), values).strip(),
            text=_TEXT.vformat(self.text, (), values).strip() + "\n",
            html=_HTML.vformat(html_template, (), values).strip(),
            short=None if self.short is None else _TEXT.vformat(self.short, (), values).strip(),
        )

    def preview(self, **values: Any) -> Content:
        """Render with the sample values, some replaced by ``values``."""
        return self.render({**self.sample, **values})


def _check(template: Template) -> None:
    problems = []
    for part in ("subject", "text", "html", "short"):
        text = getattr(template, part)
        if text is None:
            continue
        try:
            unknown = sorted(_placeholders(text) - template.fields)
        except ValueError as exc:
            problems.append(_invalid(template.name, part, f"texte mal formé : {exc}"))
            continue
        if unknown:
            problems.append(
                _invalid(
                    template.name,
                    part,
                    f"champs inconnus {', '.join(unknown)} ; champs possibles : "
                    + ", ".join(sorted(template.fields)),
                )
            )
    if problems:
        raise InvalidError(problems)


def _invalid(name: str, part: str, message: str) -> Problem:
    return Problem(
        code="message.modele_invalide", message=f"modèle {name} : {message}", path=(name, part)
    )


_PARTS: Final = frozenset({"subject", "text", "html", "short"})


@frozen
class Templates:
    """The templates an application uses, by name: seve's, some overridden.

    Immutable: :meth:`override` and :func:`load_templates` give a new registry.
    """

    _by_name: Mapping[str, Template] = field(converter=_read_only)

    @classmethod
    def of(cls, templates: Iterable[Template]) -> Templates:
        return cls({t.name: t for t in templates})

    def __getitem__(self, name: str) -> Template:
        template = self._by_name.get(name)
        if template is None:
            known = ", ".join(sorted(self._by_name))
            raise InvalidError(
                [
                    Problem(
                        code="message.modele_inconnu",
                        message=f"aucun modèle {name} (modèles : {known})",
                        path=(name,),
                    )
                ]
            )
        return template

    def __iter__(self) -> Iterator[str]:
        """The names, sorted."""
        return iter(sorted(self._by_name))

    def __len__(self) -> int:
        return len(self._by_name)

    def override(self, name: str, **parts: str | None) -> Templates:
        """These templates with some parts of ``name`` replaced (``subject``,
        ``text``, ``html``, ``short``), checked against the template's fields.

        :raises InvalidError: an unknown template or part, an unknown placeholder,
            a malformed text (``message.modele_inconnu``, ``message.modele_invalide``).
        """
        template = self[name]
        unknown = sorted(set(parts) - _PARTS)
        if unknown:
            raise InvalidError(
                _invalid(name, part, "partie inconnue (subject, text, html, short)")
                for part in unknown
            )
        changed = Template(
            name=template.name,
            audience=template.audience,
            purpose=template.purpose,
            description=template.description,
            subject=parts.get("subject", template.subject) or "",
            text=parts.get("text", template.text) or "",
            html=parts.get("html", template.html),
            short=parts.get("short", template.short),
            sample=template.sample,
        )
        return Templates({**self._by_name, name: changed})


def load_templates(text: str, *, base: Templates) -> Templates:
    """``base`` with the overrides written in TOML: one table per template name.

    .. code-block:: toml

        ["offre.diffusion"]
        subject = "Une offre pour vous : {offre}"
        short = "{prenom}, offre {offre} à {lieu}. Appelez {contact} au {telephone}."

    The host application reads the file; seve only parses the text.

    :raises InvalidError: TOML that does not parse (``message.modele_invalide``), or
        any problem of :meth:`Templates.override`.
    """
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidError([_invalid("(fichier)", "toml", f"TOML illisible : {exc}")]) from None
    templates = base
    for name, parts in tables.items():
        if not isinstance(parts, dict) or not all(isinstance(v, str) for v in parts.values()):
            raise InvalidError([_invalid(name, "toml", "une table de textes est attendue")])
        templates = templates.override(name, **parts)
    return templates
