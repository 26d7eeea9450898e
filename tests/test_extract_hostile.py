"""Hostile pages (issue 10, item 4): every page is read within its bounds (nesting depth, items,
time), a bound hit is reported with its reason, and a valid contact on the same page survives.

The pages are generated here. The assertions are on bounds hit and recorded, never on timings:
before the bounds, the 3,000-level page below kept a crawl busy for more than 490 s.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from extruct.w3cmicrodata import MicrodataExtractor
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from compliant_scraper.extract import extract_contacts, rdfa
from compliant_scraper.extract.limits import Budget, Limits
from compliant_scraper.extract.microdata import BoundedMicrodataExtractor
from compliant_scraper.extract.syntaxes import parse

URL = "https://annuaire.example/fiche"
PAGES = Path(__file__).parent / "fixtures" / "pages"
SCHEMA = "https://schema.org/"

VALID_MICRODATA = (
    f'<div itemscope itemtype="{SCHEMA}Person"><span itemprop="name">Hélène Valide</span>'
    '<span itemprop="email">helene@valide.example</span></div>'
)
VALID_RDFA = (
    f'<div vocab="{SCHEMA}" typeof="Person"><span property="name">Hélène Valide</span>'
    '<span property="email">helene@valide.example</span></div>'
)
VALID_JSONLD = {"@type": "Person", "name": "Hélène Valide", "email": "helene@valide.example"}
VALID = ("Hélène Valide", "helene@valide.example")

Drops = list[tuple[str, str, str, str]]


def read(
    html: str | bytes, limits: Limits | None = None, **kwargs: Any
) -> tuple[list[dict[str, Any]], Drops, MemoryStatsCollector]:
    """The contacts of a page, the drops it reported, and its stats."""
    drops: Drops = []
    stats = MemoryStatsCollector(get_crawler())
    found = extract_contacts(
        html,
        URL,
        stats=stats,
        limits=limits,
        on_drop=lambda *drop: drops.append(drop),
        **kwargs,
    )
    return found, drops, stats


def people(found: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    return [(c["name"], c["email"]) for c in found]


def nested_microdata(depth: int, prop: str = "employee", item: str = "Person") -> str:
    """A chain of ``depth`` items below an Organization, each with a name and an email."""
    chain = "".join(
        f'<div itemprop="{prop}" itemscope itemtype="{SCHEMA}{item}">'
        f'<span itemprop="name">L{i}</span><span itemprop="email">l{i}@chain.example</span>'
        for i in range(depth)
    )
    return (
        f'<div itemscope itemtype="{SCHEMA}Organization"><span itemprop="name">Org</span>'
        f"{chain}{'</div>' * depth}</div>"
    )


def nested_jsonld(depth: int, prop: str = "employee") -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Person", "name": f"L{depth - 1}"}
    for i in range(depth - 2, -1, -1):
        node = {"@type": "Person", "name": f"L{i}", "email": f"l{i}@chain.example", prop: node}
    return {"@type": "Organization", "name": "Org", prop: node}


def page(*parts: str, scripts: tuple[Any, ...] = ()) -> str:
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps(s) if not isinstance(s, str) else s}'
        "</script>"
        for s in scripts
    )
    return f"<html><head>{blocks}</head><body>{''.join(parts)}</body></html>"


# --- depth ------------------------------------------------------------------------------


def test_a_3000_level_microdata_page_is_cut_at_the_depth_bound() -> None:
    # Through a Scrapy response's own tree, as the directory spider reads pages.
    html = page(VALID_MICRODATA, nested_microdata(3000))
    response = HtmlResponse(URL, body=html.encode(), encoding="utf-8")
    drops: Drops = []
    found = extract_contacts(
        response.text,
        URL,
        tree=response.selector.root,
        on_drop=lambda *drop: drops.append(drop),
    )
    assert people(found)[0] == VALID
    chain = [c["name"] for c in found if c["email"] and "chain" in c["email"]]
    # The Organization is level 1: its chain is read to level 32 (L30), no further.
    assert chain == [f"L{i}" for i in range(31)]
    assert drops == [(URL, "*", "extract_too_deep", "R10")]


@pytest.mark.parametrize("prop", ["employee", "knows"])
def test_500_nested_persons_in_microdata_keep_the_valid_contact(prop: str) -> None:
    # Before: RecursionError in extruct, every microdata contact of the page lost.
    found, drops, stats = read(page(VALID_MICRODATA, nested_microdata(500, prop)))
    structured = [c for c in found if c["method"] == "microdata"]
    assert (structured[0]["name"], structured[0]["email"]) == VALID
    assert drops == [(URL, "*", "extract_too_deep", "R10")]
    assert stats.get_value("compliance/extract/limit/extract_too_deep") == 1
    assert stats.get_value("compliance/extract/error/microdata") is None


def test_items_cut_by_the_depth_bound_never_become_top_level_contacts() -> None:
    # A spouse is never a contact (a third party); cut at the bound, it must not reappear as a
    # top-level item of its own, which extruct would otherwise read it as.
    spouses = "".join(
        f'<div itemprop="spouse" itemscope itemtype="{SCHEMA}Person">'
        f'<span itemprop="name">S{i}</span>'
        f'<span itemprop="telephone">06 00 00 00 {i:02}</span>'
        for i in range(40)
    )
    person = (
        f'<div itemscope itemtype="{SCHEMA}Person"><span itemprop="name">P</span>'
        f"{spouses}{'</div>' * 40}</div>"
    )
    found, drops, _ = read(page(person), Limits(max_depth=8))
    assert [c["name"] for c in found] == ["P"]
    assert drops == [(URL, "*", "extract_too_deep", "R10")]


def test_500_nested_persons_in_json_ld_keep_the_valid_contact() -> None:
    found, drops, _ = read(page(scripts=([VALID_JSONLD, nested_jsonld(500)],)))
    assert people(found)[0] == VALID
    assert [c["name"] for c in found[2:]] == [f"L{i}" for i in range(31)]
    assert drops == [(URL, "*", "extract_too_deep", "R10")]


def test_a_json_ld_block_beyond_pythons_recursion_limit_is_too_deep_not_an_error() -> None:
    deep = '{"knowsAbout": ' * 5000 + "1" + "}" * 5000
    found, drops, stats = read(page(scripts=(VALID_JSONLD, deep)))
    assert people(found) == [VALID]
    assert drops == [(URL, "*", "extract_too_deep", "R10")]
    assert stats.get_value("compliance/extract/error/json-ld") is None


def test_nested_arrays_count_as_depth() -> None:
    deep = "[" * 500 + json.dumps(VALID_JSONLD) + "]" * 500
    found, drops, _ = read(page(scripts=(VALID_JSONLD, deep)))
    assert people(found) == [VALID]
    assert drops == [(URL, "*", "extract_too_deep", "R10")]


def test_deep_rdfa_is_cut_at_the_depth_bound() -> None:
    chain = "".join(
        f'<div property="knows" typeof="Person"><span property="name">L{i}</span>'
        for i in range(60)
    )
    nested = f'<div vocab="{SCHEMA}" typeof="Organization">{chain}{"</div>" * 61}'
    found, drops, _ = read(page(VALID_RDFA, nested))
    assert people(found) == [VALID]
    assert drops == [(URL, "*", "extract_too_deep", "R10")]


def test_a_page_within_the_bounds_reports_nothing() -> None:
    found, drops, stats = read(page(VALID_MICRODATA, nested_microdata(20)))
    assert len(found) == 1 + 1 + 20
    assert drops == []
    assert not any(key.startswith("compliance/extract/limit/") for key in stats.get_stats())


# --- items ------------------------------------------------------------------------------


def test_items_after_the_pages_last_are_not_read() -> None:
    entries = "".join(
        f'<div itemscope itemtype="{SCHEMA}Person"><span itemprop="name">M{i}</span></div>'
        for i in range(30)
    )
    links = "".join(f'<a href="mailto:m{i}@links.example">m</a>' for i in range(30))
    found, drops, stats = read(page(entries, links, scripts=(VALID_JSONLD,)), Limits(max_items=10))
    # JSON-LD first (one item), then nine microdata items; no link is read.
    assert [c["name"] for c in found] == ["Hélène Valide", *(f"M{i}" for i in range(9))]
    assert drops == [(URL, "*", "extract_too_many_items", "R10")]
    assert stats.get_value("compliance/extract/limit/extract_too_many_items") == 1


@pytest.mark.parametrize("syntax", ["json-ld", "rdfa", "links"])
def test_each_syntax_counts_its_items(syntax: str) -> None:
    if syntax == "json-ld":
        html = page(scripts=([{"@type": "Person", "name": f"M{i}"} for i in range(30)],))
    elif syntax == "rdfa":
        html = page(
            *(
                f'<div vocab="{SCHEMA}" typeof="Person"><span property="name">M{i}</span></div>'
                for i in range(30)
            )
        )
    else:
        html = page(*(f'<a href="tel:+3361000{i:04}">t</a>' for i in range(30)))
    found, drops, _ = read(html, Limits(max_items=10))
    assert len(found) == 10
    assert drops == [(URL, "*", "extract_too_many_items", "R10")]


# --- time -------------------------------------------------------------------------------


def test_the_time_bound_stops_reading_and_keeps_what_was_read() -> None:
    # A clock that moves one second each time it is read: the bound is hit part-way through
    # the microdata, whatever the machine's speed.
    seconds = itertools.count()
    entries = "".join(
        f'<div itemscope itemtype="{SCHEMA}Person"><span itemprop="name">M{i}</span>'
        f'<span itemprop="email">m{i}@x.example</span></div>'
        for i in range(50)
    )
    found, drops, stats = read(
        page(entries, VALID_RDFA, scripts=(VALID_JSONLD,)),
        Limits(max_seconds=20),
        clock=lambda: float(next(seconds)),
    )
    methods = [c["method"] for c in found]
    assert methods[0] == "json-ld"
    assert 0 < methods.count("microdata") < 50
    assert "rdfa" not in methods
    assert drops == [(URL, "*", "extract_timeout", "R10")]
    assert stats.get_value("compliance/extract/limit/extract_timeout") == 1


def test_several_bounds_are_each_reported_once() -> None:
    html = page(
        nested_microdata(50),
        *(f'<a href="mailto:m{i}@links.example">m</a>' for i in range(30)),
        scripts=(nested_jsonld(50),),
    )
    _, drops, _ = read(html, Limits(max_items=60))
    assert sorted(drops) == [
        (URL, "*", "extract_too_deep", "R10"),
        (URL, "*", "extract_too_many_items", "R10"),
    ]


@pytest.mark.parametrize(
    "limits", [{"max_depth": 0}, {"max_depth": 101}, {"max_items": 0}, {"max_seconds": 0}]
)
def test_limits_out_of_range(limits: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        Limits(**limits)


# --- microdata: the linear property lookup -------------------------------------------------


def _extruct_items(html: str) -> list[Any]:
    return list(MicrodataExtractor().extract_items(parse(html.encode(), "utf-8", dom=False), URL))


def _bounded_items(html: str) -> list[Any]:
    tree = parse(html.encode(), "utf-8", dom=False)
    return list(BoundedMicrodataExtractor(Budget(Limits())).extract_items(tree, URL))


ITEMREF = (
    f'<div itemscope itemtype="{SCHEMA}Person" itemref="addr"><span itemprop="name">R</span>'
    f'</div><div id="addr" itemprop="address" itemscope itemtype="{SCHEMA}PostalAddress">'
    '<span itemprop="addressLocality">Lyon</span></div>'
)


@pytest.mark.parametrize(
    "html",
    [
        *(
            p.read_text("utf-8")
            for p in sorted(PAGES.glob("*.html"))
            if "itemscope" in p.read_text()
        ),
        page(nested_microdata(12)),
        page(ITEMREF),
        page(
            f'<div itemscope itemtype="{SCHEMA}Organization"><!-- c --><span itemprop="name">'
            f'O</span><div itemscope><span itemprop="x">untyped</span></div>'
            f'<p><span itemprop="telephone">01</span><b itemprop="a b">two names</b></p></div>'
        ),
    ],
)
def test_bounded_microdata_reads_what_extruct_reads(html: str) -> None:
    assert _bounded_items(html) == _extruct_items(html)


# --- broken RDFa ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broken",
    [
        # Any link of the page with a broken IPv6 literal ended pyRdfa: "Invalid IPv6 URL".
        '<a href="http://[annuaire">annuaire</a>',
        f'<div vocab="{SCHEMA}" typeof="Person" about="http://[x"><span property="name">B'
        "</span></div>",
        f'<div vocab="{SCHEMA}" typeof="Person"><a property="url" href="http://[x">site</a>'
        '<span property="name">B</span></div>',
        f'<div vocab="{SCHEMA}" typeof="Person http://[x"><span property="name">B</span></div>',
        '<div vocab="http://[x" typeof="Person"><span property="name">B</span></div>',
        # netloc characters that normalise (NFKC) to a "/": urllib refuses them.
        f'<div vocab="{SCHEMA}" typeof="Person" resource="http://a\uff0fb@c/">'
        '<span property="name">B</span></div>',
        # rdflib: "… is not a valid language tag".
        f'<p xml:lang="-"><span vocab="{SCHEMA}" typeof="Person"><span property="name">B</span>'
        "</span></p>",
    ],
)
def test_broken_rdfa_does_not_lose_the_valid_contact(broken: str) -> None:
    found, drops, stats = read(page(VALID_RDFA, broken))
    assert VALID in people(found)
    assert stats.get_value("compliance/extract/error/rdfa") is None
    assert drops == []


def test_a_removed_link_value_does_not_become_the_link_text() -> None:
    broken = (
        f'<div vocab="{SCHEMA}" typeof="Person"><span property="name">B</span>'
        '<a property="url" href="http://[x">site</a></div>'
    )
    [contact] = read(page(broken))[0]
    assert (contact["name"], contact["website"]) == ("B", None)


def test_an_rdfa_item_pyrdfa_cannot_read_is_read_apart_from_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever else may still break pyRdfa: only the item that carries it is lost.
    real = rdfa._extract

    def fragile(tree: Any, base_url: str) -> list[Any]:
        if "POISON" in "".join(tree.itertext()):
            raise ValueError("pyRdfa bug")
        return real(tree, base_url)

    monkeypatch.setattr(rdfa, "_extract", fragile)
    poisoned = f'<div vocab="{SCHEMA}" typeof="Person"><span property="name">POISON</span></div>'
    found, _, stats = read(
        page(f'<div vocab="{SCHEMA}">', VALID_RDFA, poisoned, "</div>"),
    )
    assert people(found) == [VALID]
    assert stats.get_value("compliance/extract/error/rdfa") is None


def test_the_callers_tree_is_not_changed_by_the_rdfa_repairs() -> None:
    html = page(VALID_RDFA, '<a property="name" href="http://[x">x</a>')
    tree = parse(html.encode(), "utf-8", dom=True)
    before = [dict(e.attrib) for e in tree.iter() if isinstance(e.tag, str)]
    rdfa.read_rdfa(tree, URL, Budget(Limits()))
    assert [dict(e.attrib) for e in tree.iter() if isinstance(e.tag, str)] == before


# --- encodings --------------------------------------------------------------------------

LATIN = page(
    f'<div itemscope itemtype="{SCHEMA}Person"><span itemprop="name">Hélène Dupré</span>'
    '<span itemprop="email">helene@dupre.example</span></div>'
).encode("latin-1")


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (LATIN, "utf-8"),  # the response said UTF-8: the bytes say otherwise
        (LATIN.replace(b"<head>", b'<head><meta charset="utf-8">'), None),
        (LATIN, None),  # no label at all (charset-normalizer alone says windows-1250)
        (LATIN, "iso-8859-1"),
        (LATIN.decode("latin-1").encode("utf-8"), None),
        (LATIN.decode("latin-1").encode("utf-8"), "utf-8"),
    ],
)
def test_page_bytes_are_decoded_in_the_encoding_they_are_in(
    body: bytes, encoding: str | None
) -> None:
    found, _, _ = read(body, encoding=encoding)
    assert found[0]["name"] == "Hélène Dupré"
