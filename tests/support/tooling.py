"""Test data for the tooling tests: a policy registry and a store filled row by row.

The crawl pipeline that fills ``contacts`` and ``sources`` is tested elsewhere; these helpers
insert rows directly (the columns are fixed in store/schema.py), so the tooling tests do not
depend on a crawl. Test modules import them: ``from support.tooling import ...``.
Dates are relative to today (UTC), so no test depends on the day it runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sqlite_utils import Database

from compliant_scraper.cli import main
from compliant_scraper.clock import today_utc
from compliant_scraper.law import retention_until
from compliant_scraper.store import audit_log
from compliant_scraper.store.database import open_database
from compliant_scraper.tooling.opposition_import import import_list
from compliant_scraper.values.persons import person_name

TODAY = today_utc()
RUN = "run1"
POLICY_SHA = "a" * 64
ROBOTS_SHA = "b" * 64

CONTROLLER = """\
name = "Prospectia SAS"
address = "10 rue de la Paix, 75002 Paris, France"
contact = "privacy@prospectia.test"
privacy_url = "https://prospectia.test/privacy"
dpo = "dpo@prospectia.test"
"""

PURPOSES = """\
[b2b_email]
channel = "email"
audience = "b2b"
legal_basis = "Legitimate interest, GDPR Art. 6(1)(f)"
description = "Emailing professionals about offers related to their activity"
offer = "Test offer for professionals (email)"
legitimate_interest = "Test interest (email)"
target_professions = ["avocat", "architecte", "directeur", "directrice", "gerant", "cabinet"]
allow_private_mailboxes = true
lia = "assessments/lia.md"
dpia_not_required = "Test registry"
fields = ["name", "given_name", "family_name", "job_title", "organization", "email"]

[b2b_email.notice.fr]
description = "Vous présenter nos offres par courriel."
legal_basis = "Intérêt légitime (article 6, paragraphe 1, point f, du RGPD)."
legitimate_interest = "Faire connaître nos offres aux professionnels concernés."

[b2b_email.notice.en]
description = "To present our offers by email."
legal_basis = "Legitimate interest (GDPR Article 6(1)(f))."
legitimate_interest = "Making our offers known to the professionals concerned."

[b2b_phone]
channel = "phone"
audience = "b2b"
legal_basis = "Legitimate interest, GDPR Art. 6(1)(f)"
description = "Calling professionals about offers related to their activity"
offer = "Test offer for professionals (phone)"
legitimate_interest = "Test interest (phone)"
lia = "assessments/lia.md"
dpia_not_required = "Test registry"
fields = ["name", "organization", "phone"]
opposition_max_age_days = 30
opposition_lists = ["bloctel"]

[b2b_phone.notice.fr]
description = "Vous appeler pour vous présenter nos offres."
legal_basis = "Intérêt légitime (article 6, paragraphe 1, point f, du RGPD)."
legitimate_interest = "Faire connaître nos offres aux professionnels concernés."

[b2b_phone.notice.en]
description = "To call you about our offers."
legal_basis = "Legitimate interest (GDPR Article 6(1)(f))."
legitimate_interest = "Making our offers known to the professionals concerned."

[b2c_phone]
channel = "phone"
audience = "b2c"
legal_basis = "Consent"
offer = "Consumer offers"
fields = ["name", "phone"]
opposition_max_age_days = 30

[b2c_phone.notice.fr]
description = "Vous appeler."
legal_basis = "Consentement."

[b2c_phone.notice.en]
description = "To call you."
legal_basis = "Consent."
"""


RECIPIENTS = """\
[callcenter]
name = "CallCenter SARL"
role = "processor"
country = "FR"
contract = "Contrat de sous-traitance 2026-01 (Art. 28)"
purposes = ["b2b_email", "b2b_phone"]

[partner]
name = "Partner SA"
role = "processor"
country = "FR"
contract = "DPA Partner 2026-02 (Art. 28)"
purposes = ["b2b_email", "b2b_phone"]

