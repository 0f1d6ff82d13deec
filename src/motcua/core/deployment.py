"""Fail closed: what production refuses, and what a server checks before others can reach it.

Two rules (docs/production.md, "What production refuses"):

- ``production_problems`` reads the finished settings of ``MOTCUA_ENV=production`` and lists
  every development shortcut or unprotected channel left in them (a public secret key, the
  payment sandbox, a provider reached over plain HTTP, SMTP without TLS); settings.py refuses
  to load while the list is not empty, so no process of a misconfigured production starts.
- ``start_refusal`` is asked by every server (``motcua serve``, ``motcua runserver``, and the
  WSGI application that gunicorn or granian load): a server listening on anything but loopback
  runs only with ``MOTCUA_ENV=production`` and none of the development secrets.

This module is imported by settings.py: it must not import Django's settings or any model.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

# settings.py's stand-in when MOTCUA_SECRET_KEY is not set (development only).
DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production"
# The shared secret of the local payment sandbox (payments.sandbox); public, in the source.
SANDBOX_SECRET = "sandbox-secret"
# Hosts of payment providers' public test systems: never where real fees are collected.
SANDBOX_HOSTS = ("sandbox.vnpayment.vn",)
# The local payment sandbox's own pages (motcua.urls).
SANDBOX_PATH = "/hop-thu-thanh-toan/"
# A VNPay configuration without these uses VNPay's sandbox (payments.providers, pending).
VNPAY_URLS = ("url", "api_url")
ONE_YEAR = 365 * 24 * 3600
# Where `motcua serve` tells the WSGI application which address its server listens on.
BIND_VARIABLE = "MOTCUA_BIND_HOST"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only; a name other than localhost is
    not (it may resolve to anything)."""
    host = host.strip().removeprefix("[").removesuffix("]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _urls(config: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every ``*url`` value in a provider's (nested) configuration, with where it is."""
    if isinstance(config, Mapping):
        for key, value in config.items():
            here = f"{where}.{key}"
            if isinstance(value, str) and str(key).endswith("url"):
                yield here, value
            else:
                yield from _urls(value, here)


def _secrets(config: Any, where: str, environ: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Every secret of a provider's configuration: inline (``secret``) or named by variable
    (``secret_env``), with where it is."""
    if isinstance(config, Mapping):
        for key, value in config.items():
            here = f"{where}.{key}"
            if isinstance(value, Mapping):
                yield from _secrets(value, here, environ)
            elif str(key).endswith("secret"):
                yield here, str(value)
            elif str(key).endswith("secret_env"):
                yield f"{here} ({value})", environ.get(str(value), "")


def _payment_problems(providers: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    problems = []
    for agency, entry in providers.items():
        for provider, config in (entry or {}).items():
            for key in VNPAY_URLS if provider == "vnpay" else ():
                if not (config or {}).get(key):
                    # Without it, payments.providers falls back to VNPay's public sandbox.
                    problems.append(f"MOTCUA_PAYMENTS_FILE {agency}.vnpay.{key} is not set")
        for where, url in _urls(entry, f"{agency}"):
            parts = urlsplit(url)
            if parts.hostname in SANDBOX_HOSTS or SANDBOX_PATH in parts.path:
                problems.append(f"MOTCUA_PAYMENTS_FILE {where} is a payment sandbox ({url})")
            elif parts.scheme != "https":
                problems.append(f"MOTCUA_PAYMENTS_FILE {where} is not https ({url})")
        for where, value in _secrets(entry, f"{agency}", environ):
            if value == SANDBOX_SECRET:
                problems.append(f"MOTCUA_PAYMENTS_FILE {where} is the sandbox's public secret")
    return problems


def _storage_endpoint(config: Mapping[str, Any]) -> str:
    options = (config.get("STORAGES") or {}).get("default", {}).get("OPTIONS", {})
    return str(options.get("endpoint_url") or "")


def payment_page_origins(providers: Mapping[str, Any]) -> list[str]:
    """The origins of the gateways' payment pages the portal's payment form is redirected to
    (VNPay's ``url`` of every agency): the page's Content-Security-Policy must let that form
    go there. The national platform's page is named in its answer, so it is configured
    (MOTCUA_CSP_FORM_ACTION)."""
    origins = []
    for entry in providers.values():
        url = str(((entry or {}).get("vnpay") or {}).get("url") or "")
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def _http_problems(config: Mapping[str, Any]) -> list[str]:
    """Outbound providers and our own public address: https only (TLS for every connection
    that leaves the machine, ASVS V9.2.1)."""
    urls = {
        "MOTCUA_PUBLIC_URL": config.get("PUBLIC_URL", ""),
        "MOTCUA_NATIONAL_PORTAL_URL": config.get("NATIONAL_PORTAL_URL", ""),
        "MOTCUA_TSA_URL": config.get("TSA_URL", ""),
        "MOTCUA_OIDC_ISSUER": config.get("OIDC_OP_ISSUER", ""),
        "MOTCUA_OIDC_AUTHORIZATION_ENDPOINT": config.get("OIDC_OP_AUTHORIZATION_ENDPOINT", ""),
        "MOTCUA_OIDC_TOKEN_ENDPOINT": config.get("OIDC_OP_TOKEN_ENDPOINT", ""),
        "MOTCUA_OIDC_USERINFO_ENDPOINT": config.get("OIDC_OP_USER_ENDPOINT", ""),
        "MOTCUA_OIDC_JWKS_ENDPOINT": config.get("OIDC_OP_JWKS_ENDPOINT", ""),
        "MOTCUA_S3_ENDPOINT_URL": _storage_endpoint(config),
    }
    problems = []
    for name, url in urls.items():
        if url == "local":
            problems.append(f"{name} is the development timestamp authority ('local')")
        elif url and urlsplit(url).scheme != "https":
            problems.append(f"{name} is not https ({url})")
    return problems


def _mail_problems(config: Mapping[str, Any]) -> list[str]:
    backend = str(config.get("EMAIL_BACKEND", ""))
    if backend.endswith("smtp.EmailBackend") and not (
        config.get("EMAIL_USE_TLS") or config.get("EMAIL_USE_SSL")
    ):
        return ["SMTP without TLS: set MOTCUA_EMAIL_USE_TLS (STARTTLS) or MOTCUA_EMAIL_USE_SSL"]
    return []


def _transport_problems(config: Mapping[str, Any]) -> list[str]:
    problems = []
    if config.get("SECURE_HSTS_SECONDS", 0) < ONE_YEAR:
        problems.append(f"MOTCUA_HSTS_SECONDS is less than a year ({ONE_YEAR})")
    if not config.get("SESSION_COOKIE_SECURE") or not config.get("CSRF_COOKIE_SECURE"):
        problems.append("cookies are not marked Secure")
    return problems


def production_problems(config: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    """What ``MOTCUA_ENV=production`` refuses in these settings (a settings module's names and
    values), each as one line naming the variable to change; empty when there is nothing."""
    problems = []
    key = str(config.get("SECRET_KEY", ""))
    if key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure-"):
        problems.append("MOTCUA_SECRET_KEY is a development key")
    if config.get("DEBUG"):
        problems.append("MOTCUA_DEBUG is on (tracebacks and settings would be shown to anyone)")
    if "*" in config.get("ALLOWED_HOSTS", []):
        problems.append("MOTCUA_ALLOWED_HOSTS lets any host name in ('*')")
    if config.get("BANK_WEBHOOK_SECRET") == SANDBOX_SECRET:
        problems.append("MOTCUA_BANK_WEBHOOK_SECRET is the sandbox's public secret")
    problems += _payment_problems(config.get("PAYMENT_PROVIDERS") or {}, environ)
    problems += _http_problems(config)
    problems += _mail_problems(config)
    problems += _transport_problems(config)
    return problems


def development_defaults(config: Any) -> list[str]:
    """The development settings and secrets a running configuration (``django.conf.settings``)
    still has; empty for a production configuration."""
    found = []
    if not config.IS_PRODUCTION:
        found.append("MOTCUA_ENV is not 'production'")
        if not config.PAYMENT_PROVIDERS:
            found.append(
                f"payments go to the local sandbox with the public secret {SANDBOX_SECRET}"
            )
    if config.SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        found.append("SECRET_KEY is the public development key (MOTCUA_SECRET_KEY is not set)")
    if config.DEBUG:
        found.append("MOTCUA_DEBUG is on")
    if not config.OFFICER_2FA_REQUIRED:
        found.append("MOTCUA_OFFICER_2FA_REQUIRED is off")
    return found


def start_refusal(host: str | None, config: Any) -> str | None:
    """Why a server listening on ``host`` (None: not known) must not start with this
    configuration, or None when it may. Loopback is always allowed: the demo and the tests."""
    if host is not None and is_loopback(host):
        return None
    found = development_defaults(config)
    if not found:
        return None
    where = f"on {host}" if host is not None else "on an address it was not told"
    return (
        f"Refusing to serve {where}: this configuration is for development only, and anyone "
        "who reaches it could forge sessions and payment notifications:\n  - "
        + "\n  - ".join(found)
        + "\nSet MOTCUA_ENV=production and real secrets (docs/production.md), or listen on "
        "127.0.0.1 (e.g. `motcua serve --bind 127.0.0.1:8000`)."
    )


def bound_host() -> str | None:
    """The address `motcua serve` told the WSGI application its server listens on."""
    return os.environ.get(BIND_VARIABLE) or None
