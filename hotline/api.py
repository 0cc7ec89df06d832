"""GET /api/v1/customers/ (DESIGN §5.2): the caller lookup the IVR/CTI and scripts use;
POST /api/v1/tickets/: the kinds the console records, recorded without it; the telephony's
events (POST /api/v1/cti/events/) and the calls they make (GET /api/v1/calls/{id}/); the
IVR's outage lookup; the SMS gateway's inbound messages (POST /api/v1/sms/inbound/)."""

import hashlib
import hmac
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from accounts.access import role_permission, sees_phones
from accounts.http import AuthenticatedRequest
from accounts.models import Role
from config.api import api_datetime
from config.errors import FieldErrors
from config.formschema import form_serializer
from hotline import selectors, services
from hotline.forms import CustomerLookupForm, InboundSmsForm, TelephonyEventForm, TicketCreateForm
from hotline.models import Call, InboundSms
from hotline.sms_inbound import inbound_sms_record
from hotline.telephony import telephony_event_record
from hotline.views.common import CONSOLE_ROLES
from repairs.models import Stage
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


class TicketCallOutput(serializers.Serializer):
    id = serializers.IntegerField()
    recording_url = serializers.CharField(
        allow_null=True, help_text="Null until the hang-up, and for roles that see phones masked."
    )


def ticket_call_data(call: Call, *, phones_in_full: bool) -> dict:
    """A call as a ticket lists it; its recording (the caller's voice and number) only for
    the roles that see phone numbers in full."""
    return {
        "id": call.pk,
        "recording_url": (call.recording_url or None) if phones_in_full else None,
    }


class TicketWithCallsOutput(tickets_api.TicketDetailOutput):
    calls = serializers.SerializerMethodField()

    class Meta(tickets_api.TicketDetailOutput.Meta):
        fields = [*tickets_api.TicketDetailOutput.Meta.fields, "calls"]
        read_only_fields = fields

    @extend_schema_field(TicketCallOutput(many=True))
    def get_calls(self, ticket: Ticket) -> list[dict]:
        request = self.context.get("request")
        in_full = request is not None and sees_phones(request.user)
        calls = selectors.call_list_for_ticket(number=ticket.number)
        return [ticket_call_data(call, phones_in_full=in_full) for call in calls]


class TicketViewSet(tickets_api.TicketViewSet):
    """The ticket API, with POST for the kinds the console records (a consultation, a
    service request, an opinion, a praise): the same services, the same rules. Repairs and
    complaints have their own POSTs. A ticket's page also lists the calls that touched it."""

    def get_permissions(self):
        if self.action == "create":
            return [role_permission(*CONSOLE_ROLES)()]
        return super().get_permissions()

    def get_serializer_class(self):
        return (
            TicketWithCallsOutput if self.action == "retrieve" else super().get_serializer_class()
        )

    @extend_schema(responses=TicketWithCallsOutput)
    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)  # 404 outside the scope
        calls = selectors.call_list_for_ticket(number=kwargs["number"])
        in_full = sees_phones(request.user)
        response.data["calls"] = [ticket_call_data(c, phones_in_full=in_full) for c in calls]
        return response

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
        services.call_link_to_open(agent=request.user, ticket=ticket)
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


# --- Telephony (DESIGN §3.15) -------------------------------------------------------------


class TelephonyEventOutput(serializers.Serializer):
    call = serializers.IntegerField(
        allow_null=True, help_text="The call the event made or reached (GET /calls/{id}/)."
    )


