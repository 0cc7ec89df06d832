from django.contrib import admin

from dispatch.models import CauseCode, Crew, CrewMember, WorkOrder


class CrewMemberInline(admin.TabularInline):
    model = CrewMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Crew)
class CrewAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "station", "on_duty"]
    list_filter = ["station", "on_duty"]
    search_fields = ["code", "name"]
    inlines = [CrewMemberInline]


@admin.register(CauseCode)
class CauseCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-only: work orders change through their steps, which write the timeline."""

    list_display = ["pk", "station", "status", "crew", "location", "arrive_by", "arrived_in_time"]
    list_filter = ["status", "station"]
    search_fields = ["location", "ticket__number"]
    list_select_related = ["station", "crew"]
    raw_id_fields = ["ticket", "crew"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
