"""The Art. 30 register is facts, then rendering (issue 11 item 7), as the audit report is.

``register_facts`` reads the registry, the store and the files; ``register_markdown.render``
writes only what the facts say, so a changed fact changes the text and nothing else is read.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from support.tooling import TODAY, add_contact, make_env

from compliant_scraper.tooling import register_markdown
from compliant_scraper.tooling.policy_report import load
from compliant_scraper.tooling.register_facts import RegisterFacts, register_facts


def _facts(tmp_path: Path) -> RegisterFacts:
    env = make_env(tmp_path)
    add_contact(env.db, name="Jeanne Martin", email="jeanne.martin@cabinet-martin.fr")
    return register_facts(env.db, load(env.policies, TODAY), db_path=env.db_path, today=TODAY)


def test_the_facts_come_from_the_store_and_the_disk(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    assert facts.audit_broken is None
    assert facts.db_mode == "0600"
    assert "email" in facts.held_columns
    assert sum(row[-1] for row in facts.purposes) == 1  # contacts held, by purpose
    assert facts.today == TODAY


def test_the_text_says_what_the_facts_say(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    text = register_markdown.render(facts)
    assert "hash chain with an HMAC head anchor): intact." in text
    changed = dataclasses.replace(
        facts,
        audit_broken="row 4: content does not match its sha256",
        expired_today=7,
        to_complete=["Something only the controller knows."],
    )
    other = register_markdown.render(changed)
    assert "BROKEN (row 4: content does not match its sha256)" in other
    assert "- Contacts past retention today: 7." in other
    assert other.endswith(
        "## To complete by the controller\n\n- Something only the controller knows.\n"
    )
