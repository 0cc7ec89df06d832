"""Every ticket kind the console records: its rules, its form's errors, nothing lost."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models import CalendarDay, CalendarYear
from hotline import services
from hotline.models import Article, CallTicket, Consultation, Feedback, ServiceRequest
from tickets.models import Deadline, Notification, Ticket, TimelineEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def article(knowledge_base):
    return Article.objects.get(title="峰谷分时电价时段与价格")


def post(client, call, kind, data, *, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    body = {f"{kind}-{name}": value for name, value in data.items()}
    return client.post(f"/console/calls/{call.pk}/record/{kind}/", body, headers=headers)


# --- Consultation -------------------------------------------------------------------------


def test_consultation_is_answered_and_closed_with_its_article(client, agent, call, article):
    client.force_login(agent)

    response = post(
        client, call, "consultation", {"question": "峰谷电价怎么算？", "article": article.pk}
    )

    assert response.status_code == 200
    ticket = Ticket.objects.get(kind="consultation")
    assert ticket.status == Ticket.Status.CLOSED
    assert (ticket.customer, ticket.caller_phone, ticket.description) == (
        call.customer,
        call.caller_phone,
        "峰谷电价怎么算？",
    )
    assert ticket.consultation.article == article
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == ["created", "resolve", "close"]
    assert ticket.events.get(kind="resolve").data == {"article": article.pk}
    assert CallTicket.objects.filter(call=call, ticket=ticket, action="created").exists()
    html = response.content.decode()
    assert "recorded (Closed)" in html
    oob = html.split('id="call-tickets"')[1].split(">")[0]
    assert 'hx-swap-oob="true"' in oob


def test_consultation_answer_without_an_article_is_kept(client, agent, call):
    client.force_login(agent)

    post(client, call, "consultation", {"question": "营业厅几点开门？", "answer": "8:30–17:30"})

    consultation = Consultation.objects.get()
    assert (consultation.answer, consultation.article) == ("8:30–17:30", None)
    assert consultation.ticket.events.get(kind="resolve").note == "8:30–17:30"


def test_consultation_needs_a_question_and_an_answer_or_article(client, agent, call):
    client.force_login(agent)

    response = post(client, call, "consultation", {"question": "", "answer": ""})

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"question", "answer"}
    assert Ticket.objects.count() == 0


def test_a_rejected_form_keeps_everything_typed(client, agent, call, article, home):
    client.force_login(agent)

    response = post(
        client,
        call,
        "consultation",
        {"question": "", "answer": "请在低谷时段用电", "article": article.pk, "premise": home.pk},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "请在低谷时段用电" in html
    assert f'value="{article.pk}" checked' in html
    assert f'<option value="{home.pk}" selected>' in html
    assert Ticket.objects.count() == 0


def test_without_htmx_a_rejected_form_shows_the_whole_call_page(client, agent, call):
    client.force_login(agent)

    response = post(client, call, "opinion", {"subject": "", "description": "太慢"}, htmx=False)

    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert "太慢" in html
    assert response.context["active_kind"] == "opinion"


# --- Service requests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "due"),
    [
        (at(2031, 3, 10, 10, 0), at(2031, 3, 17, 23, 59, 59)),  # Monday → next Monday
        (at(2031, 3, 14, 16, 0), at(2031, 3, 21, 23, 59, 59)),  # Friday → next Friday
        (at(2031, 3, 15, 9, 0), at(2031, 3, 21, 23, 59, 59)),  # Saturday counts from Monday
    ],
    ids=["monday", "friday", "saturday"],
)
def test_service_request_reply_by_is_5_working_days(agent, call, home, created, due):
    ticket = services.service_request_record(
        call=call,
        actor=agent,
        request_type=ServiceRequest.Type.METER_CHECK,
        description="电表走得快",
        premise=home,
        now=created,
    )

    deadline = Deadline.objects.get(ticket=ticket)
    assert (deadline.name, deadline.starts_at, deadline.due_at) == ("reply_by", created, due)
    assert deadline.station == home.transformer.feeder.station
    assert ticket.station == home.transformer.feeder.station
    assert ticket.status == Ticket.Status.OPEN


def test_service_request_working_days_skip_holidays_and_count_make_up_days(agent, call, home):
    year = CalendarYear.objects.create(year=2031, source="test")
    for day in range(1, 6):
        CalendarDay.objects.create(year=year, date=at(2031, 5, day).date(), kind="holiday")
    CalendarDay.objects.create(year=year, date=at(2031, 5, 10).date(), kind="workday")

    ticket = services.service_request_record(
        call=call,
        actor=agent,
        request_type=ServiceRequest.Type.NEW_CONNECTION,
        description="新房报装",
        now=at(2031, 4, 30, 10, 0),
    )

    # 6, 7, 8, 9 May and the make-up Saturday the 10th.
    assert ticket.deadlines.get().due_at == at(2031, 5, 10, 23, 59, 59)


def test_reconnection_after_payment_is_due_in_24_hours(agent, call, home):
    created = at(2031, 3, 14, 16, 0)

    ticket = services.service_request_record(
        call=call,
        actor=agent,
        request_type=ServiceRequest.Type.RECONNECTION,
        description="已缴清欠费",
        premise=home,
        now=created,
    )

    assert ticket.deadlines.get().due_at == created + timedelta(hours=24)


def test_the_reply_windows_are_settings(agent, call, home, settings):
    settings.GRIDLINE_RECONNECTION_REPLY_HOURS = 12
    settings.GRIDLINE_SERVICE_REQUEST_REPLY_WORKING_DAYS = 1
    created = at(2031, 3, 14, 16, 0)

    reconnection = services.service_request_reply_by(request_type="reconnection", now=created)
    other = services.service_request_reply_by(request_type="meter_check", now=created)

    assert reconnection == created + timedelta(hours=12)
    assert other == at(2031, 3, 17, 23, 59, 59)


def test_service_request_form_records_it_on_the_call(client, agent, call, home):
    client.force_login(agent)

    response = post(
        client,
        call,
        "service_request",
        {"request_type": "reconnection", "premise": home.pk, "description": "已在App缴费"},
    )

    assert response.status_code == 200
    request = ServiceRequest.objects.get()
    assert (request.request_type, request.ticket.premise) == ("reconnection", home)
    assert CallTicket.objects.filter(call=call, ticket=request.ticket).exists()


def test_reconnection_needs_the_premise(client, agent, call):
    client.force_login(agent)

    response = post(
        client,
        call,
        "service_request",
        {"request_type": "reconnection", "premise": "", "description": "已缴费"},
    )

    assert response.status_code == 422
    assert "premise" in response.context["form"].errors
    assert "已缴费" in response.content.decode()
    assert Ticket.objects.count() == 0


# --- Opinion and praise -------------------------------------------------------------------


def test_opinion_stays_open_for_the_supervisors(client, agent, supervisor, call):
    client.force_login(agent)

    post(
        client, call, "opinion", {"subject": "营业厅周末开放", "description": "希望周六也能办业务"}
    )

    feedback = Feedback.objects.get()
    assert feedback.subject == "营业厅周末开放"
    assert feedback.ticket.kind == "opinion"
    assert feedback.ticket.status == Ticket.Status.OPEN
    assert feedback.ticket.station is None  # held by the supervisors


def test_praise_is_recorded_and_closed(client, agent, call):
    client.force_login(agent)

    post(client, call, "praise", {"subject": "抢修班李师傅", "description": "半夜冒雨抢修"})

    ticket = Feedback.objects.get().ticket
    assert (ticket.kind, ticket.status) == ("praise", Ticket.Status.CLOSED)


def test_opinion_and_praise_need_a_subject_and_what_was_said(client, agent, call):
    client.force_login(agent)

    response = post(client, call, "praise", {"subject": "", "description": ""})

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"subject", "description"}


def test_nothing_is_recorded_on_a_call_that_has_ended(client, agent, call):
    services.call_finish(call=call, reason="other", outcome="nothing")
    client.force_login(agent)

    response = post(client, call, "opinion", {"subject": "电压低", "description": "晚上灯暗"})

    assert response.status_code == 422
    assert "This call ended" in response.content.decode()
    assert "晚上灯暗" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_an_unknown_kind_is_not_found(client, agent, call):
    client.force_login(agent)

    assert post(client, call, "repair", {}).status_code == 404


def test_unregistered_caller_can_still_give_an_opinion(client, agent):
    call = services.call_start(agent=agent, caller_phone="13911112222", customer=None)
    client.force_login(agent)

    response = post(client, call, "opinion", {"subject": "路灯", "description": "路灯不亮"})

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.caller_phone, ticket.premise) == (None, "13911112222", None)
    assert TimelineEvent.objects.filter(ticket=ticket, kind="created").exists()
    assert not Notification.objects.exists()
