"""The one form of a URL's path that every check judges and the wire carries (issue 10 item 2).

A server resolves ``/./prive/``, ``/x/../prive/``, ``/%2e/prive/``, ``//prive/`` and
``\\prive\\`` to ``/prive/``, while robots.txt and tdmrep.json rules compare strings: judged as
written, those forms get past a ``Disallow: /prive/``. So the gate rewrites every request to
``wire_form(url)`` before anything judges it, and the last check before the download handler
refuses a URL that is not in that form (a later middleware changed it). The gate, robots.txt,
the TDM check and the provenance stamp then all read the URL that is sent.

What ``wire_form`` does to the path (the query and fragment are kept as they are):

- ``\\`` is ``/`` (as browsers read it in http and https URLs);
- repeated slashes are one (what most servers do: nginx ``merge_slashes``, Apache's
  mapping to files);
- dot segments are resolved (RFC 3986 §5.2.4), with ``%2e`` in any case read as ``.``
  (WHATWG URL: ``.%2E``, ``%2e.``, ``%2e%2e`` are ``..``); a ``..`` never climbs above ``/``.

A dot segment with parameters (``..;x``, ``.;x``) is a ``ValueError``: Tomcat and others read
it as ``..``, other servers as a plain name, so no one form can be judged (fail closed).

Rejected alternative: judging both the written and the resolved form in each component.
Every component would have to know it, and the written form is not what a server serves.
"""

from __future__ import annotations

from typing import Final

from .hosts import split_url

_DOT: Final = frozenset({".", "%2e"})
_DOTDOT: Final = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})


def wire_form(url: str) -> str:
    """``url`` with its path in the one form every check judges (see the module docstring).

    ValueError when the URL is not absolute, or its path holds a dot segment with
    parameters. The common URL (no ``\\``, ``//``, ``/.`` or ``%2e`` in its path) is returned
    unchanged after three ``find`` calls.
    """
    scheme_sep = url.find("://")
    if scheme_sep < 0:
        raise ValueError("not an absolute URL (scheme://host/...)")
    netloc, rest = split_url(url)[1:]
    end = len(rest)
    for stop in "?#":
        cut = rest.find(stop)
        if 0 <= cut < end:
            end = cut
    path, tail = rest[:end], rest[end:]
    if not _needs_work(path):
        return url
    resolved = resolve_path(path)
    return f"{url[:scheme_sep]}://{netloc}{resolved}{tail}"


def resolve_path(path: str) -> str:
    """A path as a server resolves it: ``\\`` as ``/``, one ``/`` for many, dot segments
    (also percent-encoded) resolved. Starts with ``/``; a trailing ``/`` is kept."""
    segments: list[str] = []
    parts = path.replace("\\", "/").split("/")
    trailing = False
    for segment in parts[1:] if parts and parts[0] == "" else parts:
        lowered = segment.lower()
        bare = lowered.partition(";")[0]
        if bare in _DOT or bare in _DOTDOT:
            if bare != lowered:
                raise ValueError(
                    f"path segment {segment!r}: a dot segment with parameters is read as "
                    f"{bare!r} by some servers and as a name by others"
                )
            if bare in _DOTDOT and segments:
                segments.pop()
            trailing = True
        elif segment:
            segments.append(segment)
            trailing = False
        else:
            trailing = True
    resolved = "/" + "/".join(segments)
    return resolved + "/" if trailing and segments else resolved


def _needs_work(path: str) -> bool:
    return "\\" in path or "//" in path or "/." in path or "%2e" in path or "%2E" in path
