"""The daily rollup stays equal to a direct count of the source rows: after creates, after
transitions (recounted by the periodic refresh and the nightly settle) and after a rebuild."""

import threading
from collections import Counter
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from complaints.models import Category, Complaint
from config import celery
from dashboards import services, tasks
from dashboards.models import (
    COMPLAINT_DAY_SUMS,
    WORK_ORDER_DAY_SUMS,
    ComplaintDay,
    RollupState,
    TicketDay,
    WorkOrderDay,
)
from dispatch.models import WorkOrder
from grid.models import AreaType
from tests.conftest import requires_postgres
from tests.dashboards.dataset import TZ, Walker, at, order
from tests.factories import PremiseFactory, StationFactory, ticket_create
from tickets.models import Callback, Ticket, TimelineEvent
from tickets.services import ticket_urge

pytestmark = pytest.mark.django_db


def local(moment) -> date:
    return timezone.localtime(moment, TZ).date()


def direct_count(*, last: date, now) -> dict:
    """The rollup's numbers counted the slow, obvious way: one row at a time, in Python."""
    counts: dict = {}

    def add(key, field, n=1):
        counts.setdefault(key, Counter())[field] += n

    for ticket in Ticket.objects.all():
        if local(ticket.created_at) <= last:
            add(("ticket", local(ticket.created_at), ticket.station_id, ticket.kind), "created")
    for event in TimelineEvent.objects.filter(kind="urged").select_related("ticket"):
        if local(event.at) <= last:
            ticket = event.ticket
            add(("ticket", local(event.at), ticket.station_id, ticket.kind), "urges")
    for wo in WorkOrder.objects.select_related("ticket__premise"):
        day = local(wo.created_at)
        if day > last:
            continue
        # Every order here serves a repair ticket on a premise.
        assert wo.ticket is not None
        assert wo.ticket.premise is not None
        key = ("work", day, wo.station_id, wo.ticket.premise.area_type)
        add(key, "work_orders")
        if wo.arrived_at is not None or (wo.arrive_by <= now and wo.status != "cancelled"):
            add(key, "arrivals_due")
        if wo.arrived_at is not None:
            add(key, "arrivals")
            add(key, "arrival_seconds", round((wo.arrived_at - wo.created_at).total_seconds()))
            add(key, "arrivals_met", int(wo.arrived_at <= wo.arrive_by))
        if wo.completed_at is not None:
            assert wo.arrived_at is not None  # a crew completes on site
            add(key, "restorations")
            add(
                key, "restoration_seconds", round((wo.completed_at - wo.arrived_at).total_seconds())
            )
        add(key, "returns", int(wo.returned_at is not None))
    for complaint in Complaint.objects.select_related("ticket", "category"):
        day = local(complaint.ticket.created_at)
        if day > last:
            continue
        complaint_key = ("complaint", day, complaint.ticket.station_id, complaint.category.code)
        add(complaint_key, "complaints")
        called = complaint.ticket.callbacks.order_by("-pk").first()
        for value in (complaint.validity, called.result if called else ""):
            if value:
                add(complaint_key, value)
    return {key: +counter for key, counter in counts.items() if +counter}


def stored() -> dict:
    rows: dict = {}
    for ticket_day in TicketDay.objects.all():
        rows[("ticket", ticket_day.day, ticket_day.station_id, ticket_day.kind)] = Counter(
            created=ticket_day.created, urges=ticket_day.urges
        )
    for work_day in WorkOrderDay.objects.all():
        rows[("work", work_day.day, work_day.station_id, work_day.area_type)] = Counter(
            {f: getattr(work_day, f) for f in WORK_ORDER_DAY_SUMS}
        )
    for complaint_day in ComplaintDay.objects.all():
        key = ("complaint", complaint_day.day, complaint_day.station_id, complaint_day.category)
        rows[key] = Counter({f: getattr(complaint_day, f) for f in COMPLAINT_DAY_SUMS})
    return {key: +counter for key, counter in rows.items() if +counter}


@pytest.fixture
def history(supervisor):
    """Five days of repairs and complaints at two stations, 2026-11-15 to 11-19."""
    north, south = StationFactory(code="N01"), StationFactory(code="S01")
    walkers = {north: Walker(north, supervisor), south: Walker(south, supervisor)}
    category = Category.objects.get_or_create(
        code="repair_timeliness", defaults={"name": "Repair timeliness"}
    )[0]
    orders = []
    for day in range(15, 20):
        for station, area, minutes in ((north, AreaType.URBAN, 45), (south, AreaType.RURAL, 90)):
            placed = order(station, area, at(day, 10), minutes)
            walkers[station].arrive(placed, at(day, 10, 40))
            orders.append(placed)
            orders.append(order(station, area, at(day, 23, 30), minutes))
        ticket_create(kind="consultation", now=at(day, 12))
        complained = ticket_create(
            kind="complaint",
            now=at(day, 13),
            premise=PremiseFactory(transformer__feeder__station=north),
        )
        Complaint.objects.create(
            ticket=complained, category=category, contact_by=at(day, 14), reply_by=at(day + 5, 14)
        )
    return {"orders": orders, "walkers": walkers, "north": north}


