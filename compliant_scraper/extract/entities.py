"""From schema.org nodes (JSON-LD shaped dicts, any syntax) to contact dicts.

Every Person / Organization / LocalBusiness node is found wherever it sits: at the top, in a
``@graph``, in a list, or nested in another node. Which nested ones become contacts of their own:

- a node nested in another contact through a *private relation* (``spouse``, ``children``,
  ``knows``…) never does: it is a third party, not a directory entry;
- a Person that is an ``employee`` / ``member`` / ``founder`` of an organization does, with the
  organization's name as ``organization``;
- any other nested node (``worksFor``, ``parentOrganization``, ``department``, a review's
  ``author``…) does only when it has an email or a phone of its own: an employer named in a
  Person's ``worksFor`` becomes that Person's ``organization``, not a second contact.

A node referenced by ``@id`` is nested the way it is referenced (the strictest reference wins).
A contact with neither a name, an email nor a phone is not emitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urljoin

from ..values.fields import ITEM_KEYS
from .limits import MAX_DEPTH_ALLOWED
from .schema_types import ORGANIZATION, PERSON, contact_type, excluded_type
from .values import all_text, local_name, phone_key, snake_case, strip_mailto, strip_tel, text

CONTACT_KEYS: Final = ITEM_KEYS

# How a node is nested, weakest first.
TOP, MEMBER, NESTED, PRIVATE = 0, 1, 2, 3

MEMBER_PROPERTIES: Final = frozenset(
    {"employee", "employees", "member", "members", "founder", "founders"}
)
PRIVATE_PROPERTIES: Final = frozenset(
    {"spouse", "children", "parent", "parents", "sibling", "siblings", "relatedTo", "knows",
     "follows", "funder", "sponsor", "patient"}
)  # fmt: skip
# Properties that name who made or published something: nested even outside a contact.
AUTHORSHIP_PROPERTIES: Final = frozenset(
    {"author", "creator", "contributor", "editor", "reviewer", "publisher", "provider",
     "accountablePerson", "copyrightHolder", "maintainer", "producer", "sourceOrganization"}
)  # fmt: skip

# Properties read into the contact's own keys, never passed through.
_CONSUMED: Final = frozenset(
    {"name", "givenName", "familyName", "jobTitle", "worksFor", "email", "telephone",
     "contactPoint", "contactPoints", "address", "url", "additionalType"}
)  # fmt: skip
_ADDRESS_KEYS: Final = {
    "streetAddress": "street_address",
    "postalCode": "postal_code",
    "addressLocality": "locality",
    "addressCountry": "country",
}

Resolve = Callable[[Any], Any]


@dataclass
class _Found:
    node: dict[str, Any]
    schema_type: str
    kind: str
    level: int
    parent: dict[str, Any] | None


@dataclass
class Withheld:
    """The emails (case-folded) and phones (:func:`~.values.phone_key`) of a page's nodes that
    are never contacts: third parties nested through a private relation, ``Patient`` records.
    The link reader skips a ``mailto:``/``tel:`` link to one of them, so a spouse's address
    written as a link does not come back as a contact of its own."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def add(self, subtree: Any) -> None:
        """Every ``email`` and ``telephone`` value anywhere in ``subtree``."""
        stack = [subtree]
        while stack:
            value = stack.pop()
            if isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, dict):
                for key, child in value.items():
                    name = local_name(key)
                    if name in ("email", "telephone"):
                        for raw in child if isinstance(child, list) else [child]:
                            self._value(name, text(raw))
                    else:
                        stack.append(child)

    def _value(self, name: str, raw: str | None) -> None:
        if raw is None:
            return
        if name == "email":
            email = strip_mailto(raw)
            if email:
                self.emails.add(email.casefold())
        else:
            phone = strip_tel(raw)
            if phone and (key := phone_key(phone)):
                self.phones.add(key)


