"""Bloctel closed on 10 August 2026 (R7): its final list keeps working with the shipped phone
purpose, without re-dating it; a list already stale at the closing date stays refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from compliant_scraper.errors import ComplianceConfigError
from compliant_scraper.law import check_purpose_allowed
from compliant_scraper.policy.loader import load_registry
from compliant_scraper.policy.model import Registry
from compliant_scraper.store.database import open_database
from compliant_scraper.store.screening import open_screening
from compliant_scraper.tooling.opposition_import import import_list

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 12, 3)


@pytest.fixture
def shipped() -> Registry:
    return load_registry(ROOT / "policies", today=TODAY)


def _db_with_bloctel(tmp_path: Path, list_date: date) -> Database:
    numbers = tmp_path / "bloctel.csv"
    numbers.write_text("0612345678\n0781234567\n")
    db = open_database(tmp_path / "c.db")
    import_list(db, numbers, name="bloctel", list_date=list_date, today=TODAY)
    return db


@pytest.mark.parametrize("list_date", [date(2026, 8, 10), date(2026, 7, 11)])
def test_the_final_list_works_with_the_shipped_phone_purpose(
    tmp_path: Path,
    shipped: Registry,
    list_date: date,
) -> None:
    purpose = shipped.purposes["b2b_phone_prospecting"]
    assert purpose.opposition_max_age_days == 30 and "bloctel" in purpose.opposition_lists
    db = _db_with_bloctel(tmp_path, list_date)
    # Months after the closing date, the last real list is still "screened".
    screening = open_screening(db, purpose, TODAY, tmp_path / "c.db.key")
    assert screening.opposition is not None and "+33612345678" in screening.opposition
    check_purpose_allowed(purpose, TODAY)


def test_a_list_stale_when_the_register_closed_stays_refused(
    tmp_path: Path,
    shipped: Registry,
) -> None:
    db = _db_with_bloctel(tmp_path, date(2026, 7, 1))
    with pytest.raises(ComplianceConfigError) as info:
        open_screening(db, shipped.purposes["b2b_phone_prospecting"], TODAY, tmp_path / "k")
    assert "40 days old when Bloctel closed on 2026-08-10, so it is not its final list" in str(
        info.value
    )


def test_the_shipped_sector_purpose_is_refused_by_the_law_of_30_june_2025(
    shipped: Registry,
) -> None:
    purpose = shipped.purposes["b2b_energy_renovation_calls"]
    with pytest.raises(ComplianceConfigError) as info:
        check_purpose_allowed(purpose, TODAY)
    message = str(info.value)
    assert "sector energy_renovation" in message and "2025-594" in message
    assert "in force since 2025-07-01" in message


def test_bloctel_status_flags_a_list_dated_after_the_closing_date(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from compliant_scraper.cli import main

    numbers = tmp_path / "bloctel.csv"
    numbers.write_text("0612345678\n")
    db = tmp_path / "c.db"
    runner = CliRunner()
    imported = runner.invoke(
        main, ["bloctel", "import", str(numbers), "--date", "2026-09-01", "--db", str(db)]
    )
    assert imported.exit_code == 0, imported.output
    status = runner.invoke(main, ["bloctel", "status", "--db", str(db)])
    assert "dated after its register closed: check the date" in status.output
