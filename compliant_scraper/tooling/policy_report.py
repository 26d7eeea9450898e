"""Legal's view of the policy registry (R2): validate it, ask the gate, list review dates.

``check`` asks the very function the crawl's gate asks (``policy.decide.decide``), so its
answer is the gate's answer, not a re-implementation of it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..errors import PolicyError, Problem
from ..policy.decide import decide
from ..policy.hosts import host_of_url
from ..policy.loader import load_registry, validate_directory
from ..policy.model import DomainPolicy, Registry
from .base import ToolingError


def validate(directory: str | os.PathLike[str], today: date) -> list[Problem]:
    """Every problem in the registry, as ``file: field: message`` problems."""
    return validate_directory(Path(directory), today=today)


def load(directory: str | os.PathLike[str], today: date) -> Registry:
    """The registry, or a one-line error pointing to ``policy validate``."""
    try:
        return load_registry(Path(directory), today=today)
    except PolicyError as exc:
        n = len(exc.problems)
        first = exc.problems[0] if exc.problems else "?"
        raise ToolingError(
            f"the policy registry in {directory} is invalid ({n} problem{'' if n == 1 else 's'}, "
            f"first: {first}); run `compliant-scraper policy validate {directory}`"
        ) from None


@dataclass(frozen=True)
class Verdict:
    url: str
    allowed: bool
    host: str
    rule: str
    reason: str
    policy: DomainPolicy | None

    def lines(self) -> list[str]:
        p = self.policy
        lines = [
            f"{'ALLOWED' if self.allowed else 'REFUSED'}: {self.url}",
            f"  host:        {self.host or '-'}",
            f"  policy file: {p.file if p else '(none)'}",
        ]
        if p is not None:
            lines += [
                f"  extraction:  {p.extraction}",
                f"  reason:      {p.reason}",
                f"  clause:      {p.clause or '-'}",
                f"  terms:       {p.terms_url}",
                f"  reviewed:    {p.reviewed_on.isoformat()} by {p.reviewed_by}",
                f"  review due:  {p.review_due.isoformat()}",
            ]
        if not self.allowed:
            lines.append(f"  refused:     {self.reason} ({self.rule})")
        return lines


def check(registry: Registry, url: str, purpose: str | None, today: date) -> Verdict:
    """What the gate would decide for ``url`` (and ``purpose``) today."""
    if purpose is not None and purpose not in registry.purposes:
        known = ", ".join(sorted(registry.purposes)) or "(none defined)"
        raise ToolingError(f"--purpose: {purpose!r} is not a defined purpose ({known})")
    d = decide(registry, url, purpose=purpose, today=today)
    return Verdict(url, d.allowed, d.host, d.rule, d.reason, d.policy)


@dataclass(frozen=True)
class PolicyRow:
    domain: str
    file: str
    extraction: str
    reviewed_on: date
    review_due: date
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def listing(
    registry: Registry, today: date, *, overdue: bool = False, due_within: int | None = None
) -> list[PolicyRow]:
    """Policies by review due date (overdue first); filtered to overdue and/or due soon."""
    if due_within is not None and due_within < 0:
        raise ToolingError(f"--due-within: expected a number of days >= 0, got {due_within}")
    rows = [
        PolicyRow(
            p.domain,
            p.file,
            p.extraction,
            p.reviewed_on,
            p.review_due,
            (p.review_due - today).days,
        )
        for p in registry.policies
    ]
    if overdue or due_within is not None:
        limit = today + timedelta(days=due_within or 0)
        rows = [
            r
            for r in rows
            if (overdue and r.overdue) or (due_within is not None and r.review_due <= limit)
        ]
    return sorted(rows, key=lambda r: (r.review_due, r.domain))


def domain_of(url: str | None) -> str | None:
    """The normalised host of ``url`` (what a policy's ``domain`` holds), or None."""
    if not url:
        return None
    try:
        return host_of_url(url)
    except ValueError:
        return None
