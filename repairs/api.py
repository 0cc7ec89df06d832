"""The repairs API: triage, recording a repair call, incidents and outage notices. Each body
is validated by the form its page shares (repairs/forms.py), and the request schema is
derived from that form; the outputs are in repairs/serializers.py."""

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsStaff, has_role, role_permission
from accounts.http import AuthenticatedRequest
from accounts.models import Role
from config.errors import FieldErrors
from config.formschema import form_serializer
from config.parsers import JSONParser
from repairs.forms import (
    IncidentDeclareForm,
    IncidentDismissForm,
    IncidentEtrForm,
    IncidentRestoreForm,
    OutageNoticeForm,
    RepairForm,
    TriageForm,
)
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, OutageNotice
from repairs.selectors import (
    incident_etr_history,
    incident_get_for_user,
    incident_list_for_user,
    incident_premise_counts,
    incident_ticket_numbers,
    notice_get_for_change,
    notice_list,
    premise_facts,
)
from repairs.serializers import (
    EtrChangeOutput,
    IncidentDetailOutput,
    IncidentOutput,
    OutageNoticeOutput,
    RepairOutput,
    TriageOutput,
    triage_output,
)
from repairs.services.declarations import incident_declare, incident_dismiss
from repairs.services.incidents import incident_etr_set, incident_restore_from_form
from repairs.services.intake import repair_create
from repairs.services.notices import notice_cancel, notice_publish
from repairs.triage import decide
from tickets import idempotency
from tickets.idempotency import idempotent


def _body(request: Request) -> Mapping[str, Any]:
    # A body that is not a JSON object has none of the fields: each is reported missing.
    return request.data if isinstance(request.data, Mapping) else {}


