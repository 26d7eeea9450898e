from __future__ import annotations

from compliant_scraper.policy.model import Purpose
from compliant_scraper.screening.minimise import minimise

EMAIL = Purpose(
    "b2b_email", "email", "b2b", "legitimate interest", ("name", "email", "organization")
)


def test_keeps_only_purpose_fields_and_bookkeeping() -> None:
    item = {
        "kind": "person",
        "method": "json-ld",
        "name": "Jeanne Martin",
        "email": "jeanne.martin@acme.test",
        "email_kind": "personal",
        "phone": "+33612345678",
        "phone_type": "mobile",
        "description": "Bio",
        "birth_date": "1980-01-01",
        "image": "",
    }
    kept, dropped = minimise(item, EMAIL)
    assert kept == {
        "kind": "person",
        "method": "json-ld",
        "name": "Jeanne Martin",
        "email": "jeanne.martin@acme.test",
        "email_kind": "personal",
    }
    # Empty values are not reported as drops: there was nothing to drop.
    assert sorted(dropped) == ["birth_date", "description", "phone", "phone_type"]
