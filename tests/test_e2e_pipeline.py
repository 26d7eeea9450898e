"""End to end, the "keep" half (issue 4): ``scrapy crawl directory`` over the fixture world.

One crawl of ``annuaire.test`` under a B2B phone purpose, after a Bloctel import through the
CLI, answers most questions from its database (and from the database file's raw bytes, for
what must be nowhere in it). Purposes the law or a stale opposition list refuse are each a
crawl of their own that must stop before any request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXTURES, WORLD_DIR, CrawlResult, RunCrawl, import_bloctel

from compliant_scraper.demo.world import VirtualWorld

pytestmark = pytest.mark.e2e

SITE = "http://annuaire.test"
PURPOSE = "test_b2b_phone"
BLOCTEL = FIXTURES / "bloctel.csv"
JEANNE = f"{SITE}/pros/jeanne-martin.html"
CABINET = f"{SITE}/cabinets/cabinet-martin.html"
CLAIRE = f"{SITE}/pros/claire-dubois.html"
MARC = f"{SITE}/pros/marc-petit.html"  # his number is on the Bloctel list
PAUL = f"{SITE}/pros/paul-garnier.html"  # broken JSON-LD, valid microdata
E164 = {
    "Jeanne Martin": "+33199001234",  # "01 99 00 12 34" (JSON-LD), "+33 1 99 00 12 34" (microdata)
    "Claire Dubois": "+33612345678",  # "+33 6 12 34 56 78"
    "Paul Garnier": "+33465712345",  # "04 65 71 23 45"
    "Sophie Leroy": "+33536491122",  # "+33 5 36 49 11 22"
    "Cabinet Martin": "+33199001200",  # "01 99 00 12 00"
}
# What Claire Dubois's page says about her health and union membership (R4, GDPR Art. 9),
# in every form a store could write it: UTF-8, ASCII-folded, JSON-escaped. Long enough that
# binary pages cannot match by chance. Compared with the lower-cased bytes.
SENSITIVE = (
    "sclérose en plaques".encode(),
    b"sclerose",
    b"scl\\u00e9rose",
    b"militante",
    b"syndicat cgt",
    b"syndicale cgt",
    "déléguée syndicale".encode(),
    b"d\\u00e9l\\u00e9gu\\u00e9e",
)
# Marc Petit's number, "06.48.27.19.55" on his page, in every textual form.
LISTED = (b"648271955", b"48 27 19 55", b"48.27.19.55", b"48-27-19-55")


def today() -> date:
    return datetime.now(UTC).date()  # the crawl's own clock


@pytest.fixture(scope="module")
def directory(
    tmp_path_factory: pytest.TempPathFactory, crawl: RunCrawl
) -> Iterator[tuple[VirtualWorld, CrawlResult]]:
    workdir = tmp_path_factory.mktemp("directory")
    imported = import_bloctel(BLOCTEL, workdir / "compliance.db", today() - timedelta(days=3))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    with VirtualWorld(WORLD_DIR) as world:
        result = crawl(
            "directory", workdir, env=world.env(), purpose=PURPOSE, args={"start_url": SITE + "/"}
        )
    yield world, result


def contact(result: CrawlResult, name: str) -> dict[str, object]:
    rows = result.rows("SELECT * FROM contacts WHERE name = ?", [name])
    assert len(rows) == 1, f"{name}: {len(rows)} contact rows\n{result!r}"
    return rows[0]


def source_urls(result: CrawlResult, contact_id: object) -> set[str]:
    rows = result.rows("SELECT url FROM sources WHERE contact_id = ?", [contact_id])
    return {str(r["url"]) for r in rows}


def test_crawl_ran_within_its_host(directory: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = directory
    assert result.returncode == 0, result
    [run] = result.rows("SELECT * FROM runs")
    assert (run["finish_reason"], run["purpose"]) == ("finished", PURPOSE), result
    assert world.hosts() == {"annuaire.test"}
    assert not [p for p in world.paths("annuaire.test") if p.startswith("/prive/")]
    assert result.rows("SELECT * FROM contacts WHERE name = 'Hidden Member'") == []


@pytest.mark.parametrize(("name", "phone"), sorted(E164.items()))
def test_contacts_kept_with_e164_phones(
    directory: tuple[VirtualWorld, CrawlResult], name: str, phone: str
) -> None:
    _, result = directory
    row = contact(result, name)
    assert row["phone"] == phone
    assert row["purpose"] == PURPOSE and row["legal_basis"] and row["retention_until"]


def test_every_phone_is_e164(directory: tuple[VirtualWorld, CrawlResult]) -> None:
    _, result = directory
    phones = [r["phone"] for r in result.rows("SELECT phone FROM contacts WHERE phone IS NOT NULL")]
    assert phones and all(re.fullmatch(r"\+[1-9]\d{7,14}", str(p)) for p in phones), phones


def test_every_contact_has_a_source_with_provenance(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    _, result = directory
    assert result.rows("SELECT count(*) AS n FROM contacts")[0]["n"] >= len(E164)
    orphans = result.rows(
        "SELECT id FROM contacts c "
        "WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.contact_id = c.id)"
    )
    assert orphans == []
    [run] = result.rows("SELECT id FROM runs")
    for source in result.rows("SELECT * FROM sources"):
        assert str(source["url"]).startswith(SITE + "/"), source
        assert source["first_retrieved_at"] == source["last_retrieved_at"], source
        assert source["last_retrieved_at"] and source["spider"] == "directory", source
        assert source["gone_at"] is None, source
        assert source["run_id"] == run["id"], source
        assert source["policy_file"] == "domains/annuaire.test.toml", source
        assert re.fullmatch(r"[0-9a-f]{64}", str(source["policy_sha256"])), source
        assert re.fullmatch(r"[0-9a-f]{64}", str(source["robots_sha256"])), source
        assert source["method"] in {"json-ld", "microdata", "rdfa", "mailto", "tel"}, source


def test_auditor_finds_policy_and_robots_of_every_source(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    """Issue 4's "done when": one SQL query ties each stored value to its policy and robots."""
    _, result = directory
    rows = result.rows(
        "SELECT c.name, s.url, p.content AS policy, r.body AS robots "
        "FROM contacts c JOIN sources s ON s.contact_id = c.id "
        "JOIN policy_snapshots p ON p.run_id = s.run_id AND p.file = s.policy_file "
        "  AND p.sha256 = s.policy_sha256 "
        "JOIN robots_snapshots r ON r.id = (SELECT max(id) FROM robots_snapshots "
        "  WHERE sha256 = s.robots_sha256)"
    )
    assert len(rows) == result.rows("SELECT count(*) AS n FROM sources")[0]["n"]
    for row in rows:
        assert 'domain = "annuaire.test"' in str(row["policy"])
        assert "Disallow: /prive/" in str(row["robots"])


