"""Which request headers are credentials (R2): the one rule the gate and the last check share.

``Authorization`` is not the only way a request logs in. APIs and sites take a key or a token
in a header of their own (``X-Api-Key``, ``X-Auth-Token``, ``X-Access-Token``,
``Ocp-Apim-Subscription-Key``, ``X-Session-Id``...). A header is a credential when a word of
its name (split on ``-`` and ``_``, any case) is one of ``CREDENTIAL_WORDS``, or when its
name is one of the ``api key`` spellings glued in one word (``apikey``, ``x-apikey``).

``Proxy-Authorization`` is for the proxy when the request goes through one
(``meta["proxy"]``): the proxy consumes it (RFC 9110 §11.7.1, hop by hop), so it is not a
credential for the site. Without a proxy it reaches the site, like ``Authorization``.
(Scrapy's ``HttpProxyMiddleware``, 750, removes it from a request with no proxy; one added
after that middleware is judged here.)

``Cookie`` is judged apart (the gate: cookies the spider set; the last check: cookies not in
Scrapy's cookie jar for the host). Rejected: a closed list of header names (a site's own
``X-Foo-Token`` would pass), and judging header values (a key has no recognisable form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from scrapy import Request

CREDENTIAL_WORDS: Final = frozenset(
    {
        "auth", "authorization", "authentication", "authn", "token", "apikey", "key",
        "secret", "password", "passwd", "pwd", "credential", "credentials", "session",
        "sessionid", "sid", "jwt", "bearer", "signature", "csrf", "xsrf", "otp", "totp",
    }
)  # fmt: skip
"""Words of a header name that make it a credential (``X-Api-Key``: ``key``)."""

PROXY_AUTHORIZATION: Final = "proxy-authorization"
_SEPARATORS: Final = re.compile(r"[-_.\s]+")


def is_credential_header(name: str, *, proxied: bool) -> bool:
    """Whether a header called ``name`` carries a credential for the site."""
    lowered = name.strip().lower()
    if lowered == PROXY_AUTHORIZATION:
        return not proxied
    if lowered == "cookie":
        return False  # judged apart: the site's own cookies are not a login
    words = [w for w in _SEPARATORS.split(lowered) if w]
    return any(w in CREDENTIAL_WORDS or w.endswith(("apikey", "token")) for w in words)


def credential_headers(names: Iterable[bytes | str], *, proxied: bool) -> list[str]:
    """The names (as written) of the headers among ``names`` that carry a credential."""
    found = []
    for raw in names:
        name = raw.decode("latin-1") if isinstance(raw, bytes) else raw
        if is_credential_header(name, proxied=proxied) and name not in found:
            found.append(name)
    return found


def credentials_sent(request: Request, *, proxy_known: bool = True) -> list[str]:
    """The credential headers ``request`` sends to the site (with a value), as written.

    ``proxy_known=False`` (the policy gate, before ``HttpProxyMiddleware`` chose the proxy):
    ``Proxy-Authorization`` is left to the last check.
    """
    names = [name for name, values in request.headers.items() if any(values)]
    proxied = bool(request.meta.get("proxy")) or not proxy_known
    return credential_headers(names, proxied=proxied)
