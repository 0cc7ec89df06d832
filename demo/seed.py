"""Fill an empty database with a realistic demo (DESIGN.md §5.1): the work of seed_demo.

The demo is a county grid company in Guangdong, 英德市 (Qingyuan): four supply
stations with their feeders and transformers, about 3,000 premises and their
customers, departments, staff of every role with their crews, about 70
tickets of every kind and status dated over the last seven days, the calls
they were recorded on, the repairs' work orders, complaints in every state,
an incident and outage notices.

The demo is an app of its own, on top of the others, because it drives every
app's services. Writes go through them, so the demo exercises the real importer,
ticket numbering, triage, dispatch, correlation, deadlines and timeline:
grid_import, staff_create_or_update, crew_get_or_create and crew_member_set
for the people; call_start, call_identify and call_finish for the agents'
calls; repair_create for every repair call (triage, work order, incident),
then work_order_step for every step a dispatcher or crew takes;
complaint_create and the complaint steps (contact, judge, rectify, reply);
callback_record for the callbacks to complaints and resolved repairs;
consultation_record, service_request_record and feedback_record for the other
kinds, and ticket_transition for their back-office steps and the repairs
cancelled or closed on the call; the outage-notice form and
notice_publish for the notices. The week is replayed in time order
(demo/replay.py), so each call is triaged against the notices and incidents of
its moment.

One seeded random generator makes the data (demo/grid.py, outages.py,
tickets.py, calls.py, from the tables in demo/data/): every run gives the same
stations, people, tickets and notices; only the dates follow the clock. It is
all one transaction: a failure part-way leaves the database as it was.

The deadline watch is not replayed: the first scan after seeding escalates what
is overdue (a repair crew not on site, a web complaint nobody has called back).

A database that already has a supply station is left alone, so `make run` can
call this every time.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from accounts.services import staff_create_or_update
from complaints.models import Category
from demo.calls import calls_plan
from demo.data.cases import CASES
from demo.data.grid import PremisePlan
from demo.data.staff import CREWS, DEMO_LANGUAGE, DEPARTMENTS, PASSWORD, STAFF
from demo.grid import GridPlan, csv_lines
from demo.outages import declaration_plans, outage_plan
from demo.replay import Lookups, demo_replay
from demo.tickets import TicketPlan, ticket_plans
from dispatch.models import Crew
from dispatch.services import crew_get_or_create, crew_member_set
from grid.models import Department, Premise, Station
from grid.services import grid_import
from hotline.models import Article

SEED = 2026


@dataclass
class Seeded:
    """What demo_seed wrote, for the summary: the grid's rows, the departments and the staff."""

    premises: list[PremisePlan]
    departments: dict[str, Department]  # by code
    staff: dict[str, User]  # by username
    now: datetime


def demo_seed(*, progress: Callable[[str], None]) -> Seeded | None:
    """Write the whole demo in one transaction; None, writing nothing, where the database
    already has a supply station."""
    if Station.objects.exists():
        return None
    rng = random.Random(SEED)
    now = timezone.now()
    grid = GridPlan(rng)
    premises = grid.build()
    outages = outage_plan(rng, grid, now)
    plans = ticket_plans(rng, grid, outages, now)
    quiet_calls = calls_plan(rng, grid, plans, now)
    declarations = declaration_plans(grid, outages, plans, now)

    progress("Seeding the Gridline demo (英德市, Guangdong)...")
    with transaction.atomic():
        grid_import(lines=csv_lines(premises), progress=lambda message: progress(f"  {message}"))
        departments = _departments()
        staff = _staff(departments)
        lookups = _lookups(plans, departments)
        with translation.override(DEMO_LANGUAGE):
            demo_replay(
                plans=plans,
                quiet_calls=quiet_calls,
                notices=outages.notices,
                declarations=declarations,
                staff=staff,
                lookups=lookups,
                now=now,
                rng=random.Random(SEED + 1),
            )
    return Seeded(premises=premises, departments=departments, staff=staff, now=now)


def _departments() -> dict[str, Department]:
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    return departments


def _staff(departments: dict[str, Department]) -> dict[str, User]:
    stations = Station.objects.in_bulk(field_name="code")
    crews: dict[str, Crew] = {}
    for code, station_code, name in CREWS:
        crew, created = crew_get_or_create(code=code, station=stations[station_code])
        if created:
            # The service names a new crew after its code; the demo shows a real name.
            crew.name = name
            crew.save(update_fields=["name"])
        crews[code] = crew
    staff = {}
    for plan in STAFF:
        user, _created, _generated = staff_create_or_update(
            username=plan.username,
            role=plan.role,
            password=PASSWORD,
            station=stations.get(plan.station),
            department=departments.get(plan.department),
        )
        # The service has no name parameters; the names are only for display.
        user.last_name, user.first_name = plan.last_name, plan.first_name
        user.save(update_fields=["last_name", "first_name"])
        if plan.crew:
            crew_member_set(user=user, crew=crews[plan.crew])
        staff[plan.username] = user
    return staff


def _lookups(plans: list[TicketPlan], departments: dict[str, Department]) -> Lookups:
    premises = Premise.objects.select_related("customer", "transformer__feeder__station").in_bulk(
        [p.premise.meter_no for p in plans if p.premise], field_name="meter_no"
    )
    categories = Category.objects.in_bulk(field_name="code")
    titles = {case.article for case in CASES if case.article}
    articles = {a.title: a for a in Article.objects.filter(title__in=titles, published=True)}
    missing = sorted(code for code in _complaint_categories() if code not in categories)
    missing += sorted(titles - set(articles))
    if missing:
        raise CommandError(
            "The demo's cases name complaint categories or knowledge-base articles that "
            f"the database does not have (edited in the admin?): {', '.join(missing)}."
        )
    return Lookups(premises, departments, categories, articles)


def _complaint_categories() -> set[str]:
    return {case.complaint.category for case in CASES if case.complaint}