class TelephonyEventView(APIView):
    """POST /api/v1/cti/events/: one event of a telephony call, applied once; a repeat
    answers the same and changes nothing. The integration account only."""

    permission_classes = [role_permission(Role.INTEGRATION)]

    @extend_schema(
        summary="A telephony call event: ring, answer or hangup",
        request=form_serializer(TelephonyEventForm),
        responses={200: TelephonyEventOutput},
        examples=[
            OpenApiExample(
                "The caller hung up after talking to agent 8001",
                value={
                    "event": "hangup",
                    "call_id": "pbx-20261126-0042",
                    "caller": "13800138000",
                    "agent": "8001",
                    "at": "2026-11-26T09:14:05+08:00",
                    "recording_url": "https://recordings.example.com/pbx-20261126-0042.mp3",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        form = TelephonyEventForm(data=request.data if isinstance(request.data, Mapping) else {})
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        data = form.cleaned_data
        recorded = telephony_event_record(
            event=data["event"],
            call_id=data["call_id"],
            caller_phone=data["caller"],
            agent=data["agent"],
            at=data["at"],
            recording_url=data["recording_url"],
        )
        return Response({"call": recorded.call_record_id})


class CallOutput(serializers.Serializer):
    id = serializers.IntegerField()
    caller = serializers.CharField()
    agent = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.IntegerField(
        allow_null=True, help_text="From the answer to the hang-up; null while it goes on."
    )
    recording_url = serializers.CharField(allow_null=True)
    tickets = serializers.ListField(child=serializers.CharField())
    abandoned = serializers.BooleanField()


class CallViewSet(viewsets.GenericViewSet):
    """A call: an agent reads their own, a supervisor any."""

    permission_classes = [role_permission(Role.AGENT, Role.SUPERVISOR)]
    serializer_class = CallOutput
    queryset = Call.objects.none()  # the schema's; reads go through the selector
    request: AuthenticatedRequest

    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        call = selectors.call_get_for_user(user=request.user, pk=pk or "")
        links = selectors.call_ticket_list(call=call, now=timezone.now())
        return Response(
            {
                "id": call.pk,
                "caller": call.caller_phone,
                "agent": call.agent.username,
                "started_at": api_datetime(call.started_at),
                "ended_at": api_datetime(call.ended_at),
                "duration_seconds": call.duration_seconds,
                "recording_url": call.recording_url or None,
                "tickets": list(dict.fromkeys(link.ticket.number for link in links)),
                "abandoned": call.abandoned,
            }
        )


class PremiseOutageOutput(serializers.Serializer):
    meter_tail = serializers.CharField(help_text="The meter number's last 4 digits.")
    status = serializers.ChoiceField(["none", "planned_outage", "supply_restriction", "incident"])
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    etr = serializers.DateTimeField(allow_null=True)
    stage = serializers.ChoiceField(Stage.choices, allow_null=True)


class OpenTicketOutput(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()


class OutageLookupOutput(serializers.Serializer):
    premises = PremiseOutageOutput(many=True)
    open_tickets = OpenTicketOutput(many=True)


class OutageLookupThrottle(UserRateThrottle):
    """Per integration account: GRIDLINE_IVR_LOOKUP_RATE (a storm night's IVR is busy, but
    an account asking faster than that is looping or guessing numbers)."""

    scope = "ivr_lookup"

    def get_rate(self) -> str:
        return settings.GRIDLINE_IVR_LOOKUP_RATE


class OutageLookupView(APIView):
    """GET /api/v1/outages/lookup/: the IVR asks, by the caller's number (or a meter or
    account number), about outages on the caller's premises and open tickets (DESIGN
    §3.12). No names and no addresses. The integration account only."""

    permission_classes = [role_permission(Role.INTEGRATION)]
    throttle_classes = [OutageLookupThrottle]

    @extend_schema(
        summary="Outages on the caller's premises, for the IVR",
        parameters=[form_serializer(CustomerLookupForm)],
        responses={200: OutageLookupOutput},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        form = CustomerLookupForm(request.query_params)
        if not form.is_valid():
            errors = FieldErrors.from_form(form).errors
            if NON_FIELD_ERRORS in errors:
                errors["detail"] = errors.pop(NON_FIELD_ERRORS)
            raise ValidationError(errors)
        found = selectors.outage_lookup(**form.cleaned_data, now=timezone.now())
        return Response(OutageLookupOutput(found).data)


# --- Two-way SMS (DESIGN §3.12) -----------------------------------------------------------

SIGNATURE_HEADER = "X-Gridline-Signature"


class InboundSmsOutput(serializers.Serializer):
    action = serializers.ChoiceField(InboundSms.Action.choices)
    ticket = serializers.CharField(
        allow_null=True, help_text="The ticket the message reached or made (its number)."
    )


def signature_valid(*, body: bytes, signature: str) -> bool:
    """The lowercase hex HMAC-SHA256 of the raw body with GRIDLINE_SMS_GATEWAY_KEY; with
    no key set, no signature is valid."""
    key = settings.GRIDLINE_SMS_GATEWAY_KEY
    if not key or not signature:
        return False
    expected = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


class InboundSmsView(APIView):
    """POST /api/v1/sms/inbound/: one SMS from a customer, delivered by the gateway and
    handled once per message_id; a repeat answers the first answer and does nothing.

    The gateway is no user: no session, no token. The signature of the raw body is its
    authentication, checked before the body is read as JSON; a wrong or missing one (or
    no GRIDLINE_SMS_GATEWAY_KEY set) answers 403 and records nothing."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="An SMS from a customer, delivered by the SMS gateway",
        request=form_serializer(InboundSmsForm),
        responses={200: InboundSmsOutput},
        parameters=[
            OpenApiParameter(
                SIGNATURE_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="The lowercase hex HMAC-SHA256 of the raw body, keyed with "
                "GRIDLINE_SMS_GATEWAY_KEY.",
            )
        ],
        examples=[
            OpenApiExample(
                "The power went off again after the restored text",
                value={
                    "message_id": "sms-20261126-0001",
                    "from": "13800138000",
                    "text": "仍停电",
                    "at": "2026-11-26T21:14:05+08:00",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        # The raw body, before DRF parses it: the signature is of these bytes.
        body = request.body
        if not signature_valid(body=body, signature=request.headers.get(SIGNATURE_HEADER, "")):
            raise PermissionDenied(_("The message's signature is missing or wrong."))
        form = InboundSmsForm(data=request.data if isinstance(request.data, Mapping) else {})
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        data = form.cleaned_data
        row = inbound_sms_record(
            message_id=data["message_id"], sender=data["from"], text=data["text"], at=data["at"]
        )
        return Response({"action": row.action, "ticket": row.ticket.number if row.ticket else None})
