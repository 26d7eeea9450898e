from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from compliant_scraper.config import DEFAULTS
from compliant_scraper.crawl.context import ComplianceContext
from compliant_scraper.errors import ComplianceConfigError
from compliant_scraper.extract.limits import Limits
from compliant_scraper.spiders.directory import (
    DEFAULT_DEPTH_LIMIT,
    DEFAULT_MAX_PAGES,
    DirectorySpider,
)

PAGES = Path(__file__).parent / "fixtures" / "pages"
INDEX = "https://annuaire.example/avocats/"
USAGE = "-a start_url=URL[,URL...]"


def spider(**kwargs: Any) -> DirectorySpider:
    crawler = get_crawler(DirectorySpider)
    return DirectorySpider.from_crawler(crawler, **kwargs)


def response(url: str, name: str) -> HtmlResponse:
    return HtmlResponse(url, body=(PAGES / name).read_bytes(), encoding="utf-8")


def start_requests(s: DirectorySpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [request async for request in s.start()]

    return asyncio.run(collect())


def split(output: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    items = [o for o in output if isinstance(o, dict)]
    urls = [o.url for o in output if isinstance(o, Request)]
    assert len(items) + len(urls) == len(output)
    return items, urls


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://a.example/", ["https://a.example/"]),
        (
            " https://a.example/ , http://b.example/x?y=1,",
            ["https://a.example/", "http://b.example/x?y=1"],
        ),
    ],
)
def test_start_urls(value: str, expected: list[str]) -> None:
    s = spider(start_url=value)
    assert s.start_urls == expected
    assert [r.url for r in start_requests(s)] == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, f"directory spider: start_url is required: {USAGE}"),
        ({"start_url": ""}, f"directory spider: start_url is required: {USAGE}"),
        ({"start_url": " , "}, f"directory spider: start_url is required: {USAGE}"),
        (
            {"start_url": "annuaire.example"},
            f"directory spider: start_url: 'annuaire.example' is not an http(s) URL with a host"
            f" ({USAGE})",
        ),
        (
            {"start_url": "https://a.example/,ftp://b.example/"},
            f"directory spider: start_url: 'ftp://b.example/' is not an http(s) URL with a host"
            f" ({USAGE})",
        ),
        (
            {"start_url": INDEX, "max_pages": "many"},
            "directory spider: max_pages must be a positive integer, got 'many'",
        ),
        (
            {"start_url": INDEX, "max_pages": "0"},
            "directory spider: max_pages must be a positive integer, got '0'",
        ),
    ],
)
def test_bad_arguments_fail_at_init(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as error:
        spider(**kwargs)
    assert str(error.value) == message


def test_defaults() -> None:
    s = spider(start_url=INDEX, max_pages="25")
    assert s.max_pages == 25
    assert spider(start_url=INDEX).max_pages == DEFAULT_MAX_PAGES
    assert s.crawler.settings.getint("DEPTH_LIMIT") == DEFAULT_DEPTH_LIMIT


def test_a_project_depth_limit_wins() -> None:
    crawler = get_crawler(DirectorySpider, {"DEPTH_LIMIT": 3})
    assert crawler.settings.getint("DEPTH_LIMIT") == 3


def test_parse_yields_contacts_and_follows_same_host_http_links_only() -> None:
    s = spider(start_url=INDEX)
    start_requests(s)
    items, urls = split(list(s.parse(response(INDEX, "directory_index.html"))))
    assert [(i["name"], i["email"], i["phone"], i["method"]) for i in items] == [
        ("Cabinet Leroy", None, "+33 1 40 00 00 10", "json-ld"),
        (None, "accueil@annuaire.example", None, "mailto"),
        (None, None, "+33140000011", "tel"),
    ]
    assert urls == [
        "https://annuaire.example/avocats/leroy",
        "http://annuaire.example/page/2",
        "https://annuaire.example:8443/page/3",
        "https://annuaire.example/page/4",
        "https://annuaire.example/plan",
    ]


def test_a_url_is_scheduled_once_across_pages() -> None:
    s = spider(start_url=INDEX)
    start_requests(s)
    _, first = split(list(s.parse(response(INDEX, "directory_index.html"))))
    leroy = "https://annuaire.example/avocats/leroy"
    assert leroy in first
    _, again = split(list(s.parse(response(leroy, "directory_index.html"))))
    assert again == []


@pytest.mark.parametrize(("max_pages", "followed"), [(1, 0), (3, 2), (100, 5)])
def test_max_pages_bounds_the_requests(max_pages: int, followed: int) -> None:
    s = spider(start_url=INDEX, max_pages=str(max_pages))
    assert len(start_requests(s)) == 1
    _, urls = split(list(s.parse(response(INDEX, "directory_index.html"))))
    assert len(urls) == followed


def test_start_hosts_of_several_urls() -> None:
    s = spider(start_url="https://other.example/," + INDEX)
    start_requests(s)
    page = response("https://other.example/", "directory_index.html")
    _, urls = split(list(s.parse(page)))
    assert urls == [
        "https://other.example/avocats/leroy",  # relative to the page's own host
        "https://annuaire.example/avocats/leroy",
        "http://annuaire.example/page/2",
        "https://annuaire.example:8443/page/3",
        "https://annuaire.example/page/4",
        "https://other.example/plan",
    ]


def test_non_html_responses_give_nothing() -> None:
    s = spider(start_url=INDEX)
    text = TextResponse(INDEX + "data.json", body=b'{"mailto:": "tel:"}', encoding="utf-8")
    assert list(s.parse(text)) == []


def test_stats_go_to_the_crawler() -> None:
    s = spider(start_url=INDEX)
    stats = s.crawler.stats
    assert stats is not None
    stats.open_spider()
    list(s.parse(response(INDEX, "directory_index.html")))
    assert stats.get_value("compliance/extract/items/json-ld") == 1
    assert stats.get_value("compliance/extract/items/tel") == 1


def test_a_spider_without_crawler_still_parses() -> None:
    s = DirectorySpider(start_url=INDEX)
    items, urls = split(list(s.parse(response(INDEX, "directory_index.html"))))
    assert items and urls


@pytest.mark.parametrize(
    ("project", "expected"), [({}, DEFAULT_DEPTH_LIMIT), ({"DEPTH_LIMIT": 3}, 3)]
)
def test_depth_limit_survives_crawler_process(project: dict[str, int], expected: int) -> None:
    """CrawlerProcess.crawl(crawler) re-applies the process settings over the crawler's:
    Scrapy's own DEPTH_LIMIT = 0 (unlimited) must not come back over the spider's default."""
    from scrapy.settings import Settings

    process_settings = Settings(project)
    crawler_settings = process_settings.copy()  # Crawler.__init__
    DirectorySpider.update_settings(crawler_settings)
    crawler_settings.update(process_settings)  # CrawlerProcess.create_crawler(crawler)
    assert crawler_settings.getint("DEPTH_LIMIT") == expected


# --- page bounds and encodings (issue 10, item 4) ------------------------------------------

SCHEMA = "https://schema.org/"
HELENE = (
    f'<div itemscope itemtype="{SCHEMA}Person"><span itemprop="name">Hélène Dupré</span>'
    '<span itemprop="email">helene@dupre.example</span></div>'
)


def hostile_page(depth: int) -> bytes:
    chain = "".join(
        f'<div itemprop="subjectOf" itemscope itemtype="{SCHEMA}Thing">' for _ in range(depth)
    )
    return f"<html><body>{HELENE}{chain}{'</div>' * depth}</body></html>".encode()


class FakeRecorder:
    def __init__(self) -> None:
        self.drops: list[tuple[str, str, str, str]] = []

    def drop(self, url: str, field: str, reason: str, rule: str) -> None:
        self.drops.append((url, field, reason, rule))


class FakeContext:
    def __init__(self) -> None:
        self.recorder = FakeRecorder()


def test_a_page_over_a_bound_is_recorded_in_drops_and_the_rest_is_yielded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = FakeContext()
    monkeypatch.setattr(ComplianceContext, "current", classmethod(lambda cls, crawler: ctx))
    s = spider(start_url=INDEX)
    page = HtmlResponse(INDEX, body=hostile_page(3000), encoding="utf-8")
    items, _ = split(list(s.parse(page)))
    assert [(i["name"], i["email"]) for i in items] == [("Hélène Dupré", "helene@dupre.example")]
    assert ctx.recorder.drops == [(INDEX, "*", "extract_too_deep", "R10")]


@pytest.mark.parametrize(
    ("settings", "hits"), [({}, 1), ({"COMPLIANCE_EXTRACT_MAX_DEPTH": 100}, None)]
)
def test_the_bounds_come_from_the_settings(settings: dict[str, Any], hits: int | None) -> None:
    crawler = get_crawler(DirectorySpider, settings)
    s = DirectorySpider.from_crawler(crawler, start_url=INDEX)
    depth = settings.get("COMPLIANCE_EXTRACT_MAX_DEPTH", DEFAULTS["COMPLIANCE_EXTRACT_MAX_DEPTH"])
    assert s.limits == Limits(depth, DEFAULTS["COMPLIANCE_EXTRACT_MAX_ITEMS"], 5.0)
    stats = crawler.stats
    assert stats is not None
    stats.open_spider()
    items, _ = split(list(s.parse(HtmlResponse(INDEX, body=hostile_page(60), encoding="utf-8"))))
    assert [i["name"] for i in items] == ["Hélène Dupré"]
    assert stats.get_value("compliance/extract/limit/extract_too_deep") == hits


@pytest.mark.parametrize(
    ("name", "value"),
    [("COMPLIANCE_EXTRACT_MAX_DEPTH", 1000), ("COMPLIANCE_EXTRACT_MAX_ITEMS", "many")],
)
def test_bounds_out_of_range_fail_at_start(name: str, value: Any) -> None:
    crawler = get_crawler(DirectorySpider, {name: value})
    with pytest.raises(ComplianceConfigError, match=name.rpartition("_")[0]):
        DirectorySpider.from_crawler(crawler, start_url=INDEX)


@pytest.mark.parametrize(
    ("headers", "meta"),
    [
        ({"Content-Type": "text/html; charset=utf-8"}, ""),  # the server lies
        ({"Content-Type": "text/html"}, '<meta charset="utf-8">'),  # the page lies
        ({"Content-Type": "text/html"}, ""),  # nobody says
    ],
)
def test_latin1_bytes_labelled_utf8_keep_their_accents(headers: dict[str, str], meta: str) -> None:
    body = f"<html><head>{meta}</head><body>{HELENE}</body></html>".encode("latin-1")
    s = spider(start_url=INDEX)
    items, _ = split(list(s.parse(HtmlResponse(INDEX, body=body, headers=headers))))
    assert [i["name"] for i in items] == ["Hélène Dupré"]


def test_a_page_scrapy_decoded_right_reuses_its_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliant_scraper.extract import contacts

    parsed: list[str] = []
    real = contacts.parse
    monkeypatch.setattr(contacts, "parse", lambda *a, **k: parsed.append("parse") or real(*a, **k))
    s = spider(start_url=INDEX)
    for body, encoding in ((HELENE.encode("utf-8"), "utf-8"), (HELENE.encode("cp1252"), "cp1252")):
        items, _ = split(list(s.parse(HtmlResponse(INDEX, body=body, encoding=encoding))))
        assert [i["name"] for i in items] == ["Hélène Dupré"]
    assert parsed == []
