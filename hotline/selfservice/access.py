"""Who is on a self-service page: the customer language by default, and the signed-in
customer (never a staff User) from the session."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation

from grid.models import Customer
from hotline.selfservice.signin import (
    SESSION_CUSTOMER,
    session_customer_end,
    session_customer_id,
)


def customer_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page in the customer language (GRIDLINE_CUSTOMER_LANGUAGE) unless the visitor
    chose one with the language switch (its cookie); a browser's Accept-Language is not a
    choice here, the customers' pages speak the customers' language first."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in {code for code, _name in settings.LANGUAGES}:
            translation.activate(settings.GRIDLINE_CUSTOMER_LANGUAGE)
            request.LANGUAGE_CODE = translation.get_language()
        return view(request, *args, **kwargs)

    return wrapped


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in customer's page: `request.customer` is theirs; anyone else (a staff
    user included) is sent to the self-service sign-in."""

    @customer_language
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        customer_id = session_customer_id(session=request.session, now=timezone.now())
        customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
        if customer is None:
            if request.session.get(SESSION_CUSTOMER) is not None:
                session_customer_end(session=request.session)  # expired: forget it
            return redirect("self:sign_in")
        request.customer = customer  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped
