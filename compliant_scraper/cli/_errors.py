"""What the tooling commands share: one-line errors and the common options.

A user error (``ToolingError``, a misconfiguration such as a missing suppression key, an
unreadable database) becomes ``Error: <message>`` on standard error and exit code 1, never a
traceback. The options ``--db``, ``--policies`` and ``--key-file`` mean the same everywhere; their
defaults come from the environment and the Scrapy project (``_project``).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from ..config import default_key_file
from ..errors import ComplianceConfigError
from ..tooling.base import ToolingError
from . import _project

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Report the library's user errors as ``Error: ...`` (exit 1)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (ToolingError, ComplianceConfigError) as exc:
            raise click.ClickException(" ".join(str(exc).split())) from None
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(f"cannot use the database: {exc}") from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None

    return wrapper


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=_project.default_db,
        show_default=_project.DB_SHOWN,
        help="SQLite database (COMPLIANCE_DB).",
    )(func)


def policies_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--policies",
        "policy_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=_project.default_policy_dir,
        show_default=_project.POLICIES_SHOWN,
        help="Policy registry directory (COMPLIANCE_POLICY_DIR).",
    )(func)


def key_file_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--key-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=_project.default_key_file,
        help="Suppression-list key (COMPLIANCE_KEY_FILE; default: the database path + .key).",
    )(func)


def region_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--region",
        default=_project.default_region,
        show_default=_project.REGION_SHOWN,
        help="Country whose national format phone numbers are read in.",
    )(func)


def key_path(db_path: Path, key_file: Path | None) -> Path:
    return key_file if key_file is not None else default_key_file(db_path)
