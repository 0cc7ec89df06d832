"""The complaint categories of DESIGN §3.5 and the working-day calendar from
complaints/data/calendar_cn.json (issue #6); administrators keep both in the admin."""

import json
from datetime import date, timedelta
from pathlib import Path

from django.db import migrations
from django.utils.translation import gettext_noop

# gettext_noop: the names are stored in English and shown through the catalogue.
CATEGORIES = [
    ("service_attitude", gettext_noop("Service attitude")),
    ("repair_timeliness", gettext_noop("Repair timeliness")),
    ("outage_restoration", gettext_noop("Outage and restoration")),
    ("power_quality", gettext_noop("Power quality")),
    ("billing_metering", gettext_noop("Billing and metering")),
    ("business_process", gettext_noop("Business process")),
    ("grid_construction", gettext_noop("Grid construction")),
    ("other", gettext_noop("Other")),
]
CALENDAR_FILE = Path(__file__).resolve().parents[1] / "data" / "calendar_cn.json"


def calendar_rows(path: Path = CALENDAR_FILE):
    """(year, source, [(date, kind, name)]) for every year of the data file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["years"]:
        days = []
        for holiday in entry["holidays"]:
            day, last = date.fromisoformat(holiday["from"]), date.fromisoformat(holiday["to"])
            while day <= last:
                days.append((day, "holiday", holiday["name"]))
                day += timedelta(days=1)
        for workday in entry["workdays"]:
            days.append((date.fromisoformat(workday["date"]), "workday", workday["name"]))
        yield entry["year"], entry["source"], days


def seed_categories(apps, schema_editor=None):
    Category = apps.get_model("complaints", "Category")
    for position, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def seed_calendar(apps, schema_editor=None):
    """Adds the file's years and days; a year or day already there is left as it is."""
    CalendarYear = apps.get_model("complaints", "CalendarYear")
    CalendarDay = apps.get_model("complaints", "CalendarDay")
    for year, source, days in calendar_rows():
        row, _created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
        for day, kind, name in days:
            CalendarDay.objects.get_or_create(
                date=day, defaults={"year": row, "kind": kind, "name": name}
            )


def seed(apps, schema_editor):
    seed_categories(apps, schema_editor)
    seed_calendar(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
