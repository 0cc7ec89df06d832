"""What a search box query can mean: pure rules, no queries (hotline.selectors runs them)."""

import re
from dataclasses import dataclass

from grid.phones import normalise_phone

# Typed this far, a query is matched as the start of a phone, account or meter number too;
# shorter prefixes match too much to be useful.
PREFIX_MIN_LENGTH = 4
# Fewer characters than this match no address: one character is half the county.
ADDRESS_MIN_LENGTH = 2
_SEPARATORS = re.compile(r"[\s\-().]")
# A mainland mobile (1xx xxxx xxxx), or a landline: a 3-digit area code (010, 02x) and 8
# digits, or a 4-digit one (0763) and 7 or 8; a local number never starts with 0 or 1.
_NATIONAL_PHONE = re.compile(r"1[3-9]\d{9}|0(?:10|2\d)[2-9]\d{7}|0[3-9]\d{2}[2-9]\d{6,7}")


@dataclass(frozen=True)
class Query:
    """The search box's text, read every way it can be meant."""

    text: str
    # The number as dialled (separators gone): None unless the text is all digits.
    digits: str | None
    # Phone numbers as the hotline stores them that the text can stand for.
    phones: tuple[str, ...]

    @property
    def is_prefix_long_enough(self) -> bool:
        return len(self.digits or self.text) >= PREFIX_MIN_LENGTH

    @property
    def may_be_address(self) -> bool:
        return self.digits is None and len(self.text) >= ADDRESS_MIN_LENGTH


def query_parse(raw: str) -> Query:
    text = " ".join(raw.split())
    digits = _SEPARATORS.sub("", text).removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        digits = None
    return Query(text=text, digits=digits, phones=phone_candidates(raw))


def phone_candidates(raw: str) -> tuple[str, ...]:
    """The stored forms a dialled number can have: '+86 138 0013 8000' is 13800138000,
    '+86 763 228 1234' is the landline 07632281234 (the trunk 0 comes back), and
    '0086…' is the same as '+86…'. Empty when the text is not a phone number."""
    try:
        digits = normalise_phone(raw)
    except ValueError:
        return ()
    candidates = [digits]
    national = None
    if digits.startswith("0086"):
        national = digits[4:]
    elif digits.startswith("86") and len(digits) >= 11:
        national = digits[2:]
    if national:
        if national.startswith("1"):
            candidates.append(national)  # a mobile: 1xx xxxx xxxx
        else:
            candidates.extend([f"0{national}", national])  # a landline: area code and number
    return tuple(dict.fromkeys(candidates))


def phone_for_call(raw: str) -> str:
    """The caller's number as a ticket stores it: the national form when it has one."""
    candidates = phone_candidates(raw)
    return candidates[1] if len(candidates) > 1 else (candidates[0] if candidates else "")


def phone_in_query(raw: str) -> str:
    """The caller's number when the search text is clearly one (a mobile or a landline
    with its area code, in any dialled form); "" for meter and account numbers."""
    phone = phone_for_call(raw)
    return phone if _NATIONAL_PHONE.fullmatch(phone) else ""
