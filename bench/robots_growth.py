"""robots.txt verdict cost per URL against the number of rules (issue 16 item 5).

``python -m bench.robots_growth --rules 10,100,1000 --hostile 1000 --pairs 7 --result FILE``

Three sides on the same generated files and URLs: the indexed matcher (``PatternIndex``), the
same parser with the index off (every rule tried in order, as before the change), and
protego. The indexed and linear sides alternate, pair by pair, so the machine's drift falls
on both; protego is timed once per pair after them.

The files look like large real ones: mostly literal ``Disallow`` paths under a few hundred
sections (``/catalogue/<section>/<n>/``), 5% ``/*?param=`` rules, 2% ``/*.ext$`` rules and a
few ``Allow`` lines. The URLs: a third under a disallowed path, a third under an allowed
section, a third with a query some rule names. ``--hostile`` sizes add files of nothing but
``Disallow: /*z<n>q`` rules, which the index cannot file (each is tried for every URL).
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from .common import Summary, write_result

SEED = 16


def robots_file(rules: int, rng: random.Random, *, hostile: bool = False) -> str:
    lines = ["User-agent: *"]
    if hostile:  # wildcard-led, with no whole run of letters to file them under
        return "\n".join(lines + [f"Disallow: /*z{n}q" for n in range(rules)]) + "\n"
    for n in range(rules):
        roll = rng.random()
        if roll < 0.05:
            lines.append(f"Disallow: /*?p{n}=")
        elif roll < 0.07:
            lines.append(f"Disallow: /*.x{n}$")
        elif roll < 0.09:
            lines.append(f"Allow: /catalogue/s{n % 300}/open{n}/")
        else:
            lines.append(f"Disallow: /catalogue/s{n % 300}/{n}/")
    return "\n".join(lines) + "\n"


def urls(rules: int, count: int, rng: random.Random) -> list[str]:
    out = []
    for i in range(count):
        n = rng.randrange(max(rules, 1))
        kind = i % 3
        if kind == 0:
            out.append(f"https://h.test/catalogue/s{n % 300}/{n}/page-{i}.html")
        elif kind == 1:
            out.append(f"https://h.test/catalogue/s{n % 300}/item-{i}.html")
        else:
            out.append(f"https://h.test/liste/{i}?p{n}=1&sort=asc")
    return out


def _time_ours(body: str, sample: list[str], linear: bool) -> tuple[float, list[bool]]:
    from compliant_scraper.reservations import robots_match
    from compliant_scraper.reservations.robots_rules import RobotsRules

    saved = robots_match.LINEAR_BELOW
    robots_match.LINEAR_BELOW = 10**12 if linear else saved
    try:
        rules = RobotsRules.parse(body)
        rules.allowed("/", "foo")  # build the group's index outside the timing
        started = time.perf_counter()
        verdicts = [rules.allowed(url, "foo") for url in sample]
        return (time.perf_counter() - started) / len(sample), verdicts
    finally:
        robots_match.LINEAR_BELOW = saved


def _time_protego(body: str, sample: list[str]) -> float:
    from protego import Protego

    parser = Protego.parse(body)
    parser.can_fetch("https://h.test/", "foo")
    started = time.perf_counter()
    for url in sample:
        parser.can_fetch(url, "foo")
    return (time.perf_counter() - started) / len(sample)


def measure(sizes: list[int], hostile: list[int], count: int, pairs: int) -> dict[str, Any]:
    rows = []
    for size, shape in [(n, "realistic") for n in sizes] + [(n, "hostile") for n in hostile]:
        rng = random.Random(SEED + size)
        body = robots_file(size, rng, hostile=shape == "hostile")
        sample = urls(size, count, rng)
        indexed: list[float] = []
        linear: list[float] = []
        protego: list[float] = []
        for _ in range(pairs):
            t_index, v_index = _time_ours(body, sample, linear=False)
            t_linear, v_linear = _time_ours(body, sample, linear=True)
            if v_index != v_linear:
                raise AssertionError(f"{size} rules: the index and the linear scan disagree")
            indexed.append(t_index * 1e6)
            linear.append(t_linear * 1e6)
            protego.append(_time_protego(body, sample) * 1e6)
        ratios = [a / b for a, b in zip(indexed, linear, strict=True)]
        rows.append(
            {
                "shape": shape,
                "rules": size,
                "bytes": len(body.encode()),
                "disallowed_share": v_index.count(False) / len(v_index),
                "indexed_us_per_url": Summary.of(indexed).as_dict(),
                "linear_us_per_url": Summary.of(linear).as_dict(),
                "protego_us_per_url": Summary.of(protego).as_dict(),
                "indexed_over_linear": Summary.of(ratios).as_dict(),
            }
        )
        print(
            f"{shape:>9} {size:>6} rules: indexed {Summary.of(indexed).median:8.2f} us/URL, "
            f"linear {Summary.of(linear).median:8.2f}, protego {Summary.of(protego).median:8.2f}"
        )
    return {"urls": count, "pairs": pairs, "rows": rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default="10,100,1000,10000,20000")
    parser.add_argument("--hostile", default="1000,10000", help="sizes of wildcard-led files")
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.rules.split(",") if part]
    hostile = [int(part) for part in args.hostile.split(",") if part]
    write_result(args.result, measure(sizes, hostile, args.urls, args.pairs))


if __name__ == "__main__":
    main()
