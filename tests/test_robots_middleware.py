"""StrictRobotsMiddleware with a fake engine: verdicts by status, redirects, cache, records."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
)
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure

from compliant_scraper.config import Config
from compliant_scraper.crawl.context import ComplianceContext
from compliant_scraper.crawl.policy_gate import META_INTERNAL
from compliant_scraper.crawl.refusals import PolicyRefusal, RobotsRefusal
from compliant_scraper.crawl.robots import (
    CRAWL_DELAY_CAP,
    EMPTY_SHA256,
    META_ROBOTS_SHA256,
    StrictRobotsMiddleware,
)
from compliant_scraper.hashing import sha256_hex
from compliant_scraper.policy.model import Controller, Purpose, Registry
from compliant_scraper.store.sqlite_store import SqliteStore

AGENT_UA = "compliant-scraper/0.1 (+https://example.invalid/compliant-scraper)"
ROBOTS = "https://example.test/robots.txt"
ORIGIN = "https://example.test:443"
RULES = b"User-agent: *\nDisallow: /private\n"
PURPOSE = Purpose("b2b_post", "post", "b2b", "legitimate interest", ("name",))

Answer = Response | BaseException


class FakeSlot:
    def __init__(self, delay: float) -> None:
        self.delay = delay


class FakeDownloader:
    def __init__(self) -> None:
        self.slots: dict[str, FakeSlot] = {}
        self.per_slot_settings: dict[str, dict[str, Any]] = {}

    def get_slot_key(self, request: Request) -> str:
        return request.meta.get("download_slot") or (request.url.split("/")[2].split(":")[0])


class FakeEngine:
    """``download_async`` serving scripted answers per URL (the last one repeats)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.requests: list[Request] = []
        self.downloader = FakeDownloader()
        self.gate: asyncio.Event | None = None

    def script(self, url: str, *answers: Answer) -> None:
        self.answers[url] = list(answers)

    async def download_async(self, request: Request) -> Response:
        self.requests.append(request)
        if self.gate is not None:
            await self.gate.wait()
        queue = self.answers.get(request.url)
        if not queue:
            raise AssertionError(f"unexpected download of {request.url}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer.replace(url=request.url)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def robots(status: int = 200, body: bytes = RULES, **headers: str) -> Response:
    return Response(ROBOTS, status=status, body=body, headers=headers or None)


def redirect(to: str, status: int = 301) -> Response:
    return Response(ROBOTS, status=status, headers={"Location": to})


def make_crawler(tmp_path: Path, settings: dict[str, Any] | None = None) -> Crawler:
    crawler = get_crawler(settings_dict={"USER_AGENT": AGENT_UA, **(settings or {})})
    config = Config.from_settings(
        Settings(
            {
                "COMPLIANCE_PURPOSE": PURPOSE.name,
                "COMPLIANCE_DB": str(tmp_path / "c.db"),
                **{k: v for k, v in (settings or {}).items() if k.startswith("COMPLIANCE_")},
            }
        )
    )
    registry = Registry(
        directory=tmp_path,
        policies=(),
        purposes={PURPOSE.name: PURPOSE},
        controller=Controller("Acme", "1 rue de la Paix, Paris", "dpo@acme.test", "https://a.t"),
    )
    store = SqliteStore.open(config.db_path)
    ctx = ComplianceContext.build(config, registry, PURPOSE, store, stats=crawler.stats)
    store.start_run(ctx.facts.run_id, "test", PURPOSE.name, "2026-11-23T10:00:00Z")
    ctx.attach(crawler)
    crawler.engine = FakeEngine()  # type: ignore[assignment]
    return crawler


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def mw(tmp_path: Path, clock: Clock) -> Iterator[StrictRobotsMiddleware]:
    middleware = StrictRobotsMiddleware.from_crawler(make_crawler(tmp_path), clock=clock)
    yield middleware
    middleware.store.close()


def engine(mw: StrictRobotsMiddleware) -> FakeEngine:
    fake = mw.fetcher.crawler.engine
    assert isinstance(fake, FakeEngine)
    return fake


def robots_fetches(mw: StrictRobotsMiddleware) -> list[str]:
    return [r.url for r in engine(mw).requests]


def allowed(mw: StrictRobotsMiddleware, url: str, **meta: Any) -> bool:
    """Run process_request: True when the request passes, False when robots refuses it."""
    try:
        asyncio.run(mw.process_request(Request(url, meta=meta)))
    except RobotsRefusal:
        return False
    return True


def refusal(mw: StrictRobotsMiddleware, url: str) -> RobotsRefusal:
    with pytest.raises(RobotsRefusal) as info:
        asyncio.run(mw.process_request(Request(url)))
    return info.value


def store(mw: StrictRobotsMiddleware) -> SqliteStore:
    st = mw.store
    assert isinstance(st, SqliteStore)
    st.flush()
    return st


def snapshots(mw: StrictRobotsMiddleware) -> list[dict[str, Any]]:
    return list(store(mw).db["robots_snapshots"].rows)


def stat(mw: StrictRobotsMiddleware, key: str) -> Any:
    assert mw.fetcher.crawler.stats is not None
    return mw.fetcher.crawler.stats.get_value(key)


# -- verdicts by answer (RFC 9309 §2.3.1) -------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "public", "private", "status", "error", "verdict_stat"),
    [
        (robots(200), True, False, 200, None, "readable"),
        (robots(200, b""), True, True, 200, None, "readable"),
        (robots(404, b"User-agent: *\nDisallow: /\n"), True, True, 404, None, "no_rules"),
        (robots(410, b"User-agent: *\nDisallow: /\n"), True, True, 410, None, "no_rules"),
        (robots(403, b"User-agent: *\nDisallow: /\n"), True, True, 403, None, "no_rules"),
        (robots(401), True, True, 401, None, "no_rules"),
        (robots(429, b""), False, False, 429, None, "unreadable"),
        (robots(500, b""), False, False, 500, None, "unreadable"),
        (robots(503, RULES), False, False, 503, None, "unreadable"),
        (robots(304, b""), False, False, 304, None, "unreadable"),
        (redirect("", 302), False, False, 302, "HTTP 302 without Location", "unreadable"),
        (DownloadTimeoutError("took longer than 2 seconds"), False, False, None,
         "DownloadTimeoutError: took longer than 2 seconds", "unreadable"),
        (DownloadConnectionRefusedError("refused"), False, False, None,
         "DownloadConnectionRefusedError: refused", "unreadable"),
        (CannotResolveHostError("example.test"), False, False, None,
         "CannotResolveHostError: example.test", "unreadable"),
        (ConnectionResetError(), False, False, None, "ConnectionResetError", "unreadable"),
        (DownloadFailedError([Failure(ConnectionLost())]), False, False, None,
         "DownloadFailedError (ConnectionLost: Connection to the other side was lost in a "
         "non-clean fashion.)", "unreadable"),
    ],
)  # fmt: skip
def test_verdict_by_answer(
    mw: StrictRobotsMiddleware,
    answer: Answer,
    public: bool,
    private: bool,
    status: int | None,
    error: str | None,
    verdict_stat: str,
) -> None:
    engine(mw).script(ROBOTS, answer)
    assert allowed(mw, "https://example.test/public") is public
    assert allowed(mw, "https://example.test/private/x") is private
    assert robots_fetches(mw) == [ROBOTS]
    [row] = snapshots(mw)
    assert (row["status"], row["error"]) == (status, error)
    assert stat(mw, f"compliance/robots/{verdict_stat}") == 1
    assert stat(mw, "compliance/robots/fetched") == 1


