from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Thanh toán phí, lệ phí")

    def ready(self) -> None:
        from datetime import timedelta

        from motcua.core.jobs import register_job

        from . import services  # noqa: F401  (record_cash performs CONFIRM_PAYMENT)
        from .delivery import send_missing_receipts
        from .pending import reconcile_pending

        register_job("reconcile_pending_payments", reconcile_pending, every=timedelta(minutes=5))
        register_job("send_missing_receipts", send_missing_receipts, every=timedelta(minutes=10))
