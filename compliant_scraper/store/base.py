"""The interface between the compliance components and wherever their state lives.

Middlewares and pipelines talk to a ``ComplianceStore`` only, so a shared backend for a
multi-machine crawl (see DESIGN.md, scale path) can be added without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from ..records import Drop, PolicySnapshot, Refusal, RobotsSnapshot


class ComplianceStore(Protocol):
    def start_run(self, run_id: str, spider: str, purpose: str, started_at: str) -> None: ...

    def finish_run(
        self, run_id: str, finished_at: str, reason: str, stats: Mapping[str, Any]
    ) -> None: ...

    def record_policy_snapshots(self, run_id: str, snapshots: Iterable[PolicySnapshot]) -> None: ...

    def record_robots_snapshot(self, snapshot: RobotsSnapshot) -> None: ...

    def record_refusal(self, refusal: Refusal) -> None: ...

    def record_drop(self, drop: Drop) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...
