"""Start-up check: a phone purpose needs a fresh enough opposition list (R7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..context import ComplianceContext


def check_opposition_ready(ctx: ComplianceContext) -> None:
    """Raise ComplianceConfigError when the purpose's opposition list is missing or too old.

    Placeholder until the opposition-list module lands (issue 4, section 6).
    """
    return None
