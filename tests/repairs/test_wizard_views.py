"""The triage wizard pages: /repairs/new/ and its live outcome preview (issue #3 item 6)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from repairs.models import Repair
from tests.factories import PremiseFactory
from tickets.models import Ticket, TimelineEvent

NEW = "/repairs/new/"
PREVIEW = "/repairs/new/preview/"


@pytest.fixture
def premise(db):
    return PremiseFactory(
        meter_no="M1",
        address="12 Riverside Road",
        transformer__code="T1",
        transformer__feeder__code="F1",
        transformer__feeder__station__name="Riverside station",
    )


@pytest.fixture
def planned_outage(premise):
    from repairs.models import OutageNotice

    now = timezone.now()
    notice = OutageNotice.objects.create(
        kind=OutageNotice.Kind.PLANNED,
        reason="Replace pole-mounted switch",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        published_at=now - timedelta(days=8),
    )
    notice.transformers.set([premise.transformer])
    return notice


def clock(moment, since=None):
    """As a script reads a time: with its date when it is on another day than `since`."""
    local, since = timezone.localtime(moment), timezone.localtime(since or timezone.now())
    return local.strftime("%H:%M" if local.date() == since.date() else "%Y-%m-%d %H:%M")


def answers(**overrides):
    body = {
        "meter_no": "M1",
        "scope": "neighbours",
        "breaker": "not_tripped",
        "equipment_in_use": "",
        "fault_side": "unknown",
        "caller_phone": "",
        "description": "",
    }
    body.update(overrides)
    return body


def row_counts():
    return Ticket.objects.count(), Repair.objects.count(), TimelineEvent.objects.count()


def test_page_asks_the_questions_in_order_with_danger_first(client, agent, premise):
    client.force_login(agent)

    response = client.get(NEW, {"meter_no": "M1", "phone": "13800001234"})

    assert response.status_code == 200
    html = response.content.decode()
    positions = [
        html.index(f'name="{name}"')
        for name in (
            "hazards",
            "scope",
            "breaker",
            "equipment_in_use",
            "high_power_load",
            "fault_side",
            "caller_phone",
            "description",
        )
    ]
    assert positions == sorted(positions)
    assert "danger-panel" in html
    assert "Please check the leakage breaker in your terminal box." in html
    assert "12 Riverside Road" in html
    assert 'value="13800001234"' in html
    # Unknown is preselected for scope, breaker and fault side.
    assert html.count('value="unknown" checked') == 3


def test_htmx_request_gets_the_wizard_alone_for_the_console_to_embed(client, agent, premise):
    client.force_login(agent)

    response = client.get(NEW, {"meter_no": "M1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'id="triage-wizard"' in html
    assert 'name="scope"' in html
    assert "<html" not in html


def test_page_without_a_meter_asks_for_one(client, agent, db):
    client.force_login(agent)

    response = client.get(NEW)

    assert response.status_code == 200
    assert 'name="meter_no"' in response.content.decode()
    assert 'name="scope"' not in response.content.decode()


def test_unknown_meter_is_an_error_at_the_meter_field(client, agent, db):
    client.force_login(agent)

    response = client.get(NEW, {"meter_no": "NOPE"})

    html = response.content.decode()
    assert 'id="meter_no-errors"' in html
    assert "No premise has meter number NOPE." in html


def test_preview_finds_the_planned_outage_and_writes_nothing(
    client, agent, premise, planned_outage
):
    client.force_login(agent)
    before = row_counts()

    response = client.post(PREVIEW, answers(scope="self_only"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-outcome="planned_outage"' in html
    # The agent sees the notice's devices; the caller is read the window and the reason.
    assert "<dd>T1</dd>" in html
    with translation.override("zh-hans"):
        said = _(
            "There is planned maintenance in your area from %(starts)s until %(ends)s: %(reason)s."
        )
    starts, ends = planned_outage.starts_at, planned_outage.ends_at
    said %= {
        "starts": clock(starts),
        "ends": clock(ends, starts),
        "reason": "Replace pole-mounted switch",
    }
    assert f'<p class="script-say" lang="zh-Hans">{said}</p>' in html
    assert "Meaning:</span> There is planned maintenance in your area from" in html
    assert row_counts() == before


def test_preview_of_a_plain_fault_is_a_dispatch_to_the_station(client, agent, premise):
    client.force_login(agent)

    response = client.post(PREVIEW, answers(), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'data-outcome="dispatch"' in html
    assert "Riverside station" in html
    assert Ticket.objects.count() == 0


def test_preview_puts_danger_before_the_planned_outage(client, agent, premise, planned_outage):
    client.force_login(agent)

    response = client.post(PREVIEW, answers(hazards=["wire_down"]), HTTP_HX_REQUEST="true")

    assert 'data-outcome="emergency_dispatch"' in response.content.decode()


def test_preview_with_a_bad_answer_is_422_with_the_message(client, agent, premise):
    client.force_login(agent)

    response = client.post(
        PREVIEW, answers(scope="everyone", hazards=["ghosts"]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "“everyone” is not a valid choice" in html
    assert "“ghosts” is not a valid choice" in html


def test_preview_query_count_is_bounded(
    client, agent, premise, planned_outage, django_assert_max_num_queries
):
    client.force_login(agent)

    # Session, user, premise, notices + their feeders + transformers, incident, an
    # incident restored lately (a nested outage).
    with django_assert_max_num_queries(8):
        response = client.post(PREVIEW, answers(), HTTP_HX_REQUEST="true")

    assert response.status_code == 200


def test_submit_records_the_ticket_and_redirects_to_it(client, agent, premise):
    client.force_login(agent)

    response = client.post(
        NEW,
        answers(
            high_power_load="on",
            equipment_in_use="water heater",
            caller_phone="138 0000 1234",
            description="Street dark",
        ),
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert ticket.caller_phone == "13800001234"
    assert ticket.description == "Street dark"
    assert ticket.repair.outcome == "dispatch"
    assert ticket.repair.high_power_load is True
    assert ticket.repair.equipment_in_use == "water heater"
    page = client.get(response["Location"]).content.decode()
    assert f"Repair ticket {ticket.number} recorded: Dispatch." in page
    # What to read out now: the number and the promised arrival, in the customer language,
    # with the meaning in the agent's.
    arrive = clock(ticket.repair.arrive_by)
    with translation.override("zh-hans"):
        number = _("Your repair number is %(number)s.") % {"number": ticket.number}
        coming = _("A crew will be with you by %(time)s.") % {"time": arrive}
    said = number + ("" if number.endswith("。") else " ") + coming
    assert f'<p class="script-say" lang="zh-Hans">{said}</p>' in page
    meaning = f"Your repair number is {ticket.number}. A crew will be with you by {arrive}."
    assert f"Meaning:</span> {meaning}</p>" in page


def test_submit_with_a_phone_of_spaces_records_no_phone(client, agent, premise):
    client.force_login(agent)

    client.post(NEW, answers(caller_phone="   "))

    assert Ticket.objects.get().caller_phone == ""


def test_submit_under_a_planned_outage_records_it_answered(client, agent, premise, planned_outage):
    client.force_login(agent)

    client.post(NEW, answers(scope="area"))

    repair = Repair.objects.get()
    assert repair.outcome == "planned_outage"
    assert repair.notice == planned_outage


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"breaker": "exploded"}, "breaker", "“exploded” is not a valid choice"),
        ({"caller_phone": "call me"}, "caller_phone", "call me is not a phone number."),
        ({"meter_no": "NOPE"}, "meter_no", "No premise has meter number NOPE."),
        ({"high_power_load": "maybe"}, "high_power_load", "Must be true or false."),
    ],
    ids=["bad-choice", "bad-phone", "unknown-meter", "bad-checkbox"],
)
def test_submit_with_bad_input_is_422_with_the_error_at_its_field_and_writes_nothing(
    client, agent, premise, overrides, field, message
):
    client.force_login(agent)
    before = row_counts()

    response = client.post(NEW, answers(equipment_in_use="kettle", description="Kept", **overrides))

    assert response.status_code == 422
    html = response.content.decode()
    errors_at = html.index(f'id="{field}-errors"')
    assert message in html[errors_at : errors_at + 400]
    assert 'value="kettle"' in html
    assert ">Kept</textarea>" in html
    assert row_counts() == before


def test_dispatcher_may_not_use_the_wizard(client, dispatcher_north, premise):
    client.force_login(dispatcher_north)

    assert client.get(NEW, {"meter_no": "M1"}).status_code == 403
    assert client.post(PREVIEW, answers()).status_code == 403
    assert client.post(NEW, answers()).status_code == 403
    assert Ticket.objects.count() == 0


def test_supervisor_may_use_the_wizard(client, supervisor, premise):
    client.force_login(supervisor)

    assert client.get(NEW, {"meter_no": "M1"}).status_code == 200


def test_navigation_offers_report_a_fault_to_agents(client, agent, db):
    client.force_login(agent)

    assert 'href="/repairs/new/"' in client.get("/").content.decode()
