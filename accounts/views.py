from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import LanguageForm, LoginForm
from accounts.http import AuthenticatedHttpRequest
from accounts.services import user_language_set


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each role's start page: its own pages, as the navigation lists them."""
    return render(request, "accounts/home.html")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language selector: Django's set_language (the cookie, back to the page); a signed-in
    user's choice is also kept on the account, so every browser and every message follows it."""
    form = LanguageForm(request.POST)
    if request.user.is_authenticated and form.is_valid():
        user_language_set(user=request.user, language=form.cleaned_data["language"])
    return set_language(request)
