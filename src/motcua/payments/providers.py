"""Which providers collect an agency's fees, with which account, and what each gives the
citizen to pay with: a VietQR code for the exact amount, or a signed VNPay redirect.

Configuration (``MOTCUA_PAYMENTS_FILE``, docs/payments.md) names per agency electronic ID (or
"*") the providers and their accounts; secrets are named by environment variable. Without a
file, development collects through the local sandbox and a demo bank account.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.public_urls import absolute
from motcua.core.templatetags.motcua import group_thousands
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.identity.models import Agency, User

from . import national, vietqr, vnpay
from .models import Payment, Provider

logger = logging.getLogger(__name__)

ONLINE = (Provider.VIETQR, Provider.VNPAY, Provider.NATIONAL)


class ProviderError(Exception):
    """The provider is not configured for this agency; ``message`` says so."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _development() -> dict[str, dict[str, Any]]:
    # A demo account of the collecting unit (BIDV's BIN) and the local VNPay sandbox.
    return {
        Provider.VIETQR: {
            "bin": "970418",
            "account": "1234567890",
            "account_name": "KHO BAC NHA NUOC HA NOI",
        },
        Provider.VNPAY: {
            "tmn_code": "MOTCUA01",
            "secret": getattr(settings, "VNPAY_SANDBOX_SECRET", "sandbox-secret"),
            "url": absolute(reverse("payments-sandbox:vnpay")),
            "api_url": absolute(reverse("payments-sandbox:vnpay-querydr")),
        },
        Provider.NATIONAL: {
            "partner_code": "MOTCUA",
            "secret": getattr(settings, "VNPAY_SANDBOX_SECRET", "sandbox-secret"),
            "url": absolute(reverse("payments-sandbox:national-init")),
            "query_url": absolute(reverse("payments-sandbox:national-query")),
        },
    }


def configured(agency: Agency) -> dict[str, dict[str, Any]]:
    providers: dict[str, dict[str, dict[str, Any]]] = getattr(settings, "PAYMENT_PROVIDERS", {})
    entry = providers.get(agency.electronic_id) or providers.get("*")
    if entry is not None:
        return {name: dict(value or {}) for name, value in entry.items()}
    return {} if settings.IS_PRODUCTION else _development()


def available(agency: Agency) -> list[str]:
    """The online providers the citizen may choose for this agency, in a stable order."""
    have = configured(agency)
    return [name for name in ONLINE if name in have]


def _settings(agency: Agency, provider: str) -> dict[str, Any]:
    found = configured(agency).get(provider)
    if found is None:
        raise ProviderError(
            _("%(agency)s chưa nhận thanh toán qua %(provider)s.")
            % {"agency": agency.name, "provider": Provider(provider).label}
        )
    return found


def misconfigured(provider: str, error: Exception) -> ProviderError:
    """A provider's settings that its protocol refuses (a bad BIN, merchant code, URL): the
    citizen is told to choose another way; the cause goes to the log."""
    logger.error("Payment provider %s is misconfigured: %s", provider, error)
    return ProviderError(
        _("Hình thức %(provider)s đang gặp sự cố cấu hình; vui lòng chọn hình thức khác.")
        % {"provider": Provider(provider).label}
    )


def secret(config: dict[str, Any], key: str = "secret") -> str:
    """A secret from the environment variable the configuration names (``<key>_env``); the
    development sandbox's own secret is inline."""
    name = config.get(f"{key}_env")
    value = os.environ.get(name) if name else config.get(key)
    if not value:
        raise ProviderError(_("Thiếu khóa bí mật của cổng thanh toán (%(name)s).") % {"name": name})
    return str(value)


# --- VietQR ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QRTransfer:
    payload: str
    svg: str
    bank_bin: str
    account: str
    account_name: str
    amount: int
    note: str


def vietqr_transfer(payment: Payment) -> QRTransfer:
    """The dynamic VietQR for the exact amount to the collecting unit's account: the dossier
    code as the bill number (62/01), the payment's reference as the transfer note (62/08) that
    the bank's statement line carries and is matched by."""
    config = _settings(payment.agency, Provider.VIETQR)
    try:
        payload = vietqr.build_payload(
            bin=str(config["bin"]),
            account=str(config["account"]),
            amount=payment.amount,
            bill_number=payment.dossier.code,
            purpose=payment.reference,
        )
    except (KeyError, ValueError) as error:
        raise misconfigured(Provider.VIETQR, error) from error
    return QRTransfer(
        payload=payload,
        svg=vietqr.qr_svg(payload, title=_("Mã VietQR thanh toán %(amount)s đồng")
                          % {"amount": group_thousands(payment.amount)}),
        bank_bin=str(config["bin"]),
        account=str(config["account"]),
        account_name=str(config.get("account_name", "")),
        amount=payment.amount,
        note=payment.reference,
    )  # fmt: skip


def slip_transfer(dossier: Dossier, *, by: User | None) -> QRTransfer | None:
    """The VietQR printed on the receipt slip (form 01) while the dossier waits for its fees
    (asked at reception): the dossier's open VietQR payment, started if need be; None when
    nothing is asked or the unit does not take VietQR."""
    from .services import PaymentError, start_payment  # services builds on this module

    if dossier.status != Status.PAYMENT_REQUESTED:
        return None
    if Provider.VIETQR not in available(dossier.handler_agency or dossier.agency):
        return None
    try:
        return vietqr_transfer(start_payment(dossier=dossier, provider=Provider.VIETQR, by=by))
    except (PaymentError, ProviderError) as error:
        logger.warning("No VietQR on the slip of %s: %s", dossier.code, error.message)
        return None


