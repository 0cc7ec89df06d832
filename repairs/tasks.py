from celery import shared_task

from repairs.services.notices import notice_reminders_send as remind


@shared_task(ignore_result=True)
def notice_reminders_send() -> int:
    """Remind customers of notices about to start; each notice is claimed once."""
    return remind()
