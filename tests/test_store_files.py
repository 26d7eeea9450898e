"""The store's files (issue 9 item 13, issue 10 items 9 and 12).

- Reporting commands open the database read-only: on a read-only copy they work and change
  nothing (no migration, no chmod); pointed at another program's SQLite file, every command
  refuses it with a clear error and leaves it as it was; only writing commands migrate an
  older schema, and they say so.
- An erased email or phone is not left in the file's free pages or its write-ahead log.
- The database and the key files are opened without following symbolic links; key files must
  be regular files owned by the user with mode 0600.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.tooling import add_contact, filled_env

from compliant_scraper.errors import StoreError
from compliant_scraper.opposition.suppression import SuppressionKeyError, load_or_create_key
from compliant_scraper.store import audit_log, schema, schema_tooling
from compliant_scraper.store import sqlite as sqlite_backend
from compliant_scraper.store.database import open_database, open_read_only
from compliant_scraper.store.sqlite_store import SqliteStore

REPORTING = [
    ["audit"],
    ["audit", "verify"],
    ["provenance", "jeanne.martin@cabinet-martin.fr"],
    ["register"],
    ["notice", "due"],
    ["notice", "show", "1"],
    ["bloctel", "status"],
    ["purge", "--dry-run"],
]
WRITING = [
    ["purge"],
    ["subject", "erase", "jeanne.martin@cabinet-martin.fr", "--yes"],
    ["subject", "contacted", "1", "--on", "2026-01-02", "--how", "reply"],
    ["export", "--purpose", "b2b_email", "--format", "csv", "--out", "x.csv"],
    ["notice", "sent", "1", "--on", "2026-01-02", "--channel", "email"],
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def evidence_copy(tmp_path: Path, prefix: str) -> tuple[Path, Path, str]:
    """A filled store copied (with its anchor files and policies) to a new folder under
    /tmp that any user can reach: (copy, policies, head recorded before the copy)."""
    env = filled_env(tmp_path / "src")
    env.db.close()
    head = audit_log.head(open_read_only(env.db_path))
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o755)
    for file in env.db_path.parent.glob(env.db_path.name + "*"):
        shutil.copy(file, folder / file.name)
    copy = folder / env.db_path.name
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # an evidence copy: one self-contained file
    conn.close()
    for side in ("-wal", "-shm"):  # closed cleanly, as a copy handed over would be
        Path(f"{copy}{side}").unlink(missing_ok=True)
    policies = folder / "policies"
    shutil.copytree(env.policies, policies)
    return copy, policies, str(head)


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    """A filled store copied (with its anchor files) to a folder nobody may write."""
    copy, policies, head = evidence_copy(tmp_path, "cs-readonly-")
    folder = copy.parent
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            os.chmod(Path(root) / name, 0o444)
        for name in dirs:
            os.chmod(Path(root) / name, 0o555)
    os.chmod(folder, 0o555)
    try:
        yield copy, policies, head
    finally:
        for root, dirs, _files in os.walk(folder):
            for name in dirs:
                os.chmod(Path(root) / name, 0o755)
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


def as_another_user() -> list[str]:
    """Run as ``nobody`` when the tests run as root (root may write a 0444 file anyway)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "setpriv (util-linux) is needed to test read-only files as root"
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.parametrize("command", REPORTING, ids=" ".join)
def test_reporting_commands_work_on_a_read_only_copy(
    read_only_copy: tuple[Path, Path, str], command: list[str]
) -> None:
    """Before: "attempt to write a readonly database" (and, as its owner, a chmod). The
    auditor has the copy and a head recorded earlier, not the anchor's key."""
    copy, policies, head = read_only_copy
    before = (digest(copy), stat.S_IMODE(copy.stat().st_mode), sorted(os.listdir(copy.parent)))
    extra = ["--policies", str(policies)] if command[0] in ("audit", "register", "notice") else []
    if command[:2] in (["bloctel", "status"], ["purge", "--dry-run"]):
        extra = []
    if command[:2] == ["audit", "verify"]:
        extra = ["--head", head]
    if command[:2] == ["notice", "due"]:
        extra = []
    result = subprocess.run(
        [*as_another_user(), sys.executable, "-m", "compliant_scraper", *command,
         "--db", str(copy), *extra],
        capture_output=True, text=True, timeout=120, check=False, cwd=copy.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "readonly" not in result.stderr
    after = (digest(copy), stat.S_IMODE(copy.stat().st_mode), sorted(os.listdir(copy.parent)))
    assert after == before


@pytest.mark.parametrize("protected", [False, True], ids=["writable", "write-protected"])
@pytest.mark.parametrize("command", REPORTING[:4], ids=" ".join)
def test_reporting_commands_leave_no_file_beside_a_copy(
    tmp_path: Path, command: list[str], protected: bool
) -> None:
    """The copy's folder is writable: before, SQLite's read-only connection created
    ``-wal`` and ``-shm`` beside the copy and nothing removed them (an auditor's evidence
    folder gained two files). Write-protected: a 0444 copy read by a user who cannot write
    it (``nobody`` when the tests run as root); writable: its owner."""
    copy, policies, head = evidence_copy(tmp_path, "cs-copy-")
    os.chmod(copy.parent, 0o777)  # a folder the reader may write into
    try:
        os.chmod(copy, 0o444 if protected else 0o644)
        for other in copy.parent.glob(copy.name + ".*"):
            os.chmod(other, 0o644)
        before = (digest(copy), sorted(os.listdir(copy.parent)))
        extra = {"audit": ["--policies", str(policies)], "register": ["--policies", str(policies)]}
        args = [*command, "--db", str(copy), *extra.get(command[0], [])]
        if command[:2] == ["audit", "verify"]:
            args = [*command, "--db", str(copy), "--head", head]
        user = as_another_user() if protected else []
        result = subprocess.run(
            [*user, sys.executable, "-m", "compliant_scraper", *args],
            capture_output=True, text=True, timeout=120, check=False, cwd=copy.parent,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert (digest(copy), sorted(os.listdir(copy.parent))) == before
    finally:
        shutil.rmtree(copy.parent)


def test_a_reader_never_removes_the_files_of_a_writer_still_open(tmp_path: Path) -> None:
    """The reader made the -wal/-shm (none existed when it opened), a crawl opened after it
    and is still writing when the reader closes: the files stay, nothing is lost."""
    path = tmp_path / "c.db"
    open_database(path).close()
    reader = open_read_only(path)
    assert Path(f"{path}-wal").exists()  # made by the reader
    writer = open_database(path)
    audit_log.append(writer, "export", {"n": 1})
    reader.close()
    assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
    audit_log.append(writer, "export", {"n": 2})
    writer.close()
    conn = sqlite3.connect(path)
    kinds = [r[0] for r in conn.execute("SELECT json_extract(details, '$.n') FROM audit_log")]
    conn.close()
    assert kinds[-2:] == [1, 2]
    left = {p.name for p in tmp_path.iterdir()} & {"c.db-wal", "c.db-shm"}
    assert left == set()  # the last to close (the writer) removed them


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """Another program's SQLite database."""
    path = tmp_path / "firefox-places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.test/')")
    conn.commit()
    conn.close()
    os.chmod(path, 0o644)
    return path


@pytest.mark.parametrize("command", REPORTING + WRITING, ids=" ".join)
def test_every_command_refuses_another_programs_database(
    foreign: Path, tmp_path: Path, command: list[str]
) -> None:
    """Before: exit 0, 17 tables added, the file made owner-only."""
    from click.testing import CliRunner

    from compliant_scraper.cli import main

    before = (digest(foreign), stat.S_IMODE(foreign.stat().st_mode))
    policies = filled_env(tmp_path / "env").policies
    extra = ["--policies", str(policies)] if command[0] in ("export",) else []
    result = CliRunner().invoke(main, [*command, "--db", str(foreign), *extra])
    assert result.exit_code == 1, result.output
    assert f"{foreign} is not a compliant-scraper store" in result.output
    assert "moz_places" in result.output
    assert (digest(foreign), stat.S_IMODE(foreign.stat().st_mode)) == before
    assert sorted(os.listdir(foreign.parent)) == sorted([foreign.name, "env"])


def test_a_crawl_refuses_another_programs_database(foreign: Path) -> None:
    before = digest(foreign)
    with pytest.raises(StoreError, match="is not a compliant-scraper store"):
        SqliteStore.open(foreign)
    assert digest(foreign) == before and stat.S_IMODE(foreign.stat().st_mode) == 0o644


def test_only_writing_commands_migrate_an_older_store_and_say_so(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from compliant_scraper.cli import main

    path = _older_store(tmp_path / "old.db")
    before = digest(path)
    report = CliRunner().invoke(main, ["audit", "verify", "--db", str(path)])
    assert report.exit_code == 1
    assert "has an older schema (not applied: t006_notice_ledger_time, t007_" in report.output
    assert digest(path) == before
    write = CliRunner().invoke(main, ["purge", "--db", str(path)])
    assert write.exit_code == 0, write.output
    assert f"Upgraded the schema of the store {path}: applied t006_notice_ledger_time" in (
        write.output
    )
    again = CliRunner().invoke(main, ["purge", "--db", str(path)])
    assert "Upgraded" not in again.output


def _older_store(path: Path) -> Path:
    db = sqlite_backend.SqliteDb(path)
    schema.migrations.apply(db)
    schema_tooling.migrations.apply(db, stop_before="t006_notice_ledger_time")
    db.close()
    return path


@pytest.mark.parametrize("command", [["purge"], ["export", "--purpose", "p", "--format", "csv"]])
def test_a_writing_command_says_the_upgrade_once(tmp_path: Path, command: list[str]) -> None:
    """Before: the line was printed, and logged by the store (Python's last-resort handler
    writes a WARNING to standard error when no logging is set up): twice."""
    path = _older_store(tmp_path / "old.db")
    done = subprocess.run(
        [sys.executable, "-m", "compliant_scraper", *command, "--db", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.stderr.count("Upgraded the schema of the store") == 1, done.stderr


# -- secure deletion (issue 10 item 9) ---------------------------------------------------------

SECRET_EMAIL = "zelie.quintard-secret@unique-mailbox.fr"
SECRET_PHONE = "+33687654321"


def test_an_erased_person_is_not_left_in_the_files_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On builds where ``secure_delete`` is off by default (this one has it on: the test
    turns it off on every new connection, as such a build would), the erased values stayed
    in free pages and in the write-ahead log."""
    real_connect = sqlite3.connect

    def connect_without_secure_delete(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(sqlite_backend.sqlite3, "connect", connect_without_secure_delete)
    env = filled_env(tmp_path)
    add_contact(env.db, name="Zélie Quintard", email=SECRET_EMAIL, phone=SECRET_PHONE)
    env.db.close()
    files = [env.db_path, *(env.db_path.with_name(env.db_path.name + s) for s in ("-wal",))]
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    assert SECRET_EMAIL.encode() in raw  # the value is there before the erasure
    result = env.run("subject", "erase", SECRET_EMAIL, "--yes", "--db", str(env.db_path))
    assert result.exit_code == 0, result.output
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    assert SECRET_EMAIL.encode() not in raw
    assert SECRET_PHONE.encode() not in raw


# -- symbolic links and key files (issue 10 item 12) -------------------------------------------


def test_a_symlinked_database_is_refused_and_its_target_untouched(
    tmp_path: Path, foreign: Path
) -> None:
    link = tmp_path / "compliance.db"
    link.symlink_to(foreign)
    for opener in (open_database, open_read_only, SqliteStore.open):
        with pytest.raises(StoreError, match="is a symbolic link"):
            opener(link)
    assert stat.S_IMODE(foreign.stat().st_mode) == 0o644
    tables = sqlite3.connect(foreign).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("moz_places",)]


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_symlinked_file_beside_the_database_is_refused(tmp_path: Path, suffix: str) -> None:
    """Before: only the database was checked; SQLite followed ``compliance.db-wal`` -> a
    file elsewhere and wrote its pages into it."""
    path = tmp_path / "compliance.db"
    open_database(path).close()
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file\n")
    Path(f"{path}{suffix}").symlink_to(target)
    for opener in (open_database, open_read_only, SqliteStore.open):
        with pytest.raises(StoreError, match=f"compliance.db{suffix} is a symbolic link"):
            opener(path)
    assert target.read_text() == "someone else's file\n"


def test_a_symlinked_suppression_key_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "attacker.key"
    real.write_text("ab" * 32 + "\n")
    os.chmod(real, 0o600)
    link = tmp_path / "c.db.key"
    link.symlink_to(real)
    with pytest.raises(SuppressionKeyError, match="symbolic link"):
        load_or_create_key(link)


def test_a_dangling_key_link_is_not_followed_to_create_a_file(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "planted.key"
    target.parent.mkdir()
    link = tmp_path / "c.db.key"
    link.symlink_to(target)
    with pytest.raises(SuppressionKeyError, match="symbolic link"):
        load_or_create_key(link)
    assert not target.exists()


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "c.db.key"
    load_or_create_key(key)
    os.chmod(key, 0o640)
    with pytest.raises(SuppressionKeyError, match="chmod 600"):
        load_or_create_key(key)


def test_a_key_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "c.db.key"
    load_or_create_key(key)
    if os.geteuid() == 0:
        os.chown(key, 65534, 65534)
        with pytest.raises(SuppressionKeyError, match="another user"):
            load_or_create_key(key)
    else:  # an ordinary user cannot give a file away: the check reads the owner
        assert key.stat().st_uid == os.geteuid()
        assert load_or_create_key(key) == load_or_create_key(key)
