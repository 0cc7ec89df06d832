"""GET /api/v1/outages/lookup/ (DESIGN §3.12): the IVR learns about the caller's outages and
open tickets, and nothing that names the caller or says where they live."""

from datetime import timedelta

import pytest
from django.utils import timezone

from repairs.models import Incident, OutageNotice
from repairs.services.incidents import incident_etr_set
from tests.factories import CustomerPhoneFactory, PremiseFactory
from tickets.services import ticket_create

URL = "/api/v1/outages/lookup/"
PHONE = "13800138000"


@pytest.fixture
def ivr(api, integration):
    api.force_authenticate(integration)
    return api


def incident_on(premise, **fields):
    transformer = premise.transformer
    return Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=transformer.feeder.station,
        feeder=transformer.feeder,
        transformer=transformer,
        created_at=timezone.now(),
        **fields,
    )


def notice_on(premise, kind, *, hours=(-1, 3)):
    now = timezone.now()
    notice = OutageNotice.objects.create(
        kind=kind,
        reason="Pole replacement",
        starts_at=now + timedelta(hours=hours[0]),
        ends_at=now + timedelta(hours=hours[1]),
        published_at=now - timedelta(days=8),
    )
    notice.feeders.set([premise.transformer.feeder])
    return notice


def by_tail(body):
    return {p["meter_tail"]: p for p in body["premises"]}


def test_each_premise_says_what_covers_it(ivr, customer, home, shop, dispatcher_north):
    incident = incident_on(home)
    etr = timezone.now().replace(microsecond=0) + timedelta(hours=3)
    incident_etr_set(incident=incident, etr=etr, actor=dispatcher_north)

    response = ivr.get(URL, {"phone": "+86 138 0013 8000"})

    assert response.status_code == 200
    premises = by_tail(response.json())
    assert set(premises) == {"0123", "0456"}
    assert premises["0123"]["status"] == "incident"
    assert premises["0123"]["stage"] == "reported"
    assert premises["0123"]["etr"] is not None
    assert premises["0456"] == {
        "meter_tail": "0456",
        "status": "none",
        "starts_at": None,
        "ends_at": None,
        "etr": None,
        "stage": None,
    }


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("planned", "planned_outage"),
        ("temporary", "planned_outage"),
        ("restriction", "supply_restriction"),
    ],
)
def test_a_notice_in_force_gives_its_window(ivr, customer, home, kind, status):
    notice = notice_on(home, kind)

    premise = by_tail(ivr.get(URL, {"meter_no": home.meter_no}).json())["0123"]

    assert premise["status"] == status
    assert premise["starts_at"] is not None
    assert premise["ends_at"].startswith(
        timezone.localtime(notice.ends_at).strftime("%Y-%m-%dT%H:%M")
    )


def test_an_upcoming_or_cancelled_notice_is_not_an_outage_now(ivr, customer, home):
    notice_on(home, "planned", hours=(24, 30))
    cancelled = notice_on(home, "planned")
    cancelled.cancelled_at = timezone.now()
    cancelled.save()

    assert by_tail(ivr.get(URL, {"account_no": customer.account_no}).json())["0123"]["status"] == (
        "none"
    )


def test_the_answer_names_no_one_and_no_address(ivr, customer, home, shop):
    incident_on(home)
    ticket_create(kind="repair", premise=home, actor=None, caller_phone=PHONE, description="停电了")

    text = ivr.get(URL, {"phone": PHONE}).content.decode()

    for secret in (customer.name, customer.account_no, home.address, shop.address, home.meter_no):
        assert secret not in text
    assert "YD01" not in text  # nor the network's device codes


def test_open_tickets_are_listed_and_closed_ones_not(ivr, customer, home):
    open_ticket = ticket_create(
        kind="repair", premise=home, actor=None, caller_phone=PHONE, description="x"
    )

    body = ivr.get(URL, {"phone": PHONE}).json()

    assert body["open_tickets"] == [
        {"number": open_ticket.number, "kind": "repair", "status": open_ticket.status}
    ]


def test_an_unknown_number_has_no_premises(ivr, db):
    assert ivr.get(URL, {"phone": "13900000000"}).json() == {"premises": [], "open_tickets": []}


@pytest.mark.parametrize("query", [{}, {"phone": "not a phone"}])
def test_a_bad_query_is_400(ivr, db, query):
    response = ivr.get(URL, query)

    assert response.status_code == 400
    assert response.json()


@pytest.mark.parametrize("persona", ["agent", "supervisor", "dispatcher_north"])
def test_only_the_integration_account_asks(api, request, persona):
    api.force_authenticate(request.getfixturevalue(persona))

    assert api.get(URL, {"phone": PHONE}).status_code == 403


def test_the_lookup_is_rate_limited_per_account(ivr, db, settings):
    settings.GRIDLINE_IVR_LOOKUP_RATE = "2/min"

    answers = [ivr.get(URL, {"phone": PHONE}).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


@pytest.mark.parametrize("size", [1, 8])
def test_the_lookup_takes_a_fixed_number_of_queries(
    ivr, customer, home, size, django_assert_max_num_queries
):
    for i in range(size):
        premise = PremiseFactory(customer=customer)
        incident_on(premise)
        notice_on(premise, "restriction")
        ticket_create(
            kind="repair", premise=premise, actor=None, caller_phone=PHONE, description=f"{i}"
        )
    CustomerPhoneFactory(number="13900000001", customer=customer)

    # premises, notices (with their feeders and transformers), incidents, open tickets
    with django_assert_max_num_queries(6):
        body = ivr.get(URL, {"phone": PHONE}).json()

    assert len(body["premises"]) == size + 1
