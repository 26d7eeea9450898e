"""Issue 14's smaller findings: a bad ``--region`` is an option error, and no command makes
the folder of a mistyped ``--db``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compliant_scraper.cli import main
from compliant_scraper.errors import StoreError
from compliant_scraper.store.database import open_database


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command",
    [
        ["bloctel", "import", "LIST", "--date", "2026-08-01", "--db", "DB"],
        ["provenance", "1", "--db", "DB"],
        ["subject", "access", "1", "--db", "DB"],
    ],
)
@pytest.mark.parametrize("region", ["France", "F", "ZZ"])
def test_a_bad_region_is_an_option_error(tmp_path: Path, command: list[str], region: str) -> None:
    (tmp_path / "list.txt").write_text("0612345678\n")
    args = [a.replace("LIST", str(tmp_path / "list.txt")) for a in command]
    args = [a.replace("DB", str(tmp_path / "c.db")) for a in args]
    code, output = _run(*args, "--region", region)
    assert code == 2
    assert "Invalid value for '--region': expected a two-letter country code" in output
    assert repr(region) in output
    assert not (tmp_path / "c.db").exists()


def test_a_region_in_lower_case_is_read(tmp_path: Path) -> None:
    (tmp_path / "list.txt").write_text("0612345678\n")
    code, output = _run(
        "bloctel", "import", str(tmp_path / "list.txt"), "--date", "2026-08-01",
        "--db", str(tmp_path / "c.db"), "--region", "fr",
    )  # fmt: skip
    assert code == 0, output
    assert "1 number" in output


def test_no_folder_is_made_for_a_mistyped_db(tmp_path: Path) -> None:
    (tmp_path / "list.txt").write_text("0612345678\n")
    db = tmp_path / "nonexistent" / "x.db"
    code, output = _run(
        "bloctel", "import", str(tmp_path / "list.txt"), "--date", "2026-08-01", "--db", str(db)
    )
    assert code == 1
    assert output == (
        f"Error: the folder of the database {db} does not exist: create it, or give the path "
        "of the store you mean\n"
    )
    assert not db.parent.exists()
    with pytest.raises(StoreError, match="does not exist"):
        open_database(db)
    assert not db.parent.exists()


def test_audit_verify_of_a_store_that_never_logged_does_not_say_intact(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    open_database(db).close()
    code, output = _run("audit", "verify", "--db", str(db))
    assert code == 0, output
    assert output == "Audit log empty: nothing has been recorded in this store yet\n"
    assert "intact" not in output
