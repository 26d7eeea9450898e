"""Every ``request.meta`` key and every stats key the compliance layer reads or writes.

docs/reference.md documents each one. Meta keys are lower_snake with a ``compliance_`` stem;
stats keys are lowercase, ``/``-separated, under ``compliance/``. A key with a ``{}`` part is
a family: ``REFUSED.format("robots")`` is ``compliance/refused/robots``.
"""

from __future__ import annotations

from typing import Final

from ..extract.contacts import STATS_ERROR as EXTRACT_ERROR
from ..extract.contacts import STATS_ITEMS as EXTRACT_ITEMS

# -- request.meta keys the compliance layer sets ------------------------------------------------

INTERNAL: Final = "compliance_internal"
"""On the requests the compliance layer makes itself (robots.txt, tdmrep.json), set to the
crawl's ``InternalMark`` (``crawl/internal.py``): the gate judges them like any other, except
that a policy's ``paths`` do not restrict them; robots.txt rules and the TDM and login-wall
checks do not apply to them. Any other value (``True``) is refused by the gate."""

DECISION: Final = "compliance_decision"
"""The gate's ``policy.decide.Decision`` for the request (set on every request it allows,
overwritten at each redirect hop): the provenance stamp reads it instead of deciding again."""

JUDGED_URL: Final = "compliance_judged_url"
"""The URL the gate judged (set on every request it allows): the last check before the
download handler refuses a request whose URL is no longer this one."""

POLICY: Final = "compliance_policy"
"""The ``DomainPolicy`` the gate allowed the request under (read by the TDM and login-wall
checks for ``tdm_licence`` and ``authenticated``)."""

ROBOTS_SHA256: Final = "compliance_robots_sha256"
"""The sha256 of the robots.txt that allowed the request (provenance, R5)."""

# -- Scrapy's own meta keys the compliance layer reads or sets ------------------------------------

REDIRECT_URLS: Final = "redirect_urls"  # read: a redirect hop (login-wall check)
HTTP_USER: Final = "http_user"  # read: HTTP auth credentials (the gate, R2)
NETWORK: Final = ("proxy", "bindaddress")
"""Copied from the page's request onto robots.txt and tdmrep.json requests, so they travel the
same way (the same proxy, the same address)."""
DONT_REDIRECT: Final = "dont_redirect"  # set on robots.txt fetches: each hop is judged
HANDLE_ALL_STATUSES: Final = "handle_httpstatus_all"
DONT_CACHE: Final = "dont_cache"  # compliance fetches never come from Scrapy's HTTP cache
DONT_OBEY_ROBOTSTXT: Final = "dont_obey_robotstxt"  # should Scrapy's own robots middleware run

# -- stats --------------------------------------------------------------------------------------

REFUSED: Final = "compliance/refused/{}"  # by stage: policy, robots, tdm, login
DROPPED: Final = "compliance/dropped/{}"  # by reason: not_needed_for_purpose, suppressed, ...
KEPT_CONTACTS: Final = "compliance/kept/contacts"
STORED_CONTACTS: Final = "compliance/store/contacts_stored"  # committed saves only
SUPPRESSED_AT_STORE: Final = "compliance/store/suppressed_at_store"  # objected meanwhile
STORE_WRITE_FAILED: Final = "compliance/store/write_failed"
PROVENANCE_STAMPED: Final = "compliance/provenance/stamped"
PROVENANCE_MISSING: Final = "compliance/provenance/missing"
HTTPCACHE_REMOVED: Final = "compliance/httpcache/removed"  # refused pages deleted from it
NORMALISED: Final = "compliance/normalised"  # requests the gate rewrote to their wire form

ROBOTS_FETCHED: Final = "compliance/robots/fetched"
ROBOTS_STATUS: Final = "compliance/robots/status/{}"  # by HTTP status
ROBOTS_ERROR: Final = "compliance/robots/error/{}"  # by exception type, or "refused"
ROBOTS_REDIRECTS: Final = "compliance/robots/redirects"
ROBOTS_TRUNCATED: Final = "compliance/robots/truncated"
ROBOTS_READABLE: Final = "compliance/robots/readable"
ROBOTS_NO_RULES: Final = "compliance/robots/no_rules"
ROBOTS_UNREADABLE: Final = "compliance/robots/unreadable"
ROBOTS_REFUSED_UNREADABLE: Final = "compliance/robots/refused/unreadable"
ROBOTS_REFUSED_DISALLOWED: Final = "compliance/robots/refused/disallowed"
ROBOTS_CRAWL_DELAY_CAPPED: Final = "compliance/robots/crawl_delay_capped"

TDMREP: Final = "compliance/tdm/tdmrep/{}"  # by verdict: rules, absent, invalid, unreadable
TDM_LICENSED: Final = "compliance/tdm/licensed"
LOGIN_AUTHENTICATED: Final = "compliance/login/authenticated"

# Cluster mode (docs/cluster.md).
CLUSTER_ROBOTS_SHARED: Final = "compliance/cluster/robots/shared"
CLUSTER_ROBOTS_TIMEOUT: Final = "compliance/cluster/robots/timeout"
CLUSTER_TDMREP_SHARED: Final = "compliance/cluster/tdmrep/shared"
CLUSTER_POLITENESS_RESERVED: Final = "compliance/cluster/politeness/reserved"
CLUSTER_POLITENESS_WAITS: Final = "compliance/cluster/politeness/waits"
CLUSTER_POLITENESS_LATE: Final = "compliance/cluster/politeness/late"
CLUSTER_REGISTRY_SWITCHED: Final = "compliance/cluster/registry/switched"
CLUSTER_REGISTRY_SWITCH_FAILED: Final = "compliance/cluster/registry/switch_failed"

__all__ = [
    "CLUSTER_POLITENESS_LATE",
    "CLUSTER_POLITENESS_RESERVED",
    "CLUSTER_POLITENESS_WAITS",
    "CLUSTER_REGISTRY_SWITCHED",
    "CLUSTER_REGISTRY_SWITCH_FAILED",
    "CLUSTER_ROBOTS_SHARED",
    "CLUSTER_ROBOTS_TIMEOUT",
    "CLUSTER_TDMREP_SHARED",
    "DECISION",
    "DONT_CACHE",
    "DONT_OBEY_ROBOTSTXT",
    "DONT_REDIRECT",
    "DROPPED",
    "EXTRACT_ERROR",
    "EXTRACT_ITEMS",
    "HANDLE_ALL_STATUSES",
    "HTTP_USER",
    "INTERNAL",
    "JUDGED_URL",
    "KEPT_CONTACTS",
    "LOGIN_AUTHENTICATED",
    "NETWORK",
    "NORMALISED",
    "POLICY",
    "PROVENANCE_MISSING",
    "PROVENANCE_STAMPED",
    "REDIRECT_URLS",
    "REFUSED",
    "ROBOTS_CRAWL_DELAY_CAPPED",
    "ROBOTS_ERROR",
    "ROBOTS_FETCHED",
    "ROBOTS_NO_RULES",
    "ROBOTS_READABLE",
    "ROBOTS_REDIRECTS",
    "ROBOTS_REFUSED_DISALLOWED",
    "ROBOTS_REFUSED_UNREADABLE",
    "ROBOTS_SHA256",
    "ROBOTS_STATUS",
    "ROBOTS_TRUNCATED",
    "ROBOTS_UNREADABLE",
    "STORED_CONTACTS",
    "STORE_WRITE_FAILED",
    "SUPPRESSED_AT_STORE",
    "TDMREP",
    "TDM_LICENSED",
]
