"""Each closed feed slot recorded as an export (issue 14 item 4; see ``feeds.py``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from scrapy import signals

from ..clock import utcnow
from ..hashing import sha256_hex
from ..policy.recipients import FEED
from ..store import audit_log, contacts, exports
from ..store.backend import Db
from ..store.database import open_database
from ..store.transaction import transaction
from .context import ComplianceContext
from .feeds import STDOUT, Tally

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class FeedRecorder:
    """Records each closed feed slot as an export."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.feed_slot_closed, signal=signals.feed_slot_closed)

    def feed_slot_closed(self, slot: Any) -> None:
        ctx = ComplianceContext.current(self.crawler)
        tally: Tally | None = getattr(slot.exporter, "feed_tally", None)
        if ctx is None or tally is None:
            return
        try:
            ctx.store.flush()  # a batch slot closes mid-crawl: its contacts must be stored
        except Exception:
            logger.debug("store already closed when feed %s closed", slot.uri)
        record_feed(ctx, slot.uri, slot.format, dict(slot.feed_options or {}), tally)


def local_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(parsed.path)
    if parsed.scheme in ("",) or len(parsed.scheme) == 1:
        return Path(uri).absolute()
    return None


def _open_store_db(ctx: ComplianceContext) -> Db:
    """A connection of its own to the crawl's store: the cluster's PostgreSQL store in
    cluster mode (every worker's feeds in the one store erasure and the audit read), else
    the SQLite file."""
    config = ctx.facts.config
    if config.store_url is not None:
        from ..store.postgres import open_postgres

        return open_postgres(config.store_url)
    return open_database(config.db_path, audit_key_file=config.audit_key_file)


def record_feed(
    ctx: ComplianceContext, uri: str, fmt: str, options: Mapping[str, Any], tally: Tally
) -> int:
    """Record one feed as an export; its id."""
    path = local_path(uri)
    if path is not None and path.is_file():
        sha = sha256_hex(path.read_bytes())
    else:
        sha = tally.digest.hexdigest()
    recipient = str(options.get("recipient") or FEED)
    purpose = ctx.facts.purpose.name
    stored = str(path) if path is not None else (None if uri.startswith(STDOUT) else uri)
    db = _open_store_db(ctx)
    try:
        ids = contacts.ids_by_keys(db, purpose, tally.keys)
        found = sorted({i for i in ids if i is not None})
        with transaction(db):
            export_id = exports.add(
                db,
                utcnow(),
                purpose=purpose,
                fmt=fmt,
                recipient=recipient,
                path=stored,
                count=tally.count,
                file_sha256=sha,
                opposition_lists=[],
                contact_ids=found,
            )
            audit_log.append(
                db,
                "export",
                {
                    "export_id": export_id,
                    "purpose": purpose,
                    "format": fmt,
                    "recipient": recipient,
                    "feed": uri,
                    "run_id": ctx.facts.run_id,
                    "count": tally.count,
                    "file_sha256": sha,
                    "unmatched_rows": sum(1 for i in ids if i is None),
                },
            )
    finally:
        db.close()
    logger.info(
        "Feed %s recorded as export %d (%d rows, recipient %s, sha256 %s)",
        uri,
        export_id,
        tally.count,
        recipient,
        sha,
    )
    return export_id
