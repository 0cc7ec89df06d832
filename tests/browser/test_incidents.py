"""The incident workbench in the browser (DESIGN §3.10): the dispatcher sets the ETR on the
incident's page, the crew moves it from its phone, and the agent reads it with the crew's
stage in the console's banner."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grid.models import CustomerPhone
from repairs.models import Incident
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    FeederFactory,
    PremiseFactory,
    TransformerFactory,
)
from tickets.models import OutboxMessage

pytestmark = pytest.mark.browser

PHONE = "13800138000"


def incident_with_callers(station):
    transformer = TransformerFactory(code="YD01-T0315", feeder=FeederFactory(station=station))
    customer = CustomerFactory(name="李建华")
    CustomerPhone.objects.create(customer=customer, number=PHONE)
    premises = [PremiseFactory(transformer=transformer, customer=customer, address="8 Elm Row")]
    premises += PremiseFactory.create_batch(2, transformer=transformer)
    made = None
    for i, premise in enumerate(premises):
        made = repair_create(
            premise=premise,
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
            caller_phone=PHONE if i == 0 else f"1390000000{i}",
        )
    assert made.incident is not None
    return made.incident


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_dispatcher_declares_an_incident_sets_its_etr_and_the_agent_reads_it(
    transactional_db, live_server, page, sign_in, shoot, dispatcher_north, agent, station_north
):
    """DESIGN §3.10: declared before anyone calls, then the first caller hears the ETR."""
    transformer = TransformerFactory(code="YD01-T0315", feeder=FeederFactory(station=station_north))
    customer = CustomerFactory(name="李建华")
    CustomerPhone.objects.create(customer=customer, number=PHONE)
    PremiseFactory(transformer=transformer, customer=customer, address="8 Elm Row")
    PremiseFactory.create_batch(2, transformer=transformer)
    etr = (timezone.now() + timedelta(hours=4)).replace(second=0, microsecond=0)

    sign_in(page, "dispatcher_north", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()
    page.get_by_role("link", name="Declare an incident").click()
    page.get_by_label("Transformer or feeder code").fill("YD01-T0315")
    page.get_by_role("button", name="Declare and send a crew").click()

    incident = Incident.objects.get()
    expect(page).to_have_url(f"{live_server.url}{incident.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("YD01-T0315")
    expect(page.locator(".etr-history")).to_contain_text("default from the rules")
    page.get_by_label("Move the estimated restoration").fill(local_input(etr))
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".message")).to_contain_text("Estimated restoration saved.")
    expect(page.locator(".etr-now")).to_contain_text(local_input(etr).replace("T", " "))
    expect(page.locator(".etr-history li").first).to_contain_text("callers texted")
    # Declared: every premise under the transformer hears the estimate (the one phone here).
    texted = OutboxMessage.objects.filter(dedup_key__startswith=f"incident:{incident.pk}:etr:")
    assert list(texted.values_list("recipient", flat=True)) == [PHONE]
    shoot(page, "incident-detail-1280")

    page.context.clear_cookies()
    sign_in(page, "agent", PASSWORD)
    page.goto(f"{live_server.url}/console/")
    page.get_by_label("Phone, account number, meter number or address").fill(PHONE)
    page.locator("#results [data-result]").first.click()
    banner = page.locator(".banner-incident")
    expect(banner).to_contain_text(f"incident #{incident.pk}")
    at = timezone.localtime(etr).strftime("%H:%M")
    expect(banner.locator(".banner-facts")).to_contain_text(at)
    expect(banner.locator(".banner-facts")).to_contain_text("Reported, no crew yet")
    # What the caller hears: in the customer language, with the ETR, and no device code.
    script = banner.locator(".banner-script")
    expect(script).to_contain_text(at)
    expect(script).not_to_contain_text("YD01")
    shoot(page, "incident-console-banner-1280")


def test_the_crew_moves_the_etr_from_its_phone(
    transactional_db, live_server, page, sign_in, shoot, crew_north, station_north
):
    incident = incident_with_callers(station_north)
    page.set_viewport_size({"width": 390, "height": 844})
    etr = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)

    sign_in(page, "crew_north", PASSWORD)
    page.goto(f"{live_server.url}{incident.work_order.get_absolute_url()}")
    panel = page.locator(".incident-panel")
    expect(panel).to_contain_text(f"Incident #{incident.pk}")
    panel.get_by_label("Move the estimated restoration").fill(local_input(etr))
    panel.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}{incident.work_order.get_absolute_url()}")
    expect(page.locator(".incident-panel .etr-now")).to_contain_text(
        timezone.localtime(etr).strftime("%m-%d %H:%M")
    )
    assert Incident.objects.get(pk=incident.pk).etr == etr
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    shoot(page, "incident-order-crew-390")
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    shoot(page, "incident-detail-crew-390")
