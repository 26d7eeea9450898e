"""Issue 16 item 1: what moving the pipeline's work off the reactor thread would buy.

``python -m bench.offload --db DB --items N --rounds K --result FILE``

The same chain as ``bench.pipeline`` (``ContactProcessor`` and the crawl's queued SQLite
writer, drops recorded through a real ``ComplianceContext``), run three ways on contacts never
seen before, the three rotated in each round so the machine's drift falls on all alike:

- ``inline``: screening and the batched store writes on the calling thread (the crawl today:
  the calling thread is the reactor's);
- ``thread``: screening on the calling thread; each full batch handed to a writer thread that
  writes it over a connection of its own (SQLite releases the GIL while a statement runs;
  the Python around it does not);
- ``process``: items pickled in chunks to a worker process that screens and stores them and
  sends the screened contacts back (two chunks in flight).

Per item: the calling thread's CPU time (``thread_time``: what the reactor would spend), the
wall time, and the CPU time of every thread and process of the mode. DB must hold the
opposition list the purpose needs (``bench.bloctel import``); the run writes to it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

from .common import Summary, write_result
from .make_site import HOST, contact
from .pipeline import SUPPRESSED_EVERY, item
from .policies import PURPOSE, crawl_policies

MODES: Final = ("inline", "thread", "process")
CHUNK: Final = 100  # items per message to the worker process


@dataclass
class Chain:
    processor: Any
    writer: Any
    store: Any
    ctx: Any


def open_chain(db_path: Path, policy_dir: Path) -> Chain:
    """The crawl's pipeline chain over its own connection to ``db_path``."""
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    from compliant_scraper.config import Config
    from compliant_scraper.crawl.context import ComplianceContext
    from compliant_scraper.policy.loader import load_registry
    from compliant_scraper.screening.processor import ContactProcessor
    from compliant_scraper.store.sqlite_store import SqliteStore

    today = datetime.now(UTC).date()
    settings = {
        "COMPLIANCE_POLICY_DIR": str(policy_dir),
        "COMPLIANCE_DB": str(db_path),
        "COMPLIANCE_PURPOSE": PURPOSE,
    }
    config = Config.from_settings(Settings(settings))
    registry = load_registry(policy_dir, today=today)
    purpose = registry.purposes[PURPOSE]
    store = SqliteStore.open(db_path, config.write_batch_size)
    stats = get_crawler().stats
    assert stats is not None
    ctx = ComplianceContext.build(config, registry, purpose, store, stats, today=today)
    screening = store.open_screening(purpose, today, config.key_file, config.default_region)
    processor = ContactProcessor(
        purpose, "FR", ctx.recorder.drop, screening.suppression, screening.opposition
    )
    writer = store.contact_writer(purpose.name, purpose.legal_basis)
    store.start_run(ctx.facts.run_id, "directory", PURPOSE, "2026-01-01T00:00:00Z")
    return Chain(processor, writer, store, ctx)


def _screen_and_queue(chain: Chain, it: dict[str, Any]) -> tuple[Any, Any] | None:
    from compliant_scraper.errors import ContactDropped

    try:
        processed = chain.processor.process(it)
    except ContactDropped:
        return None
    chain.writer.save(processed.contact, processed.provenance, processed.fields)
    return processed.contact, processed.provenance


def run_inline(chain: Chain, batch: list[dict[str, Any]]) -> dict[str, float]:
    for it in batch:
        _screen_and_queue(chain, it)
    chain.store.flush()
    return {"other_cpu_s": 0.0}


class WriterThread:
    """The prototype measured: full batches swapped out of the store's queue and written by
    a thread over its own connection (at most two batches waiting)."""

    def __init__(self, chain: Chain, db_path: Path, policy_dir: Path) -> None:
        self.chain = chain
        self.other = open_chain(db_path, policy_dir)  # its connection and suppression list
        self.jobs: queue.Queue[tuple[list[Any], list[Any], list[Any]] | None] = queue.Queue(2)
        self.cpu_s = 0.0
        self.thread = threading.Thread(target=self._run, name="writer")
        self.real_flush = chain.store.flush
        chain.store.flush = self._hand_over
        self.thread.start()

    def _hand_over(self) -> None:
        store = self.chain.store
        if store.pending:
            self.jobs.put((store._contacts, store._refusals, store._drops))
            store._contacts, store._refusals, store._drops = [], [], []
        store._since = None

    def _run(self) -> None:
        target = self.other.store
        while (job := self.jobs.get()) is not None:
            t0 = time.thread_time()
            target._contacts, target._refusals, target._drops = job
            target.flush()
            self.cpu_s += time.thread_time() - t0
            self.jobs.task_done()
        self.jobs.task_done()

    def drain(self) -> None:
        self.jobs.join()

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        self.chain.store.flush = self.real_flush
        self.other.store.close()


