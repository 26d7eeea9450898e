"""Feeds are exports (issue 14 item 4; issue 10 item 11 for their CSV cells).

A Scrapy feed (``-o``/``-O``, ``FEEDS``) receives what the compliance pipeline hands on: it
is an export of personal data, and is governed like one.

- **Recorded.** When a feed slot closes, its URI, format, purpose, row count and sha256 are
  recorded in ``exports`` (recipient ``feed`` for a local file or standard output, else the
  feed's declared recipient), its rows in ``export_rows`` and an ``export`` event in the audit
  log, so notices, erasure and the register know of it. The sha256 is that of the file on
  disk for a local feed (what an amendment checks before rewriting it), else that of the
  bytes the exporter wrote.
- **Owner-only.** Local feed files are created (or, appended to, narrowed to) mode 0600.
- **Flat, typed provenance.** Every row, in every format, carries the provenance as plain
  fields (``PROVENANCE_FIELDS``: ``source_url``, ``retrieved_at``, ``policy_file``,
  ``policy_sha256``, ``robots_sha256``, ...), never a Python repr. ``FEED_EXPORT_FIELDS``
  cannot leave them out: they are appended when missing (R5: the source travels with the data).
- **CSV cells** a spreadsheet would run are written as text (``values.spreadsheet``).
- **Remote feeds** (s3, gs, ftp, ...) are refused at start unless the feed's options name a
  ``recipient`` declared in ``recipients.toml`` that may receive the purpose, as for any
  export (R10, R11).
- **Fail closed.** A feed whose exporter or storage is not one of these (a project's own
  ``FEED_EXPORTERS`` or ``FEED_STORAGES`` entry) stops the crawl at start, naming the setting;
  a replacement must subclass them.

``feed_ledger.py`` records each closed slot. Rows are matched to stored contacts when the
slot closes, by the keys the store recognises a contact by (``store.contacts.dedupe_keys``),
so ``export_rows`` lists them; the crawl's writer is flushed first. Rejected: a contact id in
each row (the crawl's writer batches, so the id is not known when the row is written, and a
database id is not the user's data).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlparse

from itemadapter import ItemAdapter
from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    MarshalItemExporter,
    PickleItemExporter,
    XmlItemExporter,
)
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.utils.misc import load_object

from ..errors import ComplianceConfigError
from ..policy.model import Purpose, Registry
from ..policy.recipients import recipient_refusal
from ..provenance import ITEM_KEY, Provenance
from ..store.contacts import dedupe_keys
from ..values.spreadsheet import neutralise_cell
from .items import provenance_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.spiders import Spider

logger = logging.getLogger(__name__)

PROVENANCE_FIELDS: Final = (
    "source_url",
    "retrieved_at",
    "spider",
    "run_id",
    "policy_file",
    "policy_sha256",
    "robots_sha256",
    "method",
)
LOCAL_SCHEMES: Final = ("", "file")
STDOUT: Final = "stdout"


def flat_provenance(provenance: Provenance | None) -> dict[str, str]:
    """The provenance as the feed fields ``PROVENANCE_FIELDS`` (empty strings when none)."""
    if provenance is None:
        return dict.fromkeys(PROVENANCE_FIELDS, "")
    return {name: str(getattr(provenance, name)) for name in PROVENANCE_FIELDS}


@dataclass
class Tally:
    """What one feed slot's exporter wrote: rows, their contact keys, a digest of the bytes."""

    count: int = 0
    keys: list[list[str]] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)


class _Hashing(io.RawIOBase):
    """The exporter's file, hashing what passes through; closing it leaves the file open
    (the feed storage closes it)."""

    def __init__(self, file: Any, digest: Any) -> None:
        super().__init__()
        self.file = file
        self.digest = digest

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self.file.write(chunk)
        return len(chunk)

    def flush(self) -> None:
        if not self.closed:
            self.file.flush()


def _with_provenance(fields: Any) -> Any:
    """``fields_to_export`` without ``provenance`` and with every provenance field."""
    if fields is None:
        return None
    if isinstance(fields, Mapping):
        kept = {k: v for k, v in fields.items() if k != ITEM_KEY}
        return {**kept, **{n: n for n in PROVENANCE_FIELDS if n not in kept}}
    kept_list = [f for f in fields if f != ITEM_KEY]
    return [*kept_list, *(n for n in PROVENANCE_FIELDS if n not in kept_list)]


class FeedRows:
    """Mixin of every feed exporter the add-on installs: flat provenance, a tally."""

    fields_to_export: Any
    feed_tally: Tally

    @classmethod
    def from_crawler(cls, crawler: Crawler, file: Any, *args: Any, **kwargs: Any) -> Any:
        tally = Tally()
        build: Any = cls
        exporter = build(_Hashing(file, tally.digest), *args, **kwargs)
        exporter.feed_tally = tally
        exporter.fields_to_export = _with_provenance(exporter.fields_to_export)
        return exporter

    def export_item(self, item: Any) -> Any:
        tally = getattr(self, "feed_tally", None)
        if tally is not None:
            tally.count += 1
            tally.keys.append(dedupe_keys(dict(ItemAdapter(item).items())))
        return super().export_item(item)  # type: ignore[misc]

    def get_serialized_fields(
        self, item: Any, default_value: Any = None, include_empty: bool | None = None
    ) -> Iterable[tuple[str, Any]]:
        flat = flat_provenance(provenance_of(item))
        done = set()
        parent: Any = super()
        for name, value in parent.get_serialized_fields(item, default_value, include_empty):
            if name == ITEM_KEY:
                continue
            done.add(name)
            yield name, flat.get(name, value) if name in flat else value
        for name in PROVENANCE_FIELDS:  # whatever fields_to_export and include_empty say
            if name not in done:
                yield name, flat[name]


