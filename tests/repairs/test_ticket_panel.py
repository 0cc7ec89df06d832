"""The ticket page shows a repair's triage, its work order and whether the crew arrived in time."""

from datetime import timedelta

from django.utils import timezone

from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.dispatch.steps import take_step
from tests.factories import PASSWORD, PremiseFactory


def test_repair_ticket_page_shows_triage_and_work_order_steps(
    client, supervisor, dispatcher_north, crew_north, station_north, django_assert_max_num_queries
):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    now = timezone.now() - timedelta(hours=1)
    created = repair_create(
        premise=premise,
        answers=Answers(scope="self_only", breaker="not_tripped", hazards=frozenset({"wire_down"})),
        actor=None,
        now=now,
    )
    order = created.work_order
    crew = crew_north.crew_membership.crew
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code},
                   now=now + timedelta(minutes=1))  # fmt: skip
    for minutes, action in [(2, "accept"), (3, "depart"), (50, "arrive")]:
        order = take_step(order=order, action=action, actor=crew_north,
                               now=now + timedelta(minutes=minutes))  # fmt: skip

    client.login(username=supervisor.username, password=PASSWORD)
    with django_assert_max_num_queries(12):
        page = client.get(created.ticket.get_absolute_url()).content.decode()

    assert "Emergency dispatch" in page
    assert "Wire down" in page
    assert f"Work order #{order.pk}" in page
    assert "Crew on site" in page  # the arrive event on the timeline
    assert ">late<" in page  # 50 minutes for an urban 45-minute promise
