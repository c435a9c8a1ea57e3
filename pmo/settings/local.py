"""Settings for `make run` on a developer's machine: debug on, mail printed to the console."""

from pmo.settings.base import *
from pmo.settings.environment import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# For `make run` only: a fixed key so that sessions survive a restart. Never used in production.
SECRET_KEY = env_str("SECRET_KEY", "local-development-only-not-a-secret")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# The SQLite file, the folder broker and media live here; make it on first use.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DEMO_DATA_ALLOWED = True
