"""The agent figures (DESIGN §3.15) against a small set of calls counted by hand, on a frozen
clock; the pages, their CSV, who reads them and the query budget."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dashboards import selectors
from dashboards.agents import Period, agent_days_table, agents_table
from hotline.services import call_finish, call_start
from hotline.telephony import telephony_event_record
from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, Scope
from tests.factories import PremiseFactory, UserFactory
from tickets.callbacks import callback_record

LOCAL = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 26, tzinfo=LOCAL)  # the last day of the period
NOW = DAY + timedelta(hours=12)
PERIOD = Period((DAY - timedelta(days=6)).date(), DAY.date())
P1, P2, P3 = "13800000001", "13800000002", "13800000003"


def at(hours: float, *, days: int = 0) -> datetime:
    return DAY + timedelta(days=days, hours=hours)


def manual(agent, phone, start, seconds):
    call = call_start(agent=agent, caller_phone=phone, customer=None, now=start)
    call_finish(call=call, reason="", outcome="", now=start + timedelta(seconds=seconds))


def telephony(agent, call_id, phone, rang, *, answered=None, hung_up):
    for event, when in (("ring", rang), ("answer", answered), ("hangup", hung_up)):
        if when is not None:
            telephony_event_record(event=event, call_id=call_id, caller_phone=phone,
                                   agent=agent, at=when)  # fmt: skip


@pytest.fixture
def calls(station_north):
    """Wang: a console call from P1 (240 s); P1 again within the hour, answered (360 s); P2
    rung and hung up unanswered; one callback. Li: P2 again half an hour after the abandoned
    ring (300 s); P3 three days earlier (600 s) and again today (120 s)."""
    wang = UserFactory(username="wang", first_name="Wang")
    li = UserFactory(username="li", first_name="Li")
    manual(wang, P1, at(9), 240)
    telephony(wang, "c2", P1, at(10), answered=at(10) + timedelta(seconds=30),
              hung_up=at(10) + timedelta(seconds=390))  # fmt: skip
    telephony(wang, "c3", P2, at(11), hung_up=at(11) + timedelta(seconds=20))
    telephony(li, "c4", P2, at(11.5), answered=at(11.5), hung_up=at(11.5) + timedelta(seconds=300))
    manual(li, P3, at(8, days=-3), 600)
    manual(li, P3, at(8), 120)
    premise = PremiseFactory(transformer__feeder__station=station_north)
    answers = Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK)
    ticket = repair_create(premise=premise, answers=answers, actor=None, now=at(1)).ticket
    callback_record(ticket=ticket, result="satisfied", note="", actor=wang, now=at(11.9))
    # Outside the period: counted nowhere, but a call before it still makes a repeat.
    manual(li, P1, at(9, days=-8), 60)
    return wang, li


@pytest.mark.django_db
def test_the_figures_are_the_hand_counted_ones(calls):
    with time_machine.travel(NOW, tick=False):
        table, agents = agents_table(period=PERIOD)

    # agent, handled, average handling (min), abandoned, repeats 24 h and 7 days, callbacks
    assert table.rows == [
        ["Li", 3, 5.7, 0, 1, 2, 0],  # (300 + 600 + 120) / 3 s; P2 after the abandoned ring
        ["Wang", 2, 5.0, 1, 1, 1, 1],  # (240 + 360) / 2 s
    ]
    assert table.total == ["All agents", 5, 5.4, 1, 2, 3, 1]
    assert [agent.username for agent in agents] == ["li", "wang"]


@pytest.mark.django_db
def test_one_agent_by_day(calls):
    _wang, li = calls

    table = agent_days_table(period=PERIOD, agent=li)

    by_day = {row[0]: row[1:] for row in table.rows}
    assert len(table.rows) == 7
    assert by_day[(DAY - timedelta(days=3)).date()] == [1, 10.0, 0, 0, 0, 0]
    assert by_day[DAY.date()] == [2, 3.5, 0, 1, 2, 0]
    assert by_day[(DAY - timedelta(days=1)).date()] == [0, None, 0, 0, 0, 0]
    assert table.total == ["Total", 3, 5.7, 0, 1, 2, 0]


@pytest.mark.django_db
def test_the_pages_and_their_csv(client, supervisor, calls):
    _wang, li = calls
    client.force_login(supervisor)
    query = {"start": PERIOD.first.isoformat(), "end": PERIOD.last.isoformat()}

    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("dashboards:agents"), query)
        day_page = client.get(reverse("dashboards:agent", args=[li.pk]), query)
        rows = list(csv.reader(io.StringIO(
            client.get(reverse("dashboards:agents_csv"), query).content.decode("utf-8-sig")
        )))  # fmt: skip
        board = client.get(reverse("dashboards:dashboard"), query)

    assert page.status_code == day_page.status_code == 200
    assert reverse("dashboards:agent", args=[li.pk]) in page.content.decode()
    assert rows[0][:3] == ["Agent", "Calls handled", "Average handling (min)"]
    assert rows[1:] == [
        ["Li", "3", "5.7", "0", "1", "2", "0"],
        ["Wang", "2", "5.0", "1", "1", "1", "1"],
        ["All agents", "5", "5.4", "1", "2", "3", "1"],
    ]
    assert "Agent figures in the period" in board.content.decode()


@pytest.mark.django_db
def test_only_supervisors_and_managers_read_them(client, agent, dispatcher_north, manager):
    for user, status in ((agent, 403), (dispatcher_north, 403), (manager, 200)):
        client.force_login(user)
        assert client.get(reverse("dashboards:agents")).status_code == status
    assert client.get(reverse("dashboards:agent", args=[dispatcher_north.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("copies", [1, 10])
def test_the_query_count_does_not_grow_with_the_calls(
    client, supervisor, station_north, django_assert_max_num_queries, copies
):
    for n in range(copies):
        agent = UserFactory(username=f"agent{n}")
        manual(agent, P1, at(9) + timedelta(minutes=n), 60)
        telephony(agent, f"r{n}", P2, at(10, days=-1) + timedelta(minutes=n),
                  hung_up=at(10, days=-1) + timedelta(minutes=n, seconds=9))  # fmt: skip
    client.force_login(supervisor)

    # Session, user, the bell, the stations; the calls, the callbacks, the agents.
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(7):
        page = client.get(reverse("dashboards:agents"))
    # The agent's page: the agent instead of the agents.
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(7):
        client.get(reverse("dashboards:agent", args=[agent.pk]))

    assert len(page.context["table"].rows) == copies


@pytest.mark.django_db
def test_calls_today_leave_out_the_abandoned_ring(calls, client, supervisor):
    client.force_login(supervisor)

    with time_machine.travel(NOW, tick=False):
        board = client.get(reverse("dashboards:dashboard"))

    # Wang's two and Li's two; not the ring nobody answered.
    assert board.context["panels"].count("No calls yet today.") == 0
    assert selectors.calls_today(scope=board.context["filtered"].scope) == {"other": 4}
