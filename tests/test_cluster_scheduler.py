"""``ClusterScheduler`` and cluster mode's refusals.

The crawls here are plain Scrapy (no compliance add-on) with the cluster scheduler, so they
test the frontier alone: several real worker processes share one real redis-server and crawl
a generated site behind the fixture world's logging proxy. The compliance promises with the
add-on, PostgreSQL and the fixture world are in test_cluster_promises.py.
"""

from __future__ import annotations

import pickle
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from conftest import SPIDERS_DIR, RunCrawl
from scrapy.settings import Settings
from support.workers import WorkerGroup, scrapy_command

from compliant_scraper.cluster.keys import CrawlKeys
from compliant_scraper.crawl import cluster_mode
from compliant_scraper.demo.world import MAX_DELAY, Hit, Rule, VirtualWorld
from compliant_scraper.errors import ComplianceConfigError

SPIDER = SPIDERS_DIR / "cluster_links.py"
PARSED = "CLUSTER-PARSED"
HOST = "site.test"
PG = "postgresql://crawler:unused@127.0.0.1:1/none"  # never connected to by these tests
SLOW = 2.0  # seconds the slow page takes to answer


def _cluster_settings(redis_url: str, crawl_id: str = "sched") -> dict[str, str]:
    return {
        "SCHEDULER": cluster_mode.SCHEDULER,
        "COMPLIANCE_CLUSTER_REDIS_URL": redis_url,
        "COMPLIANCE_CRAWL_ID": crawl_id,
        "COMPLIANCE_STORE_URL": PG,
        "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": "0.2",
        "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS": "2",
    }


# -- refusals (no server needed) --------------------------------------------------------------


def _check(extra: dict[str, object]) -> None:
    settings = Settings({**_cluster_settings("redis://127.0.0.1:6379/0"), **extra})
    cluster_mode.check(settings)


def test_check_accepts_the_defaults() -> None:
    _check({})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SCHEDULER_PERSIST": False}, "SCHEDULER_PERSIST is False: the first worker to stop"),
        ({"SCHEDULER_FLUSH_ON_START": True}, "SCHEDULER_FLUSH_ON_START is True"),
        ({"SCHEDULER": "scrapy_redis.scheduler.Scheduler"}, "cluster mode needs"),
        ({"SCHEDULER": "scrapy.core.scheduler.Scheduler"}, "SCHEDULER is"),
        ({"SCHEDULER_SERIALIZER": "scrapy_redis.picklecompat"}, "pickle would run whatever"),
        ({"SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue"}, "SCHEDULER_QUEUE_CLASS"),
        (
            {"ITEM_PIPELINES": {"scrapy_redis.pipelines.RedisPipeline": 300}},
            "copies every item (personal data) into a Redis list that erasure never reaches",
        ),
        ({"STATS_CLASS": "scrapy_redis.stats.RedisStatsCollector"}, "sums every worker's stats"),
        ({"COMPLIANCE_STORE_URL": None}, "cluster mode needs a shared PostgreSQL store"),
        ({"COMPLIANCE_CLUSTER_REDIS_URL": "redis://10.1.2.3:6379/0"}, "names no password"),
    ],
)
def test_check_refuses(extra: dict[str, object], message: str) -> None:
    with pytest.raises(ComplianceConfigError) as info:
        _check(extra)
    assert message in str(info.value)


def test_check_lists_every_problem_at_once() -> None:
    with pytest.raises(ComplianceConfigError) as info:
        _check(
            {"SCHEDULER_PERSIST": False, "STATS_CLASS": "scrapy_redis.stats.RedisStatsCollector"}
        )
    assert "SCHEDULER_PERSIST" in str(info.value) and "STATS_CLASS" in str(info.value)


def test_check_refuses_a_redis_spider() -> None:
    from scrapy_redis.spiders import RedisSpider

    class Mine(RedisSpider):  # type: ignore[misc]
        name = "mine"

    with pytest.raises(ComplianceConfigError, match="start_requests"):
        cluster_mode.check(Settings(_cluster_settings("redis://127.0.0.1:6379/0")), Mine)


