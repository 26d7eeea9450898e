"""Reading one TOML table of legal's files strictly: one ``Problem`` per bad, missing or
unknown key, reported as ``file: field: message`` (CONVENTIONS: validate strictly).

Shared by ``loader`` (controller, purposes, domains) and ``recipients``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Any, Final, TypeVar

from ..errors import Problem

NAME_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
PURPOSES_FILE: Final = "purposes.toml"

T = TypeVar("T")


# -- one table's keys --------------------------------------------------------------------

Check = Callable[[T], tuple[T | None, str]]


class Table:
    """Reads the keys of one TOML table, recording one Problem per bad, missing or unknown key."""

    def __init__(
        self, problems: list[Problem], file: str, data: dict[str, Any], prefix: str = ""
    ) -> None:
        self.problems = problems
        self.file = file
        self.data = data
        self.prefix = prefix
        self.known: list[str] = []
        self.failed = False

    def problem(self, key: str, message: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.file, self.prefix + key, message))

    def value(
        self, key: str, kind: type[T], check: Check[T] | None = None, required: bool = True
    ) -> T | None:
        self.known.append(key)
        if key not in self.data:
            if required:
                self.problem(key, "required key is missing")
            return None
        value = self.data[key]
        if not _is(value, kind):
            self.problem(key, f"must be {_EXPECTED[kind]}, not {kind_of(value)}")
            return None
        if check is not None:
            checked, message = check(value)
            if checked is None:
                self.problem(key, message)
            return checked
        return value  # type: ignore[no-any-return]

    def text(self, key: str, required: bool = True) -> str | None:
        return self.value(key, str, non_empty, required)

    def url(self, key: str) -> str | None:
        return self.value(key, str, url_check)

    def boolean(self, key: str) -> bool:
        return bool(self.value(key, bool, required=False))

    def positive(self, key: str, required: bool = True) -> int | None:
        return self.value(key, int, positive, required)

    def choice(self, key: str, options: tuple[str, ...]) -> str | None:
        return self.value(key, str, one_of("value", options))

    def texts(
        self,
        key: str,
        required: bool = True,
        empty_ok: bool = False,
        check: Check[str] | None = None,
    ) -> tuple[str, ...] | None:
        items = self.value(key, list, required=required)
        if items is None:
            return None
        if not items and not empty_ok:
            hint = "list at least one" if required else "leave the key out for the default"
            self.problem(key, f"must not be an empty list ({hint})")
            return None
        result: list[str] = []
        for item in items:
            if not isinstance(item, str):
                self.problem(key, f"must be a list of texts, but has {kind_of(item)}")
                return None
            if item in result:
                self.problem(key, f"lists {quote(item)} more than once")
                continue
            checked, message = check(item) if check else (item, "")
            if checked is None:
                self.problem(key, message)
                continue
            result.append(checked)
        return None if self.failed else tuple(result)

    def finish(self) -> None:
        """Report every key that was not read: unknown keys."""
        for key in self.data:
            if key not in self.known:
                close = difflib.get_close_matches(key, self.known, n=1)
                hint = f" (did you mean {quote(close[0])}?)" if close else ""
                self.problem(key, f"unknown key{hint}")


# -- checks: each returns (value or None, message) ----------------------------------------


def non_empty(value: str) -> tuple[str | None, str]:
    return (value, "") if value.strip() else (None, "must not be empty")


def positive(value: int) -> tuple[int | None, str]:
    return (value, "") if value > 0 else (None, f"must be a whole number above 0, not {value}")


def url_check(value: str) -> tuple[str | None, str]:
    scheme, _, rest = value.partition("://")
    if scheme in ("http", "https") and rest and not rest.startswith("/") and " " not in value:
        return value, ""
    return None, f"must be an http(s) URL such as https://example.com/terms, not {quote(value)}"


def one_of(what: str, options: Collection[str]) -> Check[str]:
    def check(value: str) -> tuple[str | None, str]:
        if value in options:
            return value, ""
        return None, f"unknown {what} {quote(value)}: use one of {', '.join(map(quote, options))}"

    return check


def known(names: set[str] | None) -> Check[str]:
    """Purpose names must be defined in purposes.toml (not checked when it is unusable)."""

    def check(value: str) -> tuple[str | None, str]:
        if names is None or value in names:
            return value, ""
        known = ", ".join(sorted(names)) or "none"
        return None, f"unknown purpose {quote(value)}: {PURPOSES_FILE} defines {known}"

    return check


def list_name(value: str) -> tuple[str | None, str]:
    if value and NAME_CHARS.issuperset(value):
        return value, ""
    return None, f"list name {quote(value)} uses only a-z, 0-9 and _"


# -- messages -----------------------------------------------------------------------------

_EXPECTED: Final[dict[type, str]] = {
    str: 'text in quotes, such as "example"',
    int: "a whole number such as 365",
    bool: "true or false",
    date: "a date such as 2026-11-01 (no quotes)",
    list: 'a list such as ["a", "b"]',
    dict: "a table such as [name.notice.fr]",
}


def _is(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is date:
        return type(value) is date  # a datetime is a date subclass: not accepted
    return isinstance(value, kind)


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the decimal number {value}"
    if isinstance(value, str):
        return f"the text {quote(value)}"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a time"


def quote(text: str) -> str:
    """Quote a value as TOML writes it: double quotes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
