"""The station queue and the crew's pages: scope, steps through the browser forms, budgets."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dispatch.models import WorkOrder
from tests.dispatch.steps import take_step
from tests.factories import (
    CrewFactory,
    PremiseFactory,
    UserFactory,
    ticket_create,
    work_order_create,
)
from tickets.models import Ticket, TimelineEvent

W = WorkOrder.Status
PHONE = "13812345678"
MASKED = "138****5678"


@pytest.fixture
def north_order(station_north):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    ticket = ticket_create(kind="repair", premise=premise, caller_phone=PHONE)
    return work_order_create(ticket=ticket, premise=premise, brief="Whole street dark")


@pytest.fixture
def south_order(station_south):
    return work_order_create(station=station_south, brief="South fault")


@pytest.fixture
def crew_of_north(crew_north):
    return crew_north.crew_membership.crew


def assign(order, crew, actor):
    return take_step(order=order, action="assign", actor=actor, data={"crew": crew.code})


def snapshot(order):
    order.refresh_from_db()
    events = TimelineEvent.objects.filter(ticket_id=order.ticket_id).count()
    return (order.status, order.crew_id, order.updated_at, events)


# --- Station queue ----------------------------------------------------------


def test_queue_shows_the_dispatchers_station_only(
    client, dispatcher_north, north_order, south_order
):
    client.force_login(dispatcher_north)

    response = client.get(reverse("dispatch:queue"))

    assert response.status_code == 200
    orders = list(response.context["page"].object_list)
    assert orders == [north_order]
    assert north_order.ticket.number in response.text
    assert "South fault" not in response.text


def test_queue_filters_by_status(client, dispatcher_north, station_north, crew_of_north):
    pending = work_order_create(station=station_north)
    assigned = assign(work_order_create(station=station_north), crew_of_north, dispatcher_north)
    client.force_login(dispatcher_north)

    response = client.get(reverse("dispatch:queue"), {"status": W.ASSIGNED})

    assert [row.order.pk for row in response.context["rows"]] == [assigned.pk]
    assert pending.pk not in [row.order.pk for row in response.context["rows"]]


def test_supervisor_sees_every_station_and_filters_by_one(
    client, supervisor, north_order, south_order
):
    client.force_login(supervisor)

    everything = client.get(reverse("dispatch:queue"))
    south_only = client.get(reverse("dispatch:queue"), {"station": "S01"})

    assert {row.order.pk for row in everything.context["rows"]} == {north_order.pk, south_order.pk}
    assert [row.order.pk for row in south_only.context["rows"]] == [south_order.pk]


def test_queue_is_sorted_by_arrival_deadline_and_marks_overdue_and_important(
    client, dispatcher_north, station_north
):
    now = timezone.now()
    later = work_order_create(station=station_north, arrive_by=now + timedelta(minutes=40))
    late = work_order_create(station=station_north, arrive_by=now - timedelta(minutes=5))
    vip = work_order_create(
        station=station_north, arrive_by=now + timedelta(minutes=10), important=True
    )
    client.force_login(dispatcher_north)

    response = client.get(reverse("dispatch:queue"))

    rows = response.context["rows"]
    assert [row.order.pk for row in rows] == [late.pk, vip.pk, later.pk]
    assert [row.countdown.overdue for row in rows] == [True, False, False]
    html = response.text
    assert f'id="work-order-{late.pk}" class="queue-row is-overdue"' in html
    assert f'id="work-order-{vip.pk}" class="queue-row is-important"' in html
    assert "overdue" in rows[0].countdown.text


def test_queue_refresh_returns_the_table_body_alone(client, dispatcher_north, north_order):
    client.force_login(dispatcher_north)

    response = client.get(reverse("dispatch:queue"), {"status": ""}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<tbody" not in response.text
    assert "<html" not in response.text
    assert f'id="work-order-{north_order.pk}"' in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.CREW, Role.HANDLER, Role.MANAGER])
def test_queue_is_forbidden_to_other_roles(db, client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse("dispatch:queue")).status_code == 403


def test_agent_cannot_assign(client, agent, north_order, crew_of_north):
    before = snapshot(north_order)
    client.force_login(agent)

    response = client.post(
        reverse("dispatch:assign", args=[north_order.pk]), {"crew": crew_of_north.code}
    )

    assert response.status_code == 403
    assert snapshot(north_order) == before


def test_assign_via_htmx_returns_the_row_with_the_crew(
    client, dispatcher_north, north_order, crew_of_north
):
    client.force_login(dispatcher_north)

    response = client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": crew_of_north.code, "next": "/dispatch/?status=pending"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<tr")
    assert f'<option value="{crew_of_north.code}" selected>' in response.text
    assert 'value="/dispatch/?status=pending"' in response.text
    north_order.refresh_from_db()
    assert (north_order.status, north_order.crew) == (W.ASSIGNED, crew_of_north)
    assert north_order.ticket.events.filter(kind="assign").count() == 1


def test_bad_assign_via_htmx_answers_422_with_the_message(
    client, dispatcher_north, north_order, station_north
):
    off_duty = CrewFactory(station=station_north, name="Night crew", on_duty=False)
    before = snapshot(north_order)
    client.force_login(dispatcher_north)

    response = client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": off_duty.code},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "Crew Night crew is off duty." in response.text
    assert 'role="alert"' in response.text
    assert snapshot(north_order) == before


def test_reassign_once_the_crew_is_on_site_answers_422_row_with_the_reason(
    client, dispatcher_north, crew_north, north_order, crew_of_north, station_north
):
    order = assign(north_order, crew_of_north, dispatcher_north)
    for action in ("accept", "depart", "arrive"):
        order = take_step(order=order, action=action, actor=crew_north)
    other = CrewFactory(station=station_north)
    before = snapshot(north_order)
    client.force_login(dispatcher_north)

    response = client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": other.code},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert re.search(r'class="row-error" role="alert">[^<]*On site', response.text)
    assert snapshot(north_order) == before


def test_reassign_to_the_same_crew_leaves_an_en_route_order_alone(
    client, dispatcher_north, crew_north, north_order, crew_of_north
):
    order = assign(north_order, crew_of_north, dispatcher_north)
    for action in ("accept", "depart"):
        order = take_step(order=order, action=action, actor=crew_north)
    client.force_login(dispatcher_north)

    client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": crew_of_north.code},
        headers={"HX-Request": "true"},
    )

    north_order.refresh_from_db()
    assert north_order.status == W.EN_ROUTE


def test_assign_of_another_stations_crew_is_refused(
    client, dispatcher_north, north_order, station_south
):
    south_crew = CrewFactory(station=station_south)
    before = snapshot(north_order)
    client.force_login(dispatcher_north)

    response = client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": south_crew.code},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert snapshot(north_order) == before


def test_assign_without_js_redirects_back_with_a_message(
    client, dispatcher_north, north_order, crew_of_north
):
    client.force_login(dispatcher_north)
    back = reverse("dispatch:queue") + "?status=pending&page=1"

    response = client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": crew_of_north.code, "next": back},
        follow=True,
    )

    assert response.redirect_chain == [(back, 302)]
    assert "assigned to" in response.text
    north_order.refresh_from_db()
    assert north_order.crew == crew_of_north


def test_assign_ignores_a_next_url_off_the_site(
    client, dispatcher_north, north_order, crew_of_north
):
    client.force_login(dispatcher_north)

    response = client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": crew_of_north.code, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("dispatch:queue")


def test_dispatcher_south_gets_404_for_norths_order_and_changes_nothing(
    client, dispatcher_south, north_order, crew_of_north
):
    before = snapshot(north_order)
    client.force_login(dispatcher_south)

    page = client.get(north_order.get_absolute_url())
    assign_post = client.post(
        reverse("dispatch:assign", args=[north_order.pk]),
        {"crew": crew_of_north.code},
        headers={"HX-Request": "true"},
    )
    cancel_post = client.post(
        reverse("dispatch:action", args=[north_order.pk, "cancel"]), {"reason": "mine now"}
    )

    assert (page.status_code, assign_post.status_code, cancel_post.status_code) == (404, 404, 404)
    assert snapshot(north_order) == before


# --- Crew pages ---------------------------------------------------------------


def test_crew_cannot_act_on_a_south_order(client, crew_north, south_order):
    before = snapshot(south_order)
    client.force_login(crew_north)

    page = client.get(south_order.get_absolute_url())
    accept = client.post(reverse("dispatch:action", args=[south_order.pk, "accept"]))

    assert (page.status_code, accept.status_code) == (404, 404)
    assert snapshot(south_order) == before


def test_crew_list_is_for_crews(client, dispatcher_north):
    client.force_login(dispatcher_north)

    assert client.get(reverse("dispatch:crew")).status_code == 403


def test_unknown_step_is_404(client, crew_north, north_order):
    client.force_login(crew_north)

    response = client.post(reverse("dispatch:action", args=[north_order.pk, "explode"]))

    assert response.status_code == 404


def test_crew_walks_the_order_to_completion_and_the_ticket_is_resolved(
    client, crew_north, dispatcher_north, north_order, crew_of_north
):
    assign(north_order, crew_of_north, dispatcher_north)
    client.force_login(crew_north)
    url = north_order.get_absolute_url()

    for action, label in [("accept", "Accept"), ("depart", "Depart"), ("arrive", "Arrive")]:
        page = client.get(url)
        assert f'action="/dispatch/work-orders/{north_order.pk}/{action}/"' in page.text
        assert f">{label}</button>" in page.text
        response = client.post(reverse("dispatch:action", args=[north_order.pk, action]))
        assert response.status_code == 302
        assert response["Location"] == url
    page = client.get(url)
    assert 'name="cause"' in page.text
    assert "Transformer fuse" in page.text
    response = client.post(
        reverse("dispatch:action", args=[north_order.pk, "complete"]),
        {"cause": "transformer_fuse", "actions": "Replaced the fuse."},
        follow=True,
    )

    assert response.status_code == 200
    assert f"Work order {north_order.pk} completed." in response.text
    north_order.refresh_from_db()
    assert north_order.status == W.COMPLETED
    assert north_order.cause.code == "transformer_fuse"
    assert north_order.actions == "Replaced the fuse."
    assert north_order.arrived_in_time is True
    assert north_order.ticket.status == Ticket.Status.RESOLVED
    kinds = list(north_order.ticket.events.values_list("kind", flat=True))
    assert kinds[-5:] == ["accept", "depart", "arrive", "complete", "resolve"]
    assert "in time" in response.text


def test_complete_without_cause_rerenders_with_the_error_and_writes_nothing(
    client, crew_north, dispatcher_north, north_order, crew_of_north
):
    order = assign(north_order, crew_of_north, dispatcher_north)
    for action in ("accept", "depart", "arrive"):
        order = take_step(order=order, action=action, actor=crew_north)
    before = snapshot(north_order)
    client.force_login(crew_north)

    response = client.post(
        reverse("dispatch:action", args=[north_order.pk, "complete"]),
        {"cause": "", "actions": "Replaced the fuse."},
    )

    assert response.status_code == 422
    assert 'id="cause-error">Choose the cause.</p>' in response.text
    # What the crew typed is kept.
    assert "Replaced the fuse.</textarea>" in response.text
    assert snapshot(north_order) == before
    assert north_order.ticket.status != Ticket.Status.RESOLVED


def test_a_step_the_state_does_not_allow_answers_409_with_a_message(
    client, crew_north, dispatcher_north, north_order, crew_of_north
):
    assign(north_order, crew_of_north, dispatcher_north)
    before = snapshot(north_order)
    client.force_login(crew_north)

    response = client.post(reverse("dispatch:action", args=[north_order.pk, "arrive"]))

    assert response.status_code == 409
    assert re.search(r'class="message error" role="alert">[^<]*Assigned', response.text)
    assert snapshot(north_order) == before


def test_crew_returns_an_order_with_a_reason_and_goes_back_to_its_list(
    client, crew_north, dispatcher_north, north_order, crew_of_north
):
    assign(north_order, crew_of_north, dispatcher_north)
    client.force_login(crew_north)

    missing = client.post(reverse("dispatch:action", args=[north_order.pk, "return"]))
    done = client.post(
        reverse("dispatch:action", args=[north_order.pk, "return"]), {"reason": "Truck broke down"}
    )

    assert missing.status_code == 422
    assert "Give the reason." in missing.text
    assert done["Location"] == reverse("dispatch:crew")
    north_order.refresh_from_db()
    assert (north_order.status, north_order.crew, north_order.return_reason) == (
        W.RETURNED,
        None,
        "Truck broke down",
    )


def test_dispatcher_cancels_from_the_order_page(client, dispatcher_north, north_order):
    client.force_login(dispatcher_north)

    page = client.get(north_order.get_absolute_url())
    response = client.post(
        reverse("dispatch:action", args=[north_order.pk, "cancel"]), {"reason": "Duplicate"}
    )

    assert f'action="/dispatch/work-orders/{north_order.pk}/cancel/"' in page.text
    assert "big-button" not in page.text  # no crew step for a dispatcher
    assert response["Location"] == north_order.get_absolute_url()
    north_order.refresh_from_db()
    assert north_order.status == W.CANCELLED


def test_phone_is_full_for_the_assigned_crew_and_masked_for_the_dispatcher(
    client, crew_north, dispatcher_north, north_order, crew_of_north
):
    assign(north_order, crew_of_north, dispatcher_north)

    client.force_login(crew_north)
    crew_list = client.get(reverse("dispatch:crew"))
    crew_page = client.get(north_order.get_absolute_url())
    client.force_login(dispatcher_north)
    dispatcher_page = client.get(north_order.get_absolute_url())

    for response in (crew_list, crew_page):
        assert f'href="tel:{PHONE}"' in response.text
    assert PHONE not in dispatcher_page.text
    assert MASKED in dispatcher_page.text
    assert "tel:" not in dispatcher_page.text


def test_phone_is_masked_for_a_crew_the_order_is_not_assigned_to(client, crew_north, north_order):
    client.force_login(crew_north)

    response = client.get(reverse("dispatch:crew"))

    assert north_order.pk in [card.order.pk for card in response.context["cards"]]
    assert MASKED in response.text
    assert PHONE not in response.text


def test_crew_list_shows_hazards_and_the_time_left(client, crew_north, station_north):
    work_order_create(station=station_north, hazards=["wire_down"], important=True)
    client.force_login(crew_north)

    response = client.get(reverse("dispatch:crew"))

    assert "Wire down" in response.text
    assert "left</span>" in response.text
    assert 'class="marker marker-important"' in response.text


# --- Query budgets ----------------------------------------------------------


def make_orders(station, crew, dispatcher, n):
    for i in range(n):
        order = work_order_create(station=station)
        if i % 2:
            assign(order, crew, dispatcher)


@pytest.mark.parametrize("n", [3, 30])
def test_queue_query_count_does_not_grow_with_the_orders(
    client, django_assert_max_num_queries, dispatcher_north, station_north, crew_of_north, n
):
    make_orders(station_north, crew_of_north, dispatcher_north, n)
    CrewFactory(station=station_north)
    client.force_login(dispatcher_north)

    # Session, user, count, page of orders (with their stations, crews and causes), crews of
    # the stations, the station name, the bell.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dispatch:queue"))

    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [3, 30])
def test_supervisor_queue_query_count_does_not_grow_with_the_orders(
    client, django_assert_max_num_queries, supervisor, dispatcher_north, station_north,
    station_south, crew_of_north, n,
):  # fmt: skip
    make_orders(station_north, crew_of_north, dispatcher_north, n)
    work_order_create(station=station_south)
    client.force_login(supervisor)

    # Session, user, count, page of orders (with their stations, crews and causes), crews of
    # the stations, the station filter, the bell.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dispatch:queue"))

    assert len(response.context["rows"]) == n + 1


@pytest.mark.parametrize("n", [3, 30])
def test_crew_list_query_count_does_not_grow_with_the_orders(
    client, django_assert_max_num_queries, crew_north, dispatcher_north, station_north,
    crew_of_north, n,
):  # fmt: skip
    make_orders(station_north, crew_of_north, dispatcher_north, n)
    client.force_login(crew_north)

    # Session, user, crew membership, orders (with their stations, crews, causes), the bell.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("dispatch:crew"))

    assert len(response.context["cards"]) == n


def test_queue_paginates_by_50(client, dispatcher_north, station_north):
    for _ in range(51):
        work_order_create(station=station_north, ticket=False)
    client.force_login(dispatcher_north)

    first = client.get(reverse("dispatch:queue"))
    second = client.get(reverse("dispatch:queue"), {"page": 2})

    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 1)
    assert "Page 1 of 2" in first.text
