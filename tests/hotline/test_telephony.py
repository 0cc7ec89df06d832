"""The telephony's call events (DESIGN §3.15): POST /api/v1/cti/events/, each applied once,
in any order, and the calls they make (GET /api/v1/calls/{id}/)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.models import Call, CallEvent, CallTicket
from tests.factories import UserFactory, ticket_create

from .conftest import PHONE

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
RECORDING = "https://recordings.example.com/c1.mp3"


@pytest.fixture
def cti(api, integration):
    api.force_authenticate(integration)

    def post(event: str, *, call_id: str = "c1", seconds: int = 0, **extra):
        body = {
            "event": event,
            "call_id": call_id,
            "caller": "+86 138-0013-8000",
            "agent": "agent",
            "at": (T0 + timedelta(seconds=seconds)).isoformat(),
            **extra,
        }
        return api.post("/api/v1/cti/events/", body, format="json")

    return post


def test_ring_answer_hangup_makes_one_call_with_its_duration_and_recording(cti, agent, customer):
    rang = cti("ring")
    answered = cti("answer", seconds=5)
    hung_up = cti("hangup", seconds=185, recording_url=RECORDING)

    call = Call.objects.get(call_id="c1")
    assert rang.status_code == answered.status_code == hung_up.status_code == 200
    assert rang.json() == answered.json() == hung_up.json() == {"call": call.pk}
    assert call.agent == agent
    assert call.customer == customer
    assert call.caller_phone == PHONE
    assert call.rang_at == T0
    assert call.answered_at == call.started_at == T0 + timedelta(seconds=5)
    assert call.duration_seconds == 180
    assert call.recording_url == RECORDING
    assert not call.abandoned
    assert call.outcome == Call.Outcome.NOTHING  # finished as Finish would, with what it recorded


def test_a_ring_hung_up_unanswered_is_abandoned(cti, agent):
    cti("ring")
    cti("hangup", seconds=20)

    call = Call.objects.get(call_id="c1")
    assert call.abandoned
    assert call.ended_at == T0 + timedelta(seconds=20)
    assert call.duration_seconds is None


@pytest.mark.parametrize("event", ["ring", "answer", "hangup"])
def test_a_repeated_event_answers_the_same_and_doubles_nothing(cti, agent, event):
    events = ["ring", "answer", "hangup"]
    for earlier in events[: events.index(event)]:
        cti(earlier)
    first = cti(event, seconds=30)
    calls = list(Call.objects.values())

    again = cti(event, seconds=31)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert list(Call.objects.values()) == calls
    assert CallEvent.objects.filter(event=event).count() == 1


def test_a_hangup_before_the_answer_leaves_it_abandoned_and_the_late_answer_changes_nothing(
    cti, agent
):
    cti("hangup", seconds=10)
    late = cti("answer", seconds=5)
    cti("ring")

    call = Call.objects.get()
    assert late.json() == {"call": call.pk}
    assert call.abandoned
    assert list(CallEvent.objects.order_by("pk").values_list("event", "applied")) == [
        ("hangup", True),
        ("answer", False),
        ("ring", False),
    ]
    assert Call.objects.filter(agent=agent, ended_at__isnull=True).count() == 0


def test_an_answer_without_a_ring_starts_the_call(cti, agent):
    cti("answer", seconds=5)

    call = Call.objects.get()
    assert call.is_open
    assert call.started_at == T0 + timedelta(seconds=5)


@pytest.mark.parametrize("name", ["nobody", "dispatcher_north"])
def test_an_unknown_agent_is_400_and_nothing_is_written(cti, agent, dispatcher_north, name):
    response = cti("ring", agent=name)

    assert response.status_code == 400
    assert "agent" in response.json()
    assert not Call.objects.exists()
    assert not CallEvent.objects.exists()


def test_the_agent_may_be_named_by_extension(cti, db):
    wang = UserFactory(username="wang", extension="8001")

    cti("ring", agent="8001")

    assert Call.objects.get().agent == wang


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"recording_url": "javascript:alert(1)"}, "recording_url"),
        ({"recording_url": "ftp://pbx/rec.mp3"}, "recording_url"),
        ({"event": "transfer"}, "event"),
        ({"at": "yesterday"}, "at"),
        ({"caller": "not a phone"}, "caller"),
    ],
)
def test_bad_input_is_400_per_field(cti, agent, extra, field):
    response = cti(extra.pop("event", "hangup"), **extra)

    assert response.status_code == 400
    assert field in response.json()
    assert not CallEvent.objects.exists()


def test_a_recording_on_a_ring_is_refused(cti, agent):
    response = cti("ring", recording_url=RECORDING)

    assert response.status_code == 400
    assert "recording_url" in response.json()


def test_a_second_ring_for_a_busy_agent_waits_beside_the_open_call(cti, agent):
    cti("ring")
    cti("answer", seconds=2)
    cti("ring", call_id="c2", seconds=60)

    first, second = Call.objects.get(call_id="c1"), Call.objects.get(call_id="c2")
    assert first.is_open
    assert second.ringing

    cti("answer", call_id="c2", seconds=90)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.ended_at == T0 + timedelta(seconds=90)  # taking the next finishes the first
    assert second.is_open


@pytest.mark.parametrize("persona", ["agent", "supervisor", "dispatcher_north", "manager"])
def test_only_the_integration_account_posts_events(api, request, persona):
    api.force_authenticate(request.getfixturevalue(persona))

    response = api.post("/api/v1/cti/events/", {}, format="json")

    assert response.status_code == 403


def test_a_ticket_recorded_through_the_api_during_an_answered_call_belongs_to_it(
    cti, api, agent, integration, customer
):
    cti("ring")
    cti("answer", seconds=2)
    api.force_authenticate(agent)
    created = api.post(
        "/api/v1/tickets/",
        {"kind": "opinion", "caller_phone": PHONE, "description": "Longer hours at the hall."},
        format="json",
    ).json()
    api.force_authenticate(integration)
    cti("hangup", seconds=300, recording_url=RECORDING)
    call = Call.objects.get()

    api.force_authenticate(agent)
    ticket_body = api.get(f"/api/v1/tickets/{created['number']}/").json()
    call_body = api.get(f"/api/v1/calls/{call.pk}/").json()

    assert CallTicket.objects.filter(call=call, ticket__number=created["number"]).count() == 1
    assert ticket_body["calls"] == [{"id": call.pk, "recording_url": RECORDING}]
    assert call_body["tickets"] == [created["number"]]
    assert call_body["recording_url"] == RECORDING
    assert call_body["abandoned"] is False


def test_a_ticket_recorded_elsewhere_during_the_call_is_linked_at_the_hangup(cti, agent, home):
    cti("ring")
    cti("answer", seconds=2)
    ticket = ticket_create(kind="repair", premise=home, actor=agent, now=T0 + timedelta(seconds=60))

    cti("hangup", seconds=300, recording_url=RECORDING)

    assert list(Call.objects.get().tickets.all()) == [ticket]


def test_the_recording_is_null_for_roles_that_see_phones_masked(
    cti, api, agent, dispatcher_north, home
):
    cti("ring")
    cti("answer", seconds=2)
    ticket = ticket_create(kind="repair", premise=home, actor=agent, now=T0 + timedelta(seconds=60))
    cti("hangup", seconds=300, recording_url=RECORDING)
    api.force_authenticate(dispatcher_north)

    body = api.get(f"/api/v1/tickets/{ticket.number}/").json()

    assert body["calls"] == [{"id": Call.objects.get().pk, "recording_url": None}]


def test_an_agent_reads_only_their_own_calls(cti, api, agent, supervisor, db):
    cti("ring")
    call = Call.objects.get()
    other = UserFactory(username="other_agent")

    api.force_authenticate(other)
    assert api.get(f"/api/v1/calls/{call.pk}/").status_code == 404
    api.force_authenticate(supervisor)
    assert api.get(f"/api/v1/calls/{call.pk}/").status_code == 200
    api.force_authenticate(agent)
    assert api.get(f"/api/v1/calls/{call.pk}/").json()["abandoned"] is False


# --- The console's pop ----------------------------------------------------------------------


def test_the_console_poll_is_204_and_one_query_while_nothing_changed(
    client, agent, django_assert_max_num_queries
):
    client.force_login(agent)
    seen = client.get("/console/").context["ring_state"]

    # Session, user; the agent's calls not ended.
    with django_assert_max_num_queries(3):
        response = client.get("/console/ring/", {"seen": seen})

    assert response.status_code == 204


@pytest.mark.parametrize("waiting", [1, 20])
def test_a_ring_pops_the_callers_card_in_that_agents_console_only(
    cti, client, agent, customer, waiting, django_assert_max_num_queries
):
    other = UserFactory(username="other_agent")
    for n in range(waiting):
        cti("ring", call_id=f"c{n}", seconds=n)
    client.force_login(agent)

    # Session, user, unread notifications; the state, the calls popped; the card (<= 11).
    with django_assert_max_num_queries(16):
        response = client.get("/console/ring/", {"seen": ""})

    assert response.status_code == 200
    assert customer.name in response.content.decode()
    client.force_login(other)
    assert client.get("/console/ring/", {"seen": ""}).status_code == 204


def test_the_pop_offers_the_call_once_it_is_answered_and_goes_at_the_hangup(cti, client, agent):
    cti("ring")
    client.force_login(agent)
    ringing = client.get("/console/ring/", {"seen": ""})

    cti("answer", seconds=3)
    answered = client.get("/console/ring/", {"seen": ringing.context["ring_state"]})
    cti("hangup", seconds=60)
    gone = client.get("/console/ring/", {"seen": answered.context["ring_state"]})

    call = Call.objects.get()
    assert "Incoming call" in ringing.content.decode()
    assert call.get_absolute_url() in answered.content.decode()
    assert gone.status_code == 200
    assert gone.context["pop"] is None


def test_a_ringing_call_has_no_page_to_record_on(cti, client, agent):
    cti("ring")
    client.force_login(agent)

    assert client.get(Call.objects.get().get_absolute_url()).status_code == 404


def test_the_ticket_page_lists_the_calls_with_the_recording(cti, client, agent, home):
    cti("ring")
    cti("answer", seconds=2)
    ticket = ticket_create(kind="repair", premise=home, actor=agent, now=T0 + timedelta(seconds=60))
    cti("hangup", seconds=300, recording_url=RECORDING)
    client.force_login(agent)

    page = client.get(ticket.get_absolute_url()).content.decode()

    assert f'href="{RECORDING}" target="_blank" rel="noopener noreferrer"' in page
