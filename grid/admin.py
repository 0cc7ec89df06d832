from django.contrib import admin

from grid.models import Customer, CustomerPhone, Department, Feeder, Premise, Station, Transformer


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Feeder)
class FeederAdmin(admin.ModelAdmin):
    list_display = ["code", "station"]
    list_filter = ["station"]
    list_select_related = ["station"]
    search_fields = ["code"]


@admin.register(Transformer)
class TransformerAdmin(admin.ModelAdmin):
    list_display = ["code", "feeder"]
    list_select_related = ["feeder"]
    search_fields = ["code", "feeder__code"]
    autocomplete_fields = ["feeder"]


class CustomerPhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 0


class PremiseInline(admin.TabularInline):
    model = Premise
    extra = 0
    fields = ["meter_no", "address", "area_type", "important", "transformer"]
    autocomplete_fields = ["transformer"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["account_no", "name"]
    search_fields = ["account_no", "name", "phones__number"]
    inlines = [CustomerPhoneInline, PremiseInline]


@admin.register(Premise)
class PremiseAdmin(admin.ModelAdmin):
    list_display = ["meter_no", "address", "area_type", "important", "transformer", "customer"]
    list_filter = ["area_type", "important", "transformer__feeder__station"]
    list_select_related = ["transformer", "customer"]
    search_fields = ["meter_no", "address", "customer__account_no", "customer__name"]
    autocomplete_fields = ["transformer", "customer"]
