"""The deployment checklist passes with the production environment, and fails without it."""

import subprocess
import sys
from pathlib import Path

# The same variables as DEPLOY_CHECK_ENV in the Makefile; the key is a placeholder.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "deploy-check-placeholder-0123456789-abcdefghij-KLMNOPQRST",
    "DJANGO_ALLOWED_HOSTS": "gridline.example.com",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
}


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `check --deploy --fail-level WARNING` in a fresh interpreter with exactly this env."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={"PATH": "/usr/bin:/bin", "GRIDLINE_VAR_DIR": "/tmp/gridline-settings-test", **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )


def _settings(env: dict[str, str], expression: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print({expression})"],
        env={"PATH": "/usr/bin:/bin", "GRIDLINE_VAR_DIR": "/tmp/gridline-settings-test", **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_deploy_check_passes_with_the_production_environment():
    result = _deploy_check(PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_without_https_settings():
    result = _deploy_check({**PRODUCTION_ENV, "DJANGO_SECURE_COOKIES": "false"})

    assert result.returncode != 0
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


def test_production_sends_a_year_of_hsts_and_the_demo_none():
    production = _settings(PRODUCTION_ENV, "s.SECURE_HSTS_SECONDS")
    demo = _settings({"DJANGO_DEBUG": "true"}, "s.SECURE_HSTS_SECONDS")
    shorter = _settings(
        {**PRODUCTION_ENV, "DJANGO_SECURE_HSTS_SECONDS": "600"}, "s.SECURE_HSTS_SECONDS"
    )

    assert production == str(365 * 24 * 3600)
    assert demo == "0"
    assert shorter == "600"


def test_proxy_ssl_header_only_when_asked_for():
    behind_proxy = _settings(PRODUCTION_ENV, "s.SECURE_PROXY_SSL_HEADER")
    direct = _settings(
        {**PRODUCTION_ENV, "DJANGO_SECURE_PROXY_SSL_HEADER": "false"},
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)",
    )

    assert behind_proxy == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert direct == "None"


def test_responses_carry_the_security_headers(client):
    response = client.get("/accounts/login/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csrf_cookie = response.cookies["csrftoken"]
    assert csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"
