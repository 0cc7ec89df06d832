from django.contrib import admin

from tickets.models import Attachment, Callback, Ticket, TimelineEvent


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


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """What was kept, by whom and when; read only. The file itself is served only through
    the scoped views (its storage makes no URL), and evidence is never edited or removed."""

    list_display = ["name", "ticket", "stage", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["stage", "content_type"]
    list_select_related = ["ticket", "uploaded_by"]
    search_fields = ["name", "ticket__number"]
    readonly_fields = [field.name for field in Attachment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
