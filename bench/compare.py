"""Before/after: one benchmark worker run alternately against two versions of the product.

    python -m bench.compare --base REV [--pairs 7] pipeline|scan [worker args...]

The machine is shared and drifts over minutes, so a number from one run is never compared
with a number from another: this runs side A (the product at git revision ``REV``, exported
with ``git archive``) and side B (the working tree) in alternation, A B A B..., each in a
fresh process, both with *this* tree's benchmark code (so the items, site and policies are
the same on both sides), and reports each side's median and min-max and the median and
min-max of the per-pair ratio B/A.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Final

from .common import ROOT, Summary

# What each worker reports as its headline rate (higher is better), read from its JSON.
# CPU time, not wall time: on a shared machine the other processes' load falls on the wall
# clock of both sides unevenly, much less on a process's own CPU time.
RATES: Final = {
    "pipeline": ("bench.pipeline", ("items_per_cpu_s", "median")),
    "scan": ("bench.scan", ("per_cpu_s", "median")),
    "scan-distinct": ("bench.scan", ("distinct_per_cpu_s", "median")),
}


def side(directory: Path, product: Path) -> Path:
    """A tree holding this benchmark code and ``product``'s package and policies."""
    directory.mkdir(parents=True)
    shutil.copytree(ROOT / "bench", directory / "bench")
    (directory / "compliant_scraper").symlink_to(product / "compliant_scraper")
    (directory / "policies").symlink_to(product / "policies")
    (directory / "tests").symlink_to(ROOT / "tests")
    return directory


def export(rev: str, target: Path) -> Path:
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def run(tree: Path, module: str, args: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        result = Path(tmp) / "result.json"
        env = {**os.environ, "PYTHONPATH": str(tree)}
        subprocess.run(
            [sys.executable, "-m", module, *args, "--result", str(result)],
            cwd=tree,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return data


def rate_of(data: dict[str, Any], path: tuple[str, ...]) -> float:
    value: Any = data
    for key in path:
        value = value[key]
    return float(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    base = parser.add_mutually_exclusive_group(required=True)
    base.add_argument("--base", help="git revision of side A (e.g. main)")
    base.add_argument("--base-dir", type=Path, help="side A: a source tree (e.g. a change undone)")
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="pipeline: a database to copy for each run")
    parser.add_argument("--out", type=Path, help="write every run's JSON here")
    parser.add_argument("worker", choices=sorted(RATES))
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    module, path = RATES[ns.worker]
    with tempfile.TemporaryDirectory(prefix="bench-sides-") as tmp:
        root = Path(tmp)
        product_a = ns.base_dir or export(ns.base, root / "base")
        a = side(root / "a", product_a)
        b = side(root / "b", ROOT)
        runs: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for index in range(ns.pairs):
            pair = []
            for tree in (a, b):
                args = list(ns.args)
                if ns.db is not None:  # each run writes: a fresh copy of the database
                    copy = root / "run.db"
                    shutil.copyfile(ns.db, copy)  # the main file only, as bench.crawl does
                    args += ["--db", str(copy)]
                pair.append(run(tree, module, args))
                for leftover in root.glob("run.db*"):
                    leftover.unlink()
            ra, rb = rate_of(pair[0], path), rate_of(pair[1], path)
            print(f"pair {index + 1}: A {ra:,.0f}  B {rb:,.0f}  B/A {rb / ra:.3f}", flush=True)
            runs.append((pair[0], pair[1]))
    rates_a = [rate_of(x, path) for x, _ in runs]
    rates_b = [rate_of(y, path) for _, y in runs]
    report = {
        "base": ns.base or str(ns.base_dir),
        "worker": ns.worker,
        "a": Summary.of(rates_a).as_dict(),
        "b": Summary.of(rates_b).as_dict(),
        "b_over_a": Summary.of([y / x for x, y in zip(rates_a, rates_b, strict=True)]).as_dict(),
    }
    print(json.dumps(report, indent=1))
    if ns.out is not None:
        ns.out.write_text(json.dumps({"report": report, "runs": runs}, indent=1, default=str))


if __name__ == "__main__":
    main()
