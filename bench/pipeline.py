"""The compliance pipeline alone: items per second fed from memory, no network, one process.

``python -m bench.pipeline --db DB --items N --repeat K --result FILE``

The items are what the ``directory`` spider extracts from the benchmark site's detail pages
(the same keys and values, built from ``bench.make_site.contact`` without parsing HTML), each
with its provenance, a distinct contact per item, every pass on new contacts. The chain is
the product's: ``ContactProcessor`` (normalise, purpose rules, minimise, special-category
scan, suppression list, opposition lists, usable-for-purpose) and ``ContactWriter`` (dedupe,
insert, sources row, batched commits), with drops recorded through a real
``ComplianceContext`` into the ``drops`` table, under ``b2b_phone_prospecting`` with the
Bloctel list already imported in DB (copy it first: the run writes to it) and 1,000
suppressed emails.
"""

from __future__ import annotations

import argparse
import cProfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from .common import Summary, write_result
from .make_site import HOST, contact
from .policies import PURPOSE, crawl_policies

SUPPRESSED_EVERY: Final = 50  # every 50th contact's email is on the suppression list
# "full" is the product's chain; the others show what two of its stages cost.
VARIANTS: Final = ("full", "drops_not_written", "no_scan")
# The stages of ``ContactProcessor.process`` (its methods, in the order it calls them) and of
# the store, timed one by one in a pass of their own (``stage_costs``).
PROCESSOR_STAGES: Final = (
    "_normalise",
    "_check_suppression",
    "_purpose_rules",
    "_scan",
    "_check_opposition",
    "_require_usable",
)


def item(index: int, run_id: str) -> dict[str, Any]:
    """A contact as ``extract_contacts`` returns it for detail page ``index``, stamped."""
    from compliant_scraper.provenance import ITEM_KEY, Provenance

    c = contact(index)
    method = "json-ld" if index % 2 == 0 else "microdata"
    url = f"http://{HOST}/fiche/{index:05d}.html"
    return {
        "kind": "person",
        "schema_type": "Person",
        "name": c.name,
        "given_name": c.given,
        "family_name": c.family,
        "job_title": c.job,
        "organization": c.org,
        "email": c.email,
        "phone": c.phone,
        "street_address": c.street,
        "postal_code": c.postal_code,
        "locality": c.city,
        "country": "FR",
        "website": None,
        "method": method,
        "description": c.bio,
        ITEM_KEY: Provenance(
            source_url=url,
            retrieved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            spider="directory",
            run_id=run_id,
            policy_file=f"domains/{HOST}.toml",
            policy_sha256="0" * 64,
            robots_sha256="1" * 64,
            method=method,
        ),
    }


