"""Filling in the starter registry of ``compliant-scraper init`` as a user would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

# What a user writes for each key the starter leaves to fill in (by key name).
ANSWERS: Final = {
    "name": '"Acme Conseil SAS"',
    "address": '"1 rue de la Paix, 75002 Paris, France"',
    "contact": '"dpo@acme-conseil.test"',
    "privacy_url": '"https://acme-conseil.test/privacy"',
    "dpo": '"Marie Dupont, DPO, dpo@acme-conseil.test"',
    "description": '"Present our practice software to lawyers"',
    "offer": '"Practice-management software for law firms"',
    "legitimate_interest": '"Making our software known to the lawyers it is designed for"',
    "target_professions": '["avocat", "lawyer"]',
    "legal_basis": '"Legitimate interest, GDPR Art. 6(1)(f)"',
    "lia": '"assessments/lia.md"',
    "dpia_not_required": '"No profiling, no combination of sources: no CNIL criterion met"',
    "contract": '"DPA 2026-03, Art. 28 clauses, signed 2026-03-02"',
    "reason": '"Our own test directory"',
    "terms_url": '"http://127.0.0.1/terms"',
    "clause": '"Terms art. 1"',
    "reviewed_by": '"Jeanne Juriste"',
    "reviewed_on": "2026-11-01",
}
_LINE: Final = re.compile(r'^(?P<key>\w+) = (?P<value>\[?"FILL IN: .*)$', re.MULTILINE)


def fill(directory: Path, domain: str) -> None:
    """Replace every placeholder of the starter in ``directory``; the domain policy names
    ``domain``, and the assessment the purposes cite is written."""
    for path in directory.rglob("*.toml"):
        text = path.read_text()

        def answer(match: re.Match[str], path: Path = path) -> str:
            key = match["key"]
            value = f'"{domain}"' if key == "domain" and path.parent.name == "domains" else None
            return f"{key} = {value or ANSWERS[key]}"

        path.write_text(_LINE.sub(answer, text))
    (directory / "assessments" / "lia.md").write_text("# LIA\n\nBalancing test: done.\n")