class FeedCsvExporter(FeedRows, CsvItemExporter):
    def _write_headers_and_set_fields_to_export(self, item: Any) -> None:
        if self.include_headers_line and not self.fields_to_export:
            self.fields_to_export = _with_provenance(list(ItemAdapter(item).field_names()))
            self._autodetected_fields = True
        super()._write_headers_and_set_fields_to_export(item)

    def _build_row(self, values: Iterable[Any]) -> Iterable[Any]:
        for value in super()._build_row(values):
            yield neutralise_cell(value) if isinstance(value, str) else value


class FeedJsonExporter(FeedRows, JsonItemExporter):
    pass


class FeedJsonLinesExporter(FeedRows, JsonLinesItemExporter):
    pass


class FeedXmlExporter(FeedRows, XmlItemExporter):
    pass


class FeedPickleExporter(FeedRows, PickleItemExporter):
    pass


class FeedMarshalExporter(FeedRows, MarshalItemExporter):
    pass


EXPORTERS: Final = {
    "json": FeedJsonExporter,
    "jsonlines": FeedJsonLinesExporter,
    "jsonl": FeedJsonLinesExporter,
    "jl": FeedJsonLinesExporter,
    "csv": FeedCsvExporter,
    "xml": FeedXmlExporter,
    "marshal": FeedMarshalExporter,
    "pickle": FeedPickleExporter,
}


class OwnerOnlyFileFeedStorage(FileFeedStorage):
    """A local feed file, created owner-only (0600), and narrowed to it when appended to."""

    def open(self, spider: Spider) -> Any:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        append = self.write_mode == "ab"
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        fd = os.open(path, flags, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, self.write_mode)


STORAGE: Final = f"{__name__}.OwnerOnlyFileFeedStorage"


def install(settings: BaseSettings) -> None:
    """The add-on's settings: our exporters and the owner-only local storage, by default."""
    for setting, ours in (
        ("FEED_EXPORTERS", {k: f"{__name__}.{v.__name__}" for k, v in EXPORTERS.items()}),
        ("FEED_STORAGES", dict.fromkeys(LOCAL_SCHEMES, STORAGE)),
    ):
        current = settings.getdict(setting)
        priority = max(settings.getpriority(setting) or 0, 15)  # 15: "addon"
        settings.set(setting, {**ours, **current}, priority=priority)


def check_feeds(settings: BaseSettings, registry: Registry, purpose: Purpose) -> None:
    """Before any request: every feed's exporter and storage are ours, and a remote feed's
    recipient may receive the purpose; else ``ComplianceConfigError`` naming the feed."""
    feeds = settings.getdict("FEEDS")
    if not feeds:
        return
    exporters = settings.getwithbase("FEED_EXPORTERS")
    storages = settings.getwithbase("FEED_STORAGES")
    for uri, options in feeds.items():
        options = options or {}
        where = f"feed {uri}"
        fmt = options.get("format") or Path(urlparse(str(uri)).path).suffix.lstrip(".")
        exporter = exporters.get(fmt)
        if exporter is not None and not issubclass(_load(exporter), FeedRows):
            raise ComplianceConfigError(
                f"{where}: FEED_EXPORTERS[{fmt!r}] = {exporter!r} does not write the provenance "
                "as fields nor neutralise CSV cells: use the add-on's exporter or subclass "
                f"{__name__}.FeedRows (R5)"
            )
        scheme = urlparse(str(uri)).scheme
        if len(scheme) == 1:  # a Windows drive letter
            scheme = ""
        if scheme in LOCAL_SCHEMES:
            storage = storages.get(scheme)
            if storage is not None and not issubclass(_load(storage), OwnerOnlyFileFeedStorage):
                raise ComplianceConfigError(
                    f"{where}: FEED_STORAGES[{scheme!r}] = {storage!r} does not create feed "
                    f"files owner-only: use {STORAGE} or a subclass"
                )
        if scheme in (*LOCAL_SCHEMES, STDOUT):
            continue
        key = options.get("recipient")
        if not key:
            raise ComplianceConfigError(
                f"{where}: a feed to a remote URI ({scheme}) is an export to someone else: name "
                "its recipient in the feed's options ({'recipient': 'KEY'}), a key of "
                "recipients.toml allowed this purpose (R10, R11)"
            )
        why = recipient_refusal(registry, purpose, str(key))
        if why is not None:
            raise ComplianceConfigError(f"{where}: {why}")


def _load(path: Any) -> type:
    found = load_object(path) if isinstance(path, str) else path
    return found if isinstance(found, type) else type(found)
