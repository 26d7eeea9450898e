from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings

from compliant_scraper.config import DEFAULTS, Config, apply_environment, project_root
from compliant_scraper.errors import ComplianceConfigError


def test_defaults(tmp_path: Path) -> None:
    config = Config.from_settings(Settings(), root=tmp_path)
    assert config.policy_dir == tmp_path / DEFAULTS["COMPLIANCE_POLICY_DIR"]
    assert config.db_path == tmp_path / "compliance.db"
    assert config.key_file == tmp_path / "compliance.db.key"
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


# -- issue 9 item 5: relative paths follow the project root ---------------------------------


def test_relative_paths_resolve_against_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = acme.settings\n")
    spiders = tmp_path / "acme" / "spiders"
    spiders.mkdir(parents=True)
    monkeypatch.chdir(spiders)
    assert project_root() == tmp_path.resolve()
    config = Config.from_settings(
        Settings(
            {
                "COMPLIANCE_DB": "var/c.db",
                "COMPLIANCE_POLICY_DIR": "legal",
                "COMPLIANCE_KEY_FILE": "keys/s.key",
            }
        )
    )
    root = tmp_path.resolve()
    assert config.db_path == root / "var" / "c.db"
    assert config.policy_dir == root / "legal"
    assert config.key_file == root / "keys" / "s.key"


def test_no_project_means_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Config.from_settings(Settings()).db_path == tmp_path.resolve() / "compliance.db"


def test_absolute_paths_are_kept(tmp_path: Path) -> None:
    config = Config.from_settings(Settings({"COMPLIANCE_DB": "/data/c.db"}), root=tmp_path)
    assert config.db_path == Path("/data/c.db")


def test_environment_sets_db_and_policies_below_the_command_line() -> None:
    settings = Settings({"COMPLIANCE_DB": "project.db"}, priority="project")
    found = apply_environment(
        settings, {"COMPLIANCE_DB": "/env/c.db", "COMPLIANCE_PURPOSE": "ignored"}
    )
    assert found == ["COMPLIANCE_DB"]
    assert settings["COMPLIANCE_DB"] == "/env/c.db"
    assert settings.get("COMPLIANCE_PURPOSE") is None  # only the two path settings
    settings.set("COMPLIANCE_DB", "/cmdline.db", priority="cmdline")
    apply_environment(settings, {"COMPLIANCE_DB": "/env/c.db"})
    assert settings["COMPLIANCE_DB"] == "/cmdline.db"


# -- issue 9 item 7: an unknown COMPLIANCE_* setting is an error -----------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("COMPLIANCE_PURPUSE", "did you mean COMPLIANCE_PURPOSE?"),
        ("COMPLIANCE_DB_PATH", "did you mean COMPLIANCE_DB?"),
        ("COMPLIANCE_ZZZZZZZZZZZZZZZZZZZZ", "unknown setting; the settings are listed"),
    ],
)
def test_unknown_setting_is_an_error(name: str, hint: str) -> None:
    with pytest.raises(ComplianceConfigError) as raised:
        Config.from_settings(Settings({name: "x"}))
    assert str(raised.value).startswith(f"{name}: unknown setting")
    assert hint in str(raised.value)
