"""``policy.urls.wire_form``: the one form of a path every check judges (issue 10 item 2)."""

from __future__ import annotations

import pytest

from compliant_scraper.policy.urls import resolve_path, wire_form


@pytest.mark.parametrize(
    ("url", "wire"),
    [
        # the five forms the adversarial sweep sent past robots.txt
        ("http://x.test/./prive/", "http://x.test/prive/"),
        ("http://x.test//prive/", "http://x.test/prive/"),
        ("http://x.test/x/../prive/", "http://x.test/prive/"),
        ("http://x.test/%2e/prive/", "http://x.test/prive/"),
        ("http://x.test/\\prive\\", "http://x.test/prive/"),
        # more of the same
        ("http://x.test/%2E/prive/", "http://x.test/prive/"),
        ("http://x.test/a/%2e%2e/prive/", "http://x.test/prive/"),
        ("http://x.test/a/.%2E/prive/", "http://x.test/prive/"),
        ("http://x.test/a/%2e./prive/", "http://x.test/prive/"),
        ("http://x.test/../../prive", "http://x.test/prive"),
        ("http://x.test/a/b/..", "http://x.test/a/"),
        ("http://x.test/a/.", "http://x.test/a/"),
        ("http://x.test/a/..", "http://x.test/"),
        ("http://x.test///a////b//", "http://x.test/a/b/"),
        ("HTTP://x.test:8080//a", "HTTP://x.test:8080/a"),
        # the query and the fragment are not paths
        ("http://x.test/a/../b?next=/./c//d#/../e", "http://x.test/b?next=/./c//d#/../e"),
        # already in the one form: unchanged (the same string)
        ("http://x.test/", "http://x.test/"),
        ("http://x.test", "http://x.test"),
        ("http://x.test?q=1", "http://x.test?q=1"),
        ("http://x.test/.well-known/tdmrep.json", "http://x.test/.well-known/tdmrep.json"),
        ("http://x.test/a%2eb/c.d./..e", "http://x.test/a%2eb/c.d./..e"),
        ("http://x.test/a%2Fb", "http://x.test/a%2Fb"),
    ],
)
def test_wire_form(url: str, wire: str) -> None:
    assert wire_form(url) == wire
    assert wire_form(wire) == wire  # idempotent


@pytest.mark.parametrize(
    "url", ["http://x.test/a/..;x/b", "http://x.test/.;jsessionid=1/a", "http://x.test/%2e%2e;/"]
)
def test_dot_segment_with_parameters_has_no_one_form(url: str) -> None:
    with pytest.raises(ValueError, match="dot segment with parameters"):
        wire_form(url)


def test_a_relative_url_is_an_error() -> None:
    with pytest.raises(ValueError, match="not an absolute URL"):
        wire_form("/a/../b")


def test_resolve_path_keeps_names_that_only_look_like_dots() -> None:
    assert resolve_path("/...") == "/..."
    assert resolve_path("/.hidden/../x") == "/x"
