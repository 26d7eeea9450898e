"""``compliant-scraper register``: the Art. 30 record entry (R10)."""

from __future__ import annotations

from pathlib import Path

from support.tooling import add_contact, domain_policy, make_env


def test_register_entry(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    add_contact(
        env.db, name="Jeanne Martin", email="jeanne.martin@cabinet-martin.fr", job_title="Avocate"
    )
    add_contact(env.db, purpose="b2b_phone", name="Paul", phone="+33612345678")
    exported = env.export(
        "--out", str(tmp_path / "e.csv"), "--recipient", "partner", "--inform-now"
    )
    assert exported.exit_code == 0, exported.output
    result = env.run("register", "--db", str(env.db_path), "--policies", str(env.policies))
    assert result.exit_code == 0, result.output
    md = result.output
    assert md.startswith("# Record of processing activities (GDPR Art. 30): Prospectia SAS\n")
    for heading in (
        "## Controller",
        "## Purposes and legal bases",
        "## Categories of persons",
        "## Categories of data",
        "## Sources",
        "## Retention",
        "## Recipients",
        "## Transfers outside the EEA (Art. 44-49)",
        "## Security measures",
        "## To complete by the controller",
    ):
        assert f"\n{heading}\n" in md
    assert (
        "| b2b_email | email | b2b | Legitimate interest, GDPR Art. 6(1)(f) | Emailing "
        "professionals about offers related to their activity | yes | 1 |"
    ) in md
    # A purpose the law refuses says so, with the law's sentence, and concerns no one.
    assert "| b2c_phone | phone | b2c | Consent | - | no: purpose 'b2c_phone' (b2c phone)" in (md)
    assert "- Held today: name, job_title, email, phone.\n" in md
    assert "| annuaire.test | domains/annuaire.test.toml | allowed | CGU art. 7 |" in md
    assert "| partner | b2b_email | 1 | 1 |" in md
    # Recipients and transfers come from recipients.toml; nothing is typed in.
    assert (
        "| partner | Partner SA | processor | FR | DPA Partner 2026-02 (Art. 28) | b2b_email, "
        "b2b_phone | b2b_email, b2b_phone |"
    ) in md
    # An independent controller is declared, but every export to it is refused: it receives
    # nothing, and the register says why rather than listing it as a recipient of data.
    assert "| broker | DataBroker Inc. | controller | FR | - | b2b_email | nothing |" in md
    assert "- broker: cannot export 'b2b_email' to 'broker' (DataBroker Inc.): it is an " in md
    assert (
        "## Transfers outside the EEA (Art. 44-49)\n\n- SendWave Inc. (us_mailer, US): standard "
        "contractual clauses adopted by the European Commission (GDPR Art. 46(2)(c)), SCC "
        "2021/914 module 2, annex to the DPA.\n"
    ) in md
    assert "Transfers outside the European Union: none" not in md
    assert "| b2b_email | Test offer for professionals (email) | avocat, architecte," in md
    assert "| assessments/lia.md | not required: Test registry |" in md
    assert "- Database file owner-only (mode now 0600)" in md
    assert "Tamper-evident audit log (hash chain with an HMAC head anchor): intact." in md
    # Categories of persons: the b2c purpose is refused by law and holds no one.
    assert "## Categories of persons\n\n- professionals: " in md
    assert "consumers" not in md.split("## Categories of persons")[1].split("##")[0]
    assert "Collection of contact data from publicly accessible online directories" in md


def test_register_transfers_and_sources_follow_the_facts(tmp_path: Path) -> None:
    """A recipient outside the EEA that every export refuses is no transfer; a domain whose
    policy accepts pages behind a login is not called publicly accessible (R11, R5)."""
    env = make_env(tmp_path)
    recipients = env.policies / "recipients.toml"
    recipients.write_text(
        recipients.read_text().replace(
            'name = "DataBroker Inc."\nrole = "controller"\ncountry = "FR"',
            'name = "DataBroker Inc."\nrole = "controller"\ncountry = "US"\n'
            'transfer_mechanism = "scc"\ntransfer_reference = "draft"',
        )
    )
    members = env.policies / "domains" / "membres.test.toml"
    members.write_text(domain_policy("membres.test") + "authenticated = true\n")
    result = env.run("register", "--db", str(env.db_path), "--policies", str(env.policies))
    assert result.exit_code == 0, result.output
    md = result.output
    transfers = md.split("## Transfers outside the EEA (Art. 44-49)\n\n")[1].split("\n\n")[0]
    assert transfers == (
        "- SendWave Inc. (us_mailer, US): standard contractual clauses adopted by the European "
        "Commission (GDPR Art. 46(2)(c)), SCC 2021/914 module 2, annex to the DPA.\n"
        "- Declared outside the EEA but refused every export (no transfer takes place): "
        "DataBroker Inc. (broker, US)."
    )
    assert (
        "Collection of contact data from online directories, publicly accessible except on "
        "membres.test, where pages behind a login are collected (policy `authenticated = true`)"
    ) in md


def test_register_to_a_new_file(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    out = tmp_path / "register.md"
    args = (
        "register",
        "--out",
        str(out),
        "--db",
        str(env.db_path),
        "--policies",
        str(env.policies),
    )
    first = env.run(*args)
    assert first.exit_code == 0
    assert first.output == f"Register entry written to {out}\n"
    assert out.read_text().startswith("# Record of processing activities")
    second = env.run(*args)
    assert second.exit_code == 1
    assert second.output == f"Error: --out: {out} exists; choose a new file\n"
