"""Headless Chromium for the HTML report's test (Debian's ``chromium``, installed by
``.ci/system-deps``; a test never installs it). Missing: the test is skipped, saying so."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed (.ci/system-deps installs Debian's chromium)")
    return found


def run(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Chromium on ``file://page`` with ``args`` (``--dump-dom``, ``--screenshot=...``)."""
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium_path(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
