"""A throwaway PostgreSQL server for the tests: Debian's binaries, a cluster made by ``initdb`` in a
fresh temporary folder, listening only on a unix socket in that folder, run as a child process of
the tests, stopped by its PID and removed with its folder at the end, also when a test fails. The
folder is in /dev/shm (memory) where it has room, else in the system's temporary folder.

``initdb`` and ``postgres`` refuse to run as root: as root they run as the ``postgres`` user
(Debian's package creates it), who owns the folder. Durability is off (``fsync``, ``--no-sync``):
nothing here outlives the tests. On this 2-core machine, in memory, a cluster starts in about 0.5 s
(``initdb`` nearly all of it), a database is created from ``template0`` in 0.02 s and dropped in
0.01 s, and the server stops and its folder is removed in 0.03 s."""
from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

DEBIAN_BINARIES = Path("/usr/lib/postgresql")  # <version>/bin, not on PATH
INSTALL = "install Debian's `postgresql` package (`bash tests/install_system.sh` does)"
PORT = 5432  # only names the socket file: the server listens on no TCP port
USER = "postgres"  # the cluster's superuser, and the system user it runs as under root
SETTINGS = {"listen_addresses": "", "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
            "shared_buffers": "32MB", "max_connections": "100"}


class PostgresMissing(RuntimeError):
    """PostgreSQL's binaries, or the user to run them as, are not on this machine."""


def _version(folder: Path) -> tuple:
    """``/usr/lib/postgresql/9.6/bin`` → ``(9, 6)``: versions compared as numbers, not text."""
    return tuple(int(part) if part.isdigit() else -1 for part in folder.parent.name.split("."))


def postgres_bin(root: Path | None = None, path: str | None = None) -> Path:
    """The folder holding ``initdb`` and ``postgres``: the newest of Debian's ``root/<version>/bin``
    (default: ``DEBIAN_BINARIES``), else the one ``initdb`` is in on ``path`` (default: ``$PATH``).
    Raises ``PostgresMissing``, saying what to install, when there is none."""
    root = root or DEBIAN_BINARIES
    for folder in sorted(root.glob("*/bin"), key=_version, reverse=True):
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    initdb = shutil.which("initdb", path=path)
    if initdb and (Path(initdb).resolve().parent / "postgres").is_file():
        return Path(initdb).resolve().parent
    raise PostgresMissing(f"The tests run against a real PostgreSQL server, but its programs (initdb, postgres) "
                          f"are not in {root}/<version>/bin nor on PATH: {INSTALL}.")


def scratch_folder(memory: str = "/dev/shm", room: int = 1 << 30) -> str | None:
    """Where the cluster's folder goes: ``memory`` if it is a writable folder with ``room`` bytes
    free, else None (the system's temporary folder). On this machine's disk, shared with other
    work, creating a database took 0.25 s and starting the server 1.2 s; in memory 0.01 s and 0.45 s.
    Docker's default /dev/shm (64 MB, which Chromium uses too) is too small and passed over."""
    try:
        free = os.statvfs(memory)
    except OSError:
        return None
    return memory if free.f_bavail * free.f_frsize >= room and os.access(memory, os.W_OK | os.X_OK) else None


