"""Item classes survive the compliance layer (issue 14 item 7).

A user's spider may yield a ``scrapy.Item``, a dataclass, an attrs or a pydantic object, or a
plain dict. The provenance stamp and the compliance pipeline hand on an item of the same class,
so a later pipeline's ``isinstance`` routing keeps working; what the pipeline hands on carries
the screened, minimised values only (never the values the spider yielded).

Where the provenance travels: a dict carries it under ``provenance`` (``ITEM_KEY``), as it
always has; an item class that declares a ``provenance`` field gets it there; any other item
carries it in the private attribute ``_compliance_provenance``, which no exporter reads as a
field. ``provenance_of(item)`` reads it from any of the three.

Decision: rebuild the item rather than mutate the spider's object. The stamp copies the item
(a spider may yield one object twice, from two pages with two sources), and the pipeline builds
a new one from the screened values: a field the purpose did not keep is absent (``None`` for a
dataclass, whose constructor wants every field), so an unscreened value can never leak through
an object the pipeline returns. Rejected: adding a ``provenance`` field to the user's class at
run time (it changes the user's class for the whole process). Keys the screening adds that the
class does not declare (``email_kind``, ``phone_type``) are not set on it; they are in the
store. A class that can hold neither the fields nor the attribute (``__slots__`` without the
fields, a constructor that refuses the values) is handed on as a dict, with one warning per
class naming it.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Any, Final

from itemadapter import ItemAdapter

from ..provenance import ITEM_KEY, Provenance
from ..values.fields import SCHEMA_ORG

logger = logging.getLogger(__name__)

PROVENANCE_ATTR: Final = "_compliance_provenance"
_warned: set[type] = set()


def provenance_of(item: Any) -> Provenance | None:
    """The provenance the compliance layer stamped on ``item`` (``None`` when it has none)."""
    if isinstance(item, Mapping):
        found = item.get(ITEM_KEY)
        if isinstance(found, Provenance):
            return found
    else:
        adapter = ItemAdapter(item)
        if ITEM_KEY in adapter.field_names():
            found = adapter.get(ITEM_KEY)
            if isinstance(found, Provenance):
                return found
    found = getattr(item, PROVENANCE_ATTR, None)
    return found if isinstance(found, Provenance) else None


def as_mapping(item: Any) -> dict[str, Any]:
    """The item's values as a dict, with its provenance under ``ITEM_KEY``."""
    data = dict(ItemAdapter(item).items())
    data[ITEM_KEY] = provenance_of(item)
    return data


def stamped(item: Any, provenance: Provenance | None) -> Any:
    """A copy of ``item``, of its class, carrying ``provenance``."""
    if type(item) is dict:
        return {**item, ITEM_KEY: provenance}
    try:
        copied = copy.copy(item)
        _attach(copied, provenance)
    except (AttributeError, TypeError, ValueError, KeyError) as error:
        return _as_dict(item, as_mapping(item) | {ITEM_KEY: provenance}, error)
    return copied


def screened(original: Any, contact: Mapping[str, Any], provenance: Provenance) -> Any:
    """An item of ``original``'s class holding only the screened ``contact`` values."""
    if type(original) is dict:
        return {**contact, ITEM_KEY: provenance}
    cls = type(original)
    names = list(ItemAdapter(original).field_names())
    if isinstance(original, Mapping):  # scrapy.Item and dict subclasses: absent means absent
        values = (
            {n: v for n in names if (v := _kept(contact, n, names)) is not None}
            if names
            else dict(contact)
        )
    else:  # dataclass, attrs, pydantic: the constructor wants every field
        values = {name: _kept(contact, name, names) for name in names}
    values.pop(ITEM_KEY, None)
    try:
        built = cls(values) if isinstance(original, dict) else cls(**values)
        _attach(built, provenance)
    except Exception as error:
        return _as_dict(original, {**contact, ITEM_KEY: provenance}, error)
    return built


def _kept(contact: Mapping[str, Any], name: str, names: list[str]) -> Any:
    """The screened value for the class's field ``name``: under the field's own name, or, for a
    schema.org name the pipeline read as a field (``jobTitle`` -> ``job_title``), under that
    field, unless the class also declares the field itself."""
    if name in contact:
        return contact[name]
    field = SCHEMA_ORG.get(name)
    if field is None or field in names:
        return None
    return contact.get(field)


def _attach(item: Any, provenance: Provenance | None) -> None:
    if isinstance(item, dict):
        item[ITEM_KEY] = provenance
        return
    adapter = ItemAdapter(item)
    if ITEM_KEY in adapter.field_names():
        adapter[ITEM_KEY] = provenance
    else:
        object.__setattr__(item, PROVENANCE_ATTR, provenance)


def _as_dict(item: Any, data: dict[str, Any], error: Exception) -> dict[str, Any]:
    cls = type(item)
    if cls not in _warned:
        _warned.add(cls)
        logger.warning(
            "item class %s.%s cannot carry the screened values and their provenance (%s: %s);"
            " its items leave the compliance layer as dicts",
            cls.__module__,
            cls.__qualname__,
            type(error).__name__,
            error,
        )
    return data
