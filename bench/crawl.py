"""Crawl overhead (stock Scrapy against the compliance add-on) and crawl start-up.

Each crawl is a fresh process (``bench.crawl_worker``) against the same static server;
the sides alternate A B A B. The compliance side starts each run from a copy of the same
database (the Bloctel list imported, nothing else), so every run does the same writes.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .common import PYTHON, ROOT, Summary, alternate, run_worker
from .make_site import Site
from .profiles import Profile, from_cprofile, from_py_spy, py_spy
from .server import StaticServer

PY_SPY_RATE = 200


@dataclass(frozen=True)
class CrawlSetup:
    site: Site
    server: StaticServer
    policy_dir: Path
    workdir: Path
    concurrency: int = 16
    log_level: str = "INFO"
    timeout: int = 900  # CLOSESPIDER_TIMEOUT; the worker is killed 120 s later
    concurrent_items: int = 100  # CONCURRENT_ITEMS, Scrapy's default
    write_thread: bool = False  # COMPLIANCE_WRITE_THREAD (issue 16 item 1)

    def args(self, mode: str, db: Path | None = None, max_pages: int | None = None) -> list[str]:
        args = [
            "--mode",
            mode,
            "--start-url",
            self.site.start_url,
            "--concurrency",
            str(self.concurrency),
            "--log-level",
            self.log_level,
            "--timeout",
            str(self.timeout),
            "--concurrent-items",
            str(self.concurrent_items),
        ]
        if max_pages is not None:
            args += ["--max-pages", str(max_pages)]
        if mode == "stock":
            args += ["--feed", str(self.workdir / "stock-feed.jl")]
        else:
            assert db is not None
            args += ["--policy-dir", str(self.policy_dir), "--db", str(db)]
            if self.write_thread:
                args.append("--write-thread")
        return args

    @property
    def env(self) -> dict[str, str]:
        return {"http_proxy": self.server.proxy, "https_proxy": "", "no_proxy": ""}


def fresh_db(template: Path, target: Path) -> Path:
    """A copy of ``template`` (checkpointed, so the main file is the whole database)."""
    for suffix in ("", "-wal", "-shm", ".key", ".audit-head", ".audit-key"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


def _one(setup: CrawlSetup, mode: str, template: Path | None, **kw: Any) -> dict[str, Any]:
    db = None
    if mode == "compliance":
        assert template is not None
        db = fresh_db(template, setup.workdir / "crawl.db")
    cpu_before = setup.server.cpu_s()
    run = run_worker(
        "bench.crawl_worker",
        setup.args(mode, db, kw.get("max_pages")),
        timeout=setup.timeout + 120,
        env=setup.env,
    )
    stats = run.data["stats"]
    pages = int(stats.get("response_received_count") or 0)
    elapsed = float(stats.get("elapsed_time_seconds") or 0.0)
    if stats.get("finish_reason") != "finished":
        raise RuntimeError(f"{mode} crawl finished with {stats.get('finish_reason')!r}")
    return {
        "mode": mode,
        "wall_s": run.wall_s,
        "cpu_s": run.cpu_s,
        "max_rss_mb": run.max_rss_mb,
        "elapsed_s": elapsed,
        "pages": pages,
        "items": stats.get("item_scraped_count"),
        "dropped": stats.get("item_dropped_count"),
        "pages_per_s": pages / elapsed if elapsed else 0.0,
        "cpu_ms_per_page": 1000 * run.cpu_s / pages if pages else None,
        "server_cpu_s": setup.server.cpu_s() - cpu_before,
        "times": run.data["times"],
        "compliance_stats": run.data.get("compliance_stats", {}),
    }


def compare(
    setup: CrawlSetup, template: Path, pairs: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Stock (A) against compliance (B), alternating, ``pairs`` times."""
    results = alternate(
        lambda i: _one(setup, "stock", None),
        lambda i: _one(setup, "compliance", template),
        pairs,
        log,
    )

    def side(key: str, which: int) -> dict[str, float]:
        return Summary.of([float(r[which][key]) for r in results]).as_dict()

    def ratio(key: str) -> dict[str, float]:
        return Summary.of([float(b[key]) / float(a[key]) for a, b in results]).as_dict()

    keys = ("wall_s", "elapsed_s", "pages_per_s", "cpu_s", "cpu_ms_per_page", "max_rss_mb")
    last_b = results[-1][1]
    return {
        "pairs": pairs,
        "stock": {k: side(k, 0) for k in keys},
        "compliance": {k: side(k, 1) for k in keys},
        "ratio_b_over_a": {
            "wall_s": ratio("wall_s"),
            "elapsed_s": ratio("elapsed_s"),
            "cpu_s": ratio("cpu_s"),
            "pages_per_s": ratio("pages_per_s"),
        },
        "pages": [r[0]["pages"] for r in results] + [r[1]["pages"] for r in results],
        "items": {"stock": results[-1][0]["items"], "compliance": last_b["items"]},
        "dropped": last_b["dropped"],
        "server_cpu_share": Summary.of(
            [r[k]["server_cpu_s"] / r[k]["elapsed_s"] for r in results for k in (0, 1)]
        ).as_dict(),
        "compliance_stats": last_b["compliance_stats"],
        "runs": [[a, b] for a, b in results],
    }


