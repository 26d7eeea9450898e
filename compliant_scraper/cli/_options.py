"""The options every command shares: ``--db``, ``--policies``, ``--key-file``, ``--region``.

They mean the same everywhere, with the same help. Their defaults come from the
environment, then the Scrapy project's settings, then ``config.DEFAULTS`` (``_project``). User
errors are reported once, by the command group (``_app.CommandGroup``), not here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..config import default_key_file, is_store_url
from . import _project

DB_META = "compliant_scraper.db_path"


class _Store(click.ParamType[Any]):
    """A SQLite file (a ``Path``), or a ``postgresql://`` URL kept as text (a ``Path`` would
    fold its ``//``)."""

    name = "PATH|URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Path):
            return value
        text = str(value)
        if is_store_url(text):
            return text
        return click.Path(dir_okay=False, path_type=Path).convert(text, param, ctx)


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=_Store(),
        default=_project.default_db,
        show_default=_project.DB_SHOWN,
        help="SQLite database (COMPLIANCE_DB), or the PostgreSQL store of cluster mode "
        "(COMPLIANCE_STORE_URL, postgresql://USER:PASSWORD@HOST:PORT/DB).",
        callback=_remember_db,
    )(func)


def _remember_db(ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    """Keep the path for the one error report: "cannot use the database PATH: ..."."""
    ctx.meta[DB_META] = value
    return value


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


def check_region(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """``--region``: a two-letter country code whose phone plan is known, upper-cased."""
    from phonenumbers import SUPPORTED_REGIONS

    code = value.strip().upper()
    if code not in SUPPORTED_REGIONS:
        raise click.BadParameter(
            f"expected a two-letter country code such as FR or DE, got {value!r}"
        )
    return code


def region_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--region",
        default=_project.default_region,
        show_default=_project.REGION_SHOWN,
        callback=check_region,
        help="Country whose national format phone numbers are read in.",
    )(func)


def key_path(db_path: Path | str, key_file: Path | None) -> Path:
    if key_file is not None:
        return key_file
    if is_store_url(str(db_path)):
        raise click.UsageError(
            "--key-file is required with a PostgreSQL store: the suppression key is a file "
            "every machine keeps beside its workers, never in the database (docs/cluster.md)"
        )
    return default_key_file(Path(db_path))


def sqlite_file(db_path: Path | str, what: str) -> Path:
    """``db_path`` as a SQLite file; a ``UsageError`` for a PostgreSQL store, saying why."""
    if is_store_url(str(db_path)):
        raise click.UsageError(f"--db: {what}")
    return Path(db_path)
