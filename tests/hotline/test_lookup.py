"""Finding the caller: every key, every dialled form of a phone, partial addresses."""

import pytest

from hotline.lookup import phone_in_query, query_parse
from hotline.selectors import caller_search
from tests.factories import CustomerFactory, CustomerPhoneFactory, PremiseFactory

from .conftest import PHONE


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("0763-228 1234", "07632281234"),
        ("+86 763 228 1234", "07632281234"),
        ("call me", ""),
    ],
    ids=["plain", "spaces", "dashes", "plus-86", "0086", "landline", "plus-86-landline", "words"],
)
def test_every_dialled_form_reads_as_the_one_stored_number(raw, phone):
    assert query_parse(raw).phone == phone


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("+86 138 0013 8000", "13800138000"),
        ("0763-2281234", "07632281234"),
        ("0086 20 8888 1234", "02088881234"),
        ("441800000123", ""),  # a meter number
        ("0318000001", ""),  # an account number
        ("7632281234", ""),  # a landline without its 0 reads as a meter number just as well
        ("和平北路", ""),
    ],
)
def test_only_a_real_phone_in_the_query_fills_the_callers_number(raw, phone):
    assert phone_in_query(raw) == phone


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "0086 13800138000",
        "8613800138000",
    ],
    ids=["plain", "spaces", "dashes", "plus-86-spaced", "plus-86", "0086", "86"],
)
def test_a_phone_in_any_dialled_form_finds_the_customer(typed, customer):
    (match,) = caller_search(text=typed).matches

    assert (match.customer, match.matched_by, match.exact) == (customer, "phone", True)


def test_a_landline_dialled_with_the_country_code_finds_the_customer(customer):
    (match,) = caller_search(text="+86 763 228 1234").matches

    assert match.customer == customer


def test_account_number_finds_the_customer(customer, home):
    (match,) = caller_search(text="0318000001").matches

    assert (match.customer, match.matched_by, match.exact) == (customer, "account", True)


def test_meter_number_finds_the_customer_and_marks_the_premise(customer, home, shop):
    (match,) = caller_search(text="441800000456").matches

    assert (match.customer, match.matched_by) == (customer, "meter")
    assert match.premise_ids == {shop.pk}
    assert match.premises[0] == shop  # the matching premise first


def test_part_of_an_address_finds_the_customer(customer, home, shop):
    (match,) = caller_search(text="人民路7号").matches

    assert (match.customer, match.matched_by, match.exact) == (customer, "address", False)
    assert match.premise_ids == {shop.pk}


def test_address_match_ignores_case_and_extra_spaces(db):
    premise = PremiseFactory(address="12 Riverside Road, Yangdong")

    (match,) = caller_search(text="  riverside   road ").matches

    assert match.customer == premise.customer


def test_the_start_of_a_number_finds_as_you_type(customer, home):
    other = CustomerFactory(account_no="0318999999")
    CustomerPhoneFactory(customer=other, number="13912345678")

    found = caller_search(text="1380013").matches

    assert [m.customer for m in found] == [customer]


@pytest.mark.parametrize("typed", ["+86 138 0013", "0086 1380013", "138-0013"])
def test_the_start_of_a_number_with_the_country_code_finds_as_you_type(typed, customer, home):
    other = CustomerFactory(account_no="0318999999")
    CustomerPhoneFactory(customer=other, number="13912345678")

    (match,) = caller_search(text=typed).matches

    assert (match.customer, match.matched_by, match.exact) == (customer, "phone", False)


def test_the_start_of_a_landline_with_the_country_code_finds_as_you_type(customer, home):
    (match,) = caller_search(text="+86 763 228").matches

    assert match.customer == customer


def test_too_short_a_start_matches_nothing_but_exact_numbers(customer, home):
    assert caller_search(text="138").matches == []
    assert caller_search(text="和").matches == []


def test_exact_matches_come_before_prefix_and_address_matches(db):
    exact = CustomerFactory(name="Zhang", account_no="4418")
    prefix = CustomerFactory(name="Al", account_no="44180001")
    by_meter = PremiseFactory(meter_no="441800000999").customer

    found = caller_search(text="4418").matches

    assert found[0].customer == exact
    assert {m.customer for m in found[1:]} == {prefix, by_meter}


def test_nothing_matches_an_unknown_caller(customer, home):
    assert caller_search(text="13999999999").matches == []
    assert caller_search(text="").matches == []


def test_results_carry_open_ticket_counts(customer, home):
    from tests.factories import ticket_create

    ticket_create(kind="repair", premise=home)
    ticket_create(kind="consultation", customer=customer)

    (match,) = caller_search(text=PHONE).matches

    assert match.customer.open_ticket_count == 2


@pytest.mark.parametrize("customers", [3, 60])
def test_lookup_query_count_does_not_grow_with_the_matches(
    customers, db, django_assert_max_num_queries
):
    for n in range(customers):
        customer = CustomerFactory(account_no=f"9900{n:06d}")
        CustomerPhoneFactory(customer=customer, number=f"1370000{n:04d}")
        PremiseFactory(customer=customer, address=f"和平北路{n}号")
        PremiseFactory(customer=customer, address=f"人民路{n}号")

    # Phones, accounts, meters, names, the premises' count and page; customers, their
    # premises, their phones.
    with django_assert_max_num_queries(9):
        by_phone = caller_search(text="1370000").matches
    with django_assert_max_num_queries(9):
        by_address = caller_search(text="和平北路").matches

    assert len(by_phone) == min(customers, 10)
    assert len(by_address) == min(customers, 10)
