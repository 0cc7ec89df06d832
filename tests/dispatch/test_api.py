"""The work-order API contract (DESIGN §5.2): fields, errors, scope, auth, query budget."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dispatch.models import CauseCode, Crew, WorkOrder
from dispatch.services import crew_member_set
from tests.dispatch.steps import take_step
from tests.factories import (
    PASSWORD,
    CrewFactory,
    PremiseFactory,
    UserFactory,
    ticket_create,
    work_order_create,
)
from tickets.models import Kind, Ticket, TimelineEvent

LIST = "/api/v1/work-orders/"
CAUSES = [("overload", "Overload"), ("transformer_fuse", "Transformer fuse")]
PHONE = "13812345678"
MASKED = "138****5678"
FIELDS = {
    "id",
    "status",
    "ticket",
    "incident",
    "station_code",
    "crew",
    "location",
    "brief",
    "hazards",
    "important",
    "arrive_by",
    "restore_by",
    "arrived_in_time",
    "cause",
    "actions",
    "return_reason",
    "caller_phone",
    "customer_name",
    "created_at",
    "assigned_at",
    "accepted_at",
    "departed_at",
    "arrived_at",
    "completed_at",
    "returned_at",
    "cancelled_at",
}
STEP_TIMES = [
    "assigned_at",
    "accepted_at",
    "departed_at",
    "arrived_at",
    "completed_at",
    "returned_at",
    "cancelled_at",
]


def detail(order) -> str:
    return f"{LIST}{order.pk}/"


def step(order, name: str) -> str:
    return f"{LIST}{order.pk}/{name}/"


@pytest.fixture(autouse=True)
def _crews_take_unassigned(settings):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True


@pytest.fixture(autouse=True)
def _causes(db):
    # Migration 0003 seeds these, but a transactional test (test_race) flushes
    # them away, and a later run with --reuse-db would start without them.
    for code, name in CAUSES:
        CauseCode.objects.get_or_create(code=code, defaults={"name": name})


@pytest.fixture
def north_crew(crew_north) -> Crew:
    return crew_north.crew_membership.crew


@pytest.fixture
def crew_south(station_south):
    user = UserFactory(username="crew_south", role=Role.CREW, station=station_south)
    crew_member_set(user=user, crew=CrewFactory(code="S01-A", station=station_south))
    return user


@pytest.fixture
def order(station_north) -> WorkOrder:
    """A pending north order serving a repair ticket with the caller's phone."""
    premise = PremiseFactory(transformer__feeder__station=station_north, customer__name="Li Na")
    ticket = ticket_create(kind=Kind.REPAIR, premise=premise, caller_phone=PHONE)
    return work_order_create(ticket=ticket, premise=premise, hazards=["wire_down"], important=True)


def row(order: WorkOrder) -> dict:
    fresh = WorkOrder.objects.get(pk=order.pk)
    return {f.attname: getattr(fresh, f.attname) for f in WorkOrder._meta.concrete_fields}


