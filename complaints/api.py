"""The complaint API (DESIGN §5.2): POST /complaints/ and one POST per step.

Who may call: agents and supervisors record; each step checks its own roles in the
service (ACTION_ROLES in complaints/roles.py): agents contact and call back,
supervisors judge, the department's handlers rectify and reply (supervisors reply
too). Everyone else gets 403. A complaint outside a handler's department answers 404
before the body is read. The forms in complaints/forms.py validate the bodies, the
same forms the pages use; the serializers below document them.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import has_role, role_permission
from accounts.http import AuthenticatedRequest
from accounts.models import Role
from complaints import roles, selectors, services
from complaints.forms import (
    STEP_FORMS,
    ComplaintForm,
    ContactForm,
    JudgeForm,
    RectifyForm,
    ReplyForm,
)
from complaints.models import Complaint
from config.errors import FieldErrors
from config.formschema import form_serializer
from config.parsers import MultiPartParser
from tickets import idempotency
from tickets.api import AttachmentOutput, attachment_created
from tickets.forms import AttachmentForm, CallbackForm
from tickets.idempotency import idempotent
from tickets.models import CallbackResult, Channel
from tickets.selectors import callback_result_last

# --- Output -------------------------------------------------------------------------------------


class ComplaintOutput(serializers.ModelSerializer):
    """A complaint as every endpoint answers it; every field is read-only."""

    number = serializers.CharField(source="ticket.number", read_only=True)
    ticket_status = serializers.CharField(source="ticket.status", read_only=True)
    channel = serializers.ChoiceField(Channel.choices, source="ticket.channel", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    description = serializers.CharField(source="ticket.description", read_only=True)
    caller_phone = serializers.CharField(source="ticket.caller_phone", read_only=True)
    customer_account_no = serializers.CharField(
        source="ticket.customer.account_no", default=None, allow_null=True, read_only=True
    )
    meter_no = serializers.CharField(
        source="ticket.premise.meter_no", default=None, allow_null=True, read_only=True
    )
    department = serializers.CharField(
        source="ticket.department.code", default=None, allow_null=True, read_only=True
    )
    station_code = serializers.CharField(
        source="ticket.station.code", default=None, allow_null=True, read_only=True
    )
    created_at = serializers.DateTimeField(source="ticket.created_at", read_only=True)
    # Blank until the step that sets them.
    validity = serializers.ChoiceField(Complaint.Validity.choices, allow_blank=True, read_only=True)
    # The last callback's result (tickets.Callback), annotated by _output.
    callback_result = serializers.ChoiceField(
        CallbackResult.choices, allow_blank=True, read_only=True
    )
    unreachable_count = serializers.IntegerField(
        source="ticket.unreachable_count",
        label=capfirst(_("unreachable callbacks")),
        read_only=True,
    )
    closed_as = serializers.ChoiceField(Complaint.Closure.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "number",
            "status",
            "ticket_status",
            "channel",
            "category",
            "description",
            "caller_phone",
            "account_no",
            "customer_account_no",
            "meter_no",
            "is_report",
            "major",
            "major_reason",
            "contact_by",
            "reply_by",
            "reply_by_fallback",
            "contacted_at",
            "validity",
            "judgement_reason",
            "department",
            "station_code",
            "cause",
            "rectification",
            "reply_text",
            "replied_at",
            "callback_result",
            "unreachable_count",
            "reopen_count",
            "closed_as",
            "created_at",
        ]
        read_only_fields = fields


# --- Schema pieces --------------------------------------------------------------------------------
# The error answers (400 a message per field, 401, 403, 404, 409) are documented for every
# operation by config.api.document_errors, in the one shape the whole API uses.


def _step_schema(summary, form: type[forms.Form], **kwargs: Any):
    """The step's schema; its request body is the step form's (config/formschema.py)."""
    return extend_schema(
        summary=summary, request=form_serializer(form), responses={200: ComplaintOutput}, **kwargs
    )


# --- The viewset -------------------------------------------------------------------------------


class ComplaintViewSet(viewsets.GenericViewSet):
    """Record a complaint; each step of its handling is a POST, never a PATCH."""

    lookup_field = "number"
    lookup_value_regex = "[A-Z][0-9]{8}-[0-9]{6}"
    permission_classes = [role_permission(Role.AGENT, Role.SUPERVISOR, Role.HANDLER)]
    serializer_class = ComplaintOutput
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Complaint]:
        return selectors.complaint_list_for_user(user=self.request.user)

    @extend_schema(
        summary=_("Agent: record a complaint; every complaint is accepted"),
        request=form_serializer(ComplaintForm),
        parameters=[idempotency.HEADER_PARAMETER],
        responses={201: ComplaintOutput, 422: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Rude staff at the service hall",
                value={
                    "caller_phone": "18612171427",
                    "account_no": "0318100001",
                    "channel": "hotline",
                    "category": "service_attitude",
                    "description": "The clerk refused to explain my bill and shouted at me.",
                    "is_report": False,
                },
                request_only=True,
            )
        ],
    )
    @idempotent
    def create(self, request: AuthenticatedRequest) -> Response:
        if not has_role(request.user, *roles.RECORD_ROLES):
            raise PermissionDenied(_("Your role cannot record complaints."))
        form = ComplaintForm(data=self._body(request))
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        complaint = services.complaint_create(actor=request.user, **form.cleaned_data)
        return self._output(complaint.ticket.number, status=status.HTTP_201_CREATED)

    @_step_schema(
        _("Agent: the first contact with the customer; meets contact_by"),
        ContactForm,
    )
    @action(detail=True, methods=["post"])
    def contact(self, request: AuthenticatedRequest, number: str) -> Response:
        return self._step(request, number, "contact")

    @_step_schema(
        _("Supervisor: validity, reason and the responsible department (and station)"),
        JudgeForm,
        examples=[
            OpenApiExample(
                "Valid, the service hall's fault",
                value={
                    "validity": "valid",
                    "reason": "The recording confirms the clerk's tone.",
                    "department": "MKT",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def judge(self, request: AuthenticatedRequest, number: str) -> Response:
        return self._step(request, number, "judge")

    @_step_schema(_("Handler of the department: cause and rectification"), RectifyForm)
    @action(detail=True, methods=["post"])
    def rectify(self, request: AuthenticatedRequest, number: str) -> Response:
        return self._step(request, number, "rectify")

    @_step_schema(
        _("Handler of the department, supervisor: the reply; meets reply_by"),
        ReplyForm,
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: AuthenticatedRequest, number: str) -> Response:
        return self._step(request, number, "reply")

    @_step_schema(
        _("Agent: the callback; unsatisfied reopens, the third unreachable closes"),
        CallbackForm,
    )
    @action(detail=True, methods=["post"])
    def callback(self, request: AuthenticatedRequest, number: str) -> Response:
        return self._step(request, number, "callback")

    @extend_schema(
        summary=_("Agent, handler of the department, supervisor: keep a file with the complaint"),
        request={"multipart/form-data": form_serializer(AttachmentForm)},
        responses={201: AttachmentOutput},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request: AuthenticatedRequest, number: str) -> Response:
        # Scope (404), role (403), the file (400), then the ticket's room for it (400).
        complaint = selectors.complaint_get_for_user(user=request.user, number=number)
        roles.complaint_attach_check(user=request.user, complaint=complaint)
        form = AttachmentForm(data=self._body(request), files=request.FILES)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        attachment = services.complaint_attachment_add(
            complaint=complaint, checked=form.cleaned_data["file"], actor=request.user
        )
        return attachment_created(attachment)

    def _step(self, request: AuthenticatedRequest, number: str, name: str) -> Response:
        # Scope first (404), then the role (403), then the body (400), then the state (409).
        complaint = selectors.complaint_get_for_user(user=request.user, number=number)
        roles.complaint_action_check(user=request.user, complaint=complaint, action=name)
        form = STEP_FORMS[name](data=self._body(request))
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        services.complaint_act(
            complaint=complaint, action=name, data=form.cleaned_data, actor=request.user
        )
        return self._output(number)

    @staticmethod
    def _body(request: Request) -> Mapping:
        return request.data if isinstance(request.data, Mapping) else {}

    def _output(self, number: str, *, status: int = 200) -> Response:
        # Re-read: the service's copy holds the ticket as it was before its own transition.
        complaint = (
            Complaint.objects.select_related(
                "ticket__customer",
                "ticket__premise",
                "ticket__department",
                "ticket__station",
                "category",
            )
            .annotate(callback_result=callback_result_last())
            .get(ticket__number=number)
        )
        return Response(ComplaintOutput(complaint).data, status=status)
