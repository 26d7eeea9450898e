from __future__ import annotations

import json

import pytest

from compliant_scraper.reservations.tdm import (
    TdmrepError,
    TdmRule,
    clip,
    head_meta,
    header_reservation,
    header_signals,
    html_signals,
    normalise_path,
    parse_reservation,
    parse_tdmrep,
    reserving_rule,
    robots_reserve_ai,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, True),
        (0, False),
        ("1", True),
        (" 0 ", False),
        (b"1", True),
        (True, True),  # lenient: JSON true read as 1
        (False, False),
        (2, None),  # protocol error: unset
        (-1, None),
        ("yes", None),
        ("", None),
        (None, None),
        (1.0, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_parse_reservation(value: object, expected: bool | None) -> None:
    assert parse_reservation(value) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        (["1"], True),
        (["0"], False),
        (["0", "1"], True),  # a 0 never lifts a 1
        (["0, 1"], True),  # lines joined with commas
        (["1, 0"], True),
        (["reserved"], None),
        (["", " "], None),
        (["0", "garbage"], False),
        (["\x00\xff1"], None),
    ],
)
def test_header_reservation(values: list[str], expected: bool | None) -> None:
    assert header_reservation(values) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("noai", True),
        ("NoAI", True),
        ("noindex, noai", True),
        ("noai,noimageai", True),
        ("otherbot: noai", True),  # scoped to another agent: still counted (conservative)
        ("googlebot:noai", True),
        ("noimageai", False),  # images only; this framework extracts text
        ("noindex, nofollow", False),
        ("noairline", False),  # whole tokens only
        ("nonoai", False),
        ("", False),
        ("none", False),
    ],
)
def test_robots_reserve_ai(value: str, expected: bool) -> None:
    assert robots_reserve_ai(value) is expected


@pytest.mark.parametrize(
    ("tdm_reservation", "tdm_policy", "x_robots", "expected"),
    [
        ([], [], [], []),
        (["1"], [], [], [("response header tdm-reservation: 1", None)]),
        (
            ["1"],
            ["", "https://p.test/policy.json"],
            [],
            [("response header tdm-reservation: 1", "https://p.test/policy.json")],
        ),
        (["0"], ["https://p.test/policy.json"], [], []),
        ([], [], ["noindex, noai"], [("response header X-Robots-Tag: noindex, noai", None)]),
        (
            ["1"],
            [],
            ["noai"],
            [
                ("response header tdm-reservation: 1", None),
                ("response header X-Robots-Tag: noai", None),
            ],
        ),
        ([], [], ["noimageai"], []),
    ],
)
def test_header_signals(
    tdm_reservation: list[str],
    tdm_policy: list[str],
    x_robots: list[str],
    expected: list[tuple[str, str | None]],
) -> None:
    found = header_signals(tdm_reservation, tdm_policy, x_robots)
    assert [(s.description, s.policy) for s in found] == expected


def page(head: str, body: str = "<p>Jeanne Martin</p>") -> str:
    return f"<!DOCTYPE html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (page(""), []),
        (page('<meta name="tdm-reservation" content="1">'), ['name="tdm-reservation"']),
        (page("<META NAME=TDM-Reservation CONTENT=1>"), ['name="tdm-reservation"']),
        (page("<meta content='1' name='tdm-reservation' />"), ['name="tdm-reservation"']),
        (page('<meta name="tdm-reservation" content="0">'), []),
        (page('<meta name="tdm-reservation" content="maybe">'), []),
        (page('<meta name="tdm-reservation">'), []),
        (page('<meta name="robots" content="index, noai">'), ['name="robots"']),
        (page('<meta name="robots" content="noimageai">'), []),
        (page('<meta name="robots" content="noindex">'), []),
        (page('<meta http-equiv="X-Robots-Tag" content="noai">'), ['http-equiv="x-robots-tag"']),
        (page('<meta http-equiv="tdm-reservation" content="1">'), ['http-equiv="tdm-reservation"']),
        (page('<meta name="description" content="tdm-reservation 1 noai">'), []),
        # entities in attribute values are decoded
        (page('<meta name="tdm-reservation" content="&#49;">'), ['name="tdm-reservation"']),
        # commented out, or inside a script: not a tag
        (page('<!-- <meta name="tdm-reservation" content="1"> -->'), []),
        (page('<script>var s = \'<meta name="robots" content="noai">\';</script>'), []),
        # a script that writes "<body>" does not end the scan
        (
            page('<script>document.write("<body>")</script><meta name="robots" content="noai">'),
            ['name="robots"'],
        ),
        # the scan stops at <body>: meta in the body is not a head signal
        (page("", body='<meta name="tdm-reservation" content="1">'), []),
        # a page that merely mentions the words
        (page("", body="<p>We honour tdm-reservation and noai.</p>"), []),
    ],
)
def test_html_signals(html: str, expected: list[str]) -> None:
    found = html_signals(html)
    assert len(found) == len(expected)
    for signal, fragment in zip(found, expected, strict=True):
        assert fragment in signal.description


