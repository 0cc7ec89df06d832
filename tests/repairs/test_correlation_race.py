"""Calls about one outage arriving at the same instant: the feeder lock lets exactly one
transaction open each incident (DESIGN §3.3). PostgreSQL only."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, WorkOrder
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, Repair
from repairs.services import correlation, intake
from repairs.services.incidents import incident_restore
from repairs.services.intake import repair_create
from repairs.triage import Answers, Outcome, Scope
from tests.conftest import requires_postgres
from tests.factories import FeederFactory, PremiseFactory, StationFactory, TransformerFactory
from tickets.models import OPEN_STATUSES, Ticket

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4
THREADS = 4
# Long enough for a slow CI machine, short enough that a deadlock fails the test.
TIMEOUT_SECONDS = 30
NEIGHBOURS = Answers(scope=Scope.NEIGHBOURS)
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30
    settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS = 2
    settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES = 30


def run_together(calls: list[Callable[[], object]]) -> list[object]:
    """Each call in its own thread and connection, released at once; results or exceptions."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT_SECONDS)
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:  # reported by the caller's assertion
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def call_from(premise, now):
    return lambda: repair_create(premise=premise, answers=NEIGHBOURS, actor=None, now=now)


def open_orders_on(station):
    return WorkOrder.objects.filter(station=station, status__in=OPEN_WORK_ORDER_STATUSES)


def test_simultaneous_reports_open_exactly_one_transformer_incident():
    for round_ in range(ROUNDS):
        # Each round on its own station, so the open-order count is per round.
        station = StationFactory(code=f"R{round_:02d}")
        transformer = TransformerFactory(feeder=FeederFactory(station=station))
        now = timezone.now().replace(microsecond=0)
        for i, premise in enumerate(PremiseFactory.create_batch(2, transformer=transformer)):
            repair_create(premise=premise, answers=NEIGHBOURS, actor=None, now=now + i * MINUTE)
        callers = PremiseFactory.create_batch(THREADS, transformer=transformer)
        at = now + 5 * MINUTE

        results = run_together([call_from(premise, at) for premise in callers])

        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == []
        incident = Incident.objects.get(
            transformer=transformer, status__in=ACTIVE_INCIDENT_STATUSES
        )
        assert Incident.objects.filter(feeder=transformer.feeder).count() == 1
        # One call completed the threshold; every other one found the incident.
        outcomes = Counter(r.decision.outcome for r in results)
        assert outcomes == {Outcome.DISPATCH: 1, Outcome.KNOWN_INCIDENT: THREADS - 1}
        assert all(r.incident == incident for r in results)
        repairs = Repair.objects.filter(ticket__premise__transformer=transformer)
        assert repairs.count() == 2 + THREADS
        assert set(repairs.values_list("incident", flat=True)) == {incident.pk}
        assert list(open_orders_on(station)) == [incident.work_order]
        assert (
            Ticket.objects.filter(
                premise__transformer=transformer, status__in=OPEN_STATUSES
            ).count()
        ) == 2 + THREADS


def test_simultaneous_first_reports_still_open_only_one_incident():
    station = StationFactory(code="N01")
    transformer = TransformerFactory(feeder=FeederFactory(station=station))
    callers = PremiseFactory.create_batch(5, transformer=transformer)
    at = timezone.now().replace(microsecond=0)

    results = run_together([call_from(premise, at) for premise in callers])

    assert [r for r in results if isinstance(r, BaseException)] == []
    incident = Incident.objects.get()
    outcomes = Counter(r.decision.outcome for r in results)
    # Two calls before the threshold, the third opens it, the rest find it.
    assert outcomes == {Outcome.DISPATCH: 3, Outcome.KNOWN_INCIDENT: 2}
    assert set(Repair.objects.values_list("incident", flat=True)) == {incident.pk}
    assert list(open_orders_on(station)) == [incident.work_order]


