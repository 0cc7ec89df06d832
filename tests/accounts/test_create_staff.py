from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from dispatch.models import Crew, CrewMember
from grid.models import Department


def create_staff(*args: str) -> str:
    out = StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.MANAGER])
def test_centre_roles_need_no_membership(db, role):
    create_staff("zhang", "--role", role, "--password", "s3cret-pass")

    user = User.objects.get(username="zhang")
    assert user.role == role
    assert user.check_password("s3cret-pass")
    assert user.station is None
    assert not user.is_staff


def test_admin_gets_the_admin_site(db):
    create_staff("root", "--role", "admin", "--password", "s3cret-pass")

    user = User.objects.get(username="root")
    assert user.is_staff
    assert user.is_superuser


def test_dispatcher_belongs_to_a_station(station_north):
    create_staff("li", "--role", "dispatcher", "--station", "N01", "--password", "pw-123456")

    assert User.objects.get(username="li").station == station_north


def test_crew_member_joins_a_crew_created_if_missing(station_north):
    out = create_staff("wang", "--role", "crew", "--station", "N01", "--crew", "N01-A")

    user = User.objects.get(username="wang")
    crew = Crew.objects.get(code="N01-A")
    assert crew.station == station_north
    assert CrewMember.objects.get(user=user).crew == crew
    assert user.station == station_north
    assert "Password: " in out  # a generated password is shown once


def test_crew_member_joins_an_existing_crew_without_naming_the_station(station_north):
    create_staff("wang", "--role", "crew", "--station", "N01", "--crew", "N01-A")

    create_staff("zhao", "--role", "crew", "--crew", "N01-A")

    assert User.objects.get(username="zhao").station == station_north
    assert Crew.objects.count() == 1


def test_handler_belongs_to_a_department_created_if_missing(db):
    create_staff("chen", "--role", "handler", "--department", "MKT")

    assert User.objects.get(username="chen").department == Department.objects.get(code="MKT")


def test_running_again_updates_the_same_user(station_north):
    create_staff("li", "--role", "agent", "--password", "first-pass")

    out = create_staff("li", "--role", "dispatcher", "--station", "N01")

    user = User.objects.get(username="li")
    assert out.startswith("Updated")
    assert user.role == Role.DISPATCHER
    assert user.check_password("first-pass")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "dispatcher"], "needs a station"),
        (["--role", "dispatcher", "--station", "NOPE"], "Unknown station"),
        (["--role", "crew", "--station", "N01"], "--crew"),
        (["--role", "crew", "--crew", "NEW"], "does not exist yet"),
        (["--role", "handler"], "needs a department"),
    ],
)
def test_bad_memberships_are_refused_and_nothing_is_written(station_north, args, message):
    with pytest.raises(CommandError, match=message):
        create_staff("bad", *args)

    assert not User.objects.filter(username="bad").exists()
    assert Crew.objects.count() == 0


def test_crew_on_another_station_is_refused(station_north, station_south):
    create_staff("wang", "--role", "crew", "--station", "N01", "--crew", "N01-A")

    with pytest.raises(CommandError, match="belongs to station N01"):
        create_staff("zhao", "--role", "crew", "--station", "S01", "--crew", "N01-A")


def test_unknown_role_is_refused(db):
    with pytest.raises(CommandError):
        create_staff("x", "--role", "janitor")
