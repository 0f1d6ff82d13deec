from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    DocumentRequirement,
    Fee,
    Field,
    Procedure,
    ProcedureStep,
    ProcedureVariant,
    ProcedureVersion,
)
from .services import refresh_version


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


class VersionSummaryInline(admin.TabularInline):
    """The versions of a procedure, read-only: a version is edited on its own page."""

    model = ProcedureVersion
    fields = ("number", "name", "effective_from", "effective_to", "online_level")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    search_fields = ["code", "versions__name"]
    inlines = [VersionSummaryInline]


class VariantInline(admin.TabularInline):
    model = ProcedureVariant
    extra = 0


class DocumentInline(admin.StackedInline):
    model = DocumentRequirement
    extra = 0
    raw_id_fields = ["variants"]


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0
    raw_id_fields = ["variant"]


class StepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "name", "number", "field", "online_level", "effective_from"]
    list_filter = ["field", "online_level"]
    search_fields = ["procedure__code", "name", "search_text"]
    list_select_related = ["procedure", "field"]
    raw_id_fields = ["procedure", "agencies"]
    readonly_fields = ["imported_at"]
    inlines = [VariantInline, DocumentInline, FeeInline, StepInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        refresh_version(form.instance)
