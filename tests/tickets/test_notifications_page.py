"""The bell: the unread count in the navigation, the list, mark all as read; each
notification in its reader's language, whatever language was active when it was written."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from tests.factories import PASSWORD, PremiseFactory, UserFactory, ticket_create
from tickets.escalation import deadlines_scan
from tickets.models import Notification, OutboxMessage
from tickets.notify import TICKET_URGED, Notice, notify
from tickets.outbox import outbox_send_pending
from tickets.services import deadline_open, ticket_urge


def signed_in(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def notifications_page(user) -> str:
    response = signed_in(user).get("/tickets/notifications/")
    assert response.status_code == 200
    return response.content.decode()


def test_bell_counts_unread_and_the_list_marks_them_read(client, supervisor, agent):
    ticket = ticket_create()
    notify(
        [
            Notice(
                user=supervisor,
                ticket_id=ticket.pk,
                text=TICKET_URGED(number="R1", count=1),
                key="a",
            ),
            Notice(
                user=supervisor,
                ticket_id=ticket.pk,
                text=TICKET_URGED(number="R2", count=2),
                key="b",
            ),
            Notice(user=agent, text=TICKET_URGED(number="R3", count=3), key="c"),
        ],
        now=timezone.now(),
    )
    client.login(username=supervisor.username, password=PASSWORD)
    home = client.get("/").content.decode()
    assert '<span class="bell-count">2<' in home

    page = client.get("/tickets/notifications/").content.decode()
    assert "R1 urged by the customer (1)." in page
    assert "R2 urged by the customer (2)." in page
    assert "R3 urged" not in page
    assert ticket.number in page

    client.post("/tickets/notifications/read/")
    assert "bell-count" not in client.get("/").content.decode()
    assert agent.notifications.filter(read_at__isnull=True).count() == 1


def test_an_urge_written_in_english_is_read_in_chinese_by_a_dispatcher_who_chose_it(
    agent, station_north
):
    dispatcher = UserFactory(
        role="dispatcher", station=station_north, language="zh-hans", email="d@example.com"
    )
    ticket = ticket_create(premise=PremiseFactory(transformer__feeder__station=station_north))

    with translation.override("en"):
        ticket_urge(ticket=ticket, actor=agent)

    assert f"{ticket.number} 客户催办（第 1 次）。" in notifications_page(dispatcher)
    outbox_send_pending()
    assert [m.subject for m in mail.outbox] == [f"{ticket.number} 客户催办（第 1 次）。"]


def test_an_escalation_written_in_chinese_is_read_in_english_by_a_supervisor_who_chose_it(db):
    supervisor = UserFactory(role="supervisor", language="en")
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    ticket = ticket_create(kind="repair", now=start)
    deadline_open(
        ticket=ticket, name="arrive_by", starts_at=start, due_at=start + timedelta(hours=1)
    )

    with translation.override("zh-hans"):
        deadlines_scan(now=timezone.now())

    page = notifications_page(supervisor)
    due = timezone.localtime(start + timedelta(hours=1)).strftime("%m-%d %H:%M")
    assert f"{ticket.number} is overdue: Crew on site by {due} was missed." in page
    assert "已超时" not in page


def test_one_notification_reads_in_each_readers_language(agent, supervisor, station_north):
    chinese = UserFactory(role="dispatcher", station=station_north, language="zh-hans")
    english = UserFactory(role="dispatcher", station=station_north, language="en")
    ticket = ticket_create(premise=PremiseFactory(transformer__feeder__station=station_north))

    ticket_urge(ticket=ticket, actor=agent)

    assert f"{ticket.number} 客户催办（第 1 次）。" in notifications_page(chinese)
    assert f"{ticket.number} urged by the customer (1)." in notifications_page(english)
    (stored,) = Notification.objects.filter(user=chinese).values_list("kind", "params", "text")
    assert stored == ("ticket_urged", {"number": ticket.number, "count": 1}, "")


def test_an_address_without_a_user_reads_the_site_language(db, settings):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@example.com"]
    start = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    ticket = ticket_create(kind="repair", now=start)
    deadline_open(
        ticket=ticket, name="arrive_by", starts_at=start, due_at=start + timedelta(hours=1)
    )

    with translation.override("zh-hans"):
        deadlines_scan(now=timezone.now())
        outbox_send_pending()

    (email,) = mail.outbox
    assert email.subject.startswith(f"{ticket.number} escalated to management: Crew on site by")
    assert OutboxMessage.objects.get().language == settings.LANGUAGE_CODE


def test_a_stored_sentence_is_shown_as_it_is(supervisor):
    Notification.objects.create(
        user=supervisor, text="旧的通知", dedup_key="old", created_at=timezone.now()
    )

    assert "旧的通知" in notifications_page(supervisor)


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_query_count_is_constant(
    client, supervisor, station_north, django_assert_max_num_queries, size
):
    tickets = [
        ticket_create(premise=PremiseFactory(transformer__feeder__station=station_north))
        for _ in range(size)
    ]
    notify(
        [
            Notice(
                user=supervisor,
                ticket_id=t.pk,
                text=TICKET_URGED(number=t.number, count=1),
                key=f"u{t.pk}",
            )
            for t in tickets
        ],
        now=timezone.now(),
    )
    client.login(username=supervisor.username, password=PASSWORD)

    # session, user, the bell's count, the page's count, the page of rows with their tickets
    with django_assert_max_num_queries(5):
        page = client.get("/tickets/notifications/").content.decode()

    assert page.count("urged by the customer (1).") == size
