"""Cluster mode's policy registry (issue 15): ``cluster publish``, loading by sha256, the
switch while workers run, and "today" read per decision.

Against a real redis-server and PostgreSQL (tests/support/servers.py); the switch with two
real worker processes on a small world of its own: registry A allows ``a.test`` and forbids
``b.test``; while ``a.test/slow.html`` is held back by the world, registry B (the other way
round) is published; the slow page then links to ``b.test/two.html`` and ``a.test/after.html``.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
import redis
from click.testing import CliRunner
from conftest import BASE_SETTINGS, POLICY_DIR, SETTINGS_MODULE, SPIDERS_DIR
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from support.contexts import CONTROLLER, POLICY, PURPOSE
from support.workers import WorkerGroup, scrapy_command

from compliant_scraper.cli import main
from compliant_scraper.cluster.keys import CrawlKeys
from compliant_scraper.cluster.registry import RegistryAnnouncer
from compliant_scraper.config import Config
from compliant_scraper.crawl.context import ComplianceContext, resolve_purpose
from compliant_scraper.crawl.facts import CrawlFacts
from compliant_scraper.crawl.policy_gate import PolicyGateMiddleware
from compliant_scraper.crawl.provenance_stamp import ProvenanceMiddleware
from compliant_scraper.crawl.registry_switch import RegistrySwitch
from compliant_scraper.demo.world import Rule, VirtualWorld
from compliant_scraper.policy.loader import load_registry
from compliant_scraper.policy.model import Registry
from compliant_scraper.policy.published import listing_sha256
from compliant_scraper.store import registries
from compliant_scraper.store.postgres import close_pool, open_postgres
from compliant_scraper.store.postgres_store import PostgresStore
from compliant_scraper.store.sqlite_store import SqliteStore

PURPOSE_NAME = "test_b2b_email"
CRAWL = "reg"
TODAY = date(2026, 12, 4)
SLOW = 6.0  # seconds the world holds a.test/slow.html back


def _domain(host: str, extraction: str) -> str:
    return (
        f'domain = "{host}"\nextraction = "{extraction}"\nreason = "Switch test ({extraction})."\n'
        f'terms_url = "https://{host}/terms"\nreviewed_by = "Test Legal"\n'
        "reviewed_on = 2026-11-01\nreview_every_days = 3650\nauthenticated = false\n"
    )


def _registry(folder: Path, allowed: str, forbidden: str) -> Path:
    """The test registry's controller, purposes and assessments, with two domain files."""
    for name in ("controller.toml", "purposes.toml"):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(POLICY_DIR / name, folder / name)
    shutil.copytree(POLICY_DIR / "assessments", folder / "assessments")
    (folder / "domains").mkdir()
    (folder / "domains" / f"{allowed}.toml").write_text(_domain(allowed, "allowed"))
    (folder / "domains" / f"{forbidden}.toml").write_text(_domain(forbidden, "forbidden"))
    return folder


def _publish(folder: Path, store: str, redis_url: str, *extra: str) -> tuple[int, str]:
    args = ["cluster", "publish", str(folder), "--db", store, "--redis-url", redis_url]
    result = CliRunner().invoke(main, [*args, "--crawl-id", CRAWL, *extra])
    return result.exit_code, result.output


def _announcer(redis_url: str) -> RegistryAnnouncer:
    return RegistryAnnouncer(redis.Redis.from_url(redis_url), CrawlKeys(CRAWL))


# -- cluster publish --------------------------------------------------------------------------


