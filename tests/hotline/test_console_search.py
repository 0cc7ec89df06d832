"""The console's search (DESIGN §3.9): callers by name too, the address matches counted and
paged best first, and the tickets the text finds."""

import pytest
from django.urls import reverse

from hotline.selectors import MatchedBy, caller_search, premise_page_by_address
from tests.factories import CustomerFactory, PremiseFactory, ticket_create


@pytest.mark.parametrize("typed", ["陈伟", "陈"])
def test_a_name_finds_the_caller_but_one_character_does_not(typed, customer, home):
    matches = caller_search(text=typed).matches

    assert [m.customer for m in matches] == ([customer] if len(typed) > 1 else [])
    assert all(m.matched_by == MatchedBy.NAME for m in matches)


def test_two_characters_of_a_name_find_the_caller_the_whole_name_first(db):
    cai = CustomerFactory(name="蔡家乐")
    whole = CustomerFactory(name="家乐")

    matches = caller_search(text="家乐").matches

    assert [m.customer for m in matches] == [whole, cai]
    assert [m.exact for m in matches] == [True, False]


@pytest.fixture
def road(db):
    """23 premises on Heping Road, each of its own customer."""
    return [PremiseFactory(address=f"和平北路{n}号") for n in range(1, 24)]


def test_the_address_search_says_how_many_match_and_pages_past_the_first_ten(client, agent, road):
    client.force_login(agent)

    first = client.get(reverse("hotline:search"), {"q": "和平北路"}).content.decode()
    third = client.get(reverse("hotline:search"), {"q": "和平北路", "page": 3})

    assert "23 premises match; showing 1–10." in first
    assert "page=2" in first
    assert "23 premises match; showing 21–23." in third.content.decode()
    assert {m.customer for m in third.context["matches"]} == {p.customer for p in road[20:]}


def test_address_matches_come_closest_first(db):
    longer = PremiseFactory(address="城关镇人民路12号3栋")
    shorter = PremiseFactory(address="城关镇人民路12号")
    starting = PremiseFactory(address="人民路12号后院仓库")
    exact = PremiseFactory(address="人民路12号")

    page = premise_page_by_address(text="人民路12号", page=1, per_page=10)

    assert list(page) == [exact, starting, shorter, longer]


def test_a_page_past_the_end_shows_the_last(db, road):
    page = premise_page_by_address(text="和平北路", page=9, per_page=10)

    assert page.number == 3


def test_the_console_shows_the_tickets_the_text_finds_and_links_the_rest(
    client, agent, customer, home
):
    ticket = ticket_create(kind="repair", premise=home, description="家里没电")
    client.force_login(agent)

    response = client.get(reverse("hotline:search"), {"q": "陈伟"})

    html = response.content.decode()
    assert response.context["tickets"] == [ticket]
    assert ticket.number in html
    assert f"{reverse('tickets:list')}?q=%E9%99%88%E4%BC%9F" in html


def test_a_ticket_number_shows_its_ticket(client, agent, customer, home):
    ticket = ticket_create(kind="repair", premise=home)
    client.force_login(agent)

    response = client.get(reverse("hotline:console"), {"q": ticket.number})

    assert response.context["tickets"] == [ticket]
