"""Settings for the test suite: real PostgreSQL and Redis from the environment, fast hashing."""

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
