"""The HTML report says what an empty table means, not a bare "None." (a user-eye finding)."""

from __future__ import annotations

from pathlib import Path

from support.tooling import TODAY, make_env

from compliant_scraper.tooling.audit_html import render_html
from compliant_scraper.tooling.audit_report import build_report


def test_empty_policy_and_export_tables_say_what_is_none(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    report = build_report(env.db, db_path=env.db_path, policy_dir=env.policies, today=TODAY)
    # whatever the fixture registry's review dates: no policy overdue or due soon
    policies = {**report["policies"], "overdue": [], "due_soon": []}
    html = render_html({**report, "policies": policies})
    assert "No policy is overdue or due for review within 30 days" in html
    assert "No export has been made from this store." in html
    section = html.split("<h2>Policies</h2>")[1].split("<h2>")[0]
    assert "None." not in section
