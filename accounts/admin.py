from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import User

# The admin's sign-in shares the lockout of the login page (accounts/throttling.py).
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "station", "department", "is_active"]
    list_filter = ["role", "station", "department", "is_active"]
    list_select_related = ["station", "department"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        (_("Gridline"), {"fields": ["role", "station", "department", "language"]}),
    ]
