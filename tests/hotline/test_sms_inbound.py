"""Two-way SMS (DESIGN §3.12): POST /api/v1/sms/inbound/, signed by the gateway, each
message handled once, the keywords in Chinese and English, every answer an SMS through the
outbox in the customer language."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from dispatch.models import WorkOrder
from hotline.models import InboundSms
from hotline.sms_inbound import keyword
from repairs.messages import INCIDENT_RESTORED
from repairs.models import Incident, OutageNotice, Repair
from repairs.services.incidents import incident_etr_set
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.dispatch.steps import take_step
from tests.factories import CustomerFactory, CustomerPhoneFactory, PremiseFactory
from tickets.models import Kind, Notification, OutboxMessage, Ticket, TimelineEvent
from tickets.outbox import Message, outbox_enqueue

from .conftest import PHONE

URL = "/api/v1/sms/inbound/"
KEY = "gateway-secret"
ZH = "zh-hans"
AT = "2026-11-26T21:14:05+08:00"


def sign(body: bytes, key: str = KEY) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def gateway(api, settings):
    settings.GRIDLINE_SMS_GATEWAY_KEY = KEY
    settings.GRIDLINE_CUSTOMER_LANGUAGE = ZH
    sent = iter(range(1, 1000))

    def post(text: str = "状态", *, message_id: str | None = None, sender: str = PHONE, **over):
        if message_id is None:
            message_id = f"m{next(sent)}"
        body = {"message_id": message_id, "from": sender, "text": text}
        body["at"] = AT
        body.update(over)
        raw = json.dumps(body).encode()
        return api.post(
            URL, raw, content_type="application/json", HTTP_X_GRIDLINE_SIGNATURE=sign(raw)
        )

    return post


def replies() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).order_by("pk"))


def reply() -> OutboxMessage:
    """The one answer sent (the only SMS the test made, or the latest)."""
    return replies()[-1]


def zh(msgid: str, **values) -> str:
    with translation.override(ZH):
        return gettext(msgid) % values


def restored_text(*, ticket: Ticket, hours_ago: float, phone: str = PHONE) -> None:
    """A "power restored" SMS to the phone about the ticket, queued that long ago."""
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient=phone,
                text=INCIDENT_RESTORED(),
                language=ZH,
                dedup_key=f"incident:9:restored:{phone}:{ticket.pk}",
                ticket_id=ticket.pk,
            )
        ],
        now=timezone.now() - timedelta(hours=hours_ago),
    )


def resolved_repair(premise) -> Ticket:
    ticket = repair_create(
        premise=premise, answers=Answers(), actor=None, caller_phone=PHONE
    ).ticket
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)
    return Ticket.objects.get(pk=ticket.pk)


# --- The keywords -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("  状态 ", "状态"),
        ("ZT", "zt"),
        ("Status", "status"),
        ("ＳＴＡＴＵＳ", "status"),  # full-width
        ("ｔｄ", "td"),
        ("１", "1"),
        ("Still   OUT", "still out"),
        ("ＳＴＩＬＬ　ＯＵＴ", "still out"),  # an ideographic space too
    ],
)
def test_keywords_are_compared_trimmed_case_folded_and_width_folded(raw, word):
    assert keyword(raw) == word


@pytest.mark.parametrize("text", ["状态", "ZT", "zt", "STATUS", "status", "Ｓｔａｔｕｓ"])
def test_status_answers_with_the_open_tickets_and_the_outages(gateway, customer, home, text):
    ticket = repair_create(
        premise=home, answers=Answers(), actor=None, caller_phone=PHONE, description="停电"
    ).ticket
    Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=home.transformer.feeder.station,
        feeder=home.transformer.feeder,
        transformer=home.transformer,
        created_at=timezone.now(),
    )

    response = gateway(text)

    assert response.status_code == 200
    assert response.json() == {"action": "status_sent", "ticket": ticket.number}
    sms = reply()
    assert sms.recipient == PHONE
    assert sms.language == ZH
    assert sms.kind == "sms_status"
    written = sms.content().text
    assert ticket.number in written
    assert zh("Meter …%(tail)s: outage under repair.", tail="0123") in written
    assert InboundSms.objects.get().action == "status_sent"


def test_status_gives_an_incidents_etr_and_a_notices_end(
    gateway, customer, home, shop, dispatcher_north
):
    incident = Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=home.transformer.feeder.station,
        feeder=home.transformer.feeder,
        transformer=home.transformer,
        created_at=timezone.now(),
    )
    etr = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=3)
    incident_etr_set(incident=incident, etr=etr, actor=dispatcher_north)
    now = timezone.now()
    notice = OutageNotice.objects.create(
        kind=OutageNotice.Kind.PLANNED,
        reason="Pole replacement",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=4),
        published_at=now - timedelta(days=8),
    )
    notice.feeders.set([shop.transformer.feeder])

    gateway("状态")

    written = reply().content().text
    when = "%m-%d %H:%M"
    assert (
        zh(
            "Meter …%(tail)s: outage under repair, power back by about %(etr)s.",
            tail="0123",
            etr=timezone.localtime(etr).strftime(when),
        )
        in written
    )
    assert (
        zh(
            "Meter …%(tail)s: planned outage until %(ends)s.",
            tail="0456",
            ends=timezone.localtime(notice.ends_at).strftime(when),
        )
        in written
    )


def test_status_with_nothing_open_says_so(gateway, customer, home):
    response = gateway("STATUS")

    assert response.json() == {"action": "status_sent", "ticket": None}
    assert reply().content().text == zh(
        "You have no open tickets, and we know of no outage at your premises."
    )


@pytest.mark.parametrize("text", ["停电", "TD", "td", "OUT", "out", "ｏｕｔ"])
def test_out_records_a_repair_for_the_phones_only_premise(gateway, customer, home, text):
    response = gateway(text)

    ticket = Ticket.objects.get(kind=Kind.REPAIR)
    assert response.json() == {"action": "repair_created", "ticket": ticket.number}
    assert ticket.premise == home
    assert ticket.caller_phone == PHONE
    assert ticket.description == f"SMS: {text}"
    assert reply().content().text == zh(
        "Your fault report is recorded as %(number)s. Thank you.", number=ticket.number
    )
    assert reply().ticket_id == ticket.pk


def test_out_from_a_phone_with_two_premises_asks_them_to_call(gateway, customer, home, shop):
    response = gateway("停电")

    assert response.json() == {"action": "asked_to_call", "ticket": None}
    assert not Ticket.objects.exists()
    assert reply().content().text == zh(
        "Please call %(hotline)s so that an agent can record the fault at the right address.",
        hotline="95598",
    )


def test_out_again_for_a_premise_with_an_open_repair_records_no_second(gateway, customer, home):
    gateway("停电")
    first = Ticket.objects.get()

    response = gateway("TD")

    assert response.json() == {"action": "status_sent", "ticket": first.number}
    assert Ticket.objects.count() == 1
    assert first.number in reply().content().text


@pytest.mark.parametrize("text", ["1", "１", "仍停电", "STILL OUT", "still out"])
def test_still_out_within_24_hours_of_the_restored_text_reports_a_nested_outage(
    gateway, customer, home, shop, text
):
    restored = resolved_repair(shop)  # the phone has two premises: the text names the one
    restored_text(ticket=restored, hours_ago=23)

    response = gateway(text)

    nested = Ticket.objects.exclude(pk=restored.pk).get()
    assert response.json() == {"action": "nested_outage", "ticket": nested.number}
    assert nested.premise == shop
    assert nested.kind == Kind.REPAIR
    assert nested.description == f"SMS: {text}"
    assert reply().content().text == zh(
        "Sorry the power is still off. A crew will come back: repair %(number)s.",
        number=nested.number,
    )


def test_still_out_after_24_hours_is_any_other_text(gateway, customer, home):
    restored = resolved_repair(home)
    restored_text(ticket=restored, hours_ago=25)
    other = repair_create(premise=home, answers=Answers(), actor=None, caller_phone=PHONE).ticket

    response = gateway("仍停电")

    assert response.json() == {"action": "attached", "ticket": other.number}
    assert Ticket.objects.count() == 2
    event = TimelineEvent.objects.get(kind="sms_received")
    assert (event.ticket, event.note) == (other, "仍停电")


def test_1_with_no_restored_text_and_nothing_open_gets_the_status(gateway, customer, home):
    response = gateway("1")

    assert response.json() == {"action": "status_sent", "ticket": None}
    assert not Ticket.objects.exists()


def test_still_out_after_power_restored_brings_a_crew_back(
    gateway, customer, home, crew_north, dispatcher_north
):
    """Issue 19's 'done': the crew's "work done" text, a reply 仍停电, a new work order."""
    created = repair_create(premise=home, answers=Answers(), actor=None, caller_phone=PHONE)
    assert created.work_order is not None
    order = take_step(
        order=created.work_order,
        action="assign",
        actor=dispatcher_north,
        data={"crew": crew_north.crew_membership.crew.code},
    )
    for action in ("accept", "depart", "arrive"):
        order = take_step(order=order, action=action, actor=crew_north)
    take_step(
        order=order,
        action="complete",
        actor=crew_north,
        data={"cause": "overload", "actions": "Replaced the fuse"},
    )
    assert OutboxMessage.objects.filter(kind="repair_work_done", recipient=PHONE).exists()

    response = gateway("仍停电")

    assert response.json()["action"] == "nested_outage"
    nested = Ticket.objects.get(number=response.json()["ticket"])
    assert nested.premise == home
    assert WorkOrder.objects.filter(ticket=nested, status=WorkOrder.Status.PENDING).exists()
    assert Repair.objects.get(ticket=nested).outcome == created.repair.outcome


@pytest.mark.parametrize("text", ["灯一闪一闪的，什么时候来？", "Any news?"])
def test_other_text_goes_on_the_newest_open_ticket_and_tells_its_holders(
    gateway, customer, home, dispatcher_north, text
):
    older = repair_create(premise=home, answers=Answers(), actor=None, caller_phone=PHONE).ticket
    newest = repair_create(premise=home, answers=Answers(), actor=None, caller_phone=PHONE).ticket
    Ticket.objects.filter(pk=older.pk).update(created_at=newest.created_at - timedelta(hours=1))

    response = gateway(text)

    assert response.json() == {"action": "attached", "ticket": newest.number}
    event = TimelineEvent.objects.get(kind="sms_received")
    assert event.ticket == newest
    assert event.note == text
    assert event.actor is None
    assert event.label == str(gettext("SMS from the customer"))
    bell = Notification.objects.get(kind="sms_received")
    assert bell.user == dispatcher_north
    assert bell.ticket == newest
    assert bell.params == {"number": newest.number, "text": text}
    assert reply().content().text == zh(
        "Your message has been added to %(number)s. Thank you.", number=newest.number
    )


def test_a_customer_of_two_reaches_the_open_ticket_of_either(gateway, home):
    """A phone shared by two customers: the other customer's open ticket counts too."""
    other = CustomerFactory()
    CustomerPhoneFactory(customer=other, number=PHONE)
    ticket = repair_create(
        premise=PremiseFactory(customer=other), answers=Answers(), actor=None
    ).ticket

    response = gateway("还没来人")

    assert response.json() == {"action": "attached", "ticket": ticket.number}


