from celery import shared_task
from django.conf import settings

from dashboards import services


# A recount overwrites what it counts, so running twice does no harm: acks_late.
@shared_task(ignore_result=True, acks_late=True)
def rollup_refresh() -> int:
    """Recount the rollup's recent days; beat runs it every GRIDLINE_ROLLUP_REFRESH_SECONDS."""
    return services.rollup_refresh().days


@shared_task(ignore_result=True, acks_late=True)
def rollup_settle() -> int:
    """Nightly: recount the last GRIDLINE_ROLLUP_SETTLE_DAYS days, for the numbers that move
    long after their day (complaints judged and called back weeks later)."""
    return services.rollup_refresh(days=settings.GRIDLINE_ROLLUP_SETTLE_DAYS).days
