"""decide(): the allow/deny table of the policy stage (R2), fail closed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from compliant_scraper.policy.decide import decide, normalise_path, path_allowed
from compliant_scraper.policy.model import Controller, DomainPolicy, Registry

TODAY = date(2026, 11, 23)


def _policy(domain: str, **overrides: object) -> DomainPolicy:
    base = DomainPolicy(
        file=f"domains/{domain}.toml",
        sha256="0" * 64,
        content="",
        domain=domain,
        extraction="allowed",
        reason="open data",
        terms_url=f"https://{domain}/terms",
        reviewed_by="Legal",
        reviewed_on=date(2026, 11, 1),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def _registry(*policies: DomainPolicy) -> Registry:
    controller = Controller("C", "Paris", "dpo@c.test", "https://c.test/privacy")
    return Registry(Path("policies"), policies, {}, controller)


REGISTRY = _registry(
    _policy(
        "linkedin.com",
        extraction="forbidden",
        reason="the terms forbid scraping",
        clause="User Agreement 8.2",
    ),
    _policy("noclause.example", extraction="forbidden", reason="no crawler allowed"),
    _policy("annuaire.example", paths=("/annuaire", "/pros/")),
    _policy("overdue.example", reviewed_on=date(2025, 1, 1)),
    _policy("due-today.example", reviewed_on=date(2025, 11, 23)),
    _policy("short.example", reviewed_on=date(2026, 10, 1), review_every_days=30),
    _policy("b2b.example", purposes=("b2b_email_prospecting", "b2b_postal_prospecting")),
    _policy("example.com", extraction="forbidden", reason="not ours"),
    _policy("jobs.example.com"),
    _policy("open.example"),
)

B2B = "b2b_email_prospecting"
UNKNOWN = "every domain needs a recorded legal decision before it is crawled"


@pytest.mark.parametrize(
    ("url", "purpose", "internal", "host", "policy_file", "reason"),
    [
        # allowed
        ("https://open.example/", B2B, False, "open.example", "open.example", ""),
        ("https://www.open.example/a/b?c=d", B2B, False, "www.open.example", "open.example", ""),
        ("HTTPS://Open.Example.:8443/x", B2B, False, "open.example", "open.example", ""),
        ("https://open.example/x", None, False, "open.example", "open.example", ""),
        ("https://due-today.example/", B2B, False, "due-today.example", "due-today.example", ""),
        ("https://jobs.example.com/offer", B2B, False, "jobs.example.com", "jobs.example.com", ""),
        ("https://eu.jobs.example.com/", B2B, False, "eu.jobs.example.com", "jobs.example.com", ""),
        ("https://b2b.example/", B2B, False, "b2b.example", "b2b.example", ""),
        # forbidden, with and without a clause
        (
            "https://www.linkedin.com/in/someone",
            B2B,
            False,
            "www.linkedin.com",
            "linkedin.com",
            "domains/linkedin.com.toml forbids extraction: the terms forbid scraping "
            "(User Agreement 8.2)",
        ),
        (
            "https://fr.LinkedIn.com.:443/robots.txt",
            B2B,
            True,  # a forbidden domain's robots.txt is not fetched either
            "fr.linkedin.com",
            "linkedin.com",
            "domains/linkedin.com.toml forbids extraction: the terms forbid scraping "
            "(User Agreement 8.2)",
        ),
        (
            "https://noclause.example/",
            B2B,
            False,
            "noclause.example",
            "noclause.example",
            "domains/noclause.example.toml forbids extraction: no crawler allowed",
        ),
        (
            "https://www.example.com/",
            B2B,
            False,
            "www.example.com",
            "example.com",
            "domains/example.com.toml forbids extraction: not ours",
        ),
        # unknown hosts and look-alikes
        (
            "https://unknown.example/",
            B2B,
            False,
            "unknown.example",
            None,
            f"no policy for host unknown.example: {UNKNOWN}",
        ),
        (
            "https://notlinkedin.com/",
            B2B,
            False,
            "notlinkedin.com",
            None,
            f"no policy for host notlinkedin.com: {UNKNOWN}",
        ),
        (
            "https://www.linkedin.com.evil.test/",
            B2B,
            False,
            "www.linkedin.com.evil.test",
            None,
            f"no policy for host www.linkedin.com.evil.test: {UNKNOWN}",
        ),
        (
            "https://open.example@evil.test/",
            B2B,
            False,
            "evil.test",
            None,
            f"no policy for host evil.test: {UNKNOWN}",
        ),
        (
            "https://open.example.evil.test/robots.txt",
            B2B,
            True,
            "open.example.evil.test",
            None,
            f"no policy for host open.example.evil.test: {UNKNOWN}",
        ),
        (
            "https://lіnkedin.com/",  # Cyrillic і
            B2B,
            False,
            "xn--lnkedin-rog.com",
            None,
            f"no policy for host xn--lnkedin-rog.com: {UNKNOWN}",
        ),
        # overdue review (due date = reviewed_on + review_every_days; refused the day after)
        (
            "https://overdue.example/",
            B2B,
            False,
            "overdue.example",
            "overdue.example",
            "domains/overdue.example.toml is overdue for review: reviewed on 2025-01-01 by "
            "Legal, review was due by 2026-01-01 (every 365 days)",
        ),
        (
            "https://overdue.example/robots.txt",
            B2B,
            True,
            "overdue.example",
            "overdue.example",
            "domains/overdue.example.toml is overdue for review: reviewed on 2025-01-01 by "
            "Legal, review was due by 2026-01-01 (every 365 days)",
        ),
        (
            "https://short.example/",
            B2B,
            False,
            "short.example",
            "short.example",
            "domains/short.example.toml is overdue for review: reviewed on 2026-10-01 by "
            "Legal, review was due by 2026-10-31 (every 30 days)",
        ),
        # paths
        (
            "https://annuaire.example/annuaire",
            B2B,
            False,
            "annuaire.example",
            "annuaire.example",
            "",
        ),
        (
            "https://annuaire.example/annuaire/x?page=2",
            B2B,
            False,
            "annuaire.example",
            "annuaire.example",
            "",
        ),
        (
            "https://annuaire.example/%61nnuaire/x",
            B2B,
            False,
            "annuaire.example",
            "annuaire.example",
            "",
        ),
        ("https://annuaire.example/pros/a", B2B, False, "annuaire.example", "annuaire.example", ""),
        (
            "https://annuaire.example/annuaire-old",
            B2B,
            False,
            "annuaire.example",
            "annuaire.example",
            "domains/annuaire.example.toml allows only the paths /annuaire, /pros/: "
            "/annuaire-old is outside them",
        ),
        (
            "https://annuaire.example/annuaire/%2e%2e/admin",
            B2B,
            False,
            "annuaire.example",
            "annuaire.example",
            "domains/annuaire.example.toml allows only the paths /annuaire, /pros/: "
            "/admin is outside them",
        ),
        (
            "https://annuaire.example/pros",
            B2B,
            False,
            "annuaire.example",
            "annuaire.example",
            "domains/annuaire.example.toml allows only the paths /annuaire, /pros/: "
            "/pros is outside them",
        ),
        (
            "https://annuaire.example",
            B2B,
            False,
            "annuaire.example",
            "annuaire.example",
            "domains/annuaire.example.toml allows only the paths /annuaire, /pros/: "
            "/ is outside them",
        ),
        # internal fetches (robots.txt, tdmrep.json) are not restricted by paths
        (
            "https://annuaire.example/robots.txt",
            B2B,
            True,
            "annuaire.example",
            "annuaire.example",
            "",
        ),
        (
            "https://annuaire.example/.well-known/tdmrep.json",
            B2B,
            True,
            "annuaire.example",
            "annuaire.example",
            "",
        ),
        # purposes
        (
            "https://b2b.example/",
            "b2c_email_newsletter",
            False,
            "b2b.example",
            "b2b.example",
            "domains/b2b.example.toml does not allow purpose 'b2c_email_newsletter' "
            "(allowed: b2b_email_prospecting, b2b_postal_prospecting)",
        ),
        (
            "https://b2b.example/robots.txt",
            "b2c_email_newsletter",
            True,
            "b2b.example",
            "b2b.example",
            "domains/b2b.example.toml does not allow purpose 'b2c_email_newsletter' "
            "(allowed: b2b_email_prospecting, b2b_postal_prospecting)",
        ),
        (
            "https://b2b.example/",
            None,
            False,
            "b2b.example",
            "b2b.example",
            "domains/b2b.example.toml does not allow a crawl without a purpose "
            "(allowed: b2b_email_prospecting, b2b_postal_prospecting)",
        ),
        # URLs whose host cannot be known, and other schemes
        (
            "ftp://open.example/file",
            B2B,
            False,
            "open.example",
            None,
            "scheme 'ftp' is not crawled: only http and https are",
        ),
        (
            " https://open.example/",
            B2B,
            False,
            "open.example",
            None,
            "scheme ' https' is not crawled: only http and https are",
        ),
    ],
)
def test_decide(
    url: str,
    purpose: str | None,
    internal: bool,
    host: str,
    policy_file: str | None,
    reason: str,
) -> None:
    decision = decide(REGISTRY, url, purpose=purpose, today=TODAY, internal=internal)
    assert decision.reason == reason
    assert decision.allowed is (reason == "")
    assert decision.rule == ("" if decision.allowed else "R2")
    assert decision.host == host
    assert (decision.policy.domain if decision.policy else None) == policy_file


@pytest.mark.parametrize(
    "url",
    [
        "open.example/x",
        "//open.example/x",
        "https://",
        "https:///x",
        "file:///etc/passwd",
        "mailto:someone@open.example",
        "data:text/html,hello",
        "https://open example/",
        "https://%6fpen.example/",
        "https://open.example:99999/",
        "https://[::1/",
    ],
)
def test_decide_refuses_urls_without_a_valid_host(url: str) -> None:
    decision = decide(REGISTRY, url, purpose=B2B, today=TODAY)
    assert not decision.allowed
    assert decision.rule == "R2"
    assert decision.host == ""
    assert decision.policy is None
    assert decision.reason.startswith(f"cannot judge {url!r}: ")
    assert decision.reason.endswith("a URL without a valid host is refused")


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (date(2026, 11, 22), True),
        (date(2026, 11, 23), True),  # the due date itself is still covered
        (date(2026, 11, 24), False),
    ],
)
def test_review_due_boundary(today: date, allowed: bool) -> None:
    decision = decide(REGISTRY, "https://due-today.example/", purpose=B2B, today=today)
    assert decision.allowed is allowed


def test_each_registry_is_judged_on_its_own_policies() -> None:
    """The per-host caches never carry one registry's verdict into another."""
    allowing = _registry(_policy("swap.example"))
    forbidding = _registry(_policy("swap.example", extraction="forbidden", reason="changed"))
    empty = _registry(_policy("other.example"))
    url = "https://www.swap.example/"
    for _ in range(2):
        assert decide(allowing, url, purpose=B2B, today=TODAY).allowed
        refused = decide(forbidding, url, purpose=B2B, today=TODAY)
        assert refused.reason == "domains/swap.example.toml forbids extraction: changed"
        assert decide(empty, url, purpose=B2B, today=TODAY).policy is None


