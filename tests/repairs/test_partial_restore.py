"""DESIGN §3.10: a feeder incident restored one transformer at a time, and the nested outage
that follows a restoration."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from config.errors import GridlineError, TransitionNotAllowed
from dispatch.models import CauseCode, WorkOrder
from repairs.models import Incident, IncidentPart, Repair
from repairs.services.declarations import incident_declare
from repairs.services.incidents import incident_restore, incident_restore_parts
from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, Outcome, Scope
from tests.factories import FeederFactory, PremiseFactory, TransformerFactory
from tickets.models import OutboxMessage, Priority, Ticket, TimelineEvent

NOW = datetime(2026, 5, 12, 19, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
NEIGHBOURS = Answers(scope=Scope.NEIGHBOURS, breaker=Breaker.NOT_TRIPPED)


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30
    settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS = 2
    settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES = 30
    settings.GRIDLINE_NESTED_OUTAGE_HOURS = 12
    with translation.override("en"):
        yield


@pytest.fixture
def feeder(station_north):
    return FeederFactory(station=station_north, code="F-12")


@pytest.fixture
def t1(feeder):
    return TransformerFactory(feeder=feeder, code="T-01")


@pytest.fixture
def t2(feeder):
    return TransformerFactory(feeder=feeder, code="T-02")


@pytest.fixture
def t3(feeder):
    return TransformerFactory(feeder=feeder, code="T-03")


@pytest.fixture
def weather(db):
    return CauseCode.objects.get(code="weather")


def call(premise, answers=NEIGHBOURS, *, at, phone=""):
    return repair_create(
        premise=premise, answers=answers, actor=None, caller_phone=phone, now=NOW + at * MINUTE
    )


@pytest.fixture
def feeder_incident(dispatcher_north, feeder, t1, t2, t3):
    """A declared feeder incident with two callers under T-01, one under T-02, none under
    T-03."""
    incident = incident_declare(feeder=feeder, transformer=None, actor=dispatcher_north, now=NOW)
    callers = {
        "t1a": call(PremiseFactory(transformer=t1), at=1, phone="13800000001"),
        "t1b": call(PremiseFactory(transformer=t1), at=2, phone="13800000002"),
        "t2": call(PremiseFactory(transformer=t2), at=3, phone="13800000003"),
    }
    assert {c.incident for c in callers.values()} == {incident}
    incident.callers = {name: c.ticket for name, c in callers.items()}
    return incident


def status(ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


def parts(incident) -> dict[str, datetime | None]:
    return dict(
        IncidentPart.objects.filter(incident=incident).values_list(
            "transformer__code", "restored_at"
        )
    )


def test_restoring_one_transformer_resolves_only_the_tickets_under_it(
    feeder_incident, t1, weather, dispatcher_north
):
    at = NOW + HOUR

    incident = incident_restore_parts(
        incident=feeder_incident,
        transformers=[t1],
        cause=weather,
        note="Jumper replaced",
        actor=dispatcher_north,
        now=at,
    )

    assert incident.is_active
    assert incident.restored_at is None
    callers = feeder_incident.callers
    assert status(callers["t1a"]) == status(callers["t1b"]) == Ticket.Status.RESOLVED
    assert status(callers["t2"]) == Ticket.Status.IN_PROGRESS
    resolve = TimelineEvent.objects.get(ticket=callers["t1a"], kind="resolve")
    assert resolve.data == {"incident": incident.pk, "cause": "weather", "transformers": ["T-01"]}
    assert "T-01" in resolve.note
    assert "Jumper replaced" in resolve.note
    assert resolve.actor == dispatcher_north
    assert parts(incident) == {"T-01": at, "T-02": None, "T-03": None}
    part = IncidentPart.objects.get(incident=incident, transformer=t1)
    assert (part.cause, part.cause_note, part.restored_by) == (
        weather,
        "Jumper replaced",
        dispatcher_north,
    )
    # The crew still has the rest of the feeder to do.
    assert WorkOrder.objects.get(pk=incident.work_order_id).is_open


def test_only_the_restored_transformers_callers_are_texted_once_each(feeder_incident, t1, weather):
    incident_restore_parts(
        incident=feeder_incident,
        transformers=[t1],
        cause=weather,
        note="",
        actor=None,
        now=NOW + HOUR,
    )
    # A second attempt is refused, and sends nothing more.
    with pytest.raises(TransitionNotAllowed):
        incident_restore_parts(
            incident=feeder_incident, transformers=[t1], cause=weather, note="", actor=None
        )

    restored = OutboxMessage.objects.filter(dedup_key__contains=":restored")
    assert sorted(restored.values_list("recipient", flat=True)) == ["13800000001", "13800000002"]


def test_restoring_the_last_parts_restores_the_incident(feeder_incident, t1, t2, t3, weather):
    incident_restore_parts(
        incident=feeder_incident,
        transformers=[t1],
        cause=weather,
        note="",
        actor=None,
        now=NOW + HOUR,
    )
    last = NOW + 2 * HOUR

    incident = incident_restore_parts(
        incident=feeder_incident,
        transformers=[t2, t3],
        cause=weather,
        note="",
        actor=None,
        now=last,
    )

    assert incident.status == Incident.Status.RESTORED
    assert incident.restored_at == last
    assert parts(incident) == {"T-01": NOW + HOUR, "T-02": last, "T-03": last}
    assert {status(t) for t in feeder_incident.callers.values()} == {Ticket.Status.RESOLVED}
    assert not WorkOrder.objects.get(pk=incident.work_order_id).is_open


def test_restoring_the_whole_feeder_restores_its_remaining_parts(feeder_incident, t1, weather):
    incident_restore_parts(
        incident=feeder_incident,
        transformers=[t1],
        cause=weather,
        note="",
        actor=None,
        now=NOW + HOUR,
    )

    incident_restore(
        incident=feeder_incident, cause=weather, note="", actor=None, now=NOW + 2 * HOUR
    )

    assert parts(feeder_incident) == {
        "T-01": NOW + HOUR,
        "T-02": NOW + 2 * HOUR,
        "T-03": NOW + 2 * HOUR,
    }


def test_a_transformer_not_on_the_feeder_is_refused_and_nothing_changes(feeder_incident, weather):
    stranger = TransformerFactory(code="T-99")

    with pytest.raises(GridlineError, match="T-99") as refused:
        incident_restore_parts(
            incident=feeder_incident, transformers=[stranger], cause=weather, note="", actor=None
        )

    assert refused.value.status_code == 400
    assert refused.value.field == "transformer_codes"
    assert set(parts(feeder_incident).values()) == {None}
    assert not Ticket.objects.filter(status=Ticket.Status.RESOLVED).exists()


def test_a_transformer_incident_is_restored_whole(dispatcher_north, t1, weather):
    incident = incident_declare(feeder=t1.feeder, transformer=t1, actor=dispatcher_north, now=NOW)

    with pytest.raises(GridlineError, match="restored whole") as refused:
        incident_restore_parts(
            incident=incident, transformers=[t1], cause=weather, note="", actor=None
        )

    assert refused.value.status_code == 400
    assert Incident.objects.get(pk=incident.pk).is_active


def test_a_restored_incident_refuses_its_parts(feeder_incident, t1, weather):
    incident_restore(incident=feeder_incident, cause=weather, note="", actor=None)

    with pytest.raises(TransitionNotAllowed, match="cannot be restored"):
        incident_restore_parts(
            incident=feeder_incident, transformers=[t1], cause=weather, note="", actor=None
        )


def test_correlated_feeder_incidents_have_parts_too(t1, t2):
    for transformer in (t1, t2):
        for i in range(3):
            call(PremiseFactory(transformer=transformer), at=i)

    incident = Incident.objects.get(level=Incident.Level.FEEDER)

    assert incident.source == Incident.Source.CALLS
    assert set(parts(incident)) == {"T-01", "T-02"}


# --- After a part is restored: calls under it and under the rest ---------------------------


def test_a_call_under_a_restored_part_is_a_nested_outage_and_under_the_rest_attaches(
    feeder_incident, t1, t2, weather
):
    incident_restore_parts(
        incident=feeder_incident,
        transformers=[t1],
        cause=weather,
        note="",
        actor=None,
        now=NOW + HOUR,
    )

    again = call(PremiseFactory(transformer=t1), Answers(scope=Scope.SELF_ONLY), at=90)
    still_out = call(PremiseFactory(transformer=t2), Answers(scope=Scope.SELF_ONLY), at=91)

    assert again.decision.outcome == Outcome.DISPATCH
    assert again.repair.nested_of == feeder_incident
    assert again.repair.incident is None
    assert again.work_order is not None
    assert again.work_order != feeder_incident.work_order
    assert still_out.decision.outcome == Outcome.KNOWN_INCIDENT
    assert still_out.incident == feeder_incident


# --- Nested outage (DESIGN §3.10) -----------------------------------------------------------


@pytest.fixture
def restored_incident(t1, weather):
    """A transformer incident from three calls, restored an hour after NOW."""
    for i in range(3):
        call(PremiseFactory(transformer=t1), at=i)
    incident = Incident.objects.get()
    incident_restore(incident=incident, cause=weather, note="", actor=None, now=NOW + HOUR)
    return incident


@pytest.mark.parametrize(
    ("hours_after", "nested"),
    [(2, True), (12, True), (13, False)],
    ids=["2h-after", "12h-after", "13h-after"],
)
def test_a_report_within_12_hours_of_a_restoration_is_a_nested_outage(
    restored_incident, t1, hours_after, nested
):
    created = call(
        PremiseFactory(transformer=t1), Answers(scope=Scope.SELF_ONLY), at=60 + hours_after * 60
    )

    assert created.decision.outcome == Outcome.DISPATCH
    assert created.ticket.priority == Priority.HIGH
    assert created.work_order is not None
    assert created.repair.nested_of == (restored_incident if nested else None)
    assert created.incident is None
    triaged = created.ticket.events.get(kind="triaged")
    assert triaged.data.get("nested_of") == (restored_incident.pk if nested else None)


def test_the_nested_window_is_a_setting(settings, restored_incident, t1):
    settings.GRIDLINE_NESTED_OUTAGE_HOURS = 1

    created = call(PremiseFactory(transformer=t1), Answers(scope=Scope.SELF_ONLY), at=60 + 90)

    assert created.repair.nested_of is None


def test_an_important_premise_off_again_is_urgent(restored_incident, t1):
    created = call(PremiseFactory(transformer=t1, important=True), at=90)

    assert created.repair.nested_of == restored_incident
    assert created.ticket.priority == Priority.URGENT


def test_a_premise_on_another_transformer_is_no_nested_outage(restored_incident, t2):
    created = call(PremiseFactory(transformer=t2), at=90)

    assert created.repair.nested_of is None


def test_nested_reports_still_make_a_new_incident(restored_incident, t1):
    made = [call(PremiseFactory(transformer=t1), at=90 + i) for i in range(3)]

    new = Incident.objects.exclude(pk=restored_incident.pk).get()
    assert new.is_active
    assert {Repair.objects.get(pk=c.ticket.pk).nested_of for c in made} == {restored_incident}
    assert set(
        Repair.objects.filter(nested_of=restored_incident).values_list("incident", flat=True)
    ) == {new.pk}


def test_new_incidents_under_restored_parts_make_no_second_feeder_incident(
    feeder_incident, t1, t2, weather
):
    incident_restore_parts(
        incident=feeder_incident,
        transformers=[t1, t2],
        cause=weather,
        note="",
        actor=None,
        now=NOW + HOUR,
    )

    for transformer in (t1, t2):
        for i in range(3):
            call(PremiseFactory(transformer=transformer), at=70 + i)

    active = Incident.objects.filter(status__in=["detected", "acknowledged"])
    assert set(active.values_list("level", flat=True)) == {"feeder", "transformer"}
    assert active.filter(level=Incident.Level.FEEDER).get() == feeder_incident
    assert active.filter(level=Incident.Level.TRANSFORMER).count() == 2
