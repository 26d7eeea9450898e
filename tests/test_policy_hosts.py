"""Host normalisation and whole-label domain matching (issue 3, sections 2 and 7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from compliant_scraper.policy.hosts import (
    candidates,
    covers,
    host_of_url,
    normalise_host,
    split_url,
)
from compliant_scraper.policy.model import Controller, DomainPolicy, Registry


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("linkedin.com", "linkedin.com"),
        ("LinkedIn.COM", "linkedin.com"),
        ("fr.linkedin.com.", "fr.linkedin.com"),
        ("www.linkedin.com:443", "www.linkedin.com"),
        ("www.linkedin.com.:8443", "www.linkedin.com"),
        ("example.com:", "example.com"),  # empty port, as urllib reads it
        ("user@www.linkedin.com", "www.linkedin.com"),
        ("user:secret@WWW.LinkedIn.com:8080", "www.linkedin.com"),
        ("a@b@www.linkedin.com", "www.linkedin.com"),  # the last @ ends the user info
        ("Bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.EXAMPLE", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example"),
        ("www.bücher.example.", "www.xn--bcher-kva.example"),
        ("ｌｉｎｋｅｄｉｎ.com", "linkedin.com"),  # fullwidth letters map to ASCII (UTS 46)
        ("linkedin。com", "linkedin.com"),  # ideographic full stop is a dot
        ("lіnkedin.com", "xn--lnkedin-rog.com"),  # Cyrillic і: a different host
        ("a_b.example", "a_b.example"),
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1:8080", "127.0.0.1"),
        ("[::1]", "[::1]"),
        ("[0:0:0:0:0:0:0:1]:8080", "[::1]"),
        ("[2001:DB8::1]", "[2001:db8::1]"),
        ("user@[::1]:80", "[::1]"),
    ],
)
def test_normalise_host(raw: str, expected: str) -> None:
    assert normalise_host(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        ".",
        "..",
        "a..b",
        ".example.com",
        "example..com.",
        "exa mple.com",
        "exam\tple.com",
        "example.com/",
        "ex\\ample.com",
        "%6cinkedin.com",
        "linkedin.com%2eevil.test",
        "example.com:99999",
        "example.com:http",
        "example.com:80:80",
        "example.com:８０",  # non-ASCII digits are not a port
        "user@",
        "[::1",
        "[::1]x",
        "[::1]:port",
        "[fe80::1%25eth0]",
        "[not-an-address]",
        "[127.0.0.1]",
        "::1",
        "0x7f.1",  # numeric last label: only dotted-quad IPv4 is accepted
        "127.1",
        "1.2.3.256",
        "01.2.3.4",
        "10.127.0.0.1",
        "xn--zzzz-",
        "xn--.example",
        "a" * 64 + ".com",
        ("a" * 60 + ".") * 5 + "com",
        "exa\u200dmple.com",  # zero-width joiner
        "💩\x00.example",
    ],
)
def test_normalise_host_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_host(raw)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.linkedin.com/in/someone", "www.linkedin.com"),
        ("HTTP://LinkedIn.COM", "linkedin.com"),
        ("https://fr.linkedin.com./", "fr.linkedin.com"),
        ("https://user:pw@www.linkedin.com:8443/x", "www.linkedin.com"),
        ("https://linkedin.com@evil.test/", "evil.test"),
        ("https://evil.test#@linkedin.com", "evil.test"),
        ("https://evil.test?@linkedin.com/", "evil.test"),
        ("https://evil.test/@linkedin.com", "evil.test"),
        ("https://example.com?x=/y", "example.com"),
        ("http://[::1]:8080/x", "[::1]"),
        ("https://xn--bcher-kva.example/", "xn--bcher-kva.example"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
    ],
)
def test_host_of_url(url: str, expected: str) -> None:
    assert host_of_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "www.linkedin.com/in/x",
        "//www.linkedin.com/in/x",
        "https://",
        "https:///path",
        "https://:443/",
        "mailto:someone@linkedin.com",
        "data:text/html,hello",
        "https://exa mple.com/",
    ],
)
def test_host_of_url_rejects(url: str) -> None:
    with pytest.raises(ValueError):
        host_of_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/x?y=1#z",
        "https://user:pw@Fr.LinkedIn.com:8443/",
        "https://linkedin.com@evil.test/",
        "https://evil.test#@linkedin.com",
        "https://evil.test?@linkedin.com/",
        "http://a.b.c.example:80",
        "http://[2001:db8::1]:8080/",
    ],
)
def test_host_of_url_agrees_with_urllib(url: str) -> None:
    """The fast split finds the same host as urllib.parse, which Scrapy's downloader uses."""
    hostname = urlsplit(url).hostname
    assert hostname is not None
    expected = f"[{hostname}]" if ":" in hostname else hostname
    assert host_of_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/p?q#f", ("https", "a.example", "/p?q#f")),
        ("HTTPS://a.example", ("https", "a.example", "")),
        ("https://a.example?q=/x", ("https", "a.example", "?q=/x")),
        ("https://a.example#/x", ("https", "a.example", "#/x")),
        ("https://a.example#f?q", ("https", "a.example", "#f?q")),
        ("ftp://a.example/f", ("ftp", "a.example", "/f")),
    ],
)
def test_split_url(url: str, expected: tuple[str, str, str]) -> None:
    assert split_url(url) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("a.b.example", ["a.b.example", "b.example", "example"]),
        ("example", ["example"]),
        ("127.0.0.1", ["127.0.0.1"]),
        ("[::1]", ["[::1]"]),
    ],
)
def test_candidates(host: str, expected: list[str]) -> None:
    assert list(candidates(host)) == expected


