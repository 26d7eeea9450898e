from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings

from compliant_scraper.config import DEFAULTS, Config
from compliant_scraper.errors import ComplianceConfigError


def test_defaults() -> None:
    config = Config.from_settings(Settings())
    assert config.policy_dir == Path(DEFAULTS["COMPLIANCE_POLICY_DIR"])
    assert config.db_path == Path("compliance.db")
    assert config.key_file == Path("compliance.db.key")
    assert config.purpose is None
    assert config.default_region == "FR"
    assert config.robots_cache_seconds == 86400
    assert config.robots_error_cache_seconds == 3600
    assert config.robots_max_bytes == 500 * 1024


def test_overrides() -> None:
    config = Config.from_settings(
        Settings(
            {
                "COMPLIANCE_DB": "/tmp/x/c.db",
                "COMPLIANCE_PURPOSE": "b2b_email_prospecting",
                "COMPLIANCE_DEFAULT_REGION": "be",
            }
        )
    )
    assert config.key_file == Path("/tmp/x/c.db.key")
    assert config.purpose == "b2b_email_prospecting"
    assert config.default_region == "BE"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COMPLIANCE_DEFAULT_REGION", "France", "expected a two-letter country code"),
        ("COMPLIANCE_ROBOTS_CACHE_SECONDS", "soon", "expected a number"),
        ("COMPLIANCE_ROBOTS_CACHE_SECONDS", -1, "must be positive"),
    ],
)
def test_bad_settings(name: str, value: object, message: str) -> None:
    with pytest.raises(ComplianceConfigError, match=f"{name}: {message}"):
        Config.from_settings(Settings({name: value}))
