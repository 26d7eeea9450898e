"""The HTML report says what an empty table means, not a bare "None." (a user-eye finding)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from support.tooling import TODAY, filled_env, make_env

from compliant_scraper.tooling.audit_html import render_html
from compliant_scraper.tooling.audit_report import build_report
from compliant_scraper.tooling.opposition_import import import_list


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


def test_the_source_domain_bars_say_a_contact_counts_under_each_of_its_domains(
    tmp_path: Path,
) -> None:
    """Before: the bars added up to 4 for 3 contacts (Paul Durand has sources on two
    domains) and the report did not say why."""
    env = filled_env(tmp_path)
    html = render_html(build_report(env.db, db_path=env.db_path, policy_dir=None, today=TODAY))
    section = html.split("<h2>Contacts kept</h2>")[1].split("<h2>")[0]
    assert (
        "Each contact counts once under every domain it has a source on: these counts add up "
        "to 4 for 3 contacts kept." in section
    )


def test_a_final_list_past_the_freshness_line_says_why_it_is_accepted(tmp_path: Path) -> None:
    """Before: Bloctel's final list (dated on the closing day) was drawn far past the
    30-day line with no word saying why it is still in force."""
    env = make_env(tmp_path)
    listed = tmp_path / "bloctel.txt"
    listed.write_text("0612345678\n")
    import_list(env.db, listed, list_date=date(2026, 8, 1), today=date(2026, 8, 2))
    report = build_report(env.db, db_path=env.db_path, policy_dir=None, today=date(2026, 12, 4))
    section = render_html(report).split("<h2>Opposition lists (R7)</h2>")[1].split("<h2>")[0]
    assert "Bloctel (dated 2026-08-01; final list)" in section
    assert (
        "Bloctel closed on 2026-08-10: the list dated 2026-08-01 is its final list, a permanent "
        "record of the objections made while it was open. No newer list will come, so its age "
        "for the freshness limit stopped at the closing date (9 days): it is accepted at any "
        "age (R7)." in section
    )
    assert report["opposition_lists"][0]["age_days"] == 125  # the calendar age, as drawn
