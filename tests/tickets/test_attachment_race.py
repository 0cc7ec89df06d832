"""Two files reach a ticket with room for one more at the same moment: the ticket's row lock
counts them one at a time, so a ticket never keeps more than its limit (DESIGN §3.14)."""

import threading

import pytest
from django.db import connection

from config.errors import GridlineError
from tests.conftest import requires_postgres
from tests.factories import UserFactory, checked_file, pdf_file, ticket_create
from tickets.attachments import attachment_add, attachment_storage
from tickets.models import Attachment, Ticket

ROUNDS = 5
TIMEOUT_SECONDS = 30


def add_together(ticket: Ticket, users: list) -> tuple[list, list, list]:
    barrier = threading.Barrier(len(users), timeout=TIMEOUT_SECONDS)
    kept, refused, errors = [], [], []
    lock = threading.Lock()

    def add(user):
        try:
            checked = checked_file(pdf_file(), "letter.pdf")
            stale = Ticket.objects.get(pk=ticket.pk)
            barrier.wait()
            attachment = attachment_add(ticket=stale, checked=checked, actor=user)
        except GridlineError:
            with lock:
                refused.append(user)
        except BaseException as exc:  # pragma: no cover - reported by the assertion
            with lock:
                errors.append(exc)
        else:
            with lock:
                kept.append(attachment)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return kept, refused, errors


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_uploads_for_the_last_place_keep_exactly_one(settings):
    settings.GRIDLINE_ATTACHMENTS_PER_TICKET = 3
    before = stored_keys()
    users = [UserFactory.create(username="agent_a"), UserFactory.create(username="agent_b")]

    for _ in range(ROUNDS):
        ticket = ticket_create(kind="consultation")
        for _ in range(2):
            attachment_add(ticket=ticket, checked=checked_file(pdf_file(), "a.pdf"), actor=users[0])

        kept, refused, errors = add_together(ticket, users)

        assert errors == []
        assert (len(kept), len(refused)) == (1, 1)
        assert Attachment.objects.filter(ticket=ticket).count() == 3
    # The refused uploads left no bytes behind: every file stored since has its row.
    rows = set(Attachment.objects.values_list("file_key", flat=True))
    assert stored_keys() - before == rows


def stored_keys() -> set[str]:
    storage = attachment_storage()
    if not storage.exists("attachments"):
        return set()
    return {f"attachments/{name}" for name in storage.listdir("attachments")[1]}
