"""compliant-scraper: a Scrapy add-on that makes data-protection law the framework's job.

Enable it with one line in a Scrapy project's settings::

    ADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}

The public names below are imported on first use (PEP 562), so ``import compliant_scraper``
(and the command line, which only needs ``__version__``) does not load Scrapy or extruct.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .product import __version__

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "DEFAULTS": ".config",
    "Config": ".config",
    "ComplianceAddon": ".crawl.addon",
    "ComplianceContext": ".crawl.context",
    "ComplianceDrop": ".crawl.refusals",
    "ComplianceRefusal": ".crawl.refusals",
    "LoginWallRefusal": ".crawl.refusals",
    "PolicyRefusal": ".crawl.refusals",
    "RobotsRefusal": ".crawl.refusals",
    "TdmRefusal": ".crawl.refusals",
    "ComplianceConfigError": ".errors",
    "PolicyError": ".errors",
    "Problem": ".errors",
    "extract_contacts": ".extract",
    "SensitiveHit": ".screening.sensitive",
    "scan": ".screening.sensitive",
    "Decision": ".policy.decide",
    "decide": ".policy.decide",
    "load_registry": ".policy.loader",
    "validate_directory": ".policy.loader",
    "Controller": ".policy.model",
    "DomainPolicy": ".policy.model",
    "Purpose": ".policy.model",
    "Registry": ".policy.model",
    "Provenance": ".provenance",
    "provenance_of": ".crawl.items",
    "Rule": ".rules",
}

__all__ = [
    "DEFAULTS",
    "ComplianceAddon",
    "ComplianceConfigError",
    "ComplianceContext",
    "ComplianceDrop",
    "ComplianceRefusal",
    "Config",
    "Controller",
    "Decision",
    "DomainPolicy",
    "LoginWallRefusal",
    "PolicyError",
    "PolicyRefusal",
    "Problem",
    "Provenance",
    "Purpose",
    "Registry",
    "RobotsRefusal",
    "Rule",
    "SensitiveHit",
    "TdmRefusal",
    "__version__",
    "decide",
    "extract_contacts",
    "load_registry",
    "provenance_of",
    "scan",
    "validate_directory",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # what type checkers and IDEs see
    from .config import DEFAULTS, Config
    from .crawl.addon import ComplianceAddon
    from .crawl.context import ComplianceContext
    from .crawl.items import provenance_of
    from .crawl.refusals import (
        ComplianceDrop,
        ComplianceRefusal,
        LoginWallRefusal,
        PolicyRefusal,
        RobotsRefusal,
        TdmRefusal,
    )
    from .errors import ComplianceConfigError, PolicyError, Problem
    from .extract import extract_contacts
    from .policy.decide import Decision, decide
    from .policy.loader import load_registry, validate_directory
    from .policy.model import Controller, DomainPolicy, Purpose, Registry
    from .provenance import Provenance
    from .rules import Rule
    from .screening.sensitive import SensitiveHit, scan
