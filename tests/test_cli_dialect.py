"""One command-line dialect (issue 11 item 7): user errors reported once, by the group.

``compliant-scraper`` is a ``CommandGroup``: a ``UserError`` raised by any command below it,
in any subgroup, becomes one ``Error: ...`` line and exit code 1; a bug keeps its traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from compliant_scraper.cli import main
from compliant_scraper.cli._app import CommandGroup
from compliant_scraper.cli._options import db_option
from compliant_scraper.errors import ComplianceConfigError, UserError
from compliant_scraper.opposition.lists import ListImportError
from compliant_scraper.tooling.base import ToolingError


def test_the_top_group_reports_user_errors() -> None:
    assert isinstance(main, CommandGroup)


def _app(raised: BaseException) -> click.Group:
    @click.group(cls=CommandGroup)
    def app() -> None:
        """A test group."""

    @app.group(cls=click.Group)  # a plain subgroup (as `notice` is): the top group reports
    def sub() -> None:
        """A subgroup."""

    @sub.command()
    @db_option
    def fail(db_path: Path) -> None:
        raise raised

    return app


@pytest.mark.parametrize(
    ("raised", "line"),
    [
        (ToolingError("no contact  with id\n 7"), "Error: no contact with id 7"),
        (ComplianceConfigError("COMPLIANCE_X: bad"), "Error: COMPLIANCE_X: bad"),
        (ListImportError("f.txt: empty"), "Error: f.txt: empty"),
        (UserError("plain"), "Error: plain"),
        (
            sqlite3.DatabaseError("file is not a database"),
            "Error: cannot use the database w.db: file is not a database",
        ),
        (FileNotFoundError(2, "No such file or directory", "x.txt"), "Error: x.txt: No such"),
    ],
)
def test_a_user_error_is_one_line(raised: BaseException, line: str) -> None:
    result = CliRunner().invoke(_app(raised), ["sub", "fail", "--db", "w.db"])
    assert result.exit_code == 1
    assert result.output.startswith(line)
    assert result.output.count("\n") == 1


def test_a_bug_keeps_its_traceback() -> None:
    result = CliRunner().invoke(_app(KeyError("oops")), ["sub", "fail"])
    assert result.exit_code == 1
    assert isinstance(result.exception, KeyError)
    assert "Error:" not in result.output


def test_the_library_errors_share_one_base() -> None:
    for error in (ToolingError, ComplianceConfigError, ListImportError):
        assert issubclass(error, UserError)


def test_no_command_translates_errors_itself() -> None:
    cli = Path(main.callback.__code__.co_filename).parent  # type: ignore[union-attr]
    sources = {p.name: p.read_text("utf-8") for p in cli.glob("*.py")}
    assert "user_errors" not in "".join(sources.values())
    wrapped = [n for n, s in sources.items() if "ClickException(str(exc))" in s]
    assert wrapped == []