def test_install_sets_the_scheduler_and_json() -> None:
    settings = Settings(
        {
            "COMPLIANCE_CLUSTER_REDIS_URL": "redis://127.0.0.1:6379/0",
            "COMPLIANCE_CRAWL_ID": "c",
        }
    )
    with pytest.raises(ComplianceConfigError, match="cluster mode needs a shared PostgreSQL"):
        cluster_mode.install(settings)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"COMPLIANCE_STORE_URL": "mysql://a@b/c"}, "COMPLIANCE_STORE_URL: expected postgresql://"),
        ({"COMPLIANCE_STORE_URL": PG}, "COMPLIANCE_KEY_FILE is not set: with a PostgreSQL store"),
    ],
)
def test_a_store_url_needs_postgresql_and_a_named_key_file(
    extra: dict[str, str], message: str
) -> None:
    from compliant_scraper.config import Config

    with pytest.raises(ComplianceConfigError, match=message):
        Config.from_settings(Settings(extra))
    ok = Config.from_settings(Settings({"COMPLIANCE_STORE_URL": PG, "COMPLIANCE_KEY_FILE": "k"}))
    assert ok.store_url == PG


@pytest.mark.e2e
def test_addon_refuses_cluster_mode_with_sqlite(
    tmp_path: Path, crawl: RunCrawl, trap_world: VirtualWorld
) -> None:
    result = crawl(
        "directory",
        tmp_path,
        env=trap_world.env(),
        args={"start_url": "http://allowed.test/"},
        settings={
            "COMPLIANCE_CLUSTER_REDIS_URL": "redis://127.0.0.1:1/0",
            "COMPLIANCE_CRAWL_ID": "c",
        },
    )
    assert result.returncode != 0, result
    assert "COMPLIANCE_STORE_URL: cluster mode needs a shared PostgreSQL store" in result.output
    assert trap_world.requests == []
    assert not result.db_path.exists()  # refused before any store was opened


# -- real crawls: several workers, one redis-server ---------------------------------------------


def _site(root: Path, pages: int, slow_links: int) -> dict[str, set[str]]:
    """A tree (one parent per page): ``index`` links ``slow.html`` and ``p0, p5, ...``, each
    the head of a chain of five (``p<i>`` links ``p<i+1>``); the slow page's answer links
    ``q0..``. Returns each page's URL -> the URLs it links to."""
    folder = root / HOST
    folder.mkdir(parents=True)
    base = f"http://{HOST}/"
    links: dict[str, set[str]] = {base: {base + "slow.html"}, base + "slow.html": set()}
    for i in range(pages):
        chained = i + 1 < pages and (i + 1) % 5 != 0
        links[f"{base}p{i}.html"] = {f"{base}p{i + 1}.html"} if chained else set()
        if i % 5 == 0:
            links[base].add(f"{base}p{i}.html")
    for i in range(slow_links):
        links[f"{base}q{i}.html"] = set()
        links[base + "slow.html"].add(f"{base}q{i}.html")
    for url, children in links.items():
        name = url.removeprefix(base) or "index.html"
        anchors = " ".join(f'<a href="{c.removeprefix(base)}">x</a>' for c in sorted(children))
        (folder / name).write_text(f"<html><body>{anchors or 'leaf'}</body></html>")
    return links


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[VirtualWorld, dict[str, set[str]]]]:
    links = _site(tmp_path / "world", pages=30, slow_links=15)
    slow = Rule(HOST, "/slow.html", delay=SLOW)
    with VirtualWorld(tmp_path / "world", [slow]) as world:
        yield world, links


@pytest.fixture
def stalled_site(tmp_path: Path) -> Iterator[tuple[VirtualWorld, dict[str, set[str]]]]:
    """The site whose slow page does not answer within the test (the world's longest delay;
    stopping the world wakes it)."""
    links = _site(tmp_path / "world", pages=30, slow_links=15)
    stalled = Rule(HOST, "/slow.html", delay=MAX_DELAY)
    with VirtualWorld(tmp_path / "world", [stalled]) as world:
        yield world, links


