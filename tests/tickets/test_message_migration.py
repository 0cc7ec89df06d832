"""tickets 0016: notifications (and short emails still waiting) stored as sentences become a
kind and its values, read back from the English and Chinese sentences; what does not read
stays as it was written. The way back writes each kind as a sentence again."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from tests.factories import UserFactory
from tests.migrating import migrate, migrate_to_the_end
from tickets.models import Notification, OutboxMessage

BEFORE = [("tickets", "0015_message_kinds")]
CREATED = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
NUMBER = "R20261202-000006"

SENTENCES = [
    # (stored sentence, kind, values)
    (
        f"{NUMBER}: Crew on site is due at 12-02 14:30.",
        "deadline_warning",
        {"number": NUMBER, "deadline": "arrive_by", "due": "2026-12-02T14:30:00+08:00"},
    ),
    (
        f"{NUMBER} 已超时：“已恢复供电”时限为 12-02 09:30。",
        "deadline_overdue",
        {"number": NUMBER, "deadline": "restore_by", "due": "2026-12-02T09:30:00+08:00"},
    ),
    (
        f"{NUMBER} escalated to management: Reply sent was due at 11-30 23:59.",
        "deadline_management",
        {"number": NUMBER, "deadline": "reply_by", "due": "2026-11-30T23:59:00+08:00"},
    ),
    (f"{NUMBER} urged by the customer (2).", "ticket_urged", {"number": NUMBER, "count": 2}),
    (f"{NUMBER} 客户催办（第 3 次）。", "ticket_urged", {"number": NUMBER, "count": 3}),
    (
        f"{NUMBER} 回访不满意，已重新打开：灯还在闪: 两次",
        "repair_reopened",
        {"number": NUMBER, "reason": "灯还在闪: 两次"},
    ),
    (
        "Complaint C20261202-000001 is your department's: reply by 2026-12-09 23:59.",
        "complaint_assigned",
        {"number": "C20261202-000001", "due": "2026-12-09T23:59:00+08:00"},
    ),
    (
        "投诉 C20261202-000001 回访不满意，已重新打开，请于 2026-12-16 23:59 前答复客户。",
        "complaint_reopened",
        {"number": "C20261202-000001", "due": "2026-12-16T23:59:00+08:00"},
    ),
    (
        "重大投诉 C20261202-000001：服务态度",
        "complaint_major",
        {"number": "C20261202-000001", "category": "Service attitude"},
    ),
    (
        "Major complaint C20261202-000001: A category typed in the admin",
        "complaint_major",
        {"number": "C20261202-000001", "category": "A category typed in the admin"},
    ),
    (
        "工作日历中没有 2027 年的数据：2027 年的投诉答复时限暂按周一至周五计算。"
        "请在管理后台添加该年的法定节假日和调休工作日。",
        "calendar_missing",
        {"year": 2027},
    ),
]
UNREAD = [
    "Somebody wrote this by hand.",
    f"{NUMBER} is overdue: a deadline nobody knows was due at 12-02 14:30.",
    "The working-day calendar has no data for 2027: complaint reply deadlines in 2028 "
    "count Monday to Friday. Add its holidays and make-up working days in the admin.",
]


@pytest.fixture
def before_the_kinds(transactional_db):
    """The database as it was before 0016; at the end, every migration again."""
    migrate(BEFORE)
    try:
        yield
    finally:
        migrate_to_the_end()


def stored(user, text, key, *, created_at=CREATED):
    return Notification.objects.create(user=user, text=text, dedup_key=key, created_at=created_at)


def test_the_sentences_become_kinds_and_read_in_either_language(before_the_kinds):
    user = UserFactory(username="reader")
    for n, (sentence, _kind, _values) in enumerate(SENTENCES):
        stored(user, sentence, f"s{n}")
    for n, sentence in enumerate(UNREAD):
        stored(user, sentence, f"u{n}")

    migrate_to_the_end()

    got = {n.dedup_key: (n.kind, n.params, n.text) for n in Notification.objects.all()}
    for n, (_sentence, kind, values) in enumerate(SENTENCES):
        assert got[f"s{n}"] == (kind, values, "")
    for n, sentence in enumerate(UNREAD):
        assert got[f"u{n}"] == ("", {}, sentence)
    with translation.override("en"):
        chinese_urge = Notification.objects.get(dedup_key="s4").message
        chinese_major = Notification.objects.get(dedup_key="s8").message
    with translation.override("zh-hans"):
        english_warning = Notification.objects.get(dedup_key="s0").message
    assert chinese_urge == f"{NUMBER} urged by the customer (3)."
    assert chinese_major == "Major complaint C20261202-000001: Service attitude"
    assert english_warning.startswith(f"{NUMBER}：")
    assert "12-02 14:30" in english_warning


def test_a_date_without_its_year_is_the_one_nearest_the_notification(before_the_kinds):
    user = UserFactory(username="reader")
    new_years_eve = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)  # 23:00 local
    stored(user, f"{NUMBER}: Crew on site is due at 01-01 00:10.", "a", created_at=new_years_eve)

    migrate_to_the_end()

    assert Notification.objects.get().params["due"] == "2027-01-01T00:10:00+08:00"


def test_a_short_email_still_waiting_goes_out_in_its_readers_language(before_the_kinds):
    UserFactory(username="zhou", email="Zhou@example.com", language="zh-hans")
    sentence = f"{NUMBER} urged by the customer (1)."

    def email(key, recipient, **fields):
        fields = {"subject": sentence, "body": sentence, **fields}
        return OutboxMessage.objects.create(
            channel="email", recipient=recipient, dedup_key=key, created_at=CREATED, **fields
        )

    email("waiting", "zhou@example.com")
    email("board", "board@example.com")
    email("sent", "zhou@example.com", sent_at=CREATED)
    email("report", "zhou@example.com", html_body="<p>report</p>")
    OutboxMessage.objects.create(
        channel="sms",
        recipient="13800000001",
        body="尊敬的客户：您报修的停电已恢复供电，感谢您的耐心等待。",
        dedup_key="sms",
        created_at=CREATED,
    )

    migrate_to_the_end()

    got = {m.dedup_key: (m.kind, m.language, m.subject) for m in OutboxMessage.objects.all()}
    assert got["waiting"] == ("ticket_urged", "zh-hans", "")
    assert got["board"] == ("ticket_urged", "en", "")
    assert got["sent"] == ("", "", sentence)
    assert got["report"] == ("", "", sentence)
    assert got["sms"][0] == ""
    assert OutboxMessage.objects.get(dedup_key="waiting").content().text == (
        f"{NUMBER} 客户催办（第 1 次）。"
    )


def test_the_way_back_writes_each_kind_as_a_sentence_in_the_site_language(transactional_db):
    user = UserFactory(username="reader", language="zh-hans")
    Notification.objects.create(
        user=user,
        kind="ticket_urged",
        params={"number": NUMBER, "count": 1},
        dedup_key="a",
        created_at=CREATED,
    )
    Notification.objects.create(
        user=user, text="Kept as it was.", dedup_key="b", created_at=CREATED
    )
    OutboxMessage.objects.create(
        channel="sms",
        recipient="13800000001",
        kind="incident_restored",
        language="zh-hans",
        dedup_key="sms",
        created_at=CREATED,
    )

    try:
        migrate(BEFORE)
        texts = dict(Notification.objects.values_list("dedup_key", "text"))
        sms = OutboxMessage.objects.get()
    finally:
        migrate_to_the_end()

    assert texts == {"a": f"{NUMBER} urged by the customer (1).", "b": "Kept as it was."}
    assert sms.body == "尊敬的客户：您报修的停电已恢复供电，感谢您的耐心等待。"
