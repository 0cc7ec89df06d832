"""The data migrations that rewrite stored phones in the one form of DESIGN §3.8."""

from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from grid.models import CustomerPhone
from hotline.models import Call
from tests.factories import CustomerFactory, CustomerPhoneFactory, UserFactory, ticket_create
from tickets.models import Ticket

GRID = import_module("grid.migrations.0002_canonical_phones")
TICKETS = import_module("tickets.migrations.0009_canonical_phones")
HOTLINE = import_module("hotline.migrations.0004_canonical_phones")


@pytest.mark.parametrize(
    ("stored", "canonical"),
    [
        ("13800138000", None),
        ("8613800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("07632281234", None),
        ("867632281234", "07632281234"),
        ("00862088881234", "02088881234"),
        ("0014155552671", "+14155552671"),
        ("14155552671", None),  # +1 lost its plus: it could be anything
        ("2281234", None),  # a local number without its area code
        ("n/a", None),
    ],
)
def test_only_numbers_in_an_old_form_are_rewritten(stored, canonical):
    expected = {stored: canonical} if canonical else {}

    assert GRID.rewrites([stored]) == expected


@pytest.mark.django_db
def test_customer_phones_are_rewritten_and_two_forms_of_one_number_collapse():
    both = CustomerFactory(account_no="A1")
    CustomerPhoneFactory(customer=both, number="8613800138000")
    kept = CustomerPhoneFactory(customer=both, number="13800138000")
    twice = CustomerFactory(account_no="A2")
    older = CustomerPhoneFactory(customer=twice, number="8613900000000")
    CustomerPhoneFactory(customer=twice, number="008613900000000")
    landline = CustomerPhoneFactory(customer=twice, number="867632281234")
    other = CustomerFactory(account_no="A3")
    shared = CustomerPhoneFactory(customer=other, number="008613800138000")
    unparsed = CustomerPhoneFactory(customer=other, number="2281234")

    GRID.rewrite_customer_phones(apps, None)

    assert sorted(CustomerPhone.objects.values_list("customer__account_no", "pk", "number")) == [
        ("A1", kept.pk, "13800138000"),
        ("A2", older.pk, "13900000000"),
        ("A2", landline.pk, "07632281234"),
        ("A3", shared.pk, "13800138000"),
        ("A3", unparsed.pk, "2281234"),
    ]


@pytest.mark.django_db
def test_ticket_and_call_caller_phones_are_rewritten():
    agent = UserFactory(username="agent")
    now = timezone.now()
    for phone in ["8613800138000", "008613800138000", "13800138000", "2281234", ""]:
        ticket_create(caller_phone=phone)
        Call.objects.create(agent=agent, caller_phone=phone, started_at=now, ended_at=now)

    TICKETS.rewrite_caller_phones(apps, None)
    HOTLINE.rewrite_caller_phones(apps, None)

    expected = ["13800138000", "13800138000", "13800138000", "2281234", ""]
    assert list(Ticket.objects.order_by("pk").values_list("caller_phone", flat=True)) == expected
    assert list(Call.objects.order_by("pk").values_list("caller_phone", flat=True)) == expected
