"""How long the command line takes to answer ``--help`` and ``--version`` (issue 11, item 6).

    .venv/bin/python -m bench.cli_startup [--rounds 15]

Each round runs, in turn, ``compliant-scraper --help``, ``compliant-scraper --version`` and
the baseline ``python -c "import click"`` as fresh processes, so that the machine's noise
falls on all three alike; the report gives the median and min-max wall time of each and the
median of the differences against the baseline measured in the same round. The target is
within 0.3 s of the baseline. Byte-code caching is on for every side (a user's installed
package has its ``.pyc`` files), and one warm-up round is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

from .common import Summary, machine

BIN: Final = Path(sys.executable).parent
SIDES: Final = {
    "help": [str(BIN / "compliant-scraper"), "--help"],
    "version": [str(BIN / "compliant-scraper"), "--version"],
    "import click": [sys.executable, "-c", "import click"],
}


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def measure(rounds: int) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for argv in SIDES.values():  # warm-up: writes the byte-code caches
        _wall(argv, env)
    walls: dict[str, list[float]] = {name: [] for name in SIDES}
    for _ in range(rounds):
        for name, argv in SIDES.items():
            walls[name].append(_wall(argv, env))
    base = walls["import click"]
    return {
        "rounds": rounds,
        "wall_s": {name: Summary.of(values).as_dict() for name, values in walls.items()},
        "over_baseline_s": {
            name: statistics.median(w - b for w, b in zip(values, base, strict=True))
            for name, values in walls.items()
            if name != "import click"
        },
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    result = measure(args.rounds)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
