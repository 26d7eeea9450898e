"""The CLI's defaults read inside a Scrapy project (issue 9 item 5), without side effects."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from compliant_scraper.cli import _project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "shopfront"
    (package / "spiders").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        'COMPLIANCE_DB = "var/shop.db"\nCOMPLIANCE_DEFAULT_REGION = "BE"\n'
    )
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = shopfront.settings\n")
    monkeypatch.chdir(package / "spiders")
    monkeypatch.delenv("SCRAPY_SETTINGS_MODULE", raising=False)
    for name in ("COMPLIANCE_DB", "COMPLIANCE_POLICY_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path.resolve()


def test_defaults_come_from_the_project(project: Path) -> None:
    assert _project.default_db() == str(project / "var" / "shop.db")
    assert _project.default_policy_dir() == str(project / "policies")
    assert _project.default_region() == "BE"
    assert _project.httpcache_dir() == project / ".scrapy" / "httpcache"


def test_environment_wins_over_the_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_DB", "/srv/data/c.db")
    assert _project.default_db() == "/srv/data/c.db"


def test_reading_the_project_leaves_no_trace(project: Path) -> None:
    path = list(sys.path)
    _project.project_settings()
    assert "SCRAPY_SETTINGS_MODULE" not in os.environ  # a later subprocess would inherit it
    assert sys.path == path
