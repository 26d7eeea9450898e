"""Shared helpers: summaries of repeated measurements, workers in subprocesses, the machine.

Every comparison alternates its two sides (A B A B ...) so that the machine's noise, which
drifts over minutes, falls on both alike; a summary reports the median and the min-max.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[1]
PYTHON: Final = sys.executable
DEFAULT_WORKDIR: Final = Path(tempfile.gettempdir()) / "compliant-scraper-bench"
LIBRARIES: Final = (
    "scrapy",
    "twisted",
    "lxml",
    "extruct",
    "phonenumbers",
    "sqlite-utils",
    "protego",
    "email-validator",
)


@dataclass(frozen=True)
class Summary:
    """Median and range of repeated measurements."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("no measurement to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high, "n": self.count}


def alternate(
    side_a: Callable[[int], dict[str, Any]],
    side_b: Callable[[int], dict[str, Any]],
    pairs: int,
    log: Callable[[str], None] = print,
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Run A then B, ``pairs`` times; each side gets the pair's index."""
    results = []
    for index in range(pairs):
        a = side_a(index)
        b = side_b(index)
        log(f"  pair {index + 1}/{pairs}: A {_short(a)} | B {_short(b)}")
        results.append((a, b))
    return results


def _short(result: Mapping[str, Any]) -> str:
    keys = ("wall_s", "pages_per_s", "startup_s")
    return ", ".join(f"{k}={result[k]:.3g}" for k in keys if isinstance(result.get(k), float))


@dataclass(frozen=True)
class WorkerResult:
    """A worker subprocess: its JSON answer, wall time, CPU time and peak resident memory."""

    data: dict[str, Any]
    wall_s: float
    cpu_s: float
    max_rss_mb: float
    returncode: int
    stderr_tail: str


def run_worker(
    module: str,
    args: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> WorkerResult:
    """Run ``python -m module args... --result FILE`` and read the JSON it writes.

    Resource use is the child's own (``os.wait4``), so one worker never counts another's.
    """
    with tempfile.TemporaryDirectory(prefix="bench-worker-") as tmp:
        result_file = Path(tmp) / "result.json"
        log_file = Path(tmp) / "stderr.log"
        command = [PYTHON, "-m", module, *args, "--result", str(result_file)]
        full_env = {**os.environ, **(env or {})}
        full_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), full_env.get("PYTHONPATH", "")) if p
        )
        started = time.perf_counter()
        with log_file.open("wb") as log:
            proc = subprocess.Popen(
                command,
                cwd=cwd or ROOT,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            status, usage = _wait(proc, timeout)
        wall = time.perf_counter() - started
        returncode = os.waitstatus_to_exitcode(status)
        tail = _tail(log_file)
        if returncode != 0 or not result_file.exists():
            raise RuntimeError(f"{module} {' '.join(args)} exited {returncode}:\n{tail}")
        data = json.loads(result_file.read_text(encoding="utf-8"))
    return WorkerResult(
        data=data,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        returncode=returncode,
        stderr_tail=tail,
    )


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, resource.struct_rusage]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if time.monotonic() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            raise TimeoutError(f"worker {proc.args!r} ran longer than {timeout:.0f} s: killed")
        time.sleep(0.02)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def write_result(path: str | os.PathLike[str], data: Mapping[str, Any]) -> None:
    """What a worker hands back to ``run_worker``."""
    Path(path).write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def self_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    import sqlite3

    found["sqlite"] = sqlite3.sqlite_version
    return found


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model and load: what the numbers were measured on."""
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }
    with contextlib.suppress(OSError):  # not on Linux
        info["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (``/proc/PID/stat``), 0.0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (nginx's workers under its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(stat[1]) == pid:
            found.append(int(entry.name))
    return found
