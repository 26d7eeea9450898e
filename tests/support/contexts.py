"""A crawl context built by hand (no crawler) for the unit tests of the crawl's components.

Test modules import it: ``from support.contexts import POLICY, context``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scrapy.settings import Settings

from compliant_scraper.config import Config
from compliant_scraper.crawl.context import ComplianceContext
from compliant_scraper.policy.model import Controller, DomainPolicy, Purpose, Registry
from compliant_scraper.store.sqlite_store import SqliteStore

PURPOSE = Purpose("b2b_post", "post", "b2b", "legitimate interest", ("name",))
POLICY = DomainPolicy(
    file="domains/example.test.toml",
    sha256="a" * 64,
    content="",
    domain="example.test",
    extraction="allowed",
    reason="open directory",
    terms_url="https://example.test/terms",
    reviewed_by="legal",
    reviewed_on=date(2026, 11, 1),
)
CONTROLLER = Controller("Acme", "1 rue de la Paix, Paris", "dpo@acme.test", "https://a.t")


def context(tmp_path: Path, policies: tuple[DomainPolicy, ...]) -> ComplianceContext:
    tmp_path.mkdir(parents=True, exist_ok=True)  # the store is never created in a new folder
    config = Config.from_settings(
        Settings({"COMPLIANCE_PURPOSE": PURPOSE.name, "COMPLIANCE_DB": str(tmp_path / "c.db")})
    )
    registry = Registry(tmp_path, policies, {PURPOSE.name: PURPOSE}, CONTROLLER)
    store = SqliteStore.open(config.db_path)
    ctx = ComplianceContext.build(
        config, registry, PURPOSE, store, today=date(2026, 11, 23), spider_name="directory"
    )
    store.start_run(ctx.facts.run_id, "directory", PURPOSE.name, "2026-11-23T10:00:00Z")
    return ctx
