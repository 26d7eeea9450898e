"""Provenance: where a value came from, stamped on every item (R5: Art. 14 requires the source).

An auditor answers "where did this value come from, and under which policy and robots.txt?"
from the ``sources`` table, whose columns are these fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ITEM_KEY = "provenance"


@dataclass(frozen=True)
class Provenance:
    source_url: str  # the response URL, after redirects
    retrieved_at: str  # UTC, ISO 8601
    spider: str
    run_id: str
    policy_file: str  # relative to the policy directory
    policy_sha256: str
    robots_sha256: str  # of the robots.txt in force for the source's origin
    method: str  # json-ld, microdata, rdfa, mailto, tel, or "spider" when the item says nothing

    def as_source_row(self) -> dict[str, Any]:
        return {
            "url": self.source_url,
            "retrieved_at": self.retrieved_at,
            "spider": self.spider,
            "run_id": self.run_id,
            "policy_file": self.policy_file,
            "policy_sha256": self.policy_sha256,
            "robots_sha256": self.robots_sha256,
            "method": self.method,
        }


def origin_of(scheme: str, host: str, port: int | None) -> str:
    """The robots.txt cache key: ``scheme://host:port`` (RFC 9309: one file per origin)."""
    if port is None:
        port = 443 if scheme == "https" else 80
    return f"{scheme}://{host}:{port}"
