"""The docs cite only files in the repository (issue 14 item 8): every relative Markdown link
and every `*.md` file named in backticks in README.md and docs/ exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliant_scraper.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
NAMED = re.compile(r"`([A-Za-z0-9_./-]+\.md)`")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_cited_file_is_in_the_repository(page: Path) -> None:
    text = page.read_text("utf-8")
    missing = []
    for target in LINK.findall(text):
        if "://" in target or target.startswith("mailto:"):
            continue
        if not (page.parent / target).exists():
            missing.append(target)
    for name in NAMED.findall(text):
        here = [page.parent / name, ROOT / name, ROOT / "docs" / name]
        if not any(p.exists() for p in here) and not list(ROOT.rglob(Path(name).name)):
            missing.append(name)
    assert missing == [], f"{page.name} cites files not in the repository"


def test_the_legal_rules_have_their_own_page() -> None:
    text = (ROOT / "docs" / "legal-rules.md").read_text("utf-8")
    for rule in range(1, 14):
        assert f"| R{rule} |" in text
    assert "LEGAL-BRIEF" not in "".join(p.read_text("utf-8") for p in PAGES)


def test_shell_completion_as_documented() -> None:
    result = CliRunner().invoke(
        main, [], prog_name="compliant-scraper", env={"_COMPLIANT_SCRAPER_COMPLETE": "bash_source"}
    )
    assert "_compliant_scraper_completion()" in result.output
    assert "_COMPLIANT_SCRAPER_COMPLETE=bash_source compliant-scraper" in (
        ROOT / "docs" / "cli.md"
    ).read_text("utf-8")
