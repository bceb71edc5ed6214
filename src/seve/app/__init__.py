"""Application services: record events and deliver their side effects.

- :class:`Recorder` checks an event against its stream and every rule, appends it
  with the version it folded, and writes its side effects to the outbox in the same
  transaction;
- :class:`Dispatcher` delivers the outbox to the calendar, messaging and observer
  plugins, at least once, with retries, backoff and dead letters;
- :class:`DeliveryJournal` lets messaging plugins answer a repeated delivery from
  what they already sent.

Unlike the core, this layer reads a clock (injectable) and calls plugins.
"""

from ._dispatcher import Backoff, Dispatcher, DispatchReport, Outcome
from ._journal import DeliveryJournal
from ._recorder import Recorder, utc_now

__all__ = [
    "Backoff",
    "DeliveryJournal",
    "DispatchReport",
    "Dispatcher",
    "Outcome",
    "Recorder",
    "utc_now",
]
