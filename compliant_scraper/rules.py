"""Rule ids from the legal brief (shared/LEGAL-BRIEF.md), cited in refusals and drops.

The ids are stable: auditors query ``refusals.rule`` and ``drops.rule`` by them.
"""

from __future__ import annotations

from typing import Final

RULES: Final[dict[str, str]] = {
    "R1": "Public is not free: public data is still personal data",
    "R2": "The source must permit extraction (terms of service)",
    "R3": "robots.txt and machine-readable reservations (RFC 9309, DSM Art. 4)",
    "R4": "Minimise (GDPR Art. 5(1)(c)); no special categories (Art. 9, Art. 10)",
    "R5": "Inform the person (GDPR Art. 14)",
    "R6": "Consent and objection depend on channel and audience (CPCE L34-5)",
    "R7": "Bloctel and other opposition lists (Code de la consommation L223-1)",
    "R8": "The right to object is permanent (GDPR Art. 21)",
    "R9": "Accuracy and retention",
    "R10": "Accountability",
}


def describe(rule: str) -> str:
    """Return ``"R3 (robots.txt and ...)"`` for a rule id, or the id itself if unknown."""
    title = RULES.get(rule)
    return f"{rule} ({title})" if title else rule
