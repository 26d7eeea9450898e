"""The crawl's exceptions: refusals (requests never sent) and drops (items never kept).

Scrapy core never logs an ``IgnoreRequest``; the component that raises a refusal records it
(``refusals`` table, ``compliance/refused/<stage>`` stats, log) before raising.
"""

from __future__ import annotations

from typing import ClassVar

from scrapy.exceptions import DropItem, IgnoreRequest

from ..errors import ContactDropped


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


class ComplianceDrop(DropItem, ContactDropped):
    """A whole item the compliance pipeline refused to keep, with its reason and rule."""

    def __init__(self, reason: str, rule: str, detail: str = "") -> None:
        ContactDropped.__init__(self, reason, rule, detail)
        self.log_level: str | None = None  # what DropItem.__init__ would set

    @classmethod
    def of(cls, dropped: ContactDropped) -> ComplianceDrop:
        """The Scrapy exception for what the screening refused."""
        return cls(dropped.reason, dropped.rule, dropped.detail)
