"""Messages in the reader's language (DESIGN §3.16): every kind is stored as its values and
written in English or Simplified Chinese when it is shown or sent.

The sentences are this module's; the choice labels inside them (deadline names, outage
kinds, triage answers, categories) are written through the catalogue, so a better wording
of a label does not break the table.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from complaints.notices import (
    CALENDAR_MISSING,
    COMPLAINT_ASSIGNED,
    COMPLAINT_MAJOR,
    COMPLAINT_REOPENED,
)
from dispatch.messages import (
    CREW_ORDER_ASSIGNED,
    CREW_ORDER_CANCELLED,
    CREW_ORDER_REASSIGNED,
    CREW_ORDER_TAKEN_BACK,
    STATION_ORDER_RETURNED,
)
from hotline.messages import (
    SELF_SIGN_IN_CODE,
    SMS_ASK_TO_CALL,
    SMS_ATTACHED,
    SMS_NESTED_OUTAGE,
    SMS_RECEIVED,
    SMS_REPAIR_CREATED,
    SMS_STATUS,
    SMS_UNKNOWN_SENDER,
)
from repairs.messages import (
    BRIEF_CALLBACK,
    BRIEF_DECLARED,
    BRIEF_MERGED,
    BRIEF_REPAIR,
    INCIDENT_ACKNOWLEDGED,
    INCIDENT_DECLARED,
    INCIDENT_ETR,
    INCIDENT_RESTORED,
    NOTICE_CANCELLED,
    NOTICE_CHANGED,
    NOTICE_PUBLISHED,
    NOTICE_REMINDER,
    REPAIR_CREW_DEPARTED,
    REPAIR_DISPATCHED,
    REPAIR_REOPENED,
    REPAIR_WORK_DONE,
)
from repairs.models import OutageNotice
from repairs.triage import Breaker, Scope
from tickets.messages import MISSING, Text, message_kinds, render
from tickets.models import Channel, Deadline, OutboxMessage, Ticket
from tickets.notify import (
    DEADLINE_MANAGEMENT,
    DEADLINE_OVERDUE,
    DEADLINE_WARNING,
    TICKET_RETURNED,
    TICKET_TRANSFERRED,
    TICKET_URGED,
)
from tickets.outbox import Message, outbox_enqueue, outbox_send_pending

EN, ZH = "en", "zh-hans"
NUMBER = "R20261202-000006"
DUE = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)  # 14:30 on 12-02 in Asia/Shanghai
ENDS = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # 18:00


def zh(label) -> str:
    """A label (or a seeded name, its own msgid) as the catalogue writes it in Chinese."""
    with translation.override(ZH):
        return gettext(str(label))


@dataclass(frozen=True)
class Case:
    text: Text
    english: str
    chinese: str
    english_body: str = ""  # an email with a body of its own: a line of it
    chinese_body: str = ""


ARRIVE = zh(Deadline.Name.ARRIVE_BY.label)
PLANNED = zh(OutageNotice.Kind.PLANNED.label)
STAFF = {
    "deadline_warning": Case(
        DEADLINE_WARNING(number=NUMBER, deadline=Deadline.Name.ARRIVE_BY, due=DUE),
        f"{NUMBER}: Crew on site by 12-02 14:30 is near.",
        f"{NUMBER}：{ARRIVE} 12-02 14:30，即将到期。",
    ),
    "deadline_overdue": Case(
        DEADLINE_OVERDUE(number=NUMBER, deadline="arrive_by", due=DUE),
        f"{NUMBER} is overdue: Crew on site by 12-02 14:30 was missed.",
        f"{NUMBER} 已超时：{ARRIVE} 12-02 14:30。",
    ),
    "deadline_management": Case(
        DEADLINE_MANAGEMENT(number=NUMBER, deadline="arrive_by", due=DUE),
        f"{NUMBER} escalated to management: Crew on site by 12-02 14:30 was missed.",
        f"{NUMBER} 已升级至管理层：{ARRIVE} 12-02 14:30。",
    ),
    "ticket_urged": Case(
        TICKET_URGED(number=NUMBER, count=2),
        f"{NUMBER} urged by the customer (2).",
        f"{NUMBER} 客户催办（第 2 次）。",
    ),
    # Until the catalogue has them, their Chinese is written through it (the lead translates).
    "ticket_transferred": Case(
        TICKET_TRANSFERRED(number=NUMBER, reason="表计在对方台区"),
        f"{NUMBER} was transferred to you: 表计在对方台区",
        zh("%(number)s was transferred to you: %(reason)s")
        % {"number": NUMBER, "reason": "表计在对方台区"},
    ),
    "ticket_returned": Case(
        TICKET_RETURNED(number=NUMBER, reason="非本所业务"),
        f"{NUMBER} was returned to the supervisors: 非本所业务",
        zh("%(number)s was returned to the supervisors: %(reason)s")
        % {"number": NUMBER, "reason": "非本所业务"},
    ),
    # The crew loop (DESIGN §3.10): the catalogue's wording, whatever it is.
    "crew_order_assigned": Case(
        CREW_ORDER_ASSIGNED(id=12, location="果园路 12 号"),
        "Work order 12 is assigned to your crew: 果园路 12 号.",
        zh("Work order %(id)s is assigned to your crew: %(location)s.")
        % {"id": 12, "location": "果园路 12 号"},
    ),
    "crew_order_reassigned": Case(
        CREW_ORDER_REASSIGNED(id=12, location="果园路 12 号", crew="二班"),
        "Work order 12 (果园路 12 号) was reassigned to 二班: it has left your list.",
        zh("Work order %(id)s (%(location)s) was reassigned to %(crew)s: it has left your list.")
        % {"id": 12, "location": "果园路 12 号", "crew": "二班"},
    ),
    "crew_order_taken_back": Case(
        CREW_ORDER_TAKEN_BACK(id=12, location="果园路 12 号", reason="改派"),
        "Work order 12 (果园路 12 号) was taken back by the station: 改派",
        zh("Work order %(id)s (%(location)s) was taken back by the station: %(reason)s")
        % {"id": 12, "location": "果园路 12 号", "reason": "改派"},
    ),
    "crew_order_cancelled": Case(
        CREW_ORDER_CANCELLED(id=12, location="果园路 12 号", reason="重复"),
        "Work order 12 (果园路 12 号) was cancelled: 重复",
        zh("Work order %(id)s (%(location)s) was cancelled: %(reason)s")
        % {"id": 12, "location": "果园路 12 号", "reason": "重复"},
    ),
    "station_order_returned": Case(
        STATION_ORDER_RETURNED(id=12, location="果园路 12 号", crew="一班", reason="需要斗臂车"),
        "一班 returned work order 12 (果园路 12 号): 需要斗臂车",
        zh("%(crew)s returned work order %(id)s (%(location)s): %(reason)s")
        % {"id": 12, "location": "果园路 12 号", "crew": "一班", "reason": "需要斗臂车"},
    ),
    "repair_reopened": Case(
        REPAIR_REOPENED(number=NUMBER, reason="还是停电"),
        f"{NUMBER} reopened after the callback: 还是停电",
        f"{NUMBER} 回访不满意，已重新打开：还是停电",
    ),
    "complaint_assigned": Case(
        COMPLAINT_ASSIGNED(number="C20261202-000001", due=DUE),
        "Complaint C20261202-000001 is your department's: reply by 2026-12-02 14:30.",
        "投诉 C20261202-000001 由您部门处理，请于 2026-12-02 14:30 前答复客户。",
    ),
    "complaint_reopened": Case(
        COMPLAINT_REOPENED(number="C20261202-000001", due=DUE),
        "Complaint C20261202-000001 was reopened after an unsatisfied callback: "
        "reply by 2026-12-02 14:30.",
        "投诉 C20261202-000001 回访不满意，已重新打开，请于 2026-12-02 14:30 前答复客户。",
    ),
    "complaint_major": Case(
        COMPLAINT_MAJOR(
            number="C20261202-000001",
            category="Service attitude",
            channel=Channel.GOVERNMENT_12345,
            reason="",
            customer="陈晓敏",
            due=DUE,
            description="营业厅工作人员态度恶劣",
            path="/complaints/C20261202-000001/",
        ),
        "Major complaint C20261202-000001: Service attitude",
        f"重大投诉 C20261202-000001：{zh('Service attitude')}",
        english_body="Channel: City government (12345)",
        chinese_body=f"渠道：{zh(Channel.GOVERNMENT_12345.label)}",
    ),
    "calendar_missing": Case(
        CALENDAR_MISSING(year=2027),
        "The working-day calendar has no data for 2027: complaint reply deadlines in 2027 "
        "count Monday to Friday. Add its holidays and make-up working days in the admin.",
        "工作日历中没有 2027 年的数据：2027 年的投诉答复时限暂按周一至周五计算。"
        "请在管理后台添加该年的法定节假日和调休工作日。",
    ),
    "sms_received": Case(
        SMS_RECEIVED(number=NUMBER, text="还没来人"),
        f"{NUMBER}: the customer texted: 还没来人",
        zh("%(number)s: the customer texted: %(text)s") % {"number": NUMBER, "text": "还没来人"},
    ),
}
NOTICE = {"kind": OutageNotice.Kind.PLANNED, "starts": DUE, "ends": ENDS, "reason": "线路检修"}
CUSTOMERS = {
    "notice_published": Case(
        NOTICE_PUBLISHED(**NOTICE),
        "Planned maintenance from 12-02 14:30 to 12-02 18:00 (线路检修).",
        f"尊敬的客户：您所在区域将于 12-02 14:30 至 12-02 18:00 {PLANNED}（线路检修），"
        "请提前做好准备，敬请谅解。",
    ),
    "notice_changed": Case(
        NOTICE_CHANGED(**NOTICE),
        "Changed: Planned maintenance now from 12-02 14:30 to 12-02 18:00 (线路检修).",
        f"尊敬的客户：您所在区域的{PLANNED}时间调整为 12-02 14:30 至 12-02 18:00"
        "（线路检修），敬请谅解。",
    ),
    "notice_reminder": Case(
        NOTICE_REMINDER(**NOTICE),
        "Reminder: Planned maintenance from 12-02 14:30 to 12-02 18:00 (线路检修).",
        f"温馨提醒：您所在区域将于 12-02 14:30 至 12-02 18:00 {PLANNED}（线路检修），"
        "请提前做好准备。",
    ),
    "notice_cancelled": Case(
        NOTICE_CANCELLED(**NOTICE),
        "Cancelled: the Planned maintenance from 12-02 14:30 to 12-02 18:00 will not take place.",
        f"尊敬的客户：原定 12-02 14:30 至 12-02 18:00 的{PLANNED}已取消，特此通知。",
    ),
    "incident_acknowledged": Case(
        INCIDENT_ACKNOWLEDGED(),
        "A repair crew has taken on the outage you reported.",
        "尊敬的客户：您报修的停电故障已安排抢修人员处理，请耐心等待。",
    ),
    "incident_etr": Case(
        INCIDENT_ETR(etr=ENDS),
        "Estimated restoration of the outage you reported: 12-02 18:00.",
        "尊敬的客户：您报修的停电故障预计 12-02 18:00 恢复供电，给您带来不便，敬请谅解。",
    ),
    "incident_restored": Case(
        INCIDENT_RESTORED(),
        "Power is restored. Thank you for your patience.",
        "尊敬的客户：您报修的停电已恢复供电，感谢您的耐心等待。",
    ),
    "repair_dispatched": Case(
        REPAIR_DISPATCHED(number=NUMBER),
        f"Your repair {NUMBER} has been passed to a repair crew.",
        zh("Your repair %(number)s has been passed to a repair crew.") % {"number": NUMBER},
    ),
    "repair_crew_departed": Case(
        REPAIR_CREW_DEPARTED(number=NUMBER),
        f"Repair {NUMBER}: the crew is on its way to you.",
        zh("Repair %(number)s: the crew is on its way to you.") % {"number": NUMBER},
    ),
    "repair_work_done": Case(
        REPAIR_WORK_DONE(number=NUMBER),
        f"Repair {NUMBER}: the work is done. If the power is still off, please call us again.",
        zh("Repair %(number)s: the work is done. If the power is still off, please call us again.")
        % {"number": NUMBER},
    ),
    # Replies to a customer's SMS (hotline/sms_inbound.py).
    "sms_status": Case(
        SMS_STATUS(
            tickets=[{"number": NUMBER, "status": "in_progress"}],
            outages=[
                {"tail": "0123", "status": "incident", "ends": None, "etr": ENDS.isoformat()},
                {"tail": "0456", "status": "planned_outage", "ends": ENDS.isoformat(), "etr": None},
            ],
        ),
        f"{NUMBER}: In progress. Meter …0123: outage under repair, power back by about "
        "12-02 18:00. Meter …0456: planned outage until 12-02 18:00.",
        " ".join(
            [
                zh("%(number)s: %(status)s.")
                % {"number": NUMBER, "status": zh(Ticket.Status.IN_PROGRESS.label)},
                zh("Meter …%(tail)s: outage under repair, power back by about %(etr)s.")
                % {"tail": "0123", "etr": "12-02 18:00"},
                zh("Meter …%(tail)s: planned outage until %(ends)s.")
                % {"tail": "0456", "ends": "12-02 18:00"},
            ]
        ),
    ),
    "sms_repair_created": Case(
        SMS_REPAIR_CREATED(number=NUMBER),
        f"Your fault report is recorded as {NUMBER}. Thank you.",
        zh("Your fault report is recorded as %(number)s. Thank you.") % {"number": NUMBER},
    ),
    "sms_nested_outage": Case(
        SMS_NESTED_OUTAGE(number=NUMBER),
        f"Sorry the power is still off. A crew will come back: repair {NUMBER}.",
        zh("Sorry the power is still off. A crew will come back: repair %(number)s.")
        % {"number": NUMBER},
    ),
    "sms_attached": Case(
        SMS_ATTACHED(number=NUMBER),
        f"Your message has been added to {NUMBER}. Thank you.",
        zh("Your message has been added to %(number)s. Thank you.") % {"number": NUMBER},
    ),
    "sms_ask_to_call": Case(
        SMS_ASK_TO_CALL(hotline="95598"),
        "Please call 95598 so that an agent can record the fault at the right address.",
        zh("Please call %(hotline)s so that an agent can record the fault at the right address.")
        % {"hotline": "95598"},
    ),
    "sms_unknown_sender": Case(
        SMS_UNKNOWN_SENDER(hotline="95598"),
        "We cannot find your number in our records. Please call 95598.",
        zh("We cannot find your number in our records. Please call %(hotline)s.")
        % {"hotline": "95598"},
    ),
    # The self-service sign-in (hotline/selfservice/signin.py).
    "self_sign_in_code": Case(
        SELF_SIGN_IN_CODE(code="042917", minutes=5),
        "Your self-service sign-in code is 042917, valid for 5 minutes. "
        "Never tell it to anyone, our staff included.",
        zh(
            "Your self-service sign-in code is %(code)s, valid for %(minutes)s minutes. "
            "Never tell it to anyone, our staff included."
        )
        % {"code": "042917", "minutes": 5},
    ),
    "incident_declared": Case(
        INCIDENT_DECLARED(etr=ENDS),
        "A power outage on your supply is known: a repair crew is being sent. "
        "Estimated restoration: 12-02 18:00.",
        "尊敬的客户：您所在区域的停电故障已获知，正在安排抢修人员处理，预计 12-02 18:00 恢复供电。",
    ),
}
BRIEFS = {
    "brief_repair": Case(
        BRIEF_REPAIR(
            scope=Scope.SELF_ONLY,
            breaker=Breaker.TRIPPED_NO_RESET,
            equipment="air conditioner",
            overload=True,
        ),
        "Out: Only this premise; Breaker: Tripped; trips again or won't reset; "
        "Running: air conditioner; Likely overload",
        f"停电范围：{zh(Scope.SELF_ONLY.label)}; "
        f"漏电保护器：{zh(Breaker.TRIPPED_NO_RESET.label)}; "
        "在用设备：air conditioner; 疑似过负荷",
    ),
    "brief_callback": Case(
        BRIEF_CALLBACK(reason="灯还在闪"),
        "Callback: the customer is not satisfied: 灯还在闪",
        "回访客户不满意：灯还在闪",
    ),
    "brief_merged": Case(
        BRIEF_MERGED(count=3, feeder="F12", transformer="T7"),
        "3 reports of an outage on Transformer T7 (feeder F12).",
        "台区 T7（线路 F12） 停电，已收到 3 起报修。",
    ),
    "brief_declared": Case(
        BRIEF_DECLARED(feeder="F12", transformer="T7", note="熔断器烧断"),
        "Outage declared on Transformer T7 (feeder F12): 熔断器烧断",
        "调度宣布 台区 T7（线路 F12） 停电：熔断器烧断",
    ),
}
EVERY_KIND = STAFF | CUSTOMERS | BRIEFS


def test_the_table_has_every_registered_kind():
    assert set(EVERY_KIND) == set(message_kinds())


@pytest.mark.parametrize("kind", EVERY_KIND)
@pytest.mark.parametrize("language", [EN, ZH])
def test_each_kind_is_written_in_the_language_asked_for_whatever_is_active(kind, language):
    case = EVERY_KIND[kind]
    other = ZH if language == EN else EN

    with translation.override(other):
        rendered = render(case.text.kind, case.text.params, language=language)
        active = translation.get_language()

    assert rendered.text == (case.english if language == EN else case.chinese)
    assert active == other  # the reader's language ended with the call


@pytest.mark.parametrize("kind", STAFF)
@pytest.mark.parametrize("language", [EN, ZH])
def test_each_email_kind_is_sent_in_its_readers_language(db, kind, language):
    case = STAFF[kind]
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.EMAIL,
                recipient="reader@example.com",
                text=case.text,
                language=language,
                dedup_key="e1",
            )
        ]
    )

    with translation.override(ZH if language == EN else EN):
        outbox_send_pending()

    (email,) = mail.outbox
    subject = case.english if language == EN else case.chinese
    assert email.subject == subject
    body = case.english_body if language == EN else case.chinese_body
    assert (body or subject) in email.body
    sent = OutboxMessage.objects.get()
    assert (sent.subject, sent.body) == (email.subject, email.body)  # what went out


class Recorder:
    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text))


@pytest.mark.parametrize("kind", CUSTOMERS)
@pytest.mark.parametrize("language", [EN, ZH])
def test_each_sms_kind_is_sent_in_the_customer_language(db, monkeypatch, kind, language):
    case = CUSTOMERS[kind]
    monkeypatch.setattr(Recorder, "sent", [])
    monkeypatch.setattr("tickets.outbox.sms_backend", Recorder)
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient="13800000001",
                text=case.text,
                language=language,
                dedup_key="s1",
            )
        ]
    )

    outbox_send_pending()

    text = case.english if language == EN else case.chinese
    assert Recorder.sent == [("13800000001", text)]
    assert OutboxMessage.objects.get().body == text


def test_the_major_complaint_email_says_everything_management_needs():
    body = render(STAFF["complaint_major"].text.kind, STAFF["complaint_major"].text.params).body

    assert "Number: C20261202-000001" in body
    assert "Category: Service attitude" in body
    assert f"Why it is major: {MISSING}" in body  # none given
    assert "Customer: 陈晓敏" in body
    assert "Reply to the customer by: 2026-12-02 14:30" in body
    assert "营业厅工作人员态度恶劣" in body
    assert body.endswith("Open it in Gridline: /complaints/C20261202-000001/")


def test_a_repair_brief_leaves_out_what_the_caller_did_not_say():
    text = BRIEF_REPAIR(scope="area", breaker="unknown", equipment="", overload=False)

    assert render(text.kind, text.params, language=EN).text == (
        "Out: The whole area; Breaker: Unknown"
    )


def test_a_feeder_brief_names_the_feeder():
    text = BRIEF_MERGED(count=4, feeder="F12")

    assert render(text.kind, text.params, language=EN).text == (
        "4 reports of an outage on Feeder F12."
    )


def test_a_declaration_without_an_etr_says_so_in_both_languages():
    text = INCIDENT_DECLARED(etr=None)

    assert render(text.kind, text.params, language=EN).text == (
        "A power outage on your supply is known: a repair crew is being sent."
    )
    assert render(text.kind, text.params, language=ZH).text == (
        "尊敬的客户：您所在区域的停电故障已获知，正在安排抢修人员处理。"
    )


def test_a_declared_feeder_brief_without_a_note_names_the_feeder():
    text = BRIEF_DECLARED(feeder="F12", transformer=None, note="")

    assert render(text.kind, text.params, language=EN).text == "Outage declared on Feeder F12."


def test_values_are_stored_as_plain_json():
    text = DEADLINE_WARNING(number=NUMBER, deadline=Deadline.Name.ARRIVE_BY, due=DUE)

    assert text.params == {"number": NUMBER, "deadline": "arrive_by", "due": DUE.isoformat()}
    assert type(text.params["deadline"]) is str


def test_a_label_is_refused_as_a_value():
    with pytest.raises(TypeError, match="code"):
        DEADLINE_WARNING(number=NUMBER, deadline=Deadline.Name.ARRIVE_BY.label, due=DUE)


def test_a_value_the_row_lacks_shows_as_a_dash_and_an_unknown_code_as_it_is():
    rendered = render("deadline_overdue", {"number": NUMBER, "deadline": "gone"}, language=EN)

    assert rendered.text == f"{NUMBER} is overdue: gone {MISSING} was missed."


def test_a_kind_nobody_registered_shows_its_values():
    assert render("retired_kind", {"number": NUMBER}, language=EN).text == (
        f"retired_kind: number={NUMBER}"
    )


def test_values_a_text_cannot_take_show_as_values():
    rendered = render("ticket_urged", {"number": NUMBER, "count": "many"}, language=EN)

    assert rendered.text == f"ticket_urged: number={NUMBER}, count=many"