def test_disallowed_reason_names_origin_path_agent_and_rule(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(200))
    exc = refusal(mw, "https://example.test/private/a?b=1")
    assert exc.stage == "robots" and exc.rule == "R3" and exc.domain == "example.test"
    assert exc.reason == (
        "robots.txt of https://example.test:443 disallows /private/a?b=1 for agent "
        "compliant-scraper (Disallow: /private)"
    )
    assert stat(mw, "compliance/refused/robots") == 1
    assert stat(mw, "compliance/robots/refused/disallowed") == 1


def test_a_huge_rule_is_shortened_in_the_reason(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(200, b"User-agent: *\nDisallow: /" + b"a" * 5000 + b"\n"))
    reason = refusal(mw, "https://example.test/" + "a" * 6000).reason
    assert reason.endswith("a…)")
    assert "(Disallow: /aaa" in reason and len(reason) < 6000 + 300


def test_unreadable_reason_and_refusal_rows(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(503, b""))
    exc = refusal(mw, "https://example.test/a")
    assert exc.reason == (
        "robots.txt of https://example.test:443 unreadable (HTTP 503): the whole host is "
        "refused on this scheme and port until it can be read (RFC 9309 §2.3.1.4)"
    )
    refusal(mw, "https://example.test/b")
    rows = list(store(mw).db["refusals"].rows)
    assert [(r["url"], r["stage"], r["rule"]) for r in rows] == [
        ("https://example.test/a", "robots", "R3"),
        ("https://example.test/b", "robots", "R3"),
    ]
    assert stat(mw, "compliance/refused/robots") == 2
    assert stat(mw, "compliance/robots/refused/unreadable") == 2
    assert stat(mw, "compliance/robots/status/503") == 1


