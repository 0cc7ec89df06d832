"""The crew loop (DESIGN §3.10): a crew's list open on a phone learns of an order assigned to
it without a reload, card and bell both; the queue shows the caller's words and the hazards."""

import pytest
from playwright.sync_api import expect

from dispatch.models import CauseCode
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.dispatch.steps import take_step
from tests.factories import PASSWORD, PremiseFactory

pytestmark = pytest.mark.browser

WORDS = "The wire on the pole by the door fell down and is still sparking"


def repair(agent, station, **answers):
    premise = PremiseFactory(
        transformer__feeder__station=station, address="12 Orchard Lane, North district"
    )
    created = repair_create(
        premise=premise,
        answers=Answers(**answers),
        actor=agent,
        caller_phone="13812345678",
        description=WORDS,
    )
    return created.work_order


def test_an_order_assigned_to_the_crew_appears_on_its_open_list_and_rings_its_bell(
    transactional_db, live_server, page, sign_in, shoot, settings, agent, crew_north,
    dispatcher_north, station_north,
):  # fmt: skip
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True
    settings.GRIDLINE_CREW_LIST_POLL_SECONDS = 1
    settings.GRIDLINE_BELL_POLL_SECONDS = 1
    CauseCode.objects.get_or_create(code="overload", defaults={"name": "Overload"})
    waiting = repair(
        agent,
        station_north,
        scope="self_only",
        breaker="tripped_no_reset",
        high_power_load=True,
        equipment_in_use="Electric heater",
        hazards=frozenset({"wire_down"}),
    )
    crew = crew_north.crew_membership.crew
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "crew_north", PASSWORD)
    page.goto(f"{live_server.url}/dispatch/crew/")
    card = page.locator(".wo-card", has_text=f"#{waiting.pk}")
    expect(card.locator(".wo-status")).to_have_text("Waiting for a crew")
    expect(page.locator(".bell-count")).to_have_count(0)
    page.evaluate("window.notReloaded = true")

    take_step(order=waiting, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    second = repair(agent, station_north, scope="self_only", breaker="not_tripped")
    take_step(order=second, action="assign", actor=dispatcher_north, data={"crew": crew.code})

    expect(card.locator(".wo-status")).to_have_text("Assigned", timeout=5000)
    expect(page.locator(".wo-card", has_text=f"#{second.pk}")).to_be_visible(timeout=5000)
    expect(page.locator(".bell-count")).to_contain_text("2", timeout=5000)
    assert page.evaluate("window.notReloaded") is True
    expect(card.get_by_text(WORDS)).to_be_visible()
    expect(card.get_by_text("Wire down")).to_be_visible()
    expect(card.get_by_text("Likely overload")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "crew-loop-list-390")

    # A dispatcher takes one back: it leaves the list, and the bell rings again.
    take_step(order=second, action="return", actor=dispatcher_north, data={"reason": "Storm"})
    expect(page.locator(".wo-card", has_text=f"#{second.pk}")).to_have_count(0, timeout=5000)
    expect(page.locator(".bell-count")).to_contain_text("3", timeout=5000)
    assert page.evaluate("window.notReloaded") is True


def test_the_queue_shows_the_callers_words_and_the_hazards(
    transactional_db, live_server, page, sign_in, shoot, agent, dispatcher_north, station_north
):
    order = repair(
        agent,
        station_north,
        scope="self_only",
        breaker="tripped_no_reset",
        high_power_load=True,
        equipment_in_use="Electric heater",
        hazards=frozenset({"wire_down", "fire_smoke"}),
    )
    repair(agent, station_north, scope="self_only", breaker="not_tripped")
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in(page, "dispatcher_north", PASSWORD)
    page.goto(f"{live_server.url}/dispatch/")
    row = page.locator(f"#work-order-{order.pk}")
    expect(row.get_by_text(WORDS)).to_be_visible()
    expect(row.get_by_text("Wire down")).to_be_visible()
    expect(row.get_by_text("Fire or smoke")).to_be_visible()
    expect(row.get_by_text("Likely overload")).to_be_visible()
    shoot(page, "crew-loop-queue-1280")
