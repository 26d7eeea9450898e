"""Special-category scan speed: ``scan(value, field)`` on the labelled set's values.

``python -m bench.scan --repeat 20 --runs 5 --result FILE``: values per second (wall and this
process's CPU time), median and min-max of ``--runs`` timed passes, in three settings:

- ``distinct_per_s``: every value once per pass, the memo emptied before each pass: what
  a value never seen before costs (patterns already compiled by a first pass);
- ``per_s``, the headline as before the memo: the values repeated ``--repeat`` times, the
  memo emptied before each pass, so with a repeat of 20, 19 in 20 scans are memo hits (a
  crawl's job titles and organisations repeat; its descriptions mostly do not);
- ``cold_per_s``: the first pass of a fresh process, compiling the buckets it reaches
  (one pass, not a median).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from .common import ROOT, Summary, write_result

DATA: Final = ROOT / "tests" / "data" / "sensitive_labelled.tsv"


def values(path: Path = DATA) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["value"], row["field"]) for row in csv.DictReader(f, delimiter="\t")]


def _timed(rows: list[tuple[str, str]], before: Callable[[], None]) -> tuple[float, float, int]:
    from compliant_scraper.screening.sensitive import scan

    before()
    t0, c0 = time.perf_counter(), time.process_time()
    hits = sum(1 for value, field in rows if scan(value, field) is not None)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(rows) / wall, len(rows) / max(cpu, 1e-9), hits


def measure(repeat: int, runs: int) -> dict[str, Any]:
    from compliant_scraper.screening import sensitive

    clear: Callable[[], None] = getattr(getattr(sensitive, "_memo", None), "clear", lambda: None)
    distinct = values()
    cold_wall, cold_cpu, hits = _timed(distinct, clear)
    out: dict[str, Any] = {
        "mean_chars": sum(len(v) for v, _ in distinct) / len(distinct),
        "hits": hits,
        "cold_per_s": cold_wall,
        "cold_per_cpu_s": cold_cpu,
    }
    for prefix, rows in (("distinct_", distinct), ("", distinct * repeat)):
        timed = [_timed(rows, clear) for _ in range(runs)]
        out[f"{prefix}per_s"] = Summary.of([w for w, _, _ in timed]).as_dict()
        out[f"{prefix}per_cpu_s"] = Summary.of([c for _, c, _ in timed]).as_dict()
    out["values"] = len(distinct) * repeat
    out["distinct"] = len(distinct)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    write_result(args.result, measure(args.repeat, args.runs))


if __name__ == "__main__":
    main()
