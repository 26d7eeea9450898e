"""Which requests are the compliance layer's own (robots.txt, tdmrep.json), by a mark a spider
cannot forge (issue 10 item 1).

Such a request carries ``meta["compliance_internal"]`` set to this crawl's ``InternalMark``,
an object made when the crawl's facts are built and handed only to the compliance
components. ``True`` or any other value is not the mark: the gate refuses a request that
carries the key with anything else, saying why, so a spider cannot lift a policy's ``paths``,
robots.txt, the TDM or the login-wall checks by setting it.

Why a mark in meta and not the request objects kept by identity: Scrapy copies a request
(``Request.replace``) when it retries it or follows a redirect, and the copy must stay
internal. ``replace`` copies ``meta`` with it, so the mark travels with every copy; a set of
request objects would lose them. Queued requests never hold it: internal requests are
downloaded directly (``engine.download_async``), and cluster mode's queue removes every
``compliance_*`` key (``cluster/serializer.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import meta

if TYPE_CHECKING:
    from scrapy import Request


class InternalMark:
    """The per-crawl token on the compliance layer's own requests (compared by identity)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<compliance internal request>"


def internal_meta(mark: InternalMark) -> dict[str, Any]:
    """The meta that makes a request one of the compliance layer's own."""
    return {meta.INTERNAL: mark}


def is_internal(request: Request, mark: InternalMark) -> bool:
    """Whether ``request`` is one of the compliance layer's own requests in this crawl."""
    return request.meta.get(meta.INTERNAL) is mark


def forged_internal(request: Request, mark: InternalMark) -> str:
    """Why ``request`` claims to be internal without being so, or "" when it does not."""
    if meta.INTERNAL not in request.meta or is_internal(request, mark):
        return ""
    return (
        f"request meta sets {meta.INTERNAL!r} = {request.meta[meta.INTERNAL]!r}: that key marks "
        "the compliance layer's own requests (robots.txt, tdmrep.json) and a spider cannot "
        "set it (it would lift the policy's paths, robots.txt, TDM and login-wall checks); "
        "remove it from the request"
    )
