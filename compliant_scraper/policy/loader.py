"""Load legal's TOML files into a validated ``Registry``, reporting every problem (R2).

``validate_directory`` returns every problem found, never just the first, each as
``Problem(file, field, message)`` with ``file`` relative to the policy directory and
``field`` ``"-"`` when the problem is about the whole file. ``load_registry`` raises
``PolicyError`` with that list, so an invalid registry stops a crawl before any request.
The format is documented for legal in docs/policy-format.md; keep the two in step.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, TypeVar

from ..errors import PolicyError, Problem
from ..values.fields import CONTACT_FIELDS
from . import placeholders
from .decide import normalise_path
from .hosts import is_ip, normalise_host
from .model import AUDIENCES, CHANNELS, Controller, DomainPolicy, Purpose, Recipient, Registry
from .purpose_use import UseReader
from .recipients import RECIPIENTS_FILE, read_recipients
from .tables import (
    NAME_CHARS,
    PURPOSES_FILE,
    Table,
    kind_of,
    known,
    list_name,
    one_of,
    quote,
)

DOMAINS_DIR: Final = "domains"
CONTROLLER_FILE: Final = "controller.toml"
WHOLE_FILE: Final = "-"
EXTRACTION: Final = ("allowed", "forbidden")

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
    placeholders: list[Problem] = field(default_factory=list)

    def load(self) -> tuple[Registry | None, list[Problem]]:
        registry = self._load()
        self.problems = placeholders.without_echoes(self.problems, self.placeholders)
        return (None if self.problems else registry), self.problems

    def _load(self) -> Registry | None:
        if not self.directory.is_dir():
            self._problem(".", WHOLE_FILE, f"policy directory {self.directory} does not exist")
            return None
        controller = self._controller()
        purposes, purpose_names = self._purposes()
        recipients = self._recipients(purpose_names)
        policies = self._domains(purpose_names)
        if self.problems or controller is None:
            return None
        return Registry(
            directory=self.directory,
            policies=tuple(policies),
            purposes=purposes,
            controller=controller,
            files=self.files,
            recipients=recipients,
        )

    # -- files ----------------------------------------------------------------------------

    def _controller(self) -> Controller | None:
        source = self._read(CONTROLLER_FILE)
        if source is None:
            return None
        table = Table(self.problems, source.file, source.data)
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
            self._problem(
                file, name, f"must be a table ([{name}] and its keys), not {kind_of(data)}"
            )
            return None
        if not name or not NAME_CHARS.issuperset(name):
            self._problem(file, name, "a purpose name uses only a-z, 0-9 and _")
        table = Table(self.problems, file, data, prefix=f"{name}.")
        channel = table.choice("channel", CHANNELS)
        audience = table.choice("audience", AUDIENCES)
        legal_basis = table.text("legal_basis")
        fields = table.texts("fields", check=one_of("contact field", CONTACT_FIELDS))
        max_age = table.positive("opposition_max_age_days", required=False)
        stale_after = table.positive("stale_after_days", required=False)
        lists = table.texts("opposition_lists", required=False, empty_ok=True, check=list_name)
        description = table.text("description", required=False)
        use = UseReader(self.directory, self.files).read(
            table, name, channel, audience, legal_basis or ""
        )
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
            stale_after_days=stale_after,
            **use,
        )

    def _recipients(self, purpose_names: set[str] | None) -> dict[str, Recipient]:
        """``recipients.toml``, when present (without it, only internal exports run)."""
        if not (self.directory / RECIPIENTS_FILE).exists():
            return {}
        source = self._read(RECIPIENTS_FILE)
        if source is None:
            return {}
        return read_recipients(self.problems, source.file, source.data, purpose_names)

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
        table = Table(self.problems, source.file, source.data)
        domain = table.value("domain", str, _domain_check)
        extraction = table.choice("extraction", EXTRACTION)
        reason = table.text("reason")
        terms_url = table.url("terms_url")
        reviewed_by = table.text("reviewed_by")
        reviewed_on = table.value("reviewed_on", date, self._not_future)
        every = table.positive("review_every_days", required=False)
        clause = table.text("clause", required=False)
        paths = table.texts("paths", required=False, check=_path_check)
        purposes = table.texts("purposes", required=False, check=known(purpose_names))
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
        found = placeholders.problems(file, data)  # the starter's "FILL IN: ..." values
        self.placeholders.extend(found)
        self.problems.extend(found)
        return _Source(file, text, sha256, data)

    def _problem(self, file: str, key: str, message: str) -> None:
        self.problems.append(Problem(file, key, message))


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
                why = (
                    "a single label covers too much: name a domain such as example.com; for an "
                    "intranet or test host, write its IP address (10.0.0.12, 127.0.0.1) or its "
                    "full name with a dot (wiki.acme.lan), and crawl it by that name "
                    "(docs/policy-format.md: Intranet and test hosts)"
                )
            elif any(label.startswith("-") or label.endswith("-") for label in host.split(".")):
                why = "a label starts or ends with a hyphen"
            else:
                return host, ""
    return None, f"{quote(value)} is not a host name: {why}"


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
        why = f"is not in normal form: write {quote(normalise_path(value))}"
    else:
        return value, ""
    return None, f"path {quote(value)} {why}"


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
