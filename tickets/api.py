from collections.abc import Mapping
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import role_permission, sees_phones
from accounts.http import AuthenticatedRequest
from accounts.models import Role
from config.api import ERROR_REFERENCE, api_datetime
from config.errors import FieldErrors
from config.formschema import form_serializer
from grid.phones import mask_phone
from tickets import handling, selectors, services
from tickets.attachments import attachment_response
from tickets.evidence import EXTENSIONS
from tickets.forms import (
    TicketCancelForm,
    TicketReplyForm,
    TicketReturnForm,
    TicketTransferForm,
    UrgeForm,
    handling_form,
)
from tickets.idempotency import HEADER_PARAMETER, idempotent
from tickets.models import Attachment, Deadline, Ticket, TimelineEvent
from tickets.search import ticket_search


class TimelineEventOutput(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = ["kind", "at", "actor", "note", "old_status", "new_status", "data"]
        read_only_fields = fields

    def get_actor(self, event: TimelineEvent) -> str | None:
        return event.actor.username if event.actor else None


class TicketOutput(serializers.ModelSerializer):
    station_code = serializers.CharField(
        source="station.code", default=None, allow_null=True, read_only=True
    )
    # In full for the roles that call customers back, masked for the others.
    caller_phone = serializers.SerializerMethodField()

    def get_caller_phone(self, ticket: Ticket) -> str:
        request = self.context.get("request")
        if not ticket.caller_phone or (request is not None and sees_phones(request.user)):
            return ticket.caller_phone
        return mask_phone(ticket.caller_phone)

    class Meta:
        model = Ticket
        fields = [
            "number",
            "kind",
            "status",
            "priority",
            "channel",
            "urge_count",
            "station_code",
            "caller_phone",
            "description",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields


class DeadlineOutput(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = ["name", "starts_at", "due_at", "met_at", "closed_at"]
        read_only_fields = fields


class TicketDetailOutput(TicketOutput):
    deadlines = DeadlineOutput(many=True, read_only=True)
    events = TimelineEventOutput(many=True, read_only=True)

    class Meta(TicketOutput.Meta):
        fields = [*TicketOutput.Meta.fields, "deadlines", "events"]
        read_only_fields = fields


# The ticket page of the API is its hottest read: the output is built by hand, field for
# field as the serializers above document it (a ModelSerializer builds its fields anew for
# every instance, which cost more than the SQL; tests/api/test_tickets_api.py holds the two
# to the same output).


def ticket_detail_data(ticket: Ticket, *, phones_in_full: bool) -> dict:
    phone = ticket.caller_phone
    return {
        "number": ticket.number,
        "kind": ticket.kind,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "urge_count": ticket.urge_count,
        "station_code": ticket.station.code if ticket.station is not None else None,
        "caller_phone": phone if phones_in_full or not phone else mask_phone(phone),
        "description": ticket.description,
        "created_at": api_datetime(ticket.created_at),
        "updated_at": api_datetime(ticket.updated_at),
        "resolved_at": api_datetime(ticket.resolved_at),
        "closed_at": api_datetime(ticket.closed_at),
        "deadlines": [
            {
                "name": d.name,
                "starts_at": api_datetime(d.starts_at),
                "due_at": api_datetime(d.due_at),
                "met_at": api_datetime(d.met_at),
                "closed_at": api_datetime(d.closed_at),
            }
            for d in ticket.deadlines.all()
        ],
        "events": [
            {
                "kind": e.kind,
                "at": api_datetime(e.at),
                "actor": e.actor.username if e.actor_id else None,
                "note": e.note,
                "old_status": e.old_status,
                "new_status": e.new_status,
                "data": e.data,
            }
            for e in ticket.events.all()
        ],
    }


class AttachmentOutput(serializers.ModelSerializer):
    """A file as lists show it (DESIGN §3.14); the file itself is GET /attachments/{id}/."""

    uploaded_by = serializers.CharField(
        source="uploaded_by.username", default=None, allow_null=True, read_only=True
    )
    lat = serializers.FloatField(source="latitude", allow_null=True, read_only=True)
    lon = serializers.FloatField(source="longitude", allow_null=True, read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "stage",
            "taken_at",
            "lat",
            "lon",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


def attachment_created(attachment: Attachment) -> Response:
    """An upload's answer: 201 with the new file as lists show it, `id` first."""
    return Response(AttachmentOutput(attachment).data, status=201)


# The file endpoints answer the file in the type its check found.
FILE_RESPONSES: dict[int | tuple[int, str], Any] = {
    (200, content_type): OpenApiTypes.BINARY for content_type in EXTENSIONS
}


# The handling steps' error answers (DESIGN §3.9), in the order they are checked.
HANDLING_ERRORS = {
    400: OpenApiResponse(
        ERROR_REFERENCE,
        description=_(
            "Bad input: a message per field (a missing reason, an unknown code, the holder it "
            "has already, a duplicate of itself or of another kind); nothing changed."
        ),
    ),
    403: OpenApiResponse(
        ERROR_REFERENCE,
        description=_("Only the holder's dispatchers or handlers, or a supervisor."),
    ),
    404: OpenApiResponse(ERROR_REFERENCE, description=_("No such ticket in your scope.")),
    409: OpenApiResponse(
        ERROR_REFERENCE,
        description=_(
            "The ticket's state does not allow the step (`action`), a repair's or a "
            "complaint's own steps do this, or the original is no longer open "
            "(`duplicate_of`); nothing changed."
        ),
        examples=[
            OpenApiExample(
                "No longer open",
                value={
                    "action": ["Ticket S20261126-000042 is Resolved: there is nothing to take."]
                },
            )
        ],
    ),
}


def _handling_schema(summary: Any, form: type | None = None, **kwargs: Any):
    """A handling step's schema: its body is its form's (config/formschema.py)."""
    return extend_schema(
        summary=summary,
        request=form_serializer(form) if form is not None else None,
        parameters=[HEADER_PARAMETER],
        responses={200: TicketDetailOutput, **HANDLING_ERRORS},
        **kwargs,
    )


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tickets within the caller's scope; transitions are actions, never a PATCH."""

    lookup_field = "number"
    lookup_value_regex = "[A-Z][0-9]{8}-[0-9]{6}"
    filterset_fields = ["status", "kind"]
    request: AuthenticatedRequest

    def get_queryset(self):
        return selectors.ticket_list_for_user(user=self.request.user)

    def get_permissions(self):
        if self.action == "urge":
            return [role_permission(Role.AGENT, Role.SUPERVISOR)()]
        return super().get_permissions()

    def get_serializer_class(self):
        return TicketDetailOutput if self.action == "retrieve" else TicketOutput

    def filter_queryset(self, queryset):
        # The search runs on the filtered list, so each key's newest are within the filters.
        queryset = super().filter_queryset(queryset)
        text = self.request.query_params.get("q", "").strip()
        return ticket_search(queryset, text=text) if text else queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=_(
                    "Search: a ticket number (whole, or a part of six characters or more), "
                    "the caller's phone in any dialled form, the customer's name or part of "
                    "it, part of the address, or words of the description (two characters "
                    "or more). Best matches first: the number, then the phone, then the "
                    "whole name; newest first within each. Each way of matching finds at "
                    "most its newest 201 tickets: narrow a search with more words or filters."
                ),
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=TicketDetailOutput)
    def retrieve(self, request, *args, **kwargs):
        ticket = selectors.ticket_record_get_for_user(user=request.user, number=kwargs["number"])
        return Response(ticket_detail_data(ticket, phones_in_full=sees_phones(request.user)))

    @extend_schema(
        request=form_serializer(UrgeForm), responses={200: TicketDetailOutput, 404: None, 409: None}
    )
    @action(detail=True, methods=["post"])
    def urge(self, request, number=None):
        """A repeat call about an open ticket (DESIGN §3.7); 409 once it is resolved or closed."""
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        form = UrgeForm(data=request.data if isinstance(request.data, Mapping) else {})
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        services.ticket_urge(ticket=ticket, actor=request.user, note=form.cleaned_data["note"])
        ticket = selectors.ticket_record_get_for_user(user=request.user, number=number)
        return Response(ticket_detail_data(ticket, phones_in_full=sees_phones(request.user)))

    @_handling_schema(_("The holder or a supervisor takes the ticket in hand: open → in_progress"))
    @action(detail=True, methods=["post"])
    @idempotent
    def take(self, request: AuthenticatedRequest, number: str | None = None) -> Response:
        return self._step(request, number, "take")

    @_handling_schema(
        _("The holder or a supervisor transfers the ticket to a station or a department"),
        TicketTransferForm,
        examples=[
            OpenApiExample(
                "To the marketing department",
                value={"department": "MKT", "reason": "A tariff question, not field work."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def transfer(self, request: AuthenticatedRequest, number: str | None = None) -> Response:
        return self._step(request, number, "transfer")

    @_handling_schema(
        _("The holder or a supervisor replies to the customer: meets reply_by, resolved"),
        TicketReplyForm,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def reply(self, request: AuthenticatedRequest, number: str | None = None) -> Response:
        return self._step(request, number, "reply")

    @_handling_schema(_("The holder returns the ticket to the supervisors"), TicketReturnForm)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    @idempotent
    def return_(self, request: AuthenticatedRequest, number: str | None = None) -> Response:
        return self._step(request, number, "return")

    @_handling_schema(
        _("The holder or a supervisor cancels the ticket, maybe as a duplicate of an open one"),
        TicketCancelForm,
        examples=[
            OpenApiExample(
                "The same request twice",
                value={"reason": "Recorded twice on one call.", "duplicate_of": "S20261126-000041"},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request: AuthenticatedRequest, number: str | None = None) -> Response:
        return self._step(request, number, "cancel")

    def _step(self, request: AuthenticatedRequest, number: str | None, step: str) -> Response:
        # Scope first (404), then who may take the step (403), the body (400), the state (409).
        ticket = selectors.ticket_get_for_user(user=request.user, number=number or "")
        handling.handling_check(user=request.user, ticket=ticket, step=step)
        body = request.data if isinstance(request.data, Mapping) else {}
        form = handling_form(step, user=request.user, data=body)
        if form is not None and not form.is_valid():
            raise FieldErrors.from_form(form)
        handling.ticket_handle(
            ticket=ticket, step=step, data=form.cleaned_data if form else {}, actor=request.user
        )
        # As the step left it, though a transfer may have taken it out of the caller's scope.
        ticket = selectors.ticket_record_after_step(pk=ticket.pk)
        return Response(ticket_detail_data(ticket, phones_in_full=sees_phones(request.user)))

    @extend_schema(
        summary=_("The ticket's files that you may read, oldest first"),
        responses={200: AttachmentOutput(many=True)},
    )
    @action(detail=True, methods=["get"])
    def attachments(self, request: AuthenticatedRequest, number: str | None = None) -> Response:
        ticket = selectors.ticket_bare_get_for_user(user=request.user, number=number or "")
        rows = selectors.attachment_list_for_user(user=request.user).filter(ticket=ticket)
        page = self.paginate_queryset(rows.order_by("pk"))
        assert page is not None  # the API always paginates (settings.REST_FRAMEWORK)
        return self.get_paginated_response(AttachmentOutput(page, many=True).data)


class AttachmentViewSet(viewsets.GenericViewSet):
    """A file and its thumbnail, to whoever may read what it belongs to; 404 for anyone else.
    There is no other way to a file: it has no public URL."""

    request: AuthenticatedRequest
    serializer_class = AttachmentOutput

    def get_queryset(self):
        return selectors.attachment_list_for_user(user=self.request.user)

    @extend_schema(
        summary=_("The file itself: an image is shown, a PDF downloaded"),
        responses=FILE_RESPONSES,
    )
    def retrieve(self, request: Request, pk: str | None = None) -> FileResponse:
        attachment = selectors.attachment_get_for_user(user=self.request.user, pk=pk or "")
        return attachment_response(attachment)

    @extend_schema(
        summary=_("An image's thumbnail (JPEG); a PDF has none (404)"),
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def thumbnail(self, request: Request, pk: str | None = None) -> FileResponse:
        attachment = selectors.attachment_get_for_user(user=self.request.user, pk=pk or "")
        return attachment_response(attachment, thumbnail=True)
