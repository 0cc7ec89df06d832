"""INCIDENT_TRANSITIONS: the one table every incident status change goes through."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from config.errors import TransitionNotAllowed
from dispatch.models import CauseCode
from repairs.models import Incident
from repairs.services.incidents import incident_absorb, incident_acknowledge, incident_restore
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import PremiseFactory, TransformerFactory
from tickets.models import TimelineEvent

NOW = timezone.now().replace(microsecond=0)
MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        (Incident.Status.DETECTED, ["acknowledge", "restore", "absorb", "dismiss"]),
        (Incident.Status.ACKNOWLEDGED, ["restore", "absorb", "dismiss"]),
        (Incident.Status.RESTORED, []),
        (Incident.Status.ABSORBED, []),
        (Incident.Status.DISMISSED, []),
    ],
)
def test_allowed_actions_follow_the_table(status, actions):
    assert Incident(status=status).allowed_actions() == actions


@pytest.fixture
def incident(db, settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30
    transformer = TransformerFactory()
    for i in range(3):
        repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
            now=NOW + i * MINUTE,
        )
    return Incident.objects.get()


@pytest.fixture
def fuse(db):
    return CauseCode.objects.get(code="transformer_fuse")


def test_acknowledge_stamps_the_incident(incident):
    acknowledged = incident_acknowledge(incident=incident, actor=None, now=NOW + 5 * MINUTE)

    incident.refresh_from_db()
    assert acknowledged.status == incident.status == Incident.Status.ACKNOWLEDGED
    assert incident.acknowledged_at == NOW + 5 * MINUTE


def test_acknowledge_after_restore_changes_nothing(incident, fuse):
    incident_restore(incident=incident, cause=fuse, note="", actor=None, now=NOW + 9 * MINUTE)
    events_before = TimelineEvent.objects.count()

    incident_acknowledge(incident=incident, actor=None, now=NOW + 10 * MINUTE)

    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESTORED
    assert incident.acknowledged_at is None
    assert TimelineEvent.objects.count() == events_before


def test_restore_refusal_says_why(incident, fuse):
    incident_restore(incident=incident, cause=fuse, note="", actor=None, now=NOW + 9 * MINUTE)

    with (
        translation.override("en"),
        pytest.raises(TransitionNotAllowed, match="it cannot be restored"),
    ):
        incident_restore(incident=incident, cause=fuse, note="", actor=None, now=NOW + 10 * MINUTE)


def test_absorbing_a_restored_incident_is_refused_and_changes_nothing(incident, fuse):
    incident_restore(incident=incident, cause=fuse, note="", actor=None, now=NOW + 9 * MINUTE)
    feeder_incident = Incident.objects.create(
        level=Incident.Level.FEEDER,
        station_id=incident.station_id,
        feeder_id=incident.feeder_id,
        created_at=NOW + 10 * MINUTE,
    )

    with translation.override("en"), pytest.raises(TransitionNotAllowed, match="no longer active"):
        incident_absorb(incident=incident, into=feeder_incident, now=NOW + 10 * MINUTE)

    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESTORED
    assert incident.absorbed_into is None
