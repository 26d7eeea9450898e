"""docs/cli.md documents every command, subcommand and option of ``compliant-scraper``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from compliant_scraper.cli import main

CLI_MD = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _walk(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        here = (*path, name)
        yield " ".join(here), command
        if isinstance(command, click.Group):
            yield from _walk(command, here)


COMMANDS = dict(_walk(main))


def _sections() -> dict[str, str]:
    """``### `compliant-scraper PATH ...``` heading -> its text, keyed by PATH."""
    sections: dict[str, str] = {}
    parts = re.split(r"^### `compliant-scraper ", CLI_MD.read_text(), flags=re.MULTILINE)
    for part in parts[1:]:
        words = []
        for token in part.split("`")[0].split():
            if not re.fullmatch(r"[a-z][a-z-]*", token):
                break
            words.append(token)
        sections[" ".join(words)] = part.split("\n## ")[0]
    return sections


def test_the_walk_finds_the_tooling_commands() -> None:
    for path in ("policy scan-terms", "audit verify", "notice due", "subject contacted", "export"):
        assert path in COMMANDS


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_appears(path: str) -> None:
    assert f"compliant-scraper {path}" in CLI_MD.read_text()


@pytest.mark.parametrize(
    "path",
    sorted(
        p for p, c in COMMANDS.items() if not isinstance(c, click.Group) or c.invoke_without_command
    ),
)
def test_every_command_has_a_section_naming_each_option(path: str) -> None:
    sections = _sections()
    assert path in sections, f"no '### `compliant-scraper {path} ...`' section in docs/cli.md"
    for param in COMMANDS[path].params:
        if isinstance(param, click.Option) and param.name != "help":
            longest = max(param.opts, key=len)
            assert longest in sections[path], f"{path}: {longest} is not documented"
