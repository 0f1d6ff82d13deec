"""Administration of what feedback runs on: topics (and their Open311 attributes), the
Open311 partner apps with their keys, and the wards' reference points."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.security import announce

from .models import PartnerApp, Topic, WardPoint
from .partners import issue_key

# GeoReport v2 datatypes; the two lists need their values.
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LISTS = ("singlevaluelist", "multivaluelist")


def attribute_problems(attributes: Any) -> list[str]:
    """What is wrong with a topic's attribute list (empty when it can be offered as an Open311
    service definition)."""
    if not isinstance(attributes, list):
        return [_("Thuộc tính phải là một danh sách JSON.")]
    problems: list[str] = []
    codes: set[str] = set()
    for number, attribute in enumerate(attributes, start=1):
        if not isinstance(attribute, dict):
            problems.append(_("Thuộc tính thứ %(n)s không phải là đối tượng JSON.") % {"n": number})
            continue
        code = attribute.get("code")
        if not isinstance(code, str) or not code or not code.isascii() or code in codes:
            problems.append(
                _("Thuộc tính thứ %(n)s cần một mã (code) ASCII không trùng.") % {"n": number}
            )
        codes.add(str(code))
        datatype = attribute.get("datatype")
        if datatype not in DATATYPES:
            problems.append(
                _("Thuộc tính %(code)s: kiểu dữ liệu (datatype) phải là một trong %(types)s.")
                % {"code": code, "types": ", ".join(DATATYPES)}
            )
        values = attribute.get("values", [])
        keys_ok = isinstance(values, list) and all(
            isinstance(v, dict) and str(v.get("key", "")) and "name" in v for v in values
        )
        if not keys_ok or (datatype in LISTS and not values):
            problems.append(
                _("Thuộc tính %(code)s: danh sách giá trị (values) cần các cặp key, name.")
                % {"code": code}
            )
    return problems


class TopicForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Topic
        fields = [
            "code", "name", "description", "group", "keywords", "on_portal", "on_open311",
            "is_private", "default_classification", "attributes", "position", "is_active",
        ]  # fmt: skip

    def clean_attributes(self) -> Any:
        attributes = self.cleaned_data["attributes"]
        problems = attribute_problems(attributes)
        if problems:
            raise forms.ValidationError(problems)
        return attributes


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicForm
    list_display = ["code", "name", "group", "on_portal", "on_open311", "is_private", "is_active"]
    list_filter = ["on_portal", "on_open311", "is_private", "is_active", "group"]
    search_fields = ["code", "name", "keywords"]
    list_editable = ["on_portal", "on_open311", "is_active"]


@admin.register(WardPoint)
class WardPointAdmin(admin.ModelAdmin):
    list_display = ["ward", "latitude", "longitude"]
    search_fields = ["ward__code", "ward__name"]
    raw_id_fields = ["ward"]
    list_select_related = ["ward"]


KEYS_PAGE = "admin/feedback/partnerapp/keys.html"


def _issue(request: HttpRequest, app: PartnerApp) -> tuple[PartnerApp, str]:
    key = issue_key(app)
    announce("token.issued", request=request, target=f"open311-partner:{app.pk}")
    return app, key


def _keys_page(request: HttpRequest, keys: list[tuple[PartnerApp, str]]) -> TemplateResponse:
    """The new keys, in this response only: never through Django's messages, which the
    default storage keeps in a cookie the browser holds on to."""
    return TemplateResponse(request, KEYS_PAGE, {"keys": keys, "title": _("Khóa api_key vừa cấp")})


@admin.register(PartnerApp)
class PartnerAppAdmin(admin.ModelAdmin):
    list_display = ["name", "contact", "key_prefix", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact", "key_prefix"]
    readonly_fields = ["key_prefix", "created_at"]
    actions = ["issue_new_keys"]

    def save_model(self, request: HttpRequest, obj: PartnerApp, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # A new app gets its key at once; only its hash is stored.
            request._open311_keys = [_issue(request, obj)]  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: PartnerApp, post_url_continue: str | None = None
    ) -> HttpResponse:
        keys = getattr(request, "_open311_keys", None)
        if keys:
            return _keys_page(request, keys)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=gettext_lazy("Cấp khóa api_key mới (khóa cũ ngừng hoạt động)"))
    def issue_new_keys(
        self, request: HttpRequest, queryset: QuerySet[PartnerApp]
    ) -> TemplateResponse:
        return _keys_page(request, [_issue(request, app) for app in queryset])
