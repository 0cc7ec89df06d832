from django.contrib import admin

from dispatch.models import Crew, CrewMember


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
