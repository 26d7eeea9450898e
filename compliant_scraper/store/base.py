"""The interface between the crawl's components and wherever their state lives.

Middlewares and pipelines talk to a ``ComplianceStore`` only, never to a database: a shared
backend for a multi-machine crawl (DESIGN.md, scale path) implements this protocol with the
same query modules over its own ``backend.Db``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import StoreWriteError
from ..records import Drop, PolicySnapshot, Refusal, RobotsSnapshot

if TYPE_CHECKING:
    from ..policy.model import Purpose
    from ..provenance import Provenance
    from .screening import Screening


class ContactSink(Protocol):
    """Where screened contacts go: de-duplicated, with one source row per URL."""

    def save(
        self, contact: Mapping[str, Any], provenance: Provenance, fields: list[str]
    ) -> object: ...

    def page_answered(self, url: str, status: int, at: str) -> None: ...

    def page_failed(self, url: str) -> None: ...

    def close_pages(self, run_id: str, at: str) -> None: ...

    def flush(self) -> None: ...


class ComplianceStore(Protocol):
    """The crawl's store. Refusals, drops and contacts are queued and committed together in
    batches bounded by count and time; ``flush_due`` is called once a second. A batch that
    cannot be written sets ``failure`` and calls ``on_failure`` once (the crawl stops);
    ``stored_contacts`` counts only committed saves, ``suppressed_at_store`` the contacts
    the in-transaction suppression check refused (issue 10 items 6-8)."""

    failure: StoreWriteError | None
    on_failure: Callable[[StoreWriteError], None] | None
    stored_contacts: int
    suppressed_at_store: int

    def start_run(self, run_id: str, spider: str, purpose: str, started_at: str) -> None: ...

    def finish_run(
        self, run_id: str, finished_at: str, reason: str, stats: Mapping[str, Any]
    ) -> None: ...

    def record_policy_snapshots(self, run_id: str, snapshots: Iterable[PolicySnapshot]) -> None: ...

    def record_robots_snapshot(self, snapshot: RobotsSnapshot) -> None: ...

    def registry_files(self, sha256: str) -> dict[str, bytes] | None: ...

    def record_registry_switch(
        self, run_id: str, at: str, version: int, from_sha256: str, to_sha256: str
    ) -> None: ...

    def record_refusal(self, refusal: Refusal) -> None: ...

    def record_drop(self, drop: Drop) -> None: ...

    def contact_writer(self, purpose: str, legal_basis: str) -> ContactSink: ...

    def open_screening(
        self, purpose: Purpose, today: date, key_file: str | os.PathLike[str], default_region: str
    ) -> Screening: ...

    def flush(self) -> None: ...

    def flush_due(self) -> None: ...

    def close(self) -> None: ...
