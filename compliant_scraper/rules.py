"""The legal rules R1–R13 (docs/legal-rules.md), cited by refusals, drops and reports.

``Rule`` is a ``StrEnum``: ``Rule.R4 == "R4"``, and a rule is written to the store, to JSON or
to a log line as its id. The ids are stable: auditors query ``refusals.rule`` and
``drops.rule`` by them. Code cites ``Rule.R4``, never the literal ``"R4"``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Rule(StrEnum):
    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"
    R6 = "R6"
    R7 = "R7"
    R8 = "R8"
    R9 = "R9"
    R10 = "R10"
    R11 = "R11"
    R12 = "R12"
    R13 = "R13"

    @property
    def heading(self) -> str:
        """The rule's heading in the legal brief."""
        return RULES[self.value]


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
    "R11": "Recipients and transfers (GDPR Art. 13-14, 26, 28, 44-49)",
    "R12": "Answering requests (GDPR Art. 12, 15-19, 21)",
    "R13": "Accountability for a legitimate interest (GDPR Art. 5(2), 6(1)(f), 35)",
}


def describe(rule: str) -> str:
    """Return ``"R3 (robots.txt and ...)"`` for a rule id, or the id itself if unknown."""
    title = RULES.get(str(rule))
    return f"{rule} ({title})" if title else str(rule)