@pytest.mark.parametrize(
    ("domain", "host", "expected"),
    [
        ("linkedin.com", "linkedin.com", True),
        ("linkedin.com", "www.linkedin.com", True),
        ("linkedin.com", "a.b.linkedin.com", True),
        ("linkedin.com", "notlinkedin.com", False),
        ("linkedin.com", "www.linkedin.com.evil.test", False),
        ("linkedin.com", "linkedin.co", False),
        ("www.linkedin.com", "linkedin.com", False),
        ("0.0.1", "127.0.0.1", False),
    ],
)
def test_covers(domain: str, host: str, expected: bool) -> None:
    assert covers(domain, host) is expected


# -- the registry's matching: whole labels, most specific policy wins -----------------------

_DOMAINS = (
    "linkedin.com",
    "example.com",
    "jobs.example.com",
    "bücher.example",
    "127.0.0.1",
    "[::1]",
)


def _policy(domain: str) -> DomainPolicy:
    normal = normalise_host(domain)
    return DomainPolicy(
        file=f"domains/{normal}.toml",
        sha256="0" * 64,
        content="",
        domain=normal,
        extraction="allowed",
        reason="test",
        terms_url="https://example.com/terms",
        reviewed_by="Legal",
        reviewed_on=date(2026, 11, 1),
    )


@pytest.fixture(scope="module")
def registry() -> Registry:
    controller = Controller("C", "Paris", "dpo@c.test", "https://c.test/privacy")
    return Registry(Path("policies"), tuple(map(_policy, _DOMAINS)), {}, controller)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://linkedin.com/", "linkedin.com"),
        ("https://www.linkedin.com/in/x", "linkedin.com"),
        ("https://LinkedIn.COM/", "linkedin.com"),
        ("https://fr.linkedin.com./", "linkedin.com"),
        ("https://www.linkedin.com:8443/", "linkedin.com"),
        ("https://user:pw@www.linkedin.com/", "linkedin.com"),
        ("https://a.b.c.linkedin.com/", "linkedin.com"),
        ("https://ｗｗｗ.ｌｉｎｋｅｄｉｎ.com/", "linkedin.com"),
        ("https://notlinkedin.com/", None),
        ("https://www.linkedin.com.evil.test/", None),
        ("https://linkedin.com.evil.test/", None),
        ("https://linkedin.co/", None),
        ("https://linkedincom/", None),
        ("https://evil.test/linkedin.com", None),
        ("https://evil.test/?u=linkedin.com", None),
        ("https://linkedin.com@evil.test/", None),
        ("https://lіnkedin.com/", None),  # Cyrillic і look-alike
        ("https://example.com/", "example.com"),
        ("https://www.example.com/", "example.com"),
        ("https://jobs.example.com/", "jobs.example.com"),
        ("https://JOBS.Example.com./", "jobs.example.com"),
        ("https://eu.jobs.example.com/", "jobs.example.com"),
        ("https://notjobs.example.com/", "example.com"),
        ("https://xn--bcher-kva.example/", "xn--bcher-kva.example"),
        ("https://Bücher.example/", "xn--bcher-kva.example"),
        ("https://www.BÜCHER.example/", "xn--bcher-kva.example"),
        ("https://WWW.XN--BCHER-KVA.EXAMPLE/", "xn--bcher-kva.example"),
        ("https://bucher.example/", None),
        ("http://127.0.0.1:8080/", "127.0.0.1"),
        ("http://127.0.0.1.nip.io/", None),  # an IP policy covers no names
        ("http://[::1]/", "[::1]"),
        ("http://[0:0::1]:8080/", "[::1]"),
        ("http://[::2]/", None),
    ],
)
def test_registry_match(registry: Registry, url: str, expected: str | None) -> None:
    policy = registry.match(host_of_url(url))
    assert (policy.domain if policy else None) == expected
    # the cached answer is the same
    again = registry.match(host_of_url(url))
    assert again is policy


def test_policy_written_in_punycode_matches_unicode_host() -> None:
    controller = Controller("C", "Paris", "dpo@c.test", "https://c.test/privacy")
    registry = Registry(Path("p"), (_policy("xn--bcher-kva.example"),), {}, controller)
    policy = registry.match(host_of_url("https://shop.bücher.example/"))
    assert policy is not None
    assert policy.domain == "xn--bcher-kva.example"


def test_registry_get_is_exact(registry: Registry) -> None:
    assert registry.get("example.com") is not None
    assert registry.get("www.example.com") is None
