from django.contrib import admin

from repairs.models import Incident, OutageNotice


@admin.register(OutageNotice)
class OutageNoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "starts_at", "ends_at", "reason", "late_notice", "cancelled_at"]
    list_filter = ["kind", "late_notice"]
    search_fields = ["reason", "feeders__code", "transformers__code"]
    autocomplete_fields = ["feeders", "transformers"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-mostly: incidents change state through the repairs services."""

    list_display = ["pk", "level", "feeder", "transformer", "station", "status", "etr"]
    list_filter = ["level", "status", "station"]
    list_select_related = ["feeder", "transformer", "station"]
    readonly_fields = ["status", "absorbed_into", "created_at", "acknowledged_at", "restored_at"]
    raw_id_fields = ["feeder", "transformer"]
