"""Phone numbers in the one form the hotline stores and looks them up by (DESIGN §3.8).

The canonical form of a number:
- a mainland mobile: its 11 digits (`+86 138-0013-8000`, `0086 13800138000` → `13800138000`);
- a mainland landline: the area code with its trunk 0, then the number, digits only
  (`020-8888 1234`, `+86 20 8888 1234` → `02088881234`);
- any other mainland number with its national form, digits only (`400 123 4567` → `4001234567`);
- a number abroad: E.164, a `+` and its digits (`+1 415 555 2671`, `001 415…` → `+14155552671`),
  so it can never be mistaken for a mainland number.

An extension (`-5`, `ext 5`, `转 5`) is parsed apart and never part of the stored number.
The `phonenumbers` library (Google's libphonenumber metadata) knows the area codes and the
mobile ranges; a number it does not hold valid is not a phone. It costs about 50 µs a number,
nothing beside the query a lookup makes.
"""

import re
from typing import NamedTuple

import phonenumbers

REGION = "CN"
COUNTRY_CODE = 86
EXTENSION_MAX_DIGITS = 6

# What may be typed or received: ASCII digits, spaces, dashes, brackets, dots and one
# leading +. Letters and full-width digits are refused here, before phonenumbers, which
# would read "1-800-FLOWERS" and "１３８…" as digits.
_DIALLED = re.compile(r"\+?[0-9\s\-().]+")
_EXTENSION_WORD = re.compile(rf"(?:ext\.?|转)\s*([0-9]{{1,{EXTENSION_MAX_DIGITS}}})$", re.I)
_EXTENSION_DASH = re.compile(rf"-\s*([0-9]{{1,{EXTENSION_MAX_DIGITS}}})$")
_NOT_DIGIT = re.compile(r"[^0-9]")


class Phone(NamedTuple):
    """A parsed number: the canonical number and the extension ("" when none)."""

    number: str
    extension: str


def phone_parse(raw: str) -> Phone:
    """The canonical number and the extension, apart; ValueError for anything not a phone.

    A trailing `-digits` group is an extension only when the number is not valid with it:
    `138-0013-8000` is one mobile, `0763-2281234-5` is 07632281234 extension 5.
    """
    text = raw.strip()
    extension = ""
    if match := _EXTENSION_WORD.search(text):
        text, extension = text[: match.start()].rstrip(), match.group(1)
    if not _DIALLED.fullmatch(text):
        raise ValueError(f"{raw!r} is not a phone number.")
    number = _canonical(text)
    if number is None and not extension and (match := _EXTENSION_DASH.search(text)):
        number, extension = _canonical(text[: match.start()]), match.group(1)
    if number is None:
        raise ValueError(f"{raw!r} is not a phone number.")
    return Phone(number=number, extension=extension)


def normalise_phone(raw: str) -> str:
    """The canonical number (extension dropped), for storage and for every lookup;
    ValueError for anything not a phone."""
    return phone_parse(raw).number


def phone_start(raw: str) -> str:
    """What the canonical number starts with when the text is the start of a number, typed
    in any dialled form: '+86 138 00' → '13800', '0086 20 88' → '02088', '001 415' → '+1415',
    '0763-22' → '076322'; "" unless the text is digits and separators."""
    text = raw.strip()
    if not _DIALLED.fullmatch(text):
        return ""
    digits = _NOT_DIGIT.sub("", text)
    if not digits:
        return ""
    if text.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return digits
    if not international.startswith(str(COUNTRY_CODE)):
        return f"+{international}" if international else ""
    national = international.removeprefix(str(COUNTRY_CODE))
    # A mobile starts with 1 and has no trunk 0; a landline gets its 0 back (Beijing's
    # area code, 10, starts with 1 too), unless the caller dialled it anyway.
    if not national or national.startswith("0"):
        return national
    if national.startswith("1") and not national.startswith("10"):
        return national
    return f"0{national}"


def mask_phone(phone: str) -> str:
    """'13812345678' -> '138****5678': enough to recognise, not enough to dial."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def _canonical(text: str) -> str | None:
    try:
        parsed = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if parsed.country_code == COUNTRY_CODE:
        # The national form writes a landline with its trunk 0 and a mobile without one.
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        return _NOT_DIGIT.sub("", national)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