def concurrent_items(
    setup: CrawlSetup,
    template: Path,
    values: tuple[int, ...],
    rounds: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Both sides at each ``CONCURRENT_ITEMS`` value, in rotation (issue 16 item 3).

    Each round runs stock and compliance at every value, in the same order, each a fresh
    process; reported per configuration (median, min-max) and, per round, each value's
    ratio to Scrapy's default of 100 on the same side and the compliance/stock ratio.
    """
    configs = [(mode, n) for n in values for mode in ("stock", "compliance")]
    runs: dict[str, list[dict[str, Any]]] = {f"{m}@{n}": [] for m, n in configs}
    for index in range(rounds):
        for mode, n in configs:
            tuned = replace(setup, concurrent_items=n)
            result = _one(tuned, mode, template if mode == "compliance" else None)
            runs[f"{mode}@{n}"].append(result)
        log(
            f"  round {index + 1}/{rounds}: "
            + ", ".join(f"{k} {v[-1]['cpu_ms_per_page']:.2f} ms/page" for k, v in runs.items())
        )
    keys = ("wall_s", "cpu_ms_per_page", "pages_per_s")

    def summary(name: str) -> dict[str, dict[str, float]]:
        return {k: Summary.of([float(r[k]) for r in runs[name]]).as_dict() for k in keys}

    def ratio(top: str, bottom: str, key: str) -> dict[str, float]:
        pairs = zip(runs[top], runs[bottom], strict=True)
        return Summary.of([float(a[key]) / float(b[key]) for a, b in pairs]).as_dict()

    base = values[0]
    measured = ("wall_s", "cpu_ms_per_page")
    return {
        "values": list(values),
        "rounds": rounds,
        "configs": {name: summary(name) for name in runs},
        "vs_default": {
            f"{m}@{n}": {k: ratio(f"{m}@{n}", f"{m}@{base}", k) for k in measured}
            for m, n in configs
            if n != base
        },
        "compliance_over_stock": {
            str(n): {k: ratio(f"compliance@{n}", f"stock@{n}", k) for k in measured} for n in values
        },
    }


def write_thread(
    setup: CrawlSetup, template: Path, rounds: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Stock, the add-on, and the add-on with ``COMPLIANCE_WRITE_THREAD`` (issue 16 item 1),
    each a fresh process, in rotation; per round each side's ratio to stock and the thread's
    to the inline writer (same round), median and min-max."""
    sides = {
        "stock": (setup, "stock", None),
        "compliance": (setup, "compliance", template),
        "compliance_thread": (replace(setup, write_thread=True), "compliance", template),
    }
    names = list(sides)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for index in range(rounds):
        order = names[index % 3 :] + names[: index % 3]
        for name in order:
            tuned, mode, db = sides[name]
            runs[name].append(_one(tuned, mode, db))
        log(
            f"  round {index + 1}/{rounds}: "
            + ", ".join(f"{k} wall {v[-1]['wall_s']:.2f} s" for k, v in runs.items())
        )
    keys = ("wall_s", "elapsed_s", "cpu_s", "cpu_ms_per_page")

    def ratio(top: str, bottom: str, key: str) -> dict[str, float]:
        pairs = zip(runs[top], runs[bottom], strict=True)
        return Summary.of([float(a[key]) / float(b[key]) for a, b in pairs]).as_dict()

    return {
        "rounds": rounds,
        "sides": {
            n: {k: Summary.of([float(r[k]) for r in runs[n]]).as_dict() for k in keys}
            for n in names
        },
        "compliance_over_stock": {k: ratio("compliance", "stock", k) for k in keys},
        "thread_over_stock": {k: ratio("compliance_thread", "stock", k) for k in keys},
        "thread_over_compliance": {k: ratio("compliance_thread", "compliance", k) for k in keys},
        "items": {n: runs[n][-1]["items"] for n in names},
        "stored": {
            n: runs[n][-1]["compliance_stats"].get("compliance/store/contacts_stored")
            for n in names[1:]
        },
    }


def startup(
    setup: CrawlSetup, tiny: Path, big: Path, pairs: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Compliance crawls of one page with a tiny list (A) and the national list (B) active."""
    results = alternate(
        lambda i: _startup_one(setup, tiny),
        lambda i: _startup_one(setup, big),
        pairs,
        log,
    )
    return {
        "pairs": pairs,
        "tiny": Summary.of([a["startup_s"] for a, _ in results]).as_dict(),
        "national": Summary.of([b["startup_s"] for _, b in results]).as_dict(),
        "difference_s": Summary.of([b["startup_s"] - a["startup_s"] for a, b in results]).as_dict(),
        "process_wall_difference_s": Summary.of(
            [b["wall_s"] - a["wall_s"] for a, b in results]
        ).as_dict(),
    }


def _startup_one(setup: CrawlSetup, template: Path) -> dict[str, Any]:
    result = _one(setup, "compliance", template, max_pages=1)
    result["startup_s"] = float(result["times"]["first_response"])
    return result


def profile(setup: CrawlSetup, template: Path, tool: str) -> dict[str, Profile]:
    """One profiled crawl per side: py-spy when available (``auto``), else cProfile."""
    spy = py_spy() if tool in ("auto", "py-spy") else None
    if tool == "py-spy" and spy is None:
        raise RuntimeError("py-spy is not installed (pip install py-spy)")
    found: dict[str, Profile] = {}
    for mode in ("stock", "compliance"):
        db = fresh_db(template, setup.workdir / "crawl.db") if mode == "compliance" else None
        out = setup.workdir / f"profile-{mode}.{'raw' if spy else 'prof'}"
        args = setup.args(mode, db)
        if spy is not None:
            command = [
                spy,
                "record",
                "--rate",
                str(PY_SPY_RATE),
                "--format",
                "raw",
                "--output",
                str(out),
                "--",
                PYTHON,
                "-m",
                "bench.crawl_worker",
                *args,
                "--result",
                str(setup.workdir / f"profile-{mode}.json"),
            ]
            env = {
                **__import__("os").environ,
                **setup.env,
                "PYTHONPATH": str(ROOT),
            }
            subprocess.run(
                command,
                cwd=ROOT,
                env=env,
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=setup.timeout + 120,
            )
            found[mode] = from_py_spy(out, PY_SPY_RATE)
        else:
            run_worker(
                "bench.crawl_worker",
                [*args, "--profile", str(out)],
                timeout=setup.timeout + 120,
                env=setup.env,
            )
            found[mode] = from_cprofile(out)
    return found
