"""Summary emails go through the one outbox (tickets.OutboxMessage): every SummaryDelivery
becomes an outbox message under the key complaints.summary_format.summary_email_key
writes, then the table goes.

Sent deliveries move too, as sent messages: their keys are what keeps a rebuilt summary
from emailing its recipients again. Unsent ones keep their attempts, and the outbox's
sweep sends them.
"""

from django.db import migrations

KEY = "summary:{summary_id}:email:{recipient}"


def deliveries_to_outbox(apps, schema_editor):
    # The email is rendered by today's code from the stored numbers: the migration has no
    # other way to the templates. An unsaved instance of the real model carries them.
    from complaints.models import ComplaintSummary
    from complaints.summary_format import summary_email

    SummaryDelivery = apps.get_model("complaints", "SummaryDelivery")
    OutboxMessage = apps.get_model("tickets", "OutboxMessage")
    emails = {}
    messages = []
    for delivery in SummaryDelivery.objects.select_related("summary").order_by("pk").iterator():
        stored = delivery.summary
        if stored.pk not in emails:
            emails[stored.pk] = summary_email(
                ComplaintSummary(
                    pk=stored.pk,
                    period=stored.period,
                    starts_on=stored.starts_on,
                    ends_on=stored.ends_on,
                    data=stored.data,
                    created_at=stored.created_at,
                    built_at=stored.built_at,
                )
            )
        email = emails[stored.pk]
        messages.append(
            OutboxMessage(
                channel="email",
                recipient=delivery.recipient,
                subject=email.subject[:255],
                body=email.text,
                html_body=email.html,
                attachments=[list(email.csv)],
                dedup_key=KEY.format(summary_id=stored.pk, recipient=delivery.recipient)[:200],
                created_at=delivery.created_at,
                claimed_at=delivery.claimed_at,
                sent_at=delivery.sent_at,
                attempts=delivery.attempts,
                last_error=delivery.last_error,
            )
        )
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=500)


def outbox_to_deliveries(apps, schema_editor):
    """Back to one SummaryDelivery per summary email, which leaves the outbox (else the
    old code would send it a second time)."""
    ComplaintSummary = apps.get_model("complaints", "ComplaintSummary")
    SummaryDelivery = apps.get_model("complaints", "SummaryDelivery")
    OutboxMessage = apps.get_model("tickets", "OutboxMessage")
    summaries = set(ComplaintSummary.objects.values_list("pk", flat=True))
    moved = OutboxMessage.objects.filter(dedup_key__startswith="summary:")
    deliveries = []
    for message in moved.order_by("pk").iterator():
        summary_id = int(message.dedup_key.split(":")[1])
        if summary_id in summaries:
            deliveries.append(
                SummaryDelivery(
                    summary_id=summary_id,
                    recipient=message.recipient,
                    created_at=message.created_at,
                    claimed_at=message.claimed_at,
                    sent_at=message.sent_at,
                    attempts=message.attempts,
                    last_error=message.last_error,
                )
            )
    SummaryDelivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
    moved.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_categories_and_calendar"),
        ("tickets", "0010_outbox_html_body_attachments"),
    ]

    operations = [
        migrations.RunPython(deliveries_to_outbox, outbox_to_deliveries),
        migrations.DeleteModel(
            name="SummaryDelivery",
        ),
    ]
