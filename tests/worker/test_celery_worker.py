"""A real Celery worker with beat on Redis and PostgreSQL, killed with SIGKILL half-way:
every escalation step still happens exactly once, and every email is sent (only the one
being sent at the kill may go out twice) (issue #7)."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email import message_from_string
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import requires_postgres
from tests.factories import StationFactory, UserFactory, ticket_create
from tickets.models import Deadline, DeadlineStep, OutboxMessage, TimelineEvent
from tickets.services import deadline_open

pytestmark = [pytest.mark.worker, requires_postgres]

ROOT = Path(__file__).resolve().parents[2]
DEADLINES = 200
REDIS_DB = 15  # a database of the test's own, flushed before the run


def redis_url() -> str:
    url = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunsplit(url._replace(path=f"/{REDIS_DB}"))


@pytest.fixture
def redis():
    import redis as redis_client

    client = redis_client.Redis.from_url(redis_url())
    try:
        client.ping()
    except redis_client.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("needs Redis (REDIS_URL)")
    client.flushdb()
    yield client
    client.flushdb()


def worker_env(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "worker-test-secret",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "GRIDLINE_VAR_DIR": str(tmp_path / "var"),
        "GRIDLINE_DEADLINE_SCAN_SECONDS": "1",
        # Messages the killed worker had claimed are claimed again after a minute.
        "GRIDLINE_OUTBOX_SWEEP_SECONDS": "2",
        "GRIDLINE_OUTBOX_RECLAIM_MINUTES": "1",
        "GRIDLINE_MANAGEMENT_EMAILS": "board@example.com",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            "-Q",
            "celery,scan",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL takes the children too
    )


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def steps_recorded() -> int:
    return DeadlineStep.objects.count()


def emails_sent(mail_dir: Path) -> list[tuple[str, str]]:
    """(To, Subject) of every email the file backend wrote (79 dashes end each one)."""
    if not mail_dir.exists():
        return []
    sent = []
    for path in mail_dir.iterdir():
        for text in path.read_text().split("-" * 79):
            if text.strip():
                message = message_from_string(text.strip())
                sent.append((str(message["To"]), " ".join(str(message["Subject"]).split())))
    return sent


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_killed_worker_neither_loses_nor_repeats_a_step(redis, tmp_path):
    station = StationFactory(code="N01")
    UserFactory(username="disp", role="dispatcher", station=station, email="disp@example.com")
    UserFactory(username="sup", role="supervisor", email="sup@example.com")
    UserFactory(username="boss", role="manager", email="boss@example.com")
    start = timezone.now() + timedelta(seconds=4)
    for i in range(DEADLINES):
        # Due 5–15 s after the start: the three steps fall between 8 and 27 s from now.
        due = start + timedelta(seconds=5 + (i % 11))
        ticket = ticket_create(kind="repair", now=start)
        deadline_open(ticket=ticket, name="arrive_by", starts_at=start, due_at=due,
                      station_id=station.pk)  # fmt: skip
    env, log = worker_env(tmp_path), tmp_path / "worker.log"
    expected_steps = 3 * DEADLINES

    worker = start_worker(env, log)
    try:
        # Kill it in the middle of the work.
        assert wait_for(lambda: steps_recorded() >= expected_steps // 4, timeout=60), (
            log.read_text()
        )
        kill(worker)
        assert steps_recorded() < expected_steps, "killed too late to mean anything"
        worker = start_worker(env, log)
        assert wait_for(lambda: steps_recorded() == expected_steps, timeout=90), log.read_text()
        assert wait_for(
            lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), timeout=150
        ), log.read_text()
    finally:
        kill(worker)

    assert TimelineEvent.objects.filter(kind__startswith="sla_").count() == expected_steps
    assert not Deadline.objects.exclude(next_step="").exists()
    # One email per step and person: the dispatcher's warning, the supervisor's overdue,
    # the manager's and the board's escalation.
    assert OutboxMessage.objects.count() == 4 * DEADLINES
    sent = Counter(emails_sent(tmp_path / "mail"))
    assert len(sent) == 4 * DEADLINES, "an email was lost"
    # Sending and marking the row sent cannot be one act: the one email the worker was
    # sending when it was killed may go out again; no other does.
    assert sum(sent.values()) - len(sent) <= 1, "emails were sent twice"
    assert sorted({to for to, _subject in sent}) == [
        "board@example.com", "boss@example.com", "disp@example.com", "sup@example.com"
    ]  # fmt: skip