def events(order: WorkOrder) -> list[int]:
    assert order.ticket_id is not None
    return list(
        TimelineEvent.objects.filter(ticket_id=order.ticket_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def walk(order, steps, *, dispatcher, crew_user):
    """Take the steps through the service (the API is under test elsewhere)."""
    crew = crew_user.crew_membership.crew
    for name in steps:
        actor = dispatcher if name == "assign" else crew_user
        data = {
            "assign": {"crew": crew.code},
            "complete": {"cause": "overload", "actions": "Reset the breaker."},
            "return": {"reason": "Needs a bucket truck."},
        }.get(name, {})
        order = take_step(order=order, action=name, actor=actor, data=data)
    return order


# --- Reads -------------------------------------------------------------------------


def test_detail_has_the_contract_fields_with_their_types(api, dispatcher_north, order):
    api.force_authenticate(dispatcher_north)

    response = api.get(detail(order))

    body = response.json()
    assert response.status_code == 200
    assert set(body) == FIELDS
    assert body["id"] == order.pk
    assert body["status"] == "pending"
    assert body["ticket"] == order.ticket.number
    assert body["incident"] is None
    assert body["station_code"] == "N01"
    assert body["crew"] is None
    assert body["location"] == order.location
    assert body["brief"] == ""
    assert body["hazards"] == ["wire_down"]
    assert body["important"] is True
    assert body["restore_by"] is None
    assert body["arrived_in_time"] is None
    assert body["cause"] is None
    assert (body["actions"], body["return_reason"]) == ("", "")
    assert body["customer_name"] == "Li Na"
    assert isinstance(body["caller_phone"], str)
    # Timestamps are ISO 8601 with the offset (Asia/Shanghai in the tests).
    assert body["arrive_by"].endswith("+08:00")
    assert body["created_at"].endswith("+08:00")
    assert all(body[name] is None for name in STEP_TIMES)


def test_detail_after_the_whole_walk_shows_every_step(
    api, dispatcher_north, crew_north, north_crew, order
):
    walk(
        order,
        ["assign", "accept", "depart", "arrive", "complete"],
        dispatcher=dispatcher_north,
        crew_user=crew_north,
    )
    api.force_authenticate(crew_north)

    body = api.get(detail(order)).json()

    assert body["status"] == "completed"
    assert body["crew"] == north_crew.code
    assert body["cause"] == "overload"
    assert body["actions"] == "Reset the breaker."
    assert body["arrived_in_time"] is True
    assert body["restore_by"].endswith("+08:00")
    for name in ["assigned_at", "accepted_at", "departed_at", "arrived_at", "completed_at"]:
        assert body[name].endswith("+08:00"), name
    assert (body["returned_at"], body["cancelled_at"]) == (None, None)


def test_detail_names_the_incident_the_order_serves(api, dispatcher_north, station_north):
    from repairs.models import Incident

    order = work_order_create(station=station_north, ticket=False)
    premise = PremiseFactory(transformer__feeder__station=station_north)
    incident = Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=station_north,
        feeder=premise.transformer.feeder,
        transformer=premise.transformer,
        work_order=order,
        created_at=timezone.now(),
    )
    api.force_authenticate(dispatcher_north)

    assert api.get(detail(order)).json()["incident"] == incident.pk
    assert api.get(LIST).json()["results"][0]["incident"] == incident.pk


@pytest.mark.parametrize("persona", ["dispatcher_north", "crew_north"])
def test_the_output_is_what_the_serializer_documents(
    api, request, persona, dispatcher_north, crew_north, north_crew, station_north
):
    """The list and the detail write their output by hand, for speed: it must stay field
    for field what WorkOrderOutput documents."""
    from rest_framework.test import APIRequestFactory

    from dispatch.api import WorkOrderOutput
    from repairs.models import Incident

    walked = work_order_create(station=station_north)
    Ticket.objects.filter(pk=walked.ticket_id).update(caller_phone=PHONE)
    walk(walked, ["assign", "accept", "depart", "arrive", "complete"],
         dispatcher=dispatcher_north, crew_user=crew_north)  # fmt: skip
    served = work_order_create(station=station_north, ticket=False, hazards=["wire_down"])
    Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=station_north,
        feeder=walked.ticket.premise.transformer.feeder,
        transformer=walked.ticket.premise.transformer,
        work_order=served,
        created_at=timezone.now(),
    )
    user = request.getfixturevalue(persona)
    documented_request = APIRequestFactory().get("/")
    documented_request.user = user
    api.force_authenticate(user)

    listed = api.get(LIST).json()["results"]

    for order in WorkOrder.objects.filter(pk__in=[walked.pk, served.pk]):
        documented = WorkOrderOutput(order, context={"request": documented_request}).data
        assert api.get(detail(order)).json() == documented
        assert next(o for o in listed if o["id"] == order.pk) == documented


def test_order_without_a_ticket_has_null_ticket_and_empty_caller(
    api, dispatcher_north, station_north
):
    order = work_order_create(station=station_north, ticket=False)
    api.force_authenticate(dispatcher_north)

    body = api.get(detail(order)).json()

    assert (body["ticket"], body["caller_phone"], body["customer_name"]) == (None, "", "")