def _run_as() -> dict:
    """How ``initdb`` and ``postgres`` run as the ``postgres`` user when the tests run as root (they
    refuse to run as root): ``prefix``, a command that switches user and then runs them in its own
    process (``setpriv``, which execs: the server's PID is the one started), and the ``user`` and
    ``group`` that own the cluster's folder; nothing otherwise. A command, not ``subprocess``'s ``user=``:
    that makes Python fork the whole test worker (a gigabyte after the privacy audits) instead of
    vfork, and the fork failed with ENOMEM on a busy machine."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam(USER)
    except KeyError:
        raise PostgresMissing(f"The tests run as root, and PostgreSQL refuses to: they run it as the "
                              f"`{USER}` user, who does not exist here: {INSTALL}.") from None
    return {"prefix": ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"],
            "user": user.pw_uid, "group": user.pw_gid}


class PostgresServer:
    """A running cluster: ``url(database)`` for SQLAlchemy, ``database()`` for a fresh one, ``stop()``."""

    def __init__(self, folder: Path, process: subprocess.Popen, log_path: Path):
        self.folder, self.process, self.log_path = folder, process, log_path
        self._names = itertools.count(1)

    @property
    def pid(self) -> int:
        """The PID of the server's main process (the postmaster)."""
        return self.process.pid

    def log(self, tail: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:] if self.log_path.exists() else ""

    def url(self, database: str = "postgres") -> str:
        """``postgresql+psycopg://postgres@/DATABASE?host=FOLDER&port=5432``: the unix socket in the
        cluster's folder (the port names its file), as ``CXCOMMIT_DATABASE_URL`` takes it."""
        url = URL.create("postgresql+psycopg", username=USER, database=database,
                         query={"host": str(self.folder), "port": str(PORT)})
        return url.render_as_string(hide_password=False)

    def connect(self, database: str = "postgres", **options) -> psycopg.Connection:
        """A psycopg connection to ``database`` (autocommit), for what SQLAlchemy is not needed for."""
        return psycopg.connect(host=str(self.folder), port=PORT, user=USER, dbname=database, autocommit=True,
                               **options)

    def create_database(self) -> str:
        """A new, empty database (copied from ``template0``); returns its name."""
        name = f"test_{next(self._names)}"
        with self.connect() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        """Drops ``name``, ending whatever connections to it are still open."""
        with self.connect() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh, empty database for one test: yields its URL, drops it after."""
        name = self.create_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    def wait_ready(self, deadline: float) -> None:
        """Returns once the server accepts a connection; raises, with its log, if it stops or the
        deadline passes first."""
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL stopped while starting (exit code {self.process.returncode}): "
                                   f"{self.log()}")
            try:
                self.connect(connect_timeout=2).close()
                return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not accept connections in time ({error}): {self.log()}")
                time.sleep(0.02)

    def stop(self, timeout: float = 30) -> None:
        """Stops the server (a fast shutdown: clients disconnected, no waiting for them; killed if it
        takes longer than ``timeout``) and removes its folder. Safe to call twice."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _initdb(binaries: Path, data: Path, run_as: dict) -> None:
    command = [binaries / "initdb", "--pgdata", data, "--username", USER, "--auth", "trust", "--encoding", "UTF8",
               "--no-locale", "--no-sync"]
    done = subprocess.run([*run_as.get("prefix", ()), *command], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"initdb failed (exit code {done.returncode}): {done.stderr[-3000:]}")


def start_server(timeout: float = 60) -> PostgresServer:
    """A new cluster in a fresh temporary folder, started and accepting connections; the caller
    stops it (``PostgresServer.stop``), or uses ``postgres_server()``."""
    binaries, run_as = postgres_bin(), _run_as()
    deadline = time.monotonic() + timeout
    folder = Path(tempfile.mkdtemp(prefix="cxcommit-pg-", dir=scratch_folder()))
    server = None
    try:
        if run_as:
            os.chown(folder, run_as["user"], run_as["group"])
        _initdb(binaries, folder / "data", run_as)
        settings = [arg for name, value in SETTINGS.items() for arg in ("-c", f"{name}={value}")]
        log_path = folder / "server.log"
        with log_path.open("wb") as log:  # the server writes to its own copy of the descriptor
            process = subprocess.Popen([*run_as.get("prefix", ()), binaries / "postgres", "-D", folder / "data", "-k",
                                        folder, "-p", str(PORT), *settings], stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=log)
        server = PostgresServer(folder, process, log_path)
        server.wait_ready(deadline)
        return server
    except BaseException:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise


@contextmanager
def postgres_server(timeout: float = 60) -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the length of the block, stopped and removed after it,
    also when the block raises."""
    server = start_server(timeout)
    try:
        yield server
    finally:
        server.stop()
