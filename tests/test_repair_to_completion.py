"""Issue #4's promise end to end: a repair created through the API appears in its station's
queue, the dispatcher assigns it, the crew walks it to completion, and the ticket shows every
step with its time and whether the crew arrived in time."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from dispatch.models import WorkOrder
from tests.factories import PASSWORD, CrewFactory, PremiseFactory
from tickets.models import Ticket


def test_repair_from_the_api_to_a_completed_work_order(
    api, client, agent, dispatcher_north, crew_north, station_north
):
    premise = PremiseFactory(transformer__feeder__station=station_north, area_type="rural")
    CrewFactory(station=station_north, name="Spare crew")
    crew = crew_north.crew_membership.crew
    start = timezone.now().replace(microsecond=0)

    with time_machine.travel(start, tick=False):
        api.force_authenticate(agent)
        created = api.post(
            "/api/v1/repairs/",
            {
                "meter_no": premise.meter_no,
                "caller_phone": "13800001234",
                "scope": "neighbours",
                "breaker": "not_tripped",
            },
            format="json",
        ).data
    assert created["outcome"] == "dispatch"
    order = WorkOrder.objects.get(pk=created["work_order"])
    number = created["number"]

    client.login(username=dispatcher_north.username, password=PASSWORD)
    queue = client.get("/dispatch/").content.decode()
    assert number in queue
    client.post(f"/dispatch/work-orders/{order.pk}/assign/", {"crew": crew.code})

    client.login(username=crew_north.username, password=PASSWORD)
    assert number in client.get("/dispatch/crew/").content.decode()
    # A rural premise: 90 minutes to be on site; the crew arrives after 80.
    for minutes, step in [(2, "accept"), (5, "depart"), (80, "arrive")]:
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.post(f"/dispatch/work-orders/{order.pk}/{step}/").status_code == 302
    with time_machine.travel(start + timedelta(minutes=150), tick=False):
        client.post(
            f"/dispatch/work-orders/{order.pk}/complete/",
            {"cause": "service_line", "actions": "Re-made the service line joint."},
        )

    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    assert order.arrived_in_time is True
    assert Ticket.objects.get(number=number).status == Ticket.Status.RESOLVED

    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/tickets/{number}/").content.decode()
    for label in ["Dispatched to the station", "Crew assigned", "Crew accepted",
                  "Crew on the way", "Crew on site", "Work completed", "Resolved"]:  # fmt: skip
        assert label in page
    assert ">in time<" in page
    arrived = timezone.localtime(start + timedelta(minutes=80)).strftime("%Y-%m-%d %H:%M")
    assert arrived in page
