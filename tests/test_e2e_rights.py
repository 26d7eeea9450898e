"""End to end, issue 13: rights hold across purposes and over time (R8, R9, R12).

One copy of the fixture world is crawled under the email, phone and postal purposes. Then,
as a mailbox handler would, through the CLI: Jeanne Martin objects by email; Claire Dubois's
record is restricted; Paul Garnier's records reach the end of their retention and are purged;
Sophie Leroy's page is removed from the directory. The three purposes are crawled again, and
the tests read what the second round kept, dropped and marked.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXTURES, POLICY_DIR, WORLD_DIR, CrawlResult, RunCrawl, import_bloctel

from compliant_scraper.demo.world import VirtualWorld

pytestmark = pytest.mark.e2e

SITE = "http://annuaire.test"
PURPOSES = ("test_b2b_email", "test_b2b_phone", "test_b2b_post")
JEANNE = f"{SITE}/pros/jeanne-martin.html"
SOPHIE = f"{SITE}/pros/sophie-leroy.html"
PAUL = f"{SITE}/pros/paul-garnier.html"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("compliant-scraper")
    return subprocess.run(
        [str(script), *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Rounds:
    db: Path
    first: dict[str, CrawlResult]
    second: dict[str, CrawlResult]
    log: dict[str, subprocess.CompletedProcess[str]]
    before: dict[str, list[dict[str, object]]]  # contacts after the first round, by name
    sophie: list[dict[str, object]]  # her source rows after the second round (before erasure)
    sophie_drops: int  # drops rows of her page before erasure

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
        return self.second[PURPOSES[-1]].rows(sql, params)


def _crawl_all(crawl: RunCrawl, workdir: Path, world: VirtualWorld) -> dict[str, CrawlResult]:
    done = {}
    for purpose in PURPOSES:
        result = crawl(
            "directory", workdir, env=world.env(), purpose=purpose, args={"start_url": SITE + "/"}
        )
        assert result.returncode == 0, repr(result)
        done[purpose] = result
    return done


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory, crawl: RunCrawl) -> Iterator[Rounds]:
    workdir = tmp_path_factory.mktemp("rights")
    world_dir = workdir / "world"
    shutil.copytree(WORLD_DIR, world_dir)
    db = workdir / "compliance.db"
    today = datetime.now(UTC).date()
    imported = import_bloctel(FIXTURES / "bloctel.csv", db, today - timedelta(days=3))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    with VirtualWorld(world_dir) as world:
        first = _crawl_all(crawl, workdir, world)
        before: dict[str, list[dict[str, object]]] = {}
        for row in first[PURPOSES[-1]].rows("SELECT * FROM contacts ORDER BY id"):
            before.setdefault(str(row["name"]), []).append(row)
        log = {
            "object": cli(db, "subject", "object", "jeanne.martin@cabinet-martin.example", "--yes"),
            "restrict": cli(db, "subject", "restrict", "+33 6 12 34 56 78", "--reason", "Contests"),
        }
        # Paul Garnier's records reach the end of their retention, and are purged.
        with sqlite3.connect(db) as conn:
            conn.execute(
                "UPDATE contacts SET retention_until = '2000-01-01' WHERE name = 'Paul Garnier'"
            )
        conn.close()
        log["purge"] = cli(db, "purge", "--policies", str(POLICY_DIR))
        (world_dir / "annuaire.test" / "pros" / "sophie-leroy.html").unlink()
        second = _crawl_all(crawl, workdir, world)
    log["export"] = cli(
        db, "export", "--purpose", "test_b2b_phone", "--format", "jsonl", "--out",
        str(workdir / "phone.jsonl"), "--policies", str(POLICY_DIR),
    )  # fmt: skip
    last = second[PURPOSES[-1]]
    sophie = last.rows("SELECT gone_reason, gone_at FROM sources WHERE url = ?", (SOPHIE,))
    [drops] = last.rows("SELECT count(*) AS n FROM drops WHERE url = ?", (SOPHIE,))
    log["erase"] = cli(db, "subject", "erase", "sophie.leroy@leroy-architecture.example", "--yes")
    yield Rounds(db, first, second, log, before, sophie, int(drops["n"]))


def test_first_round_kept_each_person_in_each_purpose(rounds: Rounds) -> None:
    held = {name: sorted(str(r["purpose"]) for r in rows) for name, rows in rounds.before.items()}
    assert held["Jeanne Martin"] == sorted(PURPOSES), held


def test_objection_by_email_reaches_every_purpose(rounds: Rounds) -> None:
    done = rounds.log["object"]
    assert done.returncode == 0, done.stdout + done.stderr
    print(done.stdout)
    assert "contact deleted (id " in done.stdout or "contacts deleted (ids " in done.stdout
    for purpose in PURPOSES:
        assert f"({purpose}, linked by " in done.stdout, done.stdout


def test_next_crawls_under_every_purpose_drop_her(rounds: Rounds) -> None:
    assert rounds.rows("SELECT id FROM contacts WHERE name = 'Jeanne Martin'") == []
    for purpose in PURPOSES:
        run_id = rounds.second[purpose].rows(
            "SELECT id FROM runs WHERE purpose = ? ORDER BY started_at DESC LIMIT 1", (purpose,)
        )[0]["id"]
        dropped = rounds.rows(
            "SELECT reason, rule FROM drops WHERE run_id = ? AND url = ? AND fields = '[\"*\"]'",
            (run_id, JEANNE),
        )
        assert dropped == [{"reason": "suppressed", "rule": "R8"}], (purpose, dropped)


def test_a_page_removed_from_the_directory_makes_its_contact_source_gone(rounds: Rounds) -> None:
    gone = rounds.sophie
    assert gone and all(g["gone_reason"] == "http_404" for g in gone), gone


def test_a_restricted_record_is_not_updated_by_a_recrawl(rounds: Rounds) -> None:
    assert rounds.log["restrict"].returncode == 0, rounds.log["restrict"].stderr
    claire = rounds.before["Claire Dubois"]
    assert claire, rounds.before.keys()
    for row in claire:
        [now] = rounds.rows("SELECT * FROM contacts WHERE id = ?", (row["id"],))
        assert now["restricted_reason"] == "Contests"
        assert now["last_seen"] == row["last_seen"]  # the second round saw her page
    sources = rounds.rows(
        "SELECT s.last_retrieved_at, s.first_retrieved_at FROM sources s "
        "JOIN contacts c ON c.id = s.contact_id WHERE c.name = 'Claire Dubois'"
    )
    assert sources and all(s["last_retrieved_at"] == s["first_retrieved_at"] for s in sources)


def test_a_restricted_record_is_absent_from_exports(rounds: Rounds) -> None:
    done = rounds.log["export"]
    assert done.returncode == 0, done.stderr
    assert "restricted 1" in done.stderr, done.stderr
    exported = (rounds.db.parent / "phone.jsonl").read_text()
    assert exported and "Claire" not in exported and "+33612345678" not in exported


def test_purge_then_recrawl_keeps_the_person_out(rounds: Rounds) -> None:
    done = rounds.log["purge"]
    assert done.returncode == 0, done.stderr
    held = sorted(str(r["purpose"]) for r in rounds.before["Paul Garnier"])
    assert f"Deleted {len(held)} contact(s) past retention" in done.stdout, done.stdout
    assert rounds.rows("SELECT id FROM contacts WHERE name = 'Paul Garnier'") == []
    markers = rounds.rows("SELECT DISTINCT purpose FROM retention_markers ORDER BY 1")
    assert [m["purpose"] for m in markers] == held
    for purpose in held:
        [run] = rounds.second[purpose].rows(
            "SELECT id FROM runs WHERE purpose = ? ORDER BY started_at DESC LIMIT 1", (purpose,)
        )
        dropped = rounds.rows(
            "SELECT reason, rule FROM drops WHERE run_id = ? AND url = ? AND fields = '[\"*\"]'",
            (run["id"], PAUL),
        )
        assert dropped == [{"reason": "retention_expired", "rule": "R9"}], (purpose, dropped)


def test_source_gone_is_left_out_of_exports(rounds: Rounds) -> None:
    assert "source_gone 1" in rounds.log["export"].stderr, rounds.log["export"].stderr
    assert "Sophie" not in (rounds.db.parent / "phone.jsonl").read_text()


def test_erasure_leaves_no_drops_or_refusals_naming_her_pages(rounds: Rounds) -> None:
    done = rounds.log["erase"]
    assert done.returncode == 0, done.stderr
    assert rounds.sophie_drops > 0  # her page's bio and links were dropped in the crawls
    assert f"drops rows deleted: {rounds.sophie_drops};" in done.stdout, done.stdout
    left = rounds.rows(
        "SELECT 'drops' AS t, url FROM drops WHERE url LIKE '%sophie-leroy%' "
        "UNION ALL SELECT 'refusals', url FROM refusals WHERE url LIKE '%sophie-leroy%'"
    )
    assert left == []
