"""Settings for Shouhou, read from the environment (12-factor).

Safe by default: without `DJANGO_ENV=development` this is production — DEBUG off, SECRET_KEY and
CUSTOMER_LINK_SECRET required, HTTPS enforced (HSTS, SSL redirect, secure cookies, the proxy's
X-Forwarded-Proto trusted), the API schema behind login. `make demo`, `make run`, `make jobs` and
the tests set `DJANGO_ENV=development` themselves (SQLite in ./var, DEBUG on, development keys).
Production sets DATABASE_URL, SECRET_KEY, CUSTOMER_LINK_SECRET, ALLOWED_HOSTS, REDIS_URL; see
docs/deployment.md.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# "development" (also "demo", "test"): the README's commands on a developer's machine.
# Anything else, or nothing, is production.
DJANGO_ENV = env.str("DJANGO_ENV", default="production").strip().lower()
DEVELOPMENT = DJANGO_ENV in ("development", "dev", "demo", "test")

DEBUG = env.bool("DEBUG", default=DEVELOPMENT)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEVELOPMENT else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured(
        "SECRET_KEY must be set (or DJANGO_ENV=development on a developer's machine)"
    )
# Old keys still accepted for sessions and signatures while a rotation settles.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Customer links (callback feedback, order progress) are signed with their own key, so that a
# leaked or rotated SECRET_KEY neither forges nor breaks the links customers already hold.
CUSTOMER_LINK_SECRET = env.str(
    "CUSTOMER_LINK_SECRET", default="dev-only-customer-link-key" if DEVELOPMENT else ""
)
if not CUSTOMER_LINK_SECRET:
    raise environ.ImproperlyConfigured("CUSTOMER_LINK_SECRET must be set in production")
CUSTOMER_LINK_SECRET_FALLBACKS = env.list("CUSTOMER_LINK_SECRET_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "shouhou.core",
    "shouhou.org",
    "shouhou.workdays",
    "shouhou.customers",
    "shouhou.catalog",
    "shouhou.sales",
    "shouhou.staff",
    "shouhou.workorders",
    "shouhou.callbacks",
    "shouhou.promises",
    "shouhou.complaints",
    "shouhou.delivery",
    "shouhou.performance",
    "shouhou.notify",
    "shouhou.portal",
    "shouhou.frontdesk",
    "shouhou.dealers",
    "shouhou.parts",
    "shouhou.roster",
    "shouhou.lostfound",
    "shouhou.maintenance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # gzip for the API's JSON only (not the HTML pages: BREACH); outside every middleware that
    # writes a body, so it compresses the final answer. API_GZIP=false turns it off (a proxy in
    # front that compresses instead).
    "shouhou.core.compression.ApiGZipMiddleware",
    # Every error under /api/ in the JSON error shape; oversized bodies refused with 413.
    "shouhou.core.api_errors.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # What a language check found in a saved note (core.textcheck): a warning on the next page.
    "shouhou.core.textcheck.TextCheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "shouhou.core.middleware.OrganisationScopeMiddleware",
    "shouhou.core.middleware.DomainErrorMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shouhou.urls"
WSGI_APPLICATION = "shouhou.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shouhou.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shouhou.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server read while a job writes; a busy timeout instead of "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    # PostgreSQL. DB_POOL (production default): a psycopg pool per gunicorn worker, shared by
    # its threads; a request borrows a connection and gives it back at its end. Measured against
    # persistent connections (CONN_MAX_AGE=60 with health checks, one connection per thread; see
    # bench/README.md "Issue 26"). The pool's size is the worker's threads (GUNICORN_THREADS,
    # gunicorn.conf.py): a thread never waits for a connection, and workers × threads stays far
    # below max_connections. Without the pool: persistent connections, CONN_MAX_AGE seconds.
    # Development: neither, so test and live servers do not hold the test database open.
    DB_POOL = env.bool("DB_POOL", default=not DEVELOPMENT)
    # A broken connection is found on use (the pool drops it when it is given back); a health
    # check costs a round trip per request. CONN_HEALTH_CHECKS=true for a flaky network.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=not DB_POOL)
    if DB_POOL:
        _threads = env.int("GUNICORN_THREADS", default=4)
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool requires it
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=_threads),
            # A request that cannot get a connection in this time fails (500) rather than hang.
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
            # Connections are renewed after an hour and closed after 10 idle minutes.
            "max_lifetime": env.float("DB_POOL_MAX_LIFETIME", default=3600.0),
            "max_idle": env.float("DB_POOL_MAX_IDLE", default=600.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int(
            "CONN_MAX_AGE", default=0 if DEVELOPMENT else 60
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: a locked-out username/address is refused before the password is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Brute force (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked for AXES_COOLOFF_MINUTES, on the login page and on
# POST /api/v1/auth/token/ alike (429; JSON error shape on /api/). A success resets the count.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shouhou.core.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0 if DEVELOPMENT else 1)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

# API tokens expire API_TOKEN_TTL_HOURS after they were issued; POST /api/v1/auth/token/ then
# issues a new one, POST /api/v1/auth/token/rotate/ replaces a valid one early.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24 * 7)
# What a user may type into a free-text field (a work order's description, a comment).
SHOUHOU_TEXT_MAX_LENGTH = env.int("SHOUHOU_TEXT_MAX_LENGTH", default=5000)
# The daily report shows each section's first N rows (with its full count) on the page and in
# the API; the Excel file carries up to SHOUHOU_REPORT_EXPORT_ROWS per sheet.
SHOUHOU_REPORT_SECTION_ROWS = env.int("SHOUHOU_REPORT_SECTION_ROWS", default=200)
SHOUHOU_REPORT_EXPORT_ROWS = env.int("SHOUHOU_REPORT_EXPORT_ROWS", default=10_000)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# gzip for the API's JSON answers (shouhou.core.compression); off when a proxy compresses.
API_GZIP = env.bool("API_GZIP", default=True)
# Bodies beyond this answer 413/400 in the JSON error shape on /api/ (Django's own limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://")
    if not env.str("REDIS_URL", default="")
    else {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("REDIS_URL"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "shouhou.core.authentication.ExpiringTokenAuthentication",
    ],
    # JSON nested deeper than SHOUHOU_JSON_MAX_DEPTH is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "shouhou.core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "shouhou.core.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shouhou.core.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}

SHOUHOU_JSON_MAX_DEPTH = env.int("SHOUHOU_JSON_MAX_DEPTH", default=32)

# The OpenAPI schema and Swagger UI: for logged-in users unless API_DOCS_PUBLIC=true.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)
SPECTACULAR_SETTINGS = {
    "DEFAULT_GENERATOR_CLASS": "shouhou.core.schema.ScopedSchemaGenerator",
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if API_DOCS_PUBLIC
        else "rest_framework.permissions.IsAuthenticated"
    ],
    "SERVE_AUTHENTICATION": [
        "rest_framework.authentication.SessionAuthentication",
        "shouhou.core.authentication.ExpiringTokenAuthentication",
    ],
    "TITLE": "Shouhou API",
    "DESCRIPTION": "After-sales service management (售后服务管理)",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PaymentMethodEnum": "shouhou.sales.models.PaymentMethod",
        "ContractStatusEnum": "shouhou.sales.models.Contract.Status",
    },
}

# Background jobs: `manage.py runjobs` runs shouhou.jobs.JOBS in one process (embedded default);
# with REDIS_URL set, Celery beat runs the same functions across workers.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default="memory://"))
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
# A running job holds a lease of this many seconds, renewed by a heartbeat every third of it;
# a run whose lease ran out (its process died) is marked failed by the next runner or run.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=300)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shouhou@localhost")

# HTTPS: production defaults, each one switchable by env (e.g. a plain-HTTP intranet trial).
SECURE = not DEVELOPMENT
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE)
# Behind the documented reverse proxy (nginx sets X-Forwarded-Proto); empty to turn it off.
_proxy_header = env.list(
    "SECURE_PROXY_SSL_HEADER", default=["HTTP_X_FORWARDED_PROTO", "https"] if SECURE else []
)
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if len(_proxy_header) == 2 else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, or
# inline blocks carrying the per-request nonce; no inline event handlers, no eval, no framing.
# Inline style attributes (style="width: …") stay allowed: they cannot run code.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": [],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env.str("CSP_REPORT_URI")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The name in the page header; empty means the translated default (售后服务管理系统).
SHOUHOU_SITE_NAME = env.str("SHOUHOU_SITE_NAME", default="")
SHOUHOU_PUBLIC_URL = env.str(
    "SHOUHOU_PUBLIC_URL", default="http://localhost:8000"
)  # links in messages
