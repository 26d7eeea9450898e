"""Bloctel at national scale: a generated list, its import, and lookups against it.

``python -m bench.bloctel generate FILE --lines N``: N lines, seeded, one number a line in
a mix of national and international French forms (``0612345678``, ``06 12 34 56 78``,
``06.12.34.56.78``, ``+33612345678``, ``+33 6 12 34 56 78``, ``0033612345678``,
``33612345678``, ``+33 (0)6 12 34 56 78``), 1% overseas numbers (``0692 12 34 56``,
``+262 692 12 34 56``), about 1% repeated lines, and every tenth phone of the benchmark
site (``bench.make_site.site_phone``) so a crawl meets numbers that are on the list.

``python -m bench.bloctel import --db DB --file FILE --result R``: the product's
``import_list`` into DB, in this process alone (``run_worker`` reads its peak memory).

``python -m bench.bloctel lookups --db DB --count N --repeat K --result R``: ``number in
screen`` (``OppositionScreen``, as the pipeline asks it) on half listed, half random numbers.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from .common import Summary, self_rss_mb, write_result
from .make_site import EXCLUDED_HEADS, site_phone

SEED: Final = 7
SITE_SHARE: Final = 10  # every tenth site phone is on the list
SITE_CONTACTS: Final = 100_000  # site phones considered (covers any site up to 100k pages)
CHUNK: Final = 100_000
# 3-digit heads of valid French numbers (checked against the product by ``check_heads``).
MOBILE_HEADS: Final = tuple(
    h for h in (f"{m}{d:02d}" for m in "67" for d in range(100)) if h not in EXCLUDED_HEADS
)
FIXED_HEADS: Final = tuple(
    h for h in (f"{a}{d:02d}" for a in "123459" for d in range(100)) if h not in EXCLUDED_HEADS
)
OVERSEAS_HEADS: Final = ("692",)  # Réunion mobiles: +262 692


def _national(nsn: str, style: int) -> str:
    pairs = f"{nsn[1:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:9]}"
    if style == 0:
        return "0" + nsn
    if style == 1:
        return f"0{nsn[0]} {pairs}"
    if style == 2:
        return f"0{nsn[0]}.{pairs.replace(' ', '.')}"
    if style == 3:
        return "+33" + nsn
    if style == 4:
        return f"+33 {nsn[0]} {pairs}"
    if style == 5:
        return "0033" + nsn
    if style == 6:
        return "33" + nsn
    return f"+33 (0){nsn[0]} {pairs}"


def _overseas(nsn: str, style: int) -> str:
    if style % 2 == 0:
        return f"0{nsn[:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:9]}"
    return f"+262 {nsn[:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:9]}"


def listed_numbers(count: int) -> Iterator[int]:
    """E.164 digits of the first ``count`` random numbers the generator writes (hits)."""
    for nsn, overseas in _random_nsns(random.Random(SEED), count):
        yield (262 if overseas else 33) * 10**9 + int(nsn)


def _random_nsns(rng: random.Random, count: int) -> Iterator[tuple[str, bool]]:
    heads = MOBILE_HEADS * 3 + FIXED_HEADS  # about 60% mobile
    for _ in range(count):
        if rng.random() < 0.01:
            yield rng.choice(OVERSEAS_HEADS) + f"{rng.randrange(10**6):06d}", True
        else:
            yield rng.choice(heads) + f"{rng.randrange(10**6):06d}", False


def generate(path: Path, lines: int) -> dict[str, Any]:
    """Write the list (reused when one of the same size is there); what it holds."""
    stamp = path.with_name(path.name + ".complete")
    site = [site_phone(i) for i in range(0, SITE_CONTACTS, SITE_SHARE)][: lines // 10]
    if stamp.exists() and stamp.read_text() == str(lines):
        return {"lines": lines, "site_numbers": len(site), "reused": True}
    rng = random.Random(SEED)
    style_rng = random.Random(SEED + 1)
    randoms = lines - len(site)
    repeats = randoms // 100
    written = 0
    started = time.perf_counter()
    with path.open("w", encoding="ascii", newline="\n") as out:
        batch: list[str] = []
        recent: list[str] = []
        for nsn, overseas in _random_nsns(rng, randoms - repeats):
            style = style_rng.randrange(8)
            line = _overseas(nsn, style) if overseas else _national(nsn, style)
            batch.append(line)
            if style_rng.random() < repeats / randoms and recent:  # a repeated number
                batch.append(style_rng.choice(recent))
            if len(recent) < 1000:
                recent.append(line)
            if len(batch) >= CHUNK:
                written += len(batch)
                out.write("\n".join(batch) + "\n")
                batch = []
        for number in site:
            batch.append(_national(str(number - 33 * 10**9), style_rng.randrange(8)))
        while written + len(batch) < lines:  # top up the repeats the draw left short
            batch.append(style_rng.choice(recent))
        batch = batch[: lines - written]
        out.write("\n".join(batch) + "\n")
        written += len(batch)
    stamp.write_text(str(lines))
    return {
        "lines": written,
        "site_numbers": len(site),
        "seconds": time.perf_counter() - started,
        "reused": False,
    }


def check_heads() -> list[str]:
    """Heads whose sample numbers the product does not read as valid (should be empty)."""
    from compliant_scraper.values.phones import e164_int

    bad = []
    for head in MOBILE_HEADS + FIXED_HEADS:
        for tail in ("000000", "555555", "999999"):
            if e164_int("0" + head + tail) != 33 * 10**9 + int(head + tail):
                bad.append(head)
                break
    for head in OVERSEAS_HEADS:
        for tail in ("000000", "555555", "999999"):
            if e164_int(f"+262{head}{tail}") is None or e164_int(f"0{head}{tail}") is None:
                bad.append(head)
                break
    return bad


def list_date() -> date:
    """A list produced yesterday: fresh for ``opposition_max_age_days``."""
    return datetime.now(UTC).date() - timedelta(days=1)


def do_import(db_path: Path, file: Path) -> dict[str, Any]:
    from compliant_scraper.store.database import open_database
    from compliant_scraper.tooling.opposition_import import import_list

    db = open_database(db_path)
    try:
        started = time.perf_counter()
        report = import_list(db, file, list_date=list_date())
        seconds = time.perf_counter() - started
    finally:
        db.close()
    return {
        "seconds": seconds,
        "lines": report.lines,
        "count": report.info.count,
        "duplicates": report.info.duplicates,
        "invalid": report.invalid_count,
        "self_max_rss_mb": self_rss_mb(),
        "db_mb": db_path.stat().st_size / 1e6,
    }


def lookups(db_path: Path, count: int, repeat: int) -> dict[str, Any]:
    from compliant_scraper.store.database import open_database
    from compliant_scraper.store.opposition import OppositionScreen

    started = time.perf_counter()
    db = open_database(db_path)
    screen = OppositionScreen(db, ("bloctel",))
    open_s = time.perf_counter() - started
    hits = [f"+{n}" for n in listed_numbers(count // 2)]
    rng = random.Random(SEED + 99)
    misses = [f"+336{rng.randrange(10**8):08d}" for _ in range(count - len(hits))]
    mixed = hits + misses
    random.Random(SEED + 100).shuffle(mixed)
    rates = []
    found = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = sum(1 for number in mixed if number in screen)
        rates.append(len(mixed) / (time.perf_counter() - t0))
    db.close()
    return {
        "open_s": open_s,
        "lookups": len(mixed),
        "found": found,
        "expected_hits": len(hits),
        "per_s": Summary.of(rates).as_dict(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("file", type=Path)
    gen.add_argument("--lines", type=int, default=10_000_000)
    gen.add_argument("--result")
    imp = sub.add_parser("import")
    imp.add_argument("--db", type=Path, required=True)
    imp.add_argument("--file", type=Path, required=True)
    imp.add_argument("--result", required=True)
    look = sub.add_parser("lookups")
    look.add_argument("--db", type=Path, required=True)
    look.add_argument("--count", type=int, default=200_000)
    look.add_argument("--repeat", type=int, default=5)
    look.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    if args.command == "generate":
        result = generate(args.file, args.lines)
        if args.result:
            write_result(args.result, result)
        print(result)
    elif args.command == "import":
        write_result(args.result, do_import(args.db, args.file))
    else:
        write_result(args.result, lookups(args.db, args.count, args.repeat))


if __name__ == "__main__":
    main()
