import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from tests.conftest import requires_postgres
from tests.factories import ticket_create
from tickets.models import Kind


def test_number_has_kind_prefix_local_date_and_counter(db):
    # 2026-11-26 17:00 UTC is already 27 November in Shanghai.
    now = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)

    first = ticket_create(kind=Kind.REPAIR, now=now)
    second = ticket_create(kind=Kind.REPAIR, now=now)
    complaint = ticket_create(kind=Kind.COMPLAINT, now=now)

    assert first.number == "R20261127-000001"
    assert second.number == "R20261127-000002"
    assert complaint.number == "C20261127-000001"


def test_counter_restarts_each_local_day(db):
    ticket_create(kind=Kind.REPAIR, now=datetime(2026, 11, 26, 1, 0, tzinfo=UTC))

    next_day = ticket_create(kind=Kind.REPAIR, now=datetime(2026, 11, 27, 1, 0, tzinfo=UTC))

    assert next_day.number == "R20261127-000001"


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_are_unique_under_concurrent_creation():
    threads_count, per_thread = 8, 15
    barrier = threading.Barrier(threads_count)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                ticket = ticket_create(kind=Kind.REPAIR)
                with lock:
                    numbers.append(ticket.number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(numbers) == threads_count * per_thread
    assert len(set(numbers)) == len(numbers)
    counters = sorted(int(re.sub(r".*-", "", n)) for n in numbers)
    assert counters == list(range(1, threads_count * per_thread + 1))
