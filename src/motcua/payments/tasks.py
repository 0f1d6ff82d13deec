"""Celery tasks of payments: issue and send a credited payment's receipt on a worker.

Safe to run twice: the receipt is issued once, and each message has its outbox key.
"""

from __future__ import annotations

from motcua.celery import app

from . import delivery


@app.task(name="motcua.payments.send_payment_receipt")  # type: ignore[untyped-decorator]
def send_payment_receipt(payment_id: int) -> int:
    return len(delivery.send_receipt(payment_id))
