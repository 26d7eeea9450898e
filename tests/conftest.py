"""Shared test support: the fixture world and real crawls in subprocesses.

- ``world``: the virtual hosts of ``tests/fixtures/world`` behind a logging forward proxy on
  127.0.0.1 (``compliant_scraper.demo.world.VirtualWorld``), started and stopped per test.
- ``trap_world``: an empty world (every host answers 502) that only logs: point a crawl's
  environment proxy at it to catch requests that should have gone elsewhere.
- ``run_crawl``: runs a real ``scrapy crawl NAME`` / ``scrapy runspider FILE`` in a subprocess,
  every request going through a world, and returns a ``CrawlResult`` (exit code, output, db).
- ``import_bloctel``: the ``compliant-scraper bloctel import`` command, as a user runs it.

docs/testing.md explains the world, how to add a host or a behaviour, and how to run these.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final, Protocol

import pytest
from sqlite_utils import Database

# Fixtures for real redis-server and PostgreSQL processes (tests/support/servers.py).
from support.servers import (  # noqa: F401
    _postgres_shared,
    postgres_schema_url,
    postgres_server,
    postgres_url,
    redis_server,
    redis_url,
)

# Each store test on both backends (tests/support/stores.py).
from support.stores import store, store_db  # noqa: F401

from compliant_scraper.demo.world import VirtualWorld

# The audit log's anchor keys live in the user's config folder, never beside the database
# (issue 10 item 13): the tests get a folder of their own, so none writes into the real one.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cs-tests-config-")
os.environ.pop("COMPLIANCE_AUDIT_KEY_FILE", None)

ROOT: Final = Path(__file__).resolve().parents[1]
FIXTURES: Final = ROOT / "tests" / "fixtures"
WORLD_DIR: Final = FIXTURES / "world"
POLICY_DIR: Final = FIXTURES / "policies"
SPIDERS_DIR: Final = ROOT / "tests" / "spiders"
DEFAULT_PURPOSE: Final = "test_b2b_post"
CRAWL_TIMEOUT: Final = 120  # seconds; a crawl of the fixture world takes a few
SETTINGS_MODULE: Final = "compliant_scraper.settings"

# Fast and deterministic crawls of a local world. DOWNLOAD_TIMEOUT is shorter than the
# world's "timeout" delay (5 s), so a timeout is a timeout.
BASE_SETTINGS: Final[Mapping[str, str]] = {
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_TIMEOUT": "2",
    "RETRY_TIMES": "0",
    "CLOSESPIDER_TIMEOUT": "90",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "DEBUG",
    # runspider also loads the project's spiders; one that does not import must not
    # break a test about something else.
    "SPIDER_LOADER_WARN_ONLY": "True",
}
_PROXY_VARIABLE: Final = re.compile(r"^(http|https|all|no|ftp)_proxy$", re.IGNORECASE)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "e2e: end-to-end test: real scrapy crawls in subprocesses through the fixture world "
        "(deselect with -m 'not e2e')",
    )


# -- the fixture world ----------------------------------------------------------------------


@pytest.fixture
def world() -> Iterator[VirtualWorld]:
    with VirtualWorld(WORLD_DIR) as started:
        yield started


@pytest.fixture
def trap_world() -> Iterator[VirtualWorld]:
    with VirtualWorld() as started:
        yield started


# -- crawls -----------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class CrawlResult:
    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    workdir: Path
    db_path: Path

    @property
    def output(self) -> str:
        """Everything the crawl printed (Scrapy logs to stderr)."""
        return self.stderr + self.stdout

    def parsed(self, marker: str) -> set[str]:
        """URLs a test spider logged as ``<marker> <url>`` (pages its callback received)."""
        found = re.findall(rf"{re.escape(marker)} (\S+)", self.output)
        return set(found)

    def db(self) -> Database:
        """The crawl's database, opened read-only (the crawl has ended)."""
        if not self.db_path.exists():
            raise AssertionError(f"the crawl created no database at {self.db_path}\n{self.tail()}")
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        return Database(conn)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        db = self.db()
        try:
            cursor = db.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            db.close()

    def refusals(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM refusals ORDER BY id")

    def raw_bytes(self) -> bytes:
        """The bytes of the database file and of any journal beside it."""
        parts = [self.db_path, *(self.db_path.with_name(self.db_path.name + s) for s in _SIDE)]
        return b"".join(p.read_bytes() for p in parts if p.exists())

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])

    def __repr__(self) -> str:  # what pytest shows when an assertion on a result fails
        return f"crawl exited {self.returncode}: {' '.join(self.command[2:])}\n{self.tail()}"


