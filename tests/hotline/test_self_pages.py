"""The signed-in customer's pages (DESIGN §3.12): their premises' outages and their tickets."""

import pytest
from django.conf import settings

from hotline.selfservice.signin import SESSION_CUSTOMER, SESSION_SIGNED_IN_AT
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import CustomerFactory, PremiseFactory, ticket_create

pytestmark = pytest.mark.django_db


def sign_in(client, customer):
    """The session the code's check leaves (tests/hotline/test_self_sign_in.py walks it)."""
    from django.utils import timezone

    session = client.session
    session[SESSION_CUSTOMER] = customer.pk
    session[SESSION_SIGNED_IN_AT] = timezone.now().isoformat()
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_home_page_shows_only_the_customers_own_tickets_with_the_crew_stage(client):
    customer = CustomerFactory()
    premise = PremiseFactory(customer=customer)
    mine = repair_create(premise=premise, answers=Answers(scope=Scope.SELF_ONLY), actor=None)
    theirs = repair_create(premise=PremiseFactory(), answers=Answers(), actor=None)

    body = sign_in(client, customer).get("/self/").content.decode()

    assert mine.ticket.number in body
    assert theirs.ticket.number not in body
    assert "Reported, no crew yet" in body
    assert "The crew is expected by" in body


def test_the_home_page_keeps_its_queries_as_tickets_and_premises_grow(
    client, django_assert_max_num_queries
):
    customer = CustomerFactory()
    sign_in(client, customer)
    for size in (1, 12):
        for _n in range(size):
            premise = PremiseFactory(customer=customer)
            repair_create(premise=premise, answers=Answers(), actor=None)
            ticket_create(customer=customer)
        with django_assert_max_num_queries(10):
            response = client.get("/self/")
        assert response.status_code == 200


def test_the_tickets_paginate(client):
    customer = CustomerFactory()
    for _n in range(12):
        ticket_create(customer=customer)

    page_two = sign_in(client, customer).get("/self/?page=2")

    assert page_two.context["overview"].page.number == 2
    assert len(page_two.context["overview"].tickets) == 2
