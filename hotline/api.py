"""GET /api/v1/customers/ (DESIGN §5.2): the caller lookup the IVR/CTI and scripts use."""

from django.core.exceptions import NON_FIELD_ERRORS
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import role_permission
from accounts.models import Role
from config.api import api_datetime
from config.errors import FieldErrors
from config.formschema import form_serializer
from hotline import selectors
from hotline.forms import CustomerLookupForm
from tickets.models import Deadline, Ticket


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
