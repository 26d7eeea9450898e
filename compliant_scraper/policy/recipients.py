"""``policies/recipients.toml``: who may receive the data, in which role, where (R10, R11).

One table per recipient key (``[crm_cloud]``), which ``export --recipient KEY`` names.
``internal`` is reserved: it is the controller itself. Checked here, when the registry
loads: the role, the country (ISO 3166 alpha-2), the Art. 28 or Art. 26 agreement a
processor or joint controller needs, the transfer mechanism a recipient outside the EEA
needs (an adequacy decision the law table knows, or SCC or BCR, with its reference), and the
purposes it may receive. The file is optional: without it, only ``internal`` exports run.
What an export to a recipient may carry is decided at export time
(``tooling.exports``): an independent controller never receives prospecting data.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import Problem
from ..law import EEA, TRANSFER_MECHANISMS, adequacy_decision
from ..values.countries import is_country_code
from .model import RECIPIENT_ROLES, Purpose, Recipient, Registry
from .tables import NAME_CHARS, Check, Table, kind_of, known, quote

RECIPIENTS_FILE: Final = "recipients.toml"
INTERNAL: Final = "internal"
FEED: Final = "feed"  # a crawl's own feed file (a Scrapy feed to a local file or stdout)
OWN_COPIES: Final = (INTERNAL, FEED)
"""Recipients that are the controller itself: no notice names them, no table declares them."""
_NEEDS_CONTRACT: Final = {
    "processor": "an Art. 28 contract (GDPR Art. 28(3))",
    "joint_controller": "an Art. 26 arrangement (GDPR Art. 26(1))",
}


def read_recipients(
    problems: list[Problem], file: str, data: dict[str, Any], purpose_names: set[str] | None
) -> dict[str, Recipient]:
    """The valid recipients of one parsed ``recipients.toml``; problems appended."""
    recipients: dict[str, Recipient] = {}
    for key, table_data in data.items():
        if not isinstance(table_data, dict):
            message = f"must be a table ([{key}] and its keys), not {kind_of(table_data)}"
            problems.append(Problem(file, key, message))
            continue
        if key == INTERNAL:
            message = "internal is the controller itself and needs no table: choose another key"
            problems.append(Problem(file, key, message))
            continue
        if not key or not NAME_CHARS.issuperset(key):
            problems.append(Problem(file, key, "a recipient key uses only a-z, 0-9 and _"))
            continue
        table = Table(problems, file, table_data, prefix=f"{key}.")
        recipient = _recipient(table, key, purpose_names)
        if recipient is not None:
            recipients[key] = recipient
    return recipients


def _recipient(table: Table, key: str, purpose_names: set[str] | None) -> Recipient | None:
    name = table.text("name")
    role = table.choice("role", RECIPIENT_ROLES)
    country = table.value("country", str, _country)
    needs = _NEEDS_CONTRACT.get(role or "")
    contract = table.text("contract", required=False)
    if needs is not None and "contract" not in table.data:
        table.problem("contract", f"required for a {role}: the reference of {needs}")
    outside = country is not None and country not in EEA
    mechanism = table.value("transfer_mechanism", str, _mechanism(country), required=False)
    reference = table.text("transfer_reference", required=mechanism is not None)
    purposes = table.texts("purposes", check=known(purpose_names))
    notes = table.text("notes", required=False)
    if outside and mechanism is None and "transfer_mechanism" not in table.data:
        table.problem(
            "transfer_mechanism",
            f"{country} is outside the EEA: a transfer needs one of "
            f"{', '.join(map(quote, TRANSFER_MECHANISMS))} (GDPR Art. 45-47), with "
            "transfer_reference",
        )
    table.finish()
    if table.failed:
        return None
    assert name and role and country and purposes is not None
    return Recipient(
        key=key,
        name=name,
        role=role,
        country=country,
        purposes=purposes,
        contract=contract,
        transfer_mechanism=mechanism,
        transfer_reference=reference,
        notes=notes,
    )


def _country(value: str) -> tuple[str | None, str]:
    code = value.strip().upper()
    if len(code) == 2 and is_country_code(code):
        return code, ""
    return None, f'{quote(value)} is not an ISO 3166 alpha-2 country code such as "FR" or "US"'


def _mechanism(country: str | None) -> Check[str]:
    def check(value: str) -> tuple[str | None, str]:
        if value not in TRANSFER_MECHANISMS:
            options = ", ".join(map(quote, TRANSFER_MECHANISMS))
            return None, f"unknown value {quote(value)}: use one of {options}"
        if country is not None and country in EEA:
            return None, f"{country} is in the EEA: no transfer mechanism is needed (remove it)"
        if value == "adequacy" and country is not None and adequacy_decision(country) is None:
            return None, (
                f"no adequacy decision covers {country} (compliant_scraper/law.py "
                'ADEQUACY_DECISIONS): use "scc" or "bcr"'
            )
        return value, ""

    return check


def recipient_refusal(registry: Registry, purpose: Purpose, key: str) -> str | None:
    """Why an export (or a feed) of ``purpose`` may not go to ``key``; None when it may
    (R10, R11). ``internal`` and ``feed`` are the controller itself."""
    if key in OWN_COPIES:
        return None
    recipient = registry.recipients.get(key)
    if recipient is None:
        declared = ", ".join(sorted(registry.recipients)) or "none"
        return (
            f"cannot export to {key!r}: recipients.toml does not declare it (declared: "
            f"{declared}); a recipient needs its name, role, country, contract and purposes "
            "before it receives data (R10, R11)"
        )
    name = f"{key!r} ({recipient.name})"
    if purpose.name not in recipient.purposes:
        allowed = ", ".join(recipient.purposes)
        return f"cannot export {purpose.name!r} to {name}: recipients.toml allows it only {allowed}"
    if recipient.role == "controller":
        return (
            f"cannot export {purpose.name!r} to {name}: it is an independent controller, and "
            "passing prospect data to a partner who prospects on its own account is a new "
            "purpose that needs the persons' consent, which scraped data never carries "
            "(R10, R11)"
        )
    if recipient.country not in EEA and not (
        recipient.transfer_mechanism and recipient.transfer_reference
    ):
        return (
            f"cannot export to {name}: {recipient.country} is outside the EEA and no transfer "
            "mechanism (adequacy, scc or bcr, with its reference) is recorded (GDPR Art. 44-46)"
        )
    return None
