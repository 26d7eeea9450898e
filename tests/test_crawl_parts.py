"""The crawl's shared parts (issue 11 stage 3): the gate's decision on request.meta read by
the provenance stamp, one single-flight origin cache, one reading of a fetch answer,
refusals that carry their rule, the crawl facts and recorder handed to each component."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from support.contexts import POLICY, context

from compliant_scraper.crawl import meta
from compliant_scraper.crawl.facts import CrawlFacts
from compliant_scraper.crawl.origin_cache import OriginCache
from compliant_scraper.crawl.policy_gate import PolicyGateMiddleware
from compliant_scraper.crawl.provenance_stamp import ProvenanceMiddleware
from compliant_scraper.crawl.refusals import (
    LoginWallRefusal,
    PolicyRefusal,
    RobotsRefusal,
    TdmRefusal,
)
from compliant_scraper.reservations import answers
from compliant_scraper.rules import Rule


def test_the_stamp_reads_the_gates_decision_instead_of_deciding_again(tmp_path: Path) -> None:
    gate_ctx = context(tmp_path / "gate", (POLICY,))
    request = Request("https://example.test/annuaire/1")
    PolicyGateMiddleware(gate_ctx.facts, gate_ctx.recorder).process_request(request)
    assert request.meta[meta.DECISION].policy is POLICY
    request.meta[meta.ROBOTS_SHA256] = "r" * 64
    # The stamp's registry has no policy at all: deciding again would refuse the response.
    stamp_ctx = context(tmp_path / "stamp", ())
    stamp = ProvenanceMiddleware(stamp_ctx.facts, stamp_ctx.recorder, {})
    response = HtmlResponse(request.url, request=request, body=b"<html></html>")
    provenance = stamp.provenance_for(response)
    assert provenance is not None
    assert (provenance.policy_file, provenance.policy_sha256) == (POLICY.file, POLICY.sha256)
    assert (provenance.spider, provenance.run_id) == ("directory", stamp_ctx.facts.run_id)


def test_a_response_from_another_url_is_judged_again(tmp_path: Path) -> None:
    gate_ctx = context(tmp_path / "gate", (POLICY,))
    request = Request("https://example.test/annuaire/1", meta={meta.ROBOTS_SHA256: "r" * 64})
    PolicyGateMiddleware(gate_ctx.facts, gate_ctx.recorder).process_request(request)
    stamp_ctx = context(tmp_path / "stamp", ())
    stamp = ProvenanceMiddleware(stamp_ctx.facts, stamp_ctx.recorder, {})
    elsewhere = HtmlResponse("https://other.test/", request=request, body=b"")
    assert stamp.provenance_for(elsewhere) is None  # no policy covers other.test: fail closed


def test_crawl_facts_are_frozen(tmp_path: Path) -> None:
    facts = context(tmp_path, ()).facts
    assert isinstance(facts, CrawlFacts)
    with pytest.raises(AttributeError):
        facts.run_id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("refusal", "stage", "rule"),
    [
        (PolicyRefusal("u", "d", "r"), "policy", Rule.R2),
        (RobotsRefusal("u", "d", "r"), "robots", Rule.R3),
        (TdmRefusal("u", "d", "r"), "tdm", Rule.R3),
        (LoginWallRefusal("u", "d", "r"), "login", Rule.R2),
        (PolicyRefusal("u", "d", "r", rule="R6"), "policy", Rule.R6),
    ],
)
def test_each_refusal_carries_its_rule(refusal: PolicyRefusal, stage: str, rule: Rule) -> None:
    assert (refusal.stage, refusal.rule) == (stage, rule)
    assert refusal.rule == str(rule)  # a StrEnum: the id, as stored
    assert str(refusal) == f"[{stage}/{rule.value}] d: r"


def test_an_unknown_rule_id_is_refused() -> None:
    with pytest.raises(ValueError):
        PolicyRefusal("u", "d", "r", rule="R99")


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, "parse"), (204, "parse"), (299, "parse"),
        (301, "unreadable"), (304, "unreadable"), (399, "unreadable"),
        (400, "no_rules"), (401, "no_rules"), (403, "no_rules"), (404, "no_rules"),
        (410, "no_rules"), (429, "unreadable"), (499, "no_rules"),
        (500, "unreadable"), (503, "unreadable"), (599, "unreadable"), (100, "unreadable"),
    ],
)  # fmt: skip
def test_one_reading_of_a_status(status: int, verdict: str) -> None:
    reading = answers.read_status(status)
    assert (reading.verdict, reading.detail) == (verdict, f"HTTP {status}")


def test_an_error_is_unreadable() -> None:
    reading = answers.unreadable("TimeoutError: timed out")
    assert reading.unreadable and not reading.parse


def test_the_origin_cache_fetches_once_for_concurrent_callers_and_honours_the_ttl() -> None:
    now = [100.0]
    cache: OriginCache[str] = OriginCache(lambda: now[0])
    fetches: list[str] = []

    async def fetch() -> tuple[str, float]:
        fetches.append("fetch")
        await asyncio.sleep(0)
        return f"value {len(fetches)}", 10.0

    async def run() -> list[str]:
        return list(await asyncio.gather(*(cache.get("o", fetch) for _ in range(5))))

    assert asyncio.run(run()) == ["value 1"] * 5
    now[0] = 109.0
    assert asyncio.run(run()) == ["value 1"] * 5
    now[0] = 111.0
    assert asyncio.run(run()) == ["value 2"] * 5
    assert fetches == ["fetch", "fetch"]
    assert cache.fresh("other") is None


def test_waiters_fetch_again_when_the_fetch_in_flight_is_cancelled() -> None:
    cache: OriginCache[str] = OriginCache()
    calls: list[int] = []

    async def fetch() -> tuple[str, float]:
        calls.append(len(calls))
        await asyncio.sleep(0.01 if len(calls) == 1 else 0)
        return "value", 60.0

    async def run() -> str:
        first = asyncio.ensure_future(cache.get("o", fetch))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(cache.get("o", fetch))
        await asyncio.sleep(0)
        first.cancel()
        return await second

    assert asyncio.run(run()) == "value"
    assert calls == [0, 1]
