"""Progress bars for long work (issue 14 item 5): on a terminal only.

The library reports progress through a callback ``on_progress(advance, total)`` (rows,
bytes or contacts done since the last call, out of ``total``); ``Bar`` turns it into click's
progress bar on standard error when standard error is a terminal, and into nothing when it
is not (a pipe, a file, CI), so scripted output stays exactly what it was.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

import click


def on_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty is not None and isatty())


class Bar:
    """``with Bar("Importing") as bar: work(on_progress=bar)``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = on_terminal()
        self._bar: Any = None

    def __call__(self, advance: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(advance)

    def __enter__(self) -> Bar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, trace)
            self._bar = None
