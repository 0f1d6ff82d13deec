"""The choices of an index or ranking page, read from the query string: the period, the
configuration version, the level and the parent unit. Shared by the portal and back office."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.identity.models import Agency

from .config import IndexVersion, get_version, versions
from .index import LEVELS
from .periods import Period, PeriodError


def _versions() -> list[tuple[str, Any]]:
    ordered = sorted(versions().values(), key=lambda v: v.in_force_from, reverse=True)
    return [("", _("Phiên bản có hiệu lực trong kỳ")), *((v.code, v.name) for v in ordered)]


class IndexQuery(forms.Form):
    ky = forms.CharField(
        label=_("Kỳ"),
        required=False,
        max_length=40,
        help_text=_(
            "Tháng 11/2026, quý 2026-Q4, năm 2026, tuần 2026-W48 hoặc 2026-11-01..2026-11-15."
        ),
    )
    phien_ban = forms.ChoiceField(label=_("Bộ chỉ số"), required=False, choices=_versions)

    def __init__(self, *args: Any, default: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():  # hints and errors read with the field
            described = [f"id_{name}-hint"] if field.help_text else []
            if name in self.errors:
                described.append(f"id_{name}-error")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def clean_ky(self) -> Period:
        text = self.cleaned_data.get("ky") or ""
        if not text.strip():
            return self.default
        try:
            return Period.parse(text)
        except PeriodError as error:
            raise forms.ValidationError(error.message) from error

    def clean_phien_ban(self) -> IndexVersion | None:
        code = self.cleaned_data.get("phien_ban") or ""
        return get_version(code) if code else None

    @property
    def period(self) -> Period:
        return self.cleaned_data.get("ky") or self.default if self.is_bound else self.default

    @property
    def version(self) -> IndexVersion | None:
        return self.cleaned_data.get("phien_ban") if self.is_bound else None


class RankingQuery(IndexQuery):
    cap = forms.ChoiceField(
        label=_("Cấp đơn vị"),
        required=False,
        choices=[
            ("commune", _("Xã, phường")),
            ("department", _("Sở, ban, ngành")),
            ("district", _("Quận, huyện (trước 01/7/2025)")),
        ],
    )
    cha = forms.CharField(label=_("Đơn vị cấp trên (mã định danh)"), required=False, max_length=40)

    def clean_cap(self) -> str:
        return self.cleaned_data.get("cap") or LEVELS[0]

    def clean_cha(self) -> Agency | None:
        code = (self.cleaned_data.get("cha") or "").strip()
        if not code:
            return None
        found = Agency.objects.select_related("unit").filter(electronic_id=code).first()
        if found is None:
            raise forms.ValidationError(_("Không có đơn vị có mã định danh này."))
        return found


def quick_periods() -> list[Period]:
    """The periods offered as links: last week, last month, last quarter, this year, last year."""
    return [
        Period.current("week").previous(),
        Period.current("month").previous(),
        Period.current("month"),
        Period.current("quarter").previous(),
        Period.current("year"),
        Period.current("year").previous(),
    ]
