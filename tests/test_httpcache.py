"""Scrapy's HTTP cache under the compliance layer (issue 9 item 3): opt-in, 24 h, owner-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from scrapy.settings import Settings

from compliant_scraper.crawl import httpcache
from compliant_scraper.errors import ComplianceConfigError
from compliant_scraper.tooling.httpcache import inspect

OPT_IN = {"HTTPCACHE_ENABLED": True, "COMPLIANCE_ALLOW_HTTPCACHE": True}


def settings(values: dict[str, object]) -> Settings:
    s = Settings(values, priority="project")
    httpcache.install(s)
    return s


def test_cache_off_is_fine() -> None:
    assert httpcache.problems(settings({})) == []


def test_cache_without_opt_in_refused() -> None:
    [problem] = httpcache.problems(settings({"HTTPCACHE_ENABLED": True}))
    assert problem.startswith("HTTPCACHE_ENABLED is on")
    assert "COMPLIANCE_ALLOW_HTTPCACHE = True" in problem and "R9" in problem


def test_opt_in_expires_within_a_day_by_default() -> None:
    s = settings(OPT_IN)
    assert s.getint("HTTPCACHE_EXPIRATION_SECS") == 86400
    assert httpcache.problems(s) == []


@pytest.mark.parametrize(("expiry", "accepted"), [(0, False), (86401, False), (3600, True)])
def test_project_expiry_at_most_a_day(expiry: int, accepted: bool) -> None:
    problems = httpcache.problems(settings({**OPT_IN, "HTTPCACHE_EXPIRATION_SECS": expiry}))
    assert (problems == []) is accepted, problems
    assert accepted or problems[0].startswith(f"HTTPCACHE_EXPIRATION_SECS is {expiry}")


def test_other_storage_refused() -> None:
    [problem] = httpcache.problems(
        settings({**OPT_IN, "HTTPCACHE_STORAGE": "myproject.cache.RedisCacheStorage"})
    )
    assert "HTTPCACHE_STORAGE is 'myproject.cache.RedisCacheStorage'" in problem


def test_dbm_storage_accepted() -> None:
    s = settings({**OPT_IN, "HTTPCACHE_STORAGE": "scrapy.extensions.httpcache.DbmCacheStorage"})
    assert httpcache.problems(s) == []


def test_cache_folder_made_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    assert httpcache.secure(settings({**OPT_IN, "HTTPCACHE_DIR": str(folder)})) == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    fresh = tmp_path / "fresh"
    httpcache.secure(settings({**OPT_IN, "HTTPCACHE_DIR": str(fresh)}))
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


def test_symlinked_cache_folder_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "cache"
    link.symlink_to(target)
    with pytest.raises(ComplianceConfigError, match="symbolic link"):
        httpcache.secure(settings({**OPT_IN, "HTTPCACHE_DIR": str(link)}))


def test_inspect_counts_cached_pages(tmp_path: Path) -> None:
    assert inspect(tmp_path / "none") is None
    for fp in ("ab12", "cd34"):
        page = tmp_path / "people" / fp[:2] / fp
        page.mkdir(parents=True)
        (page / "response_body").write_bytes(b"<html>")
        (page / "meta").write_text("{}")
    found = inspect(tmp_path)
    assert found is not None and found.pages == 2
    text = found.describe()
    assert f"Scrapy's HTTP cache at {tmp_path} holds 2 cached page(s)" in text
    assert f"rm -r {tmp_path}" in text
