"""Two pops for one agent at the same moment, and a double-clicked urge: row locks decide."""

import threading

import pytest
from django.db import connection

from config.errors import TransitionNotAllowed
from hotline import services
from hotline.models import Call, CallTicket
from tests.conftest import requires_postgres
from tests.factories import PremiseFactory, UserFactory, ticket_create
from tickets.models import Ticket, TimelineEvent

ROUNDS = 10
TIMEOUT_SECONDS = 30


def together(*actions) -> list[BaseException]:
    """Run each action in its own thread and connection, released at once; their errors."""
    barrier = threading.Barrier(len(actions), timeout=TIMEOUT_SECONDS)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(action):
        try:
            barrier.wait()
            action()
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_calls_started_at_once_leave_one_open():
    agent = UserFactory(username="agent_race")

    def start(phone: str):
        return lambda: services.call_start(agent=agent, caller_phone=phone, customer=None)

    for n in range(ROUNDS):
        errors = together(start(f"1380000{n:04d}"), start(f"1390000{n:04d}"))

        assert errors == []
        assert Call.objects.filter(agent=agent, ended_at__isnull=True).count() == 1
    assert Call.objects.filter(agent=agent).count() == 2 * ROUNDS


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_urge_urges_once():
    agent = UserFactory(username="agent_race")
    ticket = ticket_create(kind="repair", premise=PremiseFactory())
    call = services.call_start(agent=agent, caller_phone="13800138000", customer=None)

    errors = together(
        lambda: services.call_urge(call=call, ticket=ticket, actor=agent),
        lambda: services.call_urge(call=call, ticket=ticket, actor=agent),
    )

    assert len(errors) == 1
    assert isinstance(errors[0], TransitionNotAllowed)
    assert Ticket.objects.get(pk=ticket.pk).urge_count == 1
    assert TimelineEvent.objects.filter(ticket=ticket, kind="urged").count() == 1
    assert CallTicket.objects.filter(call=call).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_one_sms_delivered_twice_at_once_is_handled_once():
    from django.utils import timezone

    from hotline.models import InboundSms
    from hotline.sms_inbound import inbound_sms_record
    from tests.factories import CustomerFactory, CustomerPhoneFactory
    from tickets.models import OutboxMessage

    customer = CustomerFactory()
    CustomerPhoneFactory(customer=customer, number="13800138000")
    premise = PremiseFactory(customer=customer)

    for n in range(ROUNDS):
        answers: list[InboundSms] = []

        def deliver(message_id: str = f"gw-{n}", answers: list[InboundSms] = answers) -> None:
            answers.append(
                inbound_sms_record(
                    message_id=message_id, sender="13800138000", text="停电", at=timezone.now()
                )
            )

        errors = together(deliver, deliver)

        assert errors == []
        assert len({row.pk for row in answers}) == 1
        assert {(row.action, row.ticket_id) for row in answers} == {
            (answers[0].action, answers[0].ticket_id)
        }
        assert InboundSms.objects.filter(message_id=f"gw-{n}").count() == 1
        assert OutboxMessage.objects.filter(dedup_key__startswith="sms-inbound:").count() == n + 1
    # The first recorded the repair; each later one found it open (no second repair).
    assert Ticket.objects.filter(premise=premise).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_out_texts_at_once_for_one_premise_record_one_repair():
    from django.utils import timezone

    from hotline.models import InboundSms
    from hotline.sms_inbound import inbound_sms_record
    from tests.factories import CustomerFactory, CustomerPhoneFactory

    customer = CustomerFactory()
    CustomerPhoneFactory(customer=customer, number="13800138000")
    premise = PremiseFactory(customer=customer)

    def deliver(message_id: str):
        return lambda: inbound_sms_record(
            message_id=message_id, sender="13800138000", text="停电", at=timezone.now()
        )

    errors = together(deliver("a"), deliver("b"))

    assert errors == []
    assert Ticket.objects.filter(premise=premise).count() == 1
    assert sorted(InboundSms.objects.values_list("action", flat=True)) == [
        "repair_created",
        "status_sent",
    ]
