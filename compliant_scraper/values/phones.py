"""Every phone-number reading: the pipeline's ``normalise_phone`` and the opposition lists'
``e164_int`` (R7, R9). One module, so the screen and the store read a number the same way.

A Bloctel file holds millions of lines; phonenumbers takes about 20 µs to parse one, so a
10-million-line import through it alone would take minutes. Well-formed French forms take a
pure-Python fast path instead (one ``str.translate`` and two compiled regular expressions,
about 1 µs), validated against phonenumbers' own metadata, so both paths agree:

- national ``0612345678``, ``06 12 34 56 78``, ``06.12.34.56.78``, ``06-12-34-56-78``;
- international ``+33612345678``, ``0033612345678``, ``33612345678``, ``+33 (0)6 12 34 56 78``;
- national numbers of the overseas departments that share the French 10-digit plan
  (``0692 12 34 56`` is +262 692 12 34 56, Réunion). phonenumbers reads these as invalid
  French numbers; a French list or page writes them this way, so they are resolved here.

Anything else falls back to phonenumbers. ``e164_int`` gives the E.164 number as an ``int``
of its digits (``33612345678``), the key of ``opposition_numbers``; ``None`` means invalid.
``normalise_phone`` gives the E.164 string with its number type and region, cached on the
raw value (a directory repeats the same switchboard number on hundreds of pages).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import phonenumbers

# Separators people put in numbers; "(0)" loses its brackets and is read as the trunk 0.
_STRIP: Final = str.maketrans("", "", " .-()/\t\r\n\"'\u00a0\u202f")

# The special types in the order phonenumbers tests them (_number_type_helper).
_SPECIAL_TYPES: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@dataclass(frozen=True, slots=True)
class _Desc:
    pattern: re.Pattern[str]
    lengths: frozenset[int]

    def matches(self, nsn: str) -> bool:
        if self.lengths and len(nsn) not in self.lengths:
            return False
        return self.pattern.fullmatch(nsn) is not None


def _desc(desc: phonenumbers.PhoneNumberDesc | None) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return _Desc(re.compile(desc.national_number_pattern), frozenset(desc.possible_length or ()))


@dataclass(frozen=True)
class RegionPlan:
    """One region's numbering plan, compiled from phonenumbers' metadata."""

    region: str
    country_code: int
    general: _Desc
    special: tuple[tuple[str, _Desc], ...]
    fixed_line: _Desc | None
    mobile: _Desc | None
    same_mobile_and_fixed_line: bool

    @classmethod
    def for_region(cls, region: str) -> RegionPlan:
        md = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if md is None or md.country_code is None:
            raise ValueError(f"no phone metadata for region {region!r}")
        general = _desc(md.general_desc)
        if general is None:
            raise ValueError(f"no general number pattern for region {region!r}")
        special = tuple(
            (name, desc)
            for name in _SPECIAL_TYPES
            if (desc := _desc(getattr(md, name))) is not None
        )
        return cls(
            region=region,
            country_code=int(md.country_code),
            general=general,
            special=special,
            fixed_line=_desc(md.fixed_line),
            mobile=_desc(md.mobile),
            same_mobile_and_fixed_line=bool(md.same_mobile_and_fixed_line_pattern),
        )

    def number_type(self, nsn: str) -> str | None:
        """The type of national significant number ``nsn``, or None when it is not valid.

        Mirrors phonenumbers' ``_number_type_helper`` (tests cross-check the two).
        """
        if not self.general.matches(nsn):
            return None
        for name, desc in self.special:
            if desc.matches(nsn):
                return name
        if self.fixed_line is not None and self.fixed_line.matches(nsn):
            if self.same_mobile_and_fixed_line or (
                self.mobile is not None and self.mobile.matches(nsn)
            ):
                return "fixed_line_or_mobile"
            return "fixed_line"
        if (
            not self.same_mobile_and_fixed_line
            and self.mobile is not None
            and self.mobile.matches(nsn)
        ):
            return "mobile"
        return None


FRANCE: Final = RegionPlan.for_region("FR")
# Overseas regions dialled with a 0 and 9 digits from France, in phonenumbers' order for
# their shared country codes (so RE before YT, GP before BL and MF, as region_code_for_number).
OVERSEAS: Final = tuple(
    RegionPlan.for_region(r) for r in ("RE", "YT", "GP", "BL", "MF", "MQ", "GF")
)

# The shape of a French number once separators are gone: an optional prefix, then 9 digits.
_FR_FORM: Final = re.compile(r"(?:0|\+330?|00330?|33)?([1-9][0-9]{8})").fullmatch


def _union(plan: RegionPlan) -> re.Pattern[str]:
    parts = [desc.pattern.pattern for _, desc in plan.special]
    parts += [d.pattern.pattern for d in (plan.fixed_line, plan.mobile) if d is not None]
    return re.compile(f"(?=(?:{plan.general.pattern.pattern})$)(?:{'|'.join(parts)})")


def _nine_digits_only(plan: RegionPlan) -> bool:
    descs = [plan.general, *(d for _, d in plan.special), plan.fixed_line, plan.mobile]
    return all(d is None or d.lengths == frozenset({9}) for d in descs)


# The union of every French number type: valid iff it matches, given 9 digits. Guarded so a
# metadata update with other lengths cannot silently break the equivalence.
if not _nine_digits_only(FRANCE):  # pragma: no cover - depends on phonenumbers' metadata
    raise RuntimeError("French numbering metadata no longer has 9-digit numbers only")
_FR_VALID: Final = _union(FRANCE).fullmatch

# The import's hot loop works on bytes: the same forms and validity in one expression, for a
# line already stripped of ASCII separators (``STRIP_BYTES``). Group 1 is the 9-digit number.
FR_BASE: Final = 33 * 10**9
STRIP_BYTES: Final = b" .-()/\t\r\"'"
FR_LINE_BYTES: Final = re.compile(
    rb"(?:0|\+330?|00330?|33)?(" + _union(FRANCE).pattern.encode("ascii") + rb")"
).fullmatch


# -- the one reading --------------------------------------------------------------------

INVALID_PHONE: Final = "invalid_phone"
UNALLOCATED_PHONE: Final = "unallocated_phone"
_CACHE_SIZE: Final = 1 << 16

_TYPE_NAMES: Final[dict[int, str]] = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    phonenumbers.PhoneNumberType.PAGER: "pager",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.VOICEMAIL: "voicemail",
    phonenumbers.PhoneNumberType.UNKNOWN: "unknown",
}


@dataclass(frozen=True, slots=True)
class PhoneReading:
    """What a written number is: its country code and national significant number.

    ``number_type`` is None when the number is possible (its length and plan are right) but
    phonenumbers' metadata does not know the range (``+33 7 00 00 00 00`` today): ``valid``
    is then False. Such a number is still a number: an opposition list keeps it and the
    screen checks it, so a metadata update can never let a listed number through.
    """

    country_code: int
    nsn: str  # national significant number, leading zeros kept (Italy: "0612345678")
    number_type: str | None
    region: str | None

    @property
    def valid(self) -> bool:
        return self.number_type is not None

    @property
    def e164(self) -> str:
        return f"+{self.country_code}{self.nsn}"

    @property
    def key(self) -> int:
        """The E.164 digits as an int: the key of ``opposition_numbers``."""
        return int(f"{self.country_code}{self.nsn}")


def read_phone(raw: str, default_region: str = "FR") -> PhoneReading | None:
    """The one reading of a written number, national forms read in ``default_region``.

    The store (``normalise_phone``), the opposition lists (``e164_int``) and the suppression
    list all read numbers through it. None means "not a phone number at all": a length no
    plan has, letters, a leading zero the plan cannot have.
    """
    return _read(raw, default_region.upper())


@lru_cache(maxsize=_CACHE_SIZE)
def _read(raw: str, region: str) -> PhoneReading | None:
    if not raw.isascii():  # full-width or other Unicode digits: read as ASCII digits
        raw = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in raw)
    if region == "FR":
        s = raw.translate(_STRIP)
        m = _FR_FORM(s)
        if m is not None:
            return _read_french(m.group(1), national=len(s) == 10)
    return _read_with_phonenumbers(raw, region)


def _read_french(nsn: str, national: bool) -> PhoneReading:
    """Nine digits not starting with 0 after a French prefix: a number, valid or not."""
    if _FR_VALID(nsn) is not None:
        return PhoneReading(33, nsn, FRANCE.number_type(nsn), "FR")
    if national:  # "0XXXXXXXXX": maybe an overseas department sharing the French plan
        for plan in OVERSEAS:
            kind = plan.number_type(nsn)
            if kind is not None:
                return PhoneReading(plan.country_code, nsn, kind, plan.region)
    return PhoneReading(33, nsn, None, "FR")  # possible: 9 digits, the plan's first digit


def _read_with_phonenumbers(raw: str, region: str) -> PhoneReading | None:
    number = _parse_possible(raw, region)
    if number is None:
        # "262692123456": an international number written without its "+" or "00", taken
        # only when the national reading is not a possible number at all.
        digits = raw.translate(_STRIP)
        if digits.isascii() and digits.isdigit() and not digits.startswith("0"):
            number = _parse_possible("+" + digits, region)
    if number is None:
        return None
    kind = None
    if phonenumbers.is_valid_number(number):
        kind = _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    return PhoneReading(
        int(number.country_code or 0),
        phonenumbers.national_significant_number(number),
        kind,
        phonenumbers.region_code_for_number(number),
    )


def _parse_possible(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    """phonenumbers' reading of ``raw`` when it is a possible number, else None.

    Possible: the length is one the country's plan has (``is_possible_number``, local-only
    lengths excluded: they cannot make an E.164 number). A national significant number that
    starts with 0 must also fit the plan's general pattern (Italy's do; France's never do,
    so ``00 00 00 00 00`` is not a number).
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    nsn = phonenumbers.national_significant_number(number)
    if nsn.startswith("0") and not _general_pattern(int(number.country_code or 0)).fullmatch(nsn):
        return None
    return number


