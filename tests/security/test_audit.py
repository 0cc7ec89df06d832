"""Audit (issue #10, item 9): the timeline is append-only, and admin changes to master
data are logged with who and when."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.utils import timezone

from grid.models import Station
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.factories import PASSWORD, PremiseFactory, StationFactory, UserFactory
from tickets.models import Kind, Ticket, TimelineAppendOnly, TimelineEvent
from tickets.services import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(agent):
    created = repair_create(premise=PremiseFactory(), answers=Answers(), actor=agent,
                            caller_phone="13800001234")  # fmt: skip
    return TimelineEvent.objects.filter(ticket=created.ticket).first()


def test_saving_an_existing_timeline_event_is_refused(event):
    event.note = "rewritten history"

    with pytest.raises(TimelineAppendOnly):
        event.save()

    assert TimelineEvent.objects.get(pk=event.pk).note != "rewritten history"


def test_deleting_a_timeline_event_is_refused(event):
    with pytest.raises(TimelineAppendOnly):
        event.delete()

    assert TimelineEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_of_timeline_events_is_refused(event):
    with pytest.raises(TimelineAppendOnly):
        TimelineEvent.objects.filter(pk=event.pk).update(note="rewritten history")
    event.note = "rewritten history"
    with pytest.raises(TimelineAppendOnly), transaction.atomic():
        TimelineEvent.objects.bulk_update([event], ["note"])

    assert TimelineEvent.objects.get(pk=event.pk).note != "rewritten history"


def test_queryset_delete_of_timeline_events_is_refused(event):
    count = TimelineEvent.objects.count()

    with pytest.raises(TimelineAppendOnly):
        TimelineEvent.objects.all().delete()
    with pytest.raises(TimelineAppendOnly):
        event.ticket.events.all().delete()

    assert TimelineEvent.objects.count() == count


def test_new_timeline_events_are_still_recorded(event):
    TimelineEvent.objects.create(ticket=event.ticket, kind="note", at=timezone.now())

    assert event.ticket.events.filter(kind="note").exists()


def test_deleting_a_whole_ticket_still_cascades_to_its_events(agent):
    ticket = ticket_create(kind=Kind.CONSULTATION, actor=agent, description="Tariffs?")
    ticket_id = ticket.pk
    assert TimelineEvent.objects.filter(ticket_id=ticket_id).exists()

    Ticket.objects.filter(pk=ticket_id).delete()

    assert not TimelineEvent.objects.filter(ticket_id=ticket_id).exists()


def test_admin_change_to_a_station_is_logged_with_who_and_when():
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    station = StationFactory(code="N01", name="North station")
    client = Client()
    client.login(username=admin.username, password=PASSWORD)
    before = timezone.now()

    response = client.post(
        f"/admin/grid/station/{station.pk}/change/", {"code": "N01", "name": "North depot"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    station.refresh_from_db()
    assert station.name == "North depot"
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Station), object_id=str(station.pk)
    )
    assert entry.action_flag == CHANGE
    assert entry.user == admin
    assert before - timedelta(seconds=1) <= entry.action_time <= timezone.now()
    assert "name" in entry.get_change_message().lower()
