"""Host names in one normal form, so that policy matching is a plain string comparison (R2).

A policy's ``domain`` and every URL's host go through the same ``normalise_host``: lower
case, no trailing dot, no port or user info, internationalised labels in their IDNA
(punycode, ``xn--``) form, IPv4 in dotted-quad form and IPv6 in RFC 5952 form inside
brackets. Anything else (empty labels, spaces, ``/``, ``%``, a bad port) is a ``ValueError``:
the gate refuses a URL whose host it cannot name (fail closed).

This is on the hot path of every request, so results are cached and no regex is used.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from functools import lru_cache

try:
    import idna as _idna
except ImportError:  # pragma: no cover - idna comes with email-validator and Scrapy's deps
    _idna = None  # type: ignore[assignment]

_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_ALT_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_MAX_LABEL = 63
_MAX_NAME = 253
_CACHE_SIZE = 1 << 17


def normalise_host(host: str) -> str:
    """The normal form of ``host`` (which may carry user info and a port); ValueError if invalid.

    >>> normalise_host("user@WWW.LinkedIn.COM.:8443")
    'www.linkedin.com'
    >>> normalise_host("Bücher.example")
    'xn--bcher-kva.example'
    """
    if not isinstance(host, str):
        raise ValueError(f"host must be a string, not {type(host).__name__}")
    # User info is dropped before the cache, so credentials are never kept in it.
    return _normalise_hostport(host.rpartition("@")[2])


@lru_cache(maxsize=_CACHE_SIZE)
def _normalise_hostport(hostport: str) -> str:
    if hostport.startswith("["):
        return _ipv6(hostport)
    name, colon, port = hostport.partition(":")
    if colon:
        _check_port(port)
    return _name(name)


def split_url(url: str) -> tuple[str, str, str]:
    """``(scheme, netloc, rest)`` of an absolute URL; scheme lower-cased, rest starts the path.

    The authority ends at the first ``/``, ``?`` or ``#``, as in ``urllib.parse.urlsplit``
    (which Scrapy's downloader uses), but without its cost. ValueError if not absolute.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme:
        raise ValueError("not an absolute URL (scheme://host/...)")
    netloc, slash, tail = rest.partition("/")
    if "?" in netloc or "#" in netloc:
        end = min(i for i in (netloc.find("?"), netloc.find("#")) if i >= 0)
        tail = netloc[end:] + slash + tail
        netloc, slash = netloc[:end], ""
    return scheme.lower(), netloc, slash + tail


def host_of_url(url: str) -> str:
    """The normalised host of an absolute URL; ValueError when it has none or it is invalid."""
    return normalise_host(split_url(url)[1])


def candidates(host: str) -> Iterator[str]:
    """A normalised host, then each parent domain on whole labels, most specific first.

    ``a.b.example`` gives ``a.b.example``, ``b.example``, ``example``. An IP address gives
    only itself: an address has no parent.
    """
    yield host
    if is_ip(host):
        return
    dot = host.find(".")
    while dot >= 0:
        host = host[dot + 1 :]
        yield host
        dot = host.find(".")


def covers(domain: str, host: str) -> bool:
    """Whether a policy for ``domain`` covers ``host`` (both normalised): same or a subdomain."""
    return any(candidate == domain for candidate in candidates(host))


def is_ip(host: str) -> bool:
    """Whether a normalised host is an IP address rather than a name."""
    return host.startswith("[") or host.rpartition(".")[2].isdigit()


# -- helpers -------------------------------------------------------------------------------


def _check_port(port: str) -> None:
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        raise ValueError(f"invalid port {port!r}")


def _ipv6(hostport: str) -> str:
    end = hostport.find("]")
    if end < 0:
        raise ValueError("unterminated IPv6 literal")
    after = hostport[end + 1 :]
    if after:
        if not after.startswith(":"):
            raise ValueError(f"unexpected text after IPv6 literal: {after!r}")
        _check_port(after[1:])
    literal = hostport[1:end]
    if "%" in literal:
        raise ValueError("IPv6 zone identifiers are not supported")
    try:
        address = ipaddress.IPv6Address(literal)
    except ValueError as exc:
        raise ValueError(f"invalid IPv6 address {literal!r}") from exc
    return f"[{address.compressed}]"


def _name(name: str) -> str:
    if not name:
        raise ValueError("empty host")
    name = name.lower() if name.isascii() else _to_ascii(name)
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise ValueError("empty host")
    if len(name) > _MAX_NAME:
        raise ValueError(f"host longer than {_MAX_NAME} characters")
    labels = name.split(".")
    for label in labels:
        _check_label(label)
    last = labels[-1]
    if last.isdigit() or last.startswith("0x"):
        # A numeric last label makes it an IPv4 address (as browsers and resolvers read
        # it): only the dotted-quad form is accepted, so "0x7f.1" cannot pose as a name.
        try:
            return str(ipaddress.IPv4Address(name))
        except ValueError as exc:
            raise ValueError(f"{name!r} is neither a host name nor a dotted IPv4 address") from exc
    return name


def _check_label(label: str) -> None:
    if not label:
        raise ValueError("empty label")
    if len(label) > _MAX_LABEL:
        raise ValueError(f"label longer than {_MAX_LABEL} characters")
    if not _LABEL_CHARS.issuperset(label):
        raise ValueError(f"invalid character in {label!r}")
    if label.startswith("xn--"):
        try:
            _from_ace(label)
        except (UnicodeError, ValueError) as exc:
            raise ValueError(f"invalid IDNA label {label!r}") from exc


def _to_ascii(name: str) -> str:
    """IDNA (UTS 46 mapping, then punycode per label) of a name with non-ASCII characters."""
    try:
        if _idna is None:  # pragma: no cover
            return name.translate(_ALT_DOTS).encode("idna").decode("ascii").lower()
        mapped = _idna.uts46_remap(name, std3_rules=False, transitional=False)
        return ".".join(
            label if label.isascii() else _idna.alabel(label).decode("ascii")
            for label in mapped.split(".")
        )
    except (UnicodeError, ValueError) as exc:
        raise ValueError(f"invalid internationalised host {name!r}") from exc


def _from_ace(label: str) -> str:
    if _idna is None:  # pragma: no cover
        return label.encode("ascii").decode("idna")
    return _idna.ulabel(label)
