from celery import shared_task
from django.core import management


@shared_task
def sessions_clear() -> None:
    """Delete expired browser sessions (safe to run twice)."""
    management.call_command("clearsessions")
