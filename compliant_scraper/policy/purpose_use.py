"""The keys of a purpose that say what is offered, to whom, on which basis (issue 12).

R6: B2B prospecting without consent must relate to the recipient's profession, so a purpose
says what it offers (``offer``) and, for an electronic channel, to which professions
(``target_professions``). R13: a legitimate-interest basis (GDPR Art. 6(1)(f)) names the
interest (``legitimate_interest``), its assessment (``lia``, a file under ``policies/``) and
either a DPIA (``dpia``, a file) or why none is needed (``dpia_not_required``). R5: the
notice states the purpose in the reader's language (``[NAME.notice.LANG]``); French and
English are required. Missing or wrong, any of these is a ``policy validate`` problem, so no
crawl starts and no export runs (the registry does not load).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

from ..law import ELECTRONIC_CHANNELS, SECTORS
from .model import NOTICE_LANGS, REQUIRED_NOTICE_LANGS, NoticeTexts
from .tables import NAME_CHARS, Table, kind_of, quote

NOTICE_KEYS: Final = ("description", "legal_basis", "legitimate_interest")


@dataclass
class UseReader:
    """Reads the issue 12 keys of one purpose table; records file references' sha256."""

    directory: Path
    files: dict[str, str]  # relative file -> sha256, shared with the loader

    def read(
        self, table: Table, name: str, channel: str | None, audience: str | None, basis: str
    ) -> dict[str, Any]:
        from .model import Purpose  # the basis test lives with the model

        probe = Purpose(name, channel or "", audience or "", basis, ())
        li = probe.legitimate_interest_basis
        offer = table.text("offer")
        interest = table.text("legitimate_interest", required=li)
        professions = table.texts("target_professions", required=False, check=_term)
        if professions is None and audience == "b2b" and channel in ELECTRONIC_CHANNELS:
            table.problem(
                "target_professions",
                f"required for a b2b {channel} purpose: the words or phrases a contact's "
                "job_title or organization must contain, so the message relates to their "
                'profession (R6), e.g. ["avocat", "juriste"]',
            )
        private = table.boolean("allow_private_mailboxes")
        lia = self._file(table, "lia", required=li)
        dpia = self._file(table, "dpia", required=False)
        dpia_not_required = table.text("dpia_not_required", required=False)
        if li and dpia is None and dpia_not_required is None and "dpia" not in table.data:
            table.problem(
                "dpia",
                "required for a legitimate-interest purpose: name the DPIA file (dpia) or say "
                "why none is needed (dpia_not_required) (R13, GDPR Art. 35)",
            )
        if "dpia" in table.data and "dpia_not_required" in table.data:
            table.problem("dpia_not_required", "name either dpia or dpia_not_required, not both")
        sector = table.value("sector", str, _sector, required=False)
        notice = self._notice(table, li)
        return {
            "offer": offer,
            "legitimate_interest": interest,
            "target_professions": professions or (),
            "allow_private_mailboxes": private,
            "lia": lia,
            "dpia": dpia,
            "dpia_not_required": dpia_not_required,
            "sector": sector,
            "notice": notice,
        }

    def _file(self, table: Table, key: str, required: bool) -> str | None:
        """A file under the policy directory, named relative to it (``assessments/x.md``)."""
        ref = table.text(key, required=required)
        if ref is None:
            return None
        relative = PurePosixPath(ref)
        if relative.is_absolute() or ".." in relative.parts or "\\" in ref:
            table.problem(
                key,
                f"{quote(ref)} must be a path inside the policy folder, such as "
                '"assessments/lia.md"',
            )
            return None
        path = self.directory / relative
        if not path.is_file():
            table.problem(key, f"file {ref} does not exist in {self.directory}")
            return None
        try:
            self.files[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            table.problem(key, f"file {ref} cannot be read: {exc.strerror or exc}")
            return None
        return str(relative)

    def _notice(self, table: Table, li: bool) -> tuple[tuple[str, NoticeTexts], ...]:
        raw = table.value("notice", dict, required=False) or {}
        found: list[tuple[str, NoticeTexts]] = []
        for lang, data in raw.items():
            key = f"notice.{lang}"
            if lang not in NOTICE_LANGS:
                table.problem(
                    key,
                    f"unknown language {quote(lang)}: use one of "
                    + ", ".join(map(quote, NOTICE_LANGS)),
                )
                continue
            if not isinstance(data, dict):
                table.problem(
                    key, f"must be a table ([...{key}] and its keys), not {kind_of(data)}"
                )
                continue
            sub = Table(table.problems, table.file, data, prefix=f"{table.prefix}{key}.")
            description = sub.text("description")
            legal_basis = sub.text("legal_basis")
            interest = sub.text("legitimate_interest", required=li)
            sub.finish()
            if sub.failed:
                table.failed = True
                continue
            assert description and legal_basis
            found.append((lang, NoticeTexts(description, legal_basis, interest)))
        have = {lang for lang, _ in found} | set(raw)
        for lang in REQUIRED_NOTICE_LANGS:
            if lang not in have:
                keys = ", ".join(NOTICE_KEYS if li else NOTICE_KEYS[:2])
                table.problem(
                    f"notice.{lang}",
                    f"required table is missing: add [{table.prefix}notice.{lang}] with {keys}",
                )
        return tuple(sorted(found, key=lambda pair: NOTICE_LANGS.index(pair[0])))


def _term(value: str) -> tuple[str | None, str]:
    from ..values.professions import fold

    if fold(value):
        return value, ""
    return None, f"profession {quote(value)} has no letter or digit"


def _sector(value: str) -> tuple[str | None, str]:
    if not value or not NAME_CHARS.issuperset(value):
        return None, f"sector {quote(value)} uses only a-z, 0-9 and _"
    if value not in SECTORS:
        import difflib

        close = difflib.get_close_matches(value, SECTORS, n=1)
        if close:
            return None, f"unknown sector {quote(value)} (did you mean {quote(close[0])}?)"
    return value, ""
