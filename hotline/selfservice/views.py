"""The self-service pages (DESIGN §3.12), made for a phone. Thin: form → service → page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import FieldErrors
from hotline.selfservice import selectors
from hotline.selfservice.access import customer_language, customer_required
from hotline.selfservice.forms import AccountForm, CodeForm, FaultForm
from hotline.selfservice.services import self_fault_report
from hotline.selfservice.signin import (
    SESSION_PENDING_ACCOUNT,
    session_customer_end,
    session_customer_start,
    sign_in_code_send,
    sign_in_code_verify,
)
from repairs.scripts import SAFETY_ADVICE, decision_script


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """A self-service page, with what the base and the sign-in pages show."""
    context = {
        "customer": getattr(request, "customer", None),
        "hotline_number": settings.GRIDLINE_HOTLINE_NUMBER,
        "code_minutes": settings.GRIDLINE_SELF_CODE_MINUTES,
        **context,
    }
    return render(request, f"hotline/self/{template}", context, status=status)


@require_http_methods(["GET", "POST"])
@customer_language
def sign_in(request: HttpRequest) -> HttpResponse:
    """The account number; a code is texted when the account is ours (the page never says)."""
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_no = form.cleaned_data["account_no"].strip()
        sign_in_code_send(account_no=account_no)
        request.session[SESSION_PENDING_ACCOUNT] = account_no
        return redirect("self:code")
    return _render(request, "sign_in.html", {"form": form}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@customer_language
def code(request: HttpRequest) -> HttpResponse:
    """The code from the SMS; a right one signs the customer in."""
    account_no = request.session.get(SESSION_PENDING_ACCOUNT)
    if not account_no:
        return redirect("self:sign_in")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            customer = sign_in_code_verify(
                account_no=account_no, code=form.cleaned_data["code"], now=now
            )
        except FieldErrors as errors:
            for message in errors.errors["code"]:
                form.add_error("code", message)
        else:
            session_customer_start(session=request.session, customer=customer, now=now)
            return redirect("self:home")
    if form.errors:
        status = 422
    return _render(request, "code.html", {"form": form}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session_customer_end(session=request.session)
    return redirect("self:sign_in")


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    """The customer's outages on their premises, and their tickets."""
    overview = selectors.customer_overview(
        customer=request.customer,  # type: ignore[attr-defined]
        now=timezone.now(),
        page=request.GET.get("page"),
    )
    return _render(request, "home.html", {"overview": overview})


@require_http_methods(["GET", "POST"])
@customer_required
def fault_report(request: HttpRequest) -> HttpResponse:
    """Report a fault: the triage questions, then what happens, the safety advice first."""
    customer = request.customer  # type: ignore[attr-defined]
    premises = selectors.customer_premises(customer=customer)
    form = FaultForm(request.POST or None, premises=premises)
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        created = self_fault_report(
            customer=customer,
            premise=form.premise,
            answers=form.answers(),
            description=form.cleaned_data["description"],
            now=now,
        )
        script = decision_script(
            created.decision,
            hazards=created.repair.hazards,
            arrive_by=created.repair.arrive_by,
            now=now,
            ticket_number=created.ticket.number,
        )
        safety = script[: len(created.repair.hazards)]
        return _render(
            request,
            "fault_done.html",
            {"created": created, "safety": safety, "lines": script[len(safety) :]},
        )
    return _render(
        request,
        "fault.html",
        {"form": form, "safety_advice": SAFETY_ADVICE.values()},
        status=422 if form.errors else 200,
    )
