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
from dataclasses import dataclass
from functools import lru_cache
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

_FR_BASE: Final = 33 * 10**9
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
FR_BASE: Final = _FR_BASE
STRIP_BYTES: Final = b" .-()/\t\r\"'"
FR_LINE_BYTES: Final = re.compile(
    rb"(?:0|\+330?|00330?|33)?(" + _union(FRANCE).pattern.encode("ascii") + rb")"
).fullmatch


def parse_french(raw: str) -> tuple[RegionPlan, str] | None:
    """Fast path: ``(plan, national significant number)`` for a well-formed French form.

    None means "not recognised here" (not necessarily invalid): use phonenumbers.
    """
    s = raw.translate(_STRIP)
    m = _FR_FORM(s)
    if m is None:
        return None
    nsn = m.group(1)
    if _FR_VALID(nsn) is not None:
        return FRANCE, nsn
    if len(s) == 10:  # national form "0XXXXXXXXX": maybe an overseas department
        for plan in OVERSEAS:
            if plan.number_type(nsn) is not None:
                return plan, nsn
    return None


def e164_int(raw: str, default_region: str = "FR") -> int | None:
    """The E.164 digits of ``raw`` as an int (``33612345678``), or None when invalid.

    With ``default_region="FR"`` well-formed French forms never reach phonenumbers.
    """
    if default_region == "FR":
        s = raw.translate(_STRIP)
        m = _FR_FORM(s)
        if m is not None:
            nsn = m.group(1)
            if _FR_VALID(nsn) is not None:
                return _FR_BASE + int(nsn)
            if len(s) == 10:
                for plan in OVERSEAS:
                    if plan.number_type(nsn) is not None:
                        return plan.country_code * 10**9 + int(nsn)
    return _slow_e164_int(raw, default_region)


def _slow_e164_int(raw: str, region: str) -> int | None:
    number = _parse_valid(raw, region)
    if number is None:
        # "262692123456": an international number written without its "+" or "00".
        digits = raw.translate(_STRIP)
        if digits.isascii() and digits.isdigit() and not digits.startswith("0"):
            number = _parse_valid("+" + digits, region)
    if number is None:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return int(e164[1:])


def _parse_valid(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164_digits(e164: str) -> int | None:
    """``"+33612345678"`` -> ``33612345678``; None when ``e164`` is not in E.164 form."""
    if len(e164) < 3 or e164[0] != "+":
        return None
    digits = e164[1:]
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 15 or digits[0] == "0":
        return None
    return int(digits)


# -- the pipeline's reading ------------------------------------------------------------------

INVALID_PHONE: Final = "invalid_phone"
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
class PhoneResult:
    """``e164`` (``"+33612345678"``), ``number_type`` and ``region``; or ``reason`` if invalid."""

    e164: str | None
    number_type: str | None = None
    region: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.e164 is not None


_INVALID_PHONE: Final = PhoneResult(None, reason=INVALID_PHONE)


def normalise_phone(raw: str, default_region: str) -> PhoneResult:
    """E.164, number type and region of ``raw``; national forms read in ``default_region``."""
    return _normalise_phone(raw, default_region.upper())


@lru_cache(maxsize=_CACHE_SIZE)
def _normalise_phone(raw: str, region: str) -> PhoneResult:
    if region == "FR":
        hit = parse_french(raw)
        if hit is not None:
            plan, nsn = hit
            return PhoneResult(f"+{plan.country_code}{nsn}", plan.number_type(nsn), plan.region)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return _INVALID_PHONE
    if not phonenumbers.is_valid_number(number):
        return _INVALID_PHONE
    return PhoneResult(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown"),
        phonenumbers.region_code_for_number(number),
    )
