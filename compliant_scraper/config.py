"""Every ``COMPLIANCE_*`` setting, its default, and their parsing into one frozen ``Config``.

All defaults live in ``DEFAULTS``; docs/settings.md documents each one.
"""

from __future__ import annotations

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
    "COMPLIANCE_DB_BUSY_TIMEOUT": 30.0,
    # Days drops and refusals rows are kept: their URLs can name people (issue 13, R9).
    "COMPLIANCE_RECORDS_RETENTION_DAYS": 365,
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


@dataclass(frozen=True)
class Config:
    policy_dir: Path
    db_path: Path
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

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Config:
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

        db_path = Path(str(get("COMPLIANCE_DB")))
        key_file = get("COMPLIANCE_KEY_FILE")
        region = str(get("COMPLIANCE_DEFAULT_REGION")).upper()
        if len(region) != 2 or not region.isalpha():
            raise ComplianceConfigError(
                f"COMPLIANCE_DEFAULT_REGION: expected a two-letter country code, got {region!r}"
            )
        purpose = settings.get("COMPLIANCE_PURPOSE")
        return cls(
            policy_dir=Path(str(get("COMPLIANCE_POLICY_DIR"))),
            db_path=db_path,
            purpose=str(purpose) if purpose else None,
            default_region=region,
            key_file=Path(str(key_file)) if key_file else default_key_file(db_path),
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
        )


def default_key_file(db_path: Path) -> Path:
    """The suppression-list key lives beside the database, never in it (R8)."""
    return db_path.with_name(db_path.name + ".key")
