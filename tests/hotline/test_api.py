"""GET /api/v1/customers/ (DESIGN §5.2): the contract, each key, who may ask, the budget."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory, CustomerPhoneFactory, PremiseFactory, ticket_create
from tickets.services import deadline_open, ticket_transition

URL = "/api/v1/customers/"


@pytest.fixture
def open_repair(home):
    ticket = ticket_create(kind="repair", premise=home)
    now = timezone.now()
    deadline_open(
        ticket=ticket, name="arrive_by", starts_at=now, due_at=now + timedelta(minutes=45)
    )
    return ticket


def test_contract_customer_with_premises_and_open_tickets(api, agent, customer, home, open_repair):
    closed = ticket_create(kind="consultation", customer=customer)
    ticket_transition(ticket=closed, action="resolve", actor=None)
    api.force_authenticate(agent)

    response = api.get(URL, {"phone": "13800138000"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    (found,) = body["results"]
    assert set(found) == {"account_no", "name", "phones", "premises", "open_tickets"}
    assert (found["account_no"], found["name"]) == ("0318000001", "陈伟")
    assert found["phones"] == ["13800138000", "07632281234"]
    (premise,) = found["premises"]
    assert premise == {
        "meter_no": "441800000123",
        "address": "英德市英城街道和平北路18号",
        "area_type": "urban",
        "important": False,
        "station_code": "N01",
        "feeder_code": "YD01-F02",
        "transformer_code": "YD01-T0315",
    }
    (ticket,) = found["open_tickets"]
    assert ticket["number"] == open_repair.number
    assert (ticket["kind"], ticket["status"], ticket["priority"]) == ("repair", "open", "normal")
    assert (ticket["urge_count"], ticket["station_code"]) == (0, "N01")
    assert [d["name"] for d in ticket["deadlines"]] == ["arrive_by"]
    assert ticket["created_at"].endswith("+08:00")


def test_the_output_is_what_the_serializer_documents(api, agent, customer, home, open_repair):
    """The list writes its output by hand, for speed; it must stay what CustomerOutput says."""
    from hotline import selectors
    from hotline.api import CustomerOutput

    PremiseFactory(customer=customer)
    api.force_authenticate(agent)

    body = api.get(URL, {"phone": "13800138000"}).json()

    documented = CustomerOutput(
        selectors.customer_list_for_api(phone="13800138000"), many=True
    ).data
    assert body["results"] == documented
    assert len(documented[0]["premises"]) == 2
    assert documented[0]["open_tickets"][0]["deadlines"]


@pytest.mark.parametrize(
    "query",
    [
        {"phone": "138 0013 8000"},
        {"phone": "+86-138-0013-8000"},
        {"phone": "0086 13800138000"},
        {"phone": "0763-228 1234"},
        {"phone": "+86 763 228 1234"},
        {"account_no": "0318000001"},
        {"meter_no": "441800000123"},
    ],
    ids=[
        "phone-spaces",
        "phone-plus-86",
        "phone-0086",
        "landline",
        "landline-86",
        "account",
        "meter",
    ],
)
def test_each_key_finds_the_customer(api, agent, customer, home, query):
    api.force_authenticate(agent)

    body = api.get(URL, query).json()

    assert [c["account_no"] for c in body["results"]] == ["0318000001"]


def test_no_match_is_an_empty_page(api, agent, customer):
    api.force_authenticate(agent)

    body = api.get(URL, {"meter_no": "NOPE"}).json()

    assert (body["count"], body["results"]) == (0, [])


def test_a_shared_phone_lists_every_customer(api, agent, customer, home):
    CustomerPhoneFactory(number="13800138000", customer__account_no="0318000002")
    api.force_authenticate(agent)

    body = api.get(URL, {"phone": "13800138000"}).json()

    assert [c["account_no"] for c in body["results"]] == ["0318000001", "0318000002"]


def test_without_a_key_it_says_which_to_give(api, agent):
    api.force_authenticate(agent)

    response = api.get(URL)

    assert response.status_code == 400
    assert "phone" in response.json()["detail"][0]


def test_a_phone_that_is_not_a_phone_is_400(api, agent):
    api.force_authenticate(agent)

    response = api.get(URL, {"phone": "call me"})

    assert response.status_code == 400
    assert list(response.json()) == ["phone"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"account_no": "0" * 33}, "account_no"),
        ({"phone": "13800138000", "meter_no": "M" * 33}, "meter_no"),
        ({"phone": "1" * 41, "account_no": "0318000001"}, "phone"),
    ],
    # A NUL is refused before any view (tests/api/test_hostile_bodies.py).
    ids=["account-too-long", "meter-too-long-beside-a-phone", "phone-too-long"],
)
def test_a_bad_key_is_400_naming_only_that_key(api, agent, customer, query, field):
    api.force_authenticate(agent)

    response = api.get(URL, query)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert body[field][0]


def test_blank_keys_count_as_not_given(api, agent, customer):
    api.force_authenticate(agent)

    response = api.get(URL, {"phone": "  ", "account_no": "", "meter_no": " "})

    assert response.status_code == 400
    assert list(response.json()) == ["detail"]


def test_the_schema_documents_the_keys_from_the_lookup_form(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    parameters = schema["paths"][URL]["get"]["parameters"]
    keys = {p["name"]: p for p in parameters if p["name"] in ("phone", "account_no", "meter_no")}
    assert set(keys) == {"phone", "account_no", "meter_no"}
    assert all(p["in"] == "query" and not p.get("required") for p in keys.values())
    assert keys["account_no"]["schema"]["maxLength"] == 32
    assert "+86" in keys["phone"]["description"]


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
def test_agents_and_supervisors_may_look_up(api, persona, request, customer):
    api.force_authenticate(request.getfixturevalue(persona))

    assert api.get(URL, {"account_no": "0318000001"}).status_code == 200


@pytest.mark.parametrize("persona", ["dispatcher_north", "crew_north", "handler", "manager"])
def test_other_roles_may_not(api, persona, request, customer):
    api.force_authenticate(request.getfixturevalue(persona))

    assert api.get(URL, {"account_no": "0318000001"}).status_code == 403


def test_signed_out_is_401(api, customer):
    assert api.get(URL, {"account_no": "0318000001"}).status_code == 401


def test_a_token_works_as_for_every_program(api, agent, customer):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=agent)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert api.get(URL, {"account_no": "0318000001"}).status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_api_query_count_does_not_grow_with_customers_or_tickets(
    size, api, agent, station_north, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(size):
        customer = CustomerFactory(account_no=f"77{n:08d}")
        CustomerPhoneFactory(customer=customer, number="13700001111")
        premise = PremiseFactory(customer=customer, transformer__feeder__station=station_north)
        for _ in range(3):
            ticket = ticket_create(kind="repair", premise=premise)
            deadline_open(ticket=ticket, name="arrive_by", starts_at=now, due_at=now)
    api.force_authenticate(agent)

    # Count, page; premises, phones, open tickets, their deadlines.
    with django_assert_max_num_queries(6):
        body = api.get(URL, {"phone": "13700001111", "page_size": 100}).json()

    assert body["count"] == size
    assert all(len(c["open_tickets"]) == 3 for c in body["results"])
