"""What is checked before the engine starts, and how a refused start is reported.

Two checks, one list of rules (``components.COMPONENTS``):

- ``check_settings(settings)`` reads the component lists the way Scrapy will build them
  (``build_component_list``) and raises ``ComplianceConfigError`` naming each problem: a
  compliance component removed or replaced, an item pipeline that would run before the
  compliance pipeline (it would see raw, unscreened items), Scrapy's own log formatter, the
  HTTP cache without its opt-in (``httpcache.problems``). It
  runs when the per-crawl context is built, i.e. while the engine is being built, so the
  crawl fails before a single request exists and the process exits 1.
- ``missing_in_engine(crawler)`` looks at the chains the engine really loaded (a custom
  pipeline manager, a component whose ``from_crawler`` swapped itself out, a downloader
  middleware after the last check). The add-on runs it on ``spider_opened``, still before any
  request, closes the spider when it fails, and makes the exit code 1 (``exit_failed``).

``exit_failed(crawler)`` is how a problem found once the engine runs (that backstop, a store
that cannot be written, a run whose end cannot be recorded) makes ``scrapy crawl`` exit 1:
Scrapy sets its exit code from the crawl's outcome only, and a spider closed by a signal
handler, whatever its finish reason, is an outcome like any other.

``refuse_start(exc)`` says why a start was refused in one CRITICAL line and keeps the
traceback that asyncio (or Twisted) would print after it out of the log: the reason is the
whole message. The exit code stays non-zero (Scrapy's ``bootstrap_failed``).

Decision: the pipeline order is judged on the settings Scrapy builds the chain from, not
only on the running chain, because a refusal raised while the engine is built fails the crawl
before the spider opens, while one found on ``spider_opened`` needs ``exit_failed``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from scrapy import signals
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from ..errors import ComplianceConfigError
from . import httpcache
from .components import COMPONENTS, Component
from .logformatter import ComplianceLogFormatter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

LOG_FORMATTER: Final = "compliant_scraper.crawl.logformatter.ComplianceLogFormatter"
PIPELINES: Final = "ITEM_PIPELINES"
REFUSED: Final = "The crawl does not start (compliance check): %s"
MISCONFIGURED: Final = "compliance_misconfigured"
"""The finish reason of a crawl stopped on ``spider_opened`` by a start-up check."""


def check_settings(settings: BaseSettings) -> None:
    """Raise ``ComplianceConfigError`` naming every component problem in ``settings``."""
    problems: list[str] = []
    for component in COMPONENTS:
        chain = _chain(settings, component.setting)
        cls = load_object(component.path)
        if not any(_is(entry, cls) for entry in chain):
            problems.append(_missing(component))
    problems += pipelines_before(settings)
    problems += httpcache.problems(settings)
    formatter = _load(settings.get("LOG_FORMATTER"))
    if not (isinstance(formatter, type) and issubclass(formatter, ComplianceLogFormatter)):
        problems.append(
            f"LOG_FORMATTER is {settings.get('LOG_FORMATTER')!r}: it must be {LOG_FORMATTER} "
            "(or a subclass), the log formatter that never logs a dropped item's values"
        )
    if problems:
        raise ComplianceConfigError("; ".join(problems))


def pipelines_before(settings: BaseSettings) -> list[str]:
    """A problem for each item pipeline that would run before the compliance pipeline."""
    [component] = [c for c in COMPONENTS if c.setting == PIPELINES]
    cls = load_object(component.path)
    priorities = settings.getwithbase(PIPELINES)
    chain = _chain(settings, PIPELINES)
    first = next((i for i, entry in enumerate(chain) if _is(entry, cls)), None)
    if first is None:
        return []  # reported as missing
    mine = _priority(priorities, chain[first])
    return [
        f"item pipeline {_name(entry)} (priority {_priority(priorities, entry)}) runs before "
        f"the compliance pipeline {component.path} (priority {mine}) and would see raw, "
        f"unscreened items (R4): give it a priority above {mine} in {PIPELINES}"
        for entry in chain[:first]
    ]


def missing_in_engine(crawler: Crawler) -> list[str]:
    """The problems in the chains the engine loaded (empty when all is in place)."""
    engine: Any = crawler.engine
    chains: dict[str, list[Any]] = {
        "DOWNLOADER_MIDDLEWARES": list(engine.downloader.middleware.middlewares),
        "SPIDER_MIDDLEWARES": list(engine.scraper.spidermw.middlewares),
        PIPELINES: list(engine.scraper.itemproc.middlewares),
    }
    problems = []
    for component in COMPONENTS:
        cls = load_object(component.path)
        chain = chains[component.setting]
        if not any(isinstance(mw, cls) for mw in chain):
            problems.append(_missing(component))
        elif component.setting == PIPELINES and not isinstance(chain[0], cls):
            problems.append(
                f"item pipeline {_name(type(chain[0]))} runs before the compliance pipeline "
                f"{component.path} and would see raw, unscreened items (R4): give it a "
                f"priority above the compliance pipeline's in {PIPELINES}"
            )
    return problems


def refuse_start(exc: ComplianceConfigError) -> None:
    """Log why the crawl does not start, once, and silence the traceback that follows."""
    if getattr(exc, "_compliance_reported", False):
        return
    exc._compliance_reported = True  # type: ignore[attr-defined]
    logger.critical(REFUSED, one_line(str(exc)))
    for name in _TRACEBACK_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, _ReportedFilter) for f in target.filters):
            target.addFilter(_ReportedFilter())


_FAILED: Final = "_compliance_exit_failed"


def exit_failed(crawler: Crawler) -> None:
    """Make ``scrapy crawl`` exit 1 when this crawl ends, whatever its finish reason.

    Scrapy's exit code is 1 when a crawl "failed to bootstrap": its crawler has no spider
    when it ends (``CrawlerProcess.bootstrap_failed``). So the crawler lets go of its spider
    once nothing reads it any more: after the engine stopped (every other ``engine_stopped``
    handler has run, this one is connected last) or, when the engine never started (a
    problem found on ``spider_opened``: Scrapy then only closes the spider), after the last
    ``spider_closed`` handler.
    """
    if getattr(crawler, _FAILED, False):
        return
    setattr(crawler, _FAILED, True)

    def let_go_of_spider() -> None:
        crawler.spider = None

    engine: Any = getattr(crawler, "_engine", None)
    running = engine is not None and engine.running
    signal = signals.engine_stopped if running else signals.spider_closed
    crawler.signals.connect(let_go_of_spider, signal=signal, weak=False)


def one_line(message: str) -> str:
    """A multi-line reason (a registry's problem list) on one line: ``head item; item``."""
    head, *rest = [line.strip() for line in message.splitlines() if line.strip()] or [""]
    return " ".join([head, "; ".join(rest)]) if rest else head


# asyncio logs "Task exception was never retrieved"; Twisted "Unhandled error in Deferred".
_TRACEBACK_LOGGERS: Final = ("asyncio", "twisted", "scrapy.crawler", "scrapy.utils.signal")


class _ReportedFilter(logging.Filter):
    """Drops a record whose exception is a start refusal already reported."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        failure = getattr(record, "failure", None)  # Twisted's observer passes a Failure
        if exc is None and failure is not None:
            exc = getattr(failure, "value", None)
        return not _reported(exc)


def _reported(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ComplianceConfigError) and getattr(exc, "_compliance_reported", False):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _chain(settings: BaseSettings, setting: str) -> list[Any]:
    return list(build_component_list(settings.getwithbase(setting)))


def _load(entry: Any) -> Any:
    try:
        return load_object(entry) if isinstance(entry, str) else entry
    except (ImportError, NameError, ValueError):
        return None


def _is(entry: Any, cls: type) -> bool:
    loaded = _load(entry)
    return isinstance(loaded, type) and issubclass(loaded, cls)


def _name(entry: Any) -> str:
    if isinstance(entry, type):
        return f"{entry.__module__}.{entry.__qualname__}"
    return str(entry)


def _priority(priorities: BaseSettings, wanted: Any) -> Any:
    for key, value in priorities.items():
        if key is wanted or _load(key) is _load(wanted):
            return value
    return None


def _missing(component: Component) -> str:
    return (
        f"{component.path} ({component.role}) is not enabled: remove the entry that disables "
        f"or replaces it from {component.setting} (a replacement must subclass it)"
    )
