"""The work-order API (DESIGN §5.2): reads for the station's people, one POST per step.

Who may call: dispatchers and crews (their own station), supervisors, managers
and administrators read; agents and department handlers get 403 on every
work-order endpoint, because work orders are the stations' business and the
agent sees the dispatch on the ticket's timeline instead. Each step then
checks its own roles in the service (ACTION_ROLES in dispatch/steps.py), so
a manager may read but not assign, and a dispatcher may assign but not accept.
"""

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import role_permission
from accounts.http import AuthenticatedRequest
from accounts.models import Role
from config.api import ERROR_REFERENCE, api_datetime
from config.errors import FieldErrors
from config.formschema import form_serializer
from config.parsers import MultiPartParser
from dispatch import selectors, services, steps
from dispatch.forms import STEP_FORMS, AssignForm, CompleteForm, PhotoForm, ReasonForm
from dispatch.models import WORK_ORDER_TRANSITIONS, WorkOrder
from grid.phones import mask_phone
from tickets.api import AttachmentOutput, attachment_created

# --- Output -------------------------------------------------------------------


class WorkOrderOutput(serializers.ModelSerializer):
    """One work order as lists and the detail show it; every field is read-only."""

    ticket = serializers.CharField(
        source="ticket.number", default=None, allow_null=True, read_only=True
    )
    incident = serializers.SerializerMethodField()
    station_code = serializers.CharField(source="station.code", read_only=True)
    crew = serializers.CharField(source="crew.code", default=None, allow_null=True, read_only=True)
    cause = serializers.CharField(
        source="cause.code", default=None, allow_null=True, read_only=True
    )
    # In the request's language: a brief the system wrote is rendered for its reader.
    brief = serializers.CharField(source="brief_text", read_only=True)
    hazards = serializers.ListField(child=serializers.CharField(), read_only=True)
    caller_phone = serializers.SerializerMethodField()
    customer_name = serializers.CharField(source="ticket.customer.name", default="", read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "status",
            "ticket",
            "incident",
            "station_code",
            "crew",
            "location",
            "brief",
            "hazards",
            "important",
            "arrive_by",
            "restore_by",
            "arrived_in_time",
            "cause",
            "actions",
            "return_reason",
            "caller_phone",
            "customer_name",
            "created_at",
            "assigned_at",
            "accepted_at",
            "departed_at",
            "arrived_at",
            "completed_at",
            "returned_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_incident(self, order: WorkOrder) -> int | None:
        # repairs.Incident links to its order (repairs sits above dispatch, so
        # dispatch never imports it); an order with no incident reads as null.
        incident = getattr(order, "incident", None)
        return incident.pk if incident is not None else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_caller_phone(self, order: WorkOrder) -> str:
        """In full only for the crew the order is assigned to: they call the customer."""
        if order.ticket is None:
            return ""
        phone = order.ticket.caller_phone
        user = self.context["request"].user
        if selectors.is_assigned_crew_member(user=user, order=order):
            return phone
        return mask_phone(phone)


# The order's timestamps: its creation, then the one each step stamps.
STAMPS = ("created_at", *(step.stamp for step in WORK_ORDER_TRANSITIONS.values()))


def work_order_data(order: WorkOrder, *, user) -> dict[str, Any]:
    """WorkOrderOutput's fields, written by hand: the list is the stations' hottest read and
    a ModelSerializer builds its fields anew per row (tests/dispatch/test_api.py holds the
    two to the same output)."""
    ticket = order.ticket
    phone = ticket.caller_phone if ticket is not None else ""
    if phone and not selectors.is_assigned_crew_member(user=user, order=order):
        phone = mask_phone(phone)
    incident = getattr(order, "incident", None)
    return {
        "id": order.pk,
        "status": order.status,
        "ticket": ticket.number if ticket is not None else None,
        "incident": incident.pk if incident is not None else None,
        "station_code": order.station.code,
        "crew": order.crew.code if order.crew else None,
        "location": order.location,
        "brief": order.brief_text,
        "hazards": list(order.hazards),
        "important": order.important,
        "arrive_by": api_datetime(order.arrive_by),
        "restore_by": api_datetime(order.restore_by),
        "arrived_in_time": order.arrived_in_time,
        "cause": order.cause.code if order.cause else None,
        "actions": order.actions,
        "return_reason": order.return_reason,
        "caller_phone": phone,
        "customer_name": ticket.customer.name if ticket and ticket.customer else "",
        **{stamp: api_datetime(getattr(order, stamp)) for stamp in STAMPS},
    }


# --- Filters --------------------------------------------------------------------


class WorkOrderFilter(django_filters.FilterSet):
    """`status` and `station` (code). A station role is already held to its own
    station by the selector, so `station` only narrows what centre roles see."""

    status = django_filters.ChoiceFilter(choices=WorkOrder.Status.choices)
    station = django_filters.CharFilter(field_name="station__code")

    class Meta:
        model = WorkOrder
        fields = ["status", "station"]


# --- Schema pieces shared by the steps ----------------------------------------

STEP_ERRORS = {
    400: OpenApiResponse(
        ERROR_REFERENCE, description=_("Bad input: a list of messages per field.")
    ),
    403: OpenApiResponse(ERROR_REFERENCE, description=_("Your role may not take this step.")),
    404: OpenApiResponse(ERROR_REFERENCE, description=_("No such work order in your scope.")),
    409: OpenApiResponse(
        ERROR_REFERENCE,
        description=_("The order's state (or its crew) does not allow the step; nothing changed."),
        examples=[
            OpenApiExample(
                "Wrong state",
                value={
                    "action": [
                        "Work order 42 is Waiting for a crew: this step is not possible now."
                    ]
                },
            )
        ],
    ),
}
READ_ERRORS = {
    403: OpenApiResponse(ERROR_REFERENCE, description=_("Agents and department handlers get 403.")),
}


def _step_schema(summary: str | Promise, form: type[forms.Form] | None = None, **kw: Any):
    """The step's schema; its request body is the step form's (config/formschema.py)."""
    return extend_schema(
        summary=summary,
        request=form_serializer(form) if form else None,
        responses={200: WorkOrderOutput, **STEP_ERRORS},
        **kw,
    )


# --- The viewset ----------------------------------------------------------------


class WorkOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Work orders within the caller's station; each step is a POST, never a PATCH."""

    permission_classes = [
        role_permission(Role.DISPATCHER, Role.CREW, Role.SUPERVISOR, Role.MANAGER)
    ]
    serializer_class = WorkOrderOutput
    filterset_class = WorkOrderFilter
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[WorkOrder]:
        # `incident` is the reverse one-to-one repairs.Incident.work_order; joined
        # here so the list stays at a constant number of queries.
        return selectors.work_order_list_for_user(user=self.request.user).prefetch_related(
            "incident"
        )

    @extend_schema(
        summary=_("Work orders in your scope, earliest arrival deadline first"),
        responses={200: WorkOrderOutput(many=True), **READ_ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates (settings.REST_FRAMEWORK)
        return self.get_paginated_response(
            [work_order_data(order, user=self.request.user) for order in page]
        )

    @extend_schema(
        summary=_("One work order"),
        responses={
            200: WorkOrderOutput,
            **READ_ERRORS,
            404: STEP_ERRORS[404],
        },
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = selectors.work_order_get_for_user(user=self.request.user, pk=kwargs["pk"])
        return self._output(order)

    @_step_schema(
        _("Dispatcher, supervisor: assign an on-duty crew of the station"),
        AssignForm,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._step(request, pk, "assign")

    @_step_schema(_("Crew: accept the order, or take an unassigned one of the station"))
    @action(detail=True, methods=["post"])
    def accept(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._step(request, pk, "accept")

    @_step_schema(_("Crew: set off for the site"))
    @action(detail=True, methods=["post"])
    def depart(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._step(request, pk, "depart")

    @_step_schema(_("Crew: on site; sets arrived_in_time and restore_by"))
    @action(detail=True, methods=["post"])
    def arrive(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._step(request, pk, "arrive")

    @_step_schema(
        _("Crew: complete with cause and actions; resolves the ticket"),
        CompleteForm,
        examples=[
            OpenApiExample(
                "Transformer fuse replaced",
                value={
                    "cause": "transformer_fuse",
                    "actions": "Replaced the blown drop-out fuse on T1, power back at 14:20.",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._step(request, pk, "complete")

    @_step_schema(
        _("Crew, dispatcher, supervisor: return the order to the queue; clears the crew"),
        ReasonForm,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._step(request, pk, "return")

    @extend_schema(
        methods=["GET"],
        summary=_("The order's photos that you may read, oldest first"),
        responses={200: AttachmentOutput(many=True), **READ_ERRORS, 404: STEP_ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Crew of the order: add a photo, before or after the work"),
        request={"multipart/form-data": form_serializer(PhotoForm)},
        responses={201: AttachmentOutput, **STEP_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def attachments(self, request: AuthenticatedRequest, pk: str) -> Response:
        order = selectors.work_order_get_for_user(user=request.user, pk=pk)
        if request.method == "GET":
            photos = selectors.work_order_photos_for_user(user=request.user, order=order)
            page = self.paginate_queryset(photos.order_by("pk"))
            assert page is not None  # the API always paginates (settings.REST_FRAMEWORK)
            return self.get_paginated_response(AttachmentOutput(page, many=True).data)
        # As the steps: scope (404), role (403), the body (400), then the order's state (409).
        services.photo_role_check(order=order, actor=request.user)
        form = PhotoForm(data=request.data, files=request.FILES)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        attachment = services.work_order_photo_add(
            order=order, checked=form.cleaned_data["file"], facts=form.facts(), actor=request.user
        )
        return attachment_created(attachment)

    def _step(self, request: AuthenticatedRequest, pk: str, name: str) -> Response:
        # Scope first: an order outside the caller's station answers 404 before
        # the body is even read, so nothing about it leaks through a 400.
        order = selectors.work_order_get_for_user(user=request.user, pk=pk)
        # Then the role: a step the caller may not take answers 403, whatever the body.
        steps.work_order_role_check(actor=request.user, action=name)
        body = request.data if isinstance(request.data, Mapping) else {}
        form = STEP_FORMS[name](data=body, order=order)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        order = services.work_order_step(
            order=order, action=name, actor=request.user, data=form.cleaned_data
        )
        return self._output(order)

    def _output(self, order: WorkOrder) -> Response:
        return Response(work_order_data(order, user=self.request.user))
