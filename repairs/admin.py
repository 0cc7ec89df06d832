from django.contrib import admin

from repairs.models import Incident, IncidentPart, OutageNotice


@admin.register(OutageNotice)
class OutageNoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "starts_at", "ends_at", "reason", "late_notice", "cancelled_at"]
    list_filter = ["kind", "late_notice"]
    search_fields = ["reason", "feeders__code", "transformers__code"]
    autocomplete_fields = ["feeders", "transformers"]


class IncidentPartInline(admin.TabularInline):
    """A feeder incident's transformers, restored through the repairs services only."""

    model = IncidentPart
    extra = 0
    can_delete = False
    fields = readonly_fields = ("transformer", "restored_at", "restored_by", "cause", "cause_note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-mostly: incidents change state through the repairs services."""

    list_display = ["pk", "level", "feeder", "transformer", "station", "status", "source", "etr"]
    list_filter = ["level", "status", "source", "station"]
    list_select_related = ["feeder", "transformer", "station"]
    readonly_fields = [
        "status",
        "source",
        "absorbed_into",
        "created_at",
        "acknowledged_at",
        "restored_at",
        "declared_by",
        "premises_notified",
        "dismissed_at",
        "dismiss_reason",
    ]
    raw_id_fields = ["feeder", "transformer"]
    inlines = [IncidentPartInline]
