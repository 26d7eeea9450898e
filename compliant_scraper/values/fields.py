"""The one field table: every key a contact item can carry, and what each one is.

Every list of fields in the package is derived from ``FIELDS`` (the purpose fields legal
may name in ``policies/purposes.toml``, the ``contacts`` columns, the keys the extractors
yield, the fields scanned for special categories, the ones a person may rectify, the
categories an Art. 14 notice names). Adding a field is one row here, plus a migration
for its column (``store/schema.py``: a shipped migration is never edited).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

Role = Literal["bookkeeping", "purpose", "derived"]


@dataclass(frozen=True)
class Field:
    """One key of a contact item."""

    name: str
    role: Role  # bookkeeping: describes the record; purpose: personal data a purpose keeps;
    # derived: computed from another field (``derived_from``) and kept with it
    column: bool = False  # a column of the ``contacts`` table
    category: str = ""  # the category of data an Art. 14 notice names (purpose fields)
    text: bool = False  # free text: scanned for special categories (R4)
    identifier: bool = False  # a name, an address or an identifier: a single word there is a
    # name ("Marie Dieu", "rue des Juifs"), so the scan only listens to whole statements
    derived_from: str | None = None
    rectifiable: bool = False  # ``subject rectify --field`` may set it (Art. 16)
    schema_org: str = ""  # the schema.org property a spider may yield for it instead


def _purpose(
    name: str,
    category: str,
    *,
    text: bool = True,
    identifier: bool = False,
    schema_org: str = "",
) -> Field:
    return Field(
        name,
        "purpose",
        column=True,
        category=category,
        text=text,
        identifier=identifier,
        rectifiable=True,
        schema_org=schema_org,
    )


FIELDS: Final[tuple[Field, ...]] = (
    Field("kind", "bookkeeping", column=True, rectifiable=True),  # person | organization
    Field("schema_type", "bookkeeping"),  # the schema.org type found
    _purpose("name", "identity", identifier=True),
    _purpose("given_name", "identity", identifier=True, schema_org="givenName"),
    _purpose("family_name", "identity", identifier=True, schema_org="familyName"),
    _purpose("job_title", "professional", schema_org="jobTitle"),
    _purpose("organization", "professional", schema_org="worksFor"),
    _purpose("email", "email", identifier=True),
    _purpose("phone", "phone", text=False, identifier=True, schema_org="telephone"),
    _purpose("street_address", "address", identifier=True, schema_org="streetAddress"),
    _purpose("postal_code", "address", text=False, identifier=True, schema_org="postalCode"),
    _purpose("locality", "address", identifier=True, schema_org="addressLocality"),
    _purpose("country", "address", text=False, identifier=True, schema_org="addressCountry"),
    _purpose("website", "website", identifier=True, schema_org="url"),
    Field("email_kind", "derived", column=True, derived_from="email"),  # generic | personal
    Field("phone_type", "derived", column=True, derived_from="phone"),  # mobile, fixed_line...
    Field("method", "bookkeeping"),  # json-ld, microdata, rdfa, mailto, tel
    Field("provenance", "bookkeeping"),  # the Provenance stamp (provenance.ITEM_KEY)
)

BY_NAME: Final[dict[str, Field]] = {f.name: f for f in FIELDS}

CONTACT_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.role == "purpose")
"""The personal-data fields a purpose may keep (``fields`` in purposes.toml), in table order."""

COLUMNS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.column)
"""The value columns of ``contacts``: kind, the purpose fields, the derived fields."""

BOOKKEEPING: Final[frozenset[str]] = frozenset(f.name for f in FIELDS if f.role == "bookkeeping")
"""Keys that describe the record, not the person: never dropped, never stored as values."""

DERIVED: Final[dict[str, str]] = {
    f.name: f.derived_from for f in FIELDS if f.derived_from is not None
}
"""Derived key -> the field it comes from (kept when that field is kept, dropped with it)."""

DERIVED_OF: Final[dict[str, str]] = {source: name for name, source in DERIVED.items()}
"""Field -> the key derived from it (``email`` -> ``email_kind``)."""

ITEM_KEYS: Final[tuple[str, ...]] = tuple(
    f.name for f in FIELDS if f.role != "derived" and f.name != "provenance"
)
"""The keys the bundled extractors yield (the provenance stamp adds ``provenance``)."""

TEXT_FIELDS: Final[frozenset[str]] = frozenset(f.name for f in FIELDS if f.text)
"""Kept values scanned for special categories; the others are codes (a number, a country)."""

IDENTIFIER_FIELDS: Final[frozenset[str]] = frozenset(f.name for f in FIELDS if f.identifier)
"""Names, addresses and identifiers: the special-category scan listens to statements only."""

RECTIFIABLE: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.rectifiable)
"""What ``subject rectify --field`` accepts (Art. 16)."""

IDENTIFIERS: Final[tuple[str, ...]] = ("email", "phone")
"""What recognises a person across purposes and lists: the suppression list hashes these, an
erasure follows them, de-duplication tries them first (strongest first)."""

NAME_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.category == "identity")
"""The fields that name a person (``name``, else ``given_name`` + ``family_name``)."""

CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    category: tuple(f.name for f in FIELDS if f.category == category)
    for category in dict.fromkeys(f.category for f in FIELDS if f.category)
}
"""Category of data -> its fields, in the order an Art. 14 notice lists them."""

SCHEMA_ORG: Final[dict[str, str]] = {f.schema_org: f.name for f in FIELDS if f.schema_org}
"""schema.org property -> field name: what a spider yielding schema.org's own names means."""

KNOWN_KEYS: Final[tuple[str, ...]] = (*ITEM_KEYS, *SCHEMA_ORG)
"""What a spider's item keys are compared with for a did-you-mean."""

ADDRESS: Final = "address"
"""schema.org's ``address``: a ``PostalAddress`` whose parts map to the address fields."""

_LABELS: Final = ("name", "@value")


def canonical_keys(item: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``item`` with schema.org property names read as field names, and the keys that are
    neither a field nor a mapped property (dropped later by minimisation, with a row).

    ``telephone`` -> ``phone``, ``worksFor`` -> ``organization`` (a node's ``name``),
    ``address`` given as a mapping -> its ``streetAddress``, ``postalCode``... parts. A
    field name the item also carries wins over its schema.org alias, which stays as an
    unknown key so its drop is recorded rather than its value silently replaced.
    """
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key == ADDRESS and isinstance(value, Mapping):
            rest = {}
            for part, part_value in value.items():
                if part in SCHEMA_ORG and SCHEMA_ORG[part] not in item:
                    out.setdefault(SCHEMA_ORG[part], part_value)
                elif not part.startswith("@") and part_value not in (None, ""):
                    rest[part] = part_value  # addressRegion...: dropped with a row
            if rest:
                out[ADDRESS] = rest
            continue
        name = SCHEMA_ORG.get(key)
        if name is None or name in item:
            out.setdefault(key, value)
            continue
        if isinstance(value, Mapping):
            value = next((value[k] for k in _LABELS if value.get(k)), value)
        out.setdefault(name, value)
    unknown = [k for k in out if k not in BY_NAME]
    return out, unknown
