"""The daily counts (dashboards/daily.py): what each number means, at its edges."""

from datetime import timedelta

import pytest

from dashboards import daily
from dashboards.models import WorkOrderDay
from grid.models import AreaType
from repairs.models import Incident, Repair
from tests.dashboards.dataset import TODAY, TZ, Walker, at, order
from tests.factories import (
    FeederFactory,
    PremiseFactory,
    StationFactory,
    TransformerFactory,
    ticket_create,
    work_order_create,
)
from tickets.services import ticket_urge

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    return StationFactory(code="N01", name="North station")


@pytest.fixture
def walker(north, supervisor):
    return Walker(north, supervisor)


def orders_of_today(now) -> list[WorkOrderDay]:
    start = daily.day_start(TODAY)
    return daily.work_order_days(start=start, end=start + timedelta(days=1), now=now)


def test_arriving_exactly_at_arrive_by_counts_as_in_time_and_a_second_later_does_not(north, walker):
    on_the_dot = order(north, AreaType.URBAN, at(20, 10), 45)
    a_second_late = order(north, AreaType.URBAN, at(20, 11), 45)
    walker.arrive(on_the_dot, at(20, 10, 45))
    walker.arrive(a_second_late, at(20, 11, 45, 1))

    (row,) = orders_of_today(now=at(20, 12))

    assert (row.arrivals_due, row.arrivals_met) == (2, 1)
    assert row.arrivals == 2
    assert row.arrival_seconds == 45 * 60 + 45 * 60 + 1


def test_an_order_is_due_once_arrive_by_has_passed_or_the_crew_arrived(north, walker):
    early = order(north, AreaType.URBAN, at(20, 10), 45)
    walker.arrive(early, at(20, 10, 20))
    order(north, AreaType.URBAN, at(20, 10, 30), 45)  # arrive_by 11:15, nobody there yet

    before = orders_of_today(now=at(20, 11, 14))
    on_the_dot = orders_of_today(now=at(20, 11, 15))

    assert [(r.arrivals_due, r.arrivals_met) for r in before] == [(1, 1)]
    # Due at arrive_by itself: from that moment the crew can no longer be in time.
    assert [(r.arrivals_due, r.arrivals_met) for r in on_the_dot] == [(2, 1)]


def test_a_cancelled_order_no_crew_reached_is_not_due_but_still_counted(north, walker):
    cancelled = order(north, AreaType.URBAN, at(20, 9), 45)
    walker.cancel(cancelled, at(20, 9, 10))

    (row,) = orders_of_today(now=at(20, 15))

    assert (row.work_orders, row.arrivals_due, row.arrivals_met) == (1, 0, 0)


def test_restoration_counts_from_arrival_to_completion_and_returns_are_counted(north, walker):
    done = order(north, AreaType.RURAL, at(20, 8), 90)
    walker.arrive(done, at(20, 9))
    walker.complete(done, at(20, 10, 30))
    back = order(north, AreaType.RURAL, at(20, 8, 30), 90)
    walker.arrive(back, at(20, 9, 30))
    walker.give_back(back, at(20, 9, 45))

    (row,) = orders_of_today(now=at(20, 15))

    assert (row.area_type, row.restorations, row.restoration_seconds) == ("rural", 1, 90 * 60)
    assert row.returns == 1


def test_an_incident_order_takes_its_first_reports_area_type(north):
    feeder = FeederFactory(station=north)
    transformer = TransformerFactory(feeder=feeder)
    incident_order = work_order_create(station=north, ticket=False, now=at(20, 9))
    incident = Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=north,
        feeder=feeder,
        transformer=transformer,
        work_order=incident_order,
        created_at=at(20, 9),
    )
    for area in (AreaType.REMOTE, AreaType.URBAN):
        report = ticket_create(
            kind="repair",
            now=at(20, 9),
            premise=PremiseFactory(transformer=transformer, area_type=area),
        )
        Repair.objects.create(
            ticket=report,
            scope="neighbours",
            breaker="not_tripped",
            fault_side="utility",
            outcome="dispatch",
            incident=incident,
        )

    (row,) = orders_of_today(now=at(20, 15))

    assert (row.area_type, row.work_orders) == ("remote", 1)


def test_days_are_local_days(north):
    premise = PremiseFactory(transformer__feeder__station=north)
    ticket_create(kind="repair", premise=premise, now=at(19, 23, 59, 59))
    ticket_create(kind="repair", premise=premise, now=at(20, 0, 0, 0))

    rows = daily.ticket_days(
        start=daily.day_start(TODAY - timedelta(days=1)),
        end=daily.day_start(TODAY + timedelta(days=1)),
    )

    assert [(r.day.isoformat(), r.created) for r in rows] == [
        ("2026-11-19", 1),
        ("2026-11-20", 1),
    ]
    assert daily.day_start(TODAY).tzinfo.key == TZ.key


def test_urges_count_on_the_day_they_were_recorded(north, supervisor):
    premise = PremiseFactory(transformer__feeder__station=north)
    old = ticket_create(kind="repair", premise=premise, now=at(10, 9))
    ticket_urge(ticket=old, actor=supervisor, now=at(19, 9))
    ticket_urge(ticket=old, actor=supervisor, now=at(20, 9))
    ticket_urge(ticket=old, actor=supervisor, now=at(20, 10))

    rows = daily.ticket_days(
        start=daily.day_start(at(10, 0).date()), end=daily.day_start(TODAY + timedelta(days=1))
    )

    assert [(r.day.isoformat(), r.created, r.urges) for r in rows] == [
        ("2026-11-10", 1, 0),
        ("2026-11-19", 0, 1),
        ("2026-11-20", 0, 2),
    ]


def test_a_station_filter_counts_only_that_station(north):
    south = StationFactory(code="S01")
    ticket_create(
        kind="repair", premise=PremiseFactory(transformer__feeder__station=north), now=at(20, 9)
    )
    ticket_create(
        kind="repair", premise=PremiseFactory(transformer__feeder__station=south), now=at(20, 9)
    )
    ticket_create(kind="consultation", now=at(20, 9))
    start = daily.day_start(TODAY)

    everything = daily.ticket_days(start=start, end=start + timedelta(days=1))
    north_only = daily.ticket_days(start=start, end=start + timedelta(days=1), station_id=north.pk)

    assert sorted((r.station_id or 0, r.kind) for r in everything) == sorted(
        [(north.pk, "repair"), (south.pk, "repair"), (0, "consultation")]
    )
    assert [(r.station_id, r.created) for r in north_only] == [(north.pk, 1)]
