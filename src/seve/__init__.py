"""seve: the domain of French SIAE as an event log, with the legal rules.

The public API is re-exported here; submodules: :mod:`seve.model`,
:mod:`seve.rules`, :mod:`seve.serialization`, :mod:`seve.errors`,
:mod:`seve.testing`.
"""

from typing import Any

from . import privacy as privacy  # registers the audit event types of seve.privacy
from ._validate import LogReport, validate_log
from .errors import DecodeError, DomainError, InvalidError, Problem, SeveError
from .model import *  # noqa: F403
from .model import __all__ as _model_all
from .rules import apply, check, replay

__all__ = [
    "DecodeError",
    "DomainError",
    "InvalidError",
    "LogReport",
    "Problem",
    "SeveError",
    "apply",
    "check",
    "replay",
    "validate_log",
    *_model_all,
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import __version__

        return __version__
    raise AttributeError(f"module 'seve' has no attribute {name!r}")