def test_agent_group_applies_not_a_prefix_group(mw: StrictRobotsMiddleware) -> None:
    body = b"User-agent: compliant\nDisallow: /\n\nUser-agent: compliant-scraper\nDisallow: /x\n"
    engine(mw).script(ROBOTS, robots(200, body))
    assert allowed(mw, "https://example.test/a")
    assert not allowed(mw, "https://example.test/x")


def test_robotstxt_user_agent_setting_names_the_token(tmp_path: Path, clock: Clock) -> None:
    crawler = make_crawler(tmp_path, {"ROBOTSTXT_USER_AGENT": "OtherBot"})
    mw = StrictRobotsMiddleware.from_crawler(crawler, clock=clock)
    engine(mw).script(ROBOTS, robots(200, b"User-agent: otherbot\nDisallow: /o\n"))
    assert mw.agent == "OtherBot"
    assert not allowed(mw, "https://example.test/o")


def test_spider_user_agent_header_obeys_that_group_too(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(200, b"User-agent: foobot\nDisallow: /f\n"))
    request = Request("https://example.test/f", headers={"User-Agent": "FooBot/2.0"})
    with pytest.raises(RobotsRefusal, match="for agent FooBot"):
        asyncio.run(mw.process_request(request))
    assert allowed(mw, "https://example.test/f")


# -- redirects (RFC 9309 §2.3.1.2) ---------------------------------------------------------------