def test_list_paginates_with_count_next_previous_results(api, dispatcher_north, station_north):
    for _ in range(3):
        work_order_create(station=station_north)
    api.force_authenticate(dispatcher_north)

    body = api.get(LIST, {"page_size": 2}).json()
    last = api.get(body["next"]).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert body["previous"] is None
    assert len(body["results"]) == 2
    assert set(body["results"][0]) == FIELDS
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_list_is_ordered_by_arrival_deadline(api, dispatcher_north, station_north):
    now = timezone.now()
    later = work_order_create(station=station_north, arrive_by=now + timedelta(hours=2))
    sooner = work_order_create(station=station_north, arrive_by=now + timedelta(minutes=30))
    api.force_authenticate(dispatcher_north)

    ids = [o["id"] for o in api.get(LIST).json()["results"]]

    assert ids == [sooner.pk, later.pk]


def test_list_filters_by_status(api, dispatcher_north, crew_north, station_north):
    pending = work_order_create(station=station_north)
    assigned = walk(
        work_order_create(station=station_north),
        ["assign"],
        dispatcher=dispatcher_north,
        crew_user=crew_north,
    )
    api.force_authenticate(dispatcher_north)

    assigned_ids = [o["id"] for o in api.get(LIST, {"status": "assigned"}).json()["results"]]
    pending_ids = [o["id"] for o in api.get(LIST, {"status": "pending"}).json()["results"]]
    bad = api.get(LIST, {"status": "lost"})

    assert assigned_ids == [assigned.pk]
    assert pending_ids == [pending.pk]
    assert bad.status_code == 400
    assert set(bad.json()) == {"status"}


def test_supervisor_sees_every_station_and_filters_by_station_code(
    api, supervisor, station_north, station_south
):
    north = work_order_create(station=station_north)
    south = work_order_create(station=station_south)
    api.force_authenticate(supervisor)

    everything = {o["id"] for o in api.get(LIST).json()["results"]}
    south_only = [o["id"] for o in api.get(LIST, {"station": "S01"}).json()["results"]]

    assert everything == {north.pk, south.pk}
    assert south_only == [south.pk]


def test_dispatcher_lists_only_its_station_even_when_filtering_another(
    api, dispatcher_south, station_north, station_south
):
    work_order_create(station=station_north)
    south = work_order_create(station=station_south)
    api.force_authenticate(dispatcher_south)

    mine = [o["id"] for o in api.get(LIST).json()["results"]]
    north = api.get(LIST, {"station": "N01"}).json()

    assert mine == [south.pk]
    assert north["count"] == 0


def test_manager_reads_work_orders(api, manager, order):
    api.force_authenticate(manager)

    assert api.get(LIST).status_code == 200
    assert api.get(detail(order)).status_code == 200


# --- Caller's phone ----------------------------------------------------------------


def test_caller_phone_is_masked_for_the_dispatcher(api, dispatcher_north, crew_north, order):
    walk(order, ["assign"], dispatcher=dispatcher_north, crew_user=crew_north)
    api.force_authenticate(dispatcher_north)

    assert api.get(detail(order)).json()["caller_phone"] == MASKED
    assert api.get(LIST).json()["results"][0]["caller_phone"] == MASKED


def test_caller_phone_is_full_for_the_assigned_crew(api, dispatcher_north, crew_north, order):
    walk(order, ["assign"], dispatcher=dispatcher_north, crew_user=crew_north)
    api.force_authenticate(crew_north)

    assert api.get(detail(order)).json()["caller_phone"] == PHONE
    assert api.get(LIST).json()["results"][0]["caller_phone"] == PHONE


def test_caller_phone_is_masked_for_a_crew_before_it_takes_the_order(api, crew_north, order):
    api.force_authenticate(crew_north)

    before = api.get(detail(order)).json()["caller_phone"]
    after = api.post(step(order, "accept")).json()["caller_phone"]

    assert (before, after) == (MASKED, PHONE)


# --- Steps -------------------------------------------------------------------------


