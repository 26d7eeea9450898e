"""Real ``redis-server`` and PostgreSQL processes on 127.0.0.1, for tests, benches and the demo.

Each server runs in a temporary folder of its own, on a free TCP port of 127.0.0.1, with a
password; it is started with ``with RedisServer() as redis:`` / ``with PostgresServer() as pg:``
and stopped by its PID when the block ends (SIGTERM / SIGINT, then SIGKILL after a bounded
wait). Nothing here installs anything: the Makefile installs Debian's ``redis-server`` and
``postgresql`` packages; when a binary is absent, ``ServerUnavailable`` says which one.

PostgreSQL refuses to run as root. When this process is root, ``initdb`` and ``postgres`` run as
the ``postgres`` user (the Debian package creates it), executed directly by
``subprocess.Popen(user=..., group=...)`` rather than through ``runuser``/``su``: those stay
as a parent process, so the PID we hold would not be the server's.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final, NamedTuple, Self

START_TIMEOUT: Final = 30.0  # seconds; both start in about one second on this machine
STOP_TIMEOUT: Final = 10.0
_POLL: Final = 0.05
_PG_USER: Final = "postgres"


class ServerUnavailable(RuntimeError):
    """A server binary is not installed (``make system-deps`` installs them)."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def find_redis_server() -> Path:
    found = shutil.which("redis-server")
    if found is None:
        raise ServerUnavailable(
            "redis-server is not installed (Debian package redis-server; `make system-deps`)"
        )
    return Path(found)


def find_postgres_bin() -> Path:
    """The folder holding ``postgres`` and ``initdb``: on PATH, else Debian's newest version."""
    on_path = shutil.which("initdb")
    if on_path is not None and shutil.which("postgres") is not None:
        return Path(on_path).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise ServerUnavailable(
            "PostgreSQL is not installed (Debian package postgresql; `make system-deps`)"
        )
    return candidates[-1].parent


class _Server:
    """A process we started, stopped by its PID."""

    name = "server"
    stop_signal = signal.SIGTERM

    def __init__(self) -> None:
        self.port = 0
        self.password = secrets.token_hex(16)
        self.folder: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._proc.pid

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        raise NotImplementedError

    def _spawn(self, command: Sequence[str], *, as_user: str | None = None) -> None:
        assert self.folder is not None
        self._log = self.folder / f"{self.name}.log"
        run_as = _as_user(as_user)
        with self._log.open("ab") as log:
            self._proc = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                start_new_session=True,  # a Ctrl-C in the terminal is ours to pass on
                user=run_as.user,
                group=run_as.group,
                extra_groups=run_as.extra_groups,
                env=run_as.env,
            )

    def _wait_ready(self, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self._proc.returncode}:\n{self.log()}"
                )
            if ready():
                return
            time.sleep(_POLL)
        raise RuntimeError(f"{self.name} not ready after {START_TIMEOUT} s:\n{self.log()}")

    def log(self) -> str:
        if self._log is None or not self._log.exists():
            return ""
        return self._log.read_text("utf-8", "replace")[-4000:]

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(self.stop_signal)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


class RedisServer(_Server):
    """``redis-server`` on 127.0.0.1 with ``requirepass``, no persistence, in a temp folder."""

    name = "redis-server"

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = find_redis_server()
        self.folder = Path(tempfile.mkdtemp(prefix="cs-redis-"))
        self.port = free_port()
        self._spawn(
            [
                str(binary),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--requirepass",
                self.password,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--daemonize",
                "no",
            ]
        )
        self._wait_ready(self._answers_ping)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(f"AUTH {self.password}\r\nPING\r\n".encode())
                reply = b""
                while b"PONG" not in reply and len(reply) < 200:
                    chunk = sock.recv(200)
                    if not chunk:
                        break
                    reply += chunk
                return b"PONG" in reply
        except OSError:
            return False


class PostgresServer(_Server):
    """A fresh PostgreSQL cluster (``initdb``) on 127.0.0.1, password (SCRAM) authentication.

    ``url`` names the ``postgres`` database; ``create_database(name)`` makes another.
    """

    name = "postgres"
    stop_signal = signal.SIGINT  # "fast" shutdown: SIGTERM would wait for clients to leave
    user = "postgres"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        bindir = find_postgres_bin()
        run_as = _PG_USER if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="cs-pg-"))
        data = self.folder / "data"
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if run_as is not None:
            entry = pwd.getpwnam(run_as)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        pwfile.chmod(0o600)
        initdb = subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                self.user,
                "--pwfile",
                str(pwfile),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--no-sync",
            ],
            cwd=self.folder,
            capture_output=True,
            timeout=120,
            check=False,
            **_as_user(run_as)._asdict(),
        )
        pwfile.unlink()
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed: {initdb.stdout!r} {initdb.stderr!r}")
        self.port = free_port()
        self._spawn(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.folder}",
                "-c",
                "fsync=off",  # test servers: durability is not what they are for
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
            ],
            as_user=run_as,
        )
        self._wait_ready(self._accepts)

    def _accepts(self) -> bool:
        import psycopg

        try:  # a connection the server accepts is a server ready for work
            with psycopg.connect(self.url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def create_database(self, name: str) -> str:
        """``CREATE DATABASE name``; its URL."""
        from ..store.postgres import create_database

        create_database(self.url, name)
        return self.url_for(name)


class _RunAs(NamedTuple):
    user: int | None = None
    group: int | None = None
    extra_groups: list[int] | None = None
    env: dict[str, str] | None = None


def _as_user(name: str | None) -> _RunAs:
    """How to run a child as ``name`` (None: as this process)."""
    if name is None:
        return _RunAs()
    entry = pwd.getpwnam(name)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": entry.pw_dir, "LANG": "C.UTF-8"}
    return _RunAs(entry.pw_uid, entry.pw_gid, [], env)
