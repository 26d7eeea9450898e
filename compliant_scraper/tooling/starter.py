"""``compliant-scraper init``: a starter policy registry to fill in (issue 14 item 1).

The templates ship in the package (``compliant_scraper/starter/``): a ``controller.toml``,
one B2B purpose per channel with every required key, a ``recipients.toml`` with one processor,
a commented example domain policy and a note on assessments. Every value only the controller
can give is a ``"FILL IN: ..."`` placeholder, which ``policy validate`` names until it is
replaced (``policy/placeholders.py``), so no crawl starts on a starter left as it is.

Never overwrites: if any of the files exists, nothing is written and the error names them
(a half-written registry mixed with legal's own files would be worse than none).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from ..policy import placeholders
from .base import ToolingError


@dataclass(frozen=True)
class Starter:
    directory: Path
    written: list[Path]
    placeholders: int  # values still to fill in


def _templates() -> dict[PurePosixPath, Traversable]:
    root = files("compliant_scraper").joinpath("starter")
    found: dict[PurePosixPath, Traversable] = {}

    def walk(node: Traversable, rel: PurePosixPath) -> None:
        for child in node.iterdir():
            if child.is_dir():
                walk(child, rel / child.name)
            elif child.name.endswith((".toml", ".md")):
                found[rel / child.name] = child

    walk(root, PurePosixPath())
    return dict(sorted(found.items()))


def write_starter(directory: Path) -> Starter:
    """Write the starter registry into ``directory`` (created if missing)."""
    templates = _templates()
    if directory.exists() and not directory.is_dir():
        raise ToolingError(f"{directory} exists and is not a directory")
    existing = [str(directory / rel) for rel in templates if (directory / rel).exists()]
    if existing:
        raise ToolingError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}: nothing "
            "written (init never overwrites a file; choose another directory, or move them)"
        )
    written: list[Path] = []
    count = 0
    for rel, template in templates.items():
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        data = template.read_bytes()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        written.append(target)
        if rel.suffix == ".toml":
            count += len(placeholders.problems(str(rel), tomllib.loads(data.decode("utf-8"))))
    return Starter(directory, written, count)
