"""Settings, driven by environment variables (see .env.example).

Development (`make run`) keeps its keys in a generated `.env`; tests use
`config.test_settings`. With DEBUG off the application refuses to start without its own
SECRET_KEY and PERSONAL_DATA_KEY.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
)
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")

# Resident ID numbers are encrypted at rest with this key (Fernet: 32 url-safe base64 bytes;
# make one with `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key()
# .decode())"`). Development and tests use the documented key below; production must set its
# own (`check --deploy` reports the development key) and keep it: data encrypted with a lost key
# cannot be read. PERSONAL_DATA_OLD_KEYS lists retired keys still accepted for reading.
DEVELOPMENT_PERSONAL_DATA_KEY = "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMDAwMDA="
PERSONAL_DATA_KEY = env("PERSONAL_DATA_KEY", default="")
PERSONAL_DATA_OLD_KEYS = env.list("PERSONAL_DATA_OLD_KEYS", default=[])
if not DEBUG and not (SECRET_KEY and PERSONAL_DATA_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY and PERSONAL_DATA_KEY must be set when DEBUG is off (see .env.example; "
        "`make run` writes a .env with new keys for development)."
    )
SECRET_KEY = SECRET_KEY or "development-only-insecure-key-do-not-deploy"
PERSONAL_DATA_KEY = PERSONAL_DATA_KEY or DEVELOPMENT_PERSONAL_DATA_KEY
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "rules",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "axes",
    "csp",
    "associations",
    "members",
    "activities",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "associations.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "associations.middleware.YearErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "reports.context_processors.inbox_badge",
            ],
        },
    },
]

# The embedded SQLite file is the default; production sets a postgres:// URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The catalog's wide aggregates trip PostgreSQL's JIT compiler, which costs more than it
    # saves at any scale measured (docs/deployment.md); sorts and hashes of a county's rows
    # fit in work_mem instead of spilling to disk.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", env("DATABASE_SESSION_OPTIONS", default="-c jit=off -c work_mem=32MB")
    )

# Report and dashboard reads may go to a streaming replica of the primary (reports.replica).
# Without DATABASE_REPLICA_URL the alias is the primary itself and is never used.
REPORTS_READ_FROM_REPLICA = bool(env("DATABASE_REPLICA_URL", default=""))
DATABASES["replica"] = {
    **(env.db("DATABASE_REPLICA_URL") if REPORTS_READ_FROM_REPLICA else DATABASES["default"]),
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS = ["reports.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "associations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): five wrong passwords for one account from one address lock
# that pair out for 15 minutes; a right password resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"

# Shared by the web processes and the task worker (job progress, rate limits): a directory on one
# machine by default, Redis (CACHE_URL=redis://127.0.0.1:6379/1) when there are several.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}")}

# Background jobs (imports, exports, PDFs, figure refreshes): the database queue by default
# (no extra server; `manage.py db_worker` runs it), or RQ on Redis for several machines
# (TASKS_BACKEND=rq, REDIS_URL; `manage.py rqworker --job-class django_tasks_rq.backend.Job
# default` runs it).
TASKS_BACKEND = env("TASKS_BACKEND", default="db")
TASKS = {
    "default": {
        "BACKEND": {
            "db": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
# A write queues a refresh of the stored figures it touches. False leaves the marks for a
# scheduled `manage.py refresh_figures` (a network so large that nightly is enough).
FIGURES_REFRESH_AFTER_WRITES = env.bool("FIGURES_REFRESH_AFTER_WRITES", default=True)
RQ_QUEUES = {"default": {"URL": env("REDIS_URL", default="redis://127.0.0.1:6379/2")}}

# Outgoing mail (the daily 待办 digest, `manage.py send_digests`): printed to the console unless
# EMAIL_URL names a server, e.g. smtp+tls://user:password@smtp.example.org:587 (django-environ);
# EMAIL_BACKEND, when set, overrides the backend alone.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="jishengxie@localhost")
# The address the mails' links start with (the site as users reach it).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Files with personal data (uploads awaiting confirmation, job results) live here, readable by
# the application's user only, never in the shared temporary directory or under MEDIA_ROOT.
PRIVATE_FILES_DIR = env.path("PRIVATE_FILES_DIR", default=BASE_DIR / "var" / "private")

# Large exports and imports stream; keep uploads on disk rather than in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

IMPORT_EXPORT_SKIP_ADMIN_LOG = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Sessions end after an hour without a request (every request renews the hour) and with the
# browser.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Served over HTTPS (HTTPS=True, the production setting): cookies only over TLS, redirects to
# https, HSTS for a year. Behind a reverse proxy that terminates TLS, set
# BEHIND_PROXY=True so the X-Forwarded-Proto header it sets is trusted.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only;
# the pages use no inline scripts or event handlers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
