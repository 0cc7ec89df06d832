"""A declared incident's ETR (DESIGN §3.10): it opens with the rules' default in its history,
or the dispatcher's estimate; every premise under its device hears each estimate the
callers hear, once per phone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from repairs.models import EtrChange
from repairs.services.declarations import incident_declare
from repairs.services.incidents import incident_etr_set
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.factories import CustomerPhoneFactory, FeederFactory, PremiseFactory, TransformerFactory
from tickets.models import OutboxMessage

NOW = datetime(2026, 5, 12, 19, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
HOUR = timedelta(hours=1)


@pytest.fixture
def transformer(station_north):
    return TransformerFactory(feeder=FeederFactory(station=station_north), code="T-01")


def declare(actor, transformer, **kwargs):
    return incident_declare(
        feeder=transformer.feeder, transformer=transformer, actor=actor, now=NOW, **kwargs
    )


def test_a_declaration_without_an_estimate_has_the_default(dispatcher_north, transformer):
    incident = declare(dispatcher_north, transformer)

    (change,) = EtrChange.objects.filter(incident=incident)
    assert change.is_default
    assert incident.etr == change.etr
    assert not change.notified


def test_the_dispatchers_estimate_follows_the_default_in_the_history(dispatcher_north, transformer):
    CustomerPhoneFactory(customer=PremiseFactory(transformer=transformer).customer)
    etr = NOW + 3 * HOUR

    incident = declare(dispatcher_north, transformer, etr=etr, notify_premises=True)

    assert incident.etr == etr
    latest, default = EtrChange.objects.filter(incident=incident).order_by("-pk")
    assert default.is_default
    assert (latest.etr, latest.actor, latest.is_default) == (etr, dispatcher_north, False)
    assert latest.notified  # the premises read it in the declaration's SMS
    declared = OutboxMessage.objects.get(kind="incident_declared")
    assert declared.params["etr"] == etr.isoformat()


def test_every_premise_under_a_declared_incident_hears_each_estimate_once(
    dispatcher_north, transformer
):
    texted = PremiseFactory(transformer=transformer)
    CustomerPhoneFactory(customer=texted.customer, number="13800000001")
    caller = PremiseFactory(transformer=transformer)
    CustomerPhoneFactory(customer=caller.customer, number="13800000002")
    incident = declare(dispatcher_north, transformer)
    repair_create(
        premise=caller,
        answers=Answers(scope=Scope.SELF_ONLY),
        actor=None,
        caller_phone="13800000002",
        now=NOW,
    )

    incident_etr_set(incident=incident, etr=NOW + 4 * HOUR, actor=dispatcher_north, now=NOW)

    etr_texts = OutboxMessage.objects.filter(kind="incident_etr")
    assert sorted(etr_texts.values_list("recipient", flat=True)) == ["13800000001", "13800000002"]


def test_a_called_in_incident_texts_only_its_callers_the_estimate(dispatcher_north, transformer):
    bystander = PremiseFactory(transformer=transformer)
    CustomerPhoneFactory(customer=bystander.customer, number="13800000009")
    made = None
    for i in range(3):
        made = repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=None,
            caller_phone=f"1380000010{i}",
            now=NOW,
        )
    assert made.incident is not None

    incident_etr_set(incident=made.incident, etr=NOW + 4 * HOUR, actor=None, now=NOW)

    recipients = set(
        OutboxMessage.objects.filter(kind="incident_etr").values_list("recipient", flat=True)
    )
    assert recipients == {"13800000100", "13800000101", "13800000102"}
