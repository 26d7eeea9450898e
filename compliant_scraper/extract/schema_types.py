"""Which schema.org types are contacts, and of which kind (person or organization).

The kinds come from the schema.org vocabulary itself: ``schema_types.json``, generated from one
named release by :mod:`.schema_vocabulary` (which says how to regenerate it). Every type the
release puts below ``Organization`` is an organization (186 in release 30.0, ``Organization``
included), ``Person`` is a person. On top of the vocabulary, two decisions of this project:

- :data:`EXCLUDED_TYPES` are never extracted: a ``Patient`` record reveals health data by its
  type alone (GDPR Art. 9, R4), whether it is written in ``@type`` or ``additionalType``.
- ``IndividualPhysician`` is an Organization subtype in schema.org but describes one doctor: a
  person.

A type name the release does not know (a newer release's type, a site's own) is an organization
when it ends with one of :data:`ORGANIZATION_SUFFIXES` (``DentalBusiness``, ``CheeseStore``), so
a vocabulary older than the page does not lose it. The suffixes never apply to a type the
release knows: ``DefenceEstablishment`` is a place and ``ReturnInStore`` a return policy.
``Service`` is not a suffix: most ``…Service`` types (``TaxiService``) are offers.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, Final
from urllib.parse import urlsplit

from .schema_vocabulary import load

PERSON: Final = "person"
ORGANIZATION: Final = "organization"

EXCLUDED_TYPES: Final = frozenset({"Patient"})
# Organization subtypes in schema.org that describe one person.
PERSON_OVERRIDES: Final = frozenset({"IndividualPhysician"})

ORGANIZATION_SUFFIXES: Final = ("Organization", "Business", "Store", "Agency", "Establishment")

_SCHEMA_HOSTS: Final = frozenset({"schema.org", "www.schema.org"})
_SCHEMA_PREFIXES: Final = frozenset({"schema", "sdo"})
_GENERIC: Final = frozenset({"Person", "Organization", "LocalBusiness"})


@cache
def _kinds() -> dict[str, str | None]:
    """Each type name of the shipped release -> ``"person"``, ``"organization"`` or ``None``."""
    table = load()
    kinds: dict[str, str | None] = dict.fromkeys(table["other"])
    kinds.update(dict.fromkeys(table["organization"], ORGANIZATION))
    kinds.update(dict.fromkeys(table["person"], PERSON))
    kinds.update(dict.fromkeys(PERSON_OVERRIDES, PERSON))
    return kinds


def schema_name(value: str) -> str | None:
    """The schema.org type name of ``Person``, ``schema:Person``, ``https://schema.org/Person``.

    ``None`` for another vocabulary (``http://xmlns.com/foaf/0.1/Person``, ``foaf:Person``).
    """
    value = value.strip()
    if "://" in value:
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. a broken IPv6 literal
            return None
        if (parts.hostname or "") not in _SCHEMA_HOSTS:
            return None
        value = (parts.fragment or parts.path).strip("/").rpartition("/")[2]
    elif ":" in value:
        prefix, _, value = value.partition(":")
        if prefix.lower() not in _SCHEMA_PREFIXES:
            return None
    return value or None


def kind_of(name: str) -> str | None:
    """``"person"``, ``"organization"`` or ``None`` for one schema.org type name."""
    kinds = _kinds()
    if name in kinds:
        return kinds[name]
    return ORGANIZATION if name.endswith(ORGANIZATION_SUFFIXES) else None


def contact_type(types: Any, additional: Any = None) -> tuple[str, str] | None:
    """``(schema_type, kind)`` of a node's ``@type`` and ``additionalType``, or ``None``.

    Each may be a string, a ``{"@id": …}`` node or a list of them. With several types the most
    specific contact type wins (``Dentist`` over ``LocalBusiness``), ``@type`` first; any
    excluded type excludes the node.
    """
    found: tuple[str, str] | None = None
    for raw in (*_strings(types), *_strings(additional)):
        name = schema_name(raw)
        if name is None:
            continue
        if name in EXCLUDED_TYPES:
            return None
        kind = kind_of(name)
        if kind is not None and (found is None or found[0] in _GENERIC):
            found = (name, kind)
    return found


def excluded_type(types: Any, additional: Any = None) -> bool:
    """Whether a node's ``@type`` or ``additionalType`` is one of :data:`EXCLUDED_TYPES`."""
    return any(
        schema_name(raw) in EXCLUDED_TYPES for raw in (*_strings(types), *_strings(additional))
    )


def _strings(value: Any) -> Iterator[str]:
    for element in value if isinstance(value, list) else [value]:
        if isinstance(element, dict):
            element = element.get("@id")
        if isinstance(element, str):
            yield element
