"""Two crews press Accept on the same order at the same moment: the row lock decides."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from config.errors import TransitionNotAllowed
from dispatch.models import WorkOrder
from dispatch.services import crew_member_set
from tests.conftest import requires_postgres
from tests.dispatch.steps import take_step
from tests.factories import CrewFactory, StationFactory, UserFactory, work_order_create
from tickets.models import TimelineEvent

ROUNDS = 20
# Long enough for a slow CI machine, short enough that a deadlock fails the test.
TIMEOUT_SECONDS = 30


def crew_user(username: str, code: str, station):
    user = UserFactory.create(username=username, role=Role.CREW, station=station)
    crew_member_set(user=user, crew=CrewFactory.create(code=code, station=station))
    return user


def accept_together(order: WorkOrder, users: list) -> tuple[list, list, list]:
    """Each user accepts `order` from its own thread and connection, released together."""
    barrier = threading.Barrier(len(users), timeout=TIMEOUT_SECONDS)
    winners, losers, errors = [], [], []
    lock = threading.Lock()

    def accept(user):
        try:
            # A stale copy, as each crew's phone loaded it before either pressed.
            stale = WorkOrder.objects.get(pk=order.pk)
            barrier.wait()
            take_step(order=stale, action="accept", actor=user)
        except TransitionNotAllowed:
            with lock:
                losers.append(user)
        except BaseException as exc:  # pragma: no cover - reported by the assertion
            with lock:
                errors.append(exc)
        else:
            with lock:
                winners.append(user)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return winners, losers, errors


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_crews_accepting_one_order_at_once_only_one_wins(settings):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True
    station = StationFactory.create(code="N01")
    users = [crew_user("crew_a", "N01-A", station), crew_user("crew_b", "N01-B", station)]

    for _ in range(ROUNDS):
        order = work_order_create(station=station)

        winners, losers, errors = accept_together(order, users)

        assert errors == []
        assert len(winners) == 1
        assert len(losers) == 1
        stored = WorkOrder.objects.select_related("crew").get(pk=order.pk)
        assert stored.status == WorkOrder.Status.ACCEPTED
        assert stored.crew == winners[0].crew_membership.crew
        accepts = TimelineEvent.objects.filter(ticket_id=order.ticket_id, kind="accept")
        assert accepts.count() == 1
        assert accepts.get().actor == winners[0]
