"""The access reply (Art. 15, R12) as a letter, from the same facts as the Art. 14 notice.

``subjects.access`` finds the person's records (and records the request in the audit log);
``access_letter`` words them with ``letters/access.<lang>.txt``: per record, the data held,
the purpose described in the person's language, its legal basis, the source pages and when
they were read, the recipients and transfers, the retention end; then the automated-decision
line, the rights and the CNIL complaint line. The per-record facts are those of the notice
(``notices.facts_for``), so a reply can never state what a notice would not.

The language is ``lang``, else that of the person's first record (its country), else French.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..law import RETENTION_YEARS
from ..letters import LANGS
from ..letters.access import AccessData, AccessRecord, render_access, values_by_category
from ..policy.model import Registry
from ..store.backend import Db
from .base import ToolingError
from .notices import DEFAULT_LANG, contact_lang, facts_for


def access_letter(
    db: Db,
    registry: Registry,
    reply: dict[str, Any],
    *,
    today: date,
    lang: str | None = None,
    reference: int | None = None,
    records_days: int = 365,
) -> str:
    """The letter for ``reply`` (what ``subjects.access`` returned)."""
    held = reply["contacts"]
    chosen = lang is not None
    if lang is None:
        lang = contact_lang(held[0]["contact"]) if held else DEFAULT_LANG
    if lang not in LANGS:
        raise ToolingError(f"--lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    records = tuple(
        AccessRecord(
            facts_for(db, registry, h["contact"], lang, lang_chosen=chosen),
            values_by_category(h["contact"]),
            bool(h["restricted"]),
        )
        for h in held
    )
    data = AccessData(
        controller=registry.controller,
        today=today,
        records=records,
        on_suppression_list=bool(reply["on_suppression_list"]),
        retention_years=RETENTION_YEARS,
        reference=str(reference) if reference is not None else None,
        crawl_records=len(reply.get("crawl_records", ())),
        records_days=records_days,
    )
    return render_access(data, lang)
