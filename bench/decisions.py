"""Policy decisions per second: ``decide()`` with thousands of domain policies loaded.

``python -m bench.decisions --policies 10000 --urls 100000 --repeat 5 --result FILE``

The URL mix (shuffled, fixed seed): 40% allowed hosts (some outside a policy's ``paths``,
some under a purpose the policy does not list, a few overdue), 20% forbidden, 20% hosts no
policy covers, 20% look-alikes (``notDOMAIN``, ``DOMAIN.evil.test``, ``DOMAIN-fr.com``,
upper case, trailing dot, user info, a Cyrillic homograph, ``..`` in the path). The first
pass fills the per-host caches and is reported apart ("cold"); the others are "warm".
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .common import Summary, write_result
from .policies import PURPOSE, GeneratedDomain, many_policies

SEED = 11
_CYRILLIC_A = "\u0430"  # looks like "a"


def url_mix(domains: list[GeneratedDomain], count: int) -> list[tuple[str, str]]:
    """``count`` (category, URL) pairs."""
    rng = random.Random(SEED)
    allowed = [d for d in domains if d.extraction == "allowed"]
    forbidden = [d for d in domains if d.extraction == "forbidden"]
    out: list[tuple[str, str]] = []
    for n in range(count):
        roll = rng.random()
        if roll < 0.4:
            d = rng.choice(allowed).domain
            path = rng.choice(("/annuaire/fiche-{n}.html", "/pros/{n}", "/contact", "/blog/{n}"))
            prefix = rng.choice(("", "www."))
            out.append(("allowed", f"https://{prefix}{d}{path.format(n=n)}?ref={n % 97}"))
        elif roll < 0.6:
            d = rng.choice(forbidden).domain
            out.append(("forbidden", f"https://www.{d}/profil/{n}"))
        elif roll < 0.8:
            out.append(("unknown", f"https://inconnu-{n % 5000}.fr/page/{n}"))
        else:
            d = rng.choice(domains).domain
            out.append(("look-alike", _look_alike(d, n, rng)))
    return out


def _look_alike(domain: str, n: int, rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return f"https://not{domain}/p/{n}"
    if kind == 1:
        return f"https://{domain}.evil-{n % 300}.test/p/{n}"
    if kind == 2:
        return f"https://{domain.replace('.', '-')}-fr.com/p/{n}"
    if kind == 3:
        return f"HTTPS://WWW.{domain.upper()}/P/{n}"
    if kind == 4:
        return f"https://{domain}./annuaire/{n}"
    if kind == 5:
        return f"https://user:secret@{domain}:8443/annuaire/{n}"
    if kind == 6:
        return f"https://{domain.replace('a', _CYRILLIC_A, 1)}/annuaire/{n}"
    return f"https://{domain}/annuaire/%2e%2e/admin/{n}"


def measure(policies: int, urls: int, repeat: int, workdir: Path) -> dict[str, Any]:
    from compliant_scraper.policy.decide import decide
    from compliant_scraper.policy.loader import load_registry

    today = datetime.now(UTC).date()
    directory = workdir / f"policies-{policies}"
    domains = many_policies(directory, policies, today)
    started = time.perf_counter()
    registry = load_registry(directory, today=today)
    load_s = time.perf_counter() - started
    mix = url_mix(domains, urls)
    only_urls = [u for _, u in mix]

    def one_pass() -> float:
        t0 = time.perf_counter()
        for url in only_urls:
            decide(registry, url, purpose=PURPOSE, today=today)
        return time.perf_counter() - t0

    cold = one_pass()
    warm = [one_pass() for _ in range(repeat)]
    outcomes: Counter[str] = Counter()
    for category, url in mix:
        verdict = decide(registry, url, purpose=PURPOSE, today=today)
        outcomes[f"{category}/{'allowed' if verdict.allowed else 'refused'}"] += 1
    return {
        "policies": len(registry.policies),
        "urls": urls,
        "load_s": load_s,
        "cold_per_s": urls / cold,
        "warm_per_s": Summary.of([urls / w for w in warm]).as_dict(),
        "outcomes": dict(sorted(outcomes.items())),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    if args.workdir is None:
        with tempfile.TemporaryDirectory(prefix="bench-decisions-") as tmp:
            write_result(args.result, measure(args.policies, args.urls, args.repeat, Path(tmp)))
    else:
        write_result(args.result, measure(args.policies, args.urls, args.repeat, args.workdir))


if __name__ == "__main__":
    main()
