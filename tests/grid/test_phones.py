"""DESIGN §3.8: one canonical form of a phone number, whatever form it is typed in."""

import pytest

from grid.phones import Phone, mask_phone, normalise_phone, phone_parse, phone_start


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "  13800138000\t",
        "138 0013 8000",
        "138-0013-8000",
        "(138) 0013 8000",
        "138.0013.8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "+86-138-0013-8000",
        "+86 (138) 0013-8000",
        "86 138 0013 8000",
        "8613800138000",
        "0086 138 0013 8000",
        "008613800138000",
    ],
)
def test_a_mobile_is_its_11_digits_in_every_dialled_form(raw):
    assert normalise_phone(raw) == "13800138000"


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("020-8888 1234", "02088881234"),
        ("(020) 8888-1234", "02088881234"),
        ("+86 20 8888 1234", "02088881234"),
        ("+86 (0)20 8888 1234", "02088881234"),
        ("0086 20 88881234", "02088881234"),
        ("010-1234 5678", "01012345678"),
        ("+86 10 1234 5678", "01012345678"),
        ("0763-228 1234", "07632281234"),
        ("(0763) 228-1234", "07632281234"),
        ("0763.228.1234", "07632281234"),
        ("+86 763 228 1234", "07632281234"),
        ("867632281234", "07632281234"),
    ],
    ids=[
        "3-digit-area-code",
        "3-digit-brackets",
        "3-digit-plus-86",
        "3-digit-plus-86-trunk-0",
        "3-digit-0086",
        "beijing",
        "beijing-plus-86",
        "4-digit-area-code",
        "4-digit-brackets",
        "4-digit-dots",
        "4-digit-plus-86",
        "4-digit-86",
    ],
)
def test_a_landline_is_its_area_code_with_the_0_and_its_number(raw, number):
    assert normalise_phone(raw) == number


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("+1 415 555 2671", "+14155552671"),
        ("001 (415) 555-2671", "+14155552671"),
        ("+852 2123 4567", "+85221234567"),
    ],
    ids=["usa", "usa-00", "hong-kong"],
)
def test_a_number_abroad_is_e164_with_its_plus(raw, number):
    assert normalise_phone(raw) == number


@pytest.mark.parametrize(
    ("raw", "number"), [("400 123 4567", "4001234567"), ("+86 400-123-4567", "4001234567")]
)
def test_a_number_dialled_without_a_trunk_0_keeps_its_national_digits(raw, number):
    assert normalise_phone(raw) == number


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("020-8888 1234 ext 5", Phone("02088881234", "5")),
        ("020-8888 1234 ext. 5", Phone("02088881234", "5")),
        ("020 8888 1234 EXT5", Phone("02088881234", "5")),
        ("0763-2281234 转 802", Phone("07632281234", "802")),
        ("020-8888 1234-5", Phone("02088881234", "5")),
        ("0763-228-1234-5", Phone("07632281234", "5")),
        ("+86 20 8888 1234-123", Phone("02088881234", "123")),
        ("138 0013 8000 ext 5", Phone("13800138000", "5")),
        ("138-0013-8000", Phone("13800138000", "")),
    ],
    ids=[
        "ext",
        "ext-dot",
        "ext-upper-no-space",
        "zhuan",
        "dash",
        "dash-after-dashes",
        "dash-plus-86",
        "mobile-ext",
        "dashes-are-no-extension",
    ],
)
def test_an_extension_is_parsed_apart_and_never_stored(raw, phone):
    assert phone_parse(raw) == phone
    assert normalise_phone(raw) == phone.number


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "call me",
        "2281234",
        "12345678901",
        "14155552671",
        "441800000123",
        "95598",
        "0763-228-123x",
        "138OO138000",
        "1-800-FLOWERS",
        "++8613800138000",
        "86+13800138000",
        "+",
        "ext 5",
        "020-8888 1234 ext 1234567",
        "０７６３２２８１２３４",
        "１３８００１３８０００",
        "²²⁸¹²³⁴",
        "1380013800\x000",
        "1" * 1000,
    ],
    ids=[
        "empty",
        "blank",
        "words",
        "no-area-code",
        "no-such-mobile-range",
        "usa-without-plus",
        "meter-number",
        "service-number",
        "letter",
        "letter-o-for-zero",
        "vanity",
        "double-plus",
        "plus-inside",
        "plus-only",
        "extension-only",
        "extension-too-long",
        "full-width-landline",
        "full-width-mobile",
        "superscript-digits",
        "nul",
        "very-long",
    ],
)
def test_what_is_not_a_phone_is_rejected(raw):
    with pytest.raises(ValueError, match="is not a phone number"):
        phone_parse(raw)


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        ("1380013", "1380013"),
        ("138 0013", "1380013"),
        ("+86 138 0013", "1380013"),
        ("0086 138-0013", "1380013"),
        ("+86 20 8888", "0208888"),
        ("+86 (0)20 8888", "0208888"),
        ("+86 10 1234", "0101234"),
        ("0763-228", "0763228"),
        ("+1 415 555", "+1415555"),
        ("001 415", "+1415"),
        ("+86", ""),
        ("和平北路", ""),
        ("A0001", ""),
    ],
)
def test_the_start_of_a_number_is_read_as_the_start_of_its_canonical_form(raw, start):
    assert phone_start(raw) == start


@pytest.mark.parametrize(
    "raw", ["+86 138 0013 8000", "0086 13800138000", "020-8888 1234", "+1 415 555 2671"]
)
def test_a_whole_number_starts_its_own_canonical_form(raw):
    assert phone_start(raw) == normalise_phone(raw)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("+14155552671", "+14*****2671"), ("1234567", "*******")],
)
def test_mask_phone_keeps_the_head_and_the_last_four(phone, masked):
    assert mask_phone(phone) == masked
