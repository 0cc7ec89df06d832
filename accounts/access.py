"""Who may do what: role checks and station/department scoping, in one place.

Every view, selector and API viewset asks here; nothing else compares roles.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.permissions import BasePermission

from accounts.models import Role, User

# Roles that work across every station and department.
CENTRE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
# Roles confined to their own station.
STATION_ROLES = frozenset({Role.DISPATCHER, Role.CREW})
# Machine accounts: a token for the integration endpoints, never a page (DESIGN §1).
MACHINE_ROLES = frozenset({Role.INTEGRATION})


def is_machine(user: User) -> bool:
    return user.is_authenticated and not user.is_superuser and user.role in MACHINE_ROLES


def has_role(user: User, *roles: str) -> bool:
    """True if the user is signed in with one of the roles; an administrator has every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role == Role.ADMIN or user.is_superuser or user.role in roles


def role_required(*roles: str) -> Callable:
    """View decorator: sign in first, then 403 unless the user has one of the roles."""

    def decorator(view: Callable) -> Callable:
        signed_in = login_required(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    # A partial must not paste the login page into the page: go there.
                    back = request.htmx.current_url_abs_path or request.get_full_path()
                    return HttpResponseClientRedirect(redirect_to_login(back).url)
                return signed_in(request, *args, **kwargs)
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_permission(*roles: str) -> type[BasePermission]:
    """A DRF permission class that admits only the given roles (401 when signed out)."""

    class HasRole(BasePermission):
        def has_permission(self, request, view) -> bool:
            return has_role(request.user, *roles)

    HasRole.__name__ = "HasRole_" + "_".join(roles)
    return HasRole


class IsStaff(BasePermission):
    """The API's default: signed in as a person. A machine account is answered 403 by every
    endpoint that does not name its role (DESIGN §1: integration endpoints only)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not is_machine(user))


def scope_queryset(
    qs: QuerySet,
    user: User,
    *,
    station_field: str | None = "station",
    department_field: str | None = "department",
) -> QuerySet:
    """Rows the user may see: centre roles all, station roles their own station, handlers
    their own department.

    A model without a station (or department) link passes None for that field,
    and users scoped by it then see nothing of it.
    """
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser or user.role in CENTRE_ROLES:
        return qs
    if user.role in STATION_ROLES:
        if station_field is None or user.station_id is None:
            return qs.none()
        return qs.filter(Q(**{f"{station_field}_id": user.station_id}))
    if user.role == Role.HANDLER:
        if department_field is None or user.department_id is None:
            return qs.none()
        return qs.filter(Q(**{f"{department_field}_id": user.department_id}))
    return qs.none()


def ticket_scope(qs: QuerySet, user: User) -> QuerySet:
    """Tickets the user may read (DESIGN §1): the station or department scope, and then
    never a complaint for a station's dispatchers and crews, even one about their station;
    a crew only the tickets of its station's work orders.

    Names the ticket's fields by string: accounts sits below tickets and dispatch. The work
    orders are reached through the ticket's reverse relation, as dispatch reaches repairs.
    """
    qs = scope_queryset(qs, user)
    if not user.is_authenticated or user.is_superuser or user.role not in STATION_ROLES:
        return qs  # nothing at all for the signed-out: scope_queryset saw to it
    qs = qs.exclude(kind="complaint")
    if user.role == Role.CREW:
        orders = qs.model._meta.get_field("work_orders").related_model
        qs = qs.filter(
            Exists(orders.objects.filter(ticket_id=OuterRef("pk"), station_id=user.station_id))
        )
    return qs


# Roles whose work is calling customers back: they see phone numbers in full. Everyone
# else sees them masked (a crew sees its own order's caller in full: dispatch decides).
PHONE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.HANDLER})


def sees_phones(user: User) -> bool:
    return has_role(user, *PHONE_ROLES)
