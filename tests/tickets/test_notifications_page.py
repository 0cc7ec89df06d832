"""The bell: the unread count in the navigation, the list, mark all as read."""

from django.utils import timezone

from tests.factories import PASSWORD, ticket_create
from tickets.notify import Notice, notify


def test_bell_counts_unread_and_the_list_marks_them_read(client, supervisor, agent):
    ticket = ticket_create()
    notify(
        [
            Notice(user=supervisor, ticket_id=ticket.pk, text="R1 is overdue", key="a"),
            Notice(user=supervisor, ticket_id=ticket.pk, text="R2 is overdue", key="b"),
            Notice(user=agent, text="not yours", key="c"),
        ],
        now=timezone.now(),
    )
    client.login(username=supervisor.username, password=PASSWORD)
    home = client.get("/").content.decode()
    assert '<span class="bell-count">2<' in home

    page = client.get("/tickets/notifications/").content.decode()
    assert "R1 is overdue" in page
    assert "R2 is overdue" in page
    assert "not yours" not in page
    assert ticket.number in page

    client.post("/tickets/notifications/read/")
    assert "bell-count" not in client.get("/").content.decode()
    assert agent.notifications.filter(read_at__isnull=True).count() == 1
