"""Issue 13 item 6: retention that cannot be renewed (R9).

Purge leaves retention markers that keep the person out of later crawls for that purpose;
a source page gone makes its contact ``source_gone``, out of exports and purged after
``stale_after_days``; drops and refusals rows expire; an erasure deletes those of the
person's pages.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from support.tooling import TODAY, Env, add_contact, day, make_env

from compliant_scraper.errors import ContactDropped, PolicyError
from compliant_scraper.policy.loader import load_registry
from compliant_scraper.policy.model import Purpose
from compliant_scraper.provenance import Provenance
from compliant_scraper.screening.processor import ContactProcessor
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.values.persons import url_names_person

EMAIL = Purpose(
    "b2b_email", "email", "b2b", "legitimate interest", ("name", "organization", "email")
)
PAGE = "https://annuaire.test/pros/paul-durand.html"


def run(*args: str, env: Env) -> tuple[int, str]:
    result = env.run(*args, "--db", str(env.db_path), "--policies", str(env.policies))
    return result.exit_code, result.output


def processor(env: Env, drops: list[tuple[str, str, str]]) -> ContactProcessor:
    suppression = SuppressionList.open(env.db, f"{env.db_path}.key")
    return ContactProcessor(
        EMAIL,
        "FR",
        lambda url, field, reason, rule: drops.append((field, reason, rule)),
        suppression,
        set(),
        markers=suppression.markers(EMAIL.name),
    )


def item(email: str) -> dict[str, object]:
    prov = Provenance(PAGE, f"{TODAY}T10:00:00Z", "directory", "r", "d.toml", "p", "r", "m")
    return {"name": "Paul Durand", "email": email, "provenance": prov}


def test_purge_leaves_markers_that_keep_the_person_out(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    add_contact(env.db, name="Paul Durand", email="paul@durand.fr", days_ago=1200, informed=())
    code, output = run("purge", env=env)
    assert code == 0, output
    assert "retention markers: 1" in output
    marker = env.row("SELECT kind, purpose, first_collected, lifted_on FROM retention_markers")
    assert marker == ("email", "b2b_email", day(1200).isoformat(), None)
    assert "paul" not in env.row("SELECT hash FROM retention_markers")[0]
    drops: list[tuple[str, str, str]] = []
    with pytest.raises(ContactDropped):
        processor(env, drops).process(item("Paul@Durand.fr"))
    assert drops == [("*", "retention_expired", "R9")]
    # Another purpose is not concerned by this purpose's clock.
    other = SuppressionList.open(env.db, f"{env.db_path}.key").markers("b2b_phone")
    assert not other.is_suppressed("email", "paul@durand.fr")
    # A reply from the person lifts the marker: a later crawl may collect them again.
    code, output = run_subject(
        env, "contacted", "paul@durand.fr", "--on", TODAY.isoformat(), "--how", "reply"
    )
    assert code == 0, output
    assert "retention markers lifted: 1" in output
    kept = processor(env, []).process(item("paul@durand.fr"))
    assert kept.contact["email"] == "paul@durand.fr"


def run_subject(env: Env, *args: str) -> tuple[int, str]:
    result = env.run("subject", *args, "--db", str(env.db_path))
    return result.exit_code, result.output


def test_contacted_for_someone_neither_held_nor_marked(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    assert run_subject(env, "contacted", "x@y.fr", "--on", TODAY.isoformat(), "--how", "reply") == (
        1,
        "Error: no contact matches email x@y.fr, and no retention marker holds it\n",
    )


def test_source_gone_is_out_of_exports_then_purged(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    add_contact(env.db, name="Gone", email="gone@firm.fr", days_ago=10)  # 1
    add_contact(env.db, name="Here", email="here@firm.fr", days_ago=10)  # 2
    gone = (TODAY - timedelta(days=20)).isoformat() + "T10:00:00Z"
    env.db.execute(
        "UPDATE sources SET gone_at = ?, gone_reason = 'http_404' WHERE contact_id = 1", [gone]
    )
    code, output = run("export", "--purpose", "b2b_email", "--format", "jsonl", env=env)
    assert code == 0, output
    assert "excluded: source_gone 1;" in output
    assert "gone@firm.fr" not in output and "here@firm.fr" in output
    # Within stale_after_days (default 90): kept, and purge says nothing about it.
    assert "source_gone since" not in run("purge", env=env)[1]
    purposes = env.policies / "purposes.toml"
    purposes.write_text(
        purposes.read_text().replace("[b2b_email]\n", "[b2b_email]\nstale_after_days = 15\n")
    )
    code, output = run("purge", env=env)
    assert code == 0, output
    assert f"contact 1 (b2b_email): source_gone since {gone} (stale after 15 days)" in output
    assert env.db.execute("SELECT id FROM contacts").fetchall() == [(2,)]
    audit = env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies))
    assert "Contacts whose sources are all gone (source_gone): 0" in audit.output


def test_stale_after_days_is_checked(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    purposes = env.policies / "purposes.toml"
    purposes.write_text(
        purposes.read_text().replace("[b2b_email]\n", "[b2b_email]\nstale_after_days = 0\n")
    )
    with pytest.raises(PolicyError) as caught:
        load_registry(env.policies, today=TODAY)
    assert "purposes.toml: b2b_email.stale_after_days: must be a whole number above 0, not 0" in (
        str(caught.value)
    )


def _records(env: Env, url: str, at: str) -> None:
    env.db["drops"].insert(
        {
            "run_id": "run1",
            "url": url,
            "fields": '["description"]',
            "reason": "x",
            "rule": "R4",
            "at": at,
        }
    )
    env.db["refusals"].insert(
        {
            "run_id": "run1",
            "url": url,
            "domain": "annuaire.test",
            "stage": "robots",
            "rule": "R3",
            "reason": "x",
            "at": at,
        }
    )


def test_drops_and_refusals_expire(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    _records(env, "https://annuaire.test/old.html", f"{day(400)}T10:00:00Z")
    _records(env, "https://annuaire.test/new.html", f"{day(300)}T10:00:00Z")
    code, output = run("purge", env=env)
    assert code == 0, output
    assert output.endswith("rows older than 365 days: 1 drops, 1 refusals\n"), output
    left = env.db.execute("SELECT url FROM drops UNION ALL SELECT url FROM refusals").fetchall()
    assert left == [("https://annuaire.test/new.html",)] * 2
    code, output = run("purge", "--records-days", "100", env=env)
    assert env.row("SELECT count(*) FROM drops") == (0,)


def test_erase_deletes_the_drops_and_refusals_of_the_persons_pages(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    add_contact(
        env.db,
        name="Paul Durand",
        organization="Durand SA",
        email="paul@durand.fr",
        sources=(PAGE,),
    )
    add_contact(
        env.db,
        purpose="b2b_phone",
        name="Paul Durand",
        organization="Durand SA",
        phone="+33612345678",
        sources=("https://annuaire.test/p/2",),
    )
    add_contact(env.db, name="Other", email="other@firm.fr", sources=("https://annuaire.test/o",))
    for url in (PAGE, "https://annuaire.test/p/2", "https://annuaire.test/o"):
        _records(env, url, f"{day(3)}T10:00:00Z")
    code, output = run_subject(env, "erase", "+33 6 12 34 56 78", "--yes")
    assert code == 0, output
    assert "  drops rows deleted: 2; refusals rows deleted: 2" in output
    left = env.db.execute("SELECT url FROM drops UNION ALL SELECT url FROM refusals").fetchall()
    assert left == [("https://annuaire.test/o",)] * 2


def test_restricted_contacts_are_not_purged(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    add_contact(env.db, name="Old", email="old@firm.fr", days_ago=1200, informed=())
    assert run_subject(env, "restrict", "1", "--reason", "Legal claim pending")[0] == 0
    code, output = run("purge", env=env)
    assert code == 0
    assert "contact 1: restricted (Art. 18): kept until the restriction is lifted" in output
    assert env.row("SELECT count(*) FROM contacts") == (1,)


NAMING_HER = (
    "https://www.linkedin.com/in/jeanne-martin-4b1a2",  # refused (policy): never read
    "https://annuaire.test/avocats/Martin_Jeanne.html",
    "https://annuaire.test/search?q=jeanne.martin%40cabinet-martin.fr",
    "https://annuaire.test/JeanneMartin",
)
NOT_HER = (
    "https://annuaire.test/avocats/martin-dupont.html",  # another Martin
    "https://annuaire.test/jeanne-martinez.html",  # another name
    "https://annuaire.test/p/%C3%A9lodie-roux",  # someone else, accents percent-encoded
)


def _jeanne_and_elodie(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    add_contact(
        env.db,
        name="Jeanne Martin",
        organization="Cabinet Martin",
        email="jeanne.martin@cabinet-martin.fr",
        sources=("https://annuaire.test/p/1",),
    )
    add_contact(env.db, name="Élodie Roux", email="e.roux@roux.fr", sources=("https://a.test/",))
    for url in NAMING_HER + NOT_HER:
        _records(env, url, f"{day(3)}T10:00:00Z")
    return env


def _left(env: Env) -> list[str]:
    rows = env.db.execute("SELECT url FROM drops UNION ALL SELECT url FROM refusals").fetchall()
    return sorted(r[0] for r in rows)


def test_erase_reaches_the_rows_whose_url_names_her(tmp_path: Path) -> None:
    """Pages that are not her sources (a profile refused by policy, a page dropped whole)
    still name her in their URL: before, 8 such rows survived her erasure."""
    env = _jeanne_and_elodie(tmp_path)
    code, output = run_subject(env, "erase", "jeanne.martin@cabinet-martin.fr", "--yes")
    assert code == 0, output
    assert "  drops rows deleted: 4; refusals rows deleted: 4" in output
    assert _left(env) == sorted(NOT_HER * 2)
    code, output = run_subject(env, "erase", "e.roux@roux.fr", "--yes")
    assert code == 0, output
    assert _left(env) == sorted(NOT_HER[:2] * 2)  # her percent-encoded name matched too


def test_access_lists_her_drops_and_refusals_rows(tmp_path: Path) -> None:
    env = _jeanne_and_elodie(tmp_path)
    code, output = run_subject(env, "access", "jeanne.martin@cabinet-martin.fr", "--json")
    assert code == 0, output
    about = json.loads(output)["crawl_records"]
    assert sorted(r["url"] for r in about) == sorted(NAMING_HER * 2)
    assert {r["table"] for r in about} == {"drops", "refusals"}
    assert _left(env) == sorted((NAMING_HER + NOT_HER) * 2)  # access deletes nothing


@pytest.mark.parametrize(
    ("url", "name", "names_her"),
    [
        ("https://a.test/marie-claire-dupont", "Marie-Claire Dupont", True),
        ("https://a.test/dupont-marie-claire/", "Marie-Claire Dupont", True),
        ("https://a.test/claire-dupont", "Marie-Claire Dupont", False),
        ("https://a.test/Jean%20Dupont", "Jean Dupont", True),
        ("https://a.test/martin.html", "Martin", False),  # one word: strangers too
        ("https://a.test/martinez-jeanne", "Jeanne Martin", False),
    ],
)
def test_which_urls_name_a_person(url: str, name: str, names_her: bool) -> None:
    assert url_names_person(url, [name]) is names_her


def test_erase_reaches_her_drops_on_pages_that_do_not_name_her(tmp_path: Path) -> None:
    """A page dropped whole (no source kept) whose URL does not name her: its drops row is
    found by the keyed hash of her email, as the crawl wrote it (before: kept after erasure)."""
    env = make_env(tmp_path)
    add_contact(
        env.db, name="Jeanne Martin", email="jeanne.martin@cabinet-martin.fr", sources=(PAGE,)
    )
    suppression = SuppressionList.open(env.db, f"{env.db_path}.key")
    for url, email in (
        ("https://annuaire.test/p/17", "jeanne.martin@cabinet-martin.fr"),
        ("https://annuaire.test/p/19", "paul@durand.fr"),
    ):
        email_hash, _ = suppression.subject_hashes(email, None)
        env.db["drops"].insert(
            {"run_id": "run1", "url": url, "fields": '["*"]', "reason": "unrelated_to_offer",
             "rule": "R4", "at": f"{day(3)}T10:00:00Z", "email_hash": email_hash}
        )  # fmt: skip
    code, output = run_subject(env, "access", "jeanne.martin@cabinet-martin.fr", "--json")
    assert code == 0, output
    assert [r["url"] for r in json.loads(output)["crawl_records"]] == ["https://annuaire.test/p/17"]
    code, output = run_subject(env, "erase", "jeanne.martin@cabinet-martin.fr", "--yes")
    assert code == 0, output
    assert "  drops rows deleted: 1; refusals rows deleted: 0" in output
    assert _left(env) == ["https://annuaire.test/p/19"]
