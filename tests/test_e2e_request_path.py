"""End to end, the request path under attack (issue 10 items 1-3, issue 9 item 1): real crawls
through the fixture world's proxy, whose log says what was contacted.

allowed.test's robots.txt disallows ``/prive/``; tdmrep.test's tdmrep.json reserves
``/reserve/*``; paths.test's policy allows only ``/annuaire/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SPIDERS_DIR, CrawlResult, RunCrawl

from compliant_scraper.demo.world import VirtualWorld

pytestmark = pytest.mark.e2e

SPIDER = SPIDERS_DIR / "plain_requests.py"
PARSED = "PLAIN-PARSED"


def spelled(host: str, path: str) -> list[str]:
    """Five spellings of ``http://host/path`` a server resolves to it (issue 10 item 2)."""
    return [
        f"http://{host}/./{path}",
        f"http://{host}//{path}",
        f"http://{host}/x/../{path}",
        f"http://{host}/%2e/{path}",
        f"http://{host}\\" + path.replace("/", "\\"),
    ]


def run(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path, urls: list[str], **args: str
) -> CrawlResult:
    return crawl(SPIDER, tmp_path, env=world.env(), args={"urls": "|".join(urls), **args})


def test_unnormalised_paths_do_not_get_past_robots_txt(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    urls = spelled("allowed.test", "prive/secret.html")
    result = run(crawl, world, tmp_path, [*urls, "http://allowed.test/page-a.html"])
    assert result.returncode == 0, result
    paths = world.paths("allowed.test")
    assert not [p for p in paths if "prive" in p], paths  # no form reached the server
    assert "/page-a.html" in paths  # the control page
    robots = [r for r in result.refusals() if r["stage"] == "robots"]
    # each form was rewritten to /prive/secret.html and refused by robots.txt (one URL,
    # refused once per request)
    assert len(robots) == 5, result.refusals()
    assert {r["url"] for r in robots} == {"http://allowed.test/prive/secret.html"}
    assert all("disallows /prive/secret.html" in str(r["reason"]) for r in robots)


def test_a_rewritten_request_is_not_lost_to_the_duplicate_filter(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    """Scrapy's fingerprint resolves dot segments: the rewritten request, the same URL, was
    dropped as a duplicate of itself and never fetched."""
    urls = ["http://allowed.test/./page-a.html", "http://allowed.test//page-b.html"]
    result = run(crawl, world, tmp_path, urls, dont_filter="0")
    assert result.returncode == 0, result
    assert result.parsed(PARSED) == {
        "http://allowed.test/page-a.html",
        "http://allowed.test/page-b.html",
    }, result
    assert {"/page-a.html", "/page-b.html"} <= set(world.paths("allowed.test"))


def test_unnormalised_paths_do_not_get_past_tdmrep(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    urls = spelled("tdmrep.test", "reserve/page.html")
    result = run(crawl, world, tmp_path, [*urls, "http://tdmrep.test/libre/page.html"])
    assert result.returncode == 0, result
    paths = world.paths("tdmrep.test")
    assert not [p for p in paths if "reserve" in p], paths
    assert "/libre/page.html" in paths
    tdm = [r for r in result.refusals() if r["stage"] == "tdm"]
    assert len(tdm) == 5, result.refusals()
    assert {r["url"] for r in tdm} == {"http://tdmrep.test/reserve/page.html"}


def test_a_spider_cannot_mark_its_requests_internal(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    """Issue 10 item 1: the key once lifted the path, TDM and login-wall checks."""
    urls = [
        "http://paths.test/autre/page.html",  # outside the policy's paths
        "http://tdmrep.test/reserve/page.html",  # TDM reserved
        "http://allowed.test/prive/secret.html",  # robots.txt disallows it
        "http://allowed.test/login",  # a login page
    ]
    result = run(crawl, world, tmp_path, urls, meta=json.dumps({"compliance_internal": True}))
    assert result.returncode == 0, result
    assert result.parsed(PARSED) == set(), result
    assert world.requests == [], [h.path for h in world.requests]  # not even a robots.txt
    rows = result.refusals()
    assert {r["url"] for r in rows} == set(urls)
    for row in rows:
        assert (row["stage"], row["rule"]) == ("policy", "R2")
        assert "'compliance_internal'" in str(row["reason"])
        assert "a spider cannot set it" in str(row["reason"])


# -- issue 9 item 1: tdmrep.json is read through the gate, not robots.txt ------------------------


def test_tdmrep_is_read_where_robots_txt_disallows_it(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    """robots.txt: ``Disallow: /``, ``Allow: /annuaire/``; tdmrep.json reserves
    ``/annuaire/reserve*``. Pages robots.txt allows were once all refused as "tdmrep.json
    could not be read"."""
    base = "http://annuaire.robots.test"
    urls = [f"{base}/annuaire/page.html", f"{base}/annuaire/reserve.html", f"{base}/autre.html"]
    result = run(crawl, world, tmp_path, urls)
    assert result.returncode == 0, result
    assert result.parsed(PARSED) == {f"{base}/annuaire/page.html"}, result
    paths = world.paths("annuaire.robots.test")
    assert "/.well-known/tdmrep.json" in paths  # read, although robots.txt disallows it
    assert "/annuaire/reserve.html" not in paths and "/autre.html" not in paths
    stages = {r["url"]: r["stage"] for r in result.refusals()}
    assert stages == {f"{base}/annuaire/reserve.html": "tdm", f"{base}/autre.html": "robots"}


def test_an_unreadable_tdmrep_still_refuses(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    """The same host shape, tdmrep.json answering 503: fail closed, as before."""
    page = "http://tdm503.robots.test/annuaire/page.html"
    result = run(crawl, world, tmp_path, [page])
    assert result.returncode == 0, result
    assert result.parsed(PARSED) == set(), result
    assert "/annuaire/page.html" not in world.paths("tdm503.robots.test")
    [row] = result.refusals()
    assert (row["url"], row["stage"], row["rule"]) == (page, "tdm", "R3")
    assert "could not be read (HTTP 503)" in str(row["reason"])


# -- issue 10 item 3: the last check before the download handler -------------------------------

AUTH = "Basic dXNlcjpzZWNyZXQ="  # user:secret


@pytest.mark.parametrize("header", ["Authorization", "X-Api-Key", "X-Auth-Token"])
def test_default_request_headers_credentials_are_refused(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path, header: str
) -> None:
    """An Authorization in DEFAULT_REQUEST_HEADERS once reached every host (9 of 9 requests);
    an X-Api-Key or X-Auth-Token still did (issue 10 item 3 left-out, gate lane 2026-12-04)."""
    urls = ["http://allowed.test/page-a.html", "http://members.test/index.html"]
    result = crawl(
        SPIDER,
        tmp_path,
        env=world.env(),
        args={"urls": "|".join(urls)},
        settings={"DEFAULT_REQUEST_HEADERS": json.dumps({header: AUTH})},
    )
    assert result.returncode == 0, result
    assert world.requests_to("allowed.test") == [], result  # not even its robots.txt
    assert [h for h in world.requests_to("members.test") if h.header(header)]
    assert result.parsed(PARSED) == {"http://members.test/index.html"}
    rows = {str(r["url"]): str(r["reason"]) for r in result.refusals()}
    # its robots.txt was refused by the last check, so its pages are refused as unreadable
    robots = rows["http://allowed.test/robots.txt"]
    assert robots.startswith("last check before download: request carries credentials (a")
    assert f"{header} header) and domains/allowed.test.toml does not set" in robots
    assert "robots.txt of http://allowed.test:80 unreadable" in rows[urls[0]]


def test_a_host_header_naming_another_site_is_refused(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    url = "http://allowed.test/page-a.html"
    result = run(crawl, world, tmp_path, [url], headers=json.dumps({"Host": "www.linkedin.com"}))
    assert result.returncode == 0, result
    assert result.parsed(PARSED) == set(), result
    assert "/page-a.html" not in world.paths("allowed.test")
    assert not [h for h in world.requests if "linkedin" in (h.header("Host") or "")]
    [row] = [r for r in result.refusals() if r["url"] == url]
    assert "the Host header names 'www.linkedin.com'" in str(row["reason"])


def test_a_middleware_rewriting_the_url_after_the_gate_is_refused(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    url = "http://allowed.test/page-a.html"
    result = crawl(
        SPIDER,
        tmp_path,
        env={**world.env(), "PYTHONPATH": str(SPIDERS_DIR)},
        args={"urls": f"{url}|http://allowed.test/page-b.html"},
        settings={
            "DOWNLOADER_MIDDLEWARES": json.dumps({"rewriting_middleware.RewritingMiddleware": 650})
        },
    )
    assert result.returncode == 0, result
    assert world.requests_to("www.linkedin.com") == [], result
    assert result.parsed(PARSED) == {"http://allowed.test/page-b.html"}, result
    [row] = [r for r in result.refusals() if "linkedin" in str(r["url"])]
    assert f"the URL changed after the compliance checks (they judged {url})" in str(row["reason"])


def test_a_middleware_after_the_last_check_stops_the_crawl(
    crawl: RunCrawl, world: VirtualWorld, tmp_path: Path
) -> None:
    result = crawl(
        SPIDER,
        tmp_path,
        env={**world.env(), "PYTHONPATH": str(SPIDERS_DIR)},
        args={"urls": "http://allowed.test/page-a.html"},
        settings={
            "DOWNLOADER_MIDDLEWARES": json.dumps({"rewriting_middleware.LateMiddleware": 2_000_000})
        },
    )
    assert world.requests == [], result
    assert "rewriting_middleware.LateMiddleware runs after the last compliance check" in (
        result.output
    )
    assert "priority below 1000000" in result.output