def test_an_unknown_number_is_told_to_call_the_hotline(gateway, customer, home, settings):
    settings.GRIDLINE_HOTLINE_NUMBER = "95598"

    response = gateway("停电", sender="13900000000")

    assert response.json() == {"action": "unknown_sender", "ticket": None}
    assert not Ticket.objects.exists()
    sms = reply()
    assert sms.recipient == "13900000000"
    assert sms.content().text == zh(
        "We cannot find your number in our records. Please call %(hotline)s.", hotline="95598"
    )


def test_the_sender_in_any_dialled_form_is_the_same_phone(gateway, customer, home):
    response = gateway("TD", sender="+86 138-0013-8000")

    assert response.json()["action"] == "repair_created"
    assert reply().recipient == PHONE


def test_replies_are_written_in_the_customer_language(gateway, customer, home, settings):
    settings.GRIDLINE_CUSTOMER_LANGUAGE = "en"

    gateway("STATUS")

    sms = reply()
    assert sms.language == "en"
    assert sms.content().text == (
        "You have no open tickets, and we know of no outage at your premises."
    )


# --- Once per message_id --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["状态", "停电", "有人来吗"])
def test_a_repeat_answers_the_first_answer_and_does_nothing_again(
    gateway, customer, home, dispatcher_north, text
):
    repair_create(premise=home, answers=Answers(), actor=None, caller_phone=PHONE)
    first = gateway(text, message_id="gw-1")
    counts = (
        Ticket.objects.count(),
        TimelineEvent.objects.count(),
        Notification.objects.count(),
        OutboxMessage.objects.count(),
    )

    again = gateway("something else entirely", message_id="gw-1")

    assert again.status_code == 200
    assert again.json() == first.json()
    assert InboundSms.objects.count() == 1
    assert (
        Ticket.objects.count(),
        TimelineEvent.objects.count(),
        Notification.objects.count(),
        OutboxMessage.objects.count(),
    ) == counts


