"""Every past callback becomes a tickets.Callback row, and each ticket keeps its count of
unreachable tries, before repairs and complaints drop their own callback fields.

The timeline's `callback` events are the fullest record (each callback's result, note, actor
and time; the repair's and complaint's fields kept only the last one), so the rows come from
them. A repair or complaint whose last result has no event (a row written outside the
services) keeps that result as one row, so the reports count what they counted before. The
counts of unreachable tries are copied as they stand: a complaint's counts since its reply.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

RESULTS = {"satisfied", "basically_satisfied", "unsatisfied", "unreachable"}
BATCH = 2000


def callbacks_from_the_timeline(apps, schema_editor):
    Callback = apps.get_model("tickets", "Callback")
    Ticket = apps.get_model("tickets", "Ticket")
    TimelineEvent = apps.get_model("tickets", "TimelineEvent")
    events = (
        TimelineEvent.objects.filter(kind="callback")
        .order_by("at", "pk")
        .values_list("ticket_id", "data", "note", "actor_id", "at")
    )
    rows, called = [], set()
    for ticket_id, data, note, actor_id, at in events.iterator(chunk_size=BATCH):
        result = (data or {}).get("result")
        if result not in RESULTS:
            continue
        rows.append(
            Callback(ticket_id=ticket_id, result=result, note=note, actor_id=actor_id, at=at)
        )
        called.add(ticket_id)
        if len(rows) >= BATCH:
            Callback.objects.bulk_create(rows)
            rows = []
    for app, model in (("repairs", "Repair"), ("complaints", "Complaint")):
        Facts = apps.get_model(app, model)
        last = Facts.objects.exclude(callback_result="").values_list(
            "pk", "callback_result", "callback_at", "ticket__updated_at"
        )
        for ticket_id, result, at, updated_at in last.iterator(chunk_size=BATCH):
            if ticket_id not in called:
                rows.append(Callback(ticket_id=ticket_id, result=result, at=at or updated_at))
        counted = Facts.objects.filter(unreachable_count__gt=0)
        Ticket.objects.filter(pk__in=counted.values("pk")).update(
            unreachable_count=Subquery(
                Facts.objects.filter(pk=OuterRef("pk")).values("unreachable_count")[:1]
            )
        )
    Callback.objects.bulk_create(rows, batch_size=BATCH)


def callbacks_back_to_the_kinds(apps, schema_editor):
    """Reversed: each repair and complaint gets its last result and its count back."""
    Callback = apps.get_model("tickets", "Callback")
    Ticket = apps.get_model("tickets", "Ticket")
    for app, model in (("repairs", "Repair"), ("complaints", "Complaint")):
        Facts = apps.get_model(app, model)
        last = Callback.objects.filter(ticket_id=OuterRef("pk")).order_by("-pk")
        Facts.objects.filter(pk__in=Callback.objects.values("ticket_id")).update(
            callback_result=Subquery(last.values("result")[:1]),
            callback_at=Subquery(last.values("at")[:1]),
        )
        Facts.objects.filter(
            pk__in=Ticket.objects.filter(unreachable_count__gt=0).values("pk")
        ).update(
            unreachable_count=Subquery(
                Ticket.objects.filter(pk=OuterRef("pk")).values("unreachable_count")[:1]
            )
        )
    Callback.objects.all().delete()
    Ticket.objects.filter(unreachable_count__gt=0).update(unreachable_count=0)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_callbacks"),
        ("repairs", "0004_repair_callback"),
        ("complaints", "0003_summary_emails_in_the_outbox"),
    ]

    operations = [
        migrations.RunPython(callbacks_from_the_timeline, callbacks_back_to_the_kinds),
    ]
