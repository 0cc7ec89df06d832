"""A replied complaint waits in the agents' callback queue; the result goes through the
complaint's own workflow."""

from complaints.models import Complaint
from tests.complaints.conftest import PATH_TO, record, walk
from tests.factories import PASSWORD


def test_a_replied_complaint_is_called_back_from_the_queue(client, agent, people):
    complaint = walk(record(caller_phone="13800001234"), PATH_TO["replied"], people=people)
    number = complaint.ticket.number
    client.login(username=agent.username, password=PASSWORD)
    assert number in client.get("/console/callbacks/").content.decode()

    client.post(f"/console/callbacks/{number}/", {"result": "unreachable"})
    complaint.refresh_from_db()
    complaint.ticket.refresh_from_db()
    assert (complaint.status, complaint.ticket.unreachable_count) == (Complaint.Status.REPLIED, 1)

    client.post(f"/console/callbacks/{number}/", {"result": "satisfied"})
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert f"callback-{number}" not in client.get("/console/callbacks/").content.decode()
