"""The dashboard's numbers against the hand-built day of tests/dashboards/dataset.py, whatever
the rollup holds; who sees what; the refresh; the CSV of every table; the query budget."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from dashboards import services
from dashboards.tables import Link, Rate
from tests.dashboards.dataset import NOW, build
from tests.factories import PremiseFactory, UserFactory, ticket_create

pytestmark = pytest.mark.django_db

NORTH, SOUTH = "North station", "South station"


@pytest.fixture
def service_day(supervisor):
    day = build(supervisor=supervisor)
    services.rollup_refresh(now=NOW)
    return day


@pytest.fixture(params=["no rollup yet", "rollup through yesterday", "rollup three days old"])
def any_rollup(request, supervisor):
    """The same history with the rollup empty, current, or left behind by a stopped worker:
    the numbers must not change."""
    day = build(supervisor=supervisor)
    if request.param == "rollup through yesterday":
        services.rollup_refresh(now=NOW)
    elif request.param == "rollup three days old":
        services.rollup_refresh(now=NOW - timedelta(days=3))
    return day


def get(client, user, name="dashboards:dashboard", *args, **params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse(name, args=args), params)


def board_of(client, user, **params):
    response = get(client, user, **params)
    assert response.status_code == 200
    return response.context["board"]


def rows(board, slug):
    return board.tables[slug].rows


# --- Every number -----------------------------------------------------------------------------


def test_tiles(client, supervisor, any_rollup):
    board = board_of(client, supervisor)

    assert [(t.label, t.value, t.note) for t in board.tiles] == [
        ("Calls today", "4", ""),
        ("Tickets today", "11", ""),
        ("Open work orders", "5", "3 overdue"),
        ("Arrivals in time today", "50.0%", "2 of 4"),
        ("Active incidents", "1", ""),
        ("Urges today", "3", ""),
        ("Callback satisfaction", "66.7%", "in the period"),
    ]


def test_tickets_today_by_kind_and_status(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["tickets_today"]

    assert [c.label for c in table.columns] == [
        "Kind",
        "Open",
        "In progress",
        "Resolved",
        "Closed",
        "Cancelled",
        "Total",
    ]
    # Eight repairs (orders A to F and the incident's two reports), A resolved by its crew.
    assert table.rows == [
        ["Repair", 7, 0, 1, 0, 0, 8],
        ["Complaint", 1, 0, 0, 0, 0, 1],
        ["Consultation", 2, 0, 0, 0, 0, 2],
    ]
    assert table.total == ["Total", 10, 0, 1, 0, 0, 11]


def test_calls_today_by_reason(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["calls_today"]

    assert table.rows == [["Consultation", 1], ["Fault repair", 2], ["Call in progress", 1]]
    assert table.total == ["Total", 4]


def test_open_work_orders_by_station_with_overdue(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["open_work_orders"]

    # North: B on site (restore_by 16:45), C and D waiting, G returned; D and G past arrive_by.
    # South: E on site past restore_by 13:30.
    assert table.rows == [[NORTH, 4, 3, 0, 1, 2, 0], [SOUTH, 1, 0, 0, 1, 0, 1]]
    assert table.total == ["Total", 5, 3, 0, 2, 2, 1]


def test_arrival_compliance_by_station_today_7_and_30_days(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["compliance_by_station"]

    assert table.rows == [
        [NORTH, Rate(1, 3), Rate(2, 4), Rate(2, 4), Rate(2, 4)],
        [SOUTH, Rate(1, 1), Rate(1, 1), Rate(2, 2), Rate(2, 2)],
    ]
    assert table.total == ["Total", Rate(2, 4), Rate(3, 5), Rate(4, 6), Rate(4, 6)]


def test_arrival_compliance_by_area_type(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["compliance_by_area"]

    assert table.rows == [
        ["Urban", Rate(2, 4), Rate(3, 5), Rate(3, 5), Rate(3, 5)],
        ["Rural", Rate(0, 0), Rate(0, 0), Rate(1, 1), Rate(1, 1)],
    ]


def test_a_longer_period_reaches_the_older_orders(client, supervisor, any_rollup):
    board = board_of(client, supervisor, start="2026-10-01", end="2026-11-20")

    # I (10-11, late) joins the period; the fixed windows do not move.
    assert rows(board, "compliance_by_station")[0] == [
        NORTH,
        Rate(1, 3),
        Rate(2, 4),
        Rate(2, 4),
        Rate(2, 5),
    ]


def test_compliance_by_day(client, supervisor, any_rollup):
    board = board_of(client, supervisor)
    by_day = {day.isoformat(): rate for day, rate in rows(board, "compliance_by_day")}

    assert len(by_day) == 30
    assert {day: rate for day, rate in by_day.items() if rate.due} == {
        "2026-11-10": Rate(1, 1),
        "2026-11-19": Rate(1, 1),
        "2026-11-20": Rate(2, 4),
    }
    assert board.charts["compliance_by_day"].datasets[0]["data"][-1] == 50.0


def test_average_arrival_and_restoration_minutes_and_returns(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["repair_times"]

    # North arrivals 45:00 (A), 45:01 (B), 40:00 (G); restoration A 10 min; G returned.
    # South arrivals 30 (E), 90 (H); restoration H 60 min; F counted, cancelled.
    assert table.rows == [[NORTH, 5, 43.3, 10.0, 1], [SOUTH, 3, 60.0, 60.0, 0]]
    assert table.total == ["Total", 8, 50.0, 35.0, 1]


def test_active_incidents_with_device_tickets_and_etr(client, supervisor, any_rollup):
    day = any_rollup
    table = board_of(client, supervisor).tables["active_incidents"]

    (row,) = table.rows
    assert row[:5] == [
        Link(f"#{day.incident.pk}", f"/repairs/incidents/{day.incident.pk}/"),
        f"Transformer {day.incident.transformer.code}",
        NORTH,
        "Detected",
        2,
    ]
    assert row[5:] == [day.incident.etr, day.incident.created_at]


def test_outage_notices_today(client, supervisor, any_rollup):
    (row,) = rows(board_of(client, supervisor), "notices_today")

    assert row[0] == "Planned maintenance"
    assert row[4:] == [NORTH, "Late notice"]


def test_urges_today(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["urges_today"]

    assert table.rows == [[NORTH, 3]]


def test_callback_results_of_the_periods_complaints(client, supervisor, any_rollup):
    table = board_of(client, supervisor).tables["callbacks"]

    assert table.rows == [
        ["Satisfied", 1],
        ["Basically satisfied", 1],
        ["Unsatisfied", 1],
        ["Unreachable", 0],
    ]


def test_complaints_by_category_and_by_day(client, supervisor, any_rollup):
    board = board_of(client, supervisor)

    assert rows(board, "complaints_by_category") == [
        ["Service attitude", 1, 1, 0, 0, 0],
        ["Repair timeliness", 2, 0, 1, 0, 1],
        ["Billing and metering", 1, 0, 0, 1, 0],
    ]
    by_day = {row[0].isoformat(): row[1:] for row in rows(board, "complaints_by_day")}
    assert len(by_day) == 30
    assert {day: counts for day, counts in by_day.items() if any(counts)} == {
        "2026-11-01": [0, 0, 1],
        "2026-11-15": [0, 1, 0],
        "2026-11-19": [1, 0, 0],
        "2026-11-20": [0, 1, 0],
    }
    chart = board.charts["complaints_by_day"]
    assert [d["label"] for d in chart.datasets] == [
        "Service attitude",
        "Repair timeliness",
        "Billing and metering",
    ]


def test_tickets_by_day(client, supervisor, any_rollup):
    board = board_of(client, supervisor)
    by_day = {row[0].isoformat(): row[1:] for row in rows(board, "tickets_by_day")}

    assert [c.label for c in board.tables["tickets_by_day"].columns] == [
        "Day",
        "Repair",
        "Complaint",
        "Consultation",
        "Total",
    ]
    assert {day: counts for day, counts in by_day.items() if counts[-1]} == {
        "2026-11-01": [0, 1, 0, 1],
        "2026-11-10": [1, 0, 0, 1],
        "2026-11-15": [0, 1, 0, 1],
        "2026-11-19": [1, 1, 0, 2],
        "2026-11-20": [8, 1, 2, 11],
    }


def test_station_report(client, supervisor, any_rollup):
    response = get(client, supervisor, "dashboards:stations")

    table = response.context["table"]
    assert table.rows == [
        [NORTH, 10, 5, Rate(2, 4), 43.3, 10.0, 1, 1, 0],
        [SOUTH, 4, 3, Rate(2, 2), 60.0, 60.0, 0, 0, 1],
        ["No station", 2, 0, Rate(0, 0), None, None, 0, 0, 0],
    ]
    assert table.total == ["Total", 16, 8, Rate(4, 6), 50.0, 35.0, 1, 1, 1]


# --- Who sees what ------------------------------------------------------------------------------


def test_a_dispatcher_sees_only_their_station(client, service_day):
    dispatcher = UserFactory(role=Role.DISPATCHER, station=service_day.north)

    board = board_of(client, dispatcher, station="S01")  # asking for South changes nothing

    assert board.scope.station == service_day.north
    assert rows(board, "open_work_orders") == [[NORTH, 4, 3, 0, 1, 2, 0]]
    assert rows(board, "compliance_by_station") == [
        [NORTH, Rate(1, 3), Rate(2, 4), Rate(2, 4), Rate(2, 4)]
    ]
    assert rows(board, "tickets_today") == [
        ["Repair", 5, 0, 1, 0, 0, 6],
        ["Complaint", 1, 0, 0, 0, 0, 1],
        ["Consultation", 1, 0, 0, 0, 0, 1],
    ]
    assert "calls_today" not in board.tables  # calls have no station
    assert [row[0] for row in rows(board, "complaints_by_category")] == [
        "Service attitude",
        "Repair timeliness",
    ]
    assert len(rows(board, "active_incidents")) == 1
    assert len(rows(board, "notices_today")) == 1
    html = get(client, dispatcher).text
    assert SOUTH not in html
    assert 'name="station"' not in html


def test_a_dispatcher_of_the_other_station_sees_none_of_norths_work(client, service_day):
    dispatcher = UserFactory(role=Role.DISPATCHER, station=service_day.south)

    board = board_of(client, dispatcher)

    assert rows(board, "open_work_orders") == [[SOUTH, 1, 0, 0, 1, 0, 1]]
    assert rows(board, "active_incidents") == []
    assert rows(board, "notices_today") == []
    assert rows(board, "urges_today") == []


def test_a_dispatchers_csv_holds_only_their_station(client, service_day):
    dispatcher = UserFactory(role=Role.DISPATCHER, station=service_day.south)

    for name, args in (("dashboards:csv", ("open_work_orders",)), ("dashboards:stations_csv", ())):
        response = get(client, dispatcher, name, *args, station="N01")
        text = response.content.decode("utf-8-sig")
        assert SOUTH in text
        assert NORTH not in text


def test_a_supervisor_may_look_at_one_station(client, supervisor, service_day):
    board = board_of(client, supervisor, station="N01")

    assert board.scope.station == service_day.north
    assert rows(board, "urges_today") == [[NORTH, 3]]
    assert rows(board, "repair_times") == [[NORTH, 5, 43.3, 10.0, 1]]


def test_a_manager_sees_the_dashboard(client, manager, service_day):
    assert board_of(client, manager).tables["open_work_orders"].total[1] == 5


@pytest.mark.parametrize("role", [Role.AGENT, Role.CREW, Role.HANDLER])
def test_other_roles_are_refused(client, service_day, role):
    user = UserFactory(role=role, station=service_day.north)

    assert get(client, user).status_code == 403
    assert get(client, user, "dashboards:csv", "urges_today").status_code == 403
    assert get(client, user, "dashboards:stations").status_code == 403


def test_a_dispatcher_without_a_station_is_refused(client, service_day):
    assert get(client, UserFactory(role=Role.DISPATCHER)).status_code == 403


def test_signed_out_goes_to_the_login_page(client):
    response = client.get(reverse("dashboards:dashboard"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_navigation_offers_the_dashboard_to_supervisors_only(client, supervisor, agent):
    client.force_login(supervisor)
    assert reverse("dashboards:dashboard") in client.get(reverse("home")).text
    client.force_login(agent)
    assert reverse("dashboards:dashboard") not in client.get(reverse("home")).text


# --- The page and its refresh -----------------------------------------------------------------


def test_the_page_has_a_chart_for_each_charted_table_and_polls(client, supervisor, service_day):
    response = get(client, supervisor)
    html = response.text

    assert "vendor/chartjs/chart.umd.js" in html
    for slug in response.context["board"].charts:
        assert f'data-chart-source="chart-data-{slug}"' in html
        assert f'id="chart-data-{slug}"' in html
    assert 'data-poll-seconds="15"' in html


def test_an_empty_service_shows_empty_tables_and_no_charts(client, supervisor):
    response = get(client, supervisor)

    board = response.context["board"]
    assert response.status_code == 200
    assert board.charts == {}
    assert "<canvas" not in response.text
    assert "No open work orders." in response.text
    assert [t.value for t in board.tiles] == ["0", "0", "0", "—", "0", "0", "—"]


def test_the_htmx_refresh_gets_the_panels_alone(client, supervisor, service_day):
    client.force_login(supervisor)
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("dashboards:dashboard"), {"station": "N01"}, headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'class="kpis"' in response.text
    assert response.context["board"].scope.station == service_day.north
    assert "HX-Request" in response["Vary"]


def test_the_refresh_shows_a_ticket_recorded_since(client, supervisor, service_day, settings):
    settings.GRIDLINE_DASHBOARD_CACHE_SECONDS = 0  # counted on every request
    before = board_of(client, supervisor).tiles[1].value
    ticket_create(
        kind="repair",
        premise=PremiseFactory(transformer__feeder__station=service_day.north),
        now=NOW - timedelta(minutes=1),
    )

    after = board_of(client, supervisor).tiles[1].value

    assert (before, after) == ("11", "12")


def test_screens_polling_together_share_one_count_for_the_cache_time(
    client, supervisor, manager, service_day, django_assert_max_num_queries
):
    """Every supervisor's screen polls every 15 s: within GRIDLINE_DASHBOARD_CACHE_SECONDS
    (10 s) of a count they all get it, and the next poll after that counts again."""
    first = board_of(client, supervisor).tiles[1].value
    ticket_create(
        kind="repair",
        premise=PremiseFactory(transformer__feeder__station=service_day.north),
        now=NOW - timedelta(minutes=1),
    )
    client.force_login(manager)

    with time_machine.travel(NOW + timedelta(seconds=9), tick=False):
        with django_assert_max_num_queries(4):  # session, user, the station list
            shared = client.get(reverse("dashboards:dashboard"))
        with time_machine.travel(NOW + timedelta(seconds=11), tick=False):
            later = client.get(reverse("dashboards:dashboard"))

    assert first == "11"
    assert f'<span class="kpi-value">{first}</span>' in shared.text
    assert "board" not in shared.context
    assert later.context["board"].tiles[1].value == "12"


def test_bad_filters_fall_back_and_say_so(client, supervisor, service_day):
    response = get(client, supervisor, start="last week", end="2026-11-20", station="XX")

    scope = response.context["board"].scope
    assert (scope.first.isoformat(), scope.last.isoformat(), scope.station) == (
        "2026-10-22",
        "2026-11-20",
        None,
    )
    assert "Some filters were not understood" in response.text


def test_a_period_is_at_most_a_year_and_ends_today(client, supervisor, service_day):
    response = get(client, supervisor, start="2020-01-01", end="2030-01-01")

    scope = response.context["board"].scope
    assert (scope.first.isoformat(), scope.last.isoformat()) == ("2025-11-20", "2026-11-20")
    assert "At most 366 days at a time." in response.text


def test_a_period_that_starts_after_it_ends_shows_its_last_day(client, supervisor, service_day):
    scope = board_of(client, supervisor, start="2026-11-19", end="2026-11-10").scope

    assert (scope.first.isoformat(), scope.last.isoformat()) == ("2026-11-10", "2026-11-10")


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # for Excel
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_of_compliance_by_station_gives_the_counts_and_the_share(
    client, supervisor, service_day
):
    response = get(client, supervisor, "dashboards:csv", "compliance_by_station")

    assert response["Content-Disposition"] == (
        'attachment; filename="gridline-compliance_by_station-2026-10-22-2026-11-20.csv"'
    )
    assert read_csv(response) == [
        [
            "Supply station",
            "Today: in time",
            "Today: due",
            "Today: %",
            "7 days: in time",
            "7 days: due",
            "7 days: %",
            "30 days: in time",
            "30 days: due",
            "30 days: %",
            "Period: in time",
            "Period: due",
            "Period: %",
        ],
        [NORTH, "1", "3", "33.3", "2", "4", "50.0", "2", "4", "50.0", "2", "4", "50.0"],
        [SOUTH, "1", "1", "100.0", "1", "1", "100.0", "2", "2", "100.0", "2", "2", "100.0"],
        ["Total", "2", "4", "50.0", "3", "5", "60.0", "4", "6", "66.7", "4", "6", "66.7"],
    ]


def test_csv_of_incidents_and_notices_writes_local_times(client, supervisor, service_day):
    incidents = read_csv(get(client, supervisor, "dashboards:csv", "active_incidents"))
    notices = read_csv(get(client, supervisor, "dashboards:csv", "notices_today"))

    assert incidents[1][4:] == ["2", "2026-11-20T17:00+08:00", "2026-11-20T13:30+08:00"]
    assert notices[1][2:] == [
        "2026-11-20T08:00+08:00",
        "2026-11-20T18:00+08:00",
        NORTH,
        "Late notice",
    ]


def test_csv_of_the_station_report(client, supervisor, service_day):
    response = get(client, supervisor, "dashboards:stations_csv", station="S01")

    assert response["Content-Disposition"].endswith('-2026-10-22-2026-11-20-S01.csv"')
    assert read_csv(response) == [
        [
            "Supply station",
            "Tickets",
            "Work orders",
            "Arrival in time: in time",
            "Arrival in time: due",
            "Arrival in time: %",
            "Average arrival (min)",
            "Average restoration (min)",
            "Returned",
            "Valid complaints",
            "Partially valid complaints",
        ],
        [SOUTH, "4", "3", "2", "2", "100.0", "60.0", "60.0", "0", "0", "1"],
        ["Total", "4", "3", "2", "2", "100.0", "60.0", "60.0", "0", "0", "1"],
    ]


def test_every_table_on_the_page_has_its_csv(client, supervisor, service_day):
    board = board_of(client, supervisor)

    for slug, table in board.tables.items():
        response = get(client, supervisor, "dashboards:csv", slug)
        assert response.status_code == 200, slug
        lines = read_csv(response)
        assert lines[0] == table.csv_header()
        assert len(lines) == 1 + len(table.rows) + (table.total is not None)


def test_an_unknown_table_is_404(client, supervisor, service_day):
    assert get(client, supervisor, "dashboards:csv", "salaries").status_code == 404


# --- Query budget -------------------------------------------------------------------------------


def more_of_the_same(day, supervisor, copies: int) -> None:
    """Another `copies` orders, tickets, complaints and urges on every day of the month."""
    from tests.dashboards.dataset import Walker, order

    walker = Walker(day.north, supervisor)
    for n in range(copies):
        created = NOW - timedelta(days=n % 30, hours=1)
        placed = order(day.north, "urban", created, 45)
        walker.arrive(placed, created + timedelta(minutes=30 + n % 30))
        ticket_create(kind="consultation", now=created)


@pytest.mark.parametrize("view", ["dashboards:dashboard", "dashboards:stations"])
def test_query_count_does_not_grow_with_the_data(
    client, supervisor, service_day, django_assert_max_num_queries, view
):
    client.force_login(supervisor)
    # Both: session, user, the bell (3); stations, the rollup's state (2); the live days'
    # tickets, urges, work orders (those with a ticket, an incident's) and complaints (5).
    # The dashboard adds today's tickets by status, calls, open orders, incidents, notices
    # with feeders and transformers (7), five rollup reads, the categories and the ticket
    # estimate, the agent figures (calls, callbacks, agents); the report three rollup reads.
    budget = {"dashboards:dashboard": 27, "dashboards:stations": 13}[view]
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(budget):
        client.get(reverse(view))

    more_of_the_same(service_day, supervisor, copies=40)
    services.rollup_refresh(now=NOW)

    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(budget):
        client.get(reverse(view))