@dataclass
class _Walk:
    index: dict[str, dict[str, Any]] = field(default_factory=dict)
    found: list[_Found] = field(default_factory=list)
    references: dict[str, tuple[int, dict[str, Any] | None]] = field(default_factory=dict)
    withheld: list[Any] = field(default_factory=list)

    def visit(self, value: Any, level: int, parent: dict[str, Any] | None, depth: int) -> None:
        # The readers cut every page at its depth bound (limits.bound_nodes): this is the last
        # guard against recursion, for nodes given by another caller.
        if depth > 2 * MAX_DEPTH_ALLOWED + 2:
            return
        if isinstance(value, list):
            for element in value:
                self.visit(element, level, parent, depth + 1)
            return
        if not isinstance(value, dict) or "@value" in value:
            return
        node_id = value.get("@id")
        if isinstance(node_id, str) and len(value) == 1:
            if level > TOP:
                self._reference(node_id, level, parent)
            return
        if isinstance(node_id, str):
            self.index.setdefault(node_id, value)
        types, additional = value.get("@type"), _additional_types(value)
        if excluded_type(types, additional):
            # A Patient record: nothing in it is a contact, nor reachable through a link.
            if level < PRIVATE:
                self.withheld.append(value)
            level = PRIVATE
        typed = contact_type(types, additional)
        if typed is not None:
            self.found.append(_Found(value, typed[0], typed[1], level, parent))
        for key, child in value.items():
            if key.startswith("@") and key != "@graph":
                continue
            if typed is not None:
                child_level = max(_level(local_name(key), typed[1]), level)
                if child_level == PRIVATE and level < PRIVATE:
                    self.withheld.append(child)
                self.visit(child, child_level, value, depth + 1)
            elif local_name(key) in AUTHORSHIP_PROPERTIES:
                self.visit(child, max(NESTED, level), parent, depth + 1)
            else:
                self.visit(child, level, parent, depth + 1)

    def _reference(self, node_id: str, level: int, parent: dict[str, Any] | None) -> None:
        known = self.references.get(node_id)
        if known is None or level > known[0]:
            self.references[node_id] = (level, parent)

    def resolve(self, value: Any) -> Any:
        """A node for an ``{"@id": …}`` reference defined elsewhere on the page, else ``value``."""
        if isinstance(value, dict) and len(value) == 1:
            node_id = value.get("@id")
            if isinstance(node_id, str):
                return self.index.get(node_id, value)
        return value


def _additional_types(node: dict[str, Any]) -> list[Any]:
    """The node's ``additionalType`` values, under any prefix (``schema:additionalType``)."""
    values: list[Any] = []
    for key, value in node.items():
        if local_name(key) == "additionalType":
            values.extend(value if isinstance(value, list) else [value])
    return values


def _level(key: str, parent_kind: str) -> int:
    if key in PRIVATE_PROPERTIES:
        return PRIVATE
    if key in MEMBER_PROPERTIES and parent_kind == ORGANIZATION:
        return MEMBER
    return NESTED


def contacts_from_nodes(
    roots: list[Any], method: str, base_url: str, withheld: Withheld | None = None
) -> list[dict[str, Any]]:
    """The contacts among ``roots`` (JSON-LD shaped nodes), de-duplicated, in page order.

    ``withheld`` collects the emails and phones of the nodes that are never contacts.
    """
    walk = _Walk()
    walk.visit(roots, TOP, None, 0)
    if withheld is not None:
        for subtree in walk.withheld:
            withheld.add(subtree)
    contacts: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for found in walk.found:
        level, parent = found.level, found.parent
        node_id = found.node.get("@id")
        if isinstance(node_id, str) and node_id in walk.references:
            level, parent = walk.references[node_id]
        if level == MEMBER and found.kind != PERSON:
            level = NESTED
        if level == PRIVATE:
            if withheld is not None:
                withheld.add(found.node)  # also when private through an @id reference
            continue
        contact = to_contact(found, method, base_url, walk.resolve)
        reachable = contact["email"] or contact["phone"]
        if not (reachable or (level != NESTED and contact["name"])):
            continue
        if level == MEMBER and contact["kind"] == PERSON and not contact["organization"]:
            contact["organization"] = label(parent)
        key = tuple(contact.get(k) for k in CONTACT_KEYS)
        if key not in seen:
            seen.add(key)
            contacts.append(contact)
    return contacts