def run_thread(writer: WriterThread, batch: list[dict[str, Any]]) -> dict[str, float]:
    before = writer.cpu_s
    for it in batch:
        _screen_and_queue(writer.chain, it)
    writer.chain.store.flush()  # the last, partial batch
    writer.drain()  # the crawl's end waits for every batch
    return {"other_cpu_s": writer.cpu_s - before}


def _worker(conn: Connection, db_path: str, policy_dir: str) -> None:
    chain = open_chain(Path(db_path), Path(policy_dir))
    conn.send("ready")
    cpu0 = time.process_time()
    while True:
        message = conn.recv()
        if message is None:  # end of a pass: commit, report this process's CPU
            chain.store.flush()
            conn.send(time.process_time() - cpu0)
            cpu0 = time.process_time()
        elif message == "stop":
            chain.store.close()
            return
        else:
            conn.send([_screen_and_queue(chain, it) for it in message])


class WorkerProcess:
    def __init__(self, db_path: Path, policy_dir: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=_worker, args=(child, str(db_path), str(policy_dir)))
        self.proc.start()
        if self.conn.recv() != "ready":
            raise RuntimeError("worker did not start")

    def close(self) -> None:
        self.conn.send("stop")
        self.proc.join(60)


def run_process(worker: WorkerProcess, batch: list[dict[str, Any]]) -> dict[str, float]:
    conn, in_flight, results = worker.conn, 0, []
    for start in range(0, len(batch), CHUNK):
        conn.send(batch[start : start + CHUNK])
        in_flight += 1
        if in_flight == 2:
            results.extend(conn.recv())
            in_flight -= 1
    while in_flight:
        results.extend(conn.recv())
        in_flight -= 1
    conn.send(None)
    return {"other_cpu_s": float(conn.recv())}


def measure(db_path: Path, items: int, rounds: int) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    policy_dir = crawl_policies(db_path.with_name("offload-policies"), HOST, today)
    chain = open_chain(db_path, policy_dir)
    run_id = chain.ctx.facts.run_id
    suppression = chain.processor.suppression
    for index in range(0, items * (rounds * len(MODES) + len(MODES)), SUPPRESSED_EVERY):
        suppression.add("email", contact(index).email, "objection")
    chain.store.flush()
    writer = WriterThread(chain, db_path, policy_dir)
    writer.close()  # opened once to check it starts; reopened per pass below
    worker = WorkerProcess(db_path, policy_dir)
    number = 0

    def batch() -> list[dict[str, Any]]:
        nonlocal number
        first = number * items
        number += 1
        return [item(i, run_id) for i in range(first, first + items)]

    def one(mode: str) -> dict[str, float]:
        work = batch()
        thread: WriterThread | None = None
        if mode == "thread":
            thread = WriterThread(chain, db_path, policy_dir)
        runner: Callable[[], dict[str, float]] = {
            "inline": lambda: run_inline(chain, work),
            "thread": lambda: run_thread(thread, work),  # type: ignore[arg-type]
            "process": lambda: run_process(worker, work),
        }[mode]
        wall0, main0, proc0 = time.perf_counter(), time.thread_time(), time.process_time()
        out = runner()
        wall = time.perf_counter() - wall0
        main_cpu = time.thread_time() - main0
        proc_cpu = time.process_time() - proc0
        if thread is not None:
            thread.close()
        # process_time counts the writer thread too; the worker process reports its own
        total = proc_cpu + (out["other_cpu_s"] if mode == "process" else 0.0)
        return {
            "wall_us": 1e6 * wall / items,
            "caller_cpu_us": 1e6 * main_cpu / items,
            "total_cpu_us": 1e6 * total / items,
            "other_cpu_us": 1e6 * out["other_cpu_s"] / items,
        }

    for mode in MODES:  # warm-up: imports, caches, SQLite pages
        one(mode)
    passes: dict[str, list[dict[str, float]]] = {m: [] for m in MODES}
    for r in range(rounds):
        order = MODES[r % 3 :] + MODES[: r % 3]
        for mode in order:
            passes[mode].append(one(mode))
    worker.close()
    chain.store.close()

    def summary(mode: str, key: str) -> dict[str, float]:
        return Summary.of([p[key] for p in passes[mode]]).as_dict()

    def ratio(mode: str, key: str) -> dict[str, float]:
        values = [b[key] / a[key] for a, b in zip(passes["inline"], passes[mode], strict=True)]
        return Summary.of(values).as_dict()

    keys = ("wall_us", "caller_cpu_us", "total_cpu_us", "other_cpu_us")
    return {
        "items": items,
        "rounds": rounds,
        "chunk": CHUNK,
        "per_item": {m: {k: summary(m, k) for k in keys} for m in MODES},
        "vs_inline": {m: {k: ratio(m, k) for k in ("wall_us", "caller_cpu_us")} for m in MODES[1:]},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    write_result(args.result, measure(args.db, args.items, args.rounds))


if __name__ == "__main__":
    main()