def measure(
    db_path: Path, items: int, repeat: int, profile: Path | None, offset: int = 0
) -> dict[str, Any]:
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    from compliant_scraper.clock import utcnow
    from compliant_scraper.config import Config
    from compliant_scraper.crawl.context import ComplianceContext
    from compliant_scraper.errors import ContactDropped
    from compliant_scraper.policy.loader import load_registry
    from compliant_scraper.screening.processor import ContactProcessor
    from compliant_scraper.store.screening import open_screening
    from compliant_scraper.store.sqlite_store import SqliteStore

    today = datetime.now(UTC).date()
    policy_dir = crawl_policies(db_path.with_name("pipeline-policies"), HOST, today)
    config = Config.from_settings(
        Settings(
            {
                "COMPLIANCE_POLICY_DIR": str(policy_dir),
                "COMPLIANCE_DB": str(db_path),
                "COMPLIANCE_PURPOSE": PURPOSE,
            }
        )
    )
    registry = load_registry(policy_dir, today=today)
    purpose = registry.purposes[PURPOSE]
    store = SqliteStore.open(db_path, config.write_batch_size)
    stats = get_crawler().stats  # a real stats collector, as in a crawl
    assert stats is not None
    ctx = ComplianceContext.build(config, registry, purpose, store, stats, today=today)
    store.start_run(ctx.facts.run_id, "directory", purpose.name, utcnow())
    screening = open_screening(store.db, purpose, today, config.key_file)
    total = items * (len(VARIANTS) * repeat + 3)
    for index in range(offset, offset + total, SUPPRESSED_EVERY):
        screening.suppression.add("email", contact(index).email, "objection")
    processor = ContactProcessor(
        purpose, "FR", ctx.recorder.drop, screening.suppression, screening.opposition
    )
    # The crawl's writer: contacts queued and written with their drops in one batch.
    writer = store.contact_writer(purpose.name, purpose.legal_basis)
    outcome: dict[str, int] = {"kept": 0, "dropped": 0}
    import compliant_scraper.screening.processor as processor_module

    real_scan = processor_module.scan

    # As the crawl's pipeline: an item's drops are written as one row per reason, with the
    # keyed hashes of its identifiers (issue 16 item 2); a tree before that has neither.
    recorder = ctx.recorder
    if hasattr(recorder, "begin_item"):
        hashes = screening.suppression.subject_hashes

        def begin_item() -> None:
            recorder.begin_item()

        def end_item() -> None:
            recorder.end_item(*hashes(*processor.identifiers))
    else:

        def begin_item() -> None:
            pass

        def end_item() -> None:
            pass

    def count_only(url: str, field: str, reason: str, rule: str) -> None:
        ctx.recorder.inc_stat(f"compliance/dropped/{reason}")

    def one_pass(batch: list[dict[str, Any]], variant: str) -> dict[str, float]:
        processor.on_drop = count_only if variant == "drops_not_written" else ctx.recorder.drop
        processor_module.scan = _no_scan if variant == "no_scan" else real_scan  # type: ignore[assignment]
        process_s = store_s = 0.0
        clock = time.perf_counter
        cpu0 = time.process_time()
        t_all = clock()
        for it in batch:
            t0 = clock()
            begin_item()
            try:
                processed = processor.process(it)
            except ContactDropped:
                outcome["dropped"] += 1
                end_item()
                process_s += clock() - t0
                continue
            t1 = clock()
            writer.save(processed.contact, processed.provenance, processed.fields)
            end_item()
            store_s += clock() - t1
            process_s += t1 - t0
            outcome["kept"] += 1
        t2 = clock()
        writer.flush()
        store.flush()
        store_s += clock() - t2
        wall = clock() - t_all
        cpu = time.process_time() - cpu0
        processor_module.scan = real_scan
        return {"wall_s": wall, "cpu_s": cpu, "process_s": process_s, "store_s": store_s}

    def batch(number: int) -> list[dict[str, Any]]:
        first = offset + number * items  # contacts no earlier run into this store has seen
        return [item(i, ctx.facts.run_id) for i in range(first, first + items)]

    one_pass(batch(0), "full")  # warm-up: imports, compiled expressions, SQLite page cache
    passes: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    number = 1
    for _ in range(repeat):  # the variants alternate, each on contacts never seen before
        for variant in VARIANTS:
            passes[variant].append(one_pass(batch(number), variant))
            number += 1
    stages = stage_costs(
        processor, writer, store, ctx.recorder, batch(number), (begin_item, end_item)
    )
    number += 1
    profile_top: list[tuple[str, float]] = []
    if profile is not None:
        last = batch(number)
        profiler = cProfile.Profile()
        profiler.enable()
        one_pass(last, "full")
        profiler.disable()
        profiler.dump_stats(profile)
        from .profiles import from_cprofile

        profile_top = from_cprofile(profile, top=20).top
    counts = {
        "contacts": store.db.execute("SELECT count(*) FROM contacts").fetchone()[0],
        "drops": store.db.execute("SELECT count(*) FROM drops").fetchone()[0],
    }
    store.close()

    def per_item(variant: str, key: str) -> float:
        return 1e6 * Summary.of([p[key] / items for p in passes[variant]]).median

    full = passes["full"]
    return {
        "items": items,
        "repeat": repeat,
        "items_per_s": Summary.of([items / p["wall_s"] for p in full]).as_dict(),
        # The machine is shared: CPU time is what this process spent, whatever the others do.
        "items_per_cpu_s": Summary.of([items / p["cpu_s"] for p in full]).as_dict(),
        "process_us_per_item": per_item("full", "process_s"),
        "store_us_per_item": per_item("full", "store_s"),
        "variants": {
            v: Summary.of([items / p["wall_s"] for p in passes[v]]).as_dict() for v in VARIANTS
        },
        "stages_us_per_item": stages,
        "outcome": outcome,
        "stats": {k: v for k, v in stats.get_stats().items() if k.startswith("compliance/")},
        "rows": counts,
        "profile_top": profile_top,
    }


