from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import role_permission
from accounts.models import Role
from grid.models import Premise
from grid.selectors import premise_get_by_meter
from repairs.selectors import premise_facts
from repairs.triage import (
    EQUIPMENT_IN_USE_MAX_LENGTH,
    Answers,
    Breaker,
    Decision,
    FaultSide,
    Hazard,
    Outcome,
    Scope,
    TriageInputInvalid,
    decide,
    parse_answers,
)


class TriageInput(serializers.Serializer):
    """Documents the body; `parse_answers` validates it, the same way the browser form does."""

    meter_no = serializers.CharField()
    scope = serializers.ChoiceField(Scope.choices, default=Scope.UNKNOWN)
    breaker = serializers.ChoiceField(Breaker.choices, default=Breaker.UNKNOWN)
    high_power_load = serializers.BooleanField(default=False)
    equipment_in_use = serializers.CharField(
        max_length=EQUIPMENT_IN_USE_MAX_LENGTH, allow_blank=True, default=""
    )
    fault_side = serializers.ChoiceField(FaultSide.choices, default=FaultSide.UNKNOWN)
    hazards = serializers.ListField(child=serializers.ChoiceField(Hazard.choices), default=list)


class PremiseOutput(serializers.Serializer):
    meter_no = serializers.CharField()
    address = serializers.CharField()
    area_type = serializers.CharField()
    important = serializers.BooleanField()
    station_code = serializers.CharField(source="transformer.feeder.station.code")
    feeder_code = serializers.CharField(source="transformer.feeder.code")
    transformer_code = serializers.CharField(source="transformer.code")


class NoticeFactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField()
    device_codes = serializers.CharField()


class IncidentFactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.CharField()
    device_code = serializers.CharField()
    status = serializers.CharField()
    etr = serializers.DateTimeField(allow_null=True)


class TriageOutput(serializers.Serializer):
    outcome = serializers.ChoiceField(Outcome.choices)
    reason = serializers.CharField()
    dispatches = serializers.BooleanField()
    likely_overload = serializers.BooleanField()
    premise = PremiseOutput()
    notice = NoticeFactOutput(allow_null=True)
    incident = IncidentFactOutput(allow_null=True)


def triage_input_parse(data: object) -> tuple[Premise, Answers]:
    """The premise and the answers, or TriageInputInvalid naming every bad field at once."""
    errors: dict[str, list[str]] = {}
    answers = None
    try:
        answers = parse_answers(data)
    except TriageInputInvalid as exc:
        errors.update(exc.errors)
    meter_no = data.get("meter_no") if isinstance(data, dict) else None
    premise = None
    if not isinstance(meter_no, str) or not meter_no.strip():
        errors["meter_no"] = [_("Give the meter number of the premise without power.")]
    else:
        premise = premise_get_by_meter(meter_no=meter_no.strip())
        if premise is None:
            errors["meter_no"] = [_("No premise has meter number %(meter)s.") % {"meter": meter_no}]
    if errors:
        raise TriageInputInvalid(errors)
    return premise, answers


def triage_output(*, premise: Premise, answers: Answers, decision: Decision) -> dict:
    return TriageOutput(
        {
            "outcome": decision.outcome,
            "reason": decision.reason,
            "dispatches": decision.dispatches,
            "likely_overload": answers.likely_overload,
            "premise": premise,
            "notice": decision.notice,
            "incident": decision.incident,
        }
    ).data


class TriageView(APIView):
    """POST /api/v1/repairs/triage/: the outcome of DESIGN §3.1 for these answers. Saves nothing."""

    permission_classes = [role_permission(Role.AGENT, Role.SUPERVISOR)]

    @extend_schema(
        request=TriageInput,
        responses={200: TriageOutput},
        examples=[
            OpenApiExample(
                "Only this house, breaker trips again",
                value={
                    "meter_no": "YD01000123",
                    "scope": "self_only",
                    "breaker": "tripped_no_reset",
                    "high_power_load": True,
                    "equipment_in_use": "electric water heater",
                    "fault_side": "unknown",
                    "hazards": [],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        premise, answers = triage_input_parse(request.data)
        decision = decide(answers, premise_facts(premise=premise, now=timezone.now()))
        return Response(triage_output(premise=premise, answers=answers, decision=decision))
