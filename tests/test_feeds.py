"""Feeds are exports (issue 14 item 4) and their CSV cells are safe (issue 10 item 11).

A real ``scrapy crawl directory`` of the fixture world writes four feeds; the database then
knows each as an export (recipient ``feed``, its URI, format, purpose, rows, sha256), the
files are owner-only and carry the provenance as flat fields, and an erasure rewrites the
feeds it can. Remote feeds and a project's own exporter are refused before any request.
"""

from __future__ import annotations

import csv
import io
import json
import stat
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import WORLD_DIR, CrawlResult, RunCrawl

from compliant_scraper.cli import main
from compliant_scraper.crawl.feeds import PROVENANCE_FIELDS, FeedCsvExporter, FeedJsonLinesExporter
from compliant_scraper.demo.world import VirtualWorld
from compliant_scraper.hashing import sha256_hex
from compliant_scraper.provenance import Provenance

SITE = "http://annuaire.test/"
FORMATS = {"csv": "csv", "jsonl": "jsonlines", "json": "json", "xml": "xml"}
PROV = Provenance(
    "http://annuaire.test/p/1", "2026-12-04T10:00:00Z", "directory", "run-1",
    "domains/annuaire.test.toml", "p" * 64, "r" * 64, "json-ld",
)  # fmt: skip


def feeds_setting(workdir: Path) -> str:
    return json.dumps(
        {str(workdir / f"out.{ext}"): {"format": fmt} for ext, fmt in FORMATS.items()}
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory, crawl: RunCrawl) -> Iterator[CrawlResult]:
    workdir = tmp_path_factory.mktemp("feeds")
    with VirtualWorld(WORLD_DIR) as world:
        result = crawl(
            "directory",
            workdir,
            env=world.env(),
            args={"start_url": SITE},
            settings={"FEEDS": feeds_setting(workdir)},
        )
    assert result.returncode == 0, result
    yield result


def test_each_feed_is_recorded_as_an_export(crawled: CrawlResult) -> None:
    kept = {r["id"] for r in crawled.rows("SELECT id FROM contacts")}
    assert kept
    rows = crawled.rows("SELECT * FROM exports ORDER BY id")
    assert sorted(r["format"] for r in rows) == sorted(FORMATS.values())
    for row in rows:
        ext = next(e for e, f in FORMATS.items() if f == row["format"])
        path = crawled.workdir / f"out.{ext}"
        assert row["recipient"] == "feed"
        assert row["purpose"] == "test_b2b_post"
        assert row["path"] == str(path)
        assert row["count"] == len(kept)
        assert row["file_sha256"] == sha256_hex(path.read_bytes())
        members = crawled.rows(
            "SELECT contact_id FROM export_rows WHERE export_id = ?", [row["id"]]
        )
        assert {m["contact_id"] for m in members} == kept
    events = crawled.rows("SELECT details FROM audit_log WHERE event = 'export'")
    assert {json.loads(e["details"])["feed"] for e in events} == {r["path"] for r in rows}


@pytest.mark.parametrize("ext", FORMATS)
def test_feed_files_are_owner_only(crawled: CrawlResult, ext: str) -> None:
    assert stat.S_IMODE((crawled.workdir / f"out.{ext}").stat().st_mode) == 0o600


def _records(path: Path, ext: str) -> list[dict[str, Any]]:
    text = path.read_text()
    if ext == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    if ext == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if ext == "json":
        return list(json.loads(text))
    return [{child.tag: child.text for child in item} for item in ET.fromstring(text)]


@pytest.mark.parametrize("ext", FORMATS)
def test_provenance_is_flat_typed_fields_in_every_format(crawled: CrawlResult, ext: str) -> None:
    path = crawled.workdir / f"out.{ext}"
    assert "Provenance(" not in path.read_text()
    records = _records(path, ext)
    sources = {r["url"] for r in crawled.rows("SELECT url FROM sources")}
    assert records
    for record in records:
        assert "provenance" not in record
        assert set(PROVENANCE_FIELDS) <= set(record)
        assert record["source_url"] in sources
        assert len(record["policy_sha256"]) == 64
        assert len(record["robots_sha256"]) == 64
        assert record["retrieved_at"].endswith("Z")


