"""Progress bars on long work (issue 14 item 5): shown on a terminal, absent otherwise.

The terminal is a real pseudo-terminal: the command runs in a subprocess whose standard
error (and output) is the pty's slave side, as it is in a user's shell.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from compliant_scraper.cli import main

NUMBERS = 30_000


def numbers(tmp_path: Path) -> Path:
    listed = tmp_path / "bloctel.txt"
    listed.write_text("".join(f"06{n:08d}\n" for n in range(10_000_000, 10_000_000 + NUMBERS)))
    return listed


def on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``compliant-scraper ARGS`` with a pty as its terminal; (exit code, all it wrote)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "compliant_scraper", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env={**env, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_bloctel_import_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    listed = numbers(tmp_path)
    db = tmp_path / "c.db"
    code, output = on_a_terminal(
        ["bloctel", "import", str(listed), "--date", "2026-08-10", "--db", str(db)], tmp_path
    )
    assert code == 0, output
    assert "Reading bloctel.txt" in output
    assert "100%" in output


def test_bloctel_import_is_quiet_when_not_on_a_terminal(tmp_path: Path) -> None:
    listed = numbers(tmp_path)
    db = tmp_path / "c.db"
    result = CliRunner().invoke(
        main, ["bloctel", "import", str(listed), "--date", "2026-08-10", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "Reading" not in result.output
    assert "%" not in result.output


def test_export_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    from support.tooling import add_contact, make_env

    env = make_env(tmp_path)
    for n in range(50):
        add_contact(env.db, purpose="b2b_email", name=f"P{n}", email=f"p{n}@firm.fr")
    out = tmp_path / "e.jsonl"
    args = ["export", "--purpose", "b2b_email", "--format", "jsonl", "--out", str(out)]
    args += ["--db", str(env.db_path), "--policies", str(env.policies)]
    code, output = on_a_terminal(args, tmp_path)
    assert code == 0, output
    assert "Exporting b2b_email" in output
    assert "100%" in output
    quiet = env.run(*args[:-4], "--out", str(tmp_path / "f.jsonl"), *args[-4:])
    assert quiet.exit_code == 0, quiet.output
    assert "Exporting" not in quiet.output
