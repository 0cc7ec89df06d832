"""Tickets' caller phones rewritten in the one form of DESIGN §3.8, as grid's 0002 does for
customers' phones (its frozen copy of the rule, not grid.phones, which may change later).
A number that is not a valid phone stays as it is. Reverse: nothing to do."""

from importlib import import_module

from django.db import migrations


def rewrite_caller_phones(apps, schema_editor) -> None:
    grid_phones = import_module("grid.migrations.0002_canonical_phones")
    grid_phones.rewrite_phone_field(apps.get_model("tickets", "Ticket"), "caller_phone")


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0002_canonical_phones"),
        ("tickets", "0008_ticket_list_status_index"),
    ]

    operations = [
        migrations.RunPython(rewrite_caller_phones, migrations.RunPython.noop, elidable=True),
    ]