# --- The signature ----------------------------------------------------------------------------


def _raw(**over) -> bytes:
    body = {"message_id": "m1", "from": PHONE, "text": "停电", "at": AT, **over}
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        sign(_raw(), key="another-key"),
        sign(_raw()).upper(),  # the contract says lowercase hex
        sign(_raw(text="状态")),  # of another body
    ],
    ids=["missing", "empty", "other-key", "uppercase", "other-body"],
)
def test_a_wrong_or_missing_signature_is_refused_and_nothing_recorded(
    api, settings, customer, home, signature
):
    settings.GRIDLINE_SMS_GATEWAY_KEY = KEY
    headers = {} if signature is None else {"HTTP_X_GRIDLINE_SIGNATURE": signature}

    response = api.post(URL, _raw(), content_type="application/json", **headers)

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert not InboundSms.objects.exists()
    assert not Ticket.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_with_no_gateway_key_set_every_message_is_refused(api, settings, customer, home):
    settings.GRIDLINE_SMS_GATEWAY_KEY = ""
    raw = _raw()

    for signature in (sign(raw, key=""), ""):
        response = api.post(
            URL, raw, content_type="application/json", HTTP_X_GRIDLINE_SIGNATURE=signature
        )
        assert response.status_code == 403
    assert not InboundSms.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_signed_in_user_without_the_signature_is_refused(api, settings, agent, home):
    settings.GRIDLINE_SMS_GATEWAY_KEY = KEY
    api.force_authenticate(agent)

    assert api.post(URL, _raw(), content_type="application/json").status_code == 403
    assert not InboundSms.objects.exists()


