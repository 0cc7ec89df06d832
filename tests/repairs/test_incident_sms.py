"""Callers attached to an incident hear when it is taken, when the ETR moves, when power is back."""

from datetime import timedelta

from django.utils import timezone

from dispatch.models import CauseCode
from repairs.services.incidents import incident_acknowledge, incident_etr_set, incident_restore
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.factories import PremiseFactory, TransformerFactory
from tickets.models import OutboxMessage

NOW = timezone.now().replace(microsecond=0)


def incident_with_callers(agent, phones):
    transformer = TransformerFactory()
    created = None
    for i, phone in enumerate(phones):
        created = repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope="neighbours"),
            actor=agent,
            caller_phone=phone,
            now=NOW + timedelta(minutes=i),
        )
    assert created.incident is not None
    return created.incident


def texts(event):
    return sorted(
        OutboxMessage.objects.filter(dedup_key__contains=f":{event}").values_list(
            "recipient", flat=True
        )
    )


def test_each_step_texts_each_caller_once(agent):
    # Two tickets from one phone: that phone hears once.
    incident = incident_with_callers(agent, ["13800000001", "13800000002", "13800000002", ""])

    incident_acknowledge(incident=incident, actor=None, now=NOW)
    incident_acknowledge(incident=incident, actor=None, now=NOW)  # already acknowledged
    assert texts("acknowledged") == ["13800000001", "13800000002"]

    etr = NOW + timedelta(hours=2)
    incident_etr_set(incident=incident, etr=etr, actor=None, now=NOW)
    incident_etr_set(incident=incident, etr=etr + timedelta(hours=1), actor=None, now=NOW)
    assert len(texts("etr")) == 4

    incident_restore(
        incident=incident, cause=CauseCode.objects.get(code="weather"), note="", actor=None, now=NOW
    )
    assert texts("restored") == ["13800000001", "13800000002"]
