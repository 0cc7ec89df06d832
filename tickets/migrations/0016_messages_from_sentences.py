"""Notifications (and the short emails still waiting in the outbox) stored as sentences
become what happened: a message kind and its values (DESIGN §3.16).

Each stored sentence is read back with the patterns it was written from, in English and in
Simplified Chinese, as the code wrote them until now. A sentence that matches none (a
notification of a kind this migration does not know, a text cut off mid-pattern) keeps its
text and is shown as it is. Going back writes every kind as a sentence in LANGUAGE_CODE.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

BATCH = 500
NUMBER = r"(?P<number>\S+)"

# kind: (English, Simplified Chinese), as tickets/escalation.py, tickets/services.py,
# repairs/services/callbacks.py and complaints/notices.py wrote them before this migration.
PATTERNS: dict[str, tuple[str, ...]] = {
    "deadline_warning": (
        "%(number)s: %(deadline)s is due at %(due)s.",
        "%(number)s：“%(deadline)s”时限为 %(due)s，即将到期。",
    ),
    "deadline_overdue": (
        "%(number)s is overdue: %(deadline)s was due at %(due)s.",
        "%(number)s 已超时：“%(deadline)s”时限为 %(due)s。",
    ),
    "deadline_management": (
        "%(number)s escalated to management: %(deadline)s was due at %(due)s.",
        "%(number)s 已升级至管理层：“%(deadline)s”时限为 %(due)s。",
    ),
    "ticket_urged": (
        "%(number)s urged by the customer (%(count)d).",
        "%(number)s 客户催办（第 %(count)d 次）。",
    ),
    "repair_reopened": (
        "%(number)s reopened after the callback: %(reason)s",
        "%(number)s 回访不满意，已重新打开：%(reason)s",
    ),
    "complaint_assigned": (
        "Complaint %(number)s is your department's: reply by %(due)s.",
        "投诉 %(number)s 由您部门处理，请于 %(due)s 前答复客户。",
    ),
    "complaint_reopened": (
        "Complaint %(number)s was reopened after an unsatisfied callback: reply by %(due)s.",
        "投诉 %(number)s 回访不满意，已重新打开，请于 %(due)s 前答复客户。",
    ),
    "complaint_major": (
        "Major complaint %(number)s: %(category)s",
        "重大投诉 %(number)s：%(category)s",
    ),
    "calendar_missing": (
        "The working-day calendar has no data for %(year)s: complaint reply deadlines "
        "in %(year)s count Monday to Friday. Add its holidays and make-up working days "
        "in the admin.",
        "工作日历中没有 %(year)s 年的数据：%(year)s 年的投诉答复时限暂按周一至周五计算。"
        "请在管理后台添加该年的法定节假日和调休工作日。",
    ),
}
GROUPS = {
    "number": NUMBER,
    "count": r"(?P<count>\d+)",
    "year": r"(?P<year>\d{4})",
    "due": r"(?P<due>(?:\d{4}-)?\d{2}-\d{2} \d{2}:\d{2})",
    "deadline": r"(?P<deadline>.+?)",
    "category": r"(?P<category>.+)",
    "reason": r"(?P<reason>.*)",
}
# Deadline.Name's labels as they were written, English and Chinese.
DEADLINE_LABELS = {
    "arrive_by": ("Crew on site", "班组已到达现场"),
    "restore_by": ("Power restored", "已恢复供电"),
    "contact_by": ("Customer contacted", "已联系客户"),
    "reply_by": ("Reply sent", "已答复客户"),
}


def _regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)[sd]", template)
    pattern = ""
    seen: set[str] = set()
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern += re.escape(part)
        elif part in seen:  # a placeholder used twice (the year) matches the same text
            pattern += f"(?P={part})"
        else:
            seen.add(part)
            pattern += GROUPS[part]
    return re.compile(pattern + r"\Z", re.DOTALL)


REGEXES = [(kind, _regex(t)) for kind, templates in PATTERNS.items() for t in templates]


class Reader:
    """Reads a stored sentence back into a kind and its values, or None."""

    def __init__(self, apps) -> None:
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.deadlines = {}
        for code, labels in DEADLINE_LABELS.items():
            for label in labels:
                self.deadlines[label] = code
        # A category is stored by its name (a seeded one is its own msgid): read back from
        # the name or from what the catalogue makes of it in each language.
        Category = apps.get_model("complaints", "Category")
        names = list(Category.objects.values_list("name", flat=True))
        self.categories = {name: name for name in names}
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                for name in names:
                    self.categories.setdefault(gettext(name), name)

    def read(self, text: str, *, created_at: datetime) -> tuple[str, dict] | None:
        for kind, regex in REGEXES:
            found = regex.match(text)
            if found is None:
                continue
            params = self._params(found.groupdict(), created_at=created_at)
            if params is not None:
                return kind, params
        return None

    def _params(self, values: dict[str, str], *, created_at: datetime) -> dict | None:
        params: dict = {}
        for name, value in values.items():
            if name == "deadline":
                if value not in self.deadlines:
                    return None
                params[name] = self.deadlines[value]
            elif name == "due":
                params[name] = self._moment(value, created_at=created_at).isoformat()
            elif name in ("count", "year"):
                params[name] = int(value)
            elif name == "category":
                params[name] = self.categories.get(value, value)
            else:
                params[name] = value
        return params

    def _moment(self, written: str, *, created_at: datetime) -> datetime:
        """A local time as written; one without its year is the one nearest the event."""
        if len(written) > len("01-31 08:00"):
            return datetime.strptime(written, "%Y-%m-%d %H:%M").replace(tzinfo=self.zone)
        month_day = datetime.strptime(f"2000-{written}", "%Y-%m-%d %H:%M")  # a leap year
        around = created_at.astimezone(self.zone)
        candidates = []
        for year in (around.year - 1, around.year, around.year + 1):
            try:
                candidates.append(month_day.replace(year=year, tzinfo=self.zone))
            except ValueError:  # 29 February of a common year
                continue
        return min(candidates, key=lambda moment: abs(moment - around))


def sentences_to_kinds(apps, schema_editor):
    Notification = apps.get_model("tickets", "Notification")
    OutboxMessage = apps.get_model("tickets", "OutboxMessage")
    User = apps.get_model("accounts", "User")
    reader = Reader(apps)

    changed = []
    for notification in Notification.objects.filter(kind="").exclude(text="").iterator():
        read = reader.read(notification.text, created_at=notification.created_at)
        if read is not None:
            notification.kind, notification.params = read
            notification.text = ""
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["kind", "params", "text"], batch_size=BATCH)

    # Short emails not sent yet (a notification's, whose subject is its body) go out in
    # their reader's language; documents and SMS (already in the customer language) stay.
    languages = {
        email.strip().lower(): language or settings.LANGUAGE_CODE
        for email, language in User.objects.exclude(email="").values_list("email", "language")
    }
    changed = []
    waiting = OutboxMessage.objects.filter(
        kind="", channel="email", sent_at__isnull=True, html_body=""
    )
    for message in waiting.iterator():
        if message.subject != message.body[:255]:
            continue
        read = reader.read(message.body, created_at=message.created_at)
        if read is not None:
            message.kind, message.params = read
            message.language = languages.get(message.recipient.lower(), settings.LANGUAGE_CODE)
            message.subject = message.body = ""
            changed.append(message)
    OutboxMessage.objects.bulk_update(
        changed, ["kind", "params", "language", "subject", "body"], batch_size=BATCH
    )


def kinds_to_sentences(apps, schema_editor):
    # Before this migration every row held its sentence: write them with today's kinds.
    from tickets.messages import render

    Notification = apps.get_model("tickets", "Notification")
    OutboxMessage = apps.get_model("tickets", "OutboxMessage")
    changed = []
    for notification in Notification.objects.exclude(kind="").filter(text="").iterator():
        rendered = render(notification.kind, notification.params, language=settings.LANGUAGE_CODE)
        notification.text = rendered.text[:500]
        changed.append(notification)
    Notification.objects.bulk_update(changed, ["text"], batch_size=BATCH)
    changed = []
    for message in OutboxMessage.objects.exclude(kind="").filter(sent_at__isnull=True).iterator():
        rendered = render(
            message.kind, message.params, language=message.language or settings.LANGUAGE_CODE
        )
        message.subject = rendered.text[:255] if message.channel == "email" else ""
        message.body = rendered.body
        changed.append(message)
    OutboxMessage.objects.bulk_update(changed, ["subject", "body"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_language"),
        ("complaints", "0002_categories_and_calendar"),
        ("tickets", "0015_message_kinds"),
    ]

    operations = [migrations.RunPython(sentences_to_kinds, kinds_to_sentences)]
