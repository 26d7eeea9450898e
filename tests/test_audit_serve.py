"""``audit serve`` leaves nothing behind when it is stopped or killed (issue 9 item 15).

Datasette replaces the command (exec): the process the operator kills is the server itself,
and its metadata is handed over in memory files, so no temporary folder can stay behind.
A stand-in for Datasette (``tests/fixtures/fake_datasette``) says which process serves.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES
from support.tooling import make_env

FAKE = FIXTURES / "fake_datasette"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_killing_audit_serve_stops_the_server_and_leaves_no_folder(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """Before: Datasette ran as a child that outlived a killed command, with its folder."""
    env = make_env(tmp_path)
    env.db.close()
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "compliant_scraper", "audit", "serve", "--db", str(env.db_path),
         "--port", "8799"],
        env={**os.environ, "PYTHONPATH": str(FAKE), "TMPDIR": str(temp)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    server = None
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("serving pid="), line + proc.stderr.read()  # type: ignore[union-attr]
        server = int(line.split()[1].removeprefix("pid="))
        assert "host=127.0.0.1 contacts=True" in line
        assert server == proc.pid  # Datasette is the command's own process
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
        assert not alive(server)
        assert list(temp.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if server is not None and server != proc.pid and alive(server):
            os.kill(server, signal.SIGKILL)  # the child this test caused (before the fix)


def test_serve_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    import sqlite3

    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (a)")
    conn.commit()
    conn.close()
    result = subprocess.run(
        [sys.executable, "-m", "compliant_scraper", "audit", "serve", "--db", str(other)],
        env={**os.environ, "PYTHONPATH": str(FAKE)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "is not a compliant-scraper store" in result.stderr
