"""Cluster mode's settings: the Redis URL check, the crawl id, the store URL (no server needed)."""

from __future__ import annotations

import logging

import pytest

from compliant_scraper.cluster.config import ClusterConfig
from compliant_scraper.cluster.connection import check_redis_url, redacted
from compliant_scraper.cluster.keys import CrawlKeys, check_crawl_id
from compliant_scraper.errors import ComplianceConfigError

PG = "postgresql://crawler:pw@db.internal:5432/compliance"
REDIS = "redis://:pw@127.0.0.1:6379/0"


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",  # this machine: no password needed
        "redis://localhost:6379",
        "redis://[::1]:6379",
        "redis://127.0.0.2:6379",  # all of 127/8 is loopback
        "unix:///run/redis/redis.sock",
        "redis://:secret@10.0.0.5:6379/0",
        "redis://crawler:secret@redis.internal:6379/0",  # an ACL user
        "rediss://crawler:secret@redis.internal:6380/0",
    ],
)
def test_redis_url_accepted(url: str) -> None:
    assert check_redis_url(url) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://10.0.0.5:6379/0", "names no password, and 10.0.0.5 is not this machine"),
        ("redis://crawler@redis.internal:6379", "names no password"),  # a user, no password
        ("rediss://redis.internal:6380", "names no password"),  # TLS is not authentication
        ("http://127.0.0.1:6379", "expected a redis://, rediss:// or unix:// URL"),
        ("", "expected a redis://"),
    ],
)
def test_redis_url_refused(url: str, message: str) -> None:
    with pytest.raises(ComplianceConfigError, match="COMPLIANCE_CLUSTER_REDIS_URL") as info:
        check_redis_url(url)
    assert message in str(info.value)


def test_plaintext_password_across_machines_is_warned(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        check_redis_url("redis://:secret@10.0.0.5:6379/0")
        check_redis_url("rediss://:secret@10.0.0.5:6379/0")
        check_redis_url("redis://127.0.0.1:6379/0")
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "without TLS" in warnings[0], warnings
    assert "secret" not in warnings[0]


def test_password_never_shown_in_errors() -> None:
    assert redacted("redis://user:hunter2@h:1/0") == "redis://user:***@h:1/0"
    with pytest.raises(ComplianceConfigError) as info:
        ClusterConfig.from_settings(
            {"COMPLIANCE_CLUSTER_REDIS_URL": REDIS, "COMPLIANCE_CRAWL_ID": "c1",
             "COMPLIANCE_STORE_URL": "sqlite://:hunter2@x/db"}
        )  # fmt: skip
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("crawl_id", ["c", "directory-2026-06", "A.b_c-1", "x" * 64])
def test_crawl_id_accepted(crawl_id: str) -> None:
    assert check_crawl_id(crawl_id) == crawl_id
    assert CrawlKeys(crawl_id).requests == f"compliance:{{{crawl_id}}}:requests"


@pytest.mark.parametrize("crawl_id", ["", "-x", "a b", "a:b", "a%(spider)s", "a*", "x" * 65, None])
def test_crawl_id_refused(crawl_id: str | None) -> None:
    with pytest.raises(ComplianceConfigError, match="COMPLIANCE_CRAWL_ID"):
        CrawlKeys(crawl_id)  # type: ignore[arg-type]


def test_keys_of_two_crawls_never_overlap() -> None:
    one, two = CrawlKeys("a"), CrawlKeys("a-b")
    names = ("requests", "dupefilter", "workers", "alive", "busy", "registry", "identity")
    first = {getattr(one, n) for n in names} | {one.verdict("robots", "http://x:80")}
    second = {getattr(two, n) for n in names} | {two.verdict("robots", "http://x:80")}
    assert not first & second
    assert all(k.startswith("compliance:{a}:") for k in first)


def test_cluster_mode_off_without_redis_url() -> None:
    assert ClusterConfig.from_settings({}) is None
    assert ClusterConfig.from_settings({"COMPLIANCE_STORE_URL": PG}) is None


def test_cluster_config_parsed() -> None:
    config = ClusterConfig.from_settings(
        {
            "COMPLIANCE_CLUSTER_REDIS_URL": REDIS,
            "COMPLIANCE_CRAWL_ID": "c1",
            "COMPLIANCE_STORE_URL": PG,
            "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": "0.5",
        }
    )
    assert config is not None
    assert (config.redis_url, config.crawl_id, config.store_url) == (REDIS, "c1", PG)
    assert (config.heartbeat_seconds, config.worker_timeout_seconds) == (0.5, 10.0)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"COMPLIANCE_CRAWL_ID": "c1"}, "cluster mode needs a shared PostgreSQL store"),
        (
            {"COMPLIANCE_CRAWL_ID": "c1", "COMPLIANCE_STORE_URL": "sqlite:///x.db"},
            "a SQLite file cannot be shared",
        ),
        ({"COMPLIANCE_STORE_URL": PG}, "COMPLIANCE_CRAWL_ID is not set"),
        (
            {"COMPLIANCE_CRAWL_ID": "c1", "COMPLIANCE_STORE_URL": PG,
             "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS": "2"},
            "at least three heartbeats",
        ),
        (
            {"COMPLIANCE_CRAWL_ID": "c1", "COMPLIANCE_STORE_URL": PG,
             "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": "soon"},
            "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS: expected a number",
        ),
    ],
)  # fmt: skip
def test_cluster_config_refused(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ComplianceConfigError) as info:
        ClusterConfig.from_settings({"COMPLIANCE_CLUSTER_REDIS_URL": REDIS, **settings})
    assert message in str(info.value)
