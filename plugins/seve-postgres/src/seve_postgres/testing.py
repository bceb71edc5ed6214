"""A throwaway PostgreSQL server for tests and benchmarks.

:func:`throwaway_cluster` creates a database cluster in a temporary directory with
the server binaries of Debian's ``postgresql`` package (``initdb``, ``pg_ctl``),
starts it on ``127.0.0.1`` on a free port, with its unix socket in that directory,
yields the URL of an empty database, then stops the server and deletes everything::

    from seve_postgres.testing import throwaway_cluster

    with throwaway_cluster() as url:  # postgresql://seve@127.0.0.1:PORT/seve
        store = PostgresStore(url)

Nothing is assumed to be running, and nothing is left behind.  The server refuses
to run as root: as root, the cluster belongs to the user ``postgres`` (created by
Debian's package), else ``nobody``, and the server runs under that user.

The binaries are looked for in ``$SEVE_POSTGRES_BINDIR`` if it is set (and nowhere
else), else next to ``initdb`` on the ``PATH``, then in
``/usr/lib/postgresql/<version>/bin`` (the newest version), where Debian installs
them.  :class:`ServerNotFoundError` says how to install them when none is found.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import psycopg
from psycopg import sql

from seve.errors import SeveError

__all__ = [
    "ClusterError",
    "ServerNotFoundError",
    "find_bindir",
    "throwaway_cluster",
]

#: The superuser of a throwaway cluster (trusted on 127.0.0.1 and the socket).
USER: Final = "seve"
_DEBIAN: Final = Path("/usr/lib/postgresql")
_BINARIES: Final = ("initdb", "pg_ctl", "postgres")
#: Server settings of every throwaway cluster: local only, quiet, small.
_SETTINGS: Final = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "50",
    "shared_buffers": "'32MB'",
    "logging_collector": "off",
    "log_min_messages": "warning",
}
#: Without fsync (the default for tests): a crash of the machine may corrupt the
#: cluster, which is thrown away anyway, and commits stop waiting for the disk.
_NO_FSYNC: Final = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class ClusterError(SeveError):
    """A throwaway cluster could not be created, started or stopped."""


class ServerNotFoundError(ClusterError):
    """The PostgreSQL server binaries are not installed."""

    def __init__(self, looked: list[Path]) -> None:
        places = ", ".join(str(p) for p in looked) or "aucun"
        super().__init__(
            "serveur PostgreSQL introuvable (initdb, pg_ctl, postgres) ; cherché dans : "
            f"{places}. Installez-le (Debian : apt-get install -y postgresql) ou donnez son "
            "dossier bin dans SEVE_POSTGRES_BINDIR"
        )


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name))


def find_bindir() -> Path:
    """The directory of the PostgreSQL server binaries.

    :raises ServerNotFoundError: none has ``initdb``, ``pg_ctl`` and ``postgres``.
    """
    candidates: list[Path] = []
    if configured := os.environ.get("SEVE_POSTGRES_BINDIR"):
        candidates.append(Path(configured))  # asked for: no other is looked for
    else:
        if initdb := shutil.which("initdb"):
            candidates.append(Path(initdb).resolve().parent)
        debian = sorted(_DEBIAN.glob("*/bin/initdb"), key=_version_key, reverse=True)
        candidates += [path.parent for path in debian]
    for bindir in candidates:
        if all(os.access(bindir / name, os.X_OK) for name in _BINARIES):
            return bindir
    raise ServerNotFoundError(candidates or [_DEBIAN])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_user() -> pwd.struct_passwd | None:
    """Whom the server runs as: ``None`` (the current user) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise ClusterError("root ne peut pas lancer PostgreSQL, et ni postgres ni nobody n'existent")


class _Cluster:
    """The commands of one cluster, run as its owner."""

    def __init__(self, bindir: Path, folder: Path, owner: pwd.struct_passwd | None) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.owner = owner

    def run(self, *command: str | Path) -> subprocess.CompletedProcess[str]:
        as_owner: dict[str, Any] = {}
        if self.owner is not None:
            as_owner = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}
        environment = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
        return subprocess.run(
            [str(part) for part in command],
            capture_output=True,
            text=True,
            env=environment,
            cwd=self.folder,
            timeout=120,
            check=False,
            **as_owner,
        )

    def check(self, what: str, result: subprocess.CompletedProcess[str]) -> None:
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise ClusterError(
                f"{what} a échoué (code {result.returncode}) : "
                f"{result.stdout[-1000:]}{result.stderr[-2000:]}{log}"
            )

    def initdb(self) -> None:
        result = self.run(
            self.bindir / "initdb",
            "--pgdata",
            self.data,
            "--username",
            USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
            "--no-instructions",
        )
        self.check("initdb", result)

    def configure(self, port: int, *, fsync: bool) -> None:
        settings = {
            **_SETTINGS,
            "port": str(port),
            "unix_socket_directories": f"'{self.folder}'",
            **({} if fsync else _NO_FSYNC),
        }
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# seve_postgres.testing\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> subprocess.CompletedProcess[str]:
        return self.run(
            self.bindir / "pg_ctl", "--pgdata", self.data, "--log", self.log, "--wait", "start"
        )

    def stop(self) -> None:
        for mode in ("fast", "immediate"):
            result = self.run(
                self.bindir / "pg_ctl", "--pgdata", self.data, "--mode", mode, "--wait", "stop"
            )
            if result.returncode == 0:
                return
        self.check("pg_ctl stop", result)


@contextlib.contextmanager
def throwaway_cluster(*, database: str = "seve", fsync: bool = False) -> Iterator[str]:
    """Start a new PostgreSQL server for the duration of the ``with`` block.

    :param database: the name of the empty database created in it.
    :param fsync: sync commits to disk as a production server does (``False``, the
        default, is several times faster for tests).
    :returns: (yields) ``postgresql://seve@127.0.0.1:PORT/DATABASE``: the superuser,
        trusted without a password from this machine only.
    :raises ServerNotFoundError: the server binaries are not installed.
    :raises ClusterError: the server could not be created or started (the message
        ends with its log).
    """
    bindir = find_bindir()
    owner = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="seve-pg-"))
    try:
        if owner is not None:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        cluster = _Cluster(bindir, folder, owner)
        cluster.initdb()
        port = _start(cluster, fsync=fsync)
        try:
            url = f"postgresql://{USER}@127.0.0.1:{port}/{database}"
            with psycopg.connect(url.rpartition("/")[0] + "/postgres", autocommit=True) as db:
                db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            yield url
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start(cluster: _Cluster, *, fsync: bool, attempts: int = 5) -> int:
    """Start the server on a free port (another, if one was taken in between)."""
    for _attempt in range(attempts):
        port = _free_port()
        cluster.configure(port, fsync=fsync)
        result = cluster.start()
        if result.returncode == 0:
            return port
        log = cluster.log.read_text(errors="replace") if cluster.log.exists() else ""
        if "already in use" not in log:
            break
    cluster.check("pg_ctl start", result)
    raise AssertionError("unreachable")  # pragma: no cover
