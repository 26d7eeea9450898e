"""Judge one URL against the registry: may it be fetched, for this purpose, today? (R2)

Fail closed: a URL whose host cannot be known, a host no policy covers, a forbidding
policy, an overdue review, a path outside the policy's ``paths`` or a purpose outside its
``purposes`` are all refused, with a sentence that names the policy file.

Paths are compared after percent-decoding and normalisation (``\\`` read as ``/``, empty,
``.`` and ``..`` segments resolved, ``..;x`` read as ``..``), so ``/%61nnuaire`` or
``/annuaire/../admin`` cannot slip past a prefix. A prefix matches at a segment boundary:
``/annuaire`` covers ``/annuaire``, ``/annuaire/`` and ``/annuaire/x`` but not
``/annuaire-old``; a prefix ending in ``/`` (``/annuaire/``) covers what lies below it only.

This runs for every request, so the common case does no parsing beyond two ``partition``
calls and cached lookups, and allowed decisions are built once per host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import unquote

from ..rules import Rule
from .hosts import normalise_host, split_url
from .model import DomainPolicy, Registry

RULE: Final = Rule.R2
_SCHEMES: Final = frozenset({"http", "https"})
_CACHE_SIZE: Final = 1 << 17


@dataclass(frozen=True)
class Decision:
    """The verdict on one URL. ``rule`` is "R2" for every refusal, "" when allowed."""

    allowed: bool
    host: str
    policy: DomainPolicy | None
    rule: str
    reason: str


# host -> what its policy alone decides (no policy, forbidden, allowed), reused while the
# registry matches the host to the same policy object (so one cache serves every registry).
_verdicts: dict[str, Decision] = {}


def decide(
    registry: Registry,
    url: str,
    *,
    purpose: str | None,
    today: date,
    internal: bool = False,
) -> Decision:
    """Whether ``url`` may be fetched under ``registry`` for ``purpose`` on ``today``.

    ``internal`` is for the compliance layer's own fetches (robots.txt, tdmrep.json): the
    policy's ``paths`` do not restrict them, everything else does. ``purpose=None`` means no
    purpose was declared: a policy that lists ``purposes`` then refuses.
    """
    try:
        scheme, netloc, rest = split_url(url)
        host = normalise_host(netloc)
    except ValueError as exc:
        return _refuse(
            "", None, f"cannot judge {url!r}: {exc}; a URL without a valid host is refused"
        )
    if scheme not in _SCHEMES:
        return _refuse(host, None, f"scheme {scheme!r} is not crawled: only http and https are")
    policy = registry.match(host)
    verdict = _verdicts.get(host)
    if verdict is None or verdict.policy is not policy:
        verdict = _host_verdict(host, policy)
    if policy is None or not verdict.allowed:
        return verdict
    if policy.review_due < today:
        return _refuse(
            host,
            policy,
            f"{policy.file} is overdue for review: reviewed on {policy.reviewed_on} by "
            f"{policy.reviewed_by}, review was due by {policy.review_due} "
            f"(every {policy.review_every_days} days)",
        )
    if policy.paths and not internal:
        path = normalise_path(rest)
        if not path_allowed(path, policy.paths):
            return _refuse(
                host,
                policy,
                f"{policy.file} allows only the paths {', '.join(policy.paths)}: "
                f"{path} is outside them",
            )
    if policy.purposes is not None and purpose not in policy.purposes:
        allowed = ", ".join(policy.purposes) or "none"
        what = f"purpose {purpose!r}" if purpose is not None else "a crawl without a purpose"
        return _refuse(host, policy, f"{policy.file} does not allow {what} (allowed: {allowed})")
    return verdict


def normalise_path(rest: str) -> str:
    """The path of a URL's ``rest`` (path, query, fragment), as a server would resolve it.

    Percent-decoded; ``\\`` read as ``/``; empty and ``.`` segments dropped; ``..`` (also
    ``..;params``) removes the segment before it. Always starts with ``/``; keeps a
    trailing ``/``. Dropping empty segments before resolving ``..`` is the reading that
    climbs highest, so it never places a path inside a prefix a server would not.
    """
    for stop in "?#":
        cut = rest.find(stop)
        if cut >= 0:
            rest = rest[:cut]
    if not rest:
        return "/"
    if (
        rest[0] == "/"
        and "%" not in rest
        and "\\" not in rest
        and "/." not in rest
        and "//" not in rest
    ):
        return rest  # already normal: the common case
    decoded = unquote(rest).replace("\\", "/")
    segments: list[str] = []
    for segment in decoded.split("/"):
        bare = segment.partition(";")[0]
        if bare == "..":
            if segments:
                segments.pop()
        elif segment and bare != ".":
            segments.append(segment)
    trailing = decoded.endswith("/") or decoded.rpartition("/")[2].partition(";")[0] in (
        ".",
        "..",
    )
    path = "/" + "/".join(segments)
    return path + "/" if trailing and segments else path


def path_allowed(path: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a normalised ``path`` lies under one of ``prefixes`` (at a segment boundary)."""
    for prefix in prefixes:
        if path == prefix:
            return True
        if prefix.endswith("/"):
            if path.startswith(prefix):
                return True
        elif path.startswith(prefix) and path[len(prefix)] == "/":
            return True
    return False


def _host_verdict(host: str, policy: DomainPolicy | None) -> Decision:
    """What the host's policy alone says (no policy, forbidden, or allowed), cached per host."""
    if policy is None:
        verdict = _refuse(
            host,
            None,
            f"no policy for host {host}: every domain needs a recorded legal decision "
            "before it is crawled",
        )
    elif policy.extraction != "allowed":
        clause = f" ({policy.clause})" if policy.clause else ""
        verdict = _refuse(
            host, policy, f"{policy.file} forbids extraction: {policy.reason}{clause}"
        )
    else:
        verdict = Decision(allowed=True, host=host, policy=policy, rule="", reason="")
    if len(_verdicts) >= _CACHE_SIZE:
        _verdicts.clear()
    _verdicts[host] = verdict
    return verdict


def _refuse(host: str, policy: DomainPolicy | None, reason: str) -> Decision:
    return Decision(allowed=False, host=host, policy=policy, rule=RULE, reason=reason)