def _hits(world: VirtualWorld, path: str) -> list[Hit]:
    return [hit for hit in world.requests if hit.host == HOST and hit.path == path]


def _crawl(
    tmp_path: Path, world: VirtualWorld, redis_url: str, workers: int, **extra: str
) -> WorkerGroup:
    group = WorkerGroup(tmp_path / "run", world.env())
    settings = {
        **_cluster_settings(redis_url),
        "DOWNLOAD_DELAY": "0",
        "TELNETCONSOLE_ENABLED": "False",
        "LOG_LEVEL": "INFO",
        "CONCURRENT_REQUESTS": "4",
        **extra,
    }
    for index in range(workers):  # each worker's requests say which worker sent them
        named = {**settings, "USER_AGENT": f"cluster-test-worker-{index}"}
        group.start(scrapy_command(SPIDER, named, {"start_url": f"http://{HOST}/"}))
    return group


@pytest.mark.e2e
@pytest.mark.parametrize("workers", [1, 2, 4])
def test_workers_share_the_crawl_and_fetch_no_page_twice(
    tmp_path: Path, site: tuple[VirtualWorld, dict[str, set[str]]], redis_url: str, workers: int
) -> None:
    world, urls = site
    group = _crawl(tmp_path, world, redis_url, workers)
    done = group.wait(60)
    for worker in done:
        assert worker.returncode == 0, worker.tail()
        assert "Cluster idle" in worker.output, worker.tail()
    fetched = Counter(f"http://{hit.host}{hit.path}" for hit in world.requests)
    assert set(fetched) == set(urls)
    assert max(fetched.values()) == 1, [u for u, n in fetched.items() if n > 1]
    parsed = [url for worker in done for url in worker.parsed(PARSED)]
    assert sorted(parsed) == sorted(urls)  # each page parsed once, by one worker
    if workers > 1:
        assert sum(1 for w in done if w.parsed(PARSED)) > 1  # the work was shared
    # Persistence is forced: the first worker to stop deleted nothing.
    client = redis.Redis.from_url(redis_url)
    keys = CrawlKeys("sched")
    assert client.scard(keys.dupefilter) == len(urls)
    assert (client.zcard(keys.requests), client.zcard(keys.busy), client.zcard(keys.alive)) == (
        0,
        0,
        0,
    )
    states = [info.decode() for info in client.hvals(keys.workers)]
    assert len(states) == workers and all('"closed: finished"' in s for s in states)


@pytest.mark.e2e
def test_no_worker_leaves_while_another_has_requests_in_flight(
    tmp_path: Path, site: tuple[VirtualWorld, dict[str, set[str]]], redis_url: str
) -> None:
    """While one worker waits 2 s for the slow page, the queue is empty and the others are
    idle. They must stay: the slow page's answer queues 15 more pages."""
    world, urls = site
    done = _crawl(tmp_path, world, redis_url, 3).wait(60)
    [slow_hit] = [hit for hit in world.requests if hit.path == "/slow.html"]
    last_hit = max(hit.at for hit in world.requests)
    assert last_hit > slow_hit.at + SLOW  # the q pages came after the slow answer
    for worker in done:
        assert worker.returncode == 0, worker.tail()
        assert worker.ended_at is not None and worker.ended_at > last_hit, worker.tail()
    assert {f"http://{hit.host}{hit.path}" for hit in world.requests} == set(urls)


