"""Errors without Scrapy: the user-error base, configuration errors, legal's file problems,
and a contact not kept.

The Scrapy-facing exceptions (``ComplianceRefusal`` and its stage subclasses, which are
``IgnoreRequest``; ``ComplianceDrop``, a ``DropItem``) live in ``crawl/refusals.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One validation problem in legal's files: ``file: field: message``."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        if (self.file, self.field) == (".", "-"):  # the registry folder itself: its message
            return self.message  # names it (before: ".: -: policy directory ... does not exist")
        return f"{self.file}: {self.field}: {self.message}"


class UserError(Exception):
    """A mistake of the user's (a bad option, a missing file, a misconfiguration), not a bug.

    Every command-line command reports one as a single ``Error: <message>`` line with exit
    code 1, never a traceback (``cli._app.CommandGroup``); the message names the file, field
    or option and says what to do. Library code raises a subclass that says where it comes
    from (``ComplianceConfigError``, ``tooling.base.ToolingError``,
    ``opposition.lists.ListImportError``).
    """


class ComplianceConfigError(UserError):
    """The compliance layer is misconfigured; the crawl must not start."""


class PolicyError(ComplianceConfigError):
    """The policy registry is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"invalid policy registry ({len(problems)} problem(s)):\n{lines}")


class ContactDropped(Exception):
    """A whole contact the screening refused to keep, with its reason and rule.

    Raised by the pure screening (``screening.processor``); the crawl's pipeline raises it
    again as ``ComplianceDrop`` (a Scrapy ``DropItem``), which subclasses this one.
    """

    def __init__(self, reason: str, rule: str, detail: str = "") -> None:
        self.reason = reason
        self.rule = rule
        self.detail = detail
        super().__init__(f"[{rule}] {reason}" + (f": {detail}" if detail else ""))


class StoreError(UserError):
    """The compliance store cannot be used as asked: not a store, locked, unwritable, or a
    path that is not safe to open. The message names the file and what to do."""


class StoreWriteError(StoreError):
    """A write to the store failed after its retries: the crawl stops (fail closed), and the
    message says what was not stored."""