def test_html_meta_policy_is_attached() -> None:
    html = page(
        '<meta name="tdm-reservation" content="1">'
        '<meta name="tdm-policy" content="https://p.test/policies/1">'
    )
    (signal,) = html_signals(html)
    assert signal.policy == "https://p.test/policies/1"
    assert "https://p.test/policies/1" in signal.explain()


def test_head_scan_is_bounded() -> None:
    padding = "<style>" + "x" * 1000 + "</style>"
    html = page(padding + '<meta name="tdm-reservation" content="1">')
    assert html_signals(html)
    assert html_signals(html, limit=500) == []


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "tdm-",
        "<",
        "<meta",
        "<meta name=tdm-reservation content=1",  # cut off mid-tag
        "<!DOCTYPE tdm-<![CDATA[<meta noai",
        "<html><head><meta name='robots' content='noai'",
        "\x00\x01tdm-\ufffd<meta name=\x00robots content=noai>",
        "<" * 10_000 + "tdm-",
        "<![if noai]><meta name=robots content=noai><![endif]>",
    ],
)
def test_html_garbage_never_crashes(garbage: str) -> None:
    head_meta(garbage)
    html_signals(garbage)


# -- tdmrep.json ------------------------------------------------------------------------------


SPEC_EXAMPLE = json.dumps(
    [
        {"location": "/directory-a/", "tdm-reservation": 1},
        {
            "location": "/directory-b/html/",
            "tdm-reservation": 1,
            "tdm-policy": "https://provider.com/policies/policy.json",
        },
        {"location": "/directory-b/images/*.jpg", "tdm-reservation": 0},
    ]
)


def test_parse_spec_example() -> None:
    rules = parse_tdmrep(SPEC_EXAMPLE.encode())
    assert rules == (
        TdmRule("/directory-a/", True),
        TdmRule("/directory-b/html/", True, "https://provider.com/policies/policy.json"),
        TdmRule("/directory-b/images/*.jpg", False),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[]", ()),
        ('[{"location": "/", "tdm-reservation": 1}]', (TdmRule("/", True),)),
        # missing brackets: read as one rule
        ('{"location": "/", "tdm-reservation": 1}', (TdmRule("/", True),)),
        # UTF-8 BOM, key case, string value
        ('\ufeff[{"Location": "/a", "TDM-Reservation": "1"}]', (TdmRule("/a", True),)),
        # invalid rules are skipped, valid ones kept
        (
            '[1, "x", null, [], {"location": "/a"}, {"tdm-reservation": 1},'
            ' {"location": 5, "tdm-reservation": 1}, {"location": "/b", "tdm-reservation": 7},'
            ' {"location": "", "tdm-reservation": 1}, {"location": "/c", "tdm-reservation": 1}]',
            (TdmRule("/c", True),),
        ),
        # a location without a leading slash, and an absolute URL
        ('[{"location": "private", "tdm-reservation": 1}]', (TdmRule("/private", True),)),
        (
            '[{"location": "https://example.com/x/?a=1", "tdm-reservation": 1}]',
            (TdmRule("/x/?a=1", True),),
        ),
        # a non-string policy is ignored
        ('[{"location": "/", "tdm-reservation": 1, "tdm-policy": 3}]', (TdmRule("/", True),)),
        # a pattern too long to be sane is ignored
        (json.dumps([{"location": "/" + "a" * 5000, "tdm-reservation": 1}]), ()),
    ],
)
def test_parse_tdmrep(body: str, expected: tuple[TdmRule, ...]) -> None:
    assert parse_tdmrep(body.encode()) == expected


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>Not found</body></html>",  # a soft 404
        b"null",
        b"1",
        b'"[]"',
        b"[{",
        b"\xff\xfe\x00garbage",
        b"[" * 100_000 + b"]" * 100_000,  # nesting too deep for the parser
        b"1" * 10_000,  # an integer too long to convert
    ],
)
def test_parse_tdmrep_rejects_garbage(body: bytes) -> None:
    with pytest.raises(TdmrepError):
        parse_tdmrep(body)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/b", "/a/b"),
        ("/%7Euser/%41", "/~user/A"),  # unreserved escapes decoded
        ("/a%2fb", "/a%2Fb"),  # reserved escapes kept, upper-cased
        ("/caf\u00e9", "/caf%C3%A9"),  # non-ASCII encoded as UTF-8
        ("/a b", "/a%20b"),
        ("/price$", "/price%24"),  # a literal $ can never act as an anchor
        ("/star*", "/star%2A"),  # nor a literal * as a wildcard
        ("/x?q=1", "/x?q=1"),
    ],
)
def test_normalise_path(path: str, expected: str) -> None:
    assert normalise_path(path) == expected


