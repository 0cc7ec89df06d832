"""Phone numbers as the hotline stores them: digits only."""

import re

_SEPARATORS = re.compile(r"[\s\-().]")
MIN_DIGITS = 7
MAX_DIGITS = 15


def normalise_phone(raw: str) -> str:
    """'0763-228 1234' -> '07632281234'; raises ValueError for anything that is not a phone."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    # isascii: str.isdigit() also accepts full-width and superscript digits.
    if not (digits.isascii() and digits.isdigit()) or not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise ValueError(f"{raw!r} is not a phone number ({MIN_DIGITS}–{MAX_DIGITS} digits).")
    return digits


def mask_phone(phone: str) -> str:
    """'13812345678' -> '138****5678': enough to recognise, not enough to dial."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
