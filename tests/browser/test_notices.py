"""A supervisor publishes an outage notice in the browser; the ticket page shows a repair."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from repairs.models import OutageNotice
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.factories import PASSWORD, FeederFactory, PremiseFactory

pytestmark = pytest.mark.browser


def test_supervisor_publishes_a_late_notice(
    transactional_db, live_server, page, sign_in, shoot, supervisor, station_north
):
    feeder = FeederFactory(station=station_north, code="N01-F07")
    PremiseFactory(transformer__feeder=feeder, important=True, customer__name="County Hospital")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, supervisor.username, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outage notices").click()
    page.get_by_role("link", name="Publish a notice").click()
    page.get_by_label("Kind").select_option("temporary")
    page.get_by_label("Feeders").fill("N01-F07")
    start = timezone.localtime() + timedelta(hours=3)
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Reason (the customers read it)").fill("Replacing a broken cross-arm")
    shoot(page, "notice-form-1280")
    page.get_by_role("button", name="Publish and tell the customers").click()

    expect(page.get_by_text("Published with less notice than the rules ask")).to_be_visible()
    expect(page.get_by_text("County Hospital")).to_be_visible()
    assert OutageNotice.objects.get().late_notice
    shoot(page, "notice-published-1280")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outage notices").click()
    expect(page.get_by_text("Late notice")).to_be_visible()
    shoot(page, "notice-list-1280")


def test_repair_ticket_page(transactional_db, live_server, page, sign_in, shoot, agent):
    premise = PremiseFactory()
    created = repair_create(
        premise=premise,
        answers=Answers(
            scope="self_only",
            breaker="tripped_no_reset",
            high_power_load=True,
            equipment_in_use="electric water heater",
            fault_side="unknown",
        ),
        actor=agent,
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, agent.username, PASSWORD)
    page.goto(f"{live_server.url}{created.ticket.get_absolute_url()}")
    expect(page.get_by_text("Customer's side").first).to_be_visible()
    expect(page.get_by_text("Likely cause")).to_be_visible()
    shoot(page, "ticket-repair-1280")
