"""``mailto:`` and ``tel:`` links of a page, as contacts of method ``mailto`` / ``tel``.

A link whose address or number is already the email or phone of a structured contact of the same
page, or of a node that is never a contact (a third party nested through a private relation, a
``Patient``), is skipped; each remaining value is one contact, in page order. Such a contact has no
``kind``: a bare link does not say whether it reaches a person or an organization.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from .entities import CONTACT_KEYS, Withheld
from .limits import Budget
from .values import phone_key, strip_mailto, strip_tel

MAILTO: Final = "mailto"
TEL: Final = "tel"
MARKERS: Final = {MAILTO: "mailto:", TEL: "tel:"}

_PREFIXES: Final = ("mailto:", "tel:")


def link_contacts(
    tree: Any,
    structured: Iterable[dict[str, Any]],
    budget: Budget | None = None,
    withheld: Withheld | None = None,
) -> list[dict[str, Any]]:
    """One contact per distinct ``mailto:`` / ``tel:`` value not already in ``structured``
    nor ``withheld`` (a third party's, a patient's), each counted as an item of ``budget``."""
    emails = {str(c["email"]).casefold() for c in structured if c.get("email")}
    phones = {phone_key(str(c["phone"])) for c in structured if c.get("phone")}
    if withheld is not None:
        emails |= withheld.emails
        phones |= withheld.phones
    contacts: list[dict[str, Any]] = []
    for href in _hrefs(tree):
        if href[:7].lower() == "mailto:":
            email = strip_mailto(href)
            if email and email.casefold() not in emails:
                if budget is not None and not budget.take_item("links"):
                    break
                emails.add(email.casefold())
                contacts.append(_contact(MAILTO, email=email))
        else:
            phone = strip_tel(href)
            if phone and (key := phone_key(phone)) and key not in phones:
                if budget is not None and not budget.take_item("links"):
                    break
                phones.add(key)
                contacts.append(_contact(TEL, phone=phone))
    return contacts


def _hrefs(tree: Any) -> list[str]:
    """The stripped ``mailto:`` / ``tel:`` hrefs of ``<a>`` and ``<area>``, in page order.

    A Python filter over ``iter()``: faster than an XPath with string functions on big pages.
    """
    hrefs = (str(element.get("href") or "").strip() for element in tree.iter("a", "area"))
    return [href for href in hrefs if href[:7].lower().startswith(_PREFIXES)]


def _contact(method: str, **values: str) -> dict[str, Any]:
    contact: dict[str, Any] = dict.fromkeys(CONTACT_KEYS)
    contact.update(values, method=method)
    return contact
