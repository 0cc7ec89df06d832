"""Query budgets of the console's pages, at two data sizes (the card: 3 and 300 tickets)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline import services
from tests.factories import CustomerFactory, CustomerPhoneFactory, PremiseFactory, ticket_create
from tickets.services import deadline_open, ticket_transition

from .conftest import PHONE


@pytest.mark.parametrize("tickets", [3, 300])
def test_call_page_query_count_is_the_same_for_3_and_300_tickets(
    tickets, client, agent, call, home, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(tickets):
        ticket = ticket_create(kind="repair", premise=home, now=now - timedelta(minutes=n))
        deadline_open(ticket=ticket, name="arrive_by", starts_at=now, due_at=now)
        if n % 3 == 0:
            ticket_transition(ticket=ticket, action="resolve", actor=None)
    for _ in range(4):
        earlier = services.call_start(agent=agent, caller_phone=PHONE, customer=call.customer)
    call = services.call_start(agent=agent, caller_phone=PHONE, customer=earlier.customer)
    client.force_login(agent)

    # Session, user, unread notifications; the call and its links; the card (11: customer,
    # premises, phones, open tickets, deadlines, earlier tickets, calls, their tickets,
    # notices and incidents); what the agent recorded through other pages (2).
    with django_assert_max_num_queries(17):
        response = client.get(call.get_absolute_url())

    assert response.status_code == 200


@pytest.mark.parametrize("customers", [3, 60])
def test_search_query_count_does_not_grow_with_the_results(
    customers, client, agent, django_assert_max_num_queries
):
    for n in range(customers):
        customer = CustomerFactory(account_no=f"5500{n:06d}")
        CustomerPhoneFactory(customer=customer, number=f"1360000{n:04d}")
        PremiseFactory(customer=customer, address=f"和平北路{n}号")
    client.force_login(agent)

    # Session, user, the open call; the lookup (accounts, meters, names, the premises' count
    # and page; customers, premises, phones); the tickets found (tickets.search: the
    # customers and premises named, whether the words are common (PostgreSQL), the tickets).
    with django_assert_max_num_queries(15):
        response = client.get("/console/search/", {"q": "和平北路"})

    assert len(response.context["matches"]) == min(customers, 10)


@pytest.mark.parametrize("waiting", [3, 30])
def test_callback_queue_query_count_is_the_same_for_3_and_30_tickets(
    waiting, client, agent, django_assert_max_num_queries
):
    for n in range(waiting):
        kind = "repair" if n % 2 else "complaint"
        ticket = ticket_create(kind=kind, premise=PremiseFactory())
        ticket_transition(ticket=ticket, action="resolve", actor=None)
    client.force_login(agent)

    # Session, user, unread notifications; the page's count and its rows (with the
    # customer, premise and station joined; the count of unreachable tries is the ticket's).
    with django_assert_max_num_queries(5):
        response = client.get("/console/callbacks/")

    assert len(response.context["page"]) == waiting
