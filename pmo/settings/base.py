"""Settings shared by every environment; the others import these and adjust."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from pmo.settings.environment import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PILOTAGE_VAR_DIR", str(BASE_DIR / "var")))

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

ROOT_URLCONF = "pmo.urls"
WSGI_APPLICATION = "pmo.wsgi.application"
AUTH_USER_MODEL = "pmo.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tables2",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "pmo",
    "portfolio",
    "projects",
    "risks",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pmo.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who made a change, for the audit trail of governed records (pmo.history).
    "simple_history.middleware.HistoryRequestMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pmo.context_processors.navigation",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database: a SQLite file unless DATABASE_URL says otherwise
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pilotage.sqlite3'}"),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web, worker and beat share the file under `make run`: wait for locks, write-ahead log.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# ------------------------------------------------------------------------------
# Authentication
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "pmo.rules.RulesBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (pmo/throttling.py): this many failures for one username, or from one
# address, within the window lock them out for the window (seconds). The page and the
# API's token endpoint share the counters, kept in the cache.
LOGIN_FAILURE_LIMIT = int(env_str("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_IP_FAILURE_LIMIT = int(env_str("LOGIN_IP_FAILURE_LIMIT", "20"))
LOGIN_LOCKOUT_SECONDS = int(env_str("LOGIN_LOCKOUT_SECONDS", str(15 * 60)))
# Proxies in front of the app whose X-Forwarded-For is trusted to give the client's address
# (for the per-address limits); 0 takes the connection's address, which no client can forge.
NUM_PROXIES = int(env_str("NUM_PROXIES", "0"))

# ------------------------------------------------------------------------------
# Security headers, in every environment so that a page the policy breaks shows in
# development and in the browser tests. SecurityMiddleware sets the first three;
# pmo.middleware.SecurityHeadersMiddleware the policies.
# ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere (static/js holds them all); inline styles stay allowed, for the
# style attributes of the templates (bars, heat map cells) and htmx's indicator style.
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Directives replaced under a path prefix. The API docs (drf-spectacular's Swagger UI) start
# with an inline script; that page shows only the schema and takes no user input.
CSP_PATH_OVERRIDES = {"/api/docs/": {"script-src": ["'self'", "'unsafe-inline'"]}}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"

# ------------------------------------------------------------------------------
# Internationalisation: source strings in English, French first for the users
# ------------------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static and media files
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ------------------------------------------------------------------------------
# Cache: Redis when configured, so that every process of every machine shares it
# ------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Answers as an empty cache while Redis is away, rather than 500 everywhere: the
            # login and API throttles then let everyone through until it is back (pmo/cache.py).
            "BACKEND": "pmo.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pilotage",
            # A Redis that does not answer must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ------------------------------------------------------------------------------
# Celery: Redis when configured, otherwise a folder-based broker needing no server
# ------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    # The transport expects its folders; the worker, beat and web each may start first.
    for _folder in ("queue", "control", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken by a worker that died (killed, machine lost) goes back to the queue
        # this long after it was taken: past the hard time limit of a Copil pack, so a pack
        # still being made is never handed to a second worker, and before the reaper gives
        # its run up (reporting.services.reports.STALE_AFTER). Longer than the longest retry
        # countdown (10 min), which Redis also holds as unacknowledged.
        "visibility_timeout": int(
            env_str("CELERY_VISIBILITY_TIMEOUT", str(int(env_str("REPORT_TIME_LIMIT", "660")) + 30))
        ),
        # Look for such messages every 10 s (kombu's default is every 100 s).
        "unacked_restore_throttle": 1,
        # A broker that does not answer: "Generate now" says so quickly, the run stays queued.
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Copil packs: a generation is stopped past these (seconds; the soft limit lets it record
# why), and a PDF is attached to its email only up to this size (a link otherwise).
REPORT_SOFT_TIME_LIMIT = int(env_str("REPORT_SOFT_TIME_LIMIT", "600"))
REPORT_TIME_LIMIT = int(env_str("REPORT_TIME_LIMIT", "660"))
REPORT_ATTACHMENT_MAX_BYTES = int(env_str("REPORT_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024)))
# The largest file of cost entries the import page reads: a bigger one is refused next to the
# field before it is read, so that an upload cannot hold a worker or its memory.
IMPORT_MAX_BYTES = int(env_str("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# ------------------------------------------------------------------------------
# REST API
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pmo.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A token's scopes first (403 naming the missing one), then the account's rules.
    "DEFAULT_PERMISSION_CLASSES": [
        "pmo.api.permissions.TokenScopePermission",
        "pmo.api.permissions.RulePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "pmo.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pmo.api.exceptions.exception_handler",
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Rates read from the settings below at each request (pmo/throttling.py); 429 and
    # Retry-After past them.
    "DEFAULT_THROTTLE_CLASSES": [
        "pmo.throttling.UserRateThrottle",
        "pmo.throttling.AnonRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
}
# Calls a minute per user (an integration's token is its user's) and per anonymous address.
API_USER_RATE = env_str("API_USER_RATE", "1200/minute")
API_ANON_RATE = env_str("API_ANON_RATE", "60/minute")
# A BI integration pulls the whole portfolio of a large PMO (1,000 projects) in one request;
# list endpoints cost the same queries at any page size.
API_MAX_PAGE_SIZE = 1000

SPECTACULAR_SETTINGS = {
    "TITLE": "Pilotage API",
    "DESCRIPTION": (
        "Portfolio data for integrations: portfolios, programmes, objectives, projects, "
        "milestones, weekly statuses, the RAID log (risks, issues, actions, decisions) and "
        "change requests. Workflow steps are actions on a resource "
        "(`change-requests/{id}/approve/`); a step the state does not allow answers 409 with "
        "the reason. Authenticate with `Authorization: Token <key>`; obtain a key at "
        "`/api/v1/auth/token/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers (400, 401, 403, 404, 409, 429) documented where each can happen.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pmo.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PhaseEnum": "projects.choices.Phase",
        "RatingEnum": "projects.choices.Rating",
        # "status" and "state" mean different things per resource: name each set.
        "MilestoneStatusEnum": "projects.choices.MilestoneStatus",
        "ReportStateEnum": "projects.choices.ReportState",
        "RiskStatusEnum": "risks.choices.RiskStatus",
        "IssueStatusEnum": "risks.choices.IssueStatus",
        "ActionStatusEnum": "risks.choices.ActionStatus",
        "DecisionStateEnum": "risks.choices.DecisionState",
        "ChangeStateEnum": "risks.choices.ChangeState",
        "NatureEnum": "projects.choices.Nature",
        "CostCategoryEnum": "projects.choices.CostCategory",
        "CostKindEnum": "projects.choices.CostKind",
        "EntrySourceEnum": "projects.choices.EntrySource",
        "EacBasisEnum": "projects.choices.EacBasis",
        "ResourceKindEnum": "portfolio.choices.ResourceKind",
        # An issue's severity and an alert's are different scales.
        "SeverityEnum": "risks.choices.Severity",
        "AlertSeverityEnum": "reporting.choices.AlertSeverity",
        "AlertKindEnum": "reporting.choices.AlertKind",
        # A Copil pack's kind and a run's state, beside the other kinds and states.
        "ReportKindEnum": "reporting.choices.ReportKind",
        "RunStateEnum": "reporting.choices.RunState",
        "PackScopeTypeEnum": "reporting.api_packs.SCOPE_TYPES",
        # A scenario's forced choice (in, out).
        "ScenarioChoiceEnum": "projects.choices.ScenarioChoice",
        # Lessons learned: a lesson's "source" and a feedback's "state" beside the others.
        "KnowledgeAreaEnum": "projects.choices.KnowledgeArea",
        "LessonPolarityEnum": "projects.choices.LessonPolarity",
        "LessonSourceEnum": "projects.choices.LessonSource",
        "SuggestionStateEnum": "projects.choices.SuggestionState",
        # Stage gates: a review's decision; the phases a gate ends (a part of the phases).
        "GateDecisionEnum": "projects.choices.GateDecision",
        "GatePhaseEnum": "projects.selectors.gates.GATE_PHASE_CHOICES",
        # Intake and closure: a request's "state", a closure's objectives met.
        "RequestStateEnum": "projects.choices.RequestState",
        "ObjectivesMetEnum": "projects.choices.ObjectivesMet",
    },
}

# ------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "pmo/table.html"
DJANGO_TABLES2_PAGE_RANGE = 7

# ------------------------------------------------------------------------------
# Mail
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pilotage@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
# Emails carry absolute links: there is no request to build them from.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# ------------------------------------------------------------------------------
# Demo data (`manage.py seed_demo`): known passwords, so only where a setting allows it
# ------------------------------------------------------------------------------
DEMO_DATA_ALLOWED = False

# ------------------------------------------------------------------------------
# Logging
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint says every step of every page at INFO: its warnings are what matters.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
