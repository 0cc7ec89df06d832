"""A dispatcher declares a feeder incident on its page, restores one transformer of it from
the actions panel (refused beside the field without a cause, then done), and a supervisor
dismisses another incident as "not an outage" (DESIGN §3.10)."""

import pytest
from playwright.sync_api import expect

from repairs.models import Incident, IncidentPart
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import PASSWORD, FeederFactory, PremiseFactory, TransformerFactory
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def test_a_dispatcher_declares_a_feeder_incident_and_restores_it_in_parts(
    transactional_db, live_server, page, sign_in, shoot, dispatcher_north, station_north
):
    feeder = FeederFactory(station=station_north, code="YD01-F02")
    t1, t2 = (TransformerFactory(feeder=feeder, code=f"YD01-F02-T0{i}") for i in (1, 2))
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, dispatcher_north.username, PASSWORD)
    page.goto(f"{live_server.url}/repairs/notices/")
    page.get_by_role("link", name="Declare an incident").click()
    page.get_by_role("radio", name="Feeder").check()
    page.get_by_label("Transformer or feeder code").fill("YD01-F02")
    page.get_by_label("Note for the crew").fill("Breaker tripped at the substation")
    shoot(page, "incident-declare-1280")
    page.get_by_role("button", name="Declare and send a crew").click()

    expect(page.locator(".messages")).to_contain_text("declared on YD01-F02")
    incident = Incident.objects.get()
    assert incident.source == Incident.Source.DECLARED
    for transformer in (t1, t2):
        repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope=Scope.SELF_ONLY),
            actor=None,
        )
    page.reload()
    panel = page.locator("#incident-actions")
    panel.get_by_label("YD01-F02-T01").check()
    panel.get_by_role("button", name="Restore what is ticked").click()
    expect(panel.locator(".errorlist")).to_contain_text("Choose the cause.")
    expect(panel.get_by_label("YD01-F02-T01")).to_be_checked()  # the tick stays
    shoot(page, "incident-actions-refused-1280")

    panel.get_by_label("Cause").select_option("weather")
    panel.get_by_role("button", name="Restore what is ticked").click()

    expect(page.locator(".messages")).to_contain_text("power is back on YD01-F02-T01")
    expect(page.locator("#incident-actions")).not_to_contain_text("YD01-F02-T01: still out")
    expect(page.get_by_label("YD01-F02-T02")).to_be_visible()
    shoot(page, "incident-actions-part-restored-1280")
    assert IncidentPart.objects.get(transformer=t1).restored_at is not None
    assert dict(Ticket.objects.values_list("premise__transformer__code", "status")) == {
        "YD01-F02-T01": Ticket.Status.RESOLVED,
        "YD01-F02-T02": Ticket.Status.IN_PROGRESS,
    }
    # A refused form answers 422 by design, and Chromium logs every 4xx.
    assert [e for e in errors if "status of 422" not in e] == []


def test_a_supervisor_dismisses_an_incident_with_a_reason(
    transactional_db, live_server, page, sign_in, supervisor, station_north
):
    transformer = TransformerFactory(feeder=FeederFactory(station=station_north))
    for premise in PremiseFactory.create_batch(3, transformer=transformer):
        repair_create(premise=premise, answers=Answers(scope=Scope.NEIGHBOURS), actor=None)
    incident = Incident.objects.get()
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, supervisor.username, PASSWORD)
    page.goto(f"{live_server.url}/repairs/incidents/{incident.pk}/")
    page.get_by_text("Not an outage: dismiss it").click()
    page.get_by_role("button", name="Dismiss the incident").click()
    expect(page.locator("#incident-actions")).to_contain_text("Say why it is not an outage.")
    page.get_by_label("Why it is not an outage").fill("Only the street lights")
    page.get_by_role("button", name="Dismiss the incident").click()

    expect(page.locator(".messages")).to_contain_text("dispatched on its own")
    expect(page.locator("#incident-actions")).to_contain_text("nothing more to do")
    assert Incident.objects.get().status == Incident.Status.DISMISSED
