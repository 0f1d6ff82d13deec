"""``Idempotency-Key`` on the API's state-changing requests: a client that did not get the
answer (a timeout, a 503, a dropped connection) sends the same request with the same key
again, and gets the first answer instead of a second dossier or a second payment.

- The key is the client's (up to 100 characters, unique per user across the API). It is
  recorded with a fingerprint of the request (method, path, body) in the same transaction as
  the work, so either both are saved or neither is: a submission's in its dossier's own
  record (``dossiers.IdempotencyRecord``, written by ``submit_dossier``; kept for good), any
  other request's with its first successful (2xx) answer (``core.IdempotentRequest``; kept
  7 days). One statement looks the key up in both.
- The same key again with the same request: the stored answer, or for a submission its
  dossier as it is now, without doing the work again.
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
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.params import HeaderEx
from ninja.params import P as param
from ninja.responses import NinjaJSONEncoder

from motcua.core.models import IdempotentRequest
from motcua.dossiers.models import IdempotencyRecord

from .errors import ApiError

Answer = tuple[int, Any]
KeyHeader = HeaderEx[str, param(alias="Idempotency-Key", max_length=100)]


@dataclass(frozen=True)
class Earlier:
    """A key's first request: its fingerprint (blank when recorded without it: a portal
    draft's or the desk's key, or a submission's from before it was kept), and the answer
    stored with it or the dossier it submitted."""

    fingerprint: str
    status: int | None
    body: Any
    dossier_id: int | None


def _fingerprint(request: HttpRequest) -> str:
    body = request.body
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):  # the same JSON however spaced or ordered
            body = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False).encode()
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _user_id(request: HttpRequest) -> int:
    user_id = request.user.pk
    assert user_id is not None, "a key is its user's: only authenticated requests send one"
    return int(user_id)


def _none(field: models.Field[Any, Any]) -> models.Value:
    return models.Value(None, output_field=field)


def _earlier(request: HttpRequest, key: str, fingerprint: str) -> Earlier | None:
    """The key's first request, wherever it was recorded (both tables, one statement); 422
    when it came with another request."""
    user = _user_id(request)
    answers = IdempotentRequest.objects.filter(user=user, key=key).values_list(
        "fingerprint", "status", "body", _none(models.BigIntegerField())
    )
    dossiers = IdempotencyRecord.objects.filter(user=user, key=key).values_list(
        "fingerprint", _none(models.IntegerField()), _none(models.TextField()), "dossier_id"
    )
    found = [Earlier(*row) for row in answers.union(dossiers, all=True)]
    if any(earlier.fingerprint not in ("", fingerprint) for earlier in found):
        raise _used_for_another_request()
    return min(found, key=lambda earlier: earlier.dossier_id is None, default=None)


def _used_for_another_request() -> ApiError:
    return ApiError(
        _(
            "Idempotency-Key này đã được dùng cho một yêu cầu khác. Mỗi yêu cầu mới cần "
            "một khoá mới; gửi lại đúng yêu cầu cũ thì dùng lại khoá cũ."
        ),
        422,
    )


def _once(
    request: HttpRequest,
    key: str,
    work: Callable[[str], Answer],
    replay: Callable[[Earlier], Answer],
) -> Answer:
    """``work(fingerprint)``, which records the key, unless the key was used before; the
    same request again gets ``replay(earlier)``."""
    fingerprint = _fingerprint(request)
    if (earlier := _earlier(request, key, fingerprint)) is not None:
        return replay(earlier)
    try:
        return work(fingerprint)
    except IntegrityError:
        # The same key at the same moment: the other request committed first.
        if (earlier := _earlier(request, key, fingerprint)) is not None:
            return replay(earlier)
        raise


def idempotent(request: HttpRequest, key: str, run: Callable[[], Answer]) -> Answer:
    """``run()`` once per key, its answer stored in the same transaction; a retry gets the
    stored answer. Without a key, just ``run()``."""
    key = key.strip()
    if not key:
        return run()

    def stored(fingerprint: str) -> Answer:
        with transaction.atomic():
            status, body = run()
            if 200 <= status < 300:
                IdempotentRequest.objects.create(
                    user_id=_user_id(request),
                    key=key,
                    fingerprint=fingerprint,
                    status=status,
                    body=json.loads(json.dumps(body, cls=NinjaJSONEncoder)),
                )
        return status, body

    return _once(request, key, stored, _stored_answer)


def _stored_answer(earlier: Earlier) -> Answer:
    if earlier.status is None:  # a dossier submitted with the key, recorded without its request
        raise _used_for_another_request()
    return earlier.status, earlier.body


def submitted_once(
    request: HttpRequest,
    key: str,
    submit: Callable[[str], Answer],
    again: Callable[[int], Answer],
) -> Answer:
    """A submission once per key: ``submit(fingerprint)`` records the key with its dossier,
    in the dossier's transaction (``submit_dossier``, which takes its code before that
    transaction, ADR 0010); nothing is stored here. A retry gets ``again(dossier_id)``: the
    dossier as it is now. Without a key, ``submit("")``."""
    key = key.strip()
    if not key:
        return submit("")

    def replay(earlier: Earlier) -> Answer:
        if earlier.dossier_id is not None:
            return again(earlier.dossier_id)
        return 200, earlier.body  # its answer stored (before the record kept the fingerprint)

    return _once(request, key, submit, replay)
