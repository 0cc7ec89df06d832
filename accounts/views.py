from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.forms import LoginForm
from accounts.http import AuthenticatedHttpRequest


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
