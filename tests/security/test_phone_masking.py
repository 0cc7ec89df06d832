"""Phone numbers in full only for the roles that call customers back (agent, supervisor,
department handler); masked for managers, dispatchers and crews on ticket data."""

import pytest

from tests.factories import PASSWORD, UserFactory, ticket_create

PHONE = "13812345678"
MASKED = "138****5678"


@pytest.mark.parametrize(
    ("role", "shown"),
    [("agent", PHONE), ("supervisor", PHONE), ("manager", MASKED)],
)
def test_the_ticket_api_masks_the_phone_for_roles_that_do_not_call_back(api, db, role, shown):
    ticket = ticket_create(caller_phone=PHONE)
    api.force_authenticate(UserFactory(username=f"u_{role}", role=role))
    assert api.get(f"/api/v1/tickets/{ticket.number}/").json()["caller_phone"] == shown
    rows = api.get("/api/v1/tickets/").json()["results"]
    assert [row["caller_phone"] for row in rows] == [shown]


def test_the_complaint_page_masks_the_phone_for_a_manager(client, db):
    from complaints.models import Category
    from complaints.services import complaint_create

    complaint = complaint_create(
        channel="hotline",
        category=Category.objects.first(),
        description="Rude clerk",
        caller_phone=PHONE,
        actor=None,
    )
    url = f"/complaints/{complaint.ticket.number}/"
    for role, shown, hidden in [("manager", MASKED, PHONE), ("supervisor", PHONE, MASKED)]:
        user = UserFactory(username=f"c_{role}", role=role)
        client.login(username=user.username, password=PASSWORD)
        page = client.get(url).content.decode()
        assert shown in page
        assert hidden not in page