def test_every_step_answers_200_with_the_detail(
    api, dispatcher_north, crew_north, north_crew, order
):
    api.force_authenticate(dispatcher_north)
    assigned = api.post(step(order, "assign"), {"crew": north_crew.code}, format="json")
    api.force_authenticate(crew_north)
    answers = {"assign": assigned}
    for name, body in [
        ("accept", None),
        ("depart", None),
        ("arrive", None),
        ("complete", {"cause": "transformer_fuse", "actions": "Replaced the fuse."}),
    ]:
        answers[name] = api.post(step(order, name), body, format="json")

    statuses = {name: (r.status_code, r.json()["status"]) for name, r in answers.items()}
    assert statuses == {
        "assign": (200, "assigned"),
        "accept": (200, "accepted"),
        "depart": (200, "en_route"),
        "arrive": (200, "on_site"),
        "complete": (200, "completed"),
    }
    assert set(answers["complete"].json()) == FIELDS
    assert answers["complete"].json()["cause"] == "transformer_fuse"
    assert Ticket.objects.get(pk=order.ticket_id).status == Ticket.Status.RESOLVED
    kinds = list(
        TimelineEvent.objects.filter(ticket_id=order.ticket_id).values_list("kind", flat=True)
    )
    assert kinds[-6:] == ["assign", "accept", "depart", "arrive", "complete", "resolve"]


def test_return_answers_200_and_the_dispatcher_can_assign_again(
    api, dispatcher_north, crew_north, north_crew, order
):
    walk(order, ["assign", "accept"], dispatcher=dispatcher_north, crew_user=crew_north)
    api.force_authenticate(crew_north)

    returned = api.post(step(order, "return"), {"reason": "Needs a bucket truck."}, format="json")
    api.force_authenticate(dispatcher_north)
    again = api.post(step(order, "assign"), {"crew": north_crew.code}, format="json")

    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["crew"] is None
    assert returned.json()["return_reason"] == "Needs a bucket truck."
    assert returned.json()["returned_at"] is not None
    assert (again.status_code, again.json()["status"]) == (200, "assigned")


def test_dispatcher_may_return_an_order(api, dispatcher_north, crew_north, order):
    walk(order, ["assign"], dispatcher=dispatcher_north, crew_user=crew_north)
    api.force_authenticate(dispatcher_north)

    response = api.post(step(order, "return"), {"reason": "Crew called away."}, format="json")

    assert (response.status_code, response.json()["status"]) == (200, "returned")