def hops(count: int) -> list[str]:
    return [f"https://cdn{i}.test/robots.txt" for i in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_redirect_chain_is_followed(mw: StrictRobotsMiddleware, count: int) -> None:
    fake = engine(mw)
    chain = [ROBOTS, *hops(count)]
    for here, there in pairwise(chain):
        fake.script(here, redirect(there, 302 if len(here) % 2 else 301))
    fake.script(chain[-1], robots(200))
    assert allowed(mw, "https://example.test/public")
    assert not allowed(mw, "https://example.test/private")
    assert robots_fetches(mw) == chain
    for request in fake.requests:
        assert request.meta["dont_redirect"] is True
        assert request.meta["handle_httpstatus_all"] is True
        assert request.meta["dont_cache"] is True
        assert request.meta[META_INTERNAL] is mw.facts.internal
    [row] = snapshots(mw)
    assert (row["url"], row["host"], row["status"]) == (ROBOTS, "example.test", 200)
    assert stat(mw, "compliance/robots/redirects") == count
    assert mw.in_force[ORIGIN] == sha256_hex(RULES)


def test_more_than_five_redirects_is_unreadable(mw: StrictRobotsMiddleware) -> None:
    fake = engine(mw)
    chain = [ROBOTS, *hops(6)]
    for here, there in pairwise(chain):
        fake.script(here, redirect(there))
    fake.script(chain[-1], robots(200))
    exc = refusal(mw, "https://example.test/public")
    assert "unreadable (more than 5 redirects)" in exc.reason
    assert robots_fetches(mw) == chain[:-1]
    [row] = snapshots(mw)
    assert (row["status"], row["error"]) == (301, "more than 5 redirects")
    assert row["sha256"] == EMPTY_SHA256


def test_relative_redirect_is_resolved(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, redirect("/static/robots.txt"))
    engine(mw).script("https://example.test/static/robots.txt", robots(200))
    assert not allowed(mw, "https://example.test/private")


def test_redirect_refused_by_the_gate_is_unreadable(mw: StrictRobotsMiddleware) -> None:
    forbidden = "https://www.linkedin.com/robots.txt"
    engine(mw).script(ROBOTS, redirect(forbidden))
    engine(mw).script(forbidden, PolicyRefusal(forbidden, "www.linkedin.com", "forbidden"))
    exc = refusal(mw, "https://example.test/public")
    assert "unreadable (fetch refused: [policy/R2] www.linkedin.com: forbidden)" in exc.reason
    [row] = snapshots(mw)
    assert row["status"] is None and row["error"].startswith("fetch refused")


def test_redirect_to_other_scheme_is_unreadable(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, redirect("ftp://example.test/robots.txt"))
    assert "non-HTTP URL" in refusal(mw, "https://example.test/a").reason


# -- cache (RFC 9309 §2.4) -----------------------------------------------------------------------


def test_readable_cached_for_24_hours(mw: StrictRobotsMiddleware, clock: Clock) -> None:
    engine(mw).script(ROBOTS, robots(200), robots(200, b"User-agent: *\nDisallow: /\n"))
    assert allowed(mw, "https://example.test/a")
    clock.now += 86399
    assert allowed(mw, "https://example.test/a")
    assert len(robots_fetches(mw)) == 1
    clock.now += 1
    assert not allowed(mw, "https://example.test/a")
    assert len(robots_fetches(mw)) == 2
    assert len(snapshots(mw)) == 2


def test_unreadable_cached_for_one_hour(mw: StrictRobotsMiddleware, clock: Clock) -> None:
    engine(mw).script(ROBOTS, robots(503, b""), robots(200))
    assert not allowed(mw, "https://example.test/a")
    clock.now += 3599
    assert not allowed(mw, "https://example.test/a")
    assert len(robots_fetches(mw)) == 1
    clock.now += 1
    assert allowed(mw, "https://example.test/a")
    assert len(robots_fetches(mw)) == 2


def test_cache_durations_come_from_settings(tmp_path: Path, clock: Clock) -> None:
    settings = {"COMPLIANCE_ROBOTS_CACHE_SECONDS": 10, "COMPLIANCE_ROBOTS_ERROR_CACHE_SECONDS": 5}
    mw = StrictRobotsMiddleware.from_crawler(make_crawler(tmp_path, settings), clock=clock)
    engine(mw).script(ROBOTS, robots(500, b""), robots(200), robots(200))
    allowed(mw, "https://example.test/a")
    clock.now += 5
    allowed(mw, "https://example.test/a")
    clock.now += 9
    allowed(mw, "https://example.test/a")
    clock.now += 1
    allowed(mw, "https://example.test/a")
    assert len(robots_fetches(mw)) == 3


@pytest.mark.parametrize(
    ("first", "second", "fetches"),
    [
        ("https://example.test/a", "https://example.test:443/b", 1),
        ("https://example.test/a", "http://example.test/b", 2),
        ("http://example.test/a", "http://example.test:8080/b", 2),
        ("https://example.test/a", "https://EXAMPLE.test./b", 1),
        ("https://example.test/a", "https://www.example.test/b", 2),
    ],
)
def test_one_robots_txt_per_origin(
    mw: StrictRobotsMiddleware, first: str, second: str, fetches: int
) -> None:
    for scheme in ("http", "https"):
        for port in ("", ":443", ":8080"):
            for host in ("example.test", "www.example.test"):
                engine(mw).script(f"{scheme}://{host}{port}/robots.txt", robots(200))
    allowed(mw, first)
    allowed(mw, second)
    assert len(robots_fetches(mw)) == fetches


def test_http_and_https_have_separate_rules(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(200, b"User-agent: *\nDisallow: /s\n"))
    engine(mw).script("http://example.test/robots.txt", robots(404, b""))
    assert not allowed(mw, "https://example.test/s")
    assert allowed(mw, "http://example.test/s")
    assert set(mw.in_force) == {ORIGIN, "http://example.test:80"}


def test_concurrent_requests_wait_for_one_fetch(mw: StrictRobotsMiddleware) -> None:
    fake = engine(mw)
    fake.script(ROBOTS, robots(200))

    async def crawl() -> list[bool]:
        fake.gate = asyncio.Event()

        async def one(path: str) -> bool:
            try:
                await mw.process_request(Request(f"https://example.test{path}"))
            except RobotsRefusal:
                return False
            return True

        tasks = [asyncio.ensure_future(one(p)) for p in ("/a", "/private", "/b", "/private/c")]
        for _ in range(5):
            await asyncio.sleep(0)
        fake.gate.set()
        return list(await asyncio.gather(*tasks))

    assert asyncio.run(crawl()) == [True, False, True, False]
    assert robots_fetches(mw) == [ROBOTS]


def test_waiters_fetch_again_when_the_fetch_is_cancelled(mw: StrictRobotsMiddleware) -> None:
    fake = engine(mw)
    fake.script(ROBOTS, robots(200))

    async def crawl() -> bool:
        fake.gate = asyncio.Event()
        first = asyncio.ensure_future(mw.process_request(Request("https://example.test/a")))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(mw.process_request(Request("https://example.test/b")))
        await asyncio.sleep(0)
        first.cancel()
        await asyncio.sleep(0)
        fake.gate.set()
        await second
        return first.cancelled()

    assert asyncio.run(crawl())
    assert robots_fetches(mw) == [ROBOTS, ROBOTS]


# -- what is skipped and what is not ----------------------------------------------------------


@pytest.mark.parametrize("url", ["data:text/plain,hello", "file:///etc/hostname"])
def test_data_and_file_urls_are_not_checked(mw: StrictRobotsMiddleware, url: str) -> None:
    assert allowed(mw, url)
    assert robots_fetches(mw) == []


def test_tdmrep_fetch_is_not_judged_by_robots_rules(mw: StrictRobotsMiddleware) -> None:
    """Issue 9 item 1: the compliance layer's own tdmrep.json request reads the
    rightsholder's terms, like robots.txt itself: robots.txt rules do not apply to it."""
    engine(mw).script(ROBOTS, robots(200, b"User-agent: *\nDisallow: /\nAllow: /annuaire/\n"))
    tdmrep = "https://example.test/.well-known/tdmrep.json"
    assert allowed(mw, tdmrep, **{META_INTERNAL: mw.facts.internal})
    assert robots_fetches(mw) == []  # not even robots.txt was needed for it
    assert allowed(mw, "https://example.test/annuaire/x")
    assert not allowed(mw, "https://example.test/prive")
    assert not allowed(mw, tdmrep, **{META_INTERNAL: True})  # a forged mark: judged


@pytest.mark.parametrize(
    "meta",
    [
        {"compliance_robots_fetch": True},
        {META_INTERNAL: True},
        {META_INTERNAL: object()},
        {"dont_obey_robotstxt": True},
    ],
)
def test_a_spider_cannot_skip_the_check(mw: StrictRobotsMiddleware, meta: dict[str, Any]) -> None:
    engine(mw).script(ROBOTS, robots(200))
    assert not allowed(mw, "https://example.test/private", **meta)


def test_robots_txt_goes_through_the_request_proxy(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, redirect("https://cdn.test/robots.txt"))
    engine(mw).script("https://cdn.test/robots.txt", robots(200))
    assert allowed(mw, "https://example.test/a", proxy="http://127.0.0.1:3128")
    assert [r.meta.get("proxy") for r in engine(mw).requests] == ["http://127.0.0.1:3128"] * 2


def test_own_robots_requests_are_not_checked(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(503, b""))
    allowed(mw, "https://example.test/a")
    [own] = engine(mw).requests
    asyncio.run(mw.process_request(own))  # does not raise although the origin is unreadable


# -- records -----------------------------------------------------------------------------------


def test_snapshot_of_a_readable_file(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(200))
    request = Request("https://example.test/a")
    asyncio.run(mw.process_request(request))
    [row] = snapshots(mw)
    assert row["run_id"] == mw.facts.run_id
    assert (row["url"], row["host"], row["status"], row["error"]) == (
        ROBOTS,
        "example.test",
        200,
        None,
    )
    assert row["sha256"] == sha256_hex(RULES)
    assert row["body"] == RULES.decode()
    assert row["fetched_at"].endswith("Z")
    assert mw.in_force[ORIGIN] == sha256_hex(RULES)
    assert request.meta[META_ROBOTS_SHA256] == sha256_hex(RULES)


def test_snapshot_of_a_4xx_ignores_its_body(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(404, b"<html>Not found</html>"))
    allowed(mw, "https://example.test/a")
    [row] = snapshots(mw)
    assert (row["status"], row["sha256"], row["body"]) == (404, EMPTY_SHA256, "")
    assert mw.in_force[ORIGIN] == EMPTY_SHA256


def test_unreadable_sets_no_provenance_sha(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(503, b"oops"))
    allowed(mw, "https://example.test/a")
    [row] = snapshots(mw)
    assert (row["sha256"], row["body"]) == (EMPTY_SHA256, "")
    assert ORIGIN not in mw.in_force


def test_only_max_bytes_are_parsed_and_stored(tmp_path: Path, clock: Clock) -> None:
    head = b"User-agent: *\nDisallow: /a\n"
    body = head + b"Disallow: /b\n"
    crawler = make_crawler(tmp_path, {"COMPLIANCE_ROBOTS_MAX_BYTES": len(head)})
    mw = StrictRobotsMiddleware.from_crawler(crawler, clock=clock)
    engine(mw).script(ROBOTS, robots(200, body))
    assert not allowed(mw, "https://example.test/a")
    assert allowed(mw, "https://example.test/b")
    [row] = snapshots(mw)
    assert (row["body"], row["sha256"]) == (head.decode(), sha256_hex(head))
    assert stat(mw, "compliance/robots/truncated") == 1


# -- Crawl-delay ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crawl_delay", "download_delay", "expected"),
    [
        ("5", 0.25, 5.0),
        ("0.1", 0.25, 0.25),
        ("3600", 0.25, CRAWL_DELAY_CAP),
        (None, 0.25, None),
    ],
)
def test_crawl_delay_sets_the_slot_delay(
    tmp_path: Path,
    clock: Clock,
    crawl_delay: str | None,
    download_delay: float,
    expected: float | None,
) -> None:
    crawler = make_crawler(tmp_path, {"DOWNLOAD_DELAY": download_delay})
    mw = StrictRobotsMiddleware.from_crawler(crawler, clock=clock)
    body = b"User-agent: *\n" + (f"Crawl-delay: {crawl_delay}\n".encode() if crawl_delay else b"")
    engine(mw).script(ROBOTS, robots(200, body))
    downloader = engine(mw).downloader
    downloader.slots["example.test"] = FakeSlot(download_delay)
    allowed(mw, "https://example.test/a")
    if expected is None:
        assert downloader.per_slot_settings == {}
        assert downloader.slots["example.test"].delay == download_delay
    else:
        assert downloader.per_slot_settings["example.test"]["delay"] == expected
        assert downloader.slots["example.test"].delay == expected


