"""A user's own Scrapy project, as ``scrapy startproject`` makes it, with the add-on enabled.

``UserProject.create(tmp_path)`` runs the real ``scrapy startproject acme`` in a
subprocess, appends the README's ``ADDONS`` line and the given settings to
``acme/acme/settings.py``, copies a policy registry to ``acme/policies`` and writes the
given spiders and pipelines. ``project.crawl(name, cwd=..., env=world.env())`` then runs
``scrapy crawl NAME`` from any folder of it, the way a user types it: no
``SCRAPY_SETTINGS_MODULE``, no ``-s`` unless asked, relative paths left to the add-on.
``project.cli(...)`` runs ``compliant-scraper`` there the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_PROXY_VARIABLE: Final = re.compile(r"^(http|https|all|no|ftp)_proxy$", re.IGNORECASE)
_CLEARED: Final = ("SCRAPY_SETTINGS_MODULE", "COMPLIANCE_DB", "COMPLIANCE_POLICY_DIR")
TIMEOUT: Final = 120.0
NAME: Final = "acme"

# Fast, deterministic crawls of a local world (see conftest.BASE_SETTINGS).
BASE_LINES: Final = """
ADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS_PER_DOMAIN = 16
DOWNLOAD_TIMEOUT = 2
RETRY_TIMES = 0
CLOSESPIDER_TIMEOUT = 90
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "DEBUG"
"""


@dataclass(frozen=True)
class Run:
    command: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stderr + self.stdout

    def lines(self, word: str) -> list[str]:
        return [line for line in self.output.splitlines() if word in line]

    def __repr__(self) -> str:
        tail = "\n".join(self.output.splitlines()[-60:])
        return f"{' '.join(self.command)} exited {self.returncode}\n{tail}"


@dataclass(frozen=True)
class UserProject:
    root: Path  # the folder holding scrapy.cfg

    @property
    def package(self) -> Path:
        return self.root / NAME

    @property
    def spiders(self) -> Path:
        return self.package / "spiders"

    @classmethod
    def create(
        cls,
        where: Path,
        policies: Path,
        settings: str = "",
        files: Mapping[str, str] | None = None,
    ) -> UserProject:
        """``scrapy startproject acme`` in ``where``; ``files`` maps a path under the
        package (``spiders/people.py``, ``pipelines.py``) to its text (appended)."""
        where.mkdir(parents=True, exist_ok=True)
        made = _run([sys.executable, "-m", "scrapy", "startproject", NAME], where, _env({}))
        assert made.returncode == 0, made
        project = cls(where / NAME)
        shutil.copytree(policies, project.root / "policies")
        with (project.package / "settings.py").open("a", encoding="utf-8") as fh:
            fh.write(BASE_LINES + settings)
        for name, text in (files or {}).items():
            path = project.package / name
            with path.open("a", encoding="utf-8") as fh:
                fh.write(text)
        return project

    def crawl(
        self,
        spider: str,
        *,
        env: Mapping[str, str],
        cwd: Path | None = None,
        options: Sequence[str] = (),
        command: Sequence[str] = (),
    ) -> Run:
        """``scrapy crawl SPIDER`` from ``cwd`` (default: the spiders folder); ``command``
        runs another Scrapy command instead (``["shell", "-c", "...", URL]``)."""
        for name in ("http_proxy", "https_proxy"):
            if not env.get(name, "").startswith("http://127.0.0.1:"):
                raise AssertionError(f"a crawl needs {name} pointing at a local world: {env!r}")
        scrapy = [sys.executable, "-m", "scrapy"]
        args = list(command) if command else ["crawl", spider, *options]
        command = [*scrapy, *args]
        return _run(list(command), cwd or self.spiders, _env(env))

    def cli(self, *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Run:
        """``compliant-scraper ARGS`` from ``cwd`` (default: the spiders folder)."""
        script = Path(sys.executable).with_name("compliant-scraper")
        base = [str(script)] if script.exists() else [sys.executable, "-m", "compliant_scraper"]
        return _run([*base, *args], cwd or self.spiders, _env(env or {}))


def _env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not _PROXY_VARIABLE.match(k) and k not in _CLEARED
    }
    env.update(extra)
    return env


def _run(command: list[str], cwd: Path, env: Mapping[str, str]) -> Run:
    """Run ``command`` in its own process group (conftest's runner, killed at TIMEOUT)."""
    from conftest import _run as run_group

    stdout, stderr, code = run_group(command, cwd, env, TIMEOUT)
    return Run(command, code, stdout, stderr)
