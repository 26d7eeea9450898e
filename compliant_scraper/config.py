"""Every ``COMPLIANCE_*`` setting, its default, and their parsing into one frozen ``Config``.

All defaults live in ``DEFAULTS``; docs/settings.md documents each one.

Relative paths (``COMPLIANCE_DB``, ``COMPLIANCE_POLICY_DIR``, ``COMPLIANCE_KEY_FILE``) are
read against the Scrapy project root, the folder holding ``scrapy.cfg`` (``project_root``),
never against the current folder: ``cd acme/spiders && scrapy crawl people`` and
``compliant-scraper ...`` run from anywhere in the project use the one database, registry
and key. Outside a project (no ``scrapy.cfg`` above the current folder) the current folder
is the root. Rejected: the current folder, which is what made a crawl started from a
subfolder create a fresh database and key and collect an objector again (issue 9).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .errors import ComplianceConfigError

if TYPE_CHECKING:  # a type only: the command line reads DEFAULTS without loading Scrapy
    from scrapy.settings import BaseSettings

DEFAULTS: Final[dict[str, Any]] = {
    "COMPLIANCE_POLICY_DIR": "policies",
    "COMPLIANCE_DB": "compliance.db",
    "COMPLIANCE_PURPOSE": None,
    "COMPLIANCE_DEFAULT_REGION": "FR",
    "COMPLIANCE_KEY_FILE": None,
    "COMPLIANCE_ROBOTS_CACHE_SECONDS": 86400,
    "COMPLIANCE_ROBOTS_ERROR_CACHE_SECONDS": 3600,
    "COMPLIANCE_ROBOTS_MAX_BYTES": 500 * 1024,
    "COMPLIANCE_ROBOTS_MAX_REDIRECTS": 5,
    "COMPLIANCE_WRITE_BATCH_SIZE": 2000,
    "COMPLIANCE_WRITE_BATCH_SECONDS": 1.0,
    # The SQLite store's batches written on a thread of their own (store/writer_thread.py).
    "COMPLIANCE_WRITE_THREAD": False,
    "COMPLIANCE_DB_BUSY_TIMEOUT": 30.0,
    "COMPLIANCE_AUDIT_KEY_FILE": None,
    # Days drops and refusals rows are kept: their URLs can name people (issue 13, R9).
    "COMPLIANCE_RECORDS_RETENTION_DAYS": 365,
    # Scrapy's HTTP cache may run only with this opt-in (crawl/httpcache.py).
    "COMPLIANCE_ALLOW_HTTPCACHE": False,
    # Cluster mode (docs/cluster.md); parsed by compliant_scraper.cluster.config.
    "COMPLIANCE_STORE_URL": None,
    "COMPLIANCE_CLUSTER_REDIS_URL": None,
    "COMPLIANCE_CRAWL_ID": None,
    "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": 1.0,
    "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS": 10.0,
    # Bounds of one page's extraction (docs/extraction.md, "Bounds").
    "COMPLIANCE_EXTRACT_MAX_DEPTH": 32,
    "COMPLIANCE_EXTRACT_MAX_ITEMS": 2000,
    "COMPLIANCE_EXTRACT_MAX_SECONDS": 5.0,
}


PREFIX: Final = "COMPLIANCE_"


@dataclass(frozen=True)
class Config:
    policy_dir: Path
    db_path: Path
    store_url: str | None  # a PostgreSQL store (cluster mode) instead of the file db_path
    purpose: str | None
    default_region: str
    key_file: Path
    robots_cache_seconds: float
    robots_error_cache_seconds: float
    robots_max_bytes: int
    robots_max_redirects: int
    write_batch_size: int
    records_retention_days: int
    extract_max_depth: int
    extract_max_items: int
    extract_max_seconds: float
    write_batch_seconds: float = 1.0
    db_busy_timeout: float = 30.0
    audit_key_file: Path | None = None  # None: store.audit_log.default_key_file
    write_thread: bool = False

    @classmethod
    def from_settings(cls, settings: BaseSettings, root: Path | None = None) -> Config:
        """``settings`` parsed; relative paths read against ``root`` (the project root)."""
        check_known(settings)
        base = project_root() if root is None else root

        def get(name: str) -> Any:
            value = settings.get(name)
            return DEFAULTS[name] if value is None else value

        def positive_number(name: str) -> float:
            raw = get(name)
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise ComplianceConfigError(f"{name}: expected a number, got {raw!r}") from None
            if value <= 0:
                raise ComplianceConfigError(f"{name}: must be positive, got {raw!r}")
            return value

        def boolean(name: str) -> bool:
            try:
                return settings.getbool(name, DEFAULTS[name])
            except ValueError:
                raise ComplianceConfigError(
                    f"{name}: expected True or False, got {settings.get(name)!r}"
                ) from None

        db_path = resolve(get("COMPLIANCE_DB"), base)
        key_file = get("COMPLIANCE_KEY_FILE")
        audit_key = get("COMPLIANCE_AUDIT_KEY_FILE")
        audit_key_file = resolve(audit_key, base) if audit_key else None
        region = str(get("COMPLIANCE_DEFAULT_REGION")).upper()
        if len(region) != 2 or not region.isalpha():
            raise ComplianceConfigError(
                f"COMPLIANCE_DEFAULT_REGION: expected a two-letter country code, got {region!r}"
            )
        purpose = settings.get("COMPLIANCE_PURPOSE")
        store_url = str(get("COMPLIANCE_STORE_URL") or "").strip() or None
        if store_url is not None:
            if not is_store_url(store_url):
                raise ComplianceConfigError(
                    "COMPLIANCE_STORE_URL: expected postgresql://USER:PASSWORD@HOST:PORT/DB "
                    "(unset it to use the SQLite file COMPLIANCE_DB)"
                )
            if not key_file:
                raise ComplianceConfigError(
                    "COMPLIANCE_KEY_FILE is not set: with a PostgreSQL store every machine "
                    "keeps the same suppression key file (copied, mode 0600) and names it; "
                    "a key made up beside one worker would not recognise anyone (R8)"
                )
        return cls(
            policy_dir=resolve(get("COMPLIANCE_POLICY_DIR"), base),
            db_path=db_path,
            store_url=store_url,
            purpose=str(purpose) if purpose else None,
            default_region=region,
            key_file=resolve(key_file, base) if key_file else default_key_file(db_path),
            robots_cache_seconds=positive_number("COMPLIANCE_ROBOTS_CACHE_SECONDS"),
            robots_error_cache_seconds=positive_number("COMPLIANCE_ROBOTS_ERROR_CACHE_SECONDS"),
            robots_max_bytes=int(positive_number("COMPLIANCE_ROBOTS_MAX_BYTES")),
            robots_max_redirects=int(get("COMPLIANCE_ROBOTS_MAX_REDIRECTS")),
            write_batch_size=int(positive_number("COMPLIANCE_WRITE_BATCH_SIZE")),
            records_retention_days=int(positive_number("COMPLIANCE_RECORDS_RETENTION_DAYS")),
            extract_max_depth=int(positive_number("COMPLIANCE_EXTRACT_MAX_DEPTH")),
            extract_max_items=int(positive_number("COMPLIANCE_EXTRACT_MAX_ITEMS")),
            extract_max_seconds=positive_number("COMPLIANCE_EXTRACT_MAX_SECONDS"),
            write_batch_seconds=positive_number("COMPLIANCE_WRITE_BATCH_SECONDS"),
            db_busy_timeout=positive_number("COMPLIANCE_DB_BUSY_TIMEOUT"),
            audit_key_file=audit_key_file,
            write_thread=boolean("COMPLIANCE_WRITE_THREAD"),
        )


STORE_URL_SCHEMES: Final = ("postgresql://", "postgres://")


def is_store_url(text: str) -> bool:
    """Whether ``text`` names a PostgreSQL store rather than a SQLite file."""
    return text.strip().lower().startswith(STORE_URL_SCHEMES)


def default_key_file(db_path: Path) -> Path:
    """The suppression-list key lives beside the database, never in it (R8)."""
    return db_path.with_name(db_path.name + ".key")


def check_known(settings: BaseSettings) -> None:
    """A ``COMPLIANCE_*`` setting this package does not know is an error (a typo would
    otherwise leave a protection at its default without a word), with a did-you-mean."""
    problems = []
    for name in sorted(n for n in settings if n.startswith(PREFIX) and n not in DEFAULTS):
        close = difflib.get_close_matches(name, DEFAULTS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(f"{name}: unknown setting{hint}")
    if problems:
        raise ComplianceConfigError(
            "; ".join(problems) + "; the settings are listed in docs/settings.md"
        )


def project_root(start: Path | None = None) -> Path:
    """The folder holding the ``scrapy.cfg`` nearest above ``start`` (default: the current
    folder), or ``start`` itself when there is none: what relative paths are read against."""
    cfg = closest_scrapy_cfg(start)
    return cfg.parent if cfg is not None else (Path.cwd() if start is None else start).resolve()


def closest_scrapy_cfg(start: Path | None = None) -> Path | None:
    """The ``scrapy.cfg`` in ``start`` or the nearest folder above it, as Scrapy looks for it
    (``scrapy.utils.conf.closest_scrapy_cfg``), without loading Scrapy."""
    here = (Path.cwd() if start is None else start).resolve()
    for folder in (here, *here.parents):
        if (folder / "scrapy.cfg").is_file():
            return folder / "scrapy.cfg"
    return None


def resolve(value: Any, root: Path) -> Path:
    """``value`` as an absolute path, a relative one read against ``root``."""
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else (root / path).absolute()


ENVIRONMENT: Final = ("COMPLIANCE_DB", "COMPLIANCE_POLICY_DIR")
"""Settings an environment variable of the same name sets, for the crawl and the CLI alike."""

ENVIRONMENT_PRIORITY: Final = 35
"""Above the project's and the spider's settings (20, 30), below ``-s`` (cmdline, 40)."""


def apply_environment(settings: BaseSettings, environ: Mapping[str, str]) -> list[str]:
    """Set each ``ENVIRONMENT`` setting found in ``environ``; the names that were set."""
    found = [name for name in ENVIRONMENT if environ.get(name)]
    for name in found:
        settings.set(name, environ[name], priority=ENVIRONMENT_PRIORITY)
    return found
