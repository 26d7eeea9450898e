"""Cluster mode's policy registry: loaded from the store by sha256, switched while crawling.

``compliant-scraper cluster publish DIR`` stores a validated registry in the shared store
under its sha256 and announces that sha256 in Redis (``cluster.registry``). A worker never
reads ``COMPLIANCE_POLICY_DIR``: it starts with the announced registry (none announced, or
one it cannot load: it refuses to start), and before every decision it compares the
announced version with the one in force. When they differ it switches there and then:

1. reads the registry's files from the store and checks their sha256 against the
   announcement (a forged announcement can name only a registry that was published);
2. writes them into a folder of its own and validates them with ``load_registry``, on the
   day of the switch, then resolves the crawl's purpose in it;
3. puts it in force (``CrawlFacts.switch``), records the run's ``policy_snapshots`` of it and
   a ``registry_switches`` row, and counts ``compliance/cluster/registry/switched``.

While a switch cannot complete (the store or Redis does not answer, the files do not match,
the registry is invalid, the crawl's purpose is missing from it or is defined differently:
a purpose change needs new workers) every request is refused (R2), with the reason, and the
switch is tried again on the next request. Nothing is ever judged with a registry other than
the announced one once the worker has seen the announcement.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import utcnow
from ..cluster.registry import Announcement, RegistryAnnouncer
from ..errors import ComplianceConfigError
from ..law import check_purpose_allowed
from ..policy.loader import load_registry
from ..policy.model import Purpose, Registry
from ..policy.published import materialise, registry_sha256
from . import meta

if TYPE_CHECKING:
    from datetime import date

    from ..store.base import ComplianceStore
    from .facts import CrawlFacts

logger = logging.getLogger(__name__)

PUBLISH_HINT = "compliant-scraper cluster publish DIR (docs/cluster.md)"
CHECK_EVERY = 0.1
"""Seconds between two reads of the announcement: each is a Redis round trip (1.5 ms here on
a loaded machine, against 70 us for the whole gate), and the gate and the last check ask for
every request. ``cluster publish`` returns only once every live worker's heartbeat names the
new registry, so from then on no decision uses the old one, whatever this interval."""


class SwitchError(Exception):
    """Why the announced registry cannot be put in force (the sentence of the refusals)."""


@dataclass
class LoadedRegistry:
    announcement: Announcement
    registry: Registry
    purpose: Purpose


def announced(announcer: RegistryAnnouncer, crawl_id: str) -> Announcement:
    """The crawl's announced registry; ``SwitchError`` when none is, or it does not parse."""
    try:
        found = announcer.current()
    except ValueError as exc:
        raise SwitchError(str(exc)) from None
    except Exception as exc:  # Redis down or refusing: fail closed
        raise SwitchError(f"cannot read the announced policy registry from Redis: {exc}") from None
    if found is None:
        raise SwitchError(
            f"no policy registry is published for crawl {crawl_id!r}: publish one with "
            f"{PUBLISH_HINT}; in cluster mode COMPLIANCE_POLICY_DIR is not read"
        )
    return found


