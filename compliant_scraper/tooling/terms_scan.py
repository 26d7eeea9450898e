"""Find the clauses of a terms-of-service page that bear on automated extraction (R2).

A reading aid for legal, French and English: the page is turned into text (one block per
paragraph, list item, heading or table row), and every block that mentions scraping,
robots, crawlers, extraction, aspiration, copying, re-use, data mining, databases, APIs or
the like is listed with its position (line, characters, the heading it sits under) and the
terms found. ``draft_policy`` then writes a policy file for legal to complete: it leaves the
decision, the reason, the reviewer and the review date to legal, so it cannot pass
``policy validate`` (and allow anything) until a person has decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from typing import Final

# (label, pattern): a label is reported once per block however many forms match.
_TERMS: Final[tuple[tuple[str, str], ...]] = (
    ("scraping", r"scrap(?:e|es|ed|er|ers|ing)\b|web[- ]?scraping"),
    ("robots", r"robots?\b|robots\.txt"),
    ("crawler", r"crawl(?:s|ed|er|ers|ing)?\b|spiders?\b"),
    ("bot", r"bots?\b"),
    ("extraction", r"extract(?:s|ed|ing|ion|ions)?\b|extraire\b|extrai[st]\b|extrayant\b"),
    ("aspiration", r"aspir(?:ation|ations|er|ateur|ateurs|é|ée|ées|és)\b"),
    ("harvesting", r"harvest(?:s|ed|ing)?\b|moissonn\w*"),
    (
        "automated",
        r"automat(?:ed|ic|ically)\b|automatis(?:é|ée|ées|és|e|er)\b|automatiques?\b",
    ),
    ("copy", r"cop(?:y|ies|ying|ied)\b|copi(?:e|es|er)\b|reprodu(?:ce|ction|ire|ite)\w*"),
    ("re-use", r"re-?us(?:e|es|ed|ing)\b|r[ée]-?utilis(?:ation|ations|er|é|ée|ées|és)\b"),
    (
        "data mining",
        r"(?:text and )?data[- ]mining\b|tdm\b|fouille de (?:textes? et de )?donn[ée]es",
    ),
    ("database", r"databases?\b|bases? de donn[ée]es|sui generis|l\.? ?342-\d"),
    ("API", r"api\b|apis\b"),
    ("personal data", r"personal data\b|donn[ée]es (?:à caractère )?personnelles?"),
    ("prospecting", r"prospect(?:ion|ing)\b|d[ée]marchage"),
    ("AI training", r"machine learning|artificial intelligence|intelligence artificielle"),
    ("penal code", r"\b323-[1-7]\b"),
)
_PATTERN: Final = re.compile(
    "|".join(f"(?P<t{i}>\\b(?:{p}))" for i, (_, p) in enumerate(_TERMS)), re.IGNORECASE
)
_BLOCKS: Final = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "header",
        "footer",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "title",
    ]
)
_HEADINGS: Final = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_SKIP: Final = frozenset(("script", "style", "noscript", "template", "svg"))
_NUMBERED: Final = re.compile(
    r"^(?:article|art\.|section|clause|§)\s*\d[\w.\-]*|^\d+(?:\.\d+)*[.)]?\s+\S", re.IGNORECASE
)
EXCERPT_CHARS: Final = 320


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, is_heading)
        self._parts: list[str] = []
        self._skip = 0
        self._heading = False
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and (found.get("rel") or "").lower() == "canonical":
            self.canonical = self.canonical or found.get("href")
        if tag == "meta" and found.get("property") == "og:url":
            self.canonical = self.canonical or found.get("content")
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS:
            self._flush()
            self._heading = tag in _HEADINGS

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            self.blocks.append((text, self._heading))
        self._parts = []
        self._heading = False

    def close(self) -> None:
        super().close()
        self._flush()


@dataclass(frozen=True)
class Page:
    """The page as text: one block a line, and what it says its own URL is."""

    blocks: tuple[tuple[str, bool], ...]
    canonical: str | None

    @property
    def text(self) -> str:
        return "\n".join(b for b, _ in self.blocks)


def read_page(content: str) -> Page:
    """HTML (or plain text: each non-empty line a block) as blocks of text."""
    if "<" in content and re.search(r"<(?:html|body|p|div|h\d)\b", content, re.IGNORECASE):
        parser = _TextExtractor()
        parser.feed(content)
        parser.close()
        return Page(tuple(parser.blocks), parser.canonical)
    blocks = tuple((" ".join(line.split()), False) for line in content.splitlines() if line.strip())
    return Page(blocks, None)


@dataclass(frozen=True)
class Clause:
    number: int
    line: int  # 1-based line of the page's text
    start: int  # character offsets in the page's text
    end: int
    heading: str | None
    terms: tuple[str, ...]
    text: str

    @property
    def excerpt(self) -> str:
        if len(self.text) <= EXCERPT_CHARS:
            return self.text
        return self.text[: EXCERPT_CHARS - 1].rstrip() + "…"


def scan(page: Page) -> list[Clause]:
    """Every block that mentions a term, in page order.

    A heading that mentions a term lends its terms to the first block under it that
    mentions one too; when none does, the heading is reported on its own.
    """
    clauses: list[Clause] = []
    offset = 0
    heading: str | None = None
    pending: Clause | None = None  # a matching heading, waiting for its body

    def add(clause: Clause) -> None:
        clauses.append(replace(clause, number=len(clauses) + 1))

    for line, (text, is_heading) in enumerate(page.blocks, start=1):
        terms = _terms_in(text)
        if is_heading or (_NUMBERED.match(text) and len(text) < 120):
            if pending is not None:
                add(pending)
            heading = text
            pending = (
                Clause(0, line, offset, offset + len(text), None, terms, text) if terms else None
            )
        elif terms:
            if pending is not None:
                terms = tuple(dict.fromkeys(pending.terms + terms))
                pending = None
            add(Clause(0, line, offset, offset + len(text), heading, terms, text))
        offset += len(text) + 1
    if pending is not None:
        add(pending)
    return clauses


def _terms_in(text: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for match in _PATTERN.finditer(text):
        index = int((match.lastgroup or "t0")[1:])
        found[_TERMS[index][0]] = None
    return tuple(found)


def format_clauses(clauses: list[Clause]) -> str:
    if not clauses:
        return "No clause mentions automated extraction or re-use: read the terms in full.\n"
    lines = [f"{len(clauses)} clause(s) bear on automated extraction or re-use:", ""]
    for c in clauses:
        where = f"line {c.line}, chars {c.start}-{c.end}" + (
            f', under "{c.heading}"' if c.heading else ""
        )
        lines += [f"[{c.number}] {where}: {', '.join(c.terms)}", f"    {c.excerpt}", ""]
    return "\n".join(lines)


def draft_policy(
    clauses: list[Clause], *, domain: str | None, terms_url: str | None, source: str, today: date
) -> str:
    """A policy file for legal to complete; invalid (so refusing) until they do."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    notes = [f"#   [{c.number}] line {c.line}: {', '.join(c.terms)}" for c in clauses]
    candidates = [c.heading for c in clauses if c.heading]
    clause_hint = candidates[0] if candidates else "e.g. Article 8.2"
    return "\n".join(
        [
            f"# Draft written by `compliant-scraper policy scan-terms` on {today.isoformat()}",
            f"# from {source}. It decides nothing: complete every TODO, uncomment reviewed_on,",
            "# then run `compliant-scraper policy validate`. Until then the domain is refused;",
            "# keep the draft out of policies/domains/ (an invalid file there stops every crawl).",
            "# Clauses found that bear on automated extraction or re-use:",
            *(notes or ["#   (none found: read the terms in full)"]),
            f"domain = {q(domain or 'TODO: the domain this decision covers')}",
            'extraction = "TODO: allowed or forbidden"',
            'reason = "TODO: the decision in one sentence, naming the clause that decides it"',
            f"terms_url = {q(terms_url or 'TODO: the URL of the terms you read')}",
            f"clause = {q('TODO: ' + clause_hint)}",
            'reviewed_by = "TODO: your name"',
            f"# reviewed_on = {today.isoformat()}",
            "review_every_days = 365",
            "",
        ]
    )
