"""Gridline settings, read from the environment (README, "Production").

With nothing set, Gridline runs embedded: SQLite under var/, Celery on its
filesystem broker under var/, a local-memory cache. DATABASE_URL and REDIS_URL
switch on PostgreSQL and Redis. Product rules (DESIGN.md §3) are GRIDLINE_*
settings; code reads them at call time, never at import.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_float,
    env_int,
    env_int_map,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GRIDLINE_VAR_DIR", str(BASE_DIR / "var")))
# Local state of the embedded default and of beat (its schedule file); created on start.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false "
            "(set DJANGO_DEBUG=true for a local demo)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    # Gridline, bottom up (docs/architecture.md): an app imports only from the apps listed
    # before it here; tests/test_app_order.py holds the order.
    "grid",
    "accounts",
    "tickets",
    "dispatch",
    "repairs",
    "complaints",
    "hotline",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale: its message is in the reader's language.
    "config.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: a signed-in user's chosen language beats the cookie.
    "accounts.middleware.UserLanguageMiddleware",
    # A machine account's session gets no page (DESIGN §1).
    "accounts.middleware.MachineAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "tickets.context_processors.notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# Embedded default: one SQLite file in WAL mode, so the web server and the
# Celery worker can read while the other writes.

_SQLITE_URL = f"sqlite:///{VAR_DIR / 'gridline.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _SQLITE_URL)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Goes on without the cache while Redis is down (config/cache.py); the short
            # timeouts keep a Redis that does not answer from holding up every request.
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND: str | None = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, int | str | bool] = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Celery's filesystem transport: the embedded worker needs no broker service.
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)

CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "celery.beat:PersistentScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth -------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Django's backend, refusing a locked-out (username, address) pair: see the security section.
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("GRIDLINE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders in DEBUG

# --- Files (DESIGN §3.14: field evidence) -----------------------------------
# Attachments are private: no URL serves MEDIA_ROOT (there is no MEDIA_URL route, and
# WhiteNoise serves STATIC_ROOT only); every download goes through a view that applies the
# ticket's scope (tickets/attachments.py). Local files by default, under var/media;
# GRIDLINE_ATTACHMENT_STORAGE=s3 keeps them in an S3-compatible bucket instead (README,
# "Production"), with the credentials boto3 finds itself (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role).
MEDIA_ROOT = Path(env_str("GRIDLINE_MEDIA_ROOT", str(VAR_DIR / "media")))
_ATTACHMENT_STORAGE = env_str("GRIDLINE_ATTACHMENT_STORAGE", "local")
if _ATTACHMENT_STORAGE == "local":
    _ATTACHMENTS: dict[str, Any] = {
        "BACKEND": "config.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
elif _ATTACHMENT_STORAGE == "s3":
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME must be set when GRIDLINE_ATTACHMENT_STORAGE is s3."
        )
    _ATTACHMENTS = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            # An S3-compatible store (MinIO, Ceph, a cloud's own) names its endpoint.
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # Keys under this prefix; never overwritten; no public link is ever made
            # (a URL, were one asked for, would be signed and expire).
            "location": env_str("GRIDLINE_ATTACHMENT_PREFIX", "gridline"),
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
else:
    raise ImproperlyConfigured(
        f"GRIDLINE_ATTACHMENT_STORAGE must be local or s3, not {_ATTACHMENT_STORAGE!r}."
    )
STORAGES = {
    "default": {"BACKEND": "config.storage.PrivateFileSystemStorage"},
    "attachments": _ATTACHMENTS,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (production: DJANGO_DEBUG=false) ------------------------------
# `manage.py check --deploy --fail-level WARNING` passes with the production
# environment (README, "Production"; `make lint` and tests/config/test_deploy_check.py
# run it). https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/

# Cookies only over HTTPS in production; the embedded demo is plain http://localhost.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: base.html hands htmx the token in hx-headers.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Redirect http:// to https:// where Django itself sees plain HTTP. Behind a TLS-terminating
# proxy, also set DJANGO_SECURE_PROXY_SSL_HEADER=true so that X-Forwarded-Proto: https counts
# as secure; only do so if the proxy overwrites that header on every request.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HSTS: a year in production, off in the demo (a browser would remember it for localhost).
# Browsers only honour it over HTTPS, so it is harmless on the embedded http:// server.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a commitment of the whole registered domain (hstspreload.org), the
# utility's decision rather than the application's: off unless asked for.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts from this site only (no inline scripts, no eval); styles may be inline.
CONTENT_SECURITY_POLICY = env_str(
    "GRIDLINE_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
# Error reports hide phone numbers (config/reporting.py) as well as secrets.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.reporting.ExceptionReporterFilter"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Login throttling (accounts/throttling.py): this many failed sign-ins for one username
# from one address lock that pair out for GRIDLINE_LOGIN_LOCKOUT_MINUTES. Other users
# behind the same office address, and the same user elsewhere, can still sign in.
GRIDLINE_LOGIN_FAILURE_LIMIT = env_int("GRIDLINE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
GRIDLINE_LOGIN_LOCKOUT_MINUTES = env_int("GRIDLINE_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Reverse proxies in front of Django that append to X-Forwarded-For (0: none, the client is
# REMOTE_ADDR). With one proxy, the client is the last address in that header.
GRIDLINE_PROXY_COUNT = env_int("GRIDLINE_PROXY_COUNT", 0)
# The longest URL (path and query string) a request may carry; longer ones answer 414.
# gunicorn.conf.py lets request lines up to 8190 bytes reach Django, so that the answer is
# this one, in the API's JSON, rather than gunicorn's own plain-text 400.
GRIDLINE_MAX_URL_LENGTH = env_int("GRIDLINE_MAX_URL_LENGTH", 4096, minimum=256)

# --- Email ------------------------------------------------------------------

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For django.core.mail.backends.filebased.EmailBackend.
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "gridline@localhost")

# --- REST API ---------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and not a machine account (accounts.access.IsStaff).
    "DEFAULT_PERMISSION_CLASSES": ["accounts.access.IsStaff"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "config.parsers.FormParser",
        "config.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gridline API",
    "DESCRIPTION": "Power-utility service hotline: customers, repairs, work orders, complaints.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.document_errors",
    ],
    # Several models have a `status` or `kind`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "TicketKindEnum": "tickets.models.Kind",
        "WorkOrderStatusEnum": "dispatch.models.WorkOrder.Status",
        "IncidentStatusEnum": "repairs.models.Incident.Status",
        "IncidentLevelEnum": "repairs.models.Incident.Level",
        "IncidentSourceEnum": "repairs.models.Incident.Source",
        "OutageNoticeKindEnum": "repairs.models.OutageNotice.Kind",
        "ComplaintStatusEnum": "complaints.models.Complaint.Status",
        "ComplaintCallbackResultEnum": "tickets.models.CallbackResult",
        "CrewStageEnum": "repairs.models.Stage",
        "AttachmentStageEnum": "tickets.models.Attachment.Stage",
    },
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GRIDLINE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Gridline product rules (DESIGN.md §3) ----------------------------------
# Every number here is a default from the design; each can be overridden by the
# environment variable of the same name.

# §3.2: crew on site within N minutes of the ticket's creation, by area type.
GRIDLINE_ARRIVAL_MINUTES = env_int_map(
    "GRIDLINE_ARRIVAL_MINUTES", {"urban": 45, "rural": 90, "remote": 120}
)
# §3.2: power restored within N minutes of the crew's arrival, by area type.
GRIDLINE_RESTORE_MINUTES = env_int_map(
    "GRIDLINE_RESTORE_MINUTES", {"urban": 180, "rural": 240, "remote": 240}
)

# Crews may take their station's unassigned work orders themselves (a storm
# night outruns the dispatcher); off: only what the dispatcher assigns.
GRIDLINE_CREW_TAKES_UNASSIGNED = env_bool("GRIDLINE_CREW_TAKES_UNASSIGNED", True)

# §3.3: outage correlation.
GRIDLINE_INCIDENT_MIN_REPORTS = env_int("GRIDLINE_INCIDENT_MIN_REPORTS", 3, minimum=2)
GRIDLINE_INCIDENT_WINDOW_MINUTES = env_int("GRIDLINE_INCIDENT_WINDOW_MINUTES", 30, minimum=1)
GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS = env_int(
    "GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS", 2, minimum=2
)
GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES = env_int(
    "GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES", 30, minimum=1
)
# §3.10: a report from a premise of an incident restored this many hours ago or less is a
# nested outage: dispatched as a new repair, linked to that incident.
GRIDLINE_NESTED_OUTAGE_HOURS = env_int("GRIDLINE_NESTED_OUTAGE_HOURS", 12, minimum=1)

# §3.4: outage notices.
GRIDLINE_PLANNED_NOTICE_DAYS = env_int("GRIDLINE_PLANNED_NOTICE_DAYS", 7, minimum=0)
GRIDLINE_TEMPORARY_NOTICE_HOURS = env_int("GRIDLINE_TEMPORARY_NOTICE_HOURS", 24, minimum=0)
# The language of messages to customers (SMS); staff pages follow each user's choice.
GRIDLINE_CUSTOMER_LANGUAGE = env_str("GRIDLINE_CUSTOMER_LANGUAGE", "zh-hans")
GRIDLINE_NOTICE_REMINDER_MINUTES = env_int("GRIDLINE_NOTICE_REMINDER_MINUTES", 30, minimum=1)
# A notice's window must be plausible (a mistyped year would publish an outage active at
# once): it starts at most this many days ago (a temporary outage noticed late) or ahead,
# and lasts at most GRIDLINE_NOTICE_MAX_DAYS.
GRIDLINE_NOTICE_MAX_PAST_DAYS = env_int("GRIDLINE_NOTICE_MAX_PAST_DAYS", 7, minimum=0)
GRIDLINE_NOTICE_MAX_AHEAD_DAYS = env_int("GRIDLINE_NOTICE_MAX_AHEAD_DAYS", 365, minimum=1)
GRIDLINE_NOTICE_MAX_DAYS = env_int("GRIDLINE_NOTICE_MAX_DAYS", 31, minimum=1)
# §3.3: an incident's ETR lies in the future, at most this many days ahead.
GRIDLINE_ETR_MAX_DAYS = env_int("GRIDLINE_ETR_MAX_DAYS", 30, minimum=1)
# §3.10: a new incident's default ETR is this many hours after the crew's expected arrival;
# callers are texted an ETR when it is first set and when it moves this many minutes or more
# from the one they were last told.
GRIDLINE_INCIDENT_DEFAULT_ETR_HOURS = env_int("GRIDLINE_INCIDENT_DEFAULT_ETR_HOURS", 2, minimum=0)
GRIDLINE_ETR_NOTIFY_MINUTES = env_int("GRIDLINE_ETR_NOTIFY_MINUTES", 30, minimum=1)
# §3.10: the caller of a single-premise repair gets an SMS with the ticket number when a
# crew has the order, when the crew sets off and when the work is done; each can be off.
GRIDLINE_REPAIR_SMS_DISPATCHED = env_bool("GRIDLINE_REPAIR_SMS_DISPATCHED", True)
GRIDLINE_REPAIR_SMS_DEPARTED = env_bool("GRIDLINE_REPAIR_SMS_DEPARTED", True)
GRIDLINE_REPAIR_SMS_DONE = env_bool("GRIDLINE_REPAIR_SMS_DONE", True)

# §3.12: how often one integration account (the IVR) may ask the outage lookup, in DRF's
# "N/period" form; over it the lookup answers 429 with Retry-After.
GRIDLINE_IVR_LOOKUP_RATE = env_str("GRIDLINE_IVR_LOOKUP_RATE", "600/min")
# §3.12: two-way SMS. A reply 1/仍停电/STILL OUT this many hours after a "power restored"
# text reports a nested outage; the customers' SMS name the hotline's number to call.
# Inbound messages are signed with GRIDLINE_SMS_GATEWAY_KEY (below).
GRIDLINE_SMS_STILL_OUT_HOURS = env_int("GRIDLINE_SMS_STILL_OUT_HOURS", 24, minimum=1)
GRIDLINE_HOTLINE_NUMBER = env_str("GRIDLINE_HOTLINE_NUMBER", "95598")
# §3.12: the self-service pages' sign-in: a code of this many digits, texted to the account's
# first mobile phone, valid this many minutes and for this many wrong tries; at most this many
# codes to one phone in an hour. A customer's session on those pages lasts this many minutes.
GRIDLINE_SELF_CODE_DIGITS = env_int("GRIDLINE_SELF_CODE_DIGITS", 6, minimum=4)
GRIDLINE_SELF_CODE_MINUTES = env_int("GRIDLINE_SELF_CODE_MINUTES", 5, minimum=1)
GRIDLINE_SELF_CODE_TRIES = env_int("GRIDLINE_SELF_CODE_TRIES", 5, minimum=1)
GRIDLINE_SELF_CODE_PER_HOUR = env_int("GRIDLINE_SELF_CODE_PER_HOUR", 3, minimum=1)
GRIDLINE_SELF_SESSION_MINUTES = env_int("GRIDLINE_SELF_SESSION_MINUTES", 30, minimum=1)

# §3.5: complaints and other ticket kinds.
GRIDLINE_COMPLAINT_CONTACT_HOURS = env_int("GRIDLINE_COMPLAINT_CONTACT_HOURS", 24, minimum=1)
GRIDLINE_COMPLAINT_REPLY_WORKING_DAYS = env_int_map(
    "GRIDLINE_COMPLAINT_REPLY_WORKING_DAYS",
    {"hotline": 4, "web": 4, "app": 4, "regulator_12398": 10},
)
GRIDLINE_COMPLAINT_REPLY_CALENDAR_DAYS = env_int_map(
    "GRIDLINE_COMPLAINT_REPLY_CALENDAR_DAYS", {"government_12345": 7, "other": 10}
)
GRIDLINE_REPORT_REPLY_WORKING_DAYS = env_int("GRIDLINE_REPORT_REPLY_WORKING_DAYS", 9, minimum=1)
GRIDLINE_SERVICE_REQUEST_REPLY_WORKING_DAYS = env_int(
    "GRIDLINE_SERVICE_REQUEST_REPLY_WORKING_DAYS", 5, minimum=1
)
GRIDLINE_RECONNECTION_REPLY_HOURS = env_int("GRIDLINE_RECONNECTION_REPLY_HOURS", 24, minimum=1)
GRIDLINE_OPINION_REPLY_WORKING_DAYS = env_int("GRIDLINE_OPINION_REPLY_WORKING_DAYS", 10, minimum=1)
GRIDLINE_CALLBACK_UNREACHABLE_LIMIT = env_int("GRIDLINE_CALLBACK_UNREACHABLE_LIMIT", 3, minimum=1)
# Summaries to management: weekly on GRIDLINE_SUMMARY_WEEKDAY (0=Sunday … 6=Saturday,
# cron style) and monthly on the 1st, both at GRIDLINE_SUMMARY_HOUR local time.
GRIDLINE_SUMMARY_HOUR = env_int("GRIDLINE_SUMMARY_HOUR", 8)
GRIDLINE_SUMMARY_WEEKDAY = env_int("GRIDLINE_SUMMARY_WEEKDAY", 1)
GRIDLINE_MANAGEMENT_EMAILS = env_list("GRIDLINE_MANAGEMENT_EMAILS", [])

# §3.6: escalation at these fractions of the allowed time: warning, overdue, management.
GRIDLINE_ESCALATION_WARNING_FRACTION = env_float("GRIDLINE_ESCALATION_WARNING_FRACTION", 0.8)
GRIDLINE_ESCALATION_OVERDUE_FRACTION = env_float("GRIDLINE_ESCALATION_OVERDUE_FRACTION", 1.0)
GRIDLINE_ESCALATION_MANAGEMENT_FRACTION = env_float("GRIDLINE_ESCALATION_MANAGEMENT_FRACTION", 1.5)
if not (
    0
    < GRIDLINE_ESCALATION_WARNING_FRACTION
    < GRIDLINE_ESCALATION_OVERDUE_FRACTION
    < GRIDLINE_ESCALATION_MANAGEMENT_FRACTION
):
    raise ImproperlyConfigured(
        "GRIDLINE_ESCALATION_*_FRACTION must rise: warning < overdue < management."
    )
GRIDLINE_DEADLINE_SCAN_SECONDS = env_int("GRIDLINE_DEADLINE_SCAN_SECONDS", 30, minimum=1)

# SMS: the default backend writes to the log; the outbox table keeps every message.
GRIDLINE_SMS_BACKEND = env_str("GRIDLINE_SMS_BACKEND", "tickets.sms.LogBackend")
# For tickets.sms.HttpGatewayBackend. The key also signs what the gateway posts to
# POST /api/v1/sms/inbound/ (X-Gridline-Signature, HMAC-SHA256): unset, every inbound
# message is refused (403).
GRIDLINE_SMS_GATEWAY_URL = env_str("GRIDLINE_SMS_GATEWAY_URL", "")
GRIDLINE_SMS_GATEWAY_KEY = env_str("GRIDLINE_SMS_GATEWAY_KEY", "")
# A message claimed this long ago and still unsent was lost with its worker: claim it again.
# How often beat sweeps the outbox for rows whose on-commit kick was lost or whose
# retry time has come.
GRIDLINE_OUTBOX_SWEEP_SECONDS = env_int("GRIDLINE_OUTBOX_SWEEP_SECONDS", 60, minimum=1)
GRIDLINE_OUTBOX_RECLAIM_MINUTES = env_int("GRIDLINE_OUTBOX_RECLAIM_MINUTES", 10, minimum=1)
# How long an Idempotency-Key's first answer is kept for retries.
GRIDLINE_IDEMPOTENCY_HOURS = env_int("GRIDLINE_IDEMPOTENCY_HOURS", 24, minimum=1)
GRIDLINE_OUTBOX_MAX_ATTEMPTS = env_int("GRIDLINE_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)

# §3.14: field evidence. A file may be this large (10 MiB) and a ticket (or an incident's
# work order) may keep this many; an image may hold this many pixels (a bigger one would take
# the web process's memory to decode). When REQUIRED is on, a work order is completed only
# once its crew has added an "after" photo.
GRIDLINE_ATTACHMENT_MAX_BYTES = env_int("GRIDLINE_ATTACHMENT_MAX_BYTES", 10_485_760, minimum=1)
GRIDLINE_ATTACHMENTS_PER_TICKET = env_int("GRIDLINE_ATTACHMENTS_PER_TICKET", 20, minimum=1)
GRIDLINE_ATTACHMENT_MAX_PIXELS = env_int("GRIDLINE_ATTACHMENT_MAX_PIXELS", 50_000_000, minimum=1)
GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED = env_bool(
    "GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED", False
)

# DESIGN §3.15, the telephony's ring pops the caller in the agent's console within 2 seconds:
# the console asks every N seconds (a cheap question, answered 204 while nothing changed).
GRIDLINE_CONSOLE_RING_POLL_SECONDS = env_int("GRIDLINE_CONSOLE_RING_POLL_SECONDS", 1, minimum=1)
# §3.10: the crew's list and every bell update themselves: each asks this often, and an
# answer that finds nothing new is a 204 after one indexed query.
GRIDLINE_CREW_LIST_POLL_SECONDS = env_int("GRIDLINE_CREW_LIST_POLL_SECONDS", 10, minimum=1)
GRIDLINE_BELL_POLL_SECONDS = env_int("GRIDLINE_BELL_POLL_SECONDS", 15, minimum=1)

# Issue #8, the supervisors' dashboard: it polls every N seconds; the daily rollup behind its
# trends recounts the last RECENT days every REFRESH seconds and the last SETTLE days nightly
# (complaints are judged and called back weeks after they arrive).
GRIDLINE_DASHBOARD_POLL_SECONDS = env_int("GRIDLINE_DASHBOARD_POLL_SECONDS", 15, minimum=5)
# The dashboard's panels are counted at most this often per station, period and language,
# however many screens poll them (0: on every request).
GRIDLINE_DASHBOARD_CACHE_SECONDS = env_int("GRIDLINE_DASHBOARD_CACHE_SECONDS", 10, minimum=0)
GRIDLINE_DASHBOARD_MAX_RANGE_DAYS = env_int("GRIDLINE_DASHBOARD_MAX_RANGE_DAYS", 366, minimum=31)
GRIDLINE_ROLLUP_REFRESH_SECONDS = env_int("GRIDLINE_ROLLUP_REFRESH_SECONDS", 300, minimum=10)
GRIDLINE_ROLLUP_RECENT_DAYS = env_int("GRIDLINE_ROLLUP_RECENT_DAYS", 3, minimum=1)
GRIDLINE_ROLLUP_SETTLE_DAYS = env_int("GRIDLINE_ROLLUP_SETTLE_DAYS", 45, minimum=1)

# --- Celery beat (the schedule is code, reviewed like code) -----------------

# The deadline scan has a queue of its own, so a backlog of emails cannot delay it.
CELERY_TASK_ROUTES = {"tickets.tasks.scan_deadlines": {"queue": "scan"}}
CELERY_BEAT_SCHEDULE = {
    "idempotency_keys_expire": {
        "task": "tickets.tasks.idempotency_keys_expire",
        "schedule": crontab(minute=25),
    },
    # The deadline watch (DESIGN §3.6). A pass that could not start in time is dropped:
    # the next one does its work.
    "scan_deadlines": {
        "task": "tickets.tasks.scan_deadlines",
        "schedule": float(GRIDLINE_DEADLINE_SCAN_SECONDS),
        "options": {"queue": "scan", "expires": GRIDLINE_DEADLINE_SCAN_SECONDS},
    },
    # Send what the outbox holds: catches rows whose on-commit kick was lost.
    "outbox_send": {
        "task": "tickets.tasks.outbox_send",
        "schedule": float(GRIDLINE_OUTBOX_SWEEP_SECONDS),
        "options": {"expires": GRIDLINE_OUTBOX_SWEEP_SECONDS},
    },
    # Remind the customers of a notice GRIDLINE_NOTICE_REMINDER_MINUTES before it starts.
    "notice_reminders": {"task": "repairs.tasks.notice_reminders_send", "schedule": 60.0},
    # Prune expired browser sessions nightly (minute 15, hour 3: 03:15 every day).
    "sessions_clear": {
        "task": "accounts.tasks.sessions_clear",
        "schedule": crontab(minute=15, hour=3),
    },
    # The dashboard's daily rollup: recent days every few minutes, and the last
    # GRIDLINE_ROLLUP_SETTLE_DAYS nightly at 02:40 ("40 2 * * *").
    "rollup_refresh": {
        "task": "dashboards.tasks.rollup_refresh",
        "schedule": float(GRIDLINE_ROLLUP_REFRESH_SECONDS),
        "options": {"expires": GRIDLINE_ROLLUP_REFRESH_SECONDS},
    },
    "rollup_settle": {
        "task": "dashboards.tasks.rollup_settle",
        "schedule": crontab(minute=40, hour=2),
    },
    # Complaint summaries to management (DESIGN §3.5), of the week or month just ended:
    # minute 0, hour GRIDLINE_SUMMARY_HOUR, on day of week GRIDLINE_SUMMARY_WEEKDAY
    # (default "0 8 * * 1": Mondays at 08:00) and on the 1st ("0 8 1 * *").
    "complaint_summary_weekly": {
        "task": "complaints.tasks.complaint_summary_weekly",
        "schedule": crontab(
            minute=0, hour=GRIDLINE_SUMMARY_HOUR, day_of_week=GRIDLINE_SUMMARY_WEEKDAY
        ),
    },
    "complaint_summary_monthly": {
        "task": "complaints.tasks.complaint_summary_monthly",
        "schedule": crontab(minute=0, hour=GRIDLINE_SUMMARY_HOUR, day_of_month=1),
    },
}
