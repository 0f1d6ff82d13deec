"""``Idempotency-Key`` on the API's state-changing requests: a client that did not get the
answer (a timeout, a 503, a dropped connection) sends the same request with the same key
again, and gets the first answer instead of a second dossier or a second payment.

- The key is the client's (up to 100 characters, unique per user). Its first successful
  (2xx) answer is stored with a fingerprint of the request (method, path, body) in the same
  transaction as the work, so either both are saved or neither is.
- The same key again with the same request: the stored answer, without doing the work again.
- The same key with another request: 422, nothing done (the client has a bug).
- Two requests with one key at the same moment: both may start, but the second to commit
  meets the unique key, its whole transaction rolls back, and it answers the first one's
  result. An error answer (4xx) is not stored: the client may correct and retry with the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.params import HeaderEx
from ninja.params import P as param
from ninja.responses import NinjaJSONEncoder

from motcua.core.models import IdempotentRequest

from .errors import ApiError

Answer = tuple[int, Any]
KeyHeader = HeaderEx[str, param(alias="Idempotency-Key", max_length=100)]


def _fingerprint(request: HttpRequest) -> str:
    body = request.body
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):  # the same JSON however spaced or ordered
            body = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False).encode()
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _earlier(request: HttpRequest, key: str, fingerprint: str) -> IdempotentRequest | None:
    earlier = IdempotentRequest.objects.filter(user=request.user.pk, key=key).first()
    if earlier is not None and earlier.fingerprint != fingerprint:
        raise ApiError(
            _(
                "Idempotency-Key này đã được dùng cho một yêu cầu khác. Mỗi yêu cầu mới cần "
                "một khoá mới; gửi lại đúng yêu cầu cũ thì dùng lại khoá cũ."
            ),
            422,
        )
    return earlier


def idempotent(
    request: HttpRequest,
    key: str,
    run: Callable[[], Answer],
    replay: Callable[[IdempotentRequest], Answer] | None = None,
    *,
    atomic: bool = True,
) -> Answer:
    """``run()`` once per key; a retry gets ``replay(record)`` (by default the stored
    answer). Without a key, just ``run()``.

    ``run()`` and the stored answer share one transaction, unless ``atomic`` is False: for a
    ``run()`` that is once-only by itself and opens its own transaction (a submission, made
    once per key by its own record; it takes its code before that transaction opens), the
    answer is then stored just after."""
    key = key.strip()
    if not key:
        return run()
    fingerprint = _fingerprint(request)

    def again(record: IdempotentRequest) -> Answer:
        return replay(record) if replay else (record.status, record.body)

    def remember(status: int, body: Any) -> None:
        if 200 <= status < 300:
            IdempotentRequest.objects.create(
                user_id=request.user.pk,
                key=key,
                fingerprint=fingerprint,
                status=status,
                body=json.loads(json.dumps(body, cls=NinjaJSONEncoder)),
            )

    if (earlier := _earlier(request, key, fingerprint)) is not None:
        return again(earlier)
    if not atomic:
        status, body = run()
        with contextlib.suppress(IntegrityError), transaction.atomic():
            remember(status, body)  # a request with this key at the same moment stored first
        return status, body
    try:
        with transaction.atomic():
            status, body = run()
            remember(status, body)
    except IntegrityError:
        # The same key at the same moment: the other request committed first.
        if (earlier := _earlier(request, key, fingerprint)) is not None:
            return again(earlier)
        raise
    return status, body
