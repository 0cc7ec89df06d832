"""Ticket search (DESIGN §3.9): by number, phone in any form, customer name, part of the
address and words of the description; best match first; the reader's scope always applies.

Runs on SQLite (plain icontains) and on PostgreSQL (the trigram and two-character indexes);
the tests that read PostgreSQL's plans are marked.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CustomerFactory,
    CustomerPhoneFactory,
    PremiseFactory,
    ticket_create,
    work_order_create,
)
from tickets.search import Rank, search_parse, ticket_search
from tickets.selectors import ticket_list_for_user

requires_pg_trgm = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads PostgreSQL's plans (pg_trgm indexes)"
)

PHONE = "18612171427"


@pytest.fixture
def cai(station_north):
    """蔡家乐, with a phone and a home on Renmin Road, and a repair and a consultation."""
    customer = CustomerFactory(name="蔡家乐")
    CustomerPhoneFactory(customer=customer, number=PHONE)
    home = PremiseFactory(
        customer=customer,
        address="城关人民路12号3栋2单元1203室",
        transformer__feeder__station=station_north,
    )
    return customer, home


def found(user, text: str) -> list[str]:
    return list(
        ticket_search(ticket_list_for_user(user=user), text=text).values_list("number", flat=True)
    )


@pytest.mark.parametrize(
    ("raw", "number", "phone"),
    [
        pytest.param("R20261202-000006", "R20261202-000006", "", id="number"),
        pytest.param(" r20261202-000006 ", "R20261202-000006", "", id="number-lower-case"),
        pytest.param("000006", "000006", "", id="serial"),
        pytest.param("186 1217 1427", "18612171427", PHONE, id="phone-spaced"),
        pytest.param("+86 186-1217-1427", "", PHONE, id="phone-international"),
        pytest.param("蔡家乐", "", "", id="name"),
    ],
)
def test_the_text_is_read_as_a_number_and_a_phone(raw, number, phone):
    search = search_parse(raw)

    assert (search.number, search.phone) == (number, phone)


def test_a_whole_number_finds_its_ticket(agent, cai):
    ticket = ticket_create(premise=cai[1])
    ticket_create(premise=cai[1])

    assert found(agent, ticket.number)[0] == ticket.number
    assert found(agent, ticket.number.lower())[0] == ticket.number


def test_the_end_of_a_number_finds_the_tickets_ending_so(agent, db):
    now = timezone.now()
    tickets = [ticket_create(now=now) for _ in range(7)]  # the 6th of today is …-000006
    sixth = tickets[5]
    repair = ticket_create(kind="repair", now=now - timedelta(days=1))  # …-000001

    assert found(agent, sixth.number[-6:]) == [sixth.number]
    assert found(agent, "-000006") == [sixth.number]
    assert found(agent, "000001") == [tickets[0].number, repair.number]
    assert found(agent, "00006") == []  # too short an end


@pytest.mark.parametrize("typed", ["18612171427", "186 1217 1427", "+86 186-1217-1427"])
def test_the_callers_phone_in_any_form_finds_the_same_tickets(typed, agent, cai):
    on_the_customer = ticket_create(premise=cai[1])
    by_the_number = ticket_create(caller_phone=PHONE)
    ticket_create(caller_phone="13800138000")

    assert sorted(found(agent, typed)) == sorted([on_the_customer.number, by_the_number.number])


@pytest.mark.parametrize("typed", ["蔡家乐", "家乐", "蔡家"])
def test_the_customers_name_or_two_characters_of_it_find_the_tickets(typed, agent, cai):
    ticket = ticket_create(premise=cai[1])
    ticket_create(premise=PremiseFactory(customer=CustomerFactory(name="王建国")))

    assert found(agent, typed) == [ticket.number]


@pytest.mark.parametrize("typed", ["人民路12号", "人民", "1203"])
def test_part_of_the_address_finds_the_tickets(typed, agent, cai):
    ticket = ticket_create(premise=cai[1])
    ticket_create(premise=PremiseFactory(address="石桥镇解放村3组7号"))

    assert found(agent, typed) == [ticket.number]


@pytest.mark.parametrize("typed", ["停电", "突然停电", "家里突然停电"])
def test_words_of_the_description_find_the_ticket(typed, agent, db):
    ticket = ticket_create(description="家里突然停电，邻居家有电")
    ticket_create(description="咨询电价标准")

    assert found(agent, typed) == [ticket.number]


def test_latin_words_match_whatever_their_case(agent, db):
    ticket = ticket_create(description="Meter box SMOKING at the gate")

    assert found(agent, "smoking") == [ticket.number]
    assert found(agent, "Meter Box") == [ticket.number]


def test_one_character_finds_nothing(agent, cai):
    ticket_create(premise=cai[1], description="蔡")

    assert found(agent, "蔡") == []


def test_a_whole_number_is_that_ticket_and_a_number_end_comes_before_a_mention(agent, db):
    now = timezone.now()
    sixth = [ticket_create(now=now - timedelta(hours=1)) for _ in range(6)][-1]
    mention = ticket_create(description=f"与{sixth.number}是同一件事", now=now)

    assert found(agent, sixth.number) == [sixth.number]
    assert found(agent, sixth.number[1:]) == [sixth.number, mention.number]


def test_phone_matches_come_newest_first(agent, cai):
    now = timezone.now()
    older = ticket_create(caller_phone=PHONE, now=now - timedelta(days=3))
    newer = ticket_create(caller_phone=PHONE, now=now - timedelta(days=1))
    ticket_create(description=f"请回电 {PHONE}", now=now)  # a phone is a phone

    assert found(agent, PHONE) == [newer.number, older.number]


def test_the_whole_name_comes_before_part_of_a_name_then_address_then_description(agent, db):
    now = timezone.now()
    by_description = ticket_create(description="建国路口电线掉落", now=now)
    by_address = ticket_create(
        premise=PremiseFactory(address="建国路8号"), now=now - timedelta(hours=1)
    )
    by_part = ticket_create(
        premise=PremiseFactory(customer=CustomerFactory(name="王建国")),
        now=now - timedelta(hours=2),
    )
    by_name = ticket_create(
        premise=PremiseFactory(customer=CustomerFactory(name="建国")),
        now=now - timedelta(hours=3),
    )

    assert found(agent, "建国") == [
        by_name.number,
        by_part.number,
        by_address.number,
        by_description.number,
    ]


def test_each_ticket_is_listed_once_however_many_keys_find_it(agent, cai):
    ticket_create(premise=cai[1], description="蔡家乐家里停电", caller_phone=PHONE)

    assert len(found(agent, "蔡家乐")) == 1


def test_the_rank_is_annotated(agent, cai):
    ticket = ticket_create(premise=cai[1])

    rows = ticket_search(ticket_list_for_user(user=agent), text=ticket.number)

    assert rows[0].search_rank == Rank.NUMBER


# --- Scope ---------------------------------------------------------------------------------


def test_a_dispatcher_never_finds_a_complaint_by_its_number_or_customers_name(
    dispatcher_north, agent, cai
):
    complaint = ticket_create(kind="complaint", premise=cai[1])
    repair = ticket_create(kind="repair", premise=cai[1])

    assert found(dispatcher_north, complaint.number) == []
    assert found(dispatcher_north, "蔡家乐") == [repair.number]
    assert found(dispatcher_north, PHONE) == [repair.number]
    assert sorted(found(agent, "蔡家乐")) == sorted([complaint.number, repair.number])


def test_a_crew_finds_only_the_tickets_of_its_stations_work_orders(
    crew_north, station_north, station_south, cai
):
    complaint = ticket_create(kind="complaint", premise=cai[1])
    order = work_order_create(station=station_north, premise=cai[1])
    without_order = ticket_create(kind="repair", premise=cai[1])
    elsewhere = work_order_create(
        station=station_south,
        premise=PremiseFactory(customer=cai[0], transformer__feeder__station=station_south),
    )

    assert found(crew_north, "蔡家乐") == [order.ticket.number]
    for other in (complaint, without_order, elsewhere.ticket):
        assert found(crew_north, other.number) == []


def test_a_dispatcher_of_another_station_finds_nothing(dispatcher_south, cai):
    ticket = ticket_create(kind="repair", premise=cai[1])

    assert found(dispatcher_south, ticket.number) == []
    assert found(dispatcher_south, "人民路") == []


# --- The list page -------------------------------------------------------------------------


def test_the_list_page_searches_and_keeps_the_filters(client, agent, cai):
    repair = ticket_create(kind="repair", premise=cai[1])
    consultation = ticket_create(kind="consultation", premise=cai[1])
    client.force_login(agent)

    page = client.get(reverse("tickets:list"), {"q": "186 1217 1427", "kind": "repair"})

    html = page.content.decode()
    assert repair.number in html
    assert consultation.number not in html
    assert 'value="186 1217 1427"' in html


def test_the_list_page_says_when_nothing_matches(client, agent, db):
    client.force_login(agent)

    html = client.get(reverse("tickets:list"), {"q": "蔡家乐"}).content.decode()

    assert "No ticket matches “蔡家乐”." in html


def test_the_list_pages_through_the_matches_with_the_search_in_the_links(
    client, agent, cai, monkeypatch
):
    from tickets import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    now = timezone.now()
    tickets = [ticket_create(premise=cai[1], now=now - timedelta(minutes=n)) for n in range(5)]
    client.force_login(agent)

    first = client.get(reverse("tickets:list"), {"q": "家乐"})
    third = client.get(reverse("tickets:list"), {"q": "家乐", "page": 3})

    assert [t.number for t in first.context["page"]] == [tickets[0].number, tickets[1].number]
    assert [t.number for t in third.context["page"]] == [tickets[4].number]
    assert "?q=%E5%AE%B6%E4%B9%90&amp;page=2" in first.content.decode()
    assert "5 tickets match." in first.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_pages_search_makes_the_same_queries_for_3_and_30_tickets(
    size, client, agent, cai, django_assert_max_num_queries
):
    for n in range(size):
        ticket_create(premise=cai[1], description=f"第{n}次停电")
    client.force_login(agent)

    # Session, user, unread notifications; the customers and the premises the text names,
    # whether it is a common word of the descriptions (PostgreSQL); the count and the page.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("tickets:list"), {"q": "家乐"})

    assert response.context["page"].paginator.count == size


# --- The API -------------------------------------------------------------------------------


def test_the_api_searches_within_its_filters(api, agent, cai):
    repair = ticket_create(kind="repair", premise=cai[1])
    ticket_create(kind="consultation", premise=cai[1])
    api.force_authenticate(agent)

    response = api.get("/api/v1/tickets/", {"q": "+86 186-1217-1427", "kind": "repair"})

    assert response.status_code == 200
    assert [t["number"] for t in response.json()["results"]] == [repair.number]


def test_the_api_search_keeps_the_scope(api, dispatcher_north, cai):
    complaint = ticket_create(kind="complaint", premise=cai[1])
    api.force_authenticate(dispatcher_north)

    response = api.get("/api/v1/tickets/", {"q": complaint.number})

    assert response.json()["count"] == 0


@pytest.mark.parametrize("size", [3, 30])
def test_the_api_search_makes_the_same_queries_for_3_and_30_tickets(
    size, api, agent, cai, django_assert_max_num_queries
):
    for _ in range(size):
        ticket_create(premise=cai[1])
    api.force_authenticate(agent)

    # The customers and premises the text names, whether it is a common word of the
    # descriptions (PostgreSQL); the count and the page.
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/tickets/", {"q": "蔡家乐"})

    assert response.json()["count"] == size


def test_the_schema_documents_q(client, db):
    schema = client.get(reverse("schema"), {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/tickets/"]["get"]["parameters"]
    assert "q" in [p["name"] for p in parameters]


# --- PostgreSQL: the indexes do the work ---------------------------------------------------


def _plans(text: str, user) -> str:
    """The plans of every query the search makes, with PostgreSQL told to avoid reading
    whole tables (a test's tables are too small for it to prefer an index otherwise)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as captured:
        tickets = ticket_search(ticket_list_for_user(user=user), text=text)
    sql, params = tickets.query.sql_with_params()
    plans = []
    with connection.cursor() as cursor:
        # What was run comes back with its values in it: a LIKE's % is no placeholder.
        ran = [(q["sql"].replace("%", "%%"), ()) for q in captured]
        for statement, arguments in [*ran, (sql, params)]:
            cursor.execute(f"EXPLAIN {statement}", arguments)
            plans += [row[0] for row in cursor.fetchall()]
    return "\n".join(plans)


@requires_pg_trgm
@pytest.mark.parametrize(
    ("typed", "indexes"),
    [
        pytest.param("家乐", ["customer_name_bigrams", "premise_address_bigrams",
                             "ticket_description_bigrams"], id="two-characters"),
        pytest.param("蔡家乐", ["customer_name_trgm", "ticket_description_trgm"],
                     id="three-characters"),
        pytest.param("人民路", ["premise_address_trgm"], id="three-characters-of-an-address"),
        pytest.param("000006", ["ticket_number_reversed"], id="end-of-a-number"),
    ],
)  # fmt: skip
def test_every_key_is_looked_up_in_its_index(typed, indexes, agent, cai):
    ticket_create(premise=cai[1], description="蔡家乐来电")

    plans = _plans(typed, agent)

    for index in indexes:
        assert index in plans, plans