def test_sensitive_bio_nowhere_in_the_database(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    world, result = directory
    assert "/pros/claire-dubois.html" in world.paths("annuaire.test")
    claire = contact(result, "Claire Dubois")  # kept: her phone is not sensitive
    assert claire["job_title"] is None  # "Déléguée syndicale CGT": trade-union membership
    drops = result.rows(
        "SELECT f.value AS field, reason, rule FROM drops, json_each(fields) f WHERE url = ?",
        [CLAIRE],
    )
    assert any(
        d["field"] == "job_title" and str(d["reason"]).startswith("sensitive") for d in drops
    )
    assert any(d["field"] == "description" for d in drops), drops
    raw = result.raw_bytes().lower()
    assert [word for word in SENSITIVE if word in raw] == []


def test_bloctel_listed_number_nowhere_in_the_database(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    world, result = directory
    assert "/pros/marc-petit.html" in world.paths("annuaire.test")
    [listed] = result.rows("SELECT * FROM opposition_lists WHERE active = 1")
    assert listed["name"] == "bloctel" and listed["count"] == 5
    drops = result.rows(
        "SELECT f.value AS field, reason, rule FROM drops, json_each(fields) f WHERE url = ?",
        [MARC],
    )
    assert any(d["field"] == "phone" and d["rule"] == "R7" for d in drops), drops
    # Nothing usable is left for a phone purpose, so Marc Petit is not stored at all.
    assert result.rows("SELECT id FROM contacts WHERE name = 'Marc Petit'") == []
    raw = result.raw_bytes()
    assert [form for form in LISTED if form in raw] == []


def test_same_person_on_two_pages_stored_once_with_two_sources(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    """Jeanne Martin: JSON-LD on her page, microdata on her firm's, other phone format."""
    _, result = directory
    jeanne = contact(result, "Jeanne Martin")
    assert source_urls(result, jeanne["id"]) == {JEANNE, CABINET}


@pytest.mark.parametrize(
    ("name", "email", "kind"),
    [
        ("Jeanne Martin", "jeanne.martin@cabinet-martin.example", "personal"),
        ("Paul Garnier", "paul.garnier@garnier-conseil.example", "personal"),
        ("Cabinet Martin", "contact@cabinet-martin.example", "generic"),
    ],
)
def test_emails_kept_and_classed(
    directory: tuple[VirtualWorld, CrawlResult], name: str, email: str, kind: str
) -> None:
    _, result = directory
    row = contact(result, name)
    assert (row["email"], row["email_kind"]) == (email, kind)


def test_broken_json_ld_page_still_yields_microdata(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    _, result = directory
    paul = contact(result, "Paul Garnier")
    methods = result.rows("SELECT url, method FROM sources WHERE contact_id = ?", [paul["id"]])
    assert {(PAUL, "microdata")} <= {(r["url"], r["method"]) for r in methods}
    [run] = result.rows("SELECT stats FROM runs")
    assert '"compliance/extract/error/json-ld"' in str(run["stats"])


# -- purposes refused before any request ------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "list_age_days", "expected"),
    [
        pytest.param("test_b2c_email", None, ["test_b2c_email", "consent"], id="b2c-email"),
        pytest.param("test_b2c_phone", 3, ["test_b2c_phone", "consent"], id="b2c-phone"),
        pytest.param(PURPOSE, 90, ["Bloctel", "{list_date}"], id="opposition-list-too-old"),
        pytest.param(PURPOSE, None, ["Bloctel"], id="no-opposition-list"),
    ],
)
def test_refused_purpose_stops_crawl_before_any_request(
    world: VirtualWorld,
    tmp_path: Path,
    crawl: RunCrawl,
    purpose: str,
    list_age_days: int | None,
    expected: list[str],
) -> None:
    list_date = today() - timedelta(days=list_age_days or 0)
    if list_age_days is not None:
        imported = import_bloctel(BLOCTEL, tmp_path / "compliance.db", list_date)
        assert imported.returncode == 0, imported.stdout + imported.stderr
    result = crawl(
        "directory", tmp_path, env=world.env(), purpose=purpose, args={"start_url": SITE + "/"}
    )
    assert result.returncode != 0, result
    assert world.requests == [], result
    for fragment in expected:
        assert fragment.format(list_date=list_date.isoformat()) in result.output, result


def test_sensitive_bio_nowhere_in_the_crawl_log(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    """The crawl runs at DEBUG, where Scrapy's own formatter would print dropped items whole."""
    _, result = directory
    log = result.output.encode().lower()
    assert b"dropped item from" in log  # drops are logged, by source and reason only
    assert [word for word in SENSITIVE if word in log] == []


def test_bloctel_listed_number_nowhere_in_the_crawl_log(
    directory: tuple[VirtualWorld, CrawlResult],
) -> None:
    _, result = directory
    log = result.output.encode()
    assert [form for form in LISTED if form in log] == []