# --- VNPay -------------------------------------------------------------------------------------


def vnpay_redirect(payment: Payment, *, ip: str, locale: str = "vn") -> str:
    config = _settings(payment.agency, Provider.VNPAY)
    try:
        return _vnpay_url(config, payment, ip=ip, locale=locale)
    except (KeyError, ValueError) as error:
        raise misconfigured(Provider.VNPAY, error) from error


def _vnpay_url(config: dict[str, Any], payment: Payment, *, ip: str, locale: str) -> str:
    return vnpay.payment_url(
        base_url=str(config.get("url") or vnpay.SANDBOX_PAYMENT_URL),
        tmn_code=str(config["tmn_code"]),
        hash_secret=secret(config),
        txn_ref=payment.reference,
        amount=payment.amount,
        order_info=f"Thanh toan phi le phi ho so {payment.dossier.code}",
        return_url=absolute(reverse("payments:vnpay-return")),
        ip=ip,
        created_at=timezone.now(),
        locale=locale,
    )


# --- the national payment platform -------------------------------------------------------------


def post_json(url: str, body: dict[str, Any], token: str = "") -> Any:
    """POST a JSON message to a provider (tests replace this); None when it cannot be reached
    or does not answer JSON."""
    import requests

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        return requests.post(url, json=body, headers=headers, timeout=10).json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("Request to %s failed: %s", url, error)
        return None


def national_redirect(payment: Payment, *, ip: str) -> str:
    """INIT the payment on the platform and return its payment page (UrlThanhToan)."""
    config = _settings(payment.agency, Provider.NATIONAL)
    key = secret(config)
    try:
        message = _national_init(config, payment, key, ip=ip)
    except (KeyError, ValueError) as error:
        raise misconfigured(Provider.NATIONAL, error) from error
    answer = post_json(str(config["url"]), message, bearer_token(config))
    url = answer.get("UrlThanhToan") if isinstance(answer, dict) else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ProviderError(
            _(
                "Nền tảng thanh toán chưa nhận yêu cầu; "
                "vui lòng thử lại sau hoặc chọn hình thức khác."
            )
        )
    return url


def bearer_token(config: dict[str, Any]) -> str:
    """The platform's access token, from the environment variable ``token_env`` names; empty
    when none is configured (the local sandbox needs none)."""
    name = config.get("token_env")
    return os.environ.get(str(name), "") if name else ""


def _national_init(config: dict[str, Any], payment: Payment, key: str, *, ip: str) -> Any:
    # ThoiGianGD is the payment's creation time, not now: the QUERY must name the INIT's
    # ThoiGianGD (pending.query_national), and a retried INIT names the same transaction.
    return national.init_message(
        partner_code=str(config["partner_code"]),
        reference=payment.reference,
        amount=payment.amount,
        description=f"Thanh toan phi le phi ho so {payment.dossier.code}",
        created_at=payment.created_at,
        ip=ip,
        secret=key,
        receipt={"MaHoSo": payment.dossier.code, "TenDonVi": payment.agency.name},
    )


# What a provider's notification names us by: VNPay's vnp_TmnCode, the platform's MaDoiTac.
MERCHANT_FIELD: dict[str, str] = {Provider.VNPAY: "tmn_code", Provider.NATIONAL: "partner_code"}
# Who a notification says was paid, field by field of an agency's settings: the merchant code
# for VNPay and the platform, the bank (BIN) and account number that received a transfer.
PAYEE_FIELDS: dict[str, tuple[str, ...]] = {
    Provider.VIETQR: ("bin", "account"),
    Provider.VNPAY: ("tmn_code",),
    Provider.NATIONAL: ("partner_code",),
}


def payee_of(agency: Agency, provider: str) -> tuple[str, ...] | None:
    """Who collects ``agency``'s fees through ``provider``: its merchant code, or its bank and
    account; None when the agency does not collect through it."""
    config = configured(agency).get(provider)
    if not config or provider not in PAYEE_FIELDS:
        return None
    return tuple(str(config.get(name) or "").strip() for name in PAYEE_FIELDS[provider])


def secret_for(provider: str, merchant: str) -> str | None:
    """The secret shared with ``provider`` under our merchant code ``merchant``, among the
    configured agencies; None when no agency has it (the notification is then refused)."""
    providers: dict[str, dict[str, dict[str, Any]]] = getattr(settings, "PAYMENT_PROVIDERS", {})
    entries = list(providers.values()) or ([] if settings.IS_PRODUCTION else [_development()])
    field = MERCHANT_FIELD[provider]
    for entry in entries:
        config = (entry or {}).get(provider)
        if config and str(config.get(field)) == merchant:
            try:
                return secret(config)
            except ProviderError:
                return None
    return None


def callback_secret(provider: str, merchant: str, reference: str) -> str | None:
    """The secret a notification about payment ``reference`` must be signed with: that of the
    agency the payment belongs to, whatever merchant the notification names (a secret of
    another agency proves nothing about this payment). For a reference we never issued, the
    secret of the agency ``merchant`` names, so that a genuine "unknown order" is told apart
    from a forgery. None: nothing to verify with (refused as unsigned)."""
    payment = (
        Payment.objects.select_related("agency")
        .filter(reference=reference, provider=provider)
        .first()
    )
    if payment is None:
        return secret_for(provider, merchant)
    config = configured(payment.agency).get(provider)
    try:
        return secret(config) if config else None
    except ProviderError:
        return None
