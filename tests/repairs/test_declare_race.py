"""A declaration and a call about the same outage at the same instant (DESIGN §3.10): the
feeder lock lets one decide first, so they make one incident whichever wins. PostgreSQL only."""

import threading
import time
from functools import partial

import pytest
from django.utils import timezone

from config.errors import TransitionNotAllowed
from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, WorkOrder
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, Repair
from repairs.services import incidents
from repairs.services.declarations import incident_declare, incident_dismiss
from repairs.services.intake import repair_create
from repairs.triage import Answers, Outcome, Scope
from tests.conftest import requires_postgres
from tests.factories import FeederFactory, PremiseFactory, StationFactory, TransformerFactory
from tests.repairs.test_correlation_race import MINUTE, run_together

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4
NEIGHBOURS = Answers(scope=Scope.NEIGHBOURS)


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30
    settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS = 2
    settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES = 30


def open_orders_on(station):
    return WorkOrder.objects.filter(station=station, status__in=OPEN_WORK_ORDER_STATUSES)


@pytest.mark.parametrize("level", ["transformer", "feeder"])
def test_a_declaration_and_a_third_call_at_once_make_one_incident(level):
    winners = set()
    for round_ in range(ROUNDS):
        station = StationFactory(code=f"D{level[0]}{round_:02d}")
        transformer = TransformerFactory(feeder=FeederFactory(station=station))
        now = timezone.now().replace(microsecond=0)
        for i, premise in enumerate(PremiseFactory.create_batch(2, transformer=transformer)):
            repair_create(premise=premise, answers=NEIGHBOURS, actor=None, now=now + i * MINUTE)
        third = PremiseFactory(transformer=transformer)
        at = now + 5 * MINUTE

        call, declared = run_together(
            [
                partial(repair_create, premise=third, answers=NEIGHBOURS, actor=None, now=at),
                partial(
                    incident_declare,
                    feeder=transformer.feeder,
                    transformer=transformer if level == "transformer" else None,
                    actor=None,
                    now=at,
                ),
            ]
        )

        assert not isinstance(call, BaseException), call
        active = Incident.objects.get(
            feeder=transformer.feeder, status__in=ACTIVE_INCIDENT_STATUSES
        )
        if isinstance(declared, TransitionNotAllowed):
            # The call came first and completed the threshold: the declaration found its incident.
            assert level == "transformer"
            assert call.decision.outcome == Outcome.DISPATCH
            assert active.source == Incident.Source.CALLS
            winners.add("call")
        else:
            assert not isinstance(declared, BaseException), declared
            assert active == declared
            assert active.source == Incident.Source.DECLARED
            # First, the call opened a transformer incident, which the feeder's absorbed.
            winners.add("call" if call.decision.outcome == Outcome.DISPATCH else "declaration")
        repairs = Repair.objects.filter(ticket__premise__transformer=transformer)
        assert set(repairs.values_list("incident", flat=True)) == {active.pk}
        assert list(open_orders_on(station)) == [active.work_order]
    # Each round made one incident, whoever decided first.
    assert winners <= {"call", "declaration"}


def test_a_dismissal_and_a_call_at_once_leave_no_ticket_without_a_crew():
    for round_ in range(ROUNDS):
        station = StationFactory(code=f"X{round_:02d}")
        transformer = TransformerFactory(feeder=FeederFactory(station=station))
        now = timezone.now().replace(microsecond=0)
        incident = incident_declare(
            feeder=transformer.feeder, transformer=transformer, actor=None, now=now
        )
        caller = PremiseFactory(transformer=transformer)
        at = now + 5 * MINUTE

        call, dismissed = run_together(
            [
                partial(repair_create, premise=caller, answers=NEIGHBOURS, actor=None, now=at),
                partial(incident_dismiss, incident=incident, reason="x", actor=None, now=at),
            ]
        )

        assert not isinstance(call, BaseException), call
        assert not isinstance(dismissed, BaseException), dismissed
        assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DISMISSED
        # Attached before the dismissal, it was dispatched by it; after, on its own.
        (order,) = open_orders_on(station)
        assert order.ticket_id == call.ticket.pk


def test_a_call_under_a_transformer_restored_meanwhile_is_a_nested_outage(monkeypatch):
    """The partial restoration holds the incident while a call under its transformer decides:
    the call waits for it, then finds its part restored and is dispatched on its own."""
    station = StationFactory(code="P01")
    feeder = FeederFactory(station=station)
    t1, _t2 = TransformerFactory.create_batch(2, feeder=feeder)
    now = timezone.now().replace(microsecond=0)
    incident = incident_declare(feeder=feeder, transformer=None, actor=None, now=now)
    weather = CauseCode.objects.get(code="weather")
    caller = PremiseFactory(transformer=t1)
    restoring = threading.Event()
    resolve_many = incidents.ticket_resolve_many

    def resolve_slowly(**kwargs):
        restoring.set()
        time.sleep(0.5)  # the call decides meanwhile, on what was committed before
        return resolve_many(**kwargs)

    monkeypatch.setattr("repairs.services.incidents.ticket_resolve_many", resolve_slowly)

    def call_while_restoring():
        restoring.wait(timeout=10)
        return repair_create(
            premise=caller, answers=Answers(scope=Scope.SELF_ONLY), actor=None, now=now + MINUTE
        )

    restored, call = run_together(
        [
            partial(
                incidents.incident_restore_parts,
                incident=incident,
                transformers=[t1],
                cause=weather,
                note="",
                actor=None,
                now=now + MINUTE,
            ),
            call_while_restoring,
        ]
    )

    assert not isinstance(restored, BaseException), restored
    assert not isinstance(call, BaseException), call
    repair = Repair.objects.get(pk=call.ticket.pk)
    assert repair.incident is None
    assert repair.nested_of == incident
    assert call.decision.outcome == Outcome.DISPATCH
    assert WorkOrder.objects.get(ticket=call.ticket).is_open
