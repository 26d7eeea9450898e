"""A one-line compliance summary every LOGSTATS_INTERVAL (issue 14 item 5)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import WORLD_DIR, RunCrawl

from compliant_scraper.crawl.log_summary import summary
from compliant_scraper.demo.world import VirtualWorld

LINE = re.compile(
    r"\[compliant_scraper\.crawl\.log_summary\] INFO: Compliance so far: refused (\d+) "
    r"requests.*, kept (\d+) contacts, dropped (\d+) items; (\d+) drops by reason"
)


def test_the_summary_line_reads_the_stats() -> None:
    stats = {
        "compliance/refused/policy": 9,
        "compliance/refused/robots": 3,
        "compliance/kept/contacts": 40,
        "item_dropped_count": 7,
        "compliance/dropped/not_needed_for_purpose": 25,
        "compliance/dropped/sensitive_health": 2,
        "compliance/provenance/stamped": 50,
    }
    assert summary(stats) == (
        "Compliance so far: refused 12 requests (policy 9, robots 3), kept 40 contacts, "
        "dropped 7 items; 27 drops by reason (not_needed_for_purpose 25, sensitive_health 2)"
    )
    assert summary({}) == (
        "Compliance so far: refused 0 requests, kept 0 contacts, dropped 0 items; 0 drops by reason"
    )


def test_a_crawl_logs_the_summary_every_interval(tmp_path: Path, crawl: RunCrawl) -> None:
    with VirtualWorld(WORLD_DIR) as world:
        result = crawl(
            "directory",
            tmp_path,
            env=world.env(),
            args={"start_url": "http://annuaire.test/"},
            # the world's slow page keeps the crawl running past a few intervals
            settings={"LOGSTATS_INTERVAL": "0.2", "DOWNLOAD_DELAY": "0.2"},
        )
    assert result.returncode == 0, result
    lines = LINE.findall(result.output)
    assert len(lines) >= 2, result.tail()
    kept = [int(k) for _, k, _, _ in lines]
    assert kept == sorted(kept)  # counts so far only grow


def test_no_summary_when_logstats_is_off(tmp_path: Path, crawl: RunCrawl) -> None:
    with VirtualWorld(WORLD_DIR) as world:
        result = crawl(
            "directory",
            tmp_path,
            env=world.env(),
            args={"start_url": "http://annuaire.test/"},
            settings={"LOGSTATS_INTERVAL": "0"},
        )
    assert result.returncode == 0, result
    assert "Compliance so far" not in result.output
