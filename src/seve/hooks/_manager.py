"""The plugin manager: finds plugins by entry point, checks them, isolates failures."""

from __future__ import annotations

import inspect
import os
import traceback
from collections.abc import Iterable, Mapping
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal

import pluggy
from attrs import frozen

from ..errors import SeveError
from . import specs

if TYPE_CHECKING:
    from ..storage import Store

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "Plugins",
    "hookimpl",
]

#: The entry-point group seve discovers plugins in.
ENTRY_POINT_GROUP: Final = "seve"

#: Marks a function as the implementation of a hook of :mod:`seve.hooks.specs`.
hookimpl: Final = pluggy.HookimplMarker("seve")

_PREFIX: Final = "seve_"

Stage = Literal["load", "register", "call"]


class PluginError(SeveError):
    """A plugin could not be loaded, registered or called (strict mode), or no
    plugin can do what was asked.

    :ivar code: machine-readable: ``plugin.chargement`` (import failed),
        ``plugin.hook_invalide`` (unknown hook, bad signature), ``plugin.appel`` (a
        hook raised), ``plugin.hook_absent``, ``plugin.stockage_inconnu``.
    :ivar plugin: the plugin's name, when one is at fault.
    """

    def __init__(self, code: str, message: str, *, plugin: str | None = None) -> None:
        self.code = code
        self.plugin = plugin
        super().__init__(message)


@frozen(kw_only=True)
class PluginFailure:
    """A plugin that failed, as data: seve goes on without it and reports it.

    :param plugin: the plugin's name (its entry point's name).
    :param stage: ``"load"`` (import), ``"register"`` (bad hooks) or ``"call"``.
    :param hook: the hook being called, for a call failure.
    :param error: the exception, as ``Type: message``.
    """

    plugin: str
    stage: Stage
    error: str
    hook: str | None = None


@frozen(kw_only=True)
class PluginInfo:
    """A registered plugin: what ``seve plugins`` lists.

    :param name: its name (the entry point's name, or ``seve.*`` for built-ins).
    :param version: the version of the distribution that ships it, if known.
    :param hooks: the hooks it implements, sorted.
    """

    name: str
    version: str | None
    hooks: tuple[str, ...]


class _Manager(pluggy.PluginManager):
    def parse_hookimpl_opts(self, plugin: object, name: str) -> Any:
        """Unmarked ``seve_*`` functions count too, so a misspelt hook is caught."""
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith(_PREFIX) and inspect.isroutine(getattr(plugin, name)):
            return {}
        return opts