# --- Bad bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("message_id", ""),
        ("message_id", 42),
        ("message_id", "x" * 101),
        ("from", ""),
        ("from", "not a phone"),
        ("from", 13800138000),
        ("text", ""),
        ("text", ["停电"]),
        ("text", "字" * 2001),
        ("at", "yesterday"),
        ("at", 1764162845),
        ("at", None),
    ],
)
def test_a_bad_field_answers_400_on_that_field_and_records_nothing(
    gateway, customer, home, field, value
):
    response = gateway(**{"text": "停电", field: value}) if field != "text" else gateway(value)

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert not InboundSms.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("field", ["message_id", "from", "text", "at"])
def test_a_missing_field_answers_400_on_that_field(db, api, settings, field):
    settings.GRIDLINE_SMS_GATEWAY_KEY = KEY
    body = {"message_id": "m1", "from": PHONE, "text": "停电", "at": AT}
    del body[field]
    raw = json.dumps(body).encode()

    response = api.post(
        URL, raw, content_type="application/json", HTTP_X_GRIDLINE_SIGNATURE=sign(raw)
    )

    assert response.status_code == 400
    assert set(response.json()) == {field}


def test_a_body_that_is_not_an_object_answers_400(db, api, settings):
    settings.GRIDLINE_SMS_GATEWAY_KEY = KEY
    raw = b'["\xe5\x81\x9c\xe7\x94\xb5"]'

    response = api.post(
        URL, raw, content_type="application/json", HTTP_X_GRIDLINE_SIGNATURE=sign(raw)
    )

    assert response.status_code == 400
    assert not InboundSms.objects.exists()