@cache
def _general_pattern(country_code: int) -> re.Pattern[str]:
    region = phonenumbers.region_code_for_country_code(country_code)
    if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
        metadata = phonenumbers.PhoneMetadata.metadata_for_nongeo_region(country_code)
    else:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata is not None else None
    pattern = general.national_number_pattern if general is not None else None
    return re.compile(pattern or r"(?!)")  # no plan: no leading-zero number is possible


def e164_int(raw: str, default_region: str = "FR") -> int | None:
    """The E.164 digits of ``raw`` as an int (``33612345678``), or None when not a number.

    The opposition lists' key: ``read_phone``'s reading, possible numbers included.
    """
    reading = read_phone(raw, default_region)
    return None if reading is None else reading.key


def e164_digits(e164: str) -> int | None:
    """``"+33612345678"`` -> ``33612345678``; None when ``e164`` is not in E.164 form."""
    if len(e164) < 3 or e164[0] != "+":
        return None
    digits = e164[1:]
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 15 or digits[0] == "0":
        return None
    return int(digits)


# -- one national number, several E.164 forms ---------------------------------------------

# Metropolitan France and the overseas departments share one 10-digit national plan: the
# national number "0692 12 34 56" is one line, which E.164 writes +262 692 12 34 56 and
# phonenumbers' French ranges read +33 692 12 34 56 where they cover it. Which country
# code a range gets is metadata, and metadata changes; the line does not. So screening
# (opposition lists, suppression list) checks every country code of the shared plan.
SHARED_PLAN_CODES: Final = tuple(dict.fromkeys((33, *(p.country_code for p in OVERSEAS))))
_SHARED_PREFIXES: Final = tuple((str(code), code) for code in SHARED_PLAN_CODES)


