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


# --- Reporting a fault ----------------------------------------------------------------------


def test_a_hazard_report_dispatches_at_once_on_the_web_channel_with_the_safety_advice_first(
    client,
):
    from repairs.models import Repair
    from repairs.scripts import SAFETY_ADVICE
    from tickets.models import Channel

    customer = CustomerFactory()
    premise = PremiseFactory(customer=customer)
    sign_in(client, customer)

    response = client.post(
        "/self/fault/",
        {"meter_no": premise.meter_no, "hazards": ["wire_down"], "scope": "self_only"},
    )

    assert response.status_code == 200
    repair = Repair.objects.select_related("ticket").get()
    assert repair.outcome == "emergency_dispatch"
    assert repair.ticket.channel == Channel.WEB
    assert repair.ticket.priority == "urgent"
    assert repair.ticket.created_by is None
    body = response.content.decode()
    assert body.index(str(SAFETY_ADVICE["wire_down"])) < body.index(repair.ticket.number)


def test_a_report_under_a_known_incident_attaches_to_it(client):
    from repairs.models import Repair

    customer = CustomerFactory()
    premise = PremiseFactory(customer=customer)
    for _n in range(3):
        incident = repair_create(
            premise=PremiseFactory(transformer=premise.transformer),
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
        ).incident
    sign_in(client, customer)

    response = client.post("/self/fault/", {"meter_no": premise.meter_no, "scope": "neighbours"})

    repair = Repair.objects.get(ticket__premise=premise)
    assert repair.outcome == "known_incident"
    assert repair.incident == incident
    assert "We know about the power cut in your area" in response.content.decode()


def test_a_fault_at_someone_elses_premise_is_refused_and_nothing_is_recorded(client):
    from tickets.models import Ticket

    customer = CustomerFactory()
    PremiseFactory(customer=customer)
    sign_in(client, customer)

    response = client.post("/self/fault/", {"meter_no": PremiseFactory().meter_no})

    assert response.status_code == 422
    assert Ticket.objects.count() == 0


def test_the_fault_page_keeps_its_queries(client, django_assert_max_num_queries):
    customer = CustomerFactory()
    for _n in range(5):
        PremiseFactory(customer=customer)
    sign_in(client, customer)

    with django_assert_max_num_queries(4):
        assert client.get("/self/fault/").status_code == 200
