"""The shared state of cluster mode against a real redis-server (tests/support/servers.py).

Several "workers" are several clients: asyncio tasks in this process with a client each, or
real processes, so the locks and scripts are exercised as a cluster uses them.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import multiprocessing
import time
from collections import Counter

import pytest
import redis

from compliant_scraper.cluster.keys import CrawlKeys
from compliant_scraper.cluster.politeness import Politeness
from compliant_scraper.cluster.registry import Announcement, RegistryAnnouncer
from compliant_scraper.cluster.verdicts import (
    Outcome,
    SharedVerdict,
    SharedVerdicts,
    VerdictTimeout,
)
from compliant_scraper.cluster.workers import WorkerInfo, Workers

KEYS = CrawlKeys("t1")


def _verdict(origin: str, outcome: Outcome = "rules", by: str = "w") -> SharedVerdict:
    body = b"User-agent: *\nDisallow: /private\nCrawl-delay: 2\n" if outcome == "rules" else b""
    return SharedVerdict(
        kind="robots",
        origin=origin,
        url=f"{origin}/robots.txt",
        outcome=outcome,
        status={"rules": 200, "no_rules": 404, "unreadable": 503}[outcome],
        error=None,
        sha256=hashlib.sha256(body).hexdigest(),
        body=body,
        fetched_at="2026-06-01T10:00:00Z",
        fetched_by=by,
        run_id="run-" + by,
    )


def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


# -- verdicts -------------------------------------------------------------------------------


def test_verdict_round_trip() -> None:
    verdict = _verdict("http://a.test:80")
    assert SharedVerdict.from_json(verdict.to_json()) == verdict


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        b'{"kind": "robots"}',
        _verdict("http://a.test:80").to_json().replace(b'"rules"', b'"allow-all"'),
        _verdict("http://a.test:80").to_json().replace(b"200", b"true"),
    ],
)
def test_malformed_verdict_rejected(raw: bytes) -> None:
    with pytest.raises(ValueError, match="malformed shared verdict"):
        SharedVerdict.from_json(raw)


def test_one_fetch_per_origin_for_eight_workers(redis_url: str) -> None:
    """Eight workers want the same 25 origins at once: each origin is fetched once."""
    origins = [f"http://host{i}.test:80" for i in range(25)]
    fetches: Counter[str] = Counter()

    async def worker(n: int) -> dict[str, str]:
        shared = SharedVerdicts(_client(redis_url), KEYS, lock_seconds=5)
        seen = {}
        for origin in origins[n % 5 :] + origins[: n % 5]:  # different orders

            async def fetch(origin: str = origin) -> SharedVerdict:
                fetches[origin] += 1
                await asyncio.sleep(0.02)  # the network: others arrive meanwhile
                return _verdict(origin, by=f"w{n}")

            found = await shared.resolve("robots", origin, fetch, lambda v: 60, asyncio.sleep)
            seen[origin] = found.verdict.fetched_by
        return seen

    async def main() -> list[dict[str, str]]:
        return await asyncio.gather(*(worker(n) for n in range(8)))

    results = asyncio.run(main())
    assert fetches == Counter({origin: 1 for origin in origins})
    # every worker used, for each origin, the verdict of the one worker that fetched it
    assert all(seen == results[0] for seen in results) and len(results[0]) == 25
    assert len(set(results[0].values())) > 1  # the fetches were spread over the workers


def _process_worker(url: str, n: int, origins: list[str]) -> None:
    client = _client(url)
    shared = SharedVerdicts(client, KEYS, lock_seconds=5)

    async def run() -> None:
        for origin in origins[n:] + origins[:n]:

            async def fetch(origin: str = origin) -> SharedVerdict:
                client.incr(f"test:fetches:{origin}")
                await asyncio.sleep(0.005)
                return _verdict(origin, by=f"p{n}")

            await shared.resolve("robots", origin, fetch, lambda v: 60, asyncio.sleep)

    asyncio.run(run())


def test_one_fetch_per_origin_for_four_processes(redis_url: str) -> None:
    origins = [f"http://site{i}.test:80" for i in range(50)]
    context = multiprocessing.get_context("fork")
    procs = [
        context.Process(target=_process_worker, args=(redis_url, n, origins)) for n in range(4)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    client = _client(redis_url)
    counts = [int(client.get(f"test:fetches:{o}") or 0) for o in origins]
    assert counts == [1] * 50


def test_unreadable_verdict_is_shared_for_its_ttl(redis_url: str) -> None:
    fetches = []

    async def fetch() -> SharedVerdict:
        fetches.append(1)
        return _verdict("http://down.test:80", "unreadable")

    def ttl_of(verdict: SharedVerdict) -> float:
        return 0.3 if verdict.outcome == "unreadable" else 60

    async def main() -> list[str]:
        shared = [SharedVerdicts(_client(redis_url), KEYS, lock_seconds=5) for _ in range(3)]
        outcomes = []
        for s in shared:
            found = await s.resolve("robots", "http://down.test:80", fetch, ttl_of, asyncio.sleep)
            assert 0 < found.ttl <= 0.3
            outcomes.append(found.verdict.outcome)
        assert len(fetches) == 1
        await asyncio.sleep(0.35)  # expired: asked again, once
        again = await shared[0].resolve(
            "robots", "http://down.test:80", fetch, ttl_of, asyncio.sleep
        )
        assert again.fetched_here
        return outcomes

    assert asyncio.run(main()) == ["unreadable"] * 3
    assert len(fetches) == 2


def test_waiter_fetches_when_the_lock_holder_died(redis_url: str) -> None:
    """A worker killed mid-fetch holds the lock until it expires; then another fetches."""
    dead = _client(redis_url).lock(KEYS.verdict_lock("robots", "http://a.test:80"), timeout=0.4)
    assert dead.acquire(blocking=False)  # and never released

    async def fetch() -> SharedVerdict:
        return _verdict("http://a.test:80", by="survivor")

    shared = SharedVerdicts(_client(redis_url), KEYS, lock_seconds=5)
    started = time.monotonic()
    found = asyncio.run(
        shared.resolve("robots", "http://a.test:80", fetch, lambda v: 60, asyncio.sleep)
    )
    assert found.fetched_here and found.verdict.fetched_by == "survivor"
    assert time.monotonic() - started >= 0.3


def test_wait_is_bounded(redis_url: str) -> None:
    held = _client(redis_url).lock(KEYS.verdict_lock("robots", "http://a.test:80"), timeout=30)
    assert held.acquire(blocking=False)

    async def fetch() -> SharedVerdict:
        raise AssertionError("must not fetch while another worker holds the lock")

    shared = SharedVerdicts(_client(redis_url), KEYS, lock_seconds=0.2)
    with pytest.raises(VerdictTimeout, match=r"no shared robots verdict for http://a\.test:80"):
        asyncio.run(
            shared.resolve("robots", "http://a.test:80", fetch, lambda v: 60, asyncio.sleep)
        )
    held.release()


@pytest.mark.parametrize(
    "stored",
    [b"garbage", _verdict("http://other.test:80").to_json()],
    ids=["malformed", "other-origin"],
)
def test_untrusted_verdict_is_fetched_again(redis_url: str, stored: bytes) -> None:
    client = _client(redis_url)
    client.set(KEYS.verdict("robots", "http://a.test:80"), stored)
    fetches = []

    async def fetch() -> SharedVerdict:
        fetches.append(1)
        return _verdict("http://a.test:80", by="honest")

    shared = SharedVerdicts(client, KEYS, lock_seconds=5)
    found = asyncio.run(
        shared.resolve("robots", "http://a.test:80", fetch, lambda v: 60, asyncio.sleep)
    )
    assert fetches == [1] and found.verdict.fetched_by == "honest"
    assert shared.get("robots", "http://a.test:80") is not None  # overwritten


def test_failed_fetch_releases_the_lock(redis_url: str) -> None:
    async def broken() -> SharedVerdict:
        raise RuntimeError("engine stopped")

    async def good() -> SharedVerdict:
        return _verdict("http://a.test:80")

    shared = SharedVerdicts(_client(redis_url), KEYS, lock_seconds=30)
    with pytest.raises(RuntimeError):
        asyncio.run(
            shared.resolve("robots", "http://a.test:80", broken, lambda v: 60, asyncio.sleep)
        )
    started = time.monotonic()
    asyncio.run(shared.resolve("robots", "http://a.test:80", good, lambda v: 60, asyncio.sleep))
    assert time.monotonic() - started < 5  # not waiting out a 30 s lock


def test_verdicts_of_two_crawls_are_apart(redis_url: str) -> None:
    client = _client(redis_url)
    SharedVerdicts(client, CrawlKeys("one"), lock_seconds=5).publish(_verdict("http://a:80"), 60)
    assert (
        SharedVerdicts(client, CrawlKeys("two"), lock_seconds=5).get("robots", "http://a:80")
        is None
    )
    assert SharedVerdicts(client, CrawlKeys("one"), lock_seconds=5).get("robots", "http://a:80")


# -- politeness -----------------------------------------------------------------------------


def test_reservations_space_requests_across_workers(redis_url: str) -> None:
    """Four workers reserving 40 sends to one host at 50 ms: send times 50 ms apart.

    A send time is only known within the reservation's round trip: it lies between
    ``before + wait`` and ``after + wait``. Gaps are checked with those bounds, so a slow
    machine cannot fail the test, but reservations that do not space the sends would."""
    workers = [Politeness(_client(redis_url), KEYS) for _ in range(4)]
    sends = []
    for i in range(40):
        before = time.monotonic()
        wait = workers[i % 4].reserve("polite.test", 0.05)
        sends.append((before + wait, time.monotonic() + wait))
    for (early, _), (_, late) in itertools.pairwise(sends):
        assert late - early >= 0.05, sends
    assert sends[-1][1] - sends[0][0] >= 39 * 0.05


def test_reservations_per_host_are_independent(redis_url: str) -> None:
    polite = Politeness(_client(redis_url), KEYS)
    assert polite.reserve("a.test", 10) == 0
    assert polite.reserve("b.test", 10) == 0
    assert 9.9 < polite.reserve("a.test", 10) <= 10
    assert polite.reserve("c.test", 0) == 0


def test_idle_host_keys_expire(redis_url: str) -> None:
    client = _client(redis_url)
    Politeness(client, KEYS).reserve("a.test", 0.01)
    assert 0 < client.pttl(KEYS.politeness("a.test")) <= 1100


def _reserving_process(url: str, count: int, out: multiprocessing.Queue[float]) -> None:
    polite = Politeness(_client(url), KEYS)
    for _ in range(count):
        wait = polite.reserve("rate.test", 0.1)
        time.sleep(wait)
        out.put(time.time())


def test_four_processes_held_to_the_rate(redis_url: str) -> None:
    """Four processes each send 5 requests to a 10/s host: 20 sends over 1.9 s or more."""
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[float] = context.Queue()
    procs = [context.Process(target=_reserving_process, args=(redis_url, 5, out)) for _ in range(4)]
    for proc in procs:
        proc.start()
    sends = sorted(out.get(timeout=60) for _ in range(20))
    for proc in procs:
        proc.join(30)
        assert proc.exitcode == 0
    gaps = [b - a for a, b in itertools.pairwise(sends)]
    # A sender that oversleeps narrows the gap to the next one (the crawl re-reserves when
    # late, crawl/politeness); half an interval is the slack a loaded machine gets here.
    # Without the reservations, four processes would send at once: gaps near 0.
    assert min(gaps) >= 0.05, gaps
    assert sends[-1] - sends[0] >= 19 * 0.1 - 0.05


# -- workers --------------------------------------------------------------------------------


def _info(worker_id: str, state: str = "crawling") -> WorkerInfo:
    return WorkerInfo(worker_id, "host", 1, "run", "2026-06-01T10:00:00Z", state)


def _workers(url: str, worker_id: str, timeout: float = 5) -> Workers:
    return Workers(_client(url), KEYS, worker_id, timeout=timeout)


def test_pop_marks_the_worker_busy_in_the_same_step(redis_url: str) -> None:
    client = _client(redis_url)
    client.zadd(KEYS.requests, {b"r1": 0, b"r2": -1})
    a, b = _workers(redis_url, "a"), _workers(redis_url, "b")
    assert a.state().idle is False
    assert a.pop_request() == b"r2"  # the best score first, as scrapy-redis's queue
    assert b.pop_request() == b"r1"
    state = a.state()
    assert (state.queued, state.busy) == (0, 2) and not state.idle
    assert a.pop_request() is None
    a.mark_idle()
    assert not a.state().idle  # b still has a request in flight
    b.mark_idle()
    assert a.state().idle


def test_empty_pop_does_not_mark_busy(redis_url: str) -> None:
    a = _workers(redis_url, "a")
    assert a.pop_request() is None
    assert a.state().idle


def test_dead_worker_stops_counting_after_its_timeout(redis_url: str) -> None:
    client = _client(redis_url)
    client.zadd(KEYS.requests, {b"r1": 0})
    dead = _workers(redis_url, "dead", timeout=0.3)
    dead.beat(_info("dead"), busy=True)
    assert dead.pop_request() == b"r1"  # and then: kill -9
    survivor = _workers(redis_url, "survivor")
    state = survivor.state()
    assert (state.busy, state.alive) == (1, 1) and not state.idle
    time.sleep(0.35)
    state = survivor.state()
    assert (state.busy, state.alive) == (0, 0) and state.idle


def test_beat_refreshes_and_leave_removes(redis_url: str) -> None:
    a = _workers(redis_url, "a", timeout=0.3)
    for _ in range(4):
        a.beat(_info("a"), busy=True)
        time.sleep(0.1)
    assert not a.state().idle  # kept busy by its beats past one timeout
    a.beat(_info("a", "idle"), busy=False)
    assert a.alive_ids() == {"a"}
    a.leave(_info("a", "closed: finished"))
    assert a.alive_ids() == set() and a.state().idle
    assert [(w.worker_id, w.state) for w in a.all()] == [("a", "closed: finished")]


def test_idle_check_counts_a_list_queue_too(redis_url: str) -> None:
    _client(redis_url).lpush(KEYS.requests, b"r")
    assert _workers(redis_url, "a").state().queued == 1


# -- registry announcement ------------------------------------------------------------------


def test_announcement_versions_grow(redis_url: str) -> None:
    announcer = RegistryAnnouncer(_client(redis_url), KEYS)
    assert announcer.current() is None
    first = announcer.announce("a" * 64, "2026-06-01T10:00:00Z", "legal@host")
    second = announcer.announce("b" * 64, "2026-06-02T10:00:00Z", "legal@host")
    assert (first.version, second.version) == (1, 2)
    assert (
        announcer.current()
        == second
        == Announcement("b" * 64, 2, "2026-06-02T10:00:00Z", "legal@host")
    )


@pytest.mark.parametrize(
    "stored", [b"{}", b'{"sha256": "x", "version": 1, "published_at": "", "published_by": ""}']
)
def test_forged_announcement_refused(redis_url: str, stored: bytes) -> None:
    client = _client(redis_url)
    client.set(KEYS.registry, stored)
    with pytest.raises(ValueError, match="malformed registry announcement"):
        RegistryAnnouncer(client, KEYS).current()


def test_announce_refuses_a_non_sha(redis_url: str) -> None:
    with pytest.raises(ValueError, match="not a sha256"):
        RegistryAnnouncer(_client(redis_url), KEYS).announce("v2", "t", "me")