_SIDE: Final = ("-wal", "-journal", "-shm")


class RunCrawl(Protocol):
    def __call__(
        self,
        spider: str | Path,
        workdir: Path,
        *,
        env: Mapping[str, str],
        settings: Mapping[str, str] | None = None,
        args: Mapping[str, str] | None = None,
        policy_dir: Path = POLICY_DIR,
        purpose: str | None = DEFAULT_PURPOSE,
        timeout: float = CRAWL_TIMEOUT,
    ) -> CrawlResult: ...


def run_crawl(
    spider: str | Path,
    workdir: Path,
    *,
    env: Mapping[str, str],
    settings: Mapping[str, str] | None = None,
    args: Mapping[str, str] | None = None,
    policy_dir: Path = POLICY_DIR,
    purpose: str | None = DEFAULT_PURPOSE,
    timeout: float = CRAWL_TIMEOUT,
) -> CrawlResult:
    """Run ``scrapy crawl SPIDER`` (a name) or ``scrapy runspider SPIDER`` (a .py path).

    The crawl runs in ``workdir`` with the bundled project's settings (and so the add-on),
    the given policy directory and purpose, its database at ``workdir/compliance.db``, and
    ``env`` on top of a copy of this process's environment from which every proxy variable
    was removed. ``env`` must route HTTP and HTTPS through a world on 127.0.0.1
    (``world.env()``): no test traffic may leave the machine.
    """
    _check_proxied(env)
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "compliance.db"
    all_settings = {
        **BASE_SETTINGS,
        "COMPLIANCE_POLICY_DIR": str(policy_dir),
        "COMPLIANCE_DB": str(db_path),
        **({"COMPLIANCE_PURPOSE": purpose} if purpose is not None else {}),
        **(settings or {}),
    }
    spider_path = Path(spider) if str(spider).endswith(".py") else None
    command = [sys.executable, "-m", "scrapy"]
    command += ["runspider", str(spider_path)] if spider_path else ["crawl", str(spider)]
    for name, value in all_settings.items():
        command += ["-s", f"{name}={value}"]
    for name, value in (args or {}).items():
        command += ["-a", f"{name}={value}"]
    full_env = {k: v for k, v in os.environ.items() if not _PROXY_VARIABLE.match(k)}
    full_env.update({"SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE, **env})
    stdout, stderr, code = _run(command, workdir, full_env, timeout)
    return CrawlResult(command, code, stdout, stderr, workdir, db_path)


def _check_proxied(env: Mapping[str, str]) -> None:
    for name in ("http_proxy", "https_proxy"):
        if not env.get(name, "").startswith("http://127.0.0.1:"):
            raise AssertionError(f"run_crawl needs {name} pointing at a local world: {env!r}")


def _run(
    command: list[str], cwd: Path, env: Mapping[str, str], timeout: float
) -> tuple[str, str, int]:
    """Run ``command`` in its own process group; kill that group if it outlives ``timeout``."""
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"crawl still running after {timeout} s: {command}\n{stderr[-4000:]}")
    return stdout, stderr, proc.returncode


@pytest.fixture(scope="session")
def crawl() -> RunCrawl:
    """``run_crawl`` as a fixture (usable from module-scoped fixtures too)."""
    return run_crawl


# -- opposition lists -------------------------------------------------------------------------


def import_bloctel(
    list_file: Path, db_path: Path, list_date: date
) -> subprocess.CompletedProcess[str]:
    """``compliant-scraper bloctel import FILE --date DATE --db PATH``, as a user runs it."""
    script = Path(sys.executable).with_name("compliant-scraper")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "compliant_scraper"]
    command = [*base, "bloctel", "import", str(list_file), "--date", list_date.isoformat()]
    command += ["--db", str(db_path)]
    env = {k: v for k, v in os.environ.items() if not _PROXY_VARIABLE.match(k)}
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
