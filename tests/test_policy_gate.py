"""The policy gate (downloader middleware 40): the internal-request mark a spider cannot forge
(issue 10 item 1)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from support.contexts import POLICY as BASE_POLICY
from support.contexts import context as build_context

from compliant_scraper.crawl import meta
from compliant_scraper.crawl.context import ComplianceContext
from compliant_scraper.crawl.internal import InternalMark, is_internal
from compliant_scraper.crawl.policy_gate import PolicyGateMiddleware
from compliant_scraper.crawl.refusals import PolicyRefusal
from compliant_scraper.store.sqlite_store import SqliteStore

POLICY = replace(BASE_POLICY, paths=("/annuaire/",))
OUTSIDE = "https://example.test/prive/page"  # outside the policy's paths


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[ComplianceContext]:
    context = build_context(tmp_path, (POLICY,))
    yield context
    context.store.close()


def gate(ctx: ComplianceContext) -> PolicyGateMiddleware:
    return PolicyGateMiddleware(ctx.facts, ctx.recorder)


def refusal_rows(ctx: ComplianceContext) -> list[dict[str, Any]]:
    store = ctx.store
    assert isinstance(store, SqliteStore)
    store.flush()
    return list(store.db["refusals"].rows)


def test_the_crawls_own_mark_lifts_the_paths(ctx: ComplianceContext) -> None:
    request = Request(OUTSIDE, meta={meta.INTERNAL: ctx.facts.internal})
    gate(ctx).process_request(request)
    assert is_internal(request, ctx.facts.internal)
    assert request.meta[meta.POLICY] is POLICY


def test_the_mark_survives_a_copy(ctx: ComplianceContext) -> None:
    """Retries and redirects copy a request (``replace``): the copy stays internal."""
    request = Request(OUTSIDE, meta={meta.INTERNAL: ctx.facts.internal})
    assert is_internal(request.replace(url=OUTSIDE + "?retry"), ctx.facts.internal)


@pytest.mark.parametrize(
    "forged", [True, 1, "yes", "True", {"internal": True}, False, None, InternalMark()]
)
def test_a_spider_setting_the_key_is_refused_and_told_why(
    ctx: ComplianceContext, forged: object
) -> None:
    request = Request("https://example.test/annuaire/1", meta={meta.INTERNAL: forged})
    with pytest.raises(PolicyRefusal) as info:
        gate(ctx).process_request(request)
    assert info.value.rule == "R2"
    assert "compliance_internal" in info.value.reason
    assert "a spider cannot set it" in info.value.reason
    [row] = refusal_rows(ctx)
    assert (row["stage"], row["rule"], row["domain"]) == ("policy", "R2", "example.test")
    assert "compliance layer's own requests" in row["reason"]
    assert meta.POLICY not in request.meta  # nothing downstream can read it as allowed


def test_a_request_without_the_key_is_judged_as_usual(ctx: ComplianceContext) -> None:
    gate(ctx).process_request(Request("https://example.test/annuaire/1"))
    with pytest.raises(PolicyRefusal, match="allows only the paths /annuaire/"):
        gate(ctx).process_request(Request(OUTSIDE))


def test_another_crawls_mark_is_not_this_ones(ctx: ComplianceContext) -> None:
    other = InternalMark()
    assert other is not ctx.facts.internal
    with pytest.raises(PolicyRefusal, match="a spider cannot set it"):
        gate(ctx).process_request(Request(OUTSIDE, meta={meta.INTERNAL: other}))


# -- issue 10 item 2: the gate rewrites a URL to the form a server resolves ----------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.test/./annuaire/1",
        "https://example.test//annuaire/1",
        "https://example.test/x/../annuaire/1",
        "https://example.test/%2e/annuaire/1",
        "https://example.test/\\annuaire\\1",
    ],
)
def test_the_gate_rewrites_before_judging(ctx: ComplianceContext, url: str) -> None:
    request = Request(url, meta={"depth": 2}, priority=7)
    rewritten = gate(ctx).process_request(request)
    assert isinstance(rewritten, Request)
    assert rewritten.url == "https://example.test/annuaire/1"
    assert (rewritten.meta["depth"], rewritten.priority) == (2, 7)
    # not dropped by the duplicate filter as a copy of the request it replaces
    assert rewritten.dont_filter is True
    assert meta.DECISION not in request.meta  # the written form is never judged
    assert gate(ctx).process_request(rewritten) is None  # the one form is judged and allowed
    assert rewritten.meta[meta.POLICY] is POLICY


def test_a_path_with_no_one_form_is_refused(ctx: ComplianceContext) -> None:
    with pytest.raises(PolicyRefusal, match="dot segment with parameters"):
        gate(ctx).process_request(Request("https://example.test/annuaire/..;x/prive"))
    [row] = refusal_rows(ctx)
    assert (row["stage"], row["rule"]) == ("policy", "R2")
