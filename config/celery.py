"""The Celery app. Tasks take ids and call services; the beat schedule is in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gridline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