def test_crawl_delay_is_restored_after_autothrottle_lowers_it(mw: StrictRobotsMiddleware) -> None:
    engine(mw).script(ROBOTS, robots(200, b"User-agent: *\nCrawl-delay: 4\n"))
    downloader = engine(mw).downloader
    allowed(mw, "https://example.test/a")
    downloader.slots["example.test"] = FakeSlot(0.5)
    allowed(mw, "https://example.test/b")
    assert downloader.slots["example.test"].delay == 4.0


# -- ROBOTSTXT_OBEY -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "warned"),
    [({"ROBOTSTXT_OBEY": False}, True), ({"ROBOTSTXT_OBEY": True}, False), ({}, False)],
)
def test_robotstxt_obey_false_is_ignored_with_a_warning(
    tmp_path: Path,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    settings: dict[str, Any],
    warned: bool,
) -> None:
    with caplog.at_level(logging.WARNING, logger="compliant_scraper.crawl.robots"):
        mw = StrictRobotsMiddleware.from_crawler(make_crawler(tmp_path, settings), clock=clock)
    messages = [r.getMessage() for r in caplog.records if "ROBOTSTXT_OBEY" in r.getMessage()]
    assert len(messages) == (1 if warned else 0)
    engine(mw).script(ROBOTS, robots(200))
    assert not allowed(mw, "https://example.test/private")
    assert len([r for r in caplog.records if "ROBOTSTXT_OBEY" in r.getMessage()]) == len(messages)


def test_a_utf16_robots_txt_is_obeyed(mw: StrictRobotsMiddleware) -> None:
    """Issue 10 item 5: once read as no rules (allow all)."""
    engine(mw).script(ROBOTS, robots(200, b"\xff\xfe" + RULES.decode().encode("utf-16-le")))
    assert allowed(mw, "https://example.test/public")
    assert not allowed(mw, "https://example.test/private")
    assert stat(mw, "compliance/robots/readable") == 1
    [row] = snapshots(mw)
    assert row["body"] == RULES.decode()  # the auditor reads the rules, not UTF-16 bytes
