"""Personas and shared fixtures: tests read as "dispatcher_south cannot see north's ticket"."""

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import CrewFactory, DepartmentFactory, StationFactory, UserFactory

# Browser tests drive Chromium from a thread that Playwright's sync API runs in
# an event loop; the ORM calls made from the test body are safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache (login locks, for one, live there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The rows data migrations seed (cause codes, complaint categories and the calendar, the
    knowledge base), for every test that uses the database.

    Tests with transaction=True (threads, live_server) flush every table when they end,
    seeded rows included; put them back so the order the tests run in never matters.
    """
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    from importlib import import_module

    from django.apps import apps

    from complaints.models import CalendarDay, Category
    from dispatch.models import CauseCode
    from hotline.models import Article

    # One cheap existence check each; the seeds themselves are idempotent.
    if not CauseCode.objects.exists():
        for code, name in import_module("dispatch.migrations.0003_cause_codes").CAUSES:
            CauseCode.objects.get_or_create(code=code, defaults={"name": name})
    if not Category.objects.exists() or not CalendarDay.objects.exists():
        seed = import_module("complaints.migrations.0002_categories_and_calendar")
        seed.seed_categories(apps)
        seed.seed_calendar(apps)
    if not Article.objects.exists():
        import_module("hotline.migrations.0002_knowledge_base").seed(apps, None)


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (select_for_update is a no-op)",
)


@pytest.fixture
def station_north(db):
    return StationFactory(code="N01", name="North station")


@pytest.fixture
def station_south(db):
    return StationFactory(code="S01", name="South station")


@pytest.fixture
def department(db):
    return DepartmentFactory(code="MKT", name="Marketing")


@pytest.fixture
def agent(db):
    return UserFactory(username="agent", role=Role.AGENT)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER)


@pytest.fixture
def dispatcher_north(station_north):
    return UserFactory(username="dispatcher_north", role=Role.DISPATCHER, station=station_north)


@pytest.fixture
def dispatcher_south(station_south):
    return UserFactory(username="dispatcher_south", role=Role.DISPATCHER, station=station_south)


@pytest.fixture
def crew_north(station_north):
    from dispatch.services import crew_member_set

    user = UserFactory(username="crew_north", role=Role.CREW, station=station_north)
    crew_member_set(user=user, crew=CrewFactory(station=station_north))
    return user


@pytest.fixture
def handler(department):
    return UserFactory(username="handler", role=Role.HANDLER, department=department)


@pytest.fixture
def integration(db):
    """The telephony's machine account."""
    return UserFactory(username="cti", role=Role.INTEGRATION)


@pytest.fixture
def api():
    return APIClient()
