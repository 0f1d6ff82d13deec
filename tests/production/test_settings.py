"""Production settings come from the environment: pool, Redis, S3 and what production refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

PG = "postgres://motcua:secret@db.example:5432/motcua"
PRODUCTION = {
    "MOTCUA_ENV": "production",
    "MOTCUA_SECRET_KEY": "a-long-random-production-secret",
    "MOTCUA_REDIS_URL": "redis://cache.example:6379/0",
    "DATABASE_URL": PG,
}


def test_the_embedded_default_needs_nothing_and_keeps_everything_in_process(load):
    settings = load()
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert not settings.CELERY_ENABLED
    assert settings.WHITENOISE_USE_FINDERS


def test_postgresql_has_no_pool_in_development_unless_asked(load):
    database = load(DATABASE_URL=PG).DATABASES["default"]
    assert "pool" not in database.get("OPTIONS", {})
    pooled = load(DATABASE_URL=PG, MOTCUA_DB_POOL_MAX="4", MOTCUA_DB_POOL_TIMEOUT="2.5")
    database = pooled.DATABASES["default"]
    pool = database["OPTIONS"]["pool"]
    assert {k: pool[k] for k in ("min_size", "max_size", "timeout")} == {
        "min_size": 1,
        "max_size": 4,
        "timeout": 2.5,
    }
    assert "check" not in pool  # Django passes check= itself; a second one is a TypeError
    # Our backend checks each connection it takes from the pool, by its socket first
    # (motcua.core.postgresql); Django's round-trip check stays off.
    assert database["ENGINE"] == "motcua.core.postgresql"
    assert database["CONN_HEALTH_CHECKS"] is False
    assert database["CONN_MAX_AGE"] == 0


def test_production_pools_connections_by_default_and_0_switches_the_pool_off(load):
    database = load(**PRODUCTION).DATABASES["default"]
    assert database["OPTIONS"]["pool"]["max_size"] == 10
    off = load(**PRODUCTION, MOTCUA_DB_POOL_MAX="0").DATABASES["default"]
    assert "pool" not in off.get("OPTIONS", {})


def test_the_pool_is_ignored_on_sqlite(load):
    database = load(MOTCUA_DB_POOL_MAX="5").DATABASES["default"]
    assert "pool" not in database["OPTIONS"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MOTCUA_DB_POOL_MAX": "many"}, "MOTCUA_DB_POOL_MAX must be a whole number"),
        ({"MOTCUA_DB_POOL_MAX": "2", "MOTCUA_DB_POOL_MIN": "3"}, "MOTCUA_DB_POOL_MIN"),
        ({"MOTCUA_DB_POOL_MAX": "2", "MOTCUA_DB_POOL_TIMEOUT": "0"}, "MOTCUA_DB_POOL_TIMEOUT"),
        ({"MOTCUA_DB_POOL_TIMEOUT": "soon"}, "MOTCUA_DB_POOL_TIMEOUT must be a number"),
        ({"MOTCUA_OUTBOX_CLAIM_SECONDS": "-1"}, "MOTCUA_OUTBOX_CLAIM_SECONDS"),
    ],
)
def test_a_bad_value_stops_the_start_with_its_name(load, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load(DATABASE_URL=PG, **env)


def test_redis_carries_the_cache_sessions_and_celery(load):
    settings = load(MOTCUA_REDIS_URL="redis://127.0.0.1:6390/2")
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6390/2"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert settings.CELERY_ENABLED
    assert settings.CELERY_BROKER_URL == "redis://127.0.0.1:6390/2"
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_production_refuses_to_start_without_redis(load):
    without = {name: value for name, value in PRODUCTION.items() if name != "MOTCUA_REDIS_URL"}
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_REDIS_URL must be set"):
        load(**without)


def test_production_serves_hashed_static_files_collected_beforehand(load):
    settings = load(**PRODUCTION)
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith(
        "CompressedManifestStaticFilesStorage"
    )
    assert not settings.WHITENOISE_USE_FINDERS


def test_a_bucket_puts_uploads_on_s3_compatible_storage(load):
    settings = load(
        MOTCUA_S3_BUCKET="ho-so",
        MOTCUA_S3_ENDPOINT_URL="https://s3.example.vn",
        MOTCUA_S3_REGION="hn-1",
        MOTCUA_S3_ACCESS_KEY_ID="key",
        MOTCUA_S3_SECRET_ACCESS_KEY="secret",
        MOTCUA_S3_PREFIX="/motcua/",
    )
    storage = settings.STORAGES["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "ho-so",
        "https://s3.example.vn",
        "hn-1",
    )
    assert (options["access_key"], options["secret_key"], options["location"]) == (
        "key",
        "secret",
        "motcua",
    )


def test_django_builds_the_pool_from_these_settings_and_it_checks_connections(load):
    """The pool options must be ones Django can pass on: building the pool opens no connection."""
    from django.db.utils import ConnectionHandler

    database = load(**PRODUCTION).DATABASES["default"]
    handler = ConnectionHandler({"default": database})
    connection = handler["default"]
    try:
        pool = connection.pool
        assert pool.max_size == 10
        assert connection.get_new_connection.__module__ == "motcua.core.postgresql.base"
        assert pool._check is None  # the backend checks instead, without a round trip
    finally:
        connection.close_pool()


def test_signed_documents_point_at_the_public_site_not_at_loopback(load):
    assert load().PUBLIC_URL == "http://127.0.0.1:8000"
    hosts = {"MOTCUA_ALLOWED_HOSTS": "dichvucong.hanoi.gov.vn,10.0.0.5"}
    assert load(**PRODUCTION, **hosts).PUBLIC_URL == "https://dichvucong.hanoi.gov.vn"
    chosen = load(**PRODUCTION, **hosts, MOTCUA_PUBLIC_URL="https://dvc.hanoi.gov.vn/")
    assert chosen.PUBLIC_URL == "https://dvc.hanoi.gov.vn"
    assert load(**PRODUCTION).TSA_URL == "" and load().TSA_URL == "local"


def test_emails_and_sms_link_to_the_same_public_site_and_the_older_name_still_counts(load):
    hosts = {"MOTCUA_ALLOWED_HOSTS": "dichvucong.hanoi.gov.vn"}
    assert load(**PRODUCTION, **hosts).PUBLIC_URL == "https://dichvucong.hanoi.gov.vn"
    older = load(**PRODUCTION, **hosts, MOTCUA_SITE_URL="https://dvc.hanoi.gov.vn")
    assert older.PUBLIC_URL == "https://dvc.hanoi.gov.vn"
    assert not hasattr(older, "SITE_URL")


def test_an_empty_database_url_is_the_embedded_default(load):
    assert load(DATABASE_URL="").DATABASES == load().DATABASES


# --- Fail closed (docs/production.md, "What production refuses") ---------------------------


def payments_file(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "payments.yaml"
    path.write_text(text, encoding="utf-8")
    return {"MOTCUA_PAYMENTS_FILE": str(path)}


def test_production_turns_on_https_redirect_hsts_and_secure_cookies(load):
    settings = load(**PRODUCTION)
    assert settings.SECURE_SSL_REDIRECT
    assert settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$"]
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 3600
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS and not settings.SECURE_HSTS_PRELOAD
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.EMAIL_USE_TLS and not settings.EMAIL_USE_SSL
    development = load()
    assert not development.SECURE_SSL_REDIRECT and development.SECURE_HSTS_SECONDS == 0
    assert not hasattr(development, "SECURE_PROXY_SSL_HEADER")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MOTCUA_SECRET_KEY": "development-only-key-never-use-in-production"},
            "MOTCUA_SECRET_KEY is a development key",
        ),
        ({"MOTCUA_SECRET_KEY": "django-insecure-abc"}, "MOTCUA_SECRET_KEY is a development key"),
        ({"MOTCUA_DEBUG": "1"}, "MOTCUA_DEBUG is on"),
        ({"MOTCUA_ALLOWED_HOSTS": "*"}, "MOTCUA_ALLOWED_HOSTS lets any host"),
        ({"MOTCUA_BANK_WEBHOOK_SECRET": "sandbox-secret"}, "MOTCUA_BANK_WEBHOOK_SECRET"),
        ({"MOTCUA_EMAIL_USE_TLS": "0"}, "SMTP without TLS"),
        ({"MOTCUA_HSTS_SECONDS": "3600"}, "MOTCUA_HSTS_SECONDS is less than a year"),
        ({"MOTCUA_PUBLIC_URL": "http://dvc.example.vn"}, r"MOTCUA_PUBLIC_URL is not https"),
        ({"MOTCUA_NATIONAL_PORTAL_URL": "http://dvcqg.example"}, "MOTCUA_NATIONAL_PORTAL_URL"),
        ({"MOTCUA_TSA_URL": "http://tsa.example"}, "MOTCUA_TSA_URL is not https"),
        ({"MOTCUA_TSA_URL": "local"}, "development timestamp authority"),
        ({"MOTCUA_S3_BUCKET": "b", "MOTCUA_S3_ENDPOINT_URL": "http://s3"}, "MOTCUA_S3_ENDPOINT"),
        (
            {
                "MOTCUA_OIDC_CLIENT_ID": "motcua",
                "MOTCUA_OIDC_ISSUER": "https://sso.example",
                "MOTCUA_OIDC_AUTHORIZATION_ENDPOINT": "https://sso.example/authorize",
                "MOTCUA_OIDC_TOKEN_ENDPOINT": "http://sso.example/token",
                "MOTCUA_OIDC_USERINFO_ENDPOINT": "https://sso.example/userinfo",
                "MOTCUA_OIDC_JWKS_ENDPOINT": "https://sso.example/jwks",
            },
            "MOTCUA_OIDC_TOKEN_ENDPOINT is not https",
        ),
    ],
)
def test_production_refuses_development_shortcuts_and_plain_channels(load, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load(**{**PRODUCTION, **env})


def test_production_accepts_smtp_over_ssl_instead_of_starttls(load):
    settings = load(**PRODUCTION, MOTCUA_EMAIL_USE_SSL="1", MOTCUA_EMAIL_PORT="465")
    assert settings.EMAIL_USE_SSL and not settings.EMAIL_USE_TLS
    with pytest.raises(ImproperlyConfigured, match="exclude each other"):
        load(**PRODUCTION, MOTCUA_EMAIL_USE_SSL="1", MOTCUA_EMAIL_USE_TLS="1")


@pytest.mark.parametrize(
    ("payments", "message"),
    [
        (
            "'*': {vnpay: {tmn_code: A, secret_env: VNP, "
            "url: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html', "
            "api_url: 'https://vnpayment.vn/api'}}",
            r"\*.vnpay.url is a payment sandbox",
        ),
        (
            "'*': {vnpay: {tmn_code: A, secret_env: VNP, url: 'https://pay.vnpay.vn/p'}}",
            r"\*.vnpay.api_url is not set",
        ),
        (
            "'H26': {national: {partner_code: M, secret_env: VNP, "
            "url: 'https://dvc.example/hop-thu-thanh-toan/quoc-gia/init/', "
            "query_url: 'https://dvc.example/q'}}",
            r"H26.national.url is a payment sandbox",
        ),
        (
            "'H26': {national: {partner_code: M, secret_env: VNP, "
            "url: 'http://platform.example/init', query_url: 'https://platform.example/q'}}",
            r"H26.national.url is not https",
        ),
        (
            "'*': {national: {partner_code: M, secret: sandbox-secret, "
            "url: 'https://platform.example/init', query_url: 'https://platform.example/q'}}",
            r"\*.national.secret is the sandbox's public secret",
        ),
        (
            "'*': {national: {partner_code: M, secret_env: VNP, "
            "url: 'https://platform.example/init', query_url: 'https://platform.example/q'}}",
            r"\*.national.secret_env \(VNP\) is the sandbox's public secret",
        ),
    ],
)
def test_production_refuses_payment_sandboxes_plain_http_and_the_sandbox_secret(
    load, tmp_path, monkeypatch, payments, message
):
    env = {**PRODUCTION, **payments_file(tmp_path, payments), "VNP": "sandbox-secret"}
    with pytest.raises(ImproperlyConfigured, match=message):
        load(**env)


def test_a_real_gateway_is_accepted_and_its_page_may_receive_the_payment_form(load, tmp_path):
    payments = payments_file(
        tmp_path,
        "'*': {vnpay: {tmn_code: A, secret_env: VNP, url: 'https://pay.vnpay.vn/vpcpay.html', "
        "api_url: 'https://merchant.vnpay.vn/merchant_webapi/api/transaction'}}",
    )
    settings = load(
        **PRODUCTION, **payments, MOTCUA_CSP_FORM_ACTION="https://thanhtoan.dichvucong.gov.vn"
    )
    form_action = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
    assert form_action == [
        "'self'",
        "https://127.0.0.1",  # PUBLIC_URL: this site under the name its links use
        "https://pay.vnpay.vn",
        "https://thanhtoan.dichvucong.gov.vn",
    ]


def test_every_refusal_is_listed_at_once(load):
    with pytest.raises(ImproperlyConfigured) as refused:
        load(**PRODUCTION, MOTCUA_DEBUG="1", MOTCUA_EMAIL_USE_TLS="0")
    assert "MOTCUA_DEBUG" in str(refused.value) and "SMTP without TLS" in str(refused.value)
