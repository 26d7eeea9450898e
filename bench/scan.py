"""Special-category scan speed: ``scan(value, field)`` on the labelled set's values, repeated.

``python -m bench.scan --repeat 20 --runs 5 --result FILE``: values per second, median and
min-max of ``--runs`` timed passes (the scanner keeps no cache, so repeating values is fair).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path
from typing import Any, Final

from .common import ROOT, Summary, write_result

DATA: Final = ROOT / "tests" / "data" / "sensitive_labelled.tsv"


def values(path: Path = DATA) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["value"], row["field"]) for row in csv.DictReader(f, delimiter="\t")]


def measure(repeat: int, runs: int) -> dict[str, Any]:
    from compliant_scraper.screening.sensitive import scan

    rows = values() * repeat
    scan(*rows[0])  # compiled expressions loaded
    rates = []
    cpu_rates = []  # the machine is shared: CPU time is this process's own
    hits = 0
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        hits = sum(1 for value, field in rows if scan(value, field) is not None)
        rates.append(len(rows) / (time.perf_counter() - t0))
        cpu_rates.append(len(rows) / (time.process_time() - c0))
    mean_chars = sum(len(v) for v, _ in rows) / len(rows)
    return {
        "values": len(rows),
        "distinct": len(rows) // repeat,
        "mean_chars": mean_chars,
        "hits": hits,
        "per_s": Summary.of(rates).as_dict(),
        "per_cpu_s": Summary.of(cpu_rates).as_dict(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    write_result(args.result, measure(args.repeat, args.runs))


if __name__ == "__main__":
    main()
