"""PDF rendering of what the system issues: the slips of forms 01–05, a dossier's result and the
ledger (form 06), in the administrative layout of Decree 30/2020/NĐ-CP.

Every document is laid out once with WeasyPrint; the position of its ``#signature-box`` (an
empty, fixed-size element in the signer's column) is read from the laid-out pages, so the
signer (``signing.py``) can draw the visible signature exactly where the signature belongs.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, Outcome
from motcua.identity.models import Agency
from motcua.surveys.invitation import invitation

from .boxes import SignatureBox
from .models import IssuedDocument
from .slips import slip

HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"
STYLESHEET = HERE / "templates" / "documents" / "pdf" / "pdf.css"
# A family name of our own: the bundled files decide the metrics, never a system copy of
# Liberation Serif (or its absence). The embedded font is named "Motcua-Liberation-Serif".
FONT_FAMILY = "Motcua Liberation Serif"
FONT_FILES = (
    ("Regular", "normal", "normal"),
    ("Bold", "bold", "normal"),
    ("Italic", "normal", "italic"),
    ("BoldItalic", "bold", "italic"),
)
SIGNATURE_ID = "signature-box"
PX_TO_PT = 72 / 96  # CSS px are 1/96 in, PDF points 1/72 in

RESULT_TEMPLATES = "documents/results/"
CIVIL_STATUS = RESULT_TEMPLATES + "civil_status.html"
CERTIFICATE = RESULT_TEMPLATES + "certificate.html"
PERMIT = RESULT_TEMPLATES + "permit.html"
# A linked group (liên thông): the notice of its children's results, each signed on its own.
LINKED = RESULT_TEMPLATES + "linked.html"
GENERIC = RESULT_TEMPLATES + "generic.html"
# Words of a result's name that make it a civil-status paper (Law on Civil Status 60/2014).
CIVIL_STATUS_WORDS = ("khai sinh", "khai tử", "kết hôn", "trích lục", "hộ tịch")
LEDGER_COLUMNS = 11

# WeasyPrint's progress steps and fontTools' font subsetting log at INFO, dozens of lines per
# document, and the project's root logger is at INFO: quiet them unless LOGGING sets a level.
for _name in ("weasyprint.progress", "fontTools"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.WARNING)


@dataclass
class RenderedPdf:
    content: bytes
    pages: int
    signature_box: SignatureBox | None


@dataclass(frozen=True)
class Line:
    """One line of the declared data on a result: a group title (an object of the form, an
    item of a list) or a labelled value, indented by ``level``."""

    label: str
    value: str = ""
    level: int = 0
    is_group: bool = False


# Templates --------------------------------------------------------------------------------


def result_template_for(version: ProcedureVersion) -> str:
    """The result template the catalogue names for the procedure (``result_template``), else
    one chosen from the name of its first result."""
    if version.result_template:
        return f"{RESULT_TEMPLATES}{version.result_template}.html"
    name = _fold(version.results[0]) if version.results else ""
    if any(word in name for word in CIVIL_STATUS_WORDS):
        return CIVIL_STATUS
    if name.startswith("giấy chứng nhận"):
        return CERTIFICATE
    if name.startswith("giấy phép"):
        return PERMIT
    return GENERIC


def result_name(version: ProcedureVersion) -> str:
    """The result's name without a trailing remark in brackets ("Giấy khai sinh (bản chính;
    bản sao…)" → "Giấy khai sinh"); empty when the catalogue names none."""
    name = unicodedata.normalize("NFC", str(version.results[0])) if version.results else ""
    return re.sub(r"\s*\([^()]*\)\s*$", "", name).strip()


