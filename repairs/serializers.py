"""What the repairs API answers: read-only output serializers (repairs/api.py has the views)."""

from rest_framework import serializers

from dispatch.models import CauseCode
from grid.models import Premise
from repairs.models import Incident, OutageNotice, Stage
from repairs.triage import Answers, Decision, Outcome


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
    # A nested outage (DESIGN §3.10): the incident restored lately that it follows.
    nested_of = IncidentFactOutput(allow_null=True)


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
            "nested_of": decision.nested_of,
        }
    ).data


class RepairOutput(serializers.Serializer):
    number = serializers.CharField()
    outcome = serializers.ChoiceField(Outcome.choices)
    reason = serializers.CharField()
    priority = serializers.CharField()
    arrive_by = serializers.DateTimeField(allow_null=True)
    incident = serializers.IntegerField(allow_null=True)
    work_order = serializers.IntegerField(allow_null=True)
    nested_of = serializers.IntegerField(allow_null=True)


class IncidentPartOutput(serializers.Serializer):
    """One transformer of a feeder incident, with when its power came back (or null)."""

    transformer_code = serializers.CharField(source="transformer.code")
    restored_at = serializers.DateTimeField(allow_null=True)


class IncidentOutput(serializers.ModelSerializer):
    device_code = serializers.CharField(read_only=True)
    # A feeder incident's transformers (DESIGN §3.10); none for a transformer incident.
    parts = IncidentPartOutput(many=True, read_only=True)
    station_code = serializers.CharField(source="station.code", read_only=True)
    feeder_code = serializers.CharField(source="feeder.code", read_only=True)
    ticket_count = serializers.IntegerField(read_only=True)
    cause: serializers.SlugRelatedField[CauseCode] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "level",
            "source",
            "device_code",
            "station_code",
            "feeder_code",
            "status",
            "etr",
            "ticket_count",
            "work_order",
            "absorbed_into",
            "cause",
            "cause_note",
            "note",
            "created_at",
            "acknowledged_at",
            "restored_at",
            "dismissed_at",
            "dismiss_reason",
            "parts",
        ]
        read_only_fields = fields


class EtrChangeOutput(serializers.Serializer):
    etr = serializers.DateTimeField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", default=None)
    default = serializers.BooleanField(source="is_default")
    texted = serializers.BooleanField(source="notified")


class IncidentDetailOutput(IncidentOutput):
    """GET /incidents/{id}/ (§5.2 version 1.1): the list's fields and the workbench's
    (repairs/api.py fills them from the selectors)."""

    stage = serializers.ChoiceField(Stage.choices, read_only=True)
    premise_count = serializers.IntegerField(read_only=True)
    important_premise_count = serializers.IntegerField(read_only=True)
    tickets = serializers.ListField(child=serializers.CharField(), read_only=True)
    etr_history = EtrChangeOutput(many=True, read_only=True)

    class Meta(IncidentOutput.Meta):
        fields = [
            *IncidentOutput.Meta.fields,
            "stage",
            "premise_count",
            "important_premise_count",
            "tickets",
            "etr_history",
        ]
        read_only_fields = fields


class OutageNoticeOutput(serializers.ModelSerializer):
    # What many=True builds, built as such, so that its type says so.
    feeder_codes = serializers.ManyRelatedField(
        child_relation=serializers.SlugRelatedField(slug_field="code", read_only=True),
        source="feeders",
        read_only=True,
    )
    transformer_codes = serializers.ManyRelatedField(
        child_relation=serializers.SlugRelatedField(slug_field="code", read_only=True),
        source="transformers",
        read_only=True,
    )
    station_code = serializers.CharField(source="station.code", default=None, read_only=True)

    class Meta:
        model = OutageNotice
        fields = [
            "id",
            "kind",
            "feeder_codes",
            "transformer_codes",
            "station_code",
            "starts_at",
            "ends_at",
            "reason",
            "published_at",
            "late_notice",
            "cancelled_at",
        ]
        read_only_fields = fields
