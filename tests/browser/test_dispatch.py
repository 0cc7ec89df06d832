"""The dispatcher assigns in place; the crew walks an order on a phone."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import CauseCode, WorkOrder
from tests.dispatch.steps import take_step
from tests.factories import PASSWORD, CrewFactory, PremiseFactory, ticket_create, work_order_create
from tickets.models import Ticket

pytestmark = pytest.mark.browser

PHONE = "13812345678"


def repair_order(station, *, minutes_left=45, caller_phone=PHONE, **kwargs):
    premise = PremiseFactory(transformer__feeder__station=station)
    priority = kwargs.pop("priority", "normal")
    ticket = ticket_create(
        kind="repair", premise=premise, caller_phone=caller_phone, priority=priority
    )
    arrive_by = timezone.now() + timedelta(minutes=minutes_left)
    return work_order_create(ticket=ticket, premise=premise, arrive_by=arrive_by, **kwargs)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_dispatcher_assigns_a_crew_in_place(
    transactional_db, live_server, page, sign_in, shoot, dispatcher_north, station_north
):
    crew = CrewFactory(station=station_north, name="Line crew 1")
    CrewFactory(station=station_north, name="Line crew 2")
    CrewFactory(station=station_north, name="Night crew", on_duty=False)
    repair_order(station_north, minutes_left=-12, brief="No power since 9:00; neighbours too.")
    vip = repair_order(
        station_north,
        minutes_left=20,
        important=True,
        hazards=["wire_down"],
        priority="urgent",
        brief="Hospital annex: wire down across the car park entrance.",
    )
    order = repair_order(station_north, minutes_left=80, brief="Meter box sparks when it rains.")
    # No urge service yet: the count is what the queue shows, not what is tested here.
    Ticket.objects.filter(pk=vip.ticket_id).update(urge_count=2)
    take_step(order=vip, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    page.set_viewport_size({"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, "dispatcher_north", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Station queue").click()
    row = page.locator(f"#work-order-{order.pk}")
    expect(row).to_contain_text("left")
    shoot(page, "dispatch-queue-1280")
    page.evaluate("window.notReloaded = true")
    select = page.get_by_label(f"Crew for work order {order.pk}")
    select.focus()
    assert page.evaluate("gridlineQueueIdle()") is False  # the refresh waits
    select.select_option(label="Line crew 2")
    row.get_by_role("button", name="Assign", exact=True).click()

    expect(row.get_by_role("status")).to_contain_text("assigned to Line crew 2")
    expect(row.get_by_role("button", name="Reassign")).to_be_visible()
    expect(row).to_contain_text("Assigned")
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("gridlineQueueIdle()") is True
    order.refresh_from_db()
    assert (order.status, order.crew.name) == (WorkOrder.Status.ASSIGNED, "Line crew 2")
    shoot(page, "dispatch-queue-assigned-1280")
    assert errors == []


def test_crew_walks_an_order_to_completion_on_a_phone(
    transactional_db, live_server, page, sign_in, shoot, crew_north, dispatcher_north,
    station_north,
):  # fmt: skip
    # transactional_db flushes the rows the migration seeded.
    for code, name in [("transformer_fuse", "Transformer fuse"), ("overload", "Overload")]:
        CauseCode.objects.get_or_create(code=code, defaults={"name": name})
    crew = crew_north.crew_membership.crew
    order = repair_order(
        station_north,
        hazards=["wire_down", "flooding"],
        important=True,
        brief="Caller says a line is down by the school gate; water in the street.",
    )
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    repair_order(station_north, minutes_left=-3, brief="Whole building dark.")
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, "crew_north", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work orders").click()
    expect(page.get_by_role("heading", name="My work orders")).to_be_visible()
    expect(page.get_by_role("link", name=PHONE)).to_have_attribute("href", f"tel:{PHONE}")
    shoot(page, "dispatch-crew-list-390")
    assert no_horizontal_scroll(page)

    page.get_by_role("link", name=f"Open work order #{order.pk}").click()
    expect(page.get_by_role("heading", name=f"Work order {order.pk}")).to_be_visible()
    expect(page.get_by_text("Wire down")).to_be_visible()
    shoot(page, "dispatch-order-390")
    assert no_horizontal_scroll(page)
    steps = [
        ("Accept", f"Work order {order.pk} accepted."),
        ("Depart", f"Work order {order.pk}: on the way."),
        ("Arrive", f"Work order {order.pk}: on site."),
    ]
    for step, message in steps:
        button = page.get_by_role("button", name=step, exact=True)
        expect(button).to_be_visible()
        assert button.bounding_box()["height"] >= 48
        button.click()
        expect(page.get_by_text(message)).to_be_visible()
    page.get_by_label("Cause").select_option(label="Transformer fuse")
    page.get_by_label("What was done").fill("Replaced the transformer fuse; supply back at 10:40.")
    shoot(page, "dispatch-order-complete-form-390")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Complete", exact=True).click()

    expect(page.get_by_text(f"Work order {order.pk} completed.")).to_be_visible()
    expect(page.locator(".wo-card .wo-status")).to_have_text("Completed")
    expect(page.locator(".steps").get_by_text("in time")).to_be_visible()
    assert no_horizontal_scroll(page)
    shoot(page, "dispatch-order-completed-390")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    assert order.ticket.status == Ticket.Status.RESOLVED


def test_queue_refresh_waits_while_a_select_is_in_use_and_keeps_the_filter(
    transactional_db, live_server, page, sign_in, dispatcher_north, station_north
):
    crew = CrewFactory(station=station_north, name="Line crew 1")
    first = repair_order(station_north, minutes_left=20)
    second = repair_order(station_north, minutes_left=40)
    page.clock.install()
    sign_in(page, "dispatcher_north", PASSWORD)
    page.goto(f"{live_server.url}/dispatch/?status=pending")
    # The queue's own refreshes (the bell polls too).
    page.evaluate(
        "window.polls = 0;"
        "document.body.addEventListener('htmx:beforeRequest',"
        " (e) => { if (e.detail.elt.id === 'queue-rows') window.polls++; })"
    )
    select = page.get_by_label(f"Crew for work order {first.pk}")
    select.select_option(label="Line crew 1")  # chosen, not yet sent
    page.get_by_role("heading", name="Station queue").click()
    # Someone else assigns the second order: it leaves the "pending" filter.
    take_step(order=second, action="assign", actor=dispatcher_north, data={"crew": crew.code})

    page.clock.run_for(16_000)
    assert page.evaluate("window.polls") == 0  # paused: an unsent choice in the table
    expect(page.locator(f"#work-order-{second.pk}")).to_be_visible()

    select.select_option(value="")
    page.get_by_role("heading", name="Station queue").click()
    page.clock.run_for(16_000)

    expect(page.locator(f"#work-order-{second.pk}")).to_have_count(0)
    expect(page.locator(f"#work-order-{first.pk}")).to_be_visible()
    assert page.evaluate("window.polls") == 1


def test_queue_refresh_after_the_session_ends_goes_to_the_login_page(
    transactional_db, live_server, page, sign_in, dispatcher_north, station_north
):
    repair_order(station_north)
    page.clock.install()
    sign_in(page, "dispatcher_north", PASSWORD)
    page.goto(f"{live_server.url}/dispatch/")

    Session.objects.all().delete()
    page.clock.run_for(16_000)

    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/dispatch/")
    expect(page.locator("#queue")).to_have_count(0)
