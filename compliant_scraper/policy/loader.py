"""Load legal's TOML files into a validated ``Registry``, reporting every problem (R2).

``validate_directory`` returns every problem found, never just the first, each as
``Problem(file, field, message)`` with ``file`` relative to the policy directory and
``field`` ``"-"`` when the problem is about the whole file. ``load_registry`` raises
``PolicyError`` with that list, so an invalid registry stops a crawl before any request.
The format is documented for legal in docs/policy-format.md; keep the two in step.
"""

from __future__ import annotations

import difflib
import hashlib
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, TypeVar

from ..errors import PolicyError, Problem
from ..values.fields import CONTACT_FIELDS
from .decide import normalise_path
from .hosts import is_ip, normalise_host
from .model import AUDIENCES, CHANNELS, Controller, DomainPolicy, Purpose, Registry

DOMAINS_DIR: Final = "domains"
PURPOSES_FILE: Final = "purposes.toml"
CONTROLLER_FILE: Final = "controller.toml"
WHOLE_FILE: Final = "-"
EXTRACTION: Final = ("allowed", "forbidden")
_NAME_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")

T = TypeVar("T")


def load_registry(directory: Path, today: date | None = None) -> Registry:
    """The validated registry in ``directory``; ``PolicyError`` listing every problem."""
    registry, problems = _Loader(Path(directory), today or datetime.now(UTC).date()).load()
    if problems or registry is None:
        raise PolicyError(problems)
    return registry


def validate_directory(directory: Path, today: date | None = None) -> list[Problem]:
    """Every problem in the registry in ``directory`` (an empty list when it is valid)."""
    return _Loader(Path(directory), today or datetime.now(UTC).date()).load()[1]


@dataclass
class _Source:
    """One file as read: its text (None when unreadable), sha256 and parsed TOML."""

    file: str
    text: str
    sha256: str
    data: dict[str, Any]


