"""The cause codes crews choose from on completion (issue #4); admins add more."""

from django.db import migrations
from django.utils.translation import gettext_noop

# gettext_noop: the names are stored in English and shown through the catalogue.
CAUSES = [
    ("customer_internal", gettext_noop("Customer internal fault")),
    ("meter", gettext_noop("Meter fault")),
    ("service_line", gettext_noop("Service line")),
    ("transformer_fuse", gettext_noop("Transformer fuse")),
    ("feeder_trip", gettext_noop("Feeder trip")),
    ("overload", gettext_noop("Overload")),
    ("tree_contact", gettext_noop("Tree contact")),
    ("weather", gettext_noop("Weather")),
    ("external_damage", gettext_noop("External damage")),
    ("other", gettext_noop("Other")),
]


def seed(apps, schema_editor):
    CauseCode = apps.get_model("dispatch", "CauseCode")
    for code, name in CAUSES:
        CauseCode.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0002_work_orders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
