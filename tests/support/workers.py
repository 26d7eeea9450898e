"""Several crawler processes at once: the workers of a cluster crawl, started, waited or killed.

Each worker is ``python -m scrapy ...`` in its own process group, its output in a file (no
pipe to fill up), and its end time noted, so a test can tell which worker left when. A worker
still running at the deadline is killed (its whole group) and the test fails.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pytest

_PROXY_VARIABLE: Final = re.compile(r"^(http|https|all|no|ftp)_proxy$", re.IGNORECASE)
POLL: Final = 0.05


@dataclass
class Worker:
    index: int
    command: list[str]
    log_path: Path
    proc: subprocess.Popen[bytes]
    started_at: float
    ended_at: float | None = None
    killed: bool = False

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    @property
    def output(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def parsed(self, marker: str) -> list[str]:
        return re.findall(rf"{re.escape(marker)} (\S+)", self.output)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


@dataclass
class WorkerGroup:
    """Workers started with ``start``; ``wait`` until all have ended (or fail the test)."""

    workdir: Path
    env: Mapping[str, str]
    workers: list[Worker] = field(default_factory=list)

    def start(self, command: Sequence[str], *, cwd: Path | None = None) -> Worker:
        index = len(self.workers)
        folder = cwd or self.workdir / f"worker-{index}"
        folder.mkdir(parents=True, exist_ok=True)
        log_path = self.workdir / f"worker-{index}.log"
        full_env = {k: v for k, v in os.environ.items() if not _PROXY_VARIABLE.match(k)}
        full_env.update(self.env)
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                list(command),
                cwd=folder,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(index, list(command), log_path, proc, time.time())
        self.workers.append(worker)
        return worker

    def kill(self, worker: Worker) -> None:
        """``kill -9`` the worker (and anything it started)."""
        os.killpg(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(10)
        worker.ended_at = time.time()
        worker.killed = True

    def wait(self, timeout: float) -> list[Worker]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for worker in self.workers:
                if worker.ended_at is None and worker.proc.poll() is not None:
                    worker.ended_at = time.time()
            if all(w.ended_at is not None for w in self.workers):
                return self.workers
            time.sleep(POLL)
        self.stop()
        logs = "\n\n".join(f"worker {w.index}:\n{w.tail()}" for w in self.workers)
        pytest.fail(f"workers still running after {timeout} s\n{logs}")

    def stop(self) -> None:
        """Kill every worker still running (the test's clean-up)."""
        for worker in self.workers:
            if worker.proc.poll() is None:
                os.killpg(worker.proc.pid, signal.SIGKILL)
                worker.proc.wait(10)
                worker.ended_at = worker.ended_at or time.time()


def scrapy_command(
    spider_file: Path, settings: Mapping[str, str], args: Mapping[str, str]
) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "runspider", str(spider_file)]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    for name, value in args.items():
        command += ["-a", f"{name}={value}"]
    return command
