"""Tampering with the audit log: every edit, insertion and deletion is caught (R10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database
from support.tooling import add_contact, make_env

from compliant_scraper.store import audit_log
from compliant_scraper.store.database import open_database


def log_with_rows(tmp_path: Path, n: int = 5) -> tuple[Database, Path]:
    path = tmp_path / "c.db"
    db = open_database(path)
    for i in range(n):
        audit_log.append(db, "export", {"export_id": i + 1, "count": 10 * i})
    return db, path


def test_intact_log_verifies(tmp_path: Path) -> None:
    db, path = log_with_rows(tmp_path)
    assert audit_log.verify(db) is None
    head = audit_log.head(db)
    assert head is not None and head.row_id == 5
    anchor = json.loads(Path(f"{path}.audit-head").read_text())
    assert (anchor["id"], anchor["sha256"]) == (5, head.sha256)


def test_edited_row_is_caught(tmp_path: Path) -> None:
    db, _ = log_with_rows(tmp_path)
    db.execute("UPDATE audit_log SET details = ? WHERE id = 3", ['{"count": 0, "export_id": 3}'])
    broken = audit_log.verify(db)
    assert broken == audit_log.Break(3, "row 3: content does not match its sha256")


def test_edited_and_rehashed_row_breaks_the_next_link(tmp_path: Path) -> None:
    db, _ = log_with_rows(tmp_path)
    prev, at, event = db.execute(
        "SELECT prev_sha256, at, event FROM audit_log WHERE id = 3"
    ).fetchone()
    details = '{"count": 0, "export_id": 3}'
    sha = audit_log._row_hash(prev, 3, at, event, details)
    db.execute("UPDATE audit_log SET details = ?, sha256 = ? WHERE id = 3", [details, sha])
    broken = audit_log.verify(db)
    assert broken == audit_log.Break(4, "row 4: prev_sha256 does not match row 3")


def test_deleted_middle_row_is_caught(tmp_path: Path) -> None:
    db, _ = log_with_rows(tmp_path)
    db.execute("DELETE FROM audit_log WHERE id = 2")
    assert audit_log.verify(db) == audit_log.Break(3, "row 2 is missing (found row 3 next)")


def test_inserted_row_is_caught(tmp_path: Path) -> None:
    db, _ = log_with_rows(tmp_path)
    db.execute("UPDATE audit_log SET id = id + 100 WHERE id >= 3")
    db.execute("UPDATE audit_log SET id = id - 99 WHERE id >= 103")
    row = db.execute("SELECT at, sha256 FROM audit_log WHERE id = 2").fetchone()
    db.execute(
        "INSERT INTO audit_log (id, at, event, details, prev_sha256, sha256) "
        "VALUES (3, ?, ?, ?, ?, ?)",
        [row[0], "export", "{}", row[1], audit_log._row_hash(row[1], 3, row[0], "export", "{}")],
    )
    assert audit_log.verify(db) == audit_log.Break(4, "row 4: prev_sha256 does not match row 3")


def test_deleting_the_last_rows_is_caught_by_the_head_anchor(tmp_path: Path) -> None:
    db, _ = log_with_rows(tmp_path)
    db.execute("DELETE FROM audit_log WHERE id >= 4")
    assert audit_log.verify(db) == audit_log.Break(
        4, "rows 4..5 are missing: the head anchor names row 5 but the log ends at row 3"
    )


def test_emptying_the_log_is_caught(tmp_path: Path) -> None:
    db, _ = log_with_rows(tmp_path)
    db.execute("DELETE FROM audit_log")
    assert audit_log.verify(db) == audit_log.Break(
        1, "rows 1..5 are missing: the head anchor names row 5 but the log ends at row 0"
    )


def test_rewritten_anchor_without_the_key_is_caught(tmp_path: Path) -> None:
    db, path = log_with_rows(tmp_path)
    db.execute("DELETE FROM audit_log WHERE id >= 4")
    sha3 = db.execute("SELECT sha256 FROM audit_log WHERE id = 3").fetchone()[0]
    Path(f"{path}.audit-head").write_text(json.dumps({"id": 3, "sha256": sha3, "hmac": "0" * 64}))
    assert audit_log.verify(db) == audit_log.Break(
        3, "the head anchor's HMAC does not match its key"
    )


def test_deleted_anchor_is_caught(tmp_path: Path) -> None:
    db, path = log_with_rows(tmp_path)
    Path(f"{path}.audit-head").unlink()
    broken = audit_log.verify(db)
    assert broken is not None and broken.row_id == 5
    assert f"the head anchor {path}.audit-head is missing" in broken.message


def test_rows_appended_behind_the_anchors_back_are_caught(tmp_path: Path) -> None:
    db, path = log_with_rows(tmp_path)
    anchor = Path(f"{path}.audit-head").read_text()
    audit_log.append(db, "export", {"export_id": 99})
    Path(f"{path}.audit-head").write_text(anchor)
    assert audit_log.verify(db) == audit_log.Break(
        6, "rows 6..6 were added without updating the head anchor"
    )


def test_database_copied_alone_fails_without_a_recorded_head(tmp_path: Path) -> None:
    """A copy without its anchor cannot vouch for its last rows: it fails (it used to say
    intact), unless a head recorded elsewhere is checked."""
    db, path = log_with_rows(tmp_path)
    head = audit_log.head(db)
    db.close()
    copy = tmp_path / "copy" / "c.db"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    other = Database(copy)
    broken = audit_log.verify(other)
    assert broken is not None and "is missing" in broken.message
    assert audit_log.verify(other, expected=head) is None
    assert "deletion of the last rows cannot be ruled out" in audit_log.anchor_state(other)


def test_expected_head_recorded_elsewhere(tmp_path: Path) -> None:
    db, path = log_with_rows(tmp_path)
    head = audit_log.head(db)
    assert head is not None
    db.execute("DELETE FROM audit_log WHERE id = 5")
    Path(f"{path}.audit-head").unlink()
    audit_log.anchor_files(db).key.unlink()  # type: ignore[union-attr]
    assert audit_log.verify(db, expected=head) == audit_log.Break(
        5, "rows 5..5 are missing: the expected head names row 5 but the log ends at row 4"
    )


@pytest.mark.parametrize(
    "text",
    ["5", "x:" + "a" * 64, "5:" + "a" * 63, "5:" + "A" * 64],
)
def test_head_parse_rejects_malformed(text: str) -> None:
    with pytest.raises(ValueError, match="expected ID:SHA256"):
        audit_log.Head.parse(text)


def test_anchor_files_are_owner_only(tmp_path: Path) -> None:
    db, _ = log_with_rows(tmp_path, 1)
    files = audit_log.anchor_files(db)
    assert files is not None
    for file in (files.head, files.key):
        assert file.stat().st_mode & 0o077 == 0
    assert files.key.parent.stat().st_mode & 0o077 == 0


def test_subject_actions_never_log_the_identifier(tmp_path: Path) -> None:
    env = make_env(tmp_path)

    add_contact(
        env.db, name="Jeanne Martin", email="jeanne.martin@cabinet-martin.fr", phone="+33612345678"
    )
    for args in (
        ("subject", "access", "jeanne.martin@cabinet-martin.fr", "--json"),
        ("subject", "object", "+33 6 12 34 56 78", "--yes"),
    ):
        result = env.run(*args, "--db", str(env.db_path))
        assert result.exit_code == 0, result.output
    text = " ".join(r[0] for r in env.db.execute("SELECT details FROM audit_log"))
    assert "jeanne" not in text and "612345678" not in text
    assert "subject_object" in {r[0] for r in env.db.execute("SELECT event FROM audit_log")}


def test_concurrent_writers_leave_an_intact_log_and_anchor(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    open_database(path).close()
    code = (
        "import sys\n"
        "from compliant_scraper.store import audit_log\n"
        "from compliant_scraper.store.database import open_database\n"
        "db = open_database(sys.argv[1])\n"
        "for i in range(40):\n"
        "    audit_log.append(db, 'export', {'writer': sys.argv[2], 'i': i})\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", code, str(path), str(n)]) for n in range(4)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    db = open_database(path)
    assert audit_log.verify(db) is None
    assert db.execute("SELECT count(*) FROM audit_log").fetchone() == (160,)
