"""Who reads which ticket (DESIGN §1, issue "Every ticket worked to the end", point 5): each
role × each kind × own and other station or department, on the ticket page, the ticket
API and both lists. A complaint is never a station's: not its dispatchers', not its
crews', even when it is about that station; a crew reads only the tickets of its
station's work orders."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role
from hotline.services import consultation_record, feedback_record, service_request_record
from tests.factories import PASSWORD, PremiseFactory
from tests.security.world import build_world
from tickets.models import Kind

pytestmark = pytest.mark.django_db

READERS = ("agent", "supervisor", "dispatcher", "crew", "handler", "manager")


def _other_kinds(world, side: str) -> dict[str, object]:
    """A consultation, a service request, an opinion and a praise at that side's station."""
    station = getattr(world, side).ticket.station
    premise = PremiseFactory(transformer__feeder__station=station)
    agent = world.users["agent"]
    common = {"call": None, "actor": agent, "premise": premise}
    return {
        "consultation": consultation_record(
            question="Tariff?", answer="0.6", article=None, **common
        ),
        "service_request": service_request_record(
            request_type="other", description="Move", **common
        ),
        "opinion": feedback_record(
            kind=Kind.OPINION, subject="Hall", description="Open late", **common
        ),
        "praise": feedback_record(kind=Kind.PRAISE, subject="Crew", description="Thanks", **common),
    }


def _tickets(world) -> dict[tuple[str, str], object]:
    """(kind, side) → ticket; north is the readers' station and department (MKT)."""
    tickets = {}
    for side in ("north", "south"):
        objects = getattr(world, side)
        tickets[("repair", side)] = objects.ticket  # dispatched to the side's crew
        tickets[("complaint", side)] = objects.complaint.ticket  # against the side's station
        for kind, ticket in _other_kinds(world, side).items():
            tickets[(kind, side)] = ticket
    return tickets


def may_read(role: str, kind: str, side: str) -> bool:
    if role in ("agent", "supervisor", "manager"):
        return True
    if side != "north":
        return False
    if role == "dispatcher":
        return kind != "complaint"
    if role == "crew":
        return kind == "repair"  # the only north ticket with a work order
    assert role == Role.HANDLER
    return kind == "complaint"  # judged to MKT; the others are the station's


def test_each_role_reads_each_kind_as_the_design_says():
    world = build_world()
    tickets = _tickets(world)
    wrong = []
    for role in READERS:
        user = world.users[role]
        page, api = Client(), APIClient()
        page.login(username=user.username, password=PASSWORD)
        api.force_authenticate(user)
        listed_page = page.get("/tickets/").content.decode()
        listed_api = {
            row["number"]
            for row in api.get("/api/v1/tickets/", {"page_size": 200}).json()["results"]
        }
        for (kind, side), ticket in tickets.items():
            expected = may_read(role, kind, side)
            got = {
                "page": page.get(f"/tickets/{ticket.number}/").status_code == 200,
                "api": api.get(f"/api/v1/tickets/{ticket.number}/").status_code == 200,
                "page list": ticket.number in listed_page,
                "api list": ticket.number in listed_api,
            }
            wrong += [(role, kind, side, where) for where, seen in got.items() if seen != expected]
    assert wrong == []


def test_a_station_never_finds_a_complaint_by_filtering_for_one():
    world = build_world()
    for role in ("dispatcher", "crew"):
        api = APIClient()
        api.force_authenticate(world.users[role])

        rows = api.get("/api/v1/tickets/", {"kind": "complaint"}).json()["results"]

        assert rows == [], role
