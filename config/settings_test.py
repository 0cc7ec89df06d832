"""Test settings: the real settings plus what only tests want (fast hashing, eager Celery)."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process after commit, except in tests that start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Each test process keeps its own cache: nothing (a login lock, say) leaks between tests
# through a shared Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Attachments go to a folder of this test process's own, removed when it ends.
_MEDIA = tempfile.mkdtemp(prefix="gridline-test-media-")
atexit.register(shutil.rmtree, _MEDIA, ignore_errors=True)
MEDIA_ROOT = Path(_MEDIA)  # noqa: F405
STORAGES["attachments"] = {  # noqa: F405
    "BACKEND": "config.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": _MEDIA},
}