def load_announced(
    store: ComplianceStore,
    announcement: Announcement,
    purpose_name: str | None,
    today: date,
    folder: Path,
    resolve: Callable[[Registry, str | None], Purpose],
) -> LoadedRegistry:
    """The registry ``announcement`` names, from the store, validated; ``SwitchError``."""
    sha = announcement.sha256
    try:
        files = store.registry_files(sha)
    except Exception as exc:
        raise SwitchError(f"cannot read registry {sha} from the store: {exc}") from None
    if files is None:
        raise SwitchError(f"registry {sha} is announced but was never published to this store")
    if registry_sha256(files) != sha:
        raise SwitchError(f"the files the store holds for registry {sha} do not have that sha256")
    target = folder / f"v{announcement.version}-{sha[:12]}"
    shutil.rmtree(target, ignore_errors=True)
    try:
        materialise(files, target)
        registry = load_registry(target, today=today)
        purpose = resolve(registry, purpose_name)
        check_purpose_allowed(purpose, today)
    except (ComplianceConfigError, ValueError, OSError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        text = " ".join(str(exc).replace(str(target), f"registry {sha[:12]}").split())
        raise SwitchError(f"registry {sha} (version {announcement.version}): {text}") from None
    return LoadedRegistry(announcement, registry, purpose)


@dataclass
class RegistrySwitch:
    """Keeps the worker's registry in step with the announcement (see the module doc)."""

    announcer: RegistryAnnouncer
    crawl_id: str
    store: ComplianceStore
    facts: CrawlFacts
    folder: Path
    resolve: Callable[[Registry, str | None], Purpose]
    inc_stat: Callable[[str], None] = lambda key: None
    version: int = 0
    failing: str | None = None  # the reason while a switch cannot complete
    every: float = CHECK_EVERY
    clock: Callable[[], float] = time.monotonic
    _failed_version: int = field(default=0, repr=False)
    _checked_at: float | None = field(default=None, repr=False)

    @staticmethod
    def new_folder() -> Path:
        """A private folder for the registries this worker loads (removed at close)."""
        return Path(tempfile.mkdtemp(prefix="compliance-registry-"))

    @classmethod
    def start(
        cls,
        announcer: RegistryAnnouncer,
        crawl_id: str,
        store: ComplianceStore,
        purpose_name: str | None,
        today: date,
        resolve: Callable[[Registry, str | None], Purpose],
    ) -> tuple[LoadedRegistry, Path]:
        """The registry to start with; ``ComplianceConfigError`` when there is none to load."""
        folder = cls.new_folder()
        try:
            loaded = load_announced(
                store, announced(announcer, crawl_id), purpose_name, today, folder, resolve
            )
        except SwitchError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise ComplianceConfigError(f"cluster mode refuses to start: {exc}") from None
        return loaded, folder

    def started(self, loaded: LoadedRegistry) -> None:
        """Record the registry the run starts with (a switch from nothing)."""
        self.version = loaded.announcement.version
        self.store.record_registry_switch(
            self.facts.run_id, self.facts.now(), self.version, "", loaded.announcement.sha256
        )

    def check(self) -> str | None:
        """None when the announced registry is in force (switching to it first if needed);
        otherwise why every request is refused now. Reads the announcement at most every
        ``every`` seconds (``CHECK_EVERY``); a failed switch is tried again at that pace."""
        now = self.clock()
        if self._checked_at is not None and now - self._checked_at < self.every:
            return self.failing
        self._checked_at = now
        try:
            announcement = announced(self.announcer, self.crawl_id)
        except SwitchError as exc:
            return self._failed(0, str(exc))
        if announcement.version == self.version:
            self.failing = None
            return None
        return self._switch(announcement)

    @property
    def switching(self) -> bool:
        return self.failing is not None

    def _switch(self, announcement: Announcement) -> str | None:
        facts = self.facts
        try:
            loaded = load_announced(
                self.store,
                announcement,
                facts.purpose.name,
                facts.day(),
                self.folder,
                self.resolve,
            )
            if loaded.purpose != facts.purpose:
                raise SwitchError(
                    f"registry {announcement.sha256} (version {announcement.version}) defines "
                    f"the purpose {facts.purpose.name!r} differently from the one this worker "
                    "started with: a purpose changes with new workers, not during a crawl"
                )
        except SwitchError as exc:
            return self._failed(announcement.version, str(exc))
        previous = facts.registry_sha256
        facts.switch(loaded.registry, loaded.purpose, announcement.sha256)
        self.version = announcement.version
        self.failing = None
        self.store.record_policy_snapshots(facts.run_id, loaded.registry.snapshots())
        self.store.record_registry_switch(
            facts.run_id, utcnow(), announcement.version, previous, announcement.sha256
        )
        self.inc_stat(meta.CLUSTER_REGISTRY_SWITCHED)
        logger.info(
            "Switched to policy registry %s (version %d, published by %s at %s): %d domain "
            "policies",
            announcement.sha256,
            announcement.version,
            announcement.published_by,
            announcement.published_at,
            len(loaded.registry.policies),
        )
        return None

    def _failed(self, version: int, reason: str) -> str:
        text = f"the policy registry is switching and cannot be put in force: {reason}"
        if self.failing is None or version != self._failed_version:
            logger.error("Every request is refused until this is fixed: %s", text)
            self.inc_stat(meta.CLUSTER_REGISTRY_SWITCH_FAILED)
        self.failing, self._failed_version = text, version
        return text

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
