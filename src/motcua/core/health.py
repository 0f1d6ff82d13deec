"""``/healthz`` for nginx, systemd and the benchmark: 200 when this process reaches the
database and the cache, 503 (with what failed) when it does not."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception as error:  # whatever the driver raises, the answer is "not ready"
        logger.warning("health check: database unavailable (%s)", error)
        return False


def _cache() -> bool:
    key, value = "motcua:health", secrets.token_hex(8)
    try:
        cache.set(key, value, 10)
        return bool(cache.get(key) == value)
    except Exception as error:
        logger.warning("health check: cache unavailable (%s)", error)
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "cache": _cache()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "unavailable"}
    body.update({name: "ok" if good else "unavailable" for name, good in checks.items()})
    return JsonResponse(body, status=200 if ok else 503)
