from django.contrib import admin

from tickets.models import Callback, Ticket, TimelineEvent


class TimelineEventInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "note", "old_status", "new_status", "data"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CallbackInline(admin.TabularInline):
    """The callbacks made, as callback_record wrote them."""

    model = Callback
    extra = 0
    can_delete = False
    readonly_fields = ["result", "note", "actor", "at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the services, never through this form."""

    list_display = ["number", "kind", "status", "priority", "station", "urge_count", "created_at"]
    list_filter = ["kind", "status", "priority", "station"]
    list_select_related = ["station"]
    search_fields = ["number", "caller_phone", "customer__account_no", "customer__name"]
    readonly_fields = [
        "number",
        "kind",
        "status",
        "urge_count",
        "unreachable_count",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["customer", "premise", "created_by"]
    inlines = [CallbackInline, TimelineEventInline]
    date_hierarchy = "created_at"
