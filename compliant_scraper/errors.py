"""Exceptions: refusals (requests never sent), drops (values never kept), configuration errors.

Scrapy core never logs an ``IgnoreRequest``; the component that raises a refusal records it
(``refusals`` table, ``compliance/refused/<stage>`` stats, log) before raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from scrapy.exceptions import DropItem, IgnoreRequest


class ComplianceRefusal(IgnoreRequest):
    """A request the compliance layer refused to send (or whose response it refused to use)."""

    stage: ClassVar[str] = "policy"

    def __init__(self, url: str, domain: str, rule: str, reason: str) -> None:
        self.url = url
        self.domain = domain
        self.rule = rule
        self.reason = reason
        super().__init__(f"[{self.stage}/{rule}] {domain}: {reason}")


class PolicyRefusal(ComplianceRefusal):
    """No policy, a forbidding policy, an overdue review, a path or purpose outside it (R2)."""

    stage = "policy"


class RobotsRefusal(ComplianceRefusal):
    """robots.txt disallows the URL, or robots.txt cannot be read (R3, RFC 9309)."""

    stage = "robots"


class TdmRefusal(ComplianceRefusal):
    """A text-and-data-mining reservation applies and no licence lifts it (R3, DSM Art. 4)."""

    stage = "tdm"


class LoginWallRefusal(ComplianceRefusal):
    """The content sits behind a login wall (R2: logged-in data is called out)."""

    stage = "login"


class ComplianceDrop(DropItem):
    """A whole item the compliance pipeline refused to keep, with its reason and rule."""

    def __init__(self, reason: str, rule: str, detail: str = "") -> None:
        self.reason = reason
        self.rule = rule
        self.detail = detail
        super().__init__(f"[{rule}] {reason}" + (f": {detail}" if detail else ""))


@dataclass(frozen=True)
class Problem:
    """One validation problem in legal's files: ``file: field: message``."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ComplianceConfigError(Exception):
    """The compliance layer is misconfigured; the crawl must not start."""


class PolicyError(ComplianceConfigError):
    """The policy registry is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"invalid policy registry ({len(problems)} problem(s)):\n{lines}")
