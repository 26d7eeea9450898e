"""What a person or a regulator reads: letters rendered from data (R5, R11, R12).

One template per letter type and language, ``templates/<letter>.<lang>.txt`` (Jinja2), plus
``templates/_common.<lang>.txt`` with what several letters of one language share: the
names of the rights as the GDPR's official text in that language writes them, the labels of
data categories, recipient roles and transfer mechanisms. A letter is
``render(letter, lang, data)``: the caller gathers the facts (``letters.notice.NoticeData``
for the Art. 14 notice), the template only words them. No sentence about a fact is typed in
code, and a fact the data lacks is an error, never a default (``StrictUndefined``).

Dates are written by Babel in the letter's language (``{{ day|date }}``), country names too
(``{{ "DE"|country }}``). Adding a language is adding its files; adding a letter type (the
access reply of issue 13) is adding ``<letter>.<lang>.txt`` for each language, reusing the
``_common`` file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from ..policy.model import NOTICE_LANGS as LANGS

# The Babel locale that writes each language's dates as its readers expect in the EU.
_LOCALES: Final = {"fr": "fr_FR", "en": "en_IE", "de": "de_DE", "es": "es_ES", "it": "it_IT"}
# The contact's language from its country (ISO alpha-2); other countries read English.
COUNTRY_LANGS: Final[dict[str, str]] = {
    "FR": "fr",
    "MC": "fr",
    "LU": "fr",
    "BE": "fr",
    "DE": "de",
    "AT": "de",
    "LI": "de",
    "ES": "es",
    "IT": "it",
    "SM": "it",
    "VA": "it",
}
FALLBACK_LANG: Final = "en"


class LetterError(ValueError):
    """No template for this letter in this language, or the data lacks a fact it needs."""


def lang_for_country(country: str | None, default: str = FALLBACK_LANG) -> str:
    """The language a person in ``country`` reads; ``default`` when the country is unknown."""
    if not country:
        return default
    return COUNTRY_LANGS.get(country.upper(), FALLBACK_LANG)


def letters() -> dict[str, tuple[str, ...]]:
    """Every letter type shipped, with the languages it exists in."""
    found: dict[str, list[str]] = {}
    for entry in resources.files(__package__).joinpath("templates").iterdir():
        name = entry.name
        if name.startswith("_") or not name.endswith(".txt"):
            continue
        letter, _, lang = name[: -len(".txt")].rpartition(".")
        found.setdefault(letter, []).append(lang)
    return {k: tuple(sorted(v, key=_lang_order)) for k, v in sorted(found.items())}


def _lang_order(lang: str) -> int:
    return LANGS.index(lang) if lang in LANGS else len(LANGS)


def render(letter: str, lang: str, data: Mapping[str, Any]) -> str:
    """The text of ``letter`` in ``lang`` for ``data`` (a mapping of template variables)."""
    import jinja2

    if lang not in LANGS:
        raise LetterError(f"language {lang!r}: expected one of {', '.join(LANGS)}")
    env = _environment(lang)
    try:
        template = env.get_template(f"{letter}.{lang}.txt")
    except jinja2.TemplateNotFound:
        shipped = ", ".join(letters()) or "none"
        raise LetterError(f"no {letter!r} letter in {lang!r} (letters: {shipped})") from None
    try:
        return str(template.render(**data))
    except jinja2.UndefinedError as exc:
        raise LetterError(f"{letter}.{lang}: the data lacks a fact: {exc.message}") from None


@lru_cache(maxsize=len(LANGS))
def _environment(lang: str) -> Any:
    import jinja2
    from babel import Locale
    from babel.dates import format_date

    locale = Locale.parse(_LOCALES[lang])

    def date_filter(day: date) -> str:
        text = str(format_date(day, format="long", locale=locale))
        if lang == "fr" and day.day == 1:  # French writes the first of the month "1er"
            text = "1er" + text[1:]
        return text

    def country_filter(code: str) -> str:
        return str(locale.territories.get(code.upper(), code))

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__ or "compliant_scraper.letters", "templates"),
        autoescape=False,  # plain-text letters; an HTML letter would use select_autoescape
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = date_filter
    env.filters["country"] = country_filter
    return env