@dataclass
class _Loader:
    directory: Path
    today: date
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    def load(self) -> tuple[Registry | None, list[Problem]]:
        if not self.directory.is_dir():
            self._problem(".", WHOLE_FILE, f"policy directory {self.directory} does not exist")
            return None, self.problems
        controller = self._controller()
        purposes, purpose_names = self._purposes()
        policies = self._domains(purpose_names)
        if self.problems or controller is None:
            return None, self.problems
        registry = Registry(
            directory=self.directory,
            policies=tuple(policies),
            purposes=purposes,
            controller=controller,
            files=self.files,
        )
        return registry, self.problems

    # -- files ----------------------------------------------------------------------------

    def _controller(self) -> Controller | None:
        source = self._read(CONTROLLER_FILE)
        if source is None:
            return None
        table = _Table(self.problems, source.file, source.data)
        name = table.text("name")
        address = table.text("address")
        contact = table.text("contact")
        privacy_url = table.url("privacy_url")
        dpo = table.text("dpo", required=False)
        table.finish()
        if table.failed:
            return None
        assert name and address and contact and privacy_url
        return Controller(name, address, contact, privacy_url, dpo)

    def _purposes(self) -> tuple[dict[str, Purpose], set[str] | None]:
        """The valid purposes, and every name defined (None when the file is unusable)."""
        source = self._read(PURPOSES_FILE)
        if source is None:
            return {}, None
        if not source.data:
            self._problem(source.file, WHOLE_FILE, "defines no purpose: add a [name] table")
        purposes: dict[str, Purpose] = {}
        for name, data in source.data.items():
            purpose = self._purpose(source.file, name, data)
            if purpose is not None:
                purposes[name] = purpose
        return purposes, set(source.data)

    def _purpose(self, file: str, name: str, data: Any) -> Purpose | None:
        if not isinstance(data, dict):
            self._problem(file, name, f"must be a table ([{name}] and its keys), not {_kind(data)}")
            return None
        if not name or not _NAME_CHARS.issuperset(name):
            self._problem(file, name, "a purpose name uses only a-z, 0-9 and _")
        table = _Table(self.problems, file, data, prefix=f"{name}.")
        channel = table.choice("channel", CHANNELS)
        audience = table.choice("audience", AUDIENCES)
        legal_basis = table.text("legal_basis")
        fields = table.texts("fields", check=_one_of("contact field", CONTACT_FIELDS))
        max_age = table.positive("opposition_max_age_days", required=False)
        lists = table.texts("opposition_lists", required=False, empty_ok=True, check=_list_name)
        description = table.text("description", required=False)
        table.finish()
        if table.failed:
            return None
        assert channel and audience and legal_basis and fields is not None
        return Purpose(
            name=name,
            channel=channel,
            audience=audience,
            legal_basis=legal_basis,
            fields=fields,
            opposition_max_age_days=max_age,
            opposition_lists=("bloctel",) if lists is None else lists,
            description=description,
        )

    def _domains(self, purpose_names: set[str] | None) -> list[DomainPolicy]:
        folder = self.directory / DOMAINS_DIR
        if not folder.is_dir():
            self._problem(DOMAINS_DIR, WHOLE_FILE, "directory is missing: add one file per domain")
            return []
        paths = sorted(folder.glob("*.toml"))
        if not paths:
            self._problem(DOMAINS_DIR, WHOLE_FILE, "has no *.toml file: add one file per domain")
        policies: list[DomainPolicy] = []
        first_file: dict[str, str] = {}  # normalised domain -> the first file that names it
        for path in paths:
            source = self._read(f"{DOMAINS_DIR}/{path.name}")
            if source is None:
                continue
            policy = self._domain(source, purpose_names)
            if policy is None:
                continue
            earlier = first_file.setdefault(policy.domain, source.file)
            if earlier != source.file:
                message = f"{policy.domain} already has a policy in {earlier}: one file per domain"
                self._problem(source.file, "domain", message)
                continue
            policies.append(policy)
        return policies

    def _domain(self, source: _Source, purpose_names: set[str] | None) -> DomainPolicy | None:
        table = _Table(self.problems, source.file, source.data)
        domain = table.value("domain", str, _domain_check)
        extraction = table.choice("extraction", EXTRACTION)
        reason = table.text("reason")
        terms_url = table.url("terms_url")
        reviewed_by = table.text("reviewed_by")
        reviewed_on = table.value("reviewed_on", date, self._not_future)
        every = table.positive("review_every_days", required=False)
        clause = table.text("clause", required=False)
        paths = table.texts("paths", required=False, check=_path_check)
        purposes = table.texts("purposes", required=False, check=_known(purpose_names))
        authenticated = table.boolean("authenticated")
        tdm_licence = table.text("tdm_licence", required=False)
        notes = table.text("notes", required=False)
        if domain is not None and extraction == "allowed" and _public_suffix(domain):
            message = (
                f"{domain} is a public suffix shared by unrelated sites: an allowing policy "
                f"must name one site, such as example.{domain}"
            )
            table.problem("domain", message)
        table.finish()
        if table.failed:
            return None
        assert domain and extraction and reason and terms_url and reviewed_by and reviewed_on
        return DomainPolicy(
            file=source.file,
            sha256=source.sha256,
            content=source.text,
            domain=domain,
            extraction="allowed" if extraction == "allowed" else "forbidden",
            reason=reason,
            terms_url=terms_url,
            reviewed_by=reviewed_by,
            reviewed_on=reviewed_on,
            review_every_days=365 if every is None else every,
            clause=clause,
            paths=tuple(normalise_path(p) for p in paths or ()),
            purposes=purposes,
            authenticated=authenticated,
            tdm_licence=tdm_licence,
            notes=notes,
        )

    def _not_future(self, value: date) -> tuple[date | None, str]:
        if value > self.today:
            return None, f"{value} is in the future (today is {self.today})"
        return value, ""

    def _read(self, file: str) -> _Source | None:
        path = self.directory / file
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self._problem(file, WHOLE_FILE, "file is missing")
            return None
        except OSError as exc:
            self._problem(file, WHOLE_FILE, f"cannot be read: {exc.strerror or exc}")
            return None
        sha256 = hashlib.sha256(raw).hexdigest()
        self.files[file] = sha256
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._problem(file, WHOLE_FILE, f"is not UTF-8 text (bad byte at offset {exc.start})")
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self._problem(file, WHOLE_FILE, f"TOML syntax error: {exc}")
            return None
        return _Source(file, text, sha256, data)

    def _problem(self, file: str, key: str, message: str) -> None:
        self.problems.append(Problem(file, key, message))


# -- one table's keys --------------------------------------------------------------------

Check = Callable[[T], tuple[T | None, str]]


class _Table:
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
            self.problem(key, f"must be {_EXPECTED[kind]}, not {_kind(value)}")
            return None
        if check is not None:
            checked, message = check(value)
            if checked is None:
                self.problem(key, message)
            return checked
        return value  # type: ignore[no-any-return]

    def text(self, key: str, required: bool = True) -> str | None:
        return self.value(key, str, _non_empty, required)

    def url(self, key: str) -> str | None:
        return self.value(key, str, _url_check)

    def boolean(self, key: str) -> bool:
        return bool(self.value(key, bool, required=False))

    def positive(self, key: str, required: bool = True) -> int | None:
        return self.value(key, int, _positive, required)

    def choice(self, key: str, options: tuple[str, ...]) -> str | None:
        return self.value(key, str, _one_of("value", options))

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
                self.problem(key, f"must be a list of texts, but has {_kind(item)}")
                return None
            if item in result:
                self.problem(key, f"lists {_q(item)} more than once")
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
                hint = f" (did you mean {_q(close[0])}?)" if close else ""
                self.problem(key, f"unknown key{hint}")