@pytest.mark.parametrize(
    ("name", "body", "fields"),
    [
        ("assign", {}, {"crew"}),
        ("assign", {"crew": ""}, {"crew"}),
        ("assign", {"crew": "NO-SUCH"}, {"crew"}),
        ("assign", {"crew": "S01-A"}, {"crew"}),  # the other station's crew
        ("assign", {"crew": "N01-OFF"}, {"crew"}),  # off duty
        ("assign", ["not", "an", "object"], {"crew"}),
    ],
    ids=["missing", "blank", "unknown", "other-station", "off-duty", "not-an-object"],
)
def test_assign_with_bad_input_answers_400_per_field_and_writes_nothing(
    api, dispatcher_north, crew_south, order, name, body, fields
):
    CrewFactory(code="N01-OFF", station=order.station, on_duty=False)
    before_row, before_events = row(order), events(order)
    api.force_authenticate(dispatcher_north)

    response = api.post(step(order, name), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert all(isinstance(m, str) for m in response.json()[next(iter(fields))])
    assert row(order) == before_row
    assert events(order) == before_events


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"cause", "actions"}),
        ({"cause": "overload", "actions": "   "}, {"actions"}),
        ({"cause": "no_such_cause", "actions": "Reset the breaker."}, {"cause"}),
        ({"cause": "overload", "actions": "x" * 2001}, {"actions"}),
    ],
    ids=["missing-both", "blank-actions", "unknown-cause", "actions-too-long"],
)
def test_complete_with_bad_input_answers_400_per_field_and_writes_nothing(
    api, dispatcher_north, crew_north, order, body, fields
):
    walk(
        order, ["assign", "accept", "depart", "arrive"], dispatcher=dispatcher_north,
        crew_user=crew_north,
    )  # fmt: skip
    before_row, before_events = row(order), events(order)
    api.force_authenticate(crew_north)

    response = api.post(step(order, "complete"), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert row(order) == before_row
    assert events(order) == before_events
    assert Ticket.objects.get(pk=order.ticket_id).status == Ticket.Status.OPEN


def test_return_without_a_reason_answers_400_and_writes_nothing(
    api, dispatcher_north, crew_north, order
):
    walk(order, ["assign"], dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)
    api.force_authenticate(crew_north)

    response = api.post(step(order, "return"), {"reason": " "}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"reason"}
    assert row(order) == before_row
    assert events(order) == before_events


@pytest.mark.parametrize(
    ("path", "name"),
    [([], "depart"), ([], "arrive"), (["assign", "accept"], "accept"), ([], "complete")],
    ids=["depart-pending", "arrive-pending", "accept-accepted", "complete-pending"],
)
def test_a_step_the_state_does_not_allow_answers_409_and_changes_nothing(
    api, dispatcher_north, crew_north, order, path, name
):
    walk(order, path, dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)
    api.force_authenticate(crew_north)
    body = {"cause": "overload", "actions": "Reset the breaker."} if name == "complete" else None

    response = api.post(step(order, name), body, format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"action"}
    assert row(order) == before_row
    assert events(order) == before_events


def test_a_crew_gets_404_for_an_order_assigned_to_another_crew(
    api, dispatcher_north, crew_north, station_north, order
):
    """A crew sees only its own crew's orders (and unassigned ones), so the service's
    409 for another crew's order is reached only by direct calls; the API says 404."""
    other = UserFactory(username="crew_north_b", role=Role.CREW, station=station_north)
    crew_member_set(user=other, crew=CrewFactory(code="N01-B", station=station_north))
    walk(order, ["assign"], dispatcher=dispatcher_north, crew_user=other)
    before_row, before_events = row(order), events(order)
    api.force_authenticate(crew_north)

    got = api.get(detail(order))
    posted = api.post(step(order, "accept"))

    assert (got.status_code, posted.status_code) == (404, 404)
    assert row(order) == before_row
    assert events(order) == before_events


# --- Scope: 404 for the other station -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("assign", {"crew": "S01-A"}),
        ("accept", None),
        ("return", {"reason": "Not ours."}),
    ],
)
def test_dispatcher_south_gets_404_for_a_north_order_and_nothing_changes(
    api, dispatcher_south, crew_south, order, name, body
):
    before_row, before_events = row(order), events(order)
    api.force_authenticate(dispatcher_south)

    got = api.get(detail(order))
    posted = api.post(step(order, name), body, format="json")
    listed = api.get(LIST).json()

    assert (got.status_code, posted.status_code) == (404, 404)
    assert listed["count"] == 0
    assert row(order) == before_row
    assert events(order) == before_events


@pytest.mark.parametrize("name", ["accept", "depart", "arrive", "complete", "return"])
def test_south_crew_gets_404_for_a_north_order_and_nothing_changes(api, crew_south, order, name):
    before_row, before_events = row(order), events(order)
    api.force_authenticate(crew_south)

    got = api.get(detail(order))
    posted = api.post(step(order, name), {}, format="json")
    listed = api.get(LIST).json()

    assert (got.status_code, posted.status_code) == (404, 404)
    assert listed["count"] == 0
    assert row(order) == before_row
    assert events(order) == before_events


def test_a_crew_cannot_see_or_take_unassigned_orders_when_crews_may_not(
    api, settings, crew_north, order
):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = False
    before_row, before_events = row(order), events(order)
    api.force_authenticate(crew_north)

    listed = api.get(LIST).json()
    posted = api.post(step(order, "accept"))

    assert listed["count"] == 0
    assert posted.status_code == 404
    assert row(order) == before_row
    assert events(order) == before_events


def test_an_id_that_is_not_a_number_answers_404(api, dispatcher_north):
    api.force_authenticate(dispatcher_north)

    assert api.get(f"{LIST}abc/").status_code == 404


# --- Roles: 403 --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "handler"])
def test_agents_and_handlers_get_403_on_every_work_order_endpoint(
    api, request, north_crew, order, persona
):
    user = request.getfixturevalue(persona)
    before_row, before_events = row(order), events(order)
    api.force_authenticate(user)

    statuses = {
        "list": api.get(LIST).status_code,
        "detail": api.get(detail(order)).status_code,
        "assign": api.post(step(order, "assign"), {"crew": north_crew.code}).status_code,
        "accept": api.post(step(order, "accept")).status_code,
    }

    assert statuses == {"list": 403, "detail": 403, "assign": 403, "accept": 403}
    assert row(order) == before_row
    assert events(order) == before_events


