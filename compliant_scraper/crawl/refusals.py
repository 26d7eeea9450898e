"""The crawl's exceptions: refusals (requests never sent) and drops (items never kept).

Scrapy core never logs an ``IgnoreRequest``; the component that raises a refusal records it
(``refusals`` table, ``compliance/refused/<stage>`` stats, log) before raising.
"""

from __future__ import annotations

from typing import ClassVar

from scrapy.exceptions import DropItem, IgnoreRequest

from ..errors import ContactDropped
from ..rules import Rule


class ComplianceRefusal(IgnoreRequest):
    """A request the compliance layer refused to send (or whose response it refused to use).

    Each subclass is one stage and carries the rule it enforces (``RULE``); the rule of one
    refusal can still be given (``rule=``) when a stage enforces more than one.
    """

    stage: ClassVar[str] = "policy"
    RULE: ClassVar[Rule] = Rule.R2

    def __init__(self, url: str, domain: str, reason: str, *, rule: str | None = None) -> None:
        self.url = url
        self.domain = domain
        self.rule = Rule(rule) if rule is not None else self.RULE
        self.reason = reason
        super().__init__(f"[{self.stage}/{self.rule}] {domain}: {reason}")


class PolicyRefusal(ComplianceRefusal):
    """No policy, a forbidding policy, an overdue review, a path or purpose outside it,
    credentials where the policy allows none (R2)."""

    stage = "policy"
    RULE = Rule.R2


class RobotsRefusal(ComplianceRefusal):
    """robots.txt disallows the URL, or robots.txt cannot be read (R3, RFC 9309)."""

    stage = "robots"
    RULE = Rule.R3


class TdmRefusal(ComplianceRefusal):
    """A text-and-data-mining reservation applies and no licence lifts it (R3, DSM Art. 4)."""

    stage = "tdm"
    RULE = Rule.R3


class LoginWallRefusal(ComplianceRefusal):
    """The content sits behind a login wall (R2: logged-in data is called out)."""

    stage = "login"
    RULE = Rule.R2


class ComplianceDrop(DropItem, ContactDropped):
    """A whole item the compliance pipeline refused to keep, with its reason and rule."""

    def __init__(self, reason: str, rule: str, detail: str = "") -> None:
        ContactDropped.__init__(self, reason, rule, detail)
        self.log_level: str | None = None  # what DropItem.__init__ would set

    @classmethod
    def of(cls, dropped: ContactDropped) -> ComplianceDrop:
        """The Scrapy exception for what the screening refused."""
        return cls(dropped.reason, dropped.rule, dropped.detail)