class TriageView(APIView):
    """POST /api/v1/repairs/triage/: the outcome of DESIGN §3.1 for these answers. Saves nothing."""

    permission_classes = [role_permission(Role.AGENT, Role.SUPERVISOR)]
    # JSON only: lists and booleans do not survive a form-encoded body.
    parser_classes = [JSONParser]

    @extend_schema(
        request=form_serializer(TriageForm),
        responses={200: TriageOutput},
        examples=[
            OpenApiExample(
                "Only this house, breaker trips again",
                value={
                    "meter_no": "441800000001",
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
    def post(self, request: AuthenticatedRequest) -> Response:
        form = TriageForm(data=_body(request))
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        premise, answers = form.premise, form.answers()
        decision = decide(answers, premise_facts(premise=premise, now=timezone.now()))
        return Response(triage_output(premise=premise, answers=answers, decision=decision))


class RepairCreateView(APIView):
    """POST /api/v1/repairs/: record a repair call, triaged, dispatched or answered."""

    permission_classes = [role_permission(Role.AGENT, Role.SUPERVISOR)]
    parser_classes = [JSONParser]

    @extend_schema(
        request=form_serializer(RepairForm),
        parameters=[idempotency.HEADER_PARAMETER],
        responses={
            201: RepairOutput,
            400: OpenApiTypes.OBJECT,
            409: OpenApiTypes.OBJECT,
            422: OpenApiTypes.OBJECT,
        },
        examples=[
            OpenApiExample(
                "Neighbours out too",
                value={
                    "meter_no": "441800000001",
                    "caller_phone": "18612171427",
                    "description": "Whole street dark since 19:40",
                    "scope": "neighbours",
                    "breaker": "not_tripped",
                    "high_power_load": False,
                    "equipment_in_use": "",
                    "fault_side": "unknown",
                    "hazards": [],
                },
                request_only=True,
            )
        ],
    )
    @idempotent
    def post(self, request: AuthenticatedRequest) -> Response:
        form = RepairForm(data=_body(request))
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        created = repair_create(
            premise=form.premise,
            answers=form.answers(),
            actor=request.user,
            caller_phone=form.cleaned_data["caller_phone"],
            description=form.cleaned_data["description"],
        )
        body = RepairOutput(
            {
                "number": created.ticket.number,
                "outcome": created.decision.outcome,
                "reason": created.decision.reason,
                "priority": created.ticket.priority,
                "arrive_by": created.repair.arrive_by,
                "incident": created.incident.pk if created.incident else None,
                "work_order": created.work_order.pk if created.work_order else None,
                "nested_of": created.repair.nested_of_id,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class IncidentFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(method="filter_active", label="active")

    class Meta:
        model = Incident
        fields = ["active", "level", "status"]

    def filter_active(
        self, queryset: QuerySet[Incident], name: str, value: bool
    ) -> QuerySet[Incident]:
        if value:
            return queryset.filter(status__in=ACTIVE_INCIDENT_STATUSES)
        return queryset.exclude(status__in=ACTIVE_INCIDENT_STATUSES)


# Who declares and dismisses incidents (DESIGN §3.10); a dispatcher only in their station.
DECLARE_ROLES = (Role.DISPATCHER, Role.SUPERVISOR)


class IncidentViewSet(viewsets.ReadOnlyModelViewSet):
    """Incidents in the caller's scope; declaring is POST on the list; restore, ETR and
    dismiss are actions."""

    serializer_class = IncidentOutput
    filterset_class = IncidentFilter
    permission_classes = [
        role_permission(Role.AGENT, Role.SUPERVISOR, Role.DISPATCHER, Role.CREW, Role.MANAGER)
    ]
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Incident]:
        return incident_list_for_user(user=self.request.user)

    @extend_schema(responses={200: IncidentDetailOutput, 404: None})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The incident with its premises' counts, tickets, ETR history and crew stage."""
        return Response(self._detail(self.get_object()))

    def _detail(self, incident: Incident) -> dict:
        counts = incident_premise_counts(incident=incident)
        return {
            **IncidentOutput(incident).data,
            "stage": incident.stage,
            "premise_count": counts["premises"],
            "important_premise_count": counts["important"],
            "tickets": incident_ticket_numbers(incident=incident),
            "etr_history": EtrChangeOutput(incident_etr_history(incident=incident), many=True).data,
        }

    def _incident(
        self,
        request: AuthenticatedRequest,
        pk: str,
        roles: tuple[str, ...] = (Role.DISPATCHER, Role.CREW, Role.SUPERVISOR),
    ) -> Incident:
        if not has_role(request.user, *roles):
            raise PermissionDenied(_("Your role cannot change incidents."))
        return incident_get_for_user(user=request.user, pk=pk)

    @extend_schema(
        request=form_serializer(IncidentDeclareForm),
        responses={201: IncidentOutput, 400: OpenApiTypes.OBJECT, 403: None, 409: None},
        examples=[
            OpenApiExample(
                "A transformer out before anyone calls",
                value={
                    "level": "transformer",
                    "device_code": "YD01-F02-T03",
                    "etr": "2026-12-08T21:30:00+08:00",
                    "note": "Fuse blown at the pole, seen by the crew on patrol",
                    "notify_premises": True,
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        """Declare an outage on a transformer or feeder (DESIGN §3.10): source `declared`, one
        work order to its station; 409 when an active incident covers the device already."""
        if not has_role(request.user, *DECLARE_ROLES):
            raise PermissionDenied(_("Your role cannot declare incidents."))
        form = IncidentDeclareForm(data=_body(request), user=request.user)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        assert form.feeder is not None  # a valid form found the device
        incident = incident_declare(
            feeder=form.feeder,
            transformer=form.transformer,
            actor=request.user,
            etr=form.cleaned_data["etr"],
            note=form.cleaned_data["note"],
            notify_premises=form.cleaned_data["notify_premises"],
        )
        body = IncidentOutput(incident_get_for_user(user=request.user, pk=incident.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=form_serializer(IncidentDismissForm),
        responses={200: IncidentOutput, 400: OpenApiTypes.OBJECT, 404: None, 409: None},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: AuthenticatedRequest, pk: str) -> Response:
        """Not an outage (DESIGN §3.10): the attached tickets are triaged again, each on its
        own; the incident's work order is withdrawn."""
        incident = self._incident(request, pk, roles=DECLARE_ROLES)
        form = IncidentDismissForm(data=_body(request))
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        incident_dismiss(incident=incident, reason=form.cleaned_data["reason"], actor=request.user)
        return Response(IncidentOutput(incident_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(
        request=form_serializer(IncidentRestoreForm),
        responses={200: IncidentDetailOutput, 400: OpenApiTypes.OBJECT, 404: None, 409: None},
        examples=[
            OpenApiExample(
                "Fuse replaced",
                value={"cause": "transformer_fuse", "note": "Replaced the HV fuse"},
                request_only=True,
            ),
            OpenApiExample(
                "Two transformers of a feeder incident back",
                value={
                    "cause": "tree_contact",
                    "note": "Branch cleared; the rest of the line still out",
                    "transformer_codes": ["YD01-F02-T01", "YD01-F02-T02"],
                },
                request_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: AuthenticatedRequest, pk: str) -> Response:
        """Power is back: resolves every attached ticket with the cause (DESIGN §3.3); with
        `transformer_codes`, only those of a feeder incident's transformers (DESIGN §3.10)."""
        incident = self._incident(request, pk)
        form = IncidentRestoreForm(data=_body(request), incident=incident)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        incident_restore_from_form(incident=incident, data=form.cleaned_data, actor=request.user)
        return Response(self._detail(incident_get_for_user(user=request.user, pk=pk)))

    @extend_schema(
        request=form_serializer(IncidentEtrForm),
        responses={200: IncidentDetailOutput, 400: OpenApiTypes.OBJECT, 404: None, 409: None},
    )
    @action(detail=True, methods=["post"])
    def etr(self, request: AuthenticatedRequest, pk: str) -> Response:
        """Set the estimated restoration time; every attached caller's timeline shows it."""
        incident = self._incident(request, pk)
        form = IncidentEtrForm(data=_body(request))
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        incident_etr_set(incident=incident, etr=form.cleaned_data["etr"], actor=request.user)
        return Response(self._detail(incident_get_for_user(user=request.user, pk=pk)))


class OutageNoticeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Planned outages, temporary outages and supply restrictions (DESIGN §3.4).

    The list holds the notices not yet over; `?past=true` the ended and cancelled ones.
    """

    serializer_class = OutageNoticeOutput
    request: AuthenticatedRequest

    def get_permissions(self) -> list[BasePermission]:
        if self.action in ("create", "cancel"):
            return [role_permission(Role.SUPERVISOR, Role.DISPATCHER)()]
        return [IsStaff()]

    def get_queryset(self) -> QuerySet[OutageNotice]:
        past = self.request.query_params.get("past") == "true"
        return notice_list(now=timezone.now(), current=not past)

    @extend_schema(
        request=form_serializer(OutageNoticeForm),
        responses={201: OutageNoticeOutput, 400: OpenApiTypes.OBJECT, 403: None},
        examples=[
            OpenApiExample(
                "Planned maintenance on a feeder",
                value={
                    "kind": "planned",
                    "feeder_codes": ["YD01-F02"],
                    "transformer_codes": [],
                    "starts_at": "2026-12-08T08:00:00+08:00",
                    "ends_at": "2026-12-08T17:00:00+08:00",
                    "reason": "Replacing poles on Riverside Road",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        now = timezone.now()
        form = OutageNoticeForm(data=_body(request), user=request.user, now=now)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        notice = notice_publish(data=form.notice_input(), actor=request.user, now=now)
        return Response(OutageNoticeOutput(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OutageNoticeOutput, 404: None, 409: None})
    @action(detail=True, methods=["post"])
    def cancel(self, request: AuthenticatedRequest, pk: str) -> Response:
        """Withdraw the notice; its customers get an SMS."""
        notice = notice_get_for_change(user=request.user, pk=pk)
        notice = notice_cancel(notice=notice, actor=request.user)
        return Response(OutageNoticeOutput(notice).data)
