"""Which encoding a page is really in, with w3lib's and Scrapy's own readers.

Scrapy decodes a page with the first encoding it finds declared (BOM, ``Content-Type`` header,
``<meta charset>``) and replaces the bytes that do not fit: a latin-1 page labelled UTF-8 (a
misconfigured server, common with old CMSs) gives ``H�l�ne Dupr�``, and that is what was stored.
:func:`page_encoding` takes a declaration only when the page's bytes are valid in it:

1. a byte-order mark (w3lib ``read_bom``);
2. the ``Content-Type`` charset, then the page's own ``<meta>`` declaration (w3lib), the first
   one the bytes decode under without error;
3. otherwise UTF-8 when the bytes are valid UTF-8;
4. otherwise charset-normalizer's guess (the detector Scrapy uses for pages without a label),
   except that a guess in the Latin script becomes windows-1252.

Why not charset-normalizer's answer alone: on the short texts of directory entries it cannot
tell the Latin code pages apart and picks windows-1250 for French (``Hélène`` becomes
``Hélčne``, silently, on 11 of 19 of this project's French fixture pages re-encoded in
windows-1252). Windows-1252 is what browsers fall back to for Western European pages, and what
the WHATWG Encoding Standard means by the labels ``latin1``, ``iso-8859-1`` and ``ascii``. The
cost: an unlabelled or falsely labelled Central European page (windows-1250) is read as
windows-1252; a page in another script (Cyrillic, Greek, CJK…) keeps the detector's answer.
"""

from __future__ import annotations

from typing import Final

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

LATIN_FALLBACK: Final = "cp1252"
# charset-normalizer's names of the Unicode ranges a Latin-script text is written in.
_LATIN_RANGES: Final = frozenset(
    {
        "Basic Latin",
        "Latin-1 Supplement",
        "Latin Extended-A",
        "Latin Extended-B",
        "Latin Extended Additional",
        "General Punctuation",
        "Currency Symbols",
        "Letterlike Symbols",
        "Control character",
    }
)


def page_encoding(body: bytes, content_type: str | None = None) -> str:
    """The encoding ``body`` is in (a Python codec name, as w3lib resolves it)."""
    bom, _ = read_bom(body)
    if bom:
        return str(bom)
    for label in (http_content_type_encoding(content_type), html_body_declared_encoding(body)):
        encoding = resolve_encoding(label) if label else None
        if encoding and _decodes(body, encoding):
            return str(encoding)
    if _decodes(body, "utf-8"):
        return "utf-8"
    match = from_bytes(body).best()
    if match is None or set(match.alphabets) <= _LATIN_RANGES:
        return LATIN_FALLBACK
    return str(resolve_encoding(match.encoding) or LATIN_FALLBACK)


def page_text(body: bytes, content_type: str | None = None) -> str:
    """``body`` decoded in :func:`page_encoding`."""
    return str(html_to_unicode(f"charset={page_encoding(body, content_type)}", body)[1])


def redecoded(body: bytes, used: str, content_type: str | None = None) -> str | None:
    """The text of a page when the encoding a reader ``used`` on it (a Scrapy response's
    ``encoding``) was wrong, else ``None``: the text already decoded can be kept."""
    if body.isascii():
        return None
    encoding = page_encoding(body, content_type)
    if encoding == resolve_encoding(used):
        return None
    return str(html_to_unicode(f"charset={encoding}", body)[1])


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
