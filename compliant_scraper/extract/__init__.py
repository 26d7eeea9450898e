"""Contact extraction from web pages (extruct, mailto:, tel:)."""

from __future__ import annotations

from .contacts import extract_contacts
from .entities import CONTACT_KEYS

__all__ = ["CONTACT_KEYS", "extract_contacts"]
