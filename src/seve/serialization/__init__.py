"""Serialization: one cattrs converter for the model, and the JSON Lines format.

- :data:`converter` structures and unstructures every model type, strictly;
- :func:`encode_event` / :func:`decode_event` turn an event into one JSON line and back;
- :func:`iter_events`, :func:`read_events` and :func:`dump_events` work on files.

The format is described in ``docs/format.md``.
"""

from ._converter import (
    FORMAT_VERSION,
    converter,
    make_converter,
    structure_event,
    unstructure_event,
)
from ._jsonl import decode_event, dump_events, encode_event, iter_events, read_events

__all__ = [
    "FORMAT_VERSION",
    "converter",
    "decode_event",
    "dump_events",
    "encode_event",
    "iter_events",
    "make_converter",
    "read_events",
    "structure_event",
    "unstructure_event",
]
