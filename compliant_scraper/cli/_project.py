"""The CLI's defaults for ``--db``, ``--policies``, ``--key-file`` and ``--region``.

Where a value comes from, first found wins: the option on the command line; the
environment variable of the setting's name (``COMPLIANCE_DB``, ``COMPLIANCE_POLICY_DIR``,
as the crawl reads them); the settings of the Scrapy project the command runs in (the
``scrapy.cfg`` nearest above the current folder, read with Scrapy's own
``get_project_settings``); the built-in default. Paths from the environment, the project or
the defaults are read against the project root, as the crawl reads them
(``config.project_root``), so the CLI opens the database, registry and key the crawl uses.
A path given as an option is read as usual, against the current folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..config import DEFAULTS, ENVIRONMENT, closest_scrapy_cfg, project_root, resolve

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def project_settings() -> BaseSettings | dict[str, Any]:
    """The settings of the Scrapy project around the current folder (empty outside one).

    Scrapy is loaded only here, inside a project: the command line itself does not load it.
    """
    if closest_scrapy_cfg() is None and not os.environ.get("SCRAPY_SETTINGS_MODULE"):
        return {}
    from scrapy.utils.project import get_project_settings

    # Scrapy's init_env sets SCRAPY_SETTINGS_MODULE and puts the project on sys.path: undone,
    # so nothing this process starts later (a crawl, a test's subprocess) inherits them.
    saved_env, saved_path = os.environ.get(_MODULE), list(sys.path)
    try:
        return get_project_settings()
    except Exception as exc:  # the project's own settings module failed to import
        where = closest_scrapy_cfg() or os.environ.get(_MODULE, "")
        raise click.ClickException(
            f"cannot read the Scrapy project settings ({where}): {type(exc).__name__}: {exc}"
        ) from None
    finally:
        if saved_env is None:
            os.environ.pop(_MODULE, None)
        else:
            os.environ[_MODULE] = saved_env
        sys.path[:] = saved_path


_MODULE = "SCRAPY_SETTINGS_MODULE"


def setting(name: str) -> Any:
    """The value of ``name`` for this command: environment, project settings, default."""
    if name in ENVIRONMENT and os.environ.get(name):
        return os.environ[name]
    value = project_settings().get(name)
    return DEFAULTS[name] if value is None else value


def path_setting(name: str) -> Path | None:
    value = setting(name)
    return None if value is None else resolve(value, project_root())


def httpcache_dir() -> Path:
    """Where Scrapy keeps this project's HTTP cache (``data_path(HTTPCACHE_DIR)``): under
    ``.scrapy/`` at the project root, or an absolute ``HTTPCACHE_DIR``."""
    value = project_settings().get("HTTPCACHE_DIR") or "httpcache"
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else project_root() / ".scrapy" / path


def default_db() -> str:
    return str(path_setting("COMPLIANCE_DB"))


def default_policy_dir() -> str:
    return str(path_setting("COMPLIANCE_POLICY_DIR"))


def default_key_file() -> str | None:
    path = path_setting("COMPLIANCE_KEY_FILE")
    return None if path is None else str(path)


def default_region() -> str:
    return str(setting("COMPLIANCE_DEFAULT_REGION"))


_WHERE = "environment, Scrapy project settings, or "
DB_SHOWN = f"{_WHERE}{DEFAULTS['COMPLIANCE_DB']}"
POLICIES_SHOWN = f"{_WHERE}{DEFAULTS['COMPLIANCE_POLICY_DIR']}"
REGION_SHOWN = f"Scrapy project settings, or {DEFAULTS['COMPLIANCE_DEFAULT_REGION']}"