def to_contact(found: _Found, method: str, base_url: str, resolve: Resolve) -> dict[str, Any]:
    """One contact dict: the keys of :data:`CONTACT_KEYS`, then the other properties as text."""
    props = _props(found.node)
    contact: dict[str, Any] = dict.fromkeys(CONTACT_KEYS)
    contact.update(kind=found.kind, schema_type=found.schema_type, method=method)
    contact["given_name"] = text(props.get("givenName"))
    contact["family_name"] = text(props.get("familyName"))
    contact["name"] = (
        text(props.get("name"))
        or text(" ".join(filter(None, (contact["given_name"], contact["family_name"]))))
        or (text(props.get("legalName")) if found.kind == ORGANIZATION else None)
    )
    contact["job_title"] = text(props.get("jobTitle"))
    if found.kind == PERSON:
        contact["organization"] = label(resolve(_first(props.get("worksFor"))))
    points = [
        _props(point)
        for point in map(resolve, _each(props.get("contactPoint", props.get("contactPoints"))))
        if isinstance(point, dict)
    ]
    contact["email"] = _first_of(_values(props, points, "email"), strip_mailto)
    contact["phone"] = _first_of(_values(props, points, "telephone"), strip_tel)
    website = text(resolve(_first(props.get("url"))))
    contact["website"] = urljoin(base_url, website) if website else None
    extras = _address(props, contact, resolve)
    for key, value in props.items():
        if key not in _CONSUMED:
            extras.setdefault(snake_case(key), value)
    for key, value in extras.items():
        passed = all_text(
            [resolve(v) for v in value] if isinstance(value, list) else resolve(value)
        )
        if passed is not None and key not in contact:
            contact[key] = passed
    return contact


def label(value: Any) -> str | None:
    """The name of an organization given as a string or a node (never its URL or ``@id``)."""
    if isinstance(value, dict):
        props = _props(value)
        return text(props.get("name")) or text(props.get("legalName"))
    return text(value) if isinstance(value, str) else None


def _address(props: dict[str, Any], contact: dict[str, Any], resolve: Resolve) -> dict[str, Any]:
    """Fill the address keys from ``address`` (or ``location.address``); return the rest."""
    address = resolve(_first(props.get("address")))
    if address is None:
        location = resolve(_first(props.get("location")))
        if isinstance(location, dict):
            address = resolve(_first(_props(location).get("address")))
    if isinstance(address, str):
        contact["street_address"] = text(address)
        return {}
    extras: dict[str, Any] = {}
    if not isinstance(address, dict) or set(address) == {"@id"}:  # nothing, or unresolved
        return extras
    for name, value in _props(address).items():
        if name in _ADDRESS_KEYS:
            contact[_ADDRESS_KEYS[name]] = text(resolve(_first(value)))
        else:
            snake = snake_case(name)
            extras[snake if snake.startswith("address") else f"address_{snake}"] = value
    return extras


def _props(node: dict[str, Any]) -> dict[str, Any]:
    """A node's properties by schema.org local name, without the ``@`` keywords."""
    return {local_name(k): v for k, v in node.items() if not k.startswith("@")}


def _each(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _first(value: Any) -> Any:
    values = _each(value)
    return values[0] if values else None


def _values(props: dict[str, Any], points: list[dict[str, Any]], name: str) -> Iterator[Any]:
    """The entity's own values of ``name``, then its contact points' ones, in page order."""
    yield from _each(props.get(name))
    for point in points:
        yield from _each(point.get(name))


def _first_of(values: Iterator[Any], strip: Callable[[str], str | None]) -> str | None:
    for value in values:
        raw = text(value)
        if raw is not None:
            stripped = strip(raw)
            if stripped:
                return stripped
    return None