[us_mailer]
name = "SendWave Inc."
role = "processor"
country = "US"
contract = "SendWave DPA v4"
transfer_mechanism = "scc"
transfer_reference = "SCC 2021/914 module 2, annex to the DPA"
purposes = ["b2b_email"]

[broker]
name = "DataBroker Inc."
role = "controller"
country = "FR"
purposes = ["b2b_email"]
"""


def domain_policy(
    domain: str,
    *,
    extraction: str = "allowed",
    reviewed_days_ago: int = 10,
    every: int = 365,
    clause: str | None = "CGU art. 7",
) -> str:
    reviewed = TODAY - timedelta(days=reviewed_days_ago)
    lines = [
        f'domain = "{domain}"',
        f'extraction = "{extraction}"',
        'reason = "Test decision."',
        f'terms_url = "https://{domain}/cgu"',
        'reviewed_by = "Jeanne Juriste"',
        f"reviewed_on = {reviewed.isoformat()}",
        f"review_every_days = {every}",
    ]
    if clause:
        lines.append(f'clause = "{clause}"')
    return "\n".join(lines) + "\n"


def write_registry(directory: Path, policies: dict[str, str] | None = None) -> Path:
    """controller.toml, purposes.toml and domains/*.toml in ``directory``."""
    (directory / "domains").mkdir(parents=True, exist_ok=True)
    (directory / "controller.toml").write_text(CONTROLLER)
    (directory / "purposes.toml").write_text(PURPOSES)
    (directory / "recipients.toml").write_text(RECIPIENTS)
    (directory / "assessments").mkdir(exist_ok=True)
    (directory / "assessments" / "lia.md").write_text("# LIA (test registry)\n")
    if policies is None:
        policies = {
            "annuaire.test": domain_policy("annuaire.test"),
            "linkedin.com": domain_policy(
                "linkedin.com", extraction="forbidden", clause="User Agreement 8.2"
            ),
            "overdue.test": domain_policy("overdue.test", reviewed_days_ago=400),
            "soon.test": domain_policy("soon.test", reviewed_days_ago=355),
        }
    for domain, text in policies.items():
        (directory / "domains" / f"{domain}.toml").write_text(text)
    return directory


def make_db(path: Path) -> Database:
    """A store with one finished run and its policy snapshot."""
    db = open_database(path)
    db["runs"].insert(
        {
            "id": RUN,
            "spider": "directory",
            "purpose": "b2b_email",
            "started_at": f"{TODAY - timedelta(days=30)}T09:00:00Z",
            "finished_at": f"{TODAY - timedelta(days=30)}T09:05:00Z",
            "finish_reason": "finished",
        }
    )
    audit_log.append(db, "run_start", {"run_id": RUN})
    db["policy_snapshots"].insert(
        {
            "run_id": RUN,
            "file": "domains/annuaire.test.toml",
            "domain": "annuaire.test",
            "sha256": POLICY_SHA,
            "content": domain_policy("annuaire.test"),
        }
    )
    db["robots_snapshots"].insert(
        {
            "run_id": RUN,
            "url": "https://annuaire.test/robots.txt",
            "host": "annuaire.test",
            "fetched_at": f"{TODAY}T09:00:00Z",
            "status": 200,
            "sha256": ROBOTS_SHA,
            "body": "User-agent: *\nAllow: /\n",
        }
    )
    return db


def day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


def add_contact(
    db: Database,
    *,
    purpose: str = "b2b_email",
    days_ago: int = 5,
    sources: tuple[str, ...] = ("https://annuaire.test/p/1",),
    legal_basis: str = "Legitimate interest, GDPR Art. 6(1)(f)",
    informed: tuple[str, ...] | None = None,
    **columns: Any,
) -> int:
    """Insert one contact (collected ``days_ago``) and one source row per URL; with
    ``informed``, also a notice sent the day after collection naming those recipients."""
    seen = f"{day(days_ago).isoformat()}T10:00:00Z"
    key = (
        f"email:{columns['email']}"
        if columns.get("email")
        else f"phone:{columns['phone']}"
        if columns.get("phone")
        else f"name:{columns.get('name', '')}|"
    )
    row = {
        "kind": "person",
        **columns,
        "purpose": purpose,
        "legal_basis": legal_basis,
        "dedupe_key": key,
        "name_key": person_name(columns) or None,
        "first_seen": seen,
        "last_seen": seen,
        "retention_until": retention_until(seen),
    }
    contact_id = int(db["contacts"].insert(row).last_pk)
    for url in sources:
        db["sources"].insert(
            {
                "contact_id": contact_id,
                "url": url,
                "first_retrieved_at": seen,
                "last_retrieved_at": seen,
                "spider": "directory",
                "run_id": RUN,
                "policy_file": "domains/annuaire.test.toml",
                "policy_sha256": POLICY_SHA,
                "robots_sha256": ROBOTS_SHA,
                "method": "json-ld",
                "fields": json.dumps(sorted(k for k, v in columns.items() if v)),
            }
        )
    if informed is not None:
        db["notices"].insert(
            {
                "contact_id": contact_id,
                "status": "sent",
                "recorded_at": seen,
                "on_date": day(days_ago - 1).isoformat(),
                "channel": "email",
                "lang": "fr",
                "text_sha256": "0" * 64,
                "recipients": json.dumps(sorted(informed)),
                "days_late": 0,
            }
        )
    return contact_id


@dataclass
class Env:
    """A registry directory and a store, and a way to run the CLI over them."""

    root: Path
    policies: Path
    db_path: Path
    db: Database

    def run(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=input)

    def export(self, *options: str, fmt: str = "csv", purpose: str = "b2b_email") -> Result:
        """``export --purpose PURPOSE --format FMT OPTIONS`` over this store and registry."""
        return self.run(
            "export", "--purpose", purpose, "--format", fmt, *options,
            "--db", str(self.db_path), "--policies", str(self.policies),
        )  # fmt: skip

    def row(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...]:
        return tuple(self.db.execute(sql, params or []).fetchone())


def make_env(tmp_path: Path) -> Env:
    policies = write_registry(tmp_path / "policies")
    db_path = tmp_path / "c.db"
    return Env(tmp_path, policies, db_path, make_db(db_path))


def filled_env(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    db = env.db
    add_contact(db, name="Jeanne Martin", email="jeanne.martin@cabinet-martin.fr")
    add_contact(
        db,
        name="Paul Durand",
        email="paul.durand@durand.fr",
        sources=("https://annuaire.test/p/2", "https://pros.annuaire.test/x"),
    )
    add_contact(db, name="Old Timer", email="old@timer.fr", days_ago=3 * 366 + 2)
    for stage, rule, domain in [
        ("policy", "R2", "linkedin.com"),
        ("policy", "R2", "linkedin.com"),
        ("robots", "R3", "annuaire.test"),
    ]:
        db["refusals"].insert(
            {
                "run_id": RUN,
                "url": f"https://{domain}/x",
                "domain": domain,
                "stage": stage,
                "rule": rule,
                "reason": "test",
                "at": f"{TODAY}T10:00:00Z",
            }
        )
    for reason, rule in [("not_needed_for_purpose", "R4"), ("sensitive_health", "R4")]:
        db["drops"].insert(
            {
                "run_id": RUN,
                "url": "https://annuaire.test/p/1",
                "field": "description",
                "reason": reason,
                "rule": rule,
                "at": f"{TODAY}T10:00:00Z",
            }
        )
    bloctel = tmp_path / "bloctel.txt"
    bloctel.write_text("0612345678\n0698765432\n")
    import_list(db, bloctel, list_date=day(12))
    return env
