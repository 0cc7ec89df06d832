"""Hostile data (issue #10, item 7): every free-text field a user can write, filled with
one payload, through the services, so that pages, emails and exports can be checked."""

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from complaints.services import (
    complaint_contact,
    complaint_create,
    complaint_judge,
    complaint_rectify,
    complaint_reply,
)
from dispatch.services import crew_member_set
from grid.importer import REQUIRED_COLUMNS
from grid.models import Customer, Premise
from grid.services import grid_import
from hotline.models import Call
from hotline.services import call_finish, call_start, consultation_record
from repairs.forms import OutageNoticeForm
from repairs.services.intake import repair_create
from repairs.services.notices import notice_publish
from repairs.triage import Answers
from tests.dispatch.steps import take_step
from tests.factories import CrewFactory, DepartmentFactory, UserFactory
from tests.security.world import category_any

# The HTML corpus: each one is put into every field of one world.
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "javascript": "javascript:alert(1)",
    "svg": "<svg onload=alert(1)>",
    "multiline": "first line\n<script>\nalert(1)\n</script>\n<b onmouseover=alert(1)>x</b>",
}
# CSV formula injection: a spreadsheet would evaluate each of these.
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(1)"]

CALLER_PHONE = "13912345678"


@dataclass
class HostileWorld:
    payload: str
    users: dict = field(default_factory=dict)
    repair: object = None
    work_order: object = None
    complaint: object = None
    consultation: object = None
    notice: object = None
    call: object = None
    customer: object = None


def one_line(text: str) -> str:
    return " ".join(text.splitlines())


def build_hostile(payload: str) -> HostileWorld:
    """One of everything at station N01 (department MKT), with `payload` in every text."""
    world = HostileWorld(payload=payload)
    now = timezone.now()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUIRED_COLUMNS)
    writer.writerow(
        [
            "N01",
            one_line(payload)[:100],
            "F01",
            "T01",
            "urban",
            "A0001",
            one_line(payload)[:100],
            CALLER_PHONE,
            one_line(payload)[:200],
            "M0001",
        ]
    )
    grid_import(lines=out.getvalue().splitlines())
    premise = Premise.objects.select_related("transformer__feeder__station").get(meter_no="M0001")
    station = premise.transformer.feeder.station
    world.customer = Customer.objects.get(account_no="A0001")
    department = DepartmentFactory.create(code="MKT")

    crew_user = UserFactory.create(username="crew", role=Role.CREW, station=station)
    crew = CrewFactory.create(code="crew-1", station=station)
    crew_member_set(user=crew_user, crew=crew)
    world.users = {
        "agent": UserFactory.create(username="agent", role=Role.AGENT),
        "supervisor": UserFactory.create(username="supervisor", role=Role.SUPERVISOR),
        "dispatcher": UserFactory.create(
            username="dispatcher", role=Role.DISPATCHER, station=station
        ),
        "crew": crew_user,
        "handler": UserFactory.create(username="handler", role=Role.HANDLER, department=department),
        "manager": UserFactory.create(username="manager", role=Role.MANAGER),
    }
    agent, supervisor = world.users["agent"], world.users["supervisor"]
    dispatcher = world.users["dispatcher"]

    created = repair_create(premise=premise, answers=Answers(equipment_in_use=payload),
                            actor=agent, caller_phone=CALLER_PHONE, description=payload,
                            now=now)  # fmt: skip
    world.repair = created.ticket
    assert created.work_order is not None  # the repair is dispatched
    order = take_step(order=created.work_order, action="assign", actor=dispatcher,
                           data={"crew": crew.code})  # fmt: skip
    order = take_step(order=order, action="return", actor=dispatcher,
                           data={"reason": payload})  # fmt: skip
    world.work_order = take_step(order=order, action="assign", actor=dispatcher,
                                      data={"crew": crew.code})  # fmt: skip

    complaint = complaint_create(channel="hotline", category=category_any(),
                                 description=payload, actor=agent, caller_phone=CALLER_PHONE,
                                 account_no="A0001")  # fmt: skip
    complaint = complaint_contact(complaint=complaint, note=payload, actor=agent)
    complaint = complaint_judge(complaint=complaint, validity="valid", reason=payload,
                                department=department, station=station,
                                actor=supervisor)  # fmt: skip
    complaint = complaint_rectify(complaint=complaint, cause=payload, rectification=payload,
                                  actor=world.users["handler"])  # fmt: skip
    world.complaint = complaint_reply(complaint=complaint, text=payload,
                                      actor=world.users["handler"])  # fmt: skip

    world.consultation = consultation_record(call=None, actor=agent, question=payload,
                                             answer=payload, article=None,
                                             premise=premise)  # fmt: skip
    data = OutageNoticeForm(
        data={"kind": "planned", "feeder_codes": ["F01"],
              "starts_at": (now + timedelta(days=9)).isoformat(),
              "ends_at": (now + timedelta(days=9, hours=4)).isoformat(), "reason": payload[:255]},
        user=supervisor, now=now,
    ).notice_input()  # fmt: skip
    world.notice = notice_publish(data=data, actor=supervisor, now=now)

    earlier = call_start(agent=agent, caller_phone=CALLER_PHONE, customer=world.customer)
    call_finish(call=earlier, reason=Call.Reason.OTHER, outcome=Call.Outcome.NOTHING,
                note=payload)  # fmt: skip
    world.call = call_start(agent=agent, caller_phone=CALLER_PHONE, customer=world.customer)
    return world
