"""POST /api/v1/tickets/ (DESIGN §5.2 version 1.1, issue "Every ticket worked to the end",
point 2): the kinds the console records, recorded through the API under the same rules."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from hotline.models import Article
from hotline.services import service_request_reply_by
from hotline.workdays import working_days_after
from tickets.models import Deadline, Kind, Ticket

URL = "/api/v1/tickets/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(api, agent):
    api.force_authenticate(agent)
    return api


def post(api, **body):
    return api.post(URL, body, format="json")


def reply_by(ticket: Ticket):
    return ticket.deadlines.get(name=Deadline.Name.REPLY_BY).due_at


def test_a_consultation_is_answered_and_closed(signed_in, home):
    response = post(
        signed_in,
        kind="consultation",
        caller_phone="+86 138-0013-8000",
        meter_no=home.meter_no,
        description="峰谷电价怎么算？",
        answer="谷段 23:00 到次日 7:00。",
    )

    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert response.json() == {"number": ticket.number, "status": "closed", "reply_by": None}
    assert (ticket.kind, ticket.caller_phone, ticket.premise, ticket.customer) == (
        Kind.CONSULTATION,
        "13800138000",
        home,
        home.customer,
    )
    assert ticket.consultation.answer == "谷段 23:00 到次日 7:00。"


def test_a_consultation_may_give_the_article_instead_of_the_answer(signed_in, knowledge_base):
    article = Article.objects.filter(published=True).first()

    response = post(signed_in, kind="consultation", description="电费", article=article.pk)

    assert response.status_code == 201
    assert Ticket.objects.get().consultation.article == article


def test_a_reconnection_is_replied_within_24_hours(signed_in, home):
    before = timezone.now()

    response = post(
        signed_in,
        kind="service_request",
        meter_no=home.meter_no,
        description="欠费已交清",
        request_type="reconnection",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    hours = settings.GRIDLINE_RECONNECTION_REPLY_HOURS
    assert (
        before + timedelta(hours=hours)
        <= reply_by(ticket)
        <= timezone.now() + timedelta(hours=hours)
    )
    assert ticket.station == home.transformer.feeder.station
    assert response.json()["reply_by"] is not None


def test_another_service_request_is_replied_within_working_days(signed_in, customer):
    response = post(
        signed_in,
        kind="service_request",
        account_no=customer.account_no,  # two premises: the customer only
        description="更名过户",
        request_type="account_change",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    expected = service_request_reply_by(request_type="account_change", now=ticket.created_at)
    assert reply_by(ticket) == expected
    assert (ticket.customer, ticket.premise) == (customer, None)


def test_an_opinion_stays_open_with_a_reply_deadline_and_a_praise_is_closed(signed_in):
    opinion = post(signed_in, kind="opinion", description="营业厅周末也应开门", subject="营业时间")
    praise = post(signed_in, kind="praise", description="抢修班组半夜赶到，谢谢")

    assert (opinion.json()["status"], praise.json()["status"]) == ("open", "closed")
    ticket = Ticket.objects.get(kind=Kind.OPINION)
    assert reply_by(ticket) == working_days_after(
        ticket.created_at, settings.GRIDLINE_OPINION_REPLY_WORKING_DAYS
    )
    assert Ticket.objects.get(kind=Kind.PRAISE).feedback.subject == "抢修班组半夜赶到，谢谢"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "repair", "description": "x"}, "kind"),  # POST /repairs/
        ({"kind": "complaint", "description": "x"}, "kind"),  # POST /complaints/
        ({"kind": "consultation", "description": "x"}, "answer"),
        ({"kind": "service_request", "description": "x"}, "request_type"),
        (
            {"kind": "service_request", "description": "x", "request_type": "reconnection"},
            "meter_no",
        ),
        ({"kind": "praise", "description": "x", "meter_no": "NO-SUCH"}, "meter_no"),
        ({"kind": "praise", "description": "x", "account_no": "NO-SUCH"}, "account_no"),
        ({"kind": "praise", "description": ["x"]}, "description"),
        ({"kind": "praise", "description": "x", "caller_phone": "12"}, "caller_phone"),
        ({"kind": "praise"}, "description"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(signed_in, body, field):
    response = signed_in.post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Ticket.objects.exists()


def test_a_retry_with_the_same_key_records_one_ticket(signed_in):
    body = {"kind": "praise", "description": "谢谢"}
    headers = {"Idempotency-Key": "praise-1"}

    first = signed_in.post(URL, body, format="json", headers=headers)
    again = signed_in.post(URL, body, format="json", headers=headers)

    assert first.json() == again.json()
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("role", ["crew_north", "dispatcher_north", "handler", "manager"])
def test_only_the_console_roles_record(api, role, request):
    api.force_authenticate(request.getfixturevalue(role))

    assert post(api, kind="praise", description="谢谢").status_code == 403
    assert not Ticket.objects.exists()