def test_allowed_decision_carries_the_policy() -> None:
    decision = decide(REGISTRY, "https://open.example/", purpose=B2B, today=TODAY)
    assert decision.policy is REGISTRY.get("open.example")


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        ("?q=1", "/"),
        ("/a/b", "/a/b"),
        ("/a/b/", "/a/b/"),
        ("/a/b?x=/../c#f", "/a/b"),
        ("/a#/../b", "/a"),
        ("/%61nnuaire", "/annuaire"),
        ("/caf%C3%A9", "/café"),
        ("/a/../b", "/b"),
        ("/a/%2e%2e/b", "/b"),
        ("/a/%2E%2E%2Fb", "/b"),
        ("/a/..%2Fb", "/b"),
        ("/a/./b", "/a/b"),
        ("/../a", "/a"),
        ("/a//b", "/a/b"),
        ("/a//../b", "/b"),  # merged slashes: the reading that climbs highest
        ("/a\\..\\b", "/b"),
        ("/a/..;x/b", "/b"),  # Tomcat-style path parameters on a dot segment
        ("/a;x/b", "/a;x/b"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
        ("/.well-known/tdmrep.json", "/.well-known/tdmrep.json"),
        ("a/b", "/a/b"),
    ],
)
def test_normalise_path(rest: str, expected: str) -> None:
    assert normalise_path(rest) == expected


@pytest.mark.parametrize(
    ("path", "prefixes", "expected"),
    [
        ("/annuaire", ("/annuaire",), True),
        ("/annuaire/", ("/annuaire",), True),
        ("/annuaire/x", ("/annuaire",), True),
        ("/annuaire-old", ("/annuaire",), False),
        ("/annuaireX", ("/annuaire",), False),
        ("/Annuaire", ("/annuaire",), False),
        ("/", ("/annuaire",), False),
        ("/annuaire/x", ("/annuaire/",), True),
        ("/annuaire/", ("/annuaire/",), True),
        ("/annuaire", ("/annuaire/",), False),
        ("/anything", ("/",), True),
        ("/b/x", ("/a", "/b"), True),
    ],
)
def test_path_allowed(path: str, prefixes: tuple[str, ...], expected: bool) -> None:
    assert path_allowed(path, prefixes) is expected