def test_a_manager_may_read_but_not_assign(api, manager, north_crew, order):
    before_row = row(order)
    api.force_authenticate(manager)

    response = api.post(step(order, "assign"), {"crew": north_crew.code}, format="json")

    assert response.status_code == 403
    assert row(order) == before_row


def test_a_dispatcher_cannot_accept(api, dispatcher_north, crew_north, order):
    walk(order, ["assign"], dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)
    api.force_authenticate(dispatcher_north)

    response = api.post(step(order, "accept"))

    assert response.status_code == 403
    assert row(order) == before_row
    assert events(order) == before_events


def test_a_crew_cannot_assign(api, crew_north, north_crew, order):
    api.force_authenticate(crew_north)

    response = api.post(step(order, "assign"), {"crew": north_crew.code}, format="json")

    assert response.status_code == 403
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.PENDING


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_status_cannot_be_written_through_the_api(api, supervisor, order, method):
    api.force_authenticate(supervisor)

    response = getattr(api, method)(detail(order), {"status": "completed"}, format="json")

    assert response.status_code == 405
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.PENDING


# --- Authentication ----------------------------------------------------------------


def test_token_auth_opens_the_work_order_api(api, dispatcher_north, north_crew, order):
    token = api.post(
        reverse("api:token"), {"username": "dispatcher_north", "password": PASSWORD}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    listed = api.get(LIST)
    assigned = api.post(step(order, "assign"), {"crew": north_crew.code}, format="json")

    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert (assigned.status_code, assigned.json()["status"]) == (200, "assigned")
    assert TimelineEvent.objects.filter(ticket_id=order.ticket_id).last().actor.username == (
        "dispatcher_north"
    )


def test_without_credentials_answers_401(api, order):
    assert api.get(LIST).status_code == 401
    assert api.post(step(order, "accept")).status_code == 401
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.PENDING


def test_a_bad_token_answers_401(api, order):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert api.get(LIST).status_code == 401


# --- Query budget --------------------------------------------------------------------


def _orders(count: int, *, station, dispatcher, crew_user) -> None:
    for i in range(count):
        order = work_order_create(
            station=station,
            ticket=ticket_create(
                kind=Kind.REPAIR,
                premise=PremiseFactory(transformer__feeder__station=station),
                caller_phone=PHONE,
            ),
        )
        # A mix of states, so crew, cause and ticket joins all carry data.
        if i % 3 == 1:
            walk(order, ["assign"], dispatcher=dispatcher, crew_user=crew_user)
        elif i % 3 == 2:
            walk(
                order,
                ["assign", "accept", "depart", "arrive", "complete"],
                dispatcher=dispatcher,
                crew_user=crew_user,
            )


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("persona", ["dispatcher_north", "crew_north", "supervisor"])
def test_list_query_count_is_constant(
    api, request, django_assert_max_num_queries, dispatcher_north, crew_north, size, persona
):
    _orders(
        size, station=dispatcher_north.station, dispatcher=dispatcher_north, crew_user=crew_north
    )
    user = request.getfixturevalue(persona)
    api.force_authenticate(user)

    # count, page (orders + tickets + customers), its station, crews, causes and incidents
    # (fetched apart: cheaper to plan than one seven-table join), and the caller's crew
    # membership once (for caller_phone).
    with django_assert_max_num_queries(7):
        response = api.get(LIST)

    assert response.status_code == 200
    assert len(response.json()["results"]) == size


# --- Schema ------------------------------------------------------------------------


def test_schema_documents_every_work_order_operation(client, db):
    schema = client.get(reverse("schema")).content.decode()

    for name in ["assign", "accept", "depart", "arrive", "complete", "return"]:
        assert f"/api/v1/work-orders/{{id}}/{name}/:" in schema
    assert "/api/v1/work-orders/{id}/:" in schema
    assert "transformer_fuse" in schema  # the complete example
    assert "CompleteInput" in schema
    assert "'409':" in schema
