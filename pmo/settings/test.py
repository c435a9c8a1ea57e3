"""Settings for the test suite: real PostgreSQL and Redis from the environment, fast hashing."""

import tempfile
from pathlib import Path

from pmo.settings.base import *
from pmo.settings.environment import env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "test-only-not-a-secret")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_DATA_ALLOWED = True
# Files the tests write (Copil PDFs, logos) go to a folder of their own, never var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pilotage-test-media-"))
# A task enqueued on commit runs there and then; the worker test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
# Throttles still run (their cost is in the benchmark, which uses these settings) but never
# refuse: every test signs in as "pmo" or "pm" from 127.0.0.1 against one Redis. The
# throttling tests lower these themselves.
API_USER_RATE = "100000/minute"
API_ANON_RATE = "100000/minute"
LOGIN_FAILURE_LIMIT = 1000
LOGIN_IP_FAILURE_LIMIT = 1000
