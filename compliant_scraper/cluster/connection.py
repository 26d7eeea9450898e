"""The Redis connection of a cluster, and the URL check that comes first.

Whoever can write to the crawl's keys can queue requests for every worker and forge shared
robots.txt verdicts, so a Redis reached over the network must ask for a password (a Redis
6 ACL user with one, ideally; docs/cluster.md shows the ACL line). A URL naming no password
is refused unless it points at this machine (a loopback address or a unix socket). A
password sent in clear over a network is said once at WARNING: ``rediss://`` (TLS) is the
way across machines.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qs, urlsplit

from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)

SETTING: Final = "COMPLIANCE_CLUSTER_REDIS_URL"
SCHEMES: Final = ("redis", "rediss", "unix")
SOCKET_TIMEOUT: Final = 30.0  # seconds: a Redis that stops answering fails the call, not hangs
_LOCAL_NAMES: Final = frozenset({"localhost", "localhost.localdomain"})


def redacted(url: str) -> str:
    """``url`` with its password replaced by ``***``, for logs and errors."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:***@{netloc}").geturl()


def is_local(host: str) -> bool:
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_redis_url(url: object) -> str:
    """``url`` if it is a Redis URL fit for a cluster; ``ComplianceConfigError`` saying why not."""
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or "localhost"
    except ValueError as exc:
        raise ComplianceConfigError(f"{SETTING}: {exc} (got {redacted(text)!r})") from None
    scheme = parts.scheme
    if scheme not in SCHEMES:
        raise ComplianceConfigError(
            f"{SETTING}: expected a redis://, rediss:// or unix:// URL, got {redacted(text)!r}"
        )
    if scheme == "unix":
        return text  # this machine only: file permissions guard the socket
    password = parts.password or parse_qs(parts.query).get("password")
    if not password and not is_local(host):
        raise ComplianceConfigError(
            f"{SETTING}: {redacted(text)!r} names no password, and {host} is not this "
            "machine: anyone who can reach that Redis could queue requests for every worker "
            "and forge shared robots.txt verdicts. Give the Redis a password or an ACL user "
            "(redis://USER:PASSWORD@HOST:PORT/0; rediss:// across machines), see "
            "docs/cluster.md"
        )
    if scheme == "redis" and not is_local(host):
        logger.warning(
            "%s: %s is reached without TLS: its password and every queued URL cross the "
            "network in clear; use rediss:// across machines (docs/cluster.md)",
            SETTING,
            host,
        )
    return text


def connect(url: str) -> redis.Redis:
    """A client for ``url`` (checked), bytes in and out, with bounded socket waits."""
    import redis

    checked = check_redis_url(url)
    client: redis.Redis = redis.Redis.from_url(
        checked,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=SOCKET_TIMEOUT,
        health_check_interval=30,
    )
    return client
