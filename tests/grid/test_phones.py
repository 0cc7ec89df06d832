import pytest

from grid.phones import normalise_phone


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("0763-228 1234", "07632281234"),
        ("(0763) 228-5678", "07632285678"),
        ("0763.228.1234", "07632281234"),
        ("+86 138 0013 8000", "8613800138000"),
        ("  13800138000\t", "13800138000"),
        ("2281234", "2281234"),
        ("123456789012345", "123456789012345"),
    ],
    ids=["dash-space", "brackets", "dots", "plus-country-code", "padded", "7-digits", "15-digits"],
)
def test_normalise_phone_keeps_only_the_digits(raw, digits):
    assert normalise_phone(raw) == digits


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "call me",
        "228123",
        "1234567890123456",
        "0763-228-123x",
        "138 0013 8000 ext 5",
        "++8613800138000",
        "86+13800138000",
        "+",
        "０７６３２２８１２３４",
        "²²⁸¹²³⁴",
    ],
    ids=[
        "empty",
        "blank",
        "words",
        "6-digits",
        "16-digits",
        "letter",
        "extension",
        "double-plus",
        "plus-inside",
        "plus-only",
        "full-width-digits",
        "superscript-digits",
    ],
)
def test_normalise_phone_rejects_what_is_not_a_phone(raw):
    with pytest.raises(ValueError, match="is not a phone number"):
        normalise_phone(raw)
