"""End to end, hostile pages (issue 10, item 4): ``scrapy crawl directory`` over a small world
of generated pages. A page over a bound is a ``drops`` row with its reason and the crawl goes
on; the valid contacts on hostile pages are stored, with their accents.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunCrawl

from compliant_scraper.demo.world import VirtualWorld

pytestmark = pytest.mark.e2e

HOST = "annuaire.test"  # a host the fixture policies allow
SCHEMA = "https://schema.org/"


def person(name: str, email: str) -> str:
    # A job title among the email purpose's target professions (R6, issue 12).
    return (
        f'<div itemscope itemtype="{SCHEMA}Person"><span itemprop="name">{name}</span>'
        f'<span itemprop="jobTitle">Avocat</span><span itemprop="email">{email}</span></div>'
    )


def build_world(root: Path) -> None:
    site = root / HOST
    site.mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (site / "index.html").write_text(
        '<html><body><a href="/profond.html">1</a> <a href="/latin.html">2</a> '
        f'<a href="/apres.html">3</a>{person("Index Ordinaire", "index@annuaire-test.fr")}'
        "</body></html>"
    )
    depth = 3000  # before the bounds: more than 490 s of a blocked crawl
    chain = f'<div itemprop="subjectOf" itemscope itemtype="{SCHEMA}CreativeWork">' * depth
    (site / "profond.html").write_text(
        f"<html><body>{person('Valide Profond', 'valide@annuaire-test.fr')}"
        f"{chain}{'</div>' * depth}</body></html>"
    )
    # Served as "text/html; charset=utf-8" (the world's default for .html), written in latin-1.
    (site / "latin.html").write_bytes(
        f"<html><body>{person('Hélène Dupré', 'helene@annuaire-test.fr')}</body></html>".encode(
            "latin-1"
        )
    )
    (site / "apres.html").write_text(
        f"<html><body>{person('Après Coup', 'apres@annuaire-test.fr')}</body></html>"
    )


def test_hostile_pages_are_bounded_recorded_and_the_crawl_goes_on(
    tmp_path: Path, crawl: RunCrawl
) -> None:
    build_world(tmp_path / "world")
    with VirtualWorld(tmp_path / "world") as world:
        result = crawl(
            "directory",
            tmp_path / "crawl",
            env=world.env(),
            purpose="test_b2b_email",
            args={"start_url": f"http://{HOST}/"},
        )
    assert result.returncode == 0, result
    names = {row["name"] for row in result.rows("SELECT name FROM contacts")}
    assert names == {"Index Ordinaire", "Valide Profond", "Hélène Dupré", "Après Coup"}, result
    drops = result.rows("SELECT url, fields, reason, rule FROM drops WHERE reason LIKE 'extract_%'")
    assert drops == [
        {
            "url": f"http://{HOST}/profond.html",
            "fields": '["*"]',
            "reason": "extract_too_deep",
            "rule": "R10",
        }
    ], result
    assert "Page http://annuaire.test/profond.html not read in full (extract_too_deep)" in (
        result.output
    )
