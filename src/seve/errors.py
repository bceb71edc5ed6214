"""Errors of seve: problems are data, exceptions only carry them.

Every check in seve returns :class:`Problem` records (never raises on bad user
data); an API that *records* something turns a non-empty list of problems into
one :class:`InvalidError` carrying all of them.  Every exception seve raises on
purpose derives from :class:`SeveError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen

__all__ = [
    "DecodeError",
    "DomainError",
    "InvalidError",
    "Path",
    "Problem",
    "SeveError",
    "format_path",
]

#: The path of a field inside a value: attribute names and sequence indexes,
#: outermost first, e.g. ``("payload", "contract", "weekly_hours")``.
Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Render a path the way messages show it: ``payload.actions[2].status``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@frozen(kw_only=True)
class Problem:
    """One thing wrong with some input, as data.

    :param code: stable, machine-readable identifier, e.g. ``"cddi.duree_min"``;
        codes never change meaning once released (see ``docs/rules.md``).
    :param message: the explanation in French, for SIAE staff.
    :param path: where in the input the problem lies.
    :param legal: the legal reference the rule comes from (``"Code du travail,
        art. L5132-15-1"``), or ``None`` for format and consistency problems.
    :param line: the line number in a JSON Lines file, when known.
    """

    code: str
    message: str
    path: Path = ()
    legal: str | None = None
    line: int | None = None

    def at(self, *prefix: str | int, line: int | None = None) -> Problem:
        """The same problem, located deeper: ``prefix`` goes before the path."""
        return Problem(
            code=self.code,
            message=self.message,
            path=(*prefix, *self.path),
            legal=self.legal,
            line=self.line if line is None else line,
        )

    def __str__(self) -> str:
        where = format_path(self.path)
        parts = [f"ligne {self.line}" if self.line is not None else "", where]
        location = ", ".join(p for p in parts if p)
        legal = f" ({self.legal})" if self.legal else ""
        prefix = f"{location}: " if location else ""
        return f"{prefix}{self.message} [{self.code}]{legal}"


class SeveError(Exception):
    """Base class of every exception seve raises on purpose."""


class InvalidError(SeveError):
    """Input was refused; :attr:`problems` lists every reason at once.

    Nothing was recorded when this is raised.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("InvalidError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def codes(self) -> Sequence[str]:
        """The codes of the problems, in order (handy in tests and logs)."""
        return [p.code for p in self.problems]


class DecodeError(InvalidError):
    """Serialized input (JSON, JSON Lines, Python dicts) could not be decoded."""


class DomainError(InvalidError):
    """An event or value contradicts a rule or the state it applies to."""