def test_rollup_equals_a_direct_count_after_creates_transitions_and_a_rebuild(
    history, supervisor, settings
):
    settings.GRIDLINE_ROLLUP_RECENT_DAYS = 3
    first_run = at(20, 9)

    services.rollup_refresh(now=first_run)

    assert RollupState.objects.get().fresh_through == date(2026, 11, 19)
    assert stored() == direct_count(last=date(2026, 11, 19), now=first_run)
    assert TicketDay.objects.filter(day=date(2026, 11, 15)).exists()  # first run: every day

    # Transitions the next morning on orders of the last three days, new tickets, urges.
    later = at(21, 9)
    orders, walkers = history["orders"], history["walkers"]
    late_order = orders[-1]  # created 11-19 23:30 at South, nobody there yet
    walkers[late_order.station].arrive(late_order, at(20, 2))
    walkers[orders[-2].station].complete(orders[-2], at(20, 11))
    walkers[orders[-4].station].complete(orders[-4], at(20, 12))
    walkers[orders[-6].station].give_back(orders[-6], at(20, 12))
    ticket_urge(ticket=orders[-3].ticket, actor=supervisor, now=at(20, 16))
    ticket_create(
        kind="repair",
        now=at(20, 17),
        premise=PremiseFactory(transformer__feeder__station=history["north"]),
    )

    services.rollup_refresh(now=later)

    assert RollupState.objects.get().fresh_through == date(2026, 11, 20)
    assert stored() == direct_count(last=date(2026, 11, 20), now=later)

    # A complaint of 11-15 judged and called back six days on: beyond the recent days,
    # so the nightly settle recounts it.
    early = Complaint.objects.filter(ticket__created_at__lt=at(16, 0))
    for complaint in early:
        Callback.objects.create(ticket_id=complaint.pk, result="satisfied", at=later)
    early.update(validity="valid")
    services.rollup_refresh(now=later)
    assert stored() != direct_count(last=date(2026, 11, 20), now=later)

    with time_machine.travel(later, tick=False):
        tasks.rollup_settle()

    assert stored() == direct_count(last=date(2026, 11, 20), now=later)

    # Damage the rollup, then rebuild it whole.
    WorkOrderDay.objects.filter(day=date(2026, 11, 16)).update(arrivals_met=99)
    TicketDay.objects.filter(day=date(2026, 11, 17)).delete()

    services.rollup_rebuild(now=later)

    assert stored() == direct_count(last=date(2026, 11, 20), now=later)


def test_refresh_recounts_only_the_recent_days(history, settings):
    settings.GRIDLINE_ROLLUP_RECENT_DAYS = 2
    services.rollup_refresh(now=at(20, 9))
    TicketDay.objects.update(created=0)

    services.rollup_refresh(now=at(20, 9, 5))

    recounted = set(TicketDay.objects.filter(created__gt=0).values_list("day", flat=True))
    assert recounted == {date(2026, 11, 18), date(2026, 11, 19)}


def test_refresh_catches_up_on_the_days_missed_while_no_worker_ran(history, settings):
    settings.GRIDLINE_ROLLUP_RECENT_DAYS = 1
    services.rollup_refresh(now=at(16, 9))  # fresh through 11-15
    assert set(TicketDay.objects.values_list("day", flat=True)) == {date(2026, 11, 15)}

    done = services.rollup_refresh(now=at(20, 9))

    assert (done.first, done.last) == (date(2026, 11, 16), date(2026, 11, 19))
    assert stored() == direct_count(last=date(2026, 11, 19), now=at(20, 9))


def test_refresh_of_an_empty_database_writes_nothing_and_marks_yesterday():
    done = services.rollup_refresh(now=at(20, 9))

    assert done.last == date(2026, 11, 19)
    assert RollupState.objects.get().fresh_through == date(2026, 11, 19)
    assert not TicketDay.objects.exists()


def test_running_the_refresh_twice_changes_nothing(history):
    services.rollup_refresh(now=at(20, 9))
    before = stored()

    services.rollup_refresh(now=at(20, 9))

    assert stored() == before


def test_rebuild_command_reports_what_it_counted(history):
    out = StringIO()

    call_command("rollup_rebuild", "--from", "2026-11-17", stdout=out)

    assert "Recounted" in out.getvalue()
    assert set(TicketDay.objects.values_list("day", flat=True)) >= {date(2026, 11, 17)}
    assert not TicketDay.objects.filter(day__lt=date(2026, 11, 17)).exists()


def test_rebuild_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--from"):
        call_command("rollup_rebuild", "--from", "yesterday")


def test_beat_runs_the_refresh_and_the_nightly_settle(history):
    schedule = celery.app.conf.beat_schedule

    assert schedule["rollup_refresh"]["task"] == "dashboards.tasks.rollup_refresh"
    assert schedule["rollup_settle"]["task"] == "dashboards.tasks.rollup_settle"
    with time_machine.travel(at(20, 9), tick=False):
        assert tasks.rollup_refresh.delay().get() == 5  # the first run: 11-15 to 11-19
    assert TicketDay.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_take_turns_and_write_each_row_once(supervisor):
    north = StationFactory(code="N01")
    for day in range(15, 20):
        order(north, AreaType.URBAN, at(day, 10), 45)
        ticket_create(kind="consultation", now=at(day, 12))
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def refresh():
        try:
            barrier.wait()
            services.rollup_refresh(now=at(20, 9))
        except BaseException as exc:  # pragma: no cover - reported by the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert RollupState.objects.count() == 1
    assert stored() == direct_count(last=date(2026, 11, 19), now=at(20, 9))
