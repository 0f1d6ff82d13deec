"""Django settings for Một Cửa.

Every setting that differs between machines comes from an environment variable named
``MOTCUA_*`` (or ``DATABASE_URL``); docs/configuration.md lists them all, and a test fails
when one is added here without being documented there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.core.deployment import (
    DEVELOPMENT_SECRET_KEY,
    payment_page_origins,
    production_problems,
)

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "production" refuses the development shortcuts below; "development" is the default so that
# `make demo` works on a fresh machine without any configuration.
ENVIRONMENT = os.environ.get("MOTCUA_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("MOTCUA_DEBUG", default=False)
DATA_DIR = Path(os.environ.get("MOTCUA_DATA_DIR", str(Path.cwd() / "var")))

SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("MOTCUA_SECRET_KEY must be set when MOTCUA_ENV=production")
    # Public, in the source: a server reachable from elsewhere refuses to start with it
    # (motcua.core.deployment).
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", "")
# A refused form gets a page in Vietnamese, in the site's layout, with a way back.
CSRF_FAILURE_VIEW = "motcua.core.csrf.csrf_failure"

# Officers sign in with a second factor (TOTP). Only a demo may switch it off.
OFFICER_2FA_REQUIRED = env_bool("MOTCUA_OFFICER_2FA_REQUIRED", default=True)
if IS_PRODUCTION and not OFFICER_2FA_REQUIRED:
    raise ImproperlyConfigured("MOTCUA_OFFICER_2FA_REQUIRED cannot be off in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its `runserver` refuses to listen beyond loopback in development
    # (motcua.core.deployment) and replaces staticfiles' own, which it extends.
    "motcua.core",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "ninja",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "motcua.identity",
    "motcua.catalog",
    "motcua.waitroom",
    "motcua.dossiers",
    "motcua.feedback",
    "motcua.surveys",
    "motcua.documents",
    "motcua.payments",
    "motcua.audit",
    "motcua.reporting",
    "motcua.plans",
    "motcua.datacatalog",
    "motcua.opendata",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A client that wrote reads the primary for a few seconds; outside the session's saving.
    "motcua.core.replicas.PrimaryAfterWriteMiddleware",
    # Under /open311/ every refusal is the GeoReport v2 error list, even a 503 (docs/open311.md).
    "motcua.open311.middleware.Open311ErrorsMiddleware",
    # Under CKAN's addresses every refusal is CKAN's answer, even a 503 (docs/opendata.md).
    "motcua.ckan.middleware.CkanErrorsMiddleware",
    "motcua.core.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Sends portal visitors the platform cannot serve now to the waiting room, counts what it
    # serves; around admission control, whose refusals it sees (docs/overload.md).
    "motcua.waitroom.middleware.WaitingRoomMiddleware",
    # Before anything reads the session or the database (docs/overload.md).
    "motcua.core.admission.AdmissionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Who acts in this request (for the audit log), and every 403 recorded (docs/audit.md).
    "motcua.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication, OTP and messages: it signs out and says why (ASVS V3.3).
    "motcua.identity.sessions.SessionLimitMiddleware",
    # An account whose password an administrator set changes it before anything else (an
    # expired session is signed out first, above).
    "motcua.identity.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Pages and answers with personal data are never stored by browsers or proxies.
    "motcua.core.headers.NoStoreMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

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
            ],
        },
    }
]
# One accessible form renderer for every form (label, hint, error linked to the field).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

_default_db = f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}"
# An empty DATABASE_URL is no URL: the embedded default.
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# PostgreSQL through a bounded pool of connections per process (Django's psycopg pool): a
# request waits at most MOTCUA_DB_POOL_TIMEOUT seconds for one, then psycopg_pool.PoolTimeout is
# raised instead of the database being flooded with connections. Off by default outside
# production; 0 switches it off.
DB_POOL_MAX = env_int("MOTCUA_DB_POOL_MAX", 10 if IS_PRODUCTION else 0)
DB_POOL_MIN = env_int("MOTCUA_DB_POOL_MIN", 1)
DB_POOL_TIMEOUT = env_float("MOTCUA_DB_POOL_TIMEOUT", 5.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX > 0:
    if not 0 <= DB_POOL_MIN <= DB_POOL_MAX:
        raise ImproperlyConfigured("MOTCUA_DB_POOL_MIN must be between 0 and MOTCUA_DB_POOL_MAX")
    if DB_POOL_TIMEOUT <= 0:
        raise ImproperlyConfigured("MOTCUA_DB_POOL_TIMEOUT must be a positive number of seconds")
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
    # Each connection is checked as it leaves the pool, so that after a database restart a
    # dead connection is replaced instead of failing a request with a 503: by its socket
    # first, a round trip only when that shows trouble (motcua.core.postgresql; issue 18).
    # CONN_HEALTH_CHECKS would add Django's round-trip check (psycopg_pool's `check`) too.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": DB_POOL_MIN,
        "max_size": DB_POOL_MAX,
        "timeout": DB_POOL_TIMEOUT,
    }
# The hottest reads (the public lookup) as prepared statements, planned once per connection
# (motcua.core.compiled; issue 18). Every other statement is sent as before: Django binds its
# values client-side and PostgreSQL plans it each time. Off (0) behind a pooler that cannot
# keep prepared statements (PgBouncer before 1.21 in transaction mode).
DB_PREPARED = env_bool("MOTCUA_DB_PREPARED", default=True)
# psycopg prepares a statement of a server-binding cursor after this many runs; none of ours
# is run by one but those asked to prepare at once, so it only has to be a number (None turns
# preparing off altogether, Django's default).
PREPARE_THRESHOLD = 2**31 - 1 if DB_PREPARED else None
_POSTGRESQL_ENGINES = ("django.db.backends.postgresql", "motcua.core.postgresql")
if DATABASES["default"]["ENGINE"] in _POSTGRESQL_ENGINES:
    # Django's backend with the pool's socket check and timestamps read in C (issue 18).
    DATABASES["default"]["ENGINE"] = "motcua.core.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = PREPARE_THRESHOLD
# Streaming replicas of the primary (PostgreSQL), comma-separated URLs; empty: none, and
# nothing changes. Only views marked @replica_reads read them, and only a replica at most
# MOTCUA_REPLICA_MAX_LAG seconds behind (docs/adr/0018-read-replicas.md).
DATABASE_REPLICAS: list[str] = []
REPLICA_MAX_LAG = env_float("MOTCUA_REPLICA_MAX_LAG", 5.0)
REPLICA_RETRY_SECONDS = env_float("MOTCUA_REPLICA_RETRY_SECONDS", 10.0)
for _number, _url in enumerate(env_list("MOTCUA_DATABASE_REPLICA_URLS", ""), start=1):
    # The pooled primary runs on motcua.core.postgresql (the socket check above).
    if DATABASES["default"]["ENGINE"] not in _POSTGRESQL_ENGINES:
        raise ImproperlyConfigured("MOTCUA_DATABASE_REPLICA_URLS needs a PostgreSQL primary")
    _replica = dj_database_url.parse(_url)
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"replica {_number} is not a PostgreSQL URL: {_url!r}")
    # The primary's pool and checks, but a short wait: a replica that cannot give a
    # connection within a second is passed over for the primary, not waited for.
    for _setting in ("ENGINE", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if _setting in DATABASES["default"]:
            _replica[_setting] = DATABASES["default"][_setting]
    _options = _replica.setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", 2)
    _options["prepare_threshold"] = PREPARE_THRESHOLD
    if "pool" in DATABASES["default"].get("OPTIONS", {}):
        _pool = DATABASES["default"]["OPTIONS"]["pool"]
        _options["pool"] = {**_pool, "timeout": min(1.0, _pool["timeout"])}
    _replica["TEST"] = {"MIRROR": "default"}  # tests never create a database for it
    DATABASES[f"replica_{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_number}")
if REPLICA_MAX_LAG <= 0 or REPLICA_RETRY_SECONDS <= 0:
    raise ImproperlyConfigured("MOTCUA_REPLICA_MAX_LAG and _RETRY_SECONDS must be positive")
DATABASE_ROUTERS = ["motcua.core.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
# Every place a password is set runs these (docs/security/passwords.md): at least 12
# characters, not common, not all digits, not like the account's own details, and none of
# the guessable choices GuessablePasswordValidator knows (a phone, a birth date, "matkhau"…).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {"NAME": "motcua.identity.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "motcua.identity.validators.GuessablePasswordValidator"},
]
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"

# Citizens and businesses sign in on the portal with a phone or an email and a password, or
# through the national identity provider (VNeID via the national public-service portal) over
# OpenID Connect (mozilla-django-oidc, docs/adr/0007). Officers keep their usernames.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "motcua.identity.backends.PhoneOrEmailBackend",
    "motcua.identity.backends.NationalIdentityBackend",
]
# An empty client id switches the identity provider off: no button, its pages answer 404.
OIDC_RP_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("MOTCUA_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("MOTCUA_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("MOTCUA_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("MOTCUA_OIDC_JWKS_ENDPOINT", "")
# The provider's issuer identifier: every ID token's "iss" must be exactly this.
OIDC_OP_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "")
OIDC_RP_SIGN_ALGO = os.environ.get("MOTCUA_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile email phone")
OIDC_USE_PKCE = env_bool("MOTCUA_OIDC_USE_PKCE", default=True)
OIDC_AUTHENTICATION_CALLBACK_URL = "portal:oidc-callback"
OIDC_TIMEOUT = 10  # seconds for each call to the provider; a hung provider must not hang us
# Claim names to read, first non-empty wins: the OpenID standard names, then those of the
# national public-service portal's single sign-on.
OIDC_CLAIM_NAME = env_list("MOTCUA_OIDC_CLAIM_NAME", "name,HoVaTen")
OIDC_CLAIM_NATIONAL_ID = env_list("MOTCUA_OIDC_CLAIM_NATIONAL_ID", "national_id,SoDinhDanh,SoCMND")
OIDC_CLAIM_BIRTHDATE = env_list("MOTCUA_OIDC_CLAIM_BIRTHDATE", "birthdate,NgayThangNamSinh")
OIDC_CLAIM_PHONE = env_list("MOTCUA_OIDC_CLAIM_PHONE", "phone_number,SoDienThoai")
OIDC_CLAIM_EMAIL = env_list("MOTCUA_OIDC_CLAIM_EMAIL", "email,ThuDienTu")
_OIDC_ENDPOINTS = {
    "MOTCUA_OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
    "MOTCUA_OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
    "MOTCUA_OIDC_USERINFO_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    "MOTCUA_OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
    "MOTCUA_OIDC_ISSUER": OIDC_OP_ISSUER,
}
if OIDC_RP_CLIENT_ID and not all(_OIDC_ENDPOINTS.values()):
    _missing = ", ".join(name for name, value in _OIDC_ENDPOINTS.items() if not value)
    raise ImproperlyConfigured(f"MOTCUA_OIDC_CLIENT_ID is set but not {_missing}")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["motcua.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves the files `motcua collectstatic` wrote, under names carrying their
    # hash so browsers may keep them for good; development serves them from the source tree.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# Uploaded files on S3-compatible object storage (django-storages) when a bucket is named, so
# that every web node sees every file; otherwise on the filesystem under MOTCUA_DATA_DIR.
S3_BUCKET = os.environ.get("MOTCUA_S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MOTCUA_S3_REGION") or None,
            "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MOTCUA_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("MOTCUA_S3_PREFIX", "").strip("/"),
            "addressing_style": os.environ.get("MOTCUA_S3_ADDRESSING_STYLE") or None,
            # Names are random (dossiers.models._upload_path): no need to ask whether one exists.
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
        },
    }

# Electronic documents (docs/documents.md): signed PDFs, their public verification address,
# the signing keys per agency and the timestamp authority.
# In production, without it, the first of MOTCUA_ALLOWED_HOSTS over https: a QR code printed
# on a signed result must never point at this machine's loopback address.
_public_host = next((h.lstrip(".") for h in ALLOWED_HOSTS if h not in ("*", "testserver")), "")
# MOTCUA_SITE_URL is its older name (it set the links of emails and SMS alone).
PUBLIC_URL = (
    os.environ.get("MOTCUA_PUBLIC_URL")
    or os.environ.get("MOTCUA_SITE_URL")
    or (f"https://{_public_host}" if IS_PRODUCTION and _public_host else "http://127.0.0.1:8000")
).rstrip("/")
# Open data (docs/opendata.md): every URI of the DCAT catalogue and the CKAN-compatible API starts
# with this address (by default the public address), never with the request's Host.
OPENDATA_BASE_URL = os.environ.get("MOTCUA_OPENDATA_BASE_URL", "").rstrip("/") or PUBLIC_URL
# The city's data catalogue (docs/data-catalogue.md): the electronic ID of the coordinating
# department that reviews agencies' proposals (the demo's Sở Khoa học và Công nghệ).
DATA_COORDINATOR = os.environ.get("MOTCUA_DATA_COORDINATOR", "000.00.09.H26").strip()
# The place the open data covers (dct:spatial of the DCAT catalogue): GeoNames' Hà Nội unless a
# province names its own (docs/opendata.md, "DCAT").
OPENDATA_SPATIAL_URI = os.environ.get(
    "MOTCUA_OPENDATA_SPATIAL_URI", "https://sws.geonames.org/1581130/"
)
SIGNING_DIR = Path(os.environ.get("MOTCUA_SIGNING_DIR", str(DATA_DIR / "signing")))


def _signing_keys(path: str) -> dict[str, dict[str, str]]:
    """A mapping of agency codes (or "*") to settings, from a YAML or JSON file: which key signs
    for which agency (docs/documents.md), which payment providers collect for it
    (docs/payments.md)."""
    if not path:
        return {}
    import yaml

    with open(path, encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle) or {}
    if not isinstance(loaded, dict):
        raise ImproperlyConfigured(f"{path}: expected a mapping of agency codes to key settings")
    return loaded


SIGNING_KEYS = _signing_keys(os.environ.get("MOTCUA_SIGNING_KEYS_FILE", ""))
# Payment providers per agency (VietQR account, VNPay merchant, national platform); secrets are
# named by environment variable. Without a file, development uses the local sandbox.
PAYMENT_PROVIDERS = _signing_keys(os.environ.get("MOTCUA_PAYMENTS_FILE", ""))
# The bank's notifications of credits (VietQR transfers) are signed with this shared secret.
BANK_WEBHOOK_SECRET = os.environ.get("MOTCUA_BANK_WEBHOOK_SECRET", "")
# An RFC 3161 timestamp authority's URL; "local" stamps with the development authority of
# init_signing (the demo); empty for no timestamp.
TSA_URL = os.environ.get("MOTCUA_TSA_URL", "" if IS_PRODUCTION else "local")
SIGNING_CRLS = env_list("MOTCUA_SIGNING_CRLS", "")
# Root certificates a signature must chain to (PEM or DER files); by default the development
# root of init_signing. Production lists the national root CA (Ban Cơ yếu Chính phủ) here.
TRUSTED_ROOTS = env_list("MOTCUA_TRUSTED_ROOTS", "")
# The agency whose key signs the audit log's head each day (docs/audit.md); empty: the
# province's people's committee.
AUDIT_SIGNING_AGENCY = os.environ.get("MOTCUA_AUDIT_SIGNING_AGENCY", "")
# The approver's decision issues the signed result in the same transaction.
ISSUE_RESULTS = env_bool("MOTCUA_ISSUE_RESULTS", default=True)

# Redis holds what web nodes share: the cache (throttles, cached pages) and Celery's queue.
# Without it (the embedded default) the cache lives in each process and the periodic jobs and
# the outbox run in-process; production refuses that, since its web nodes must hold no state.
REDIS_URL = os.environ.get("MOTCUA_REDIS_URL", "")
if IS_PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured(
        "MOTCUA_REDIS_URL must be set when MOTCUA_ENV=production: web nodes keep no state of "
        "their own, and Celery needs it as its broker (see docs/production.md)"
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "motcua",
        }
    }
    # Sessions are read from the cache and written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery (motcua.celery) runs the outbox and the periodic jobs when Redis is there:
# `motcua worker` and `motcua beat`. Tasks are acknowledged after they ran, so a worker killed
# mid-task leaves its task to another; the outbox sweep retries whatever is still pending.
CELERY_ENABLED = bool(REDIS_URL)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds before Redis hands an unacknowledged task to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("MOTCUA_CELERY_VISIBILITY", 3600)}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connections around every task, and in a prefork
# child closes Django's connection pool itself: three new PostgreSQL connections a task, more
# work than the task (issue 18). Its own closing is put off (this many tasks); motcua.celery
# hands each task's connections back to the pool instead, dropping those that broke.
CELERY_DB_REUSE_MAX = 2**31 - 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- Overload behaviour (docs/overload.md) -------------------------------------------------
# Requests one process serves at once; more wait up to ADMISSION_WAIT_MS for a slot, then get
# 503 with Retry-After. Keep it at most the database pool's size; 0 turns the limit off.
MAX_INFLIGHT = env_int("MOTCUA_MAX_INFLIGHT", 8)
# Short: a waiting request holds a server thread, so a long wait makes every refusal slow and
# leaves fewer threads to refuse with (docs/overload.md, "Choosing the numbers").
ADMISSION_WAIT_MS = env_int("MOTCUA_ADMISSION_WAIT_MS", 10)
# Retry-After of a 503 is this many seconds plus up to as many again (spreads the retries).
RETRY_AFTER_SECONDS = env_int("MOTCUA_RETRY_AFTER_SECONDS", 5)
# Our own reverse proxies (nginx), IPs or CIDRs: only they may say who the client is with
# X-Forwarded-For (motcua.core.http.client_ip).
TRUSTED_PROXIES = env_list("MOTCUA_TRUSTED_PROXIES", "")
# Per-client limits, counted in the cache (shared by the nodes when it is Redis).
LOOKUP_PER_MINUTE = env_int("MOTCUA_LOOKUP_PER_MINUTE", 10)
SIGNIN_FAILURES_PER_ADDRESS = env_int("MOTCUA_SIGNIN_FAILURES_PER_ADDRESS", 20)
SUBMISSIONS_PER_MINUTE = env_int("MOTCUA_SUBMISSIONS_PER_MINUTE", 10)
UPLOADS_PER_MINUTE = env_int("MOTCUA_UPLOADS_PER_MINUTE", 30)
# Seconds the public catalogue and unit pages are kept for visitors not signed in; 0: never.
PAGE_CACHE_SECONDS = env_int("MOTCUA_PAGE_CACHE_SECONDS", 60)
# The waiting room (docs/overload.md, "The waiting room"): off with 0, a portal visitor
# refused by admission control is sent to /hang-cho/ instead of a bare 503.
WAITROOM = env_bool("MOTCUA_WAITROOM", True)
# Share of the measured capacity the room lets in, and the capacity (requests/s) assumed
# until it is measured; the requests an admitted visit makes (to turn requests into people).
WAITROOM_SHARE = env_float("MOTCUA_WAITROOM_SHARE", 0.75)
WAITROOM_START_RATE = env_float("MOTCUA_WAITROOM_START_RATE", 20.0)
WAITROOM_REQUESTS_PER_VISIT = env_int("MOTCUA_WAITROOM_REQUESTS_PER_VISIT", 10)
# A waiting ticket nobody checks for this long expires; an admitted one gives a pass this long.
WAITROOM_TICKET_MINUTES = env_int("MOTCUA_WAITROOM_TICKET_MINUTES", 10)
WAITROOM_PASS_MINUTES = env_int("MOTCUA_WAITROOM_PASS_MINUTES", 15)
# After an event's deadline, a ticket taken before it lets its holder submit while it is in
# the line and for this many hours after they were let in (then the exception ends).
WAITROOM_LATE_HOURS = env_int("MOTCUA_WAITROOM_LATE_HOURS", 24)
# Tickets one address may take without signing in, per MOTCUA_WAITROOM_TICKET_MINUTES (a
# script could otherwise push everybody back); signed-in people have one place each anyway.
WAITROOM_TICKETS_PER_ADDRESS = env_int("MOTCUA_WAITROOM_TICKETS_PER_ADDRESS", 20)
# Requests for the room's own pages one process serves at once, outside MAX_INFLIGHT.
WAITROOM_INFLIGHT = env_int("MOTCUA_WAITROOM_INFLIGHT", 2)
# nginx's log of the arrivals it stamped (deploy/nginx.conf, log_format motcua_arrival): read
# by every node, it gives those nginx turned away their places in the order it turned them
# away. Empty: places are given when the room's door is reached.
WAITROOM_ARRIVALS_LOG = os.environ.get("MOTCUA_WAITROOM_ARRIVALS_LOG", "")
# --- end of overload behaviour -------------------------------------------------------------

# --- Transport and browser security (docs/production.md, "HTTPS and security headers") -----
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# nginx terminates TLS and says so in X-Forwarded-Proto (deploy/nginx.conf sets it on every
# request, overwriting the client's): believed in production only, where the nodes listen on
# addresses nginx alone reaches.
if env_bool("MOTCUA_BEHIND_PROXY", default=IS_PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected to HTTPS, except the health check that load balancers and systemd
# ask over plain HTTP inside the network.
SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: browsers go straight to HTTPS for a year. deploy/nginx.conf sends the same header on
# its own answers; change both together. Preloading is a commitment browsers keep for months
# after it is withdrawn, so it is the operator's decision, off by default.
SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 365 * 24 * 3600 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("MOTCUA_HSTS_PRELOAD", default=False)
# `check --deploy` asks for preloading; not asking for it is the choice above, not an oversight.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Content-Security-Policy (django-csp): no inline script or style anywhere, so an injected
# <script> or style="" does nothing; pages may not be framed. Forms post to this site only,
# and to the gateways' payment pages the payment form is redirected to (browsers check
# form-action on redirects too): VNPay's from MOTCUA_PAYMENTS_FILE, others (the national
# platform's payment page) from MOTCUA_CSP_FORM_ACTION. PUBLIC_URL is this site under the name
# links are built with (the development sandbox's pages are there), which a visitor may not
# be using.
FORM_ACTION_ORIGINS = [
    PUBLIC_URL,
    *payment_page_origins(PAYMENT_PROVIDERS),
    *env_list("MOTCUA_CSP_FORM_ACTION", ""),
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *FORM_ACTION_ORIGINS],
    }
}

# Office hours of the one-stop desks, as "HH:MM-HH:MM" sessions; 1 working day = 8 hours.
OFFICE_HOURS = os.environ.get("MOTCUA_OFFICE_HOURS", "08:00-12:00,13:00-17:00")
# Dossiers received at or after this time are handed over on the next working day.
HANDOVER_CUTOFF = os.environ.get("MOTCUA_HANDOVER_CUTOFF", "15:00")

# Working days an applicant has to supply what a supplement request asks for, by default.
SUPPLEMENT_DAYS = int(os.environ.get("MOTCUA_SUPPLEMENT_DAYS", "5"))
# Days after a feedback answer in which a dislike becomes a request to reopen (docs/feedback.md).
FEEDBACK_REOPEN_DAYS = env_int("MOTCUA_FEEDBACK_REOPEN_DAYS", 5)
# The Decision 766 index (docs/index.md): a folder of the province's own configuration
# versions (YAML, read beside the shipped ones), and the rankings published every week, month
# and quarter ("<electronic ID of the parent>:<level>", comma-separated; default: communes and
# departments under each province's people's committee).
MOTCUA_INDEX_VERSIONS_DIR = os.environ.get("MOTCUA_INDEX_VERSIONS_DIR", "")
MOTCUA_RANKINGS = env_list("MOTCUA_RANKINGS", "")
# Largest file accepted per upload, in megabytes.
UPLOAD_MAX_MB = float(os.environ.get("MOTCUA_UPLOAD_MAX_MB", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(UPLOAD_MAX_MB * 1024 * 1024) + 1024 * 1024
# Hours an API bearer token (POST /api/v1/auth/token) stays valid.
API_TOKEN_HOURS = int(os.environ.get("MOTCUA_API_TOKEN_HOURS", "12"))
if not 1 <= API_TOKEN_HOURS <= 24 * 30:
    raise ImproperlyConfigured("MOTCUA_API_TOKEN_HOURS must be between 1 and 720")
# Seconds a web process keeps a token it has checked before checking it in the database again
# (motcua.api.auth): the longest a revocation made by another process takes to reach this one
# (the process that revokes forgets at once). 0 checks every call in the database.
API_TOKEN_CACHE_SECONDS = env_int("MOTCUA_API_TOKEN_CACHE_SECONDS", 10)
if not 0 <= API_TOKEN_CACHE_SECONDS <= 60:
    raise ImproperlyConfigured("MOTCUA_API_TOKEN_CACHE_SECONDS must be between 0 and 60")

# Session limits (motcua.identity.sessions): signed out after this long without a request,
# and this long after signing in whatever one does. Officers, staff and administrators get the
# first pair, citizens and businesses the second.
OFFICER_SESSION_IDLE_MINUTES = env_int("MOTCUA_OFFICER_SESSION_IDLE_MINUTES", 30)
OFFICER_SESSION_MAX_HOURS = env_int("MOTCUA_OFFICER_SESSION_MAX_HOURS", 12)
CITIZEN_SESSION_IDLE_MINUTES = env_int("MOTCUA_CITIZEN_SESSION_IDLE_MINUTES", 60)
CITIZEN_SESSION_MAX_HOURS = env_int("MOTCUA_CITIZEN_SESSION_MAX_HOURS", 24)
if min(OFFICER_SESSION_IDLE_MINUTES, OFFICER_SESSION_MAX_HOURS, CITIZEN_SESSION_IDLE_MINUTES,
       CITIZEN_SESSION_MAX_HOURS) < 1:  # fmt: skip
    raise ImproperlyConfigured("MOTCUA_*_SESSION_* limits must be at least 1")
# The cookie (and the stored session) outlive no session limit.
SESSION_COOKIE_AGE = 3600 * max(OFFICER_SESSION_MAX_HOURS, CITIZEN_SESSION_MAX_HOURS)

# The province this deployment serves (GSO code); the demo is Hà Nội.
PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "01")

OTP_TOTP_ISSUER = os.environ.get("MOTCUA_OTP_ISSUER", "Một Cửa")

# Notifications and the outbox (docs/outbox.md). Development keeps every email and SMS in files
# under DATA_DIR; production sends mail over SMTP and holds SMS until a gateway is configured.
EMAIL_BACKEND = os.environ.get(
    "MOTCUA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("MOTCUA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MOTCUA_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("MOTCUA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MOTCUA_EMAIL_HOST_PASSWORD", "")
# Production sends mail over TLS (STARTTLS on the submission port) unless told to use SSL.
EMAIL_USE_SSL = env_bool("MOTCUA_EMAIL_USE_SSL", default=False)
EMAIL_USE_TLS = env_bool("MOTCUA_EMAIL_USE_TLS", default=IS_PRODUCTION and not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("MOTCUA_EMAIL_USE_TLS and MOTCUA_EMAIL_USE_SSL exclude each other")
# Without a timeout a silent mail server would stall the delivery loop for good.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("MOTCUA_EMAIL_FROM", "Một Cửa <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = os.environ.get(
    "MOTCUA_SMS_BACKEND", "" if IS_PRODUCTION else "motcua.core.sms.FileSmsBackend"
)
NATIONAL_PORTAL_URL = os.environ.get("MOTCUA_NATIONAL_PORTAL_URL", "")
NATIONAL_PORTAL_TOKEN = os.environ.get("MOTCUA_NATIONAL_PORTAL_TOKEN", "")
NATIONAL_PORTAL_TIMEOUT = env_int("MOTCUA_NATIONAL_PORTAL_TIMEOUT", 10)
# Try each message right after its transaction commits; off leaves it to the delivery loop.
OUTBOX_DELIVER_ON_COMMIT = env_bool("MOTCUA_OUTBOX_DELIVER_ON_COMMIT", default=True)
# Seconds between two sweeps of the outbox, and how long a worker owns a message it is sending:
# after that it is presumed dead and the message is due again (longer than any channel timeout).
OUTBOX_SWEEP_SECONDS = env_float("MOTCUA_OUTBOX_SWEEP_SECONDS", 30.0)
OUTBOX_CLAIM_SECONDS = env_float("MOTCUA_OUTBOX_CLAIM_SECONDS", 300.0)
if OUTBOX_SWEEP_SECONDS <= 0 or OUTBOX_CLAIM_SECONDS <= 0:
    raise ImproperlyConfigured(
        "MOTCUA_OUTBOX_SWEEP_SECONDS and MOTCUA_OUTBOX_CLAIM_SECONDS must be positive"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    # Font subsetting and layout progress: dozens of lines for every signed PDF (fontTools
    # warns of every table it drops from a subset, which is what subsetting is for).
    "loggers": {
        **{name: {"level": "WARNING"} for name in ("weasyprint", "weasyprint.progress", "pyhanko")},
        "fontTools": {"level": "ERROR"},
    },
}

# Fail closed (motcua.core.deployment): production starts only without development shortcuts
# and with every connection that leaves the machine encrypted.
if IS_PRODUCTION and (_refused := production_problems(globals(), os.environ)):
    raise ImproperlyConfigured(
        "MOTCUA_ENV=production refuses this configuration (docs/production.md):\n  - "
        + "\n  - ".join(_refused)
    )