def test_erasure_rewrites_the_feeds_it_can_and_names_the_others(crawled: CrawlResult) -> None:
    person = crawled.rows("SELECT id, name FROM contacts ORDER BY id LIMIT 1")[0]
    result = CliRunner().invoke(
        main, ["subject", "erase", str(person["id"]), "--yes", "--db", str(crawled.db_path)]
    )
    assert result.exit_code == 0, result.output
    for ext in ("csv", "jsonl", "json"):
        names = [r["name"] for r in _records(crawled.workdir / f"out.{ext}", ext)]
        assert person["name"] not in names, ext
        assert names, ext  # the others stay
    xml = crawled.workdir / "out.xml"
    assert f"feed {xml} (xml) cannot be rewritten: remove the person's rows by hand" in (
        result.output
    )
    for ext in ("csv", "jsonl", "json"):
        path = crawled.workdir / f"out.{ext}"
        recorded = crawled.rows("SELECT file_sha256 FROM exports WHERE path = ?", [str(path)])
        assert recorded[0]["file_sha256"] == sha256_hex(path.read_bytes())


def test_a_csv_feed_cell_a_spreadsheet_would_run_is_text() -> None:
    out = io.BytesIO()
    exporter = FeedCsvExporter.from_crawler(None, out)  # type: ignore[arg-type]
    exporter.start_exporting()
    exporter.export_item(
        {"name": '=HYPERLINK("http://evil.example/")', "phone": "+33612345678", "provenance": PROV}
    )
    exporter.finish_exporting()
    (row,) = csv.DictReader(io.StringIO(out.getvalue().decode()))
    assert row["name"] == '\'=HYPERLINK("http://evil.example/")'
    assert row["phone"] == "+33612345678"
    assert row["source_url"] == PROV.source_url
    assert exporter.feed_tally.count == 1


def test_fields_to_export_cannot_leave_the_provenance_out() -> None:
    out = io.BytesIO()
    exporter = FeedJsonLinesExporter.from_crawler(  # type: ignore[arg-type]
        None, out, fields_to_export=["name"]
    )
    exporter.export_item({"name": "Jeanne", "email": "j@x.fr", "provenance": PROV})
    record = json.loads(out.getvalue())
    assert list(record) == ["name", *PROVENANCE_FIELDS]


@pytest.mark.parametrize(
    ("feeds", "message"),
    [
        (
            {"ftp://127.0.0.1:9/x.csv": {"format": "csv"}},
            "feed ftp://127.0.0.1:9/x.csv: a feed to a remote URI (ftp) is an export to someone "
            "else: name its recipient",
        ),
        (
            {"ftp://127.0.0.1:9/x.csv": {"format": "csv", "recipient": "nobody"}},
            "feed ftp://127.0.0.1:9/x.csv: cannot export to 'nobody': recipients.toml does not "
            "declare it",
        ),
    ],
)
def test_a_remote_feed_without_a_declared_recipient_is_refused_before_any_request(
    tmp_path: Path, crawl: RunCrawl, trap_world: VirtualWorld, feeds: Any, message: str
) -> None:
    result = crawl(
        "directory",
        tmp_path,
        env=trap_world.env(),
        args={"start_url": SITE},
        settings={"FEEDS": json.dumps(feeds)},
    )
    assert result.returncode != 0, result
    assert message in result.output
    assert trap_world.hosts() == set()


def test_a_projects_own_exporter_is_refused(
    tmp_path: Path, crawl: RunCrawl, trap_world: VirtualWorld
) -> None:
    result = crawl(
        "directory",
        tmp_path,
        env=trap_world.env(),
        args={"start_url": SITE},
        settings={
            "FEEDS": json.dumps({str(tmp_path / "x.csv"): {"format": "csv"}}),
            "FEED_EXPORTERS": json.dumps({"csv": "scrapy.exporters.CsvItemExporter"}),
        },
    )
    assert result.returncode != 0, result
    assert (
        f"feed {tmp_path / 'x.csv'}: FEED_EXPORTERS['csv'] = 'scrapy.exporters.CsvItemExporter' "
        "does not write the provenance as fields"
    ) in result.output
    assert trap_world.hosts() == set()