def equivalent_keys(key: int) -> tuple[int, ...]:
    """Every E.164 key (digits as int) naming the same line as ``key``, ``key`` first.

    ``33692123456`` -> ``(33692123456, 262692123456, 590692123456, ...)``; a number outside
    the shared French plan has itself only.
    """
    digits = str(key)
    for prefix, _ in _SHARED_PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            nsn = int(digits[len(prefix) :])
            others = tuple(code * 10**9 + nsn for code in SHARED_PLAN_CODES)
            return (key, *(k for k in others if k != key))
    return (key,)


def equivalent_e164(e164: str) -> tuple[str, ...]:
    """``equivalent_keys`` for an E.164 string (``"+33692123456"``); itself when not E.164."""
    key = e164_digits(e164)
    if key is None:
        return (e164,)
    return tuple(f"+{k}" for k in equivalent_keys(key))


# -- the pipeline's result -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """``e164`` (``"+33612345678"``), ``number_type`` and ``region``; ``reason`` if not kept.

    ``reason`` is ``invalid_phone`` (not a number: ``e164`` is None) or ``unallocated_phone``
    (a possible number phonenumbers' metadata does not know: ``e164`` is set so it can be
    screened and honoured, but the crawl does not store it).
    """

    e164: str | None
    number_type: str | None = None
    region: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """A valid number, fit to store."""
        return self.e164 is not None and self.reason is None


_INVALID_PHONE: Final = PhoneResult(None, reason=INVALID_PHONE)


def normalise_phone(raw: str, default_region: str) -> PhoneResult:
    """E.164, number type and region of ``raw``; national forms read in ``default_region``."""
    return _normalise_phone(raw, default_region.upper())


@lru_cache(maxsize=_CACHE_SIZE)
def _normalise_phone(raw: str, region: str) -> PhoneResult:
    reading = _read(raw, region)
    if reading is None:
        return _INVALID_PHONE
    if not reading.valid:
        return PhoneResult(reading.e164, None, reading.region, UNALLOCATED_PHONE)
    return PhoneResult(reading.e164, reading.number_type, reading.region)