RULES_TABLE = [
    {"location": "/directory-a/", "tdm-reservation": 1},
    {"location": "/directory-b/images/*.jpg", "tdm-reservation": 0},
    {"location": "/directory-b/", "tdm-reservation": 1},
    {"location": "/exact$", "tdm-reservation": 1},
    {"location": "/*/secret/", "tdm-reservation": 1},
    {"location": "/caf%C3%A9/", "tdm-reservation": 1},
    {"location": "/Upper/", "tdm-reservation": 1},
    {"location": "/search?q=*", "tdm-reservation": 1},
    {"location": "/price-%24", "tdm-reservation": 1},
    {"location": "/open/", "tdm-reservation": 0},
]


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/directory-a/page.html", "", "/directory-a/"),
        ("/directory-a/", "", "/directory-a/"),
        ("/directory-a", "", None),  # prefix of the pattern, not of the path
        ("/directory-ab/", "", None),
        ("/directory-b/html/x.html", "", "/directory-b/"),
        # the spec's first match (0 for jpg) does not lift the later matching 1
        ("/directory-b/images/a.jpg", "", "/directory-b/"),
        ("/exact", "", "/exact$"),
        ("/exact/more", "", None),
        ("/exact", "x=1", "/exact$"),  # the path alone matches: reserved either way
        ("/people/secret/jeanne", "", "/*/secret/"),
        ("/secret/jeanne", "", None),
        ("/café/menu", "", "/caf%C3%A9/"),
        ("/caf%C3%A9/menu", "", "/caf%C3%A9/"),
        ("/Upper/x", "", "/Upper/"),
        ("/upper/x", "", None),  # case-sensitive, as the spec says
        ("/search", "q=jeanne", "/search?q=*"),
        ("/search", "", None),
        ("/price-$", "", "/price-%24"),
        ("/price-%24", "", "/price-%24"),
        ("/open/page", "", None),
        ("/", "", None),
        ("", "", None),
    ],
)
def test_reserving_rule(path: str, query: str, expected: str | None) -> None:
    rules = parse_tdmrep(json.dumps(RULES_TABLE))
    found = reserving_rule(rules, path, query)
    assert (found.location if found else None) == expected


@pytest.mark.parametrize(
    ("location", "path", "expected"),
    [
        ("/", "/anything", True),
        ("*", "/anything", True),
        ("/*.pdf$", "/docs/a.pdf", True),
        ("/*.pdf$", "/docs/a.pdf.html", False),
        ("/*.pdf", "/docs/a.pdf.html", True),
        ("/a*b*c", "/a-x-b-y-c-z", True),
        ("/a*b*c", "/a-x-c-y-b", False),
        ("/**", "/x", True),
        ("/$", "/", True),
        ("/$", "/x", False),
        # issue 9 item 9: the same escapes as robots.txt are equivalent to their characters
        ("/*facet[]=*", "/s%5B%5D/x?facet%5B%5D=a", True),
        ("/wiki/Special%3A*", "/wiki/Special:Search", True),
        ("/a&b", "/a%26b", True),
        ("/a%2Fb", "/a/b", False),
    ],
)
def test_rule_matching(location: str, path: str, expected: bool) -> None:
    (rule,) = parse_tdmrep(json.dumps([{"location": location, "tdm-reservation": 1}]))
    assert (reserving_rule([rule], path) is not None) is expected


def test_adversarial_pattern_is_not_exponential() -> None:
    location = "/" + "*a" * 200 + "b"
    (rule,) = parse_tdmrep(json.dumps([{"location": location, "tdm-reservation": 1}]))
    # Exponential backtracking would not finish; the two-pointer matcher is O(n*m).
    assert reserving_rule([rule], "/" + "a" * 2000) is None


def test_clip() -> None:
    assert clip("a\nb\x00c") == "a b c"
    assert clip("x" * 500) == "x" * 159 + "…"
    assert clip("short") == "short"