def stage_costs(
    processor: Any,
    writer: Any,
    store: Any,
    recorder: Any,
    batch: list[dict[str, Any]],
    item_scope: tuple[Any, Any] = (lambda: None, lambda: None),
) -> dict[str, float]:
    """Microseconds per item spent in each stage, over one full pass of ``batch``.

    Each stage method is wrapped, on this processor and writer only, with a timer of this
    process's CPU time (the machine is shared: wall time would charge other processes' load
    to whichever stage was running); stages are inclusive of the drop rows they record in
    memory (``recorder.drop``, reported apart as well), and the timers' own cost, measured
    on a no-op, is taken off. A batch write falls on the call that filled the queue
    (``writer.save``, or ``recorder.drop`` / the item's drop rows). ``item_scope``: the
    pipeline's ``begin_item`` and ``end_item`` (an item's drops as one row per reason).
    """
    import compliant_scraper.screening.processor as processor_module
    from compliant_scraper.errors import ContactDropped

    clock = time.process_time
    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    nested = [0]  # timed calls made so far, to know how many ran inside a given one
    overhead = [0.0, 0.0]  # what a timer adds to its own reading, and to an enclosing one

    def timed(name: str, fn: Any) -> Any:
        spent[name] = 0.0
        calls[name] = 0

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            before = nested[0]
            t0 = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                inner = nested[0] - before
                # A CPU-time read is a system call (1-2 us of CPU here, 2026-12-04, and
                # several times that in wall time under load): the timers' own cost, this
                # one's and that of the timed calls inside (``recorder.drop`` runs inside
                # the stages), is taken off.
                spent[name] += clock() - t0 - overhead[0] - inner * overhead[1]
                calls[name] += 1
                nested[0] += 1

        return wrapper

    overhead[1] = _timer_overhead(timed)
    overhead[0] = spent.pop("_calibration") / calls.pop("_calibration")
    nested[0] = 0
    for name in PROCESSOR_STAGES:
        setattr(processor, name, timed(name.lstrip("_"), getattr(processor, name)))
    real_minimise = processor_module.minimise
    processor_module.minimise = timed("minimise", real_minimise)  # type: ignore[assignment]
    real_drop = processor.on_drop
    processor.on_drop = timed("recorder.drop (in the stages above)", recorder.drop)
    save = timed("writer.save", writer.save)
    begin_item, end_item = item_scope
    end_item = timed("drops rows of the item (end_item)", end_item)
    commit = timed("flush: drops rows, commit", lambda: (writer.flush(), store.flush()))
    total = 0.0
    try:
        t_all = clock()
        for it in batch:
            begin_item()
            try:
                processed = processor.process(it)
            except ContactDropped:
                end_item()
                continue
            save(processed.contact, processed.provenance, processed.fields)
            end_item()
        commit()
        total = clock() - t_all
    finally:
        processor_module.minimise = real_minimise  # type: ignore[assignment]
        processor.on_drop = real_drop
        for name in PROCESSOR_STAGES:
            delattr(processor, name)
    total -= nested[0] * overhead[1]  # every timed call's timer cost
    result = {name: 1e6 * max(0.0, seconds) / len(batch) for name, seconds in spent.items()}
    inside = sum(v for k, v in result.items() if not k.startswith("recorder"))
    result["rest of process() (copies, fields list)"] = max(0.0, 1e6 * total / len(batch) - inside)
    result["total"] = 1e6 * total / len(batch)
    result["timer cost per timed call, taken off (us)"] = 1e6 * overhead[1]
    return result


def _timer_overhead(timed: Any, calls: int = 2000) -> float:
    """Seconds a ``timed`` wrapper adds to one call, measured on a no-op."""
    noop = timed("_calibration", lambda: None)
    clock = time.process_time
    t0 = clock()
    for _ in range(calls):
        noop()
    t1 = clock()
    for _ in range(calls):
        pass
    bare = clock() - t1
    return max(0.0, (t1 - t0 - bare) / calls)


def _no_scan(value: str, field: str | None = None) -> None:
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--offset", type=int, default=0, help="index of the first contact")
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    write_result(args.result, measure(args.db, args.items, args.repeat, args.profile, args.offset))


if __name__ == "__main__":
    main()
