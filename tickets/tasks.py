from celery import shared_task
from django.utils import timezone

from tickets.escalation import deadlines_scan
from tickets.idempotency import idempotency_keys_expire as expire
from tickets.outbox import outbox_has_due, outbox_send_pending


# Both are idempotent (a step is recorded once; a message is claimed by one worker),
# so a task lost with its worker may run again: acks_late.
@shared_task(ignore_result=True, acks_late=True)
def outbox_send() -> int:
    """Send the outbox's due messages; safe to run on any number of workers at once."""
    sent = outbox_send_pending()
    if outbox_has_due():
        outbox_send.delay()  # more are waiting (a full batch, or another drain's leftovers)
    return sent


@shared_task(ignore_result=True, acks_late=True)
def scan_deadlines() -> int:
    """One pass of the deadline watch; beat runs it every GRIDLINE_DEADLINE_SCAN_SECONDS."""
    return deadlines_scan(now=timezone.now())


@shared_task(ignore_result=True)
def idempotency_keys_expire() -> int:
    """Hourly: forget Idempotency-Keys past their keeping period."""
    return expire(now=timezone.now())
