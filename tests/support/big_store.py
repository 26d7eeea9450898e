"""A large store for the HTML report's browser test and bench (issue 14 item 6): N contacts,
each with one source whose policy and robots.txt snapshots exist, plus refusals and drops."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from compliant_scraper.store.database import open_database

DOMAINS = 50
RUN = "run-big"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build(path: Path, contacts: int) -> Path:
    """Create ``path`` (migrated by the package) and fill it; returns the path."""
    open_database(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO runs (id, spider, purpose, started_at, finished_at, finish_reason, stats) "
            "VALUES (?, 'directory', 'b2b_email', '2026-12-01T10:00:00Z', "
            "'2026-12-01T12:00:00Z', 'finished', '{}')",
            [RUN],
        )
        policies, robots = [], []
        for d in range(DOMAINS):
            domain = f"annuaire-{d}.test"
            content = (
                f'domain = "{domain}"\nextraction = "allowed"\nreason = "Open directory {d}"\n'
            )
            policies.append((RUN, f"domains/{domain}.toml", domain, _sha(content), content))
            body = f"User-agent: *\nDisallow: /private-{d}/\n"
            robots.append(
                (RUN, f"http://{domain}/robots.txt", domain, "2026-12-01T10:00:00Z", 200, None,
                 _sha(body), body)
            )  # fmt: skip
        conn.executemany("INSERT INTO policy_snapshots VALUES (?, ?, ?, ?, ?)", policies)
        conn.executemany(
            "INSERT INTO robots_snapshots (run_id, url, host, fetched_at, status, error, sha256, "
            "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            robots,
        )
        conn.executemany(
            "INSERT INTO contacts (id, kind, name, job_title, organization, email, email_kind, "
            "locality, country, purpose, legal_basis, dedupe_key, first_seen, last_seen, "
            "retention_until) VALUES (?, 'person', ?, 'Avocate', ?, ?, 'personal', 'Paris', "
            "'FR', 'b2b_email', 'Legitimate interest', ?, '2026-12-01T10:00:00Z', "
            "'2026-12-01T10:00:00Z', '2029-12-01')",
            (
                (i, f"Personne {i}", f"Cabinet {i % 997}", f"p{i}@cabinet-{i % 997}.test",
                 f"email:p{i}@cabinet-{i % 997}.test")
                for i in range(1, contacts + 1)
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO sources (contact_id, url, last_retrieved_at, spider, run_id, policy_file, "
            "policy_sha256, robots_sha256, method, fields) VALUES (?, ?, "
            "'2026-12-01T11:00:00Z', 'directory', ?, ?, ?, ?, 'json-ld', '[\"name\"]')",
            (
                (i, f"http://{policies[i % DOMAINS][2]}/pros/{i}.html", RUN,
                 policies[i % DOMAINS][1], policies[i % DOMAINS][3], robots[i % DOMAINS][6])
                for i in range(1, contacts + 1)
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO refusals (run_id, url, domain, stage, rule, reason, at) VALUES "
            "(?, ?, ?, ?, ?, ?, '2026-12-01T11:00:00Z')",
            (
                (RUN, f"https://www.linkedin.com/in/p{i}", "www.linkedin.com", "policy", "R2",
                 "linkedin.com forbids extraction (User Agreement §8.2)")
                for i in range(contacts // 5)
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO drops (run_id, url, fields, reason, rule, at) VALUES "
            "(?, ?, ?, ?, ?, '2026-12-01T11:00:00Z')",
            (
                (RUN, f"http://annuaire-{i % DOMAINS}.test/pros/{i}.html",
                 ('["description"]', '["phone"]', '["*"]')[i % 3],
                 ("not_needed_for_purpose", "opposition_list", "sensitive_health")[i % 3],
                 ("R4", "R7", "R4")[i % 3])
                for i in range(contacts // 2)
            ),
        )  # fmt: skip
    conn.close()
    return path