def test_two_transformers_completing_at_once_make_exactly_one_feeder_incident():
    for round_ in range(ROUNDS):
        station = StationFactory(code=f"F{round_:02d}")
        feeder = FeederFactory(station=station)
        transformers = TransformerFactory.create_batch(2, feeder=feeder)
        now = timezone.now().replace(microsecond=0)
        for transformer in transformers:
            for i, premise in enumerate(PremiseFactory.create_batch(2, transformer=transformer)):
                repair_create(premise=premise, answers=NEIGHBOURS, actor=None, now=now + i * MINUTE)
        at = now + 5 * MINUTE
        last_callers = [PremiseFactory(transformer=t) for t in transformers]

        results = run_together([call_from(premise, at) for premise in last_callers])

        assert [r for r in results if isinstance(r, BaseException)] == []
        feeder_incident = Incident.objects.get(
            feeder=feeder, level=Incident.Level.FEEDER, status__in=ACTIVE_INCIDENT_STATUSES
        )
        assert Incident.objects.filter(feeder=feeder, level=Incident.Level.FEEDER).count() == 1
        absorbed = Incident.objects.filter(feeder=feeder, level=Incident.Level.TRANSFORMER)
        assert set(absorbed.values_list("status", flat=True)) == {Incident.Status.ABSORBED}
        assert absorbed.count() == 2
        repairs = Repair.objects.filter(ticket__premise__transformer__feeder=feeder)
        assert repairs.count() == 6
        assert set(repairs.values_list("incident", flat=True)) == {feeder_incident.pk}
        assert list(open_orders_on(station)) == [feeder_incident.work_order]


def test_feeder_lock_alone_keeps_feeder_incidents_single(monkeypatch):
    """The same race with the two last calls either side of local midnight: their tickets
    take numbers from different days' counter rows, so nothing but the feeder lock
    orders the two transactions (on one day the counter row would order them too).
    Each call lingers after its feeder check, so unordered calls would both miss the other's
    transformer incident."""
    correlate_feeder = correlation._correlate_feeder

    def correlate_feeder_slowly(**kwargs):
        incident = correlate_feeder(**kwargs)
        time.sleep(0.3)
        return incident

    monkeypatch.setattr("repairs.services.correlation._correlate_feeder", correlate_feeder_slowly)
    for round_ in range(ROUNDS):
        station = StationFactory(code=f"M{round_:02d}")
        feeder = FeederFactory(station=station)
        transformers = TransformerFactory.create_batch(2, feeder=feeder)
        # Ticket numbers count per local day.
        local = timezone.get_default_timezone()
        midnight = datetime(2026, 5, 13 + round_, tzinfo=local)
        for transformer in transformers:
            for i, premise in enumerate(PremiseFactory.create_batch(2, transformer=transformer)):
                repair_create(
                    premise=premise,
                    answers=NEIGHBOURS,
                    actor=None,
                    now=midnight - (10 - i) * MINUTE,
                )
        before, after = (PremiseFactory(transformer=t) for t in transformers)

        results = run_together(
            [call_from(before, midnight - 2 * MINUTE), call_from(after, midnight + 2 * MINUTE)]
        )

        assert [r for r in results if isinstance(r, BaseException)] == []
        assert (
            Incident.objects.filter(
                feeder=feeder, level=Incident.Level.FEEDER, status__in=ACTIVE_INCIDENT_STATUSES
            ).count()
            == 1
        )
        assert list(open_orders_on(station)) == [
            Incident.objects.get(feeder=feeder, level=Incident.Level.FEEDER).work_order
        ]


def test_call_attached_while_the_incident_is_restored_is_not_left_open(monkeypatch):
    station = StationFactory(code="N01")
    transformer = TransformerFactory(feeder=FeederFactory(station=station))
    now = timezone.now().replace(microsecond=0)
    for i, premise in enumerate(PremiseFactory.create_batch(3, transformer=transformer)):
        repair_create(premise=premise, answers=NEIGHBOURS, actor=None, now=now + i * MINUTE)
    incident = Incident.objects.get()
    fuse, _created = CauseCode.objects.get_or_create(
        code="transformer_fuse", defaults={"name": "Transformer fuse"}
    )
    late_caller = PremiseFactory(transformer=transformer)
    # Hold the late call between its decision ("known incident") and its commit until
    # the restore has committed, or for a few seconds if the restore waits for it.
    decided, restored = threading.Event(), threading.Event()
    record = intake.timeline_record

    def record_slowly(**kwargs):
        if kwargs.get("kind") == "triaged":
            decided.set()
            restored.wait(timeout=3)
        return record(**kwargs)

    monkeypatch.setattr("repairs.services.intake.timeline_record", record_slowly)

    def restore():
        decided.wait(timeout=TIMEOUT_SECONDS)
        try:
            return incident_restore(
                incident=incident, cause=fuse, note="", actor=None, now=now + 10 * MINUTE
            )
        finally:
            restored.set()

    results = run_together([call_from(late_caller, now + 9 * MINUTE), restore])

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert Incident.objects.get().status == Incident.Status.RESTORED
    left_open = Ticket.objects.filter(
        status__in=OPEN_STATUSES, repair__incident__status=Incident.Status.RESTORED
    )
    assert list(left_open.values_list("number", flat=True)) == []
