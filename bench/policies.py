"""Policy directories for the benchmarks, in the documented format (docs/policy-format.md).

The shipped ``policies/purposes.toml``, ``controller.toml``, ``recipients.toml`` and
``assessments/`` are copied as they are (so
``b2b_phone_prospecting``, with Bloctel and ``opposition_max_age_days``, is the real one);
only ``domains/`` is generated. Nothing is added to the shipped ``policies/``.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from .common import ROOT

SHIPPED: Final = ROOT / "policies"
PURPOSE: Final = "b2b_phone_prospecting"
OTHER_PURPOSE: Final = "b2b_email_prospecting"
SEED: Final = 6


def _base(directory: Path) -> Path:
    if directory.exists():
        shutil.rmtree(directory)
    (directory / "domains").mkdir(parents=True)
    for name in ("purposes.toml", "controller.toml", "recipients.toml"):
        shutil.copyfile(SHIPPED / name, directory / name)
    # purposes.toml names its LIA and DPIA files: they must exist (R13).
    shutil.copytree(SHIPPED / "assessments", directory / "assessments")
    return directory


def _policy(
    domain: str,
    extraction: str,
    reviewed_on: date,
    *,
    every: int = 365,
    paths: list[str] | None = None,
    purposes: list[str] | None = None,
) -> str:
    lines = [
        "# Generated for the benchmarks (bench/policies.py).",
        f'domain = "{domain}"',
        f'extraction = "{extraction}"',
        f'reason = "Benchmark decision for {domain}: terms reviewed, automated collection '
        f'{"allowed" if extraction == "allowed" else "forbidden"}"',
        'clause = "Conditions générales, article 4"',
        f'terms_url = "https://{domain}/cgu"',
        'reviewed_by = "Benchmark legal team"',
        f"reviewed_on = {reviewed_on.isoformat()}",
        f"review_every_days = {every}",
    ]
    if paths is not None:
        lines.append("paths = [" + ", ".join(f'"{p}"' for p in paths) + "]")
    if purposes is not None:
        lines.append("purposes = [" + ", ".join(f'"{p}"' for p in purposes) + "]")
    return "\n".join(lines) + "\n"


def crawl_policies(directory: Path, host: str, today: date) -> Path:
    """One allowing policy for the benchmark site's host."""
    _base(directory)
    text = _policy(host, "allowed", today - timedelta(days=30))
    (directory / "domains" / f"{host}.toml").write_text(text, encoding="utf-8")
    return directory


@dataclass(frozen=True)
class GeneratedDomain:
    domain: str
    extraction: str
    overdue: bool
    paths: tuple[str, ...]
    purposes: tuple[str, ...] | None


def domain_name(index: int) -> str:
    """A plausible, unique registrable domain for policy ``index``."""
    words = ("annuaire", "pros", "pages", "societe", "guide", "repertoire", "metiers", "local")
    tlds = ("fr", "com", "eu", "net", "org", "io")
    return f"{words[index % len(words)]}-{index:05d}.{tlds[index // len(words) % len(tlds)]}"


def many_policies(directory: Path, count: int, today: date) -> list[GeneratedDomain]:
    """``count`` domain policies: 70% allowed (some with paths or purposes, a few overdue),
    30% forbidden; every fiftieth on a subdomain of another policy's domain."""
    _base(directory)
    rng = random.Random(SEED)
    made = []
    for index in range(count):
        domain = domain_name(index)
        if index % 50 == 49:  # a more specific policy under another domain
            domain = f"fiches.{domain_name(index - 1)}"
        extraction = "allowed" if rng.random() < 0.7 else "forbidden"
        overdue = extraction == "allowed" and rng.random() < 0.03
        reviewed = today - timedelta(days=400 if overdue else rng.randrange(1, 300))
        paths = ["/annuaire", "/pros/"] if extraction == "allowed" and rng.random() < 0.2 else None
        purposes = (
            [OTHER_PURPOSE] if extraction == "allowed" and rng.random() < 0.1 else None
        )  # these refuse the benchmark's purpose
        text = _policy(domain, extraction, reviewed, paths=paths, purposes=purposes)
        (directory / "domains" / f"{domain}.toml").write_text(text, encoding="utf-8")
        made.append(
            GeneratedDomain(
                domain,
                extraction,
                overdue,
                tuple(paths or ()),
                tuple(purposes) if purposes else None,
            )
        )
    return made
