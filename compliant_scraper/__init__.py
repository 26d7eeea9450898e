"""compliant-scraper: a Scrapy add-on that makes data-protection law the framework's job.

Enable it with one line in a Scrapy project's settings::

    ADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}
"""

from __future__ import annotations

from .addon import ComplianceAddon
from .config import DEFAULTS, Config
from .context import ComplianceContext
from .errors import (
    ComplianceConfigError,
    ComplianceDrop,
    ComplianceRefusal,
    LoginWallRefusal,
    PolicyError,
    PolicyRefusal,
    Problem,
    RobotsRefusal,
    TdmRefusal,
)
from .extract import extract_contacts
from .policy.decide import Decision, decide
from .policy.loader import load_registry, validate_directory
from .policy.model import Controller, DomainPolicy, Purpose, Registry
from .provenance import Provenance
from .screening.sensitive import SensitiveHit, scan

__version__ = "0.1.0"

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
    "SensitiveHit",
    "TdmRefusal",
    "__version__",
    "decide",
    "extract_contacts",
    "load_registry",
    "scan",
    "validate_directory",
]
