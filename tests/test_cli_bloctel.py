from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compliant_scraper.cli import main
from compliant_scraper.store.database import open_database
from compliant_scraper.store.opposition import active_list
from compliant_scraper.store.postgres import close_pool, open_postgres, redacted


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["bloctel", *args])


def write(tmp_path: Path, text: str, name: str = "list.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_args(path: Path, db: Path | str, day: str = "2026-11-20", *more: str) -> list[str]:
    return ["import", str(path), "--date", day, "--db", str(db), *more]


def test_import(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    path = write(tmp_path, "numero;date\n06 12 34 56 78;x\n+33612345678;y\n0033781234567;z\n")
    result = run(*import_args(path, db))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(
        rf"Imported the Bloctel list \(FR\) dated 2026-11-20 from {re.escape(str(path))}: "
        r"2 numbers \(1 duplicate\) in \d+\.\d s\.",
        lines[0],
    )
    assert lines[1:] == ["Skipped the header row."]
    info = active_list(open_database(db), "bloctel")
    assert info is not None and (info.count, info.list_date) == (2, date(2026, 11, 20))


def test_invalid_lines_nothing_imported(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    path = write(tmp_path, "0612345678\nabc\n0781234567\n06 12\n")
    result = run(*import_args(path, db))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: 2 invalid lines (2, 4); nothing imported; "
        "use --skip-invalid to import the valid lines\n"
    )
    assert active_list(open_database(db), "bloctel") is None


def test_skip_invalid(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    path = write(tmp_path, "0612345678\nabc\n0781234567\n06 12\n")
    result = run(*import_args(path, db, "2026-11-20", "--skip-invalid"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["Skipped 2 invalid lines (2, 4)."]


def test_unallocated_numbers_are_imported(tmp_path: Path) -> None:
    """Issue 9 item 2: +33 7 00 00 00 00 is well-formed; the list keeps it."""
    db = tmp_path / "c.db"
    result = run(*import_args(write(tmp_path, "+33 7 00 00 00 00\n0612345678\n"), db))
    assert result.exit_code == 0, result.output
    info = active_list(open_database(db), "bloctel")
    assert info is not None and (info.count, info.skipped_lines) == (2, 0)


def test_newer_replaces_older_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert run(*import_args(write(tmp_path, "0612345678\n", "a.txt"), db)).exit_code == 0
    newer = run(*import_args(write(tmp_path, "0781234567\n", "b.txt"), db, "2026-11-21"))
    assert newer.exit_code == 0, newer.output
    assert newer.output.splitlines()[1:] == ["It replaces the list dated 2026-11-20 (1 number)."]
    older = write(tmp_path, "0142685300\n", "c.txt")
    result = run(*import_args(older, db, "2026-11-01"))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {older}: the active Bloctel list is dated 2026-11-21; a list dated 2026-11-01 "
        "is older and cannot replace it; nothing imported\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "--date: expected YYYY-MM-DD, got '2026-13-01'"),
        (["--date", "20261120"], "--date: expected YYYY-MM-DD, got '20261120'"),
        (["--date", "yesterday"], "--date: expected YYYY-MM-DD, got 'yesterday'"),
        ([], "--date is required: the date of the list (YYYY-MM-DD)"),
        (["--date", "2026-11-20", "--name", "Bloc tel"], "list name 'Bloc tel': use lower-case "),
        (["--date", "2026-11-20", "--jurisdiction", "FRA"], "jurisdiction 'FRA': expected a two"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "c.db"
    result = run("import", str(write(tmp_path, "0612345678\n")), "--db", str(db), *args)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}")
    assert len(result.output.splitlines()) == 1
    assert not db.exists()  # nothing created for a command that could not run


def test_future_date(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    future = (today + timedelta(days=2)).isoformat()
    db = tmp_path / "c.db"
    result = run(*import_args(write(tmp_path, "0612345678\n"), db, future))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --date: {future} is in the future (today is {today.isoformat()})\n"
    )
    assert not db.exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [("missing.txt", "No such file or directory"), ("adir", "Is a directory")],
)
def test_unreadable_file(tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / "adir").mkdir()
    db = tmp_path / "c.db"
    path = tmp_path / name
    result = run(*import_args(path, db))
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: {reason}\n"
    assert not db.exists()


def test_other_lists(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    path = write(tmp_path, "612 34 56 78\n")
    args = ["--name", "robinson", "--jurisdiction", "ES", "--region", "ES"]
    result = run(*import_args(path, db, "2026-11-20", *args))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported the Lista Robinson list (ES) dated 2026-11-20")


def test_status(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    missing = run("status", "--db", str(db))
    assert (missing.exit_code, missing.output) == (1, f"Error: no database at {db}\n")
    open_database(db).close()
    empty = run("status", "--db", str(db))
    assert empty.exit_code == 0
    assert empty.output == (
        f"No opposition list imported in {db}.\n"
        f"Suppression list: 0 entries; key file {db}.key (missing)\n"
    )
    path = write(tmp_path, "0612345678\n0781234567\n")
    # Bloctel closed on 10 August 2026 (law.py): its last list is a final list.
    assert run(*import_args(path, db, "2026-08-01")).exit_code == 0
    assert run(*import_args(path, db, "2026-11-20", "--name", "robinson")).exit_code == 0
    status = run("status", "--db", str(db))
    assert status.exit_code == 0
    age = (datetime.now(UTC).date() - date(2026, 11, 20)).days
    assert re.fullmatch(
        r"Bloctel \(FR\): dated 2026-08-01 \(final list \(register closed on 2026-08-10\); "
        r"9 days old at the closing date\), 2 numbers, "
        r"imported \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, sha256 [0-9a-f]{64}",
        status.output.splitlines()[0],
    )
    assert re.fullmatch(
        rf"Lista Robinson \(FR\): dated 2026-11-20 \({age} days? old\), 2 numbers, .*",
        status.output.splitlines()[1],
    )


def test_python_dash_m(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    path = write(tmp_path, "0612345678\nabc\n")
    command = [sys.executable, "-m", "compliant_scraper", "bloctel", *import_args(path, db)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: {path}: 1 invalid line (2); nothing imported; "
        "use --skip-invalid to import the valid lines\n"
    )


@pytest.mark.parametrize("command", ["import", "status"])
def test_not_a_database(tmp_path: Path, command: str) -> None:
    db = write(tmp_path, "this is not sqlite, " * 100, "c.db")
    args = import_args(write(tmp_path, "0612345678\n"), db) if command == "import" else []
    result = run(*(args or ["status", "--db", str(db)]))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {db} is not a compliant-scraper store: SQLite cannot read it (file is not a "
        "database). Pass --db (or COMPLIANCE_DB) the store's path\n"
    )


def test_import_and_status_on_a_postgresql_store(postgres_schema_url: str, tmp_path: Path) -> None:
    """Cluster mode (issue 15): the list lives in the shared store, where every worker
    screens against it; the same checks as on a file. The URL's password is never shown."""
    url = postgres_schema_url
    shown = redacted(url)
    try:
        unused = run("status", "--db", url)
        assert (unused.exit_code, unused.output) == (
            1,
            f"Error: {shown} holds no compliant-scraper store yet (a crawl or a writing "
            "command such as bloctel import creates it)\n",
        )
        open_postgres(url).close()  # migrated: a store with no list
        empty = run("status", "--db", url)
        assert empty.exit_code == 0, empty.output
        assert empty.output == (
            f"No opposition list imported in {shown}.\n"
            "Suppression list: 0 entries; key file not checked (--key-file)\n"
        )
        path = write(tmp_path, "numero\n06 12 34 56 78\n+33612345678\n0781234567\n")
        done = run(*import_args(path, url))
        assert done.exit_code == 0, done.output
        assert done.output.splitlines()[0].startswith(
            f"Imported the Bloctel list (FR) dated 2026-11-20 from {path}: 2 numbers (1 duplicate)"
        )
        older = write(tmp_path, "0142685300\n", "older.txt")
        refused = run(*import_args(older, url, "2026-11-01"))
        assert refused.exit_code == 1
        assert "is older and cannot replace it; nothing imported" in refused.output
        key = tmp_path / "suppression.key"
        status = run("status", "--db", url, "--key-file", str(key))
        assert status.exit_code == 0, status.output
        first, second = status.output.splitlines()
        assert first.startswith("Bloctel (FR): dated 2026-11-20 (")
        assert ", 2 numbers, imported " in first
        assert second == f"Suppression list: 0 entries; key file {key} (missing)"
        password = url.split("@")[0].rsplit(":", 1)[1]
        for result in (unused, empty, done, refused, status):
            assert password not in result.output
        db = open_postgres(url)
        info = active_list(db, "bloctel")
        assert info is not None and (info.count, info.list_date) == (2, date(2026, 11, 20))
        db.close()
    finally:
        close_pool(url)
