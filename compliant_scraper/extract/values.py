"""Small value helpers shared by the extractors: text coercion, key names, link prefixes."""

from __future__ import annotations

import json
import re
from typing import Any, Final
from urllib.parse import unquote

_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD: Final = re.compile(r"\W+")

# Keys of a node tried, in order, when a nested node stands for a single text value.
_LABEL_KEYS: Final = ("name", "@value", "url", "@id", "value", "contentUrl")


def local_name(key: str) -> str:
    """``http://schema.org/jobTitle``, ``schema:jobTitle`` or ``jobTitle`` -> ``jobTitle``."""
    if key.startswith("@"):
        return key
    key = key.rstrip("/#")
    for sep in ("#", "/", ":"):
        if sep in key:
            key = key.rpartition(sep)[2]
    return key


def snake_case(key: str) -> str:
    """``birthDate`` -> ``birth_date``; ``sameAs`` -> ``same_as``; ``URL`` -> ``url``."""
    name = _CAMEL.sub("_", local_name(key))
    return _NON_WORD.sub("_", name).strip("_").lower()


def text(value: Any) -> str | None:
    """One clean text for a value: the first non-empty one of a list, a nested node's label."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned or None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        for element in value:
            found = text(element)
            if found is not None:
                return found
        return None
    if isinstance(value, dict):
        for key in _LABEL_KEYS:
            if key in value:
                found = text(value[key])
                if found is not None:
                    return found
        return None
    return text(str(value))


def all_text(value: Any) -> str | None:
    """Every value as one text (lists joined with ``", "``), for the passed-through properties."""
    if isinstance(value, list | tuple):
        parts = [part for part in (all_text(element) for element in value) if part]
        return ", ".join(parts) or None
    if isinstance(value, dict):
        label = text(value)
        if label is not None:
            return label
        plain = {k: v for k, v in value.items() if not k.startswith("@")}
        return json.dumps(plain, ensure_ascii=False, sort_keys=True, default=str) if plain else None
    return text(value)


def strip_mailto(value: str) -> str | None:
    """``mailto:Jean%40x.fr?subject=Hi`` -> ``Jean@x.fr`` (first address of a list)."""
    value = value.strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    value = unquote(value.partition("?")[0]).split(",")[0]
    return text(value)


def strip_tel(value: str) -> str | None:
    """``tel:+33%201%2023`` -> ``+33 1 23``; a value without the prefix is returned as is."""
    value = value.strip()
    if value[:4].lower() == "tel:":
        value = unquote(value[4:])
    return text(value)


def phone_key(value: str) -> str:
    """A comparison key for one number written two ways on a page (``+33 1 23…`` / ``01 23…``).

    The last nine digits: the French national significant number, and enough to tell two numbers
    of one page apart elsewhere. Only used to skip a ``tel:`` link that repeats a structured one.
    """
    digits = "".join(c for c in value if c.isdigit())
    return digits[-9:]
