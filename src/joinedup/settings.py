"""joinedup settings: one module, configured by environment variables.

JOINEDUP_ENV selects the posture: ``development`` (the default, used by ``make demo``),
``test`` or ``production`` (secure cookies, HSTS, a SECRET_KEY and ALLOWED_HOSTS required).
DEBUG is off unless ``DEBUG=1`` is set: Django's technical pages list every URL pattern and
setting, so even the demo shows the service's own error pages.
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from joinedup.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("JOINEDUP_VAR_DIR", str(PROJECT_DIR / "var")))

ENVIRONMENT = env_choice("JOINEDUP_ENV", "development", ("development", "test", "production"))
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    if PRODUCTION:
        return env_str("SECRET_KEY")
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    # Development and test only: a random key kept beside the SQLite database, so sessions
    # survive a restart without anyone committing a key.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _field_encryption_keys() -> list[str]:
    """Fernet keys for personal data encrypted at rest (bank details). The first encrypts;
    all decrypt, so a key can be rotated by putting the new one first."""
    raw = env_str("FIELD_ENCRYPTION_KEYS", "")
    if raw:
        return [k.strip() for k in raw.split(",") if k.strip()]
    if PRODUCTION:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS in production (Fernet keys, comma-separated).")
    from cryptography.fernet import Fernet

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "field_encryption_key"
    if not key_file.exists():
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return [key_file.read_text().strip()]


FIELD_ENCRYPTION_KEYS = _field_encryption_keys()


def _audit_checkpoint_key() -> str:
    """The key that signs audit checkpoints (HMAC-SHA256). Kept outside the database, so a
    database user who rewrites the audit trail and its chain heads cannot sign a checkpoint
    that agrees with them."""
    raw = env_str("AUDIT_CHECKPOINT_KEY", "")
    if raw:
        return raw
    if PRODUCTION:
        raise ImproperlyConfigured("Set AUDIT_CHECKPOINT_KEY in production (a long random secret).")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "audit_checkpoint_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


AUDIT_CHECKPOINT_KEY = _audit_checkpoint_key()
# Signed checkpoints of every audit chain head, one JSON line each, appended by
# `joinedup audit checkpoint`. Point it at append-only storage the database user cannot write.
# Tests get a fresh file per process: a checkpoint of one run's test database means nothing to
# the next.
AUDIT_CHECKPOINT_FILE = Path(
    env_str(
        "AUDIT_CHECKPOINT_FILE",
        str(
            Path(tempfile.mkdtemp(prefix="joinedup-audit-")) / "audit-checkpoints.jsonl"
            if ENVIRONMENT == "test"
            else VAR_DIR / "audit-checkpoints.jsonl"
        ),
    )
)
# Documents attached to records (a consultation's minutes, a union's counter-proposal): kept
# outside the database, named by their SHA-256 (core/attachments.py). Tests get a fresh
# directory per process.
ATTACHMENTS_DIR = Path(
    env_str(
        "JOINEDUP_ATTACHMENTS_DIR",
        tempfile.mkdtemp(prefix="joinedup-attachments-")
        if ENVIRONMENT == "test"
        else str(VAR_DIR / "attachments"),
    )
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in production.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "joinedup.core",
    "joinedup.partnership",
    "joinedup.audit",
    "joinedup.people",
    "joinedup.payroll",
    "joinedup.ledger",
    "joinedup.recharges",
    "joinedup.change",
    "joinedup.purchasing",
    "joinedup.businesscase",
    "joinedup.servicedesk",
    "joinedup.wellbeing",
    "joinedup.privacy",
    "joinedup.workspaces",
    "joinedup.bench",
    "joinedup.api",
    "joinedup.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "joinedup.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "joinedup.core.middleware.RequestIdMiddleware",
    # The country a request comes from, and the processor access gate's refusals, audited
    # outside the request's transaction (privacy/processor_access.py).
    "joinedup.privacy.middleware.ProcessorAccessMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "joinedup.partnership.middleware.PartnerContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A user who must pass (or set up) a second factor reaches nothing else until they have.
    "joinedup.web.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The API's JSON bodies: a NUL character is refused before PostgreSQL sees it.
    "joinedup.api.parsing.NulRefusingMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "joinedup.urls"
WSGI_APPLICATION = "joinedup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each web/<domain> package keeps its pages' templates beside its views.
        "DIRS": sorted((BASE_DIR / "web").glob("*/templates")),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "joinedup.web.context.current_partner",
            ],
        },
    },
]


# Persistent connections, one per process: each gunicorn worker (2 x cores + 1, sync, one
# request at a time), the background worker and any CLI command hold at most one, kept for
# DB_CONN_MAX_AGE seconds and health-checked before reuse. Size PostgreSQL's max_connections
# for workers + 2 per web host. (psycopg's pool would add nothing for one-thread workers.)
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 600)
# Milliseconds; 0 is no limit. Web requests get WEB_STATEMENT_TIMEOUT_MS (see core/db.py).
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 0)
WEB_STATEMENT_TIMEOUT_MS = env_int("WEB_STATEMENT_TIMEOUT_MS", 30_000)


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL", "")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "joinedup.sqlite3",
            # Kept open like PostgreSQL's: opening the file and running the PRAGMAs below for
            # every request cost about a millisecond of CPU each (bench pages).
            "CONN_MAX_AGE": DB_CONN_MAX_AGE,
            "OPTIONS": {
                # WAL lets readers carry on while a pay run writes; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
    if config["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must be postgres://… or sqlite://…")
    database: dict[str, Any] = dict(config)
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Background work (worker, CLI) by default has no statement timeout; joinedup.wsgi puts
        # the web one in place for the web processes (core/db.py).
        options = dict(database.get("OPTIONS") or {})
        options["options"] = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
        database["OPTIONS"] = options
    return database


DATABASES = {"default": _database()}
# PostgreSQL row-level security enforced on every partner-owned table (core/rls.py). Every path
# sets a partner or system context, and `make test` runs the PostgreSQL suite with it on as a
# role that owns no table; off by default until deployments opt in. Policies are installed
# after every migrate either way.
ROW_LEVEL_SECURITY = env_bool("JOINEDUP_ROW_LEVEL_SECURITY", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The ledger's covering indexes (INCLUDE columns) serve trial balances on PostgreSQL; SQLite
# builds them without the extra columns, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "partnership.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    # Hashing dominates test time otherwise; the real hasher is exercised in development.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PROJECT_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not PRODUCTION
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Outside production the files come from the finders; whitenoise still wants the folder.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Sign-in throttling (django-axes, see partnership/lockout.py): after LOGIN_FAILURE_LIMIT
# failures for one username, or from one address, sign-in is refused for
# LOGIN_LOCKOUT_MINUTES or until `joinedup unlock USERNAME`. Bearer tokens are not affected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout neither count again nor extend it: the cool-off runs from the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "joinedup.partnership.lockout.AuditedLockoutHandler"
AXES_LOCKOUT_CALLABLE = "joinedup.web.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "joinedup.partnership.lockout.client_ip"
AXES_VERBOSE = False
# A wrong second-factor code counts as a failed sign-in too: keep what was typed out of axes' logs.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# How many reverse proxies append to X-Forwarded-For in front of the app (0: none, trust
# REMOTE_ADDR). Per-address throttling needs the right number, or every user shares one address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# The second factor (django-otp; partnership/second_factor.py, web/second_factor.py): an
# authenticator app (TOTP, 6 digits, 30 seconds, one step either side) and single-use recovery
# codes. Wrong codes are throttled (1, 2, 4, 8… seconds after each, per device) and count as
# failed sign-ins towards the lockout above.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "joinedup")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_RECOVERY_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The largest document a clinician may attach to an occupational-health case (wellbeing/attachments.py).
# It is held encrypted in the database, a third larger again as a Fernet token.
OH_ATTACHMENT_MAX_BYTES = env_int("JOINEDUP_OH_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)

# Employees per batch of a pay-run calculation run by the worker: each batch is one transaction,
# so a worker that dies loses at most one batch's work (and recalculates the run on restart).
PAYRUN_BATCH_SIZE = env_int("JOINEDUP_PAYRUN_BATCH_SIZE", 5000, minimum=1)

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("JOINEDUP_TASKS_IMMEDIATE", default=ENVIRONMENT == "test")
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# What `joinedup worker` also runs every so many minutes, beside the queued tasks (core/worker.py):
# (name, a function of no arguments by its dotted path, minutes between runs; 0 turns it off).
SLA_WARNINGS_EVERY_MINUTES = env_int("JOINEDUP_SLA_WARNINGS_EVERY_MINUTES", 5)
OH_RETENTION_EVERY_MINUTES = env_int("JOINEDUP_OH_RETENTION_EVERY_MINUTES", 24 * 60)
PRIVACY_RETENTION_EVERY_MINUTES = env_int("JOINEDUP_PRIVACY_RETENTION_EVERY_MINUTES", 24 * 60)
# Ranges of records the system's retention run works at once on PostgreSQL, one connection each
# (privacy/retention.py): about the database server's spare cores.
PRIVACY_RETENTION_WORKERS = env_int("JOINEDUP_PRIVACY_RETENTION_WORKERS", 2, minimum=1)
WORKER_PERIODIC = [
    (
        "servicedesk sla-warnings",
        "joinedup.servicedesk.sla_warnings.scheduled_run",
        SLA_WARNINGS_EVERY_MINUTES,
    ),
    ("privacy sar-expiry", "joinedup.privacy.sar.scheduled_expiry", 60),
    # Roles an access review's nominated manager did not re-certify by its due date are removed
    # (privacy/access_review.py); a closed review is not touched again.
    ("privacy access-review-lapse", "joinedup.privacy.access_review.scheduled_lapse", 60),
    # Occupational-health cases whose retention has ended lose their content, once a day
    # (wellbeing/retention_runs.py); a run finds nothing left to do the second time.
    (
        "wellbeing retention-run",
        "joinedup.wellbeing.retention_runs.scheduled_run",
        OH_RETENTION_EVERY_MINUTES,
    ),
    # Payslips and tickets past their retention are anonymised, once a day (privacy/retention.py);
    # it calls occupational health's run too, which then finds nothing left to do.
    (
        "privacy retention-run",
        "joinedup.privacy.retention.scheduled_run",
        PRIVACY_RETENTION_EVERY_MINUTES,
    ),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Outgoing mail through Django's backend. SMTP is configured by EMAIL_HOST (with EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS); without it the service desk keeps its
# notifications in the app and sends no email (servicedesk/notifications.py). Another
# EMAIL_BACKEND (tests use Django's in-memory one) counts as configured.
EMAIL_CONFIGURED = bool(env_str("EMAIL_HOST", ""))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "joinedup@localhost")
# The site's address for links in emails ("https://joinedup.example.org"); empty: paths only.
SITE_URL = env_str("JOINEDUP_SITE_URL", "").rstrip("/")
# Service desk email: replies to a ticket's notification go to this mailbox (Reply-To), which
# `joinedup servicedesk poll-mailbox` reads over IMAP (SSL) or from a local Maildir.
SERVICEDESK_REPLY_TO = env_str("JOINEDUP_SERVICEDESK_REPLY_TO", "")
SERVICEDESK_IMAP_HOST = env_str("JOINEDUP_SERVICEDESK_IMAP_HOST", "")
SERVICEDESK_IMAP_PORT = env_int("JOINEDUP_SERVICEDESK_IMAP_PORT", 993, minimum=1)
SERVICEDESK_IMAP_USER = env_str("JOINEDUP_SERVICEDESK_IMAP_USER", "")
SERVICEDESK_IMAP_PASSWORD = env_str("JOINEDUP_SERVICEDESK_IMAP_PASSWORD", "")
SERVICEDESK_IMAP_FOLDER = env_str("JOINEDUP_SERVICEDESK_IMAP_FOLDER", "INBOX")
SERVICEDESK_MAILDIR = env_str("JOINEDUP_SERVICEDESK_MAILDIR", "")
# Subject-access exports (privacy/sar.py): a released export can be downloaded for this many days,
# then it is deleted and its download answers 410 Gone.
# The processor access gate's country of a request (privacy/access_country.py): the header the
# front proxy sets (e.g. CF-IPCountry; the proxy must set or strip it), or else the table of
# address ranges, CIDR -> ISO 3166-1 alpha-2, in a TOML file's [ranges] (its path here).
JOINEDUP_COUNTRY_HEADER = env_str("JOINEDUP_COUNTRY_HEADER", "")
JOINEDUP_COUNTRY_IP_RANGES = env_str("JOINEDUP_COUNTRY_IP_RANGES", "")

SAR_EXPORT_DAYS = env_int("JOINEDUP_SAR_EXPORT_DAYS", 30, minimum=1)
