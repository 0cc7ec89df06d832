"""What a search box query can mean: pure rules, no queries (hotline.selectors runs them)."""

from dataclasses import dataclass

from grid.phones import normalise_phone, phone_start

# Typed this far, a query is matched as the start of a phone, account or meter number too;
# shorter prefixes match too much to be useful.
PREFIX_MIN_LENGTH = 4
# Fewer characters than this match no name or address: one character is half the county.
WORDS_MIN_LENGTH = 2


@dataclass(frozen=True)
class Query:
    """The search box's text, read every way it can be meant."""

    text: str
    # The phone number the text is, in its stored form; "" when it is not a whole one.
    phone: str
    # What a stored phone starts with if the text is its start (grid.phones.phone_start);
    # "" unless the text is all digits and separators.
    phone_start: str

    @property
    def is_prefix_long_enough(self) -> bool:
        return len(self.phone_start or self.text) >= PREFIX_MIN_LENGTH

    @property
    def may_be_words(self) -> bool:
        """The text may be (part of) a name or an address."""
        return not self.phone_start and len(self.text) >= WORDS_MIN_LENGTH


def query_parse(raw: str) -> Query:
    text = " ".join(raw.split())
    return Query(text=text, phone=phone_for_call(raw), phone_start=phone_start(raw))


def phone_for_call(raw: str) -> str:
    """The caller's number as it is stored (grid.phones); "" when the text is not a phone."""
    try:
        return normalise_phone(raw)
    except ValueError:
        return ""


def phone_in_query(raw: str) -> str:
    """The caller's number when the search text is clearly one: a mobile, a landline with its
    trunk 0, or either with the country code; "" for meter and account numbers, and for a
    landline typed without its 0 (it reads as a meter number just as well)."""
    phone = phone_for_call(raw)
    return phone if phone and phone_start(raw).startswith(phone) else ""