class _Payload:
    """A pickle that runs code when loaded: it creates ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


@pytest.mark.e2e
def test_undecodable_queue_entries_are_skipped_not_run(
    tmp_path: Path, site: tuple[VirtualWorld, dict[str, set[str]]], redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    keys = CrawlKeys("sched")
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(marker))  # scrapy-redis's pickle.loads would create the file
    with pytest.raises(FileNotFoundError):  # (a sanity check of the payload, elsewhere)
        pickle.loads(pickle.dumps(_Payload(tmp_path / "missing" / "x")))
    client.zadd(
        keys.requests, {evil: -1, b'{"url": "http://site.test/x", "_class": "os.system"}': -1}
    )
    world, urls = site
    [worker] = _crawl(tmp_path, world, redis_url, 1).wait(60)
    assert worker.returncode == 0, worker.tail()
    assert worker.output.count("Queued entry skipped") == 2
    assert "'compliance/cluster/queue/rejected': 2" in worker.output
    assert not world.requests_to("evil.test") and not marker.exists()
    assert {f"http://{hit.host}{hit.path}" for hit in world.requests} == set(urls)


@pytest.mark.e2e
def test_a_crawl_id_is_one_spider(
    tmp_path: Path, site: tuple[VirtualWorld, dict[str, set[str]]], redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.set(CrawlKeys("sched").identity, '{"spider": "another"}')
    world, _ = site
    [worker] = _crawl(tmp_path, world, redis_url, 1).wait(60)
    assert "is a crawl of" in worker.output and "not of spider 'cluster_links'" in worker.output
    assert world.requests == []
    # found as the engine opens the scheduler: one CRITICAL line, no traceback, exit 1
    assert worker.returncode != 0, worker.tail()
    [line] = [line for line in worker.output.splitlines() if "CRITICAL" in line]
    assert "The crawl does not start (compliance check): COMPLIANCE_CRAWL_ID=" in line
    assert "Traceback" not in worker.output, worker.tail()


@pytest.mark.e2e
def test_survivors_finish_after_a_kill_9(
    tmp_path: Path, stalled_site: tuple[VirtualWorld, dict[str, set[str]]], redis_url: str
) -> None:
    """The worker waiting for the slow page is killed: the other finishes once the dead one's
    busy mark has expired (2 s here), and no page is fetched twice.

    Before: the victim was whichever worker had parsed 3 pages, killed at any moment; when it
    happened to hold no request (1 run in 5 under load), nothing was lost and the test's
    "the dead worker took some requests with it" failed. Now the victim is, by construction,
    holding the slow page, whose 15 links only its answer would have queued."""
    world, urls = stalled_site
    group = _crawl(tmp_path, world, redis_url, 2, DOWNLOAD_DELAY="0.1")
    deadline = time.monotonic() + 30
    while not _hits(world, "/slow.html") and time.monotonic() < deadline:
        time.sleep(0.05)
    [slow] = _hits(world, "/slow.html")
    victim = group.workers[int(str(slow.header("User-Agent")).rsplit("-", 1)[1])]
    [survivor] = [w for w in group.workers if w is not victim]
    group.kill(victim)
    killed_at = time.time()
    group.wait(60)
    assert survivor.returncode == 0, survivor.tail()
    assert survivor.ended_at is not None and survivor.ended_at >= killed_at
    fetched = Counter(f"http://{hit.host}{hit.path}" for hit in world.requests)
    assert max(fetched.values()) == 1
    # Lost: what the dead worker had in flight (a link the survivor queued before the kill
    # among them), and what only it would have queued (docs/cluster.md). A page the survivor
    # fetched once alone lost no link: only the survivor could take what it queued.
    agent = f"cluster-test-worker-{survivor.index}"
    alone = [h for h in world.requests if h.at > killed_at and h.header("User-Agent") == agent]
    assert alone, survivor.tail()
    for hit in alone:
        assert urls[f"http://{hit.host}{hit.path}"] <= set(fetched), hit.path
    lost = set(urls) - set(fetched)
    assert urls[f"http://{HOST}/slow.html"] <= lost  # the dead worker took them with it
    client = redis.Redis.from_url(redis_url)
    keys = CrawlKeys("sched")
    assert (client.zcard(keys.requests), client.zcard(keys.busy), client.zcard(keys.alive)) == (
        0,
        0,
        0,
    )
