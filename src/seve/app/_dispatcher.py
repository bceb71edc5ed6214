"""The dispatcher: delivers outbox entries to plugins, with retries, backoff and
dead letters."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Callable
from typing import Any, Literal

import msgspec
from attrs import field, frozen

from ..effects import Delivery, DeliveryStatus
from ..errors import SeveError
from ..hooks import Plugins
from ..storage import OutboxEntry, Store
from ._outbox import COMMITTED, DELIVER, MESSAGING, argument
from ._recorder import utc_now

__all__ = ["Backoff", "DispatchReport", "Dispatcher", "Outcome"]


def _positive(_inst: object, attribute: Any, value: dt.timedelta) -> None:
    if value <= dt.timedelta(0):
        raise ValueError(f"{attribute.name} doit être une durée positive, pas {value}")


@frozen(kw_only=True)
class Backoff:
    """When to try again after a failed delivery: exponential, with a ceiling.

    The n-th failure is retried ``first * factor ** (n - 1)`` later (at most
    ``ceiling``); after ``attempts`` failures the entry is dead-lettered.
    """

    first: dt.timedelta = field(default=dt.timedelta(seconds=10), validator=_positive)
    factor: float = 2.0
    ceiling: dt.timedelta = dt.timedelta(hours=1)
    attempts: int = 8

    def retry_at(self, now: dt.datetime, failures: int) -> dt.datetime | None:
        """When to retry after ``failures`` failures (``None``: give up)."""
        if failures >= self.attempts:
            return None
        return now + min(self.first * self.factor ** (failures - 1), self.ceiling)


@frozen(kw_only=True)
class Outcome:
    """What became of one outbox entry in one dispatch.

    :param status: ``"delivered"``, ``"retry"`` (failed, due again later),
        ``"dead"`` (failed for good) or ``"lost"`` (another dispatcher took it over
        after our lease ended: the result is not recorded).
    :param delivery: a messaging plugin's report, for messages.
    :param error: why it failed.
    """

    key: str
    target: str
    hook: str
    status: Literal["delivered", "retry", "dead", "lost"]
    delivery: Delivery | None = None
    error: str | None = None


@frozen(kw_only=True)
class DispatchReport:
    """The outcomes of one or more dispatch rounds."""

    outcomes: tuple[Outcome, ...] = ()

    def count(self, status: str) -> int:
        """How many entries ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)


class _Failed(SeveError):
    """A delivery failed; ``final`` ones are not retried."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        self.final = final
        super().__init__(message)


class Dispatcher:
    """Delivers the outbox: each entry to its plugin, at least once.

    A delivery that raises, hangs past ``timeout`` or returns something the hook
    does not allow is retried with :class:`Backoff`, then dead-lettered with its
    error (see :meth:`seve.storage.Store.outbox`); the other entries go on.
    Several dispatchers may run at once on one store: claims with a lease keep them
    from delivering the same entry at the same time.

    :param store: the store whose outbox to deliver.
    :param plugins: the plugins to deliver to.
    :param clock: the time now (default: UTC now).
    :param owner: this dispatcher's name in claims (default: host, pid and a
        random suffix).
    :param lease: how long a claimed entry stays ours.
    :param timeout: seconds a plugin call may take before it counts as failed.
    :param backoff: when to retry.
    :param batch: entries claimed at once.
    """

    def __init__(
        self,
        store: Store,
        *,
        plugins: Plugins,
        clock: Callable[[], dt.datetime] = utc_now,
        owner: str | None = None,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        timeout: float = 30.0,
        backoff: Backoff = Backoff(),
        batch: int = 100,
    ) -> None:
        self.store = store
        self.plugins = plugins
        self._clock = clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lease = lease
        self._timeout = timeout
        self._backoff = backoff
        self._batch = batch

    def run_once(self) -> DispatchReport:
        """Claim the entries due now and try each once."""
        now = self._clock()
        claimed = self.store.claim(now, owner=self.owner, lease=self._lease, limit=self._batch)
        return DispatchReport(outcomes=tuple(self._deliver(entry) for entry in claimed))

    def run_until_idle(self) -> DispatchReport:
        """Run rounds until one claims nothing: every entry due now was tried
        (entries due later, after a failure, are left for later)."""
        outcomes: list[Outcome] = []
        while step := self.run_once().outcomes:
            outcomes.extend(step)
        return DispatchReport(outcomes=tuple(outcomes))

    def _deliver(self, entry: OutboxEntry) -> Outcome:
        def outcome(status: Any, **kw: Any) -> Outcome:
            return Outcome(key=entry.key, target=entry.target, hook=entry.hook, status=status, **kw)

        try:
            delivery = self._attempt(entry)
        except _Failed as failed:
            retry_at = (
                None if failed.final else self._backoff.retry_at(self._clock(), entry.attempts + 1)
            )
            error = str(failed)
            if not self.store.fail(entry.key, owner=self.owner, error=error, retry_at=retry_at):
                return outcome("lost", error=error)
            return outcome("retry" if retry_at else "dead", error=error)
        if not self.store.complete(entry.key, owner=self.owner):
            return outcome("lost", delivery=delivery)
        return outcome("delivered", delivery=delivery)

    def _attempt(self, entry: OutboxEntry) -> Delivery | None:
        try:
            name, value = argument(entry)
        except (SeveError, msgspec.MsgspecError) as exc:  # written by a broken version
            raise _Failed(f"entrée illisible : {exc}", final=True) from None
        if entry.target == MESSAGING:
            return self._message(entry, name, value)
        result = self._call(entry.hook, entry.target, {name: value, **_key(entry)})
        if result is not None:
            raise _Failed(f"le plugin {entry.target} a rendu {result!r:.80} au lieu de None")
        return None

    def _message(self, entry: OutboxEntry, name: str, value: Any) -> Delivery:
        for plugin in self.plugins.implementers(DELIVER):
            result = self._call(DELIVER, plugin, {name: value, **_key(entry)})
            if result is None:
                continue
            if not isinstance(result, Delivery):
                raise _Failed(f"le plugin {plugin} a rendu {result!r:.80} au lieu d'une Delivery")
            if result.status is DeliveryStatus.REFUSED:
                raise _Failed(f"message refusé par {plugin} : {result.detail}", final=True)
            return result
        raise _Failed(f"aucun plugin ne livre le canal « {value.channel} »", final=True)

    def _call(self, hook: str, plugin: str, kwargs: dict[str, Any]) -> Any:
        """Call one plugin with a time limit; any failure becomes :class:`_Failed`."""
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = self.plugins.call(hook, plugin, **kwargs)
            except BaseException as exc:  # reported below, in the dispatcher's thread
                box["error"] = exc

        thread = threading.Thread(target=run, name=f"seve-{plugin}-{hook}", daemon=True)
        thread.start()
        thread.join(self._timeout)
        if thread.is_alive():
            raise _Failed(f"le plugin {plugin} n'a pas répondu en {self._timeout:g} s")
        if "error" in box:
            exc = box["error"]
            raise _Failed(f"le plugin {plugin} a levé {type(exc).__name__} : {exc}")
        return box.get("result")


def _key(entry: OutboxEntry) -> dict[str, str]:
    """The idempotency key argument, for the hooks that take one."""
    return {} if entry.hook == COMMITTED else {"key": entry.key}