def result_title(version: ProcedureVersion) -> str:
    """The result's name in capitals, as the document's title."""
    name = result_name(version)
    return name.upper() if name else gettext("THÔNG BÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).casefold().strip()


# Public API ---------------------------------------------------------------------------------


def render_slip(
    dossier: Dossier,
    number: str,
    *,
    document_code: str,
    verify_url: str,
    transfer: Any = None,
) -> RenderedPdf | None:
    """Form ``number`` ("01"–"05") of the dossier; None when its history has not issued it."""
    found = slip(dossier, number)
    if found is None:
        return None
    html = render_to_string(
        "documents/pdf/slip.html",
        {
            **_page_context(
                title=str(found.kind.title),
                dossier_code=dossier.code,
                document_code=document_code,
                verify_url=verify_url,
            ),
            "dossier": dossier,
            "slip": found,
            # The receipt's VietQR while its fees are asked (payments.providers.slip_transfer).
            "transfer": transfer,
            # The receipt's QR code to evaluate the dossier once decided (surveys), printed
            # beside the verification QR so that form 01 stays one page.
            "invite": invitation(dossier) if number == "01" else None,
        },
    )
    return _render(_mark_slip_signature(_without_links(html)))


def render_result(
    dossier: Dossier,
    *,
    document_code: str,
    verify_url: str,
    signer_title: str,
    signer_name: str,
    number: str,
) -> RenderedPdf:
    """The dossier's result: the paper the procedure issues, or, when the dossier was
    rejected, the notice of refusal giving ``dossier.outcome_note`` as the reason."""
    version = dossier.version
    rejected = dossier.outcome == Outcome.REJECTED
    children = linked_results(dossier)
    if children:
        template, title = LINKED, gettext("THÔNG BÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ LIÊN THÔNG")
    elif rejected:
        template, title = GENERIC, gettext("THÔNG BÁO")
    else:
        template, title = result_template_for(version), result_title(version)
    now = timezone.localtime()
    recipients = _recipients(template, dossier)
    html = render_to_string(
        template,
        {
            **_page_context(
                title=title,
                dossier_code=dossier.code,
                document_code=document_code,
                verify_url=verify_url,
            ),
            **_heading_context(dossier.agency, number, now),
            "dossier": dossier,
            "rejected": rejected,
            "fields": declared_lines(version.form_schema, dossier.data),
            "received": dossier.accepted_at or dossier.submitted_at,
            "registered": dossier.decided_at or now,
            "signer_title": signer_title,
            "signer_name": signer_name,
            "recipients": recipients,
            "children": children,
        },
    )
    return _render(html)


@dataclass(frozen=True)
class LinkedResult:
    dossier: Dossier
    document: IssuedDocument | None


def linked_results(dossier: Dossier) -> list[LinkedResult]:
    """A linked group's children with the signed result each issued (none when refused)."""
    children = list(dossier.children.select_related("version", "agency").order_by("code"))
    documents: dict[int | None, IssuedDocument] = {
        d.dossier_id: d
        for d in IssuedDocument.objects.filter(
            dossier__in=children, kind=IssuedDocument.Kind.RESULT
        ).order_by("issued_at")
    }
    return [LinkedResult(child, documents.get(child.pk)) for child in children]


RECEIPT = "documents/receipts/receipt.html"


def amount_in_words(amount: int) -> str:
    """ "Một trăm năm mươi nghìn đồng": the amount as a receipt writes it in words."""
    from num2words import num2words

    words = str(num2words(int(amount), lang="vi"))
    return f"{words[:1].upper()}{words[1:]} đồng."


def render_receipt(
    dossier: Dossier,
    *,
    agency: Agency,
    document_code: str,
    verify_url: str,
    number: str,
    receipt_number: str,
    amount: int,
    lines: list[tuple[str, int]],
    method: str,
    transaction: str,
    paid_at: datetime,
    signer_name: str,
) -> RenderedPdf:
    """An electronic receipt of fees and charges for a payment of ``dossier``."""
    html = render_to_string(
        RECEIPT,
        {
            **_page_context(
                title=gettext("BIÊN LAI THU PHÍ, LỆ PHÍ"),
                dossier_code=dossier.code,
                document_code=document_code,
                verify_url=verify_url,
            ),
            **_heading_context(agency, number, paid_at),
            "dossier": dossier,
            "receipt_number": receipt_number,
            "amount": amount,
            "amount_words": amount_in_words(amount),
            "lines": [{"name": name, "amount": value} for name, value in lines],
            "method": method,
            "transaction": transaction,
            "paid_at": timezone.localtime(paid_at),
            "payer": dossier.organisation_name or dossier.applicant_name,
            "payer_address": dossier.applicant_address,
            "signer_title": gettext("NGƯỜI THU TIỀN"),
            "signer_name": signer_name,
            "recipients": [dossier.organisation_name or dossier.applicant_name,
                           gettext("Lưu: VT, hồ sơ")],
        },
    )  # fmt: skip
    return _render(html)


def _recipients(template: str, dossier: Dossier) -> list[str]:
    """The recipients ("Nơi nhận"): none on a civil-status paper; "Như trên" when the notice
    names its addressee ("Kính gửi"); otherwise the holder. The agency keeps the file copy."""
    if template == CIVIL_STATUS:
        return []
    first = (
        gettext("Như trên")
        if template == GENERIC
        else (dossier.organisation_name or dossier.applicant_name)
    )
    return [first, gettext("Lưu: VT, hồ sơ")]


def render_ledger(
    rows: Sequence[Dossier],
    *,
    agency: Agency,
    period_start: date,
    period_end: date,
    document_code: str,
    verify_url: str,
    signer_title: str = "",
    signer_name: str = "",
) -> RenderedPdf:
    """Form 06, Sổ theo dõi hồ sơ, on landscape A4: one row per dossier of ``rows``."""
    html = render_to_string(
        "documents/pdf/ledger.html",
        {
            **_page_context(
                title=gettext("Sổ theo dõi hồ sơ"),
                dossier_code="",
                document_code=document_code,
                verify_url=verify_url,
            ),
            **_heading_context(agency, "", timezone.localtime()),
            "rows": rows,
            "period_start": period_start,
            "period_end": period_end,
            "columns": range(1, LEDGER_COLUMNS + 1),
            "signer_title": signer_title or gettext("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"),
            "signer_name": signer_name,
            "recipients": [],
        },
    )
    return _render(html)


# The declared data ----------------------------------------------------------------------------


def declared_lines(schema: dict[str, Any] | None, data: Any) -> list[Line]:
    """The declaration (``dossier.data``) as labelled lines, in the order of the form and with
    its titles; keys the form does not know keep their own name. Empty answers and the
    applicant's pledge (a ``const`` field) are left out: they are not facts of the result."""
    return list(_lines(schema or {}, data, 0))


def _lines(schema: dict[str, Any], data: Any, level: int) -> Iterable[Line]:
    if not isinstance(data, dict):
        return
    properties = schema.get("properties") or {}
    keys = [k for k in properties if k in data] + [k for k in data if k not in properties]
    for key in keys:
        field = properties.get(key) or {}
        value = data[key]
        if "const" in field or _empty(value):
            continue
        label = str(field.get("title") or key)
        if isinstance(value, dict):
            yield Line(label, level=level, is_group=True)
            yield from _lines(field, value, level + 1)
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            items = field.get("items") or {}
            yield Line(label, level=level, is_group=True)
            for position, item in enumerate(value, start=1):
                name = str(items.get("title") or label)
                yield Line(f"{name} {position}", level=level + 1, is_group=True)
                yield from _lines(items, item, level + 2)
        else:
            yield Line(label, _text(field, value), level)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(field: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, list):
        return ", ".join(_text(field.get("items") or {}, item) for item in value)
    if isinstance(value, str):
        # The form's "date"/"date-time" answers, and keys it does not describe of that shape.
        return _vietnamese_date(value)
    return str(value)


_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?P<time>[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)


def _vietnamese_date(value: str) -> str:
    """An ISO date as dd/mm/yyyy, a moment as HH:MM dd/mm/yyyy in local time; other text
    unchanged."""
    shape = _ISO_DATE.match(value)
    if shape is None:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = timezone.localtime(moment)
    return moment.strftime("%H:%M %d/%m/%Y" if shape["time"] else "%d/%m/%Y")


# Page context -------------------------------------------------------------------------------


def _page_context(
    *, title: str, dossier_code: str, document_code: str, verify_url: str
) -> dict[str, Any]:
    return {
        "title": title,
        "dossier_code": dossier_code,
        "document_code": document_code,
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        # Filled by CSS counters on each page; safe so the translated footer keeps them.
        "page_number": SafeString('<span class="page-number"></span>'),
        "page_count": SafeString('<span class="page-count"></span>'),
    }


def _heading_context(agency: Agency, number: str, moment: datetime) -> dict[str, Any]:
    """Issuer, number and the place and date line. Decree 30 writes a day below 10 and the
    months January and February with a leading zero ("ngày 05 tháng 02", "tháng 3")."""
    day = timezone.localtime(moment).date()
    return {
        "agency": agency,
        "number": number,
        "place": agency.unit.name,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month <= 2 else str(day.month),
        "year": str(day.year),
    }


def qr_data_uri(url: str) -> str:
    """The verification address as a QR code (SVG, so it prints sharp at any size)."""
    return str(segno.make(url, error="m").svg_data_uri(border=0, dark="#000"))


# Layout -------------------------------------------------------------------------------------


_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_SLIP_NAME = '<p class="slip-signature-name">'


def _without_links(html: str) -> str:
    """Drop the fragments' link to the web stylesheet: the PDF has its own."""
    return _LINK.sub("", html)


def _mark_slip_signature(html: str) -> str:
    """Put the signature place above the last signer's name of a slip (the officer's column,
    on the right); form 04 has no signature block and gets none."""
    at = html.rfind(_SLIP_NAME)
    if at < 0:
        return html
    box = format_html('<div id="{}" aria-hidden="true"></div>', SIGNATURE_ID)
    return html[:at] + box + html[at:]


class _LocalFetcher(URLFetcher):
    """Only the bundled fonts and inline (data:) images: a document never reaches the
    network or another file, whatever text it holds."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:") or _is_bundled_font(url):
            return super().fetch(url, headers)
        raise ValueError(f"Not fetched while rendering a document: {url[:80]}")


def _is_bundled_font(url: str) -> bool:
    return url.startswith("file:") and url in _font_urls()


@cache
def _font_urls() -> frozenset[str]:
    return frozenset((FONTS / f"LiberationSerif-{name}.ttf").as_uri() for name, *_ in FONT_FILES)


@cache
def _font_faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{(FONTS / f"LiberationSerif-{name}.ttf").as_uri()}"); }}'
        for name, weight, style in FONT_FILES
    )


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _render(html: str) -> RenderedPdf:
    """Lay the page out once, read where the signature goes, then write the PDF."""
    font_config = FontConfiguration()
    fetcher = _LocalFetcher()
    stylesheets = [
        CSS(string=_font_faces(), font_config=font_config, url_fetcher=fetcher),
        CSS(string=_stylesheet(), font_config=font_config, url_fetcher=fetcher),
    ]
    document = HTML(string=html, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=stylesheets
    )
    return RenderedPdf(
        # Tagged (structure, reading order, language) for screen readers: WCAG 1.3.1 in a PDF.
        content=document.write_pdf(pdf_tags=True),
        pages=len(document.pages),
        signature_box=_signature_box(document.pages),
    )


def _signature_box(pages: Sequence[Any]) -> SignatureBox | None:
    """The laid-out ``#signature-box``: WeasyPrint's anchors give its border box in CSS px
    from the page's top-left; a PDF wants points from the bottom-left."""
    for index, page in enumerate(pages):
        found = page.anchors.get(SIGNATURE_ID)
        if found is None:
            continue
        x1, y1, x2, y2 = found
        height = page.height * PX_TO_PT
        return SignatureBox(
            page=index,
            box=(
                round(x1 * PX_TO_PT, 2),
                round(height - y2 * PX_TO_PT, 2),
                round(x2 * PX_TO_PT, 2),
                round(height - y1 * PX_TO_PT, 2),
            ),
        )
    return None
