"""The HTML audit report on a store of 100,000 contacts, opened in headless Chromium (issue 14
item 6): one offline file, no script, every table capped with its count and the Datasette
query for the rest, contacts linking to their sources and sources to the snapshot texts."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import browser
from support.big_store import build

from compliant_scraper.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTACTS = 100_000
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report")
    db = build(base / "big.db", CONTACTS)
    out = base / "audit.html"
    result = CliRunner().invoke(
        main, ["audit", "--db", str(db), "--policies", str(ROOT / "policies"), "--html", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_the_report_is_one_offline_file_without_scripts(report: Path) -> None:
    html = report.read_text()
    assert "<script" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert "compliant-scraper 0.1.0" in html


def test_large_tables_are_capped_with_a_count_and_a_query(report: Path) -> None:
    html = report.read_text()
    assert f"Showing 500 of {CONTACTS}." in html
    assert "SELECT id, purpose, kind, name" in html
    assert "compliant-scraper audit serve --db" in html
    assert html.count('<a id="k') == 500


def test_contacts_link_to_sources_and_sources_to_snapshot_texts(report: Path) -> None:
    html = report.read_text()
    anchors = set(re.findall(r'id="([kcpr][0-9a-f]+)"', html))
    links = set(re.findall(r'href="#([kcpr][0-9a-f]+)"', html))
    assert links and links <= anchors  # every link lands somewhere in the file
    assert any(a.startswith("p") for a in links) and any(a.startswith("r") for a in links)
    assert "Disallow: /private-1/" in html  # a robots.txt snapshot's text
    assert "extraction = &quot;allowed&quot;" in html  # a policy snapshot's text (escaped)


def test_chromium_renders_it(report: Path, tmp_path: Path) -> None:
    dom = browser.run(report, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Contacts (each links to its sources)" in dom.stdout
    assert "Policies in force (R2)" in dom.stdout
    shot = tmp_path / "report.png"
    taken = browser.run(report, f"--screenshot={shot}", "--window-size=1400,2000")
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
