"""Issue 13 items 1-3: one person every record, restriction, the request ledger (R8, R12)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from support.tooling import Env, add_contact, make_env

from compliant_scraper.errors import ContactDropped
from compliant_scraper.policy.model import Purpose
from compliant_scraper.provenance import Provenance
from compliant_scraper.screening.processor import ContactProcessor
from compliant_scraper.store.contacts import ContactWriter
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.tooling import requests
from compliant_scraper.tooling.base import ToolingError

POST = Purpose(
    "b2b_post",
    "post",
    "b2b",
    "legitimate interest",
    ("name", "organization", "street_address", "postal_code", "locality"),
)
PROV = Provenance(
    "http://annuaire.test/p/9", "2026-01-01T00:00:00Z", "directory", "run1", "d.toml", "p", "r", "m"
)


def jeanne(tmp_path: Path) -> Env:
    """Jeanne held three times, each record sharing with the next only what a person would."""
    env = make_env(tmp_path)
    add_contact(
        env.db,
        name="Jeanne Martin",
        organization="Cabinet Martin",
        email="jeanne.martin@cabinet-martin.fr",
        sources=("https://annuaire.test/pros/jeanne-martin.html",),
    )  # 1: email purpose
    add_contact(
        env.db,
        purpose="b2b_phone",
        name="Jeanne MARTIN",
        organization="cabinet  martin",
        phone="+33199001234",
        street_address="12 rue de la Paix",
        postal_code="75002",
        sources=("https://annuaire.test/cabinets/cabinet-martin.html",),
    )  # 2: phone purpose; same name and organisation as 1, no shared identifier
    add_contact(
        env.db,
        purpose="b2b_post",
        name="Jéanne Martin",
        street_address="12, rue de la Paix",
        postal_code="75002",
        sources=("https://annuaire.test/adresses/paris-2.html",),
    )  # 3: postal purpose; same name and address as 2 (the comma folds away? no: see below)
    add_contact(
        env.db,
        purpose="b2b_post",
        name="Jeanne Martin",
        organization="Boulangerie Martin",
        street_address="3 place du Marché",
        postal_code="69001",
    )  # 4: a namesake elsewhere: never linked
    return env


def sub(env: Env, *args: str) -> tuple[int, str]:
    result = env.run("subject", *args, "--db", str(env.db_path))
    return result.exit_code, result.output


def test_access_lists_every_linked_record_and_why(tmp_path: Path) -> None:
    env = jeanne(tmp_path)
    code, output = sub(env, "access", "jeanne.martin@cabinet-martin.fr", "--json")
    assert code == 0, output
    held = json.loads(output)["contacts"]
    assert [(c["contact"]["id"], c["linked_by"]) for c in held] == [
        (1, "email"),
        (2, "name+organization"),
    ]  # 3's address is written "12, rue..." : not the same folded address, so not linked


def test_same_name_and_postal_address_links(tmp_path: Path) -> None:
    env = jeanne(tmp_path)
    env.db.execute("UPDATE contacts SET street_address = '12 Rue de la  Paix' WHERE id = 3")
    code, output = sub(env, "access", "+33199001234", "--json")
    assert code == 0, output
    held = json.loads(output)["contacts"]
    assert [(c["contact"]["id"], c["linked_by"]) for c in held] == [
        (1, "name+organization"),
        (2, "phone"),
        (3, "name+address"),
    ]


def test_objection_by_email_suppresses_every_record_of_the_person(tmp_path: Path) -> None:
    env = jeanne(tmp_path)
    env.db.execute("UPDATE contacts SET street_address = '12 Rue de la  Paix' WHERE id = 3")
    code, output = sub(env, "object", "jeanne.martin@cabinet-martin.fr", "--yes")
    assert code == 0, output
    assert output.splitlines()[:4] == [
        "Objection recorded: email jeanne.martin@cabinet-martin.fr; "
        "3 contacts deleted (ids 1, 2, 3); "
        "suppressed: email, phone, postal",
        "  contact 1 (b2b_email, linked by email)",
        "  contact 2 (b2b_phone, linked by name+organization)",
        "  contact 3 (b2b_post, linked by name+address)",
    ]
    assert env.db.execute("SELECT id FROM contacts").fetchall() == [(4,)]  # the namesake
    kinds = env.db.execute(
        "SELECT kind, count(*) FROM suppression WHERE kind != 'key_check' GROUP BY kind"
    ).fetchall()
    assert dict(kinds) == {"email": 1, "phone": 1, "postal": 1}
    # A postal crawl meets her again on a page with neither email nor phone: dropped.
    suppression = SuppressionList.open(env.db, f"{env.db_path}.key")
    drops: list[tuple[str, str, str]] = []
    processor = ContactProcessor(
        POST, "FR", lambda u, f, r, rule: drops.append((f, r, rule)), suppression, set()
    )
    with pytest.raises(ContactDropped):
        processor.process(
            {
                "name": "JEANNE Martin",
                "street_address": "12 rue de la paix",
                "postal_code": "75002",
                "provenance": PROV,
            }
        )
    assert drops == [("*", "suppressed", "R8")]
    kept = processor.process(
        {
            "name": "Jeanne Martin",
            "street_address": "3 place du Marché",
            "postal_code": "69001",
            "provenance": PROV,
        }
    )
    assert kept.contact["postal_code"] == "69001"  # the namesake is still collected


def test_restriction_keeps_but_stops_use(tmp_path: Path) -> None:
    env = jeanne(tmp_path)
    code, output = sub(env, "restrict", "1", "--reason", "Contests the accuracy of her title")
    assert code == 0, output
    assert output.splitlines() == [
        "Restricted: contact 1; contacts: 1, 2",
        "  contact 1 (b2b_email, linked by id)",
        "  contact 2 (b2b_phone, linked by name+organization)",
    ]
    exported = env.export(fmt="jsonl")
    assert exported.exit_code == 0, exported.output
    assert "excluded: restricted 1;" in exported.output
    assert "jeanne" not in exported.output.lower()
    # A re-crawl does not update a restricted record, nor refresh its source.
    writer = ContactWriter(env.db, "b2b_email", "b")
    cid = writer.save(
        {"email": "jeanne.martin@cabinet-martin.fr", "name": "Jeanne Martin", "job_title": "X"},
        Provenance(
            "https://annuaire.test/pros/jeanne-martin.html",
            "2030-01-01T00:00:00Z",
            "directory",
            "run1",
            "d.toml",
            "p",
            "r",
            "m",
        ),
        ["email"],
    )
    writer.flush()
    assert cid == 1
    assert env.row("SELECT job_title, last_seen FROM contacts WHERE id = 1")[0] is None
    assert env.row("SELECT count(*) FROM sources WHERE last_retrieved_at LIKE '2030%'") == (0,)
    audit = env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies))
    assert "Restricted records (Art. 18): 2" in audit.output
    assert re.search(r"\n  1 +b2b_email .*Contests the accuracy of her title", audit.output)
    assert sub(env, "unrestrict", "jeanne.martin@cabinet-martin.fr")[0] == 0
    assert env.row("SELECT count(*) FROM contacts WHERE restricted_at IS NOT NULL") == (0,)
    assert sub(env, "unrestrict", "1") == (1, "Error: contact 1: no restricted record\n")
    assert sub(env, "restrict", "1", "--reason", "  ") == (
        1,
        "Error: --reason: say why the processing is restricted (Art. 18(1))\n",
    )


def test_rectify_acts_on_every_linked_record_holding_the_field(tmp_path: Path) -> None:
    env = jeanne(tmp_path)
    code, output = sub(env, "rectify", "1", "--field", "organization", "--value", "Martin & Co")
    assert code == 0, output
    assert output.splitlines()[0] == "organization rectified on contacts 1, 2"
    rows = env.db.execute("SELECT id, organization FROM contacts ORDER BY id").fetchall()
    assert rows[:3] == [(1, "Martin & Co"), (2, "Martin & Co"), (3, None)]


# -- the request ledger ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2025-01-31", "2025-02-28"),  # the month is shorter: its last day
        ("2024-01-31", "2024-02-29"),  # leap year
        ("2025-03-31", "2025-04-30"),
        ("2025-12-15", "2026-01-15"),  # across the year end
    ],
)
def test_due_one_month_after_receipt(tmp_path: Path, received: str, due: str) -> None:
    env = make_env(tmp_path)
    code, output = sub(
        env, "request", "open", "--kind", "erase", "--received", received, "--from", "J. Martin"
    )
    assert (code, output) == (0, f"Request 1 (erase): due {due}\n")


def test_request_states_cross_month_ends(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    r = requests.open_request(
        env.db,
        kind="access",
        received=date(2025, 1, 31),
        requester="Jeanne Martin <jeanne@x.fr>",
        identity_checked=False,
        today=date(2025, 2, 1),
    )
    assert r.due_on == date(2025, 2, 28)
    assert r.state(date(2025, 2, 28)) == "open"
    assert r.state(date(2025, 3, 1)) == "overdue"
    assert [x.id for x in requests.listing(env.db, date(2025, 3, 1), overdue=True)] == [1]
    assert requests.listing(env.db, date(2025, 2, 28), overdue=True) == []
    with pytest.raises(ToolingError, match="at most 2 further months in all"):
        requests.extend(env.db, 1, months=1, reason="x", today=date(2025, 2, 1))
        requests.extend(env.db, 1, months=2, reason="x", today=date(2025, 2, 1))
    extended = requests.get(env.db, 1)
    assert (extended.extended_months, extended.due_on) == (1, date(2025, 3, 31))
    assert extended.state(date(2025, 3, 1)) == "open"
    with pytest.raises(ToolingError, match=r"within the first month \(by 2025-02-28"):
        requests.extend(env.db, 1, months=1, reason="more work", today=date(2025, 3, 1))


def test_actions_close_their_request(tmp_path: Path) -> None:
    env = jeanne(tmp_path)
    sub(env, "request", "open", "--kind", "access", "--received", "2025-01-31", "--from", "JM")
    sub(env, "request", "open", "--kind", "object", "--received", "2025-01-31", "--from", "JM")
    assert sub(env, "access", "1", "--request", "1", "--json") == (
        1,
        "Error: --request: the identity of the requester of request 1 is not checked: check "
        "it before disclosing anything (Art. 12(6)), then run `subject request identity 1`\n",
    )
    assert sub(env, "access", "1", "--request", "2", "--json")[1] == (
        "Error: --request: request 2 is a object request; `subject access` answers access\n"
    )
    assert sub(env, "request", "identity", "1")[0] == 0
    assert sub(env, "access", "1", "--request", "1", "--json")[0] == 0
    assert sub(env, "object", "1", "--yes", "--request", "2")[0] == 0
    assert sub(env, "object", "1", "--yes", "--request", "2")[1].startswith(
        "Error: --request: request 2 was answered on "
    )
    code, listing = sub(env, "request", "list")
    assert code == 0
    assert "request 1 [answered_late] access from JM: received 2025-01-31, due 2025-02-28" in (
        listing
    )
    closed = env.row("SELECT closed_by, contact_ids FROM requests WHERE id = 2")
    assert closed == ("object", "[1, 2]")
    audit = env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies))
    assert "Requests (Art. 12): open 0, overdue 0, answered 0, answered late 2" in audit.output
    html = tmp_path / "report.html"
    env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies), "--html", str(html))
    assert "<b>0</b> overdue, 0 answered, <b>2</b> answered late" in html.read_text()
    assert sub(env, "request", "list", "--due") == (0, "No request due\n")


def test_request_errors(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    code, output = sub(
        env, "request", "open", "--kind", "sue", "--received", "2025-01-01", "--from", "x"
    )
    assert code == 2 and "'sue' is not one of" in output
    assert sub(
        env, "request", "open", "--kind", "erase", "--received", "2999-01-01", "--from", "x"
    )[1].startswith("Error: --received: 2999-01-01 is in the future")
    assert sub(
        env, "request", "open", "--kind", "erase", "--received", "31/01/2025", "--from", "x"
    ) == (1, "Error: --received: expected a date as YYYY-MM-DD, got '31/01/2025'\n")
    assert sub(env, "request", "extend", "7", "--months", "1", "--reason", "x") == (
        1,
        "Error: no request 7 (see `subject request list`)\n",
    )  # the ID argument, not a --request option (said "--request: no request 7" before)
    assert sub(env, "request", "identity", "7") == (
        1,
        "Error: no request 7 (see `subject request list`)\n",
    )
    assert sub(env, "erase", "x@y.fr", "--yes", "--request", "7")[1] == (
        "Error: --request: no request 7 (see `subject request list`)\n"
    )
