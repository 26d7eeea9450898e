"""The auditor's questions as Datasette canned queries (``audit serve``; docs/auditor.md).

Datasette reads SQLite only, so these are written for SQLite (``julianday``, ``date('now')``,
``instr``); the tables they read are documented in docs/schema.md.
"""

from __future__ import annotations

from typing import Final

_HOST: Final = (
    "lower(substr(substr(s.url, instr(s.url, '//') + 2), 1, "
    "instr(substr(s.url, instr(s.url, '//') + 2) || '/', '/') - 1))"
)
QUERIES: Final[dict[str, dict[str, str]]] = {
    "provenance_by_email": {
        "title": "Where did this contact come from? (by email)",
        "sql": "SELECT c.id, c.name, c.email, c.phone, s.url, s.last_retrieved_at, s.method, "
        "s.policy_file, s.policy_sha256, p.content AS policy_text, s.robots_sha256, "
        "r.body AS robots_txt FROM contacts c JOIN sources s ON s.contact_id = c.id "
        "LEFT JOIN policy_snapshots p ON p.run_id = s.run_id AND p.file = s.policy_file "
        "LEFT JOIN robots_snapshots r ON r.sha256 = s.robots_sha256 AND r.run_id = s.run_id "
        "WHERE lower(c.email) = lower(:email)",
    },
    "provenance_by_id": {
        "title": "Where did this contact come from? (by contact id)",
        "sql": "SELECT s.url, s.last_retrieved_at, s.spider, s.run_id, s.method, s.policy_file, "
        "s.policy_sha256, s.robots_sha256, s.fields FROM sources s WHERE s.contact_id = :id "
        "ORDER BY s.last_retrieved_at",
    },
    "contacts_by_domain_and_purpose": {
        "title": "Contacts kept, by source domain and purpose",
        "sql": f"SELECT {_HOST} AS domain, c.purpose, count(DISTINCT c.id) AS contacts "
        "FROM sources s JOIN contacts c ON c.id = s.contact_id GROUP BY 1, 2 ORDER BY 3 DESC",
    },
    "refusals_by_stage_rule_domain": {
        "title": "What was refused, and why",
        "sql": "SELECT stage, rule, domain, count(*) AS refusals, min(reason) AS example_reason "
        "FROM refusals GROUP BY 1, 2, 3 ORDER BY 4 DESC",
    },
    "drops_by_reason": {
        "title": "What was not kept, and why",
        "sql": "SELECT d.reason, d.rule, f.value AS field, count(*) AS drops "
        "FROM drops d, json_each(d.fields) AS f GROUP BY 1, 2, 3 ORDER BY 4 DESC",
    },
    "opposition_lists_in_force": {
        "title": "Opposition lists in force and their age",
        "sql": "SELECT name, list_date, CAST(julianday('now') - julianday(list_date) AS INTEGER) "
        "AS age_days, count, imported_at, file_sha256 FROM opposition_lists WHERE active = 1",
    },
    "past_retention": {
        "title": "Contacts past retention (to purge)",
        "sql": "SELECT id, purpose, first_seen, last_contact_at, retention_until FROM contacts "
        "WHERE retention_until < date('now') ORDER BY retention_until",
    },
    "notices_pending": {
        "title": "Contacts not yet informed (Art. 14), deadline first",
        "sql": "SELECT c.id, c.purpose, c.first_seen, min(date(c.first_seen, '+1 month'), "
        "coalesce((SELECT min(n.on_date) FROM notices n WHERE n.contact_id = c.id AND "
        "n.status = 'due_first_communication'), '9999-12-31')) AS deadline FROM contacts c "
        "WHERE NOT EXISTS (SELECT 1 FROM notices n WHERE n.contact_id = c.id AND "
        "n.status IN ('sent', 'exempt')) ORDER BY deadline",
    },
    "exports_by_recipient": {
        "title": "Recipients of exports (Art. 30)",
        "sql": "SELECT recipient, purpose, count(*) AS exports, sum(count) AS rows, max(at) AS "
        "last_export FROM exports GROUP BY 1, 2",
    },
    "audit_log_events": {
        "title": "Audit log: events by kind",
        "sql": "SELECT event, count(*) AS rows, min(at) AS first, max(at) AS last "
        "FROM audit_log GROUP BY 1 ORDER BY 1",
    },
}
