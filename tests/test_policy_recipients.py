"""recipients.toml: who may receive exports, in which role and where (R10, R11)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from compliant_scraper.policy.loader import load_registry, validate_directory

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "policies"
TODAY = date(2026, 11, 23)


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    """The fixture registry copied to ``tmp_path``, with ``files`` added."""
    root = tmp_path / "policies"
    shutil.copytree(FIXTURE, root)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


GOOD = """\
[crm]
name = "Nuage CRM SAS"
role = "processor"
country = "FR"
contract = "DPA 2026-03"
purposes = ["test_b2b_email"]
"""


def problems(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    root = _write(tmp_path, {"recipients.toml": text})
    return [(p.file, p.field, p.message) for p in validate_directory(root, today=TODAY)]


def test_shipped_recipients() -> None:
    root = Path(__file__).resolve().parents[1] / "policies"
    recipients = load_registry(root, today=TODAY).recipients
    assert {r.role for r in recipients.values()} == {"processor", "controller"}
    us = recipients["emailing_us"]
    assert (us.country, us.transfer_mechanism) == ("US", "adequacy") and us.transfer_reference
    assert recipients["call_centre_ma"].transfer_mechanism == "scc"


def test_a_registry_without_recipients_file_loads() -> None:
    assert load_registry(FIXTURE, today=TODAY).recipients == {}


def test_a_valid_recipient(tmp_path: Path) -> None:
    registry = load_registry(_write(tmp_path, {"recipients.toml": GOOD}), today=TODAY)
    crm = registry.recipients["crm"]
    assert (crm.name, crm.role, crm.country, crm.contract) == (
        "Nuage CRM SAS",
        "processor",
        "FR",
        "DPA 2026-03",
    )
    assert crm.purposes == ("test_b2b_email",) and crm.transfer_mechanism is None
    assert "recipients.toml" in registry.files


US_SCC = GOOD.replace('"FR"', '"US"') + 'transfer_mechanism = "scc"\ntransfer_reference = "SCC"\n'


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            GOOD.replace('role = "processor"', 'role = "partner"'),
            "crm.role",
            'unknown value "partner": use one of "processor", "joint_controller", "controller"',
        ),
        (
            GOOD.replace('"FR"', '"France"'),
            "crm.country",
            '"France" is not an ISO 3166 alpha-2 country code such as "FR" or "US"',
        ),
        (
            GOOD.replace('"FR"', '"XX"'),
            "crm.country",
            '"XX" is not an ISO 3166 alpha-2 country code such as "FR" or "US"',
        ),
        (
            GOOD.replace('contract = "DPA 2026-03"\n', ""),
            "crm.contract",
            "required for a processor: the reference of an Art. 28 contract (GDPR Art. 28(3))",
        ),
        (
            GOOD.replace('contract = "DPA 2026-03"\n', "").replace("processor", "joint_controller"),
            "crm.contract",
            "required for a joint_controller: the reference of an Art. 26 arrangement "
            "(GDPR Art. 26(1))",
        ),
        (
            GOOD.replace('"FR"', '"US"'),
            "crm.transfer_mechanism",
            'US is outside the EEA: a transfer needs one of "adequacy", "scc", "bcr" '
            "(GDPR Art. 45-47), with transfer_reference",
        ),
        (
            US_SCC.replace('transfer_reference = "SCC"\n', ""),
            "crm.transfer_reference",
            "required key is missing",
        ),
        (
            US_SCC.replace('"scc"', '"contract"'),
            "crm.transfer_mechanism",
            'unknown value "contract": use one of "adequacy", "scc", "bcr"',
        ),
        (
            US_SCC.replace('"US"', '"MA"').replace('"scc"', '"adequacy"'),
            "crm.transfer_mechanism",
            "no adequacy decision covers MA (compliant_scraper/law.py ADEQUACY_DECISIONS): "
            'use "scc" or "bcr"',
        ),
        (
            GOOD + 'transfer_mechanism = "scc"\ntransfer_reference = "x"\n',
            "crm.transfer_mechanism",
            "FR is in the EEA: no transfer mechanism is needed (remove it)",
        ),
        (
            GOOD.replace('["test_b2b_email"]', '["b2b_fax"]'),
            "crm.purposes",
            'unknown purpose "b2b_fax": purposes.toml defines test_b2b_email, test_b2b_phone, '
            "test_b2b_post, test_b2c_email, test_b2c_phone",
        ),
        (
            GOOD.replace('purposes = ["test_b2b_email"]\n', ""),
            "crm.purposes",
            "required key is missing",
        ),
        (GOOD + "zzz = 1\n", "crm.zzz", "unknown key"),
        (
            GOOD.replace("[crm]", "[internal]"),
            "internal",
            "internal is the controller itself and needs no table: choose another key",
        ),
        (
            GOOD.replace("[crm]", '["CRM Cloud"]'),
            "CRM Cloud",
            "a recipient key uses only a-z, 0-9 and _",
        ),
        ("crm = 1\n", "crm", "must be a table ([crm] and its keys), not the number 1"),
    ],
)
def test_recipient_problems(tmp_path: Path, text: str, field: str, message: str) -> None:
    assert ("recipients.toml", field, message) in problems(tmp_path, text)


def test_a_controller_needs_no_contract_and_adequacy_is_accepted(tmp_path: Path) -> None:
    text = (
        '[partner]\nname = "P"\nrole = "controller"\ncountry = "CH"\n'
        'transfer_mechanism = "adequacy"\ntransfer_reference = "Decision 2000/518/EC"\n'
        'purposes = ["test_b2b_email"]\n'
    )
    assert problems(tmp_path, text) == []
