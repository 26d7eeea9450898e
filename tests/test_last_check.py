"""The last check before the download handler (issue 10 item 3): it judges what is about to be
sent (URL, Host header, credentials) after every other downloader middleware ran."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from support.contexts import POLICY, context

from compliant_scraper.crawl import meta
from compliant_scraper.crawl.context import ComplianceContext
from compliant_scraper.crawl.last_check import LastCheckMiddleware
from compliant_scraper.crawl.policy_gate import PolicyGateMiddleware
from compliant_scraper.crawl.refusals import PolicyRefusal

MEMBERS = replace(
    POLICY, file="domains/members.test.toml", domain="members.test", authenticated=True
)
FORBIDDEN = replace(
    POLICY, file="domains/linkedin.com.toml", domain="linkedin.com", extraction="forbidden"
)
PAGE = "https://example.test/annuaire/1"
SITE_COOKIES = {("session", "abc"), ("lang", "fr")}


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[ComplianceContext]:
    built = context(tmp_path, (POLICY, MEMBERS, FORBIDDEN))
    yield built
    built.store.close()


def last(ctx: ComplianceContext) -> LastCheckMiddleware:
    return LastCheckMiddleware(ctx.facts, ctx.recorder, lambda request, host: SITE_COOKIES)


def through_gate(ctx: ComplianceContext, url: str, **kwargs: Any) -> Request:
    request = Request(url, **kwargs)
    assert PolicyGateMiddleware(ctx.facts, ctx.recorder).process_request(request) is None
    return request


def refused(ctx: ComplianceContext, request: Request) -> str:
    with pytest.raises(PolicyRefusal) as info:
        last(ctx).process_request(request)
    assert info.value.rule == "R2"
    assert info.value.reason.startswith("last check before download: ")
    return info.value.reason


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        (PAGE, {}),
        (PAGE, {"Host": "example.test"}),
        (PAGE, {"Host": "EXAMPLE.test:443"}),
        (PAGE, {"Cookie": "session=abc; lang=fr"}),  # what Scrapy's jar holds for the site
        (PAGE, {"X-Requested-With": "XMLHttpRequest", "Keep-Alive": "5", "Accept": "*/*"}),
        (PAGE, {"X-Api-Key": ""}),  # an empty header sends nothing
        ("https://members.test/x", {"Authorization": "Basic dXNlcjpzZWNyZXQ="}),
        ("https://members.test/x", {"X-Api-Key": "k3y", "X-Auth-Token": "t0k"}),
        ("https://members.test/x", {"Proxy-Authorization": "Basic eDp5"}),
        ("https://members.test/x", {"Cookie": "mine=1"}),
    ],
)
def test_what_the_gate_allowed_is_sent(
    ctx: ComplianceContext, url: str, headers: dict[str, str]
) -> None:
    request = through_gate(ctx, url)
    for name, value in headers.items():  # added after the gate, as Scrapy's middlewares do
        request.headers[name] = value
    assert last(ctx).process_request(request) is None


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Authorization": "Basic dXNlcjpzZWNyZXQ="}, "an Authorization header"),
        ({"Cookie": "session=abc; token=s3cr3t"}, "cookies the site did not set (token)"),
        ({"Cookie": "session=forged"}, "cookies the site did not set (session)"),
        ({"Host": "www.linkedin.com"}, "the Host header names 'www.linkedin.com'"),
        ({"Host": "example.test.evil.test"}, "not the URL's host example.test"),
        ({"Host": "bad host/"}, "the Host header names 'bad host/'"),
    ],
)
def test_headers_added_after_the_gate_are_judged(
    ctx: ComplianceContext, headers: dict[str, str], reason: str
) -> None:
    request = through_gate(ctx, PAGE)
    for name, value in headers.items():
        request.headers[name] = value
    assert reason in refused(ctx, request)
    store = ctx.store
    store.flush()  # type: ignore[attr-defined]
    [row] = store.db["refusals"].rows  # type: ignore[attr-defined]
    assert (row["stage"], row["rule"], row["url"]) == ("policy", "R2", PAGE)


CREDENTIAL_HEADERS = [
    "X-Api-Key",
    "Api-Key",
    "X-ApiKey",
    "apikey",
    "X-Auth-Token",
    "X-Access-Token",
    "X-Auth",
    "Authentication",
    "X-Amz-Security-Token",
    "X-Goog-Api-Key",
    "Ocp-Apim-Subscription-Key",
    "X-Session-Id",
    "X-CSRF-Token",
    "X-Client-Secret",
    "X-Password",
    "Token",
    "X-Jwt",
    "x_api_key",
]


@pytest.mark.parametrize("name", CREDENTIAL_HEADERS)
def test_credential_headers_other_than_authorization_are_judged(
    ctx: ComplianceContext, name: str
) -> None:
    """Issue 9 item 3 gap, issue 10 item 3 left-out: a key or token in a header of its own
    is a credential like Authorization (refused on example.test, sent to members.test)."""
    request = through_gate(ctx, PAGE)
    request.headers[name] = "s3cr3t"  # as DEFAULT_REQUEST_HEADERS or a middleware adds it
    reason = refused(ctx, request)
    assert "request carries credentials (a" in reason
    assert f" {request.headers.normkey(name).decode()} header" in reason
    assert "does not set authenticated = true" in reason
    member = through_gate(ctx, "https://members.test/x")
    member.headers[name] = "s3cr3t"
    assert last(ctx).process_request(member) is None


@pytest.mark.parametrize("name", CREDENTIAL_HEADERS)
def test_the_gate_judges_a_spiders_credential_headers(ctx: ComplianceContext, name: str) -> None:
    gate = PolicyGateMiddleware(ctx.facts, ctx.recorder)
    with pytest.raises(PolicyRefusal) as info:
        gate.process_request(Request(PAGE, headers={name: "s3cr3t"}))
    assert "request carries credentials (" in info.value.reason
    assert gate.process_request(Request("https://members.test/x", headers={name: "k"})) is None


def test_proxy_authorization_is_for_the_proxy_only_with_a_proxy(ctx: ComplianceContext) -> None:
    """With meta["proxy"] the proxy consumes it (hop by hop); without one it reaches the site."""
    proxied = through_gate(ctx, PAGE, meta={"proxy": "http://127.0.0.1:3128"})
    proxied.headers["Proxy-Authorization"] = "Basic eDp5"
    assert last(ctx).process_request(proxied) is None
    direct = through_gate(ctx, PAGE)
    direct.headers["Proxy-Authorization"] = "Basic eDp5"
    assert "(a Proxy-Authorization header)" in refused(ctx, direct)
    # the gate runs before HttpProxyMiddleware chose the proxy: it leaves this to the last check
    gate = PolicyGateMiddleware(ctx.facts, ctx.recorder)
    assert gate.process_request(Request(PAGE, headers={"Proxy-Authorization": "x"})) is None


def test_credentials_name_the_policy_without_authenticated(ctx: ComplianceContext) -> None:
    request = through_gate(ctx, PAGE)
    request.headers["Authorization"] = "Bearer x"
    assert "domains/example.test.toml does not set authenticated = true" in refused(ctx, request)


def test_a_url_rewritten_after_the_gate_is_refused(ctx: ComplianceContext) -> None:
    request = through_gate(ctx, PAGE)
    moved = request.replace(url="https://www.linkedin.com/in/jeanne")  # a middleware at 650
    reason = refused(ctx, moved)
    assert f"the URL changed after the compliance checks (they judged {PAGE})" in reason
    same_host = request.replace(url="https://example.test/prive/")
    assert "the URL changed" in refused(ctx, same_host)  # robots.txt judged another URL


def test_a_request_the_gate_never_saw_is_refused(ctx: ComplianceContext) -> None:
    assert "did not pass the policy gate" in refused(ctx, Request(PAGE))


def test_a_url_out_of_its_one_form_is_refused(ctx: ComplianceContext) -> None:
    url = "https://example.test/x/../annuaire/1"
    request = Request(url, meta={meta.JUDGED_URL: url})
    assert "not in the form a server resolves" in refused(ctx, request)


def test_what_the_registry_refuses_is_refused(ctx: ComplianceContext) -> None:
    url = "https://www.linkedin.com/in/jeanne"
    request = Request(url, meta={meta.JUDGED_URL: url})  # as if the gate had been fooled
    assert "forbids extraction" in refused(ctx, request)


def test_user_info_in_the_url(ctx: ComplianceContext) -> None:
    url = "https://user:pw@example.test/annuaire/1"
    request = Request(url, meta={meta.JUDGED_URL: url})
    assert "user info in the URL" in refused(ctx, request)
