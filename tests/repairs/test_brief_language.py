"""A work-order brief the system writes is stored as what it is made of and read in the
reader's language (DESIGN §3.16): the queue, the order's page and the API alike."""

from django.test import Client
from django.utils import translation

from accounts.models import Role
from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, Scope
from tests.factories import PASSWORD, PremiseFactory, UserFactory
from tests.factories import work_order_create as make_work_order

ENGLISH = "Out: Only this premise; Breaker: Not tripped"
CHINESE = "停电范围："  # the label after it is the catalogue's


def order_written_in_chinese(station):
    with translation.override("zh-hans"):  # the demo's hotline, or an agent's Chinese page
        created = repair_create(
            premise=PremiseFactory(transformer__feeder__station=station),
            answers=Answers(scope=Scope.SELF_ONLY, breaker=Breaker.NOT_TRIPPED),
            actor=None,
            caller_phone="13800000001",
        )
    assert created.work_order is not None
    return created.work_order


def test_the_brief_is_stored_as_its_facts(station_north):
    order = order_written_in_chinese(station_north)

    assert (order.brief, order.brief_kind) == ("", "brief_repair")
    assert order.brief_params == {
        "scope": "self_only",
        "breaker": "not_tripped",
        "equipment": "",
        "overload": False,
    }


def test_the_api_writes_the_brief_in_the_requests_language(api, dispatcher_north, station_north):
    order = order_written_in_chinese(station_north)
    api.force_authenticate(dispatcher_north)
    url = f"/api/v1/work-orders/{order.pk}/"

    english = api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["brief"]
    chinese = api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["brief"]

    assert english == ENGLISH
    assert chinese.startswith(CHINESE)


def test_the_list_writes_the_brief_in_the_requests_language(api, dispatcher_north, station_north):
    order_written_in_chinese(station_north)
    api.force_authenticate(dispatcher_north)

    (row,) = api.get("/api/v1/work-orders/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert row["brief"] == ENGLISH


def test_the_station_reads_the_brief_in_the_language_it_chose(station_north):
    order = order_written_in_chinese(station_north)
    english_speaker = UserFactory(role=Role.DISPATCHER, station=station_north, language="en")
    client = Client(headers={"accept-language": "zh-hans"})
    client.login(username=english_speaker.username, password=PASSWORD)

    queue = client.get("/dispatch/").content.decode()
    page = client.get(f"/dispatch/work-orders/{order.pk}/").content.decode()

    assert ENGLISH in queue
    assert ENGLISH in page
    assert CHINESE not in page


def test_a_brief_a_person_typed_is_shown_as_typed(station_north):
    order = make_work_order(station=station_north, brief="整条街停电")

    with translation.override("en"):
        assert order.brief_text == "整条街停电"