def test_publish_stores_the_registry_by_sha_and_announces_it(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    folder = _registry(tmp_path / "a", "a.test", "b.test")
    sha = listing_sha256(load_registry(folder, today=TODAY).files)
    code, output = _publish(folder, postgres_schema_url, redis_url, "--wait", "0")
    assert code == 0, output
    assert f"Registry {sha} (" in output and "stored) announced as version 1" in output
    assert "No worker is running" in output
    db = open_postgres(postgres_schema_url)
    files = registries.files(db, sha)
    assert files is not None
    assert files["domains/b.test.toml"] == (folder / "domains" / "b.test.toml").read_bytes()
    assert set(files) == set(load_registry(folder, today=TODAY).files)
    announced = _announcer(redis_url).current()
    assert announced is not None and (announced.sha256, announced.version) == (sha, 1)
    # The same files again: nothing new stored, a new version announced.
    code, output = _publish(folder, postgres_schema_url, redis_url, "--wait", "0")
    assert code == 0 and "already in the store) announced as version 2" in output, output
    status = CliRunner().invoke(
        main, ["cluster", "status", "--redis-url", redis_url, "--crawl-id", CRAWL]
    )
    assert status.exit_code == 0, status.output
    assert f"Crawl {CRAWL}: registry {sha} (version 2, by " in status.output
    assert "Queue: 0 requests; 0 live workers, 0 busy" in status.output
    count = db.execute("SELECT count(*) FROM policy_registries").fetchone()[0]
    assert count == 1
    close_pool(postgres_schema_url)


def test_an_invalid_registry_is_never_published(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    folder = _registry(tmp_path / "a", "a.test", "b.test")
    (folder / "domains" / "a.test.toml").write_text('domain = "a.test"\nextraction = "maybe"\n')
    code, output = _publish(folder, postgres_schema_url, redis_url, "--wait", "0")
    assert code == 1
    assert "domains/a.test.toml" in output and "nothing was published" in output
    assert _announcer(redis_url).current() is None
    db = open_postgres(postgres_schema_url)
    assert db.execute("SELECT count(*) FROM policy_registries").fetchone()[0] == 0
    close_pool(postgres_schema_url)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db", "crawl.db"], "cluster publish stores the registry in the cluster's PostgreSQL"),
        (["--crawl-id", "no spaces"], "COMPLIANCE_CRAWL_ID: expected 1 to 64 letters"),
        (["--redis-url", "redis://10.1.2.3:6379/0"], "names no password"),
        (["--redis-url", ""], "--redis-url is required"),
    ],
)
def test_publish_with_wrong_input_says_what_is_wrong(
    tmp_path: Path, args: list[str], message: str
) -> None:
    folder = _registry(tmp_path / "a", "a.test", "b.test")
    base = {
        "--db": "postgresql://u:p@127.0.0.1:1/none",
        "--redis-url": "redis://127.0.0.1:1/0",
        "--crawl-id": CRAWL,
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    options = [x for pair in base.items() for x in pair]
    result = CliRunner().invoke(main, ["cluster", "publish", str(folder), *options])
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output


# -- loading and switching on a worker -------------------------------------------------------


def _switch_at_start(
    tmp_path: Path, redis_url: str, store_url: str
) -> tuple[RegistrySwitch, CrawlFacts, PostgresStore]:
    store = PostgresStore.connect(store_url)
    announcer = _announcer(redis_url)
    loaded, folder = RegistrySwitch.start(
        announcer, CRAWL, store, PURPOSE_NAME, TODAY, resolve_purpose
    )
    config = Config.from_settings(Settings({"COMPLIANCE_PURPOSE": PURPOSE_NAME}))
    facts = CrawlFacts(
        config,
        loaded.registry,
        loaded.purpose,
        "t",
        TODAY,
        day=lambda: TODAY,
        registry_sha256=loaded.announcement.sha256,
    )
    store.start_run(facts.run_id, "t", PURPOSE_NAME, "2026-12-04T10:00:00Z")
    switch = RegistrySwitch(announcer, CRAWL, store, facts, folder, resolve_purpose, every=0)
    switch.started(loaded)
    return switch, facts, store


def test_a_worker_switches_at_its_next_decision_and_records_it(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    a = _registry(tmp_path / "a", "a.test", "b.test")
    b = _registry(tmp_path / "b", "b.test", "a.test")
    assert _publish(a, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    switch, facts, store = _switch_at_start(tmp_path, redis_url, postgres_schema_url)
    gate = PolicyGateMiddleware(
        facts, ComplianceContext(facts, store).recorder, in_force=switch.check
    )
    before = Request("http://a.test/x")
    assert gate.process_request(before) is None
    assert _publish(b, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    with pytest.raises(IgnoreRequest, match=re.escape("a.test.toml forbids extraction")):
        gate.process_request(Request("http://a.test/y"))
    assert gate.process_request(Request("http://b.test/x")) is None
    # A page fetched under A and answered after the switch is judged again under B.
    stamp = ProvenanceMiddleware(facts, ComplianceContext(facts, store).recorder, {})
    answered = HtmlResponse(before.url, request=before, body=b"<html></html>")
    assert stamp.provenance_for(answered) is None
    sha_a, sha_b = (listing_sha256(load_registry(f, today=TODAY).files) for f in (a, b))
    db = open_postgres(postgres_schema_url)
    found = [(s["version"], s["from_sha256"], s["to_sha256"]) for s in registries.switches(db)]
    assert found == [(1, "", sha_a), (2, sha_a, sha_b)]
    snapshot = db.execute(
        "SELECT content FROM policy_snapshots WHERE run_id = ? AND file = 'domains/a.test.toml'",
        [facts.run_id],
    ).fetchone()[0]
    assert 'extraction = "forbidden"' in snapshot
    switch.close()
    store.close()
    close_pool(postgres_schema_url)


def test_the_announcement_is_read_at_most_every_interval(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    """One Redis read per interval, not per request; the switch comes at the first read
    after the announcement."""
    a = _registry(tmp_path / "a", "a.test", "b.test")
    b = _registry(tmp_path / "b", "b.test", "a.test")
    assert _publish(a, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    switch, facts, store = _switch_at_start(tmp_path, redis_url, postgres_schema_url)
    now = [100.0]
    switch.every, switch.clock = 0.1, lambda: now[0]
    assert switch.check() is None  # read: version 1 in force
    sha_a = facts.registry_sha256
    assert _publish(b, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    now[0] += 0.05
    assert switch.check() is None and facts.registry_sha256 == sha_a  # not read again yet
    now[0] += 0.06
    assert switch.check() is None and facts.registry_sha256 != sha_a  # read, and switched
    switch.close()
    store.close()
    close_pool(postgres_schema_url)


def test_every_request_is_refused_while_the_switch_cannot_complete(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    a = _registry(tmp_path / "a", "a.test", "b.test")
    b = _registry(tmp_path / "b", "b.test", "a.test")
    assert _publish(a, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    assert _publish(b, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    switch, facts, store = _switch_at_start(tmp_path, redis_url, postgres_schema_url)
    gate = PolicyGateMiddleware(
        facts, ComplianceContext(facts, store).recorder, in_force=switch.check
    )
    sha_b = facts.registry_sha256
    # Someone edits the stored files: their sha256 no longer names the registry.
    with psycopg.connect(postgres_schema_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE registry_files SET content = replace(content, 'forbidden', 'allowed') "
            "WHERE registry_sha256 = %s",
            [sha_b],
        )
    _announcer(redis_url).announce(sha_b, "2026-12-04T11:00:00Z", "someone@host")  # version 3
    for url in ("http://b.test/x", "http://a.test/x"):
        with pytest.raises(IgnoreRequest, match="do not have that sha256"):
            gate.process_request(Request(url))
    assert switch.switching
    # A registry never published: refused too, and the worker still judges nothing with it.
    _announcer(redis_url).announce("f" * 64, "2026-12-04T11:00:00Z", "someone@host")
    with pytest.raises(IgnoreRequest, match="never published to this store"):
        gate.process_request(Request("http://b.test/x"))
    assert facts.registry_sha256 == sha_b
    # Published properly again: back to work, under it.
    assert _publish(a, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    assert gate.process_request(Request("http://a.test/x")) is None
    assert not switch.switching
    switch.close()
    store.close()
    close_pool(postgres_schema_url)


def test_a_worker_refuses_to_start_when_no_registry_is_published(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    settings = {
        **BASE_SETTINGS,
        "COMPLIANCE_PURPOSE": PURPOSE_NAME,
        "COMPLIANCE_STORE_URL": postgres_schema_url,
        "COMPLIANCE_KEY_FILE": str(tmp_path / "k.key"),
        "COMPLIANCE_CLUSTER_REDIS_URL": redis_url,
        "COMPLIANCE_CRAWL_ID": CRAWL,
    }
    spider = SPIDERS_DIR / "cluster_links.py"
    group = WorkerGroup(tmp_path / "run", {"SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE})
    worker = group.start(scrapy_command(spider, settings, {"start_url": "http://a.test/"}))
    group.wait(60)
    assert worker.returncode == 1
    assert f"no policy registry is published for crawl {CRAWL!r}" in worker.output
    assert "Traceback" not in worker.output


# -- "today" per decision --------------------------------------------------------------------


def test_a_long_running_crawl_refuses_a_policy_once_its_review_is_due(tmp_path: Path) -> None:
    """The day is read at each decision: not frozen when the crawl started."""
    reviewed = dataclasses.replace(POLICY, reviewed_on=date(2026, 11, 1), review_every_days=30)
    registry = Registry(tmp_path, (reviewed,), {PURPOSE.name: PURPOSE}, CONTROLLER)
    config = Config.from_settings(
        Settings({"COMPLIANCE_PURPOSE": PURPOSE.name, "COMPLIANCE_DB": str(tmp_path / "c.db")})
    )
    days = [date(2026, 12, 1)]  # the review is due by 2026-12-01
    facts = CrawlFacts(config, registry, PURPOSE, "t", days[0], day=lambda: days[0])
    store = SqliteStore.open(config.db_path)
    store.start_run(facts.run_id, "t", PURPOSE.name, "2026-12-01T10:00:00Z")
    gate = PolicyGateMiddleware(facts, ComplianceContext(facts, store).recorder)
    assert gate.process_request(Request("https://example.test/a")) is None
    days[0] += timedelta(days=1)  # the crawl is still running the next day
    with pytest.raises(IgnoreRequest, match="overdue for review"):
        gate.process_request(Request("https://example.test/b"))
    store.close()


# -- a switch while two workers run ----------------------------------------------------------


def _world(root: Path) -> Path:
    pages = {
        "a.test/index.html": '<a href="/slow.html">s</a> <a href="http://b.test/one.html">1</a>',
        "a.test/slow.html": '<a href="http://b.test/two.html">2</a> <a href="/after.html">x</a>',
        "a.test/after.html": "after",
        "b.test/one.html": "one",
        "b.test/two.html": "two",
    }
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>")
    for host in ("a.test", "b.test"):
        (root / host / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return root


@pytest.mark.e2e
def test_a_switch_while_two_workers_run_takes_effect_on_both(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    a = _registry(tmp_path / "a", "a.test", "b.test")
    b = _registry(tmp_path / "b", "b.test", "a.test")
    sha_a, sha_b = (listing_sha256(load_registry(f, today=date.today()).files) for f in (a, b))
    assert _publish(a, postgres_schema_url, redis_url, "--wait", "0")[0] == 0
    settings = {
        **BASE_SETTINGS,
        "LOG_LEVEL": "INFO",
        "COMPLIANCE_POLICY_DIR": str(tmp_path / "never-read"),
        "COMPLIANCE_PURPOSE": PURPOSE_NAME,
        "COMPLIANCE_STORE_URL": postgres_schema_url,
        "COMPLIANCE_KEY_FILE": str(tmp_path / "suppression.key"),
        "COMPLIANCE_CLUSTER_REDIS_URL": redis_url,
        "COMPLIANCE_CRAWL_ID": CRAWL,
        "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": "0.2",
        "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS": "2",
        "DOWNLOAD_TIMEOUT": str(SLOW * 3),
    }
    spider = SPIDERS_DIR / "cluster_links.py"
    held = Rule("a.test", "/slow.html", delay=SLOW)
    with VirtualWorld(_world(tmp_path / "world"), [held]) as world:
        group = WorkerGroup(
            tmp_path / "run", {**world.env(), "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE}
        )
        try:
            for _ in range(2):
                group.start(scrapy_command(spider, settings, {"start_url": "http://a.test/"}))
            # Both workers running, and the slow page asked for: publish B.
            alive = redis.Redis.from_url(redis_url)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not (
                "/slow.html" in world.paths("a.test") and alive.zcard(CrawlKeys(CRAWL).alive) == 2
            ):
                assert all(w.proc.poll() is None for w in group.workers), group.workers[0].tail()
                time.sleep(0.02)
            published_at = time.time()
            code, output = _publish(b, postgres_schema_url, redis_url, "--wait", "20")
            assert code == 0, output
            assert "Switched: 2 of 2 live workers" in output
            status = CliRunner().invoke(
                main, ["cluster", "status", "--redis-url", redis_url, "--crawl-id", CRAWL]
            )
            lines = [x for x in status.output.splitlines() if x.startswith("  ")]
            assert [" live " in x for x in lines] == [True, True], status.output
            assert status.output.count(f"registry {sha_b}") == 3, status.output  # + the crawl's
            # The slow page was still on its way: the crawl was running during the switch.
            slow = [h for h in world.requests_to("a.test") if h.path == "/slow.html"]
            assert time.time() < slow[0].at + SLOW
            group.wait(90)
        finally:
            group.stop()
    for worker in group.workers:
        assert worker.returncode == 0, worker.tail()
    # Under A, b.test was refused; under B, it was fetched, and a.test no longer.
    assert sorted(world.paths("b.test")) == ["/.well-known/tdmrep.json", "/robots.txt", "/two.html"]
    assert all(h.at >= published_at for h in world.requests_to("b.test"))
    assert "/after.html" not in world.paths("a.test")
    with psycopg.connect(postgres_schema_url) as conn:
        runs = [r[0] for r in conn.execute("SELECT id FROM runs").fetchall()]
        switches = conn.execute(
            "SELECT run_id, from_sha256, to_sha256 FROM registry_switches ORDER BY id"
        ).fetchall()
        refused: dict[str, str] = dict(conn.execute("SELECT url, reason FROM refusals").fetchall())
    assert len(runs) == 2
    for run in runs:  # each worker started on A, then switched to B, and recorded both
        assert [(f, t) for r, f, t in switches if r == run] == [("", sha_a), (sha_a, sha_b)]
    assert "domains/b.test.toml forbids extraction" in refused["http://b.test/one.html"]
    assert "domains/a.test.toml forbids extraction" in refused["http://a.test/after.html"]
    close_pool(postgres_schema_url)
