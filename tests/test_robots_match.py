"""The robots.txt pattern index (issue 16 item 5): the same verdict as trying every rule in
order, whatever the patterns look like."""

from __future__ import annotations

import random

import pytest

from compliant_scraper.reservations.robots_match import (
    LINEAR_BELOW,
    PatternIndex,
    literal_prefix,
    whole_token,
)
from compliant_scraper.reservations.robots_rules import RobotsRules


def _pattern(rng: random.Random) -> str:
    body = rng.choice("ab") + "".join(rng.choice("ab/*.?") for _ in range(rng.randrange(0, 7)))
    body = ("*" if rng.random() < 0.2 else "/") + body
    return body + ("$" if rng.random() < 0.2 else "")


def _path(rng: random.Random) -> str:
    return "/" + "".join(rng.choice("abc/?.") for _ in range(rng.randrange(0, 9)))


@pytest.mark.parametrize("seed", range(30))
def test_the_index_agrees_with_a_linear_scan(seed: int) -> None:
    rng = random.Random(seed)
    patterns = sorted({_pattern(rng) for _ in range(rng.randrange(30, 300))}, key=len)[::-1]
    assert len(patterns) >= LINEAR_BELOW  # the index, not its linear fallback, is tested
    indexed = PatternIndex(patterns)
    linear = PatternIndex(patterns, linear_below=10**9)
    paths = [_path(rng) for _ in range(300)]
    answers = [(indexed.first_match(p), linear.first_match(p)) for p in paths]
    assert all(a == b for a, b in answers), [
        p for p, (a, b) in zip(paths, answers, strict=True) if a != b
    ]
    assert any(a is not None for a, _ in answers) and any(a is None for a, _ in answers)


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        ("/a/b", "/a/b"),
        ("/a/b$", "/a/b"),
        ("/a*b", "/a"),
        ("*x", ""),
        ("/$", "/"),
        ("/a$b", "/a$b"),
    ],
)
def test_literal_prefix(pattern: str, prefix: str) -> None:
    assert literal_prefix(pattern) == prefix


def test_many_rules_keep_rfc_9309_verdicts() -> None:
    """Longest match across buckets, Allow on a tie, with thousands of rules in the file."""
    lines = [f"Disallow: /d{n}/" for n in range(5000)]
    lines += ["Disallow: /shop/", "Allow: /shop/public/", "Disallow: /*?sort=", "Allow: /x$"]
    lines += ["Disallow: /tie", "Allow: /tie"]
    rules = RobotsRules.parse("User-agent: *\n" + "\n".join(lines) + "\n")
    cases = {
        "/d4999/x": False,
        "/d5000/x": True,
        "/shop/a": False,
        "/shop/public/a": True,
        "/shop/public/a?sort=1": True,  # /shop/public/ is longer than /*?sort=
        "/other?sort=1": False,
        "/x": True,
        "/tie": True,
    }
    assert {path: rules.allowed(path, "foo") for path in cases} == cases


@pytest.mark.parametrize(
    ("pattern", "token"),
    [
        ("/*?sort=", "sort"),
        ("/*.pdf$", "pdf"),
        ("/*&categoryFacet[]=*", "categoryFacet"),
        ("/*-foo-*", "foo"),
        ("/*ab", ""),  # the * may stand for letters before "ab"
        ("/*.pdf", ""),  # "pdf" may go on: /a.pdfx
        ("/*/", ""),
        ("*x", ""),
    ],
)
def test_whole_token(pattern: str, token: str) -> None:
    assert whole_token(pattern) == token
