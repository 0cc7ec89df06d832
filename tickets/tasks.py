from celery import shared_task

from tickets.outbox import SEND_BATCH, outbox_send_pending


@shared_task(ignore_result=True)
def outbox_send() -> int:
    """Send the outbox's due messages; safe to run on any number of workers at once."""
    sent = outbox_send_pending()
    if sent == SEND_BATCH:
        outbox_send.delay()  # more are waiting
    return sent