def _split(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset(name.strip() for name in value.split(",") if name.strip())


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


class Plugins:
    """The plugins of one application.

    Nothing is imported until a hook is first needed.  Then the built-in plugins
    and every entry point of the group ``seve`` are loaded, except those the
    environment excludes:

    - ``SEVE_LOAD_PLUGINS``: a comma-separated allow-list of entry-point names
      (set but empty: no entry point is loaded);
    - ``SEVE_DISABLED_PLUGINS``: names never to load (built-ins included).

    A plugin that fails to import, implements a hook seve does not know, or raises
    when called is set aside and listed in :attr:`failures`; seve goes on.  With
    ``strict=True`` (for plugin development and tests) a :class:`PluginError` is
    raised instead.

    :param strict: raise instead of isolating a failing plugin.
    :param entry_points: discover installed plugins (``False``: built-ins and
        :meth:`register` only).
    :param environ: where to read the two variables (default: ``os.environ``).
    """

    def __init__(
        self,
        *,
        strict: bool = False,
        entry_points: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.strict = strict
        self._discover = entry_points
        self._environ = os.environ if environ is None else environ
        self._pm: _Manager | None = None
        self._versions: dict[str, str | None] = {}
        self._failures: list[PluginFailure] = []

    # --- loading ---------------------------------------------------------------

    @property
    def manager(self) -> pluggy.PluginManager:
        """The underlying :class:`pluggy.PluginManager`, loaded on first use."""
        if self._pm is None:
            self._pm = _Manager("seve")
            self._pm.add_hookspecs(specs)
            disabled = _split(self._environ.get("SEVE_DISABLED_PLUGINS")) or frozenset()
            from ._builtin import BUILTINS

            for name, module in BUILTINS.items():
                if name not in disabled:
                    self._add(module, name, _seve_version())
            if self._discover:
                self._load_entry_points(disabled)
        return self._pm

    def _load_entry_points(self, disabled: frozenset[str]) -> None:
        allowed = _split(self._environ.get("SEVE_LOAD_PLUGINS"))
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name in disabled or (allowed is not None and ep.name not in allowed):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self.report(PluginFailure(plugin=ep.name, stage="load", error=_describe(exc)), exc)
                continue
            self._add(plugin, ep.name, ep.dist.version if ep.dist is not None else None)

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object (a module, a class instance) by hand.

        :returns: its name (``name``, or the module's name).
        :raises PluginError: in strict mode, if it implements an unknown hook.
        """
        if name is None:
            name = plugin.__name__ if isinstance(plugin, ModuleType) else repr(plugin)
        version = getattr(plugin, "__version__", None)
        self._add(plugin, name, version if isinstance(version, str) else None)
        return name

    def _add(self, plugin: object, name: str, version: str | None) -> None:
        pm = self.manager if self._pm is None else self._pm
        unknown = sorted(
            attr
            for attr in dir(plugin)
            if pm.parse_hookimpl_opts(plugin, attr) is not None
            and getattr(pm.hook, attr, None) is None
        )
        if unknown:
            error = f"hooks inconnus de seve : {', '.join(unknown)}"
            self.report(PluginFailure(plugin=name, stage="register", error=error))
            return
        try:
            pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self.report(PluginFailure(plugin=name, stage="register", error=_describe(exc)), exc)
            return
        self._versions[name] = version

    def report(self, failure: PluginFailure, exc: BaseException | None = None) -> None:
        """Set a failing plugin aside: list it in :attr:`failures`.

        :param exc: the exception behind the failure, if any.
        :raises PluginError: in strict mode, instead.
        """
        if self.strict:
            code = {"load": "plugin.chargement", "register": "plugin.hook_invalide"}
            raise PluginError(
                code.get(failure.stage, "plugin.appel"),
                f"plugin {failure.plugin} : {failure.error}",
                plugin=failure.plugin,
            ) from exc
        self._failures.append(failure)

    # --- what is there ---------------------------------------------------------

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        """The plugins set aside so far, and why."""
        self.manager  # noqa: B018 (loading may add failures)
        return tuple(self._failures)

    def info(self) -> list[PluginInfo]:
        """Every registered plugin, its version and its hooks, sorted by name."""
        pm = self.manager
        return sorted(
            (
                PluginInfo(
                    name=name,
                    version=self._versions.get(name),
                    hooks=tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or ())),
                )
                for name, plugin in pm.list_name_plugin()
            ),
            key=lambda info: info.name,
        )

    def implementers(self, hook: str) -> list[str]:
        """The names of the plugins that implement ``hook``, in calling order."""
        caller = getattr(self.manager.hook, hook)
        return [impl.plugin_name for impl in reversed(caller.get_hookimpls())]

    # --- calling ---------------------------------------------------------------

    def call(self, hook: str, plugin: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of ``hook``; its exceptions propagate."""
        caller = getattr(self.manager.hook, hook)
        for impl in caller.get_hookimpls():
            if impl.plugin_name == plugin:
                return impl.function(*(kwargs[name] for name in impl.argnames))
        raise PluginError(
            "plugin.hook_absent", f"le plugin {plugin} n'implémente pas {hook}", plugin=plugin
        )

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook``, each isolated from the others.

        :returns: ``(plugin name, result)`` for each plugin that did not raise; a
            plugin that raised is listed in :attr:`failures` (or, strict, raises
            :class:`PluginError`).
        """
        results = []
        for name in self.implementers(hook):
            try:
                results.append((name, self.call(hook, name, **kwargs)))
            except Exception as exc:
                failure = PluginFailure(plugin=name, stage="call", hook=hook, error=_describe(exc))
                self.report(failure, exc)
        return results

    # --- the hooks seve itself calls -------------------------------------------

    def open_store(self, url: str) -> Store:
        """The store at ``url``, opened by the first storage plugin that knows it.

        :raises PluginError: ``plugin.stockage_inconnu`` if no plugin opens it.
        """
        for _name, store in self.call_each("seve_open_store", url=url):
            if store is not None:
                return store  # type: ignore[no-any-return]
        schemes = ", ".join(self.implementers("seve_open_store"))
        raise PluginError(
            "plugin.stockage_inconnu",
            f"aucun plugin de stockage ne sait ouvrir {url!r} (plugins de stockage : {schemes})",
        )

    def collect(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every plugin and flatten the iterables they return.

        :returns: ``(plugin name, item)`` pairs; a plugin that raises, or returns
            something that is not iterable, is set aside as a failure.
        """
        items: list[tuple[str, Any]] = []
        for name, result in self.call_each(hook, **kwargs):
            try:
                items.extend((name, item) for item in _iterable(result))
            except TypeError as exc:
                failure = PluginFailure(plugin=name, stage="call", hook=hook, error=_describe(exc))
                self.report(failure, exc)
        return items


def _iterable(result: Any) -> Iterable[Any]:
    if result is None:
        return ()
    return list(result)


def _seve_version() -> str:
    from .._version import __version__

    return __version__
