"""Where a crawl's time goes: py-spy samples (or cProfile when py-spy is missing), grouped.

py-spy samples the running process (``--format raw``: one line per distinct stack and its
count); idle time (waiting in ``epoll``) is not sampled, so samples are CPU-busy time.
Each sample is charged to the *outermost* frame that belongs to a known component: work
done under ``CompliancePipeline.process_item`` (SQLite, phonenumbers, drops) counts as the
pipeline's, work under the spider's ``parse`` as the callbacks'. cProfile cannot do that
(it keeps no stacks), so its fallback groups self time by file; its overhead also inflates
the many tiny asyncio calls several times over, so read it for proportions only.
"""

from __future__ import annotations

import pstats
import re
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from .common import ROOT

# (component, pattern on "function (file:line)"), matched from the outermost frame inward.
COMPONENTS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "compliance pipeline + store",
            r"compliant_scraper/(crawl/pipeline|screening/|pipeline/|values/|opposition/|store/)",
        ),
        ("policy gate", r"compliant_scraper/(crawl/policy_gate|policy/)"),
        ("strict robots", r"compliant_scraper/(crawl/robots|reservations/robots_rules)"),
        ("TDM + login checks", r"compliant_scraper/(crawl/response_checks|reservations/tdm)"),
        ("provenance stamp", r"compliant_scraper/crawl/provenance_stamp"),
        ("compliance context", r"compliant_scraper/(crawl/context|crawl/addon|addon)\.py"),
        ("feed export", r"scrapy/(extensions/feedexport|exporters)\.py"),
        ("Scrapy robots.txt (protego)", r"scrapy/downloadermiddlewares/robotstxt|protego"),
    )
)
CALLBACKS: Final = "spider callbacks (extraction, links)"
_CALLBACKS: Final = re.compile(r"compliant_scraper/(spiders|extract)/")
_COMPLIANCE: Final = frozenset(
    (
        "compliance pipeline + store",
        "policy gate",
        "strict robots",
        "TDM + login checks",
        "provenance stamp",
        "compliance context",
    )
)
OTHER: Final = "Scrapy engine, Twisted/asyncio, download, HTML parsing"
STARTUP: Final = "start-up (imports, crawler set-up)"
THREADS: Final = "other threads (Twisted thread pool, idle)"
_CRAWLING: Final = "CrawlerProcess.start ("


def py_spy() -> str | None:
    found = shutil.which("py-spy")
    if found:
        return found
    beside = Path(__import__("sys").executable).with_name("py-spy")
    return str(beside) if beside.exists() else None


@dataclass(frozen=True)
class Profile:
    """Samples (py-spy) or seconds (cProfile) per component, and the top functions."""

    tool: str
    unit: str  # "samples" or "s"
    rate: float  # samples per second (py-spy); 1 for cProfile seconds
    components: dict[str, float]
    top: list[tuple[str, float]]  # (function, self amount), largest first
    # the top functions by self amount within each compliance component (py-spy only)
    top_by_component: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.components.values())

    def seconds(self, amount: float) -> float:
        return amount / self.rate


def _stacks(path: Path) -> Iterable[tuple[list[str], int]]:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            yield stack.split(";"), int(count)


def component_of(frames: list[str]) -> str:
    if frames and frames[0].startswith("Thread._bootstrap"):
        return THREADS
    if (
        frames
        and frames[0].startswith("_run_module_as_main")
        and not any(f.startswith(_CRAWLING) for f in frames)
    ):
        return STARTUP
    # The spider's callbacks run inside the spider middlewares that iterate their output
    # (the provenance stamp among them): they are charged to the callbacks wherever they sit.
    if any(_CALLBACKS.search(frame) for frame in frames):
        return CALLBACKS
    for frame in frames:
        for name, pattern in COMPONENTS:
            if pattern.search(frame):
                return name
    return OTHER


def _short(frame: str) -> str:
    return frame.replace(str(ROOT) + "/", "").replace("site-packages/", "")


def from_py_spy(path: Path, rate: float, top: int = 25) -> Profile:
    components: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    within: dict[str, Counter[str]] = {}
    for frames, count in _stacks(path):
        component = component_of(frames)
        components[component] += count
        if component != THREADS:
            leaves[_short(frames[-1])] += count
        if component in _COMPLIANCE:
            within.setdefault(component, Counter())[_short(frames[-1])] += count
    return Profile(
        "py-spy",
        "samples",
        rate,
        dict(components.most_common()),
        leaves.most_common(top),
        {name: counter.most_common(8) for name, counter in within.items()},
    )


def from_cprofile(path: Path, top: int = 25) -> Profile:
    stats = pstats.Stats(str(path))
    components: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    raw = stats.stats  # type: ignore[attr-defined]
    for (file, line, name), (_, _, tottime, _, _) in raw.items():
        frame = f"{name} ({file}:{line})"
        components[component_of([frame])] += tottime
        functions[_short(frame)] += tottime
    return Profile("cProfile", "s", 1.0, dict(components.most_common()), functions.most_common(top))
