from celery import shared_task

from complaints.models import ComplaintSummary
from complaints.summaries import complaint_summary_run


# Idempotent: the period's one summary is rebuilt in place and each email is queued once
# in the outbox and claimed once, so a task lost with its worker may run again.
@shared_task(ignore_result=True, acks_late=True)
def complaint_summary_weekly() -> int:
    """Beat, Monday 08:00: the week just ended, built, stored and emailed; returns emails sent."""
    return complaint_summary_run(period=ComplaintSummary.Period.WEEKLY).sent


@shared_task(ignore_result=True, acks_late=True)
def complaint_summary_monthly() -> int:
    """Beat, the 1st at 08:00: the month just ended, built, stored and emailed."""
    return complaint_summary_run(period=ComplaintSummary.Period.MONTHLY).sent
