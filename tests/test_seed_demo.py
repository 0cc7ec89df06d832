import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from dispatch.models import Crew, CrewMember
from grid.models import AreaType, Customer, CustomerPhone, Department, Premise, Station
from tickets.models import Kind, Ticket, TimelineEvent

pytestmark = pytest.mark.django_db

PASSWORD = "gridline-demo"


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        Station,
        Department,
        Premise,
        Customer,
        CustomerPhone,
        User,
        Crew,
        CrewMember,
        Ticket,
        TimelineEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_seeds_the_grid_with_premises_of_every_area_type():
    output = seed()

    assert Station.objects.count() >= 4
    assert Premise.objects.count() >= 2000
    assert Premise.objects.filter(important=True).exists()
    area_types = set(Premise.objects.values_list("area_type", flat=True))
    assert area_types == set(AreaType.values)
    assert "Demo logins" in output


def test_seeds_a_user_of_every_role_with_the_demo_password():
    seed()

    for role in Role.values:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.check_password(PASSWORD), user.username
    assert not User.objects.filter(role=Role.DISPATCHER, station=None).exists()
    assert not User.objects.filter(role=Role.HANDLER, department=None).exists()
    crew_users = User.objects.filter(role=Role.CREW)
    assert crew_users.count() == CrewMember.objects.filter(user__in=crew_users).count()


def test_seeds_tickets_of_every_kind_and_status_with_consistent_timelines():
    seed()
    now = timezone.now()

    assert set(Ticket.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    for ticket in Ticket.objects.prefetch_related("events"):
        events = list(ticket.events.all())
        assert events[0].kind == "created", ticket.number
        assert events[0].at == ticket.created_at
        times = [event.at for event in events]
        assert times == sorted(times), ticket.number
        assert now - timedelta(days=7) <= times[0] <= times[-1] <= now, ticket.number
        assert events[-1].new_status == ticket.status, ticket.number


def test_second_run_says_already_seeded_and_changes_nothing():
    seed()
    first = counts()

    output = seed()

    assert "already seeded" in output
    assert counts() == first


def test_a_failure_part_way_leaves_nothing_written(monkeypatch):
    def ticket_create(**kwargs):
        raise RuntimeError("ticket numbering is down")

    # The tickets come last, after the grid, departments, staff and crews.
    monkeypatch.setattr("dashboards.management.commands.seed_demo.ticket_create", ticket_create)

    with pytest.raises(RuntimeError, match="ticket numbering is down"):
        seed()

    assert counts() == dict.fromkeys(counts(), 0)