# -- checks: each returns (value or None, message) ----------------------------------------


def _non_empty(value: str) -> tuple[str | None, str]:
    return (value, "") if value.strip() else (None, "must not be empty")


def _positive(value: int) -> tuple[int | None, str]:
    return (value, "") if value > 0 else (None, f"must be a whole number above 0, not {value}")


def _url_check(value: str) -> tuple[str | None, str]:
    scheme, _, rest = value.partition("://")
    if scheme in ("http", "https") and rest and not rest.startswith("/") and " " not in value:
        return value, ""
    return None, f"must be an http(s) URL such as https://example.com/terms, not {_q(value)}"


def _one_of(what: str, options: Collection[str]) -> Check[str]:
    def check(value: str) -> tuple[str | None, str]:
        if value in options:
            return value, ""
        return None, f"unknown {what} {_q(value)}: use one of {', '.join(map(_q, options))}"

    return check


def _known(names: set[str] | None) -> Check[str]:
    """Purpose names must be defined in purposes.toml (not checked when it is unusable)."""

    def check(value: str) -> tuple[str | None, str]:
        if names is None or value in names:
            return value, ""
        known = ", ".join(sorted(names)) or "none"
        return None, f"unknown purpose {_q(value)}: {PURPOSES_FILE} defines {known}"

    return check


def _list_name(value: str) -> tuple[str | None, str]:
    if value and _NAME_CHARS.issuperset(value):
        return value, ""
    return None, f"list name {_q(value)} uses only a-z, 0-9 and _"


def _domain_check(value: str) -> tuple[str | None, str]:
    """A bare host or domain: normalised, or (None, why not)."""
    why = ""
    if "://" in value:
        why = "write the bare host, without a scheme such as https://"
    elif "/" in value:
        why = "write the bare host, without a path"
    elif "*" in value:
        why = "no wildcards: a domain already covers all its subdomains"
    elif any(c.isspace() for c in value):
        why = "it contains spaces"
    elif "@" in value or ":" in value.rpartition("]")[2]:
        why = "write the bare host, without a port or user info"
    else:
        try:
            host = normalise_host(value)
        except ValueError as exc:
            why = str(exc)
        else:
            if is_ip(host):
                return host, ""
            if "." not in host:
                why = "a single label covers too much: name a domain such as example.com"
            elif any(label.startswith("-") or label.endswith("-") for label in host.split(".")):
                why = "a label starts or ends with a hyphen"
            else:
                return host, ""
    return None, f"{_q(value)} is not a host name: {why}"


def _path_check(value: str) -> tuple[str | None, str]:
    why = ""
    if not value.startswith("/"):
        why = 'must start with "/"'
    elif "*" in value:
        why = "no wildcards: a prefix already covers everything below it"
    elif "?" in value or "#" in value:
        why = "a path prefix cannot hold a query (?) or fragment (#)"
    elif any(c.isspace() for c in value):
        why = "contains spaces"
    elif normalise_path(value) != value:
        why = f"is not in normal form: write {_q(normalise_path(value))}"
    else:
        return value, ""
    return None, f"path {_q(value)} {why}"


@lru_cache(maxsize=1)
def _suffix_extractor() -> Callable[[str], Any] | None:
    try:
        import tldextract
    except ImportError:  # pragma: no cover - Scrapy depends on tldextract
        return None
    # The bundled Public Suffix List snapshot: no network access, no cache directory.
    extractor = tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )
    return extractor


def _public_suffix(domain: str) -> bool:
    """Whether ``domain`` is itself a public suffix (``co.uk``, ``gouv.fr``, ``github.io``)."""
    extract = _suffix_extractor()
    if extract is None or is_ip(domain):  # pragma: no cover
        return False
    result = extract(domain)
    return not result.domain and bool(result.suffix)


# -- messages -----------------------------------------------------------------------------

_EXPECTED: Final[dict[type, str]] = {
    str: 'text in quotes, such as "example"',
    int: "a whole number such as 365",
    bool: "true or false",
    date: "a date such as 2026-11-01 (no quotes)",
    list: 'a list such as ["a", "b"]',
}


def _is(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is date:
        return type(value) is date  # a datetime is a date subclass: not accepted
    return isinstance(value, kind)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the decimal number {value}"
    if isinstance(value, str):
        return f"the text {_q(value)}"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a time"


def _q(text: str) -> str:
    """Quote a value as TOML writes it: double quotes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
