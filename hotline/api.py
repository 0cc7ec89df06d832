"""GET /api/v1/customers/ (DESIGN §5.2): the caller lookup the IVR/CTI and scripts use;
and POST /api/v1/tickets/: the kinds the console records, recorded without it."""

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import role_permission
from accounts.http import AuthenticatedRequest
from accounts.models import Role
from config.api import api_datetime
from config.errors import FieldErrors
from config.formschema import form_serializer
from hotline import selectors, services
from hotline.forms import CustomerLookupForm, TicketCreateForm
from hotline.views.common import CONSOLE_ROLES
from tickets import api as tickets_api
from tickets.idempotency import HEADER_PARAMETER, idempotent
from tickets.models import Deadline, Kind, Ticket


class CustomerPremiseOutput(serializers.Serializer):
    meter_no = serializers.CharField()
    address = serializers.CharField()
    area_type = serializers.CharField()
    important = serializers.BooleanField()
    station_code = serializers.CharField(source="transformer.feeder.station.code")
    feeder_code = serializers.CharField(source="transformer.feeder.code")
    transformer_code = serializers.CharField(source="transformer.code")


class OpenDeadlineOutput(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = ["name", "due_at"]
        read_only_fields = fields


class CustomerTicketOutput(serializers.ModelSerializer):
    station_code = serializers.CharField(
        source="station.code", default=None, allow_null=True, read_only=True
    )
    deadlines = OpenDeadlineOutput(source="open_deadlines", many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "number",
            "kind",
            "status",
            "priority",
            "urge_count",
            "station_code",
            "created_at",
            "deadlines",
        ]
        read_only_fields = fields


class CustomerOutput(serializers.Serializer):
    account_no = serializers.CharField()
    name = serializers.CharField()
    phones = serializers.SerializerMethodField()
    premises = CustomerPremiseOutput(many=True)
    open_tickets = CustomerTicketOutput(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_phones(self, customer) -> list[str]:
        return [phone.number for phone in customer.phones.all()]


def customer_data(customer) -> dict:
    """CustomerOutput's fields, written by hand: the CTI looks every incoming call up here
    (tests/hotline/test_api.py holds the two to the same output)."""
    return {
        "account_no": customer.account_no,
        "name": customer.name,
        "phones": [phone.number for phone in customer.phones.all()],
        "premises": [
            {
                "meter_no": p.meter_no,
                "address": p.address,
                "area_type": p.area_type,
                "important": p.important,
                "station_code": p.transformer.feeder.station.code,
                "feeder_code": p.transformer.feeder.code,
                "transformer_code": p.transformer.code,
            }
            for p in customer.premises.all()
        ],
        "open_tickets": [
            {
                "number": t.number,
                "kind": t.kind,
                "status": t.status,
                "priority": t.priority,
                "urge_count": t.urge_count,
                "station_code": t.station.code if t.station_id else None,
                "created_at": api_datetime(t.created_at),
                "deadlines": [
                    {"name": d.name, "due_at": api_datetime(d.due_at)} for d in t.open_deadlines
                ],
            }
            for t in customer.open_tickets
        ],
    }


@extend_schema(parameters=[form_serializer(CustomerLookupForm)])
class CustomerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Customers matching one key, with their premises and open tickets (agents, supervisors)."""

    permission_classes = [role_permission(Role.AGENT, Role.SUPERVISOR)]
    serializer_class = CustomerOutput
    filter_backends = []

    def get_queryset(self):
        form = CustomerLookupForm(self.request.query_params)
        if not form.is_valid():
            errors = FieldErrors.from_form(form).errors
            # No one key is at fault when none was given.
            if NON_FIELD_ERRORS in errors:
                errors["detail"] = errors.pop(NON_FIELD_ERRORS)
            raise ValidationError(errors)
        return selectors.customer_list_for_api(**form.cleaned_data)

    def list(self, request: Request, *args, **kwargs) -> Response:
        customers = self.get_queryset()
        page = self.paginate_queryset(customers)
        if page is None:  # as ListModelMixin answers when pagination is switched off
            return Response([customer_data(c) for c in customers])
        return self.get_paginated_response([customer_data(c) for c in page])


class TicketCreatedOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    reply_by = serializers.DateTimeField(allow_null=True)


class TicketViewSet(tickets_api.TicketViewSet):
    """The ticket API, with POST for the kinds the console records (a consultation, a
    service request, an opinion, a praise): the same services, the same rules. Repairs and
    complaints have their own POSTs."""

    def get_permissions(self):
        if self.action == "create":
            return [role_permission(*CONSOLE_ROLES)()]
        return super().get_permissions()

    @extend_schema(
        summary="Record a consultation, service request, opinion or praise",
        request=form_serializer(TicketCreateForm),
        responses={201: TicketCreatedOutput},
        parameters=[HEADER_PARAMETER],
        examples=[
            OpenApiExample(
                "Reconnection after the arrears are paid",
                value={
                    "kind": "service_request",
                    "caller_phone": "18612171427",
                    "meter_no": "441800000001",
                    "description": "Paid the arrears at the service hall this morning.",
                    "request_type": "reconnection",
                },
                request_only=True,
            )
        ],
    )
    @idempotent
    def create(self, request: AuthenticatedRequest, *args, **kwargs) -> Response:
        form = TicketCreateForm(data=request.data if isinstance(request.data, Mapping) else {})
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        ticket = _record(form, actor=request.user)
        reply_by = ticket.deadlines.filter(name=Deadline.Name.REPLY_BY).first()
        return Response(
            {
                "number": ticket.number,
                "status": ticket.status,
                "reply_by": api_datetime(reply_by.due_at if reply_by else None),
            },
            status=status.HTTP_201_CREATED,
        )


def _record(form: TicketCreateForm, *, actor) -> Ticket:
    data = form.cleaned_data
    common = {
        "call": None,
        "actor": actor,
        "premise": form.premise,
        "customer": form.customer,
        "caller_phone": data["caller_phone"],
    }
    if data["kind"] == Kind.CONSULTATION:
        return services.consultation_record(
            **common, question=data["description"], answer=data["answer"], article=data["article"]
        )
    if data["kind"] == Kind.SERVICE_REQUEST:
        return services.service_request_record(
            **common, request_type=data["request_type"], description=data["description"]
        )
    return services.feedback_record(
        **common,
        kind=data["kind"],
        subject=data["subject"] or data["description"][:60],
        description=data["description"],
    )
