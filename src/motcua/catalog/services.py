"""Writing the catalogue: import (all or nothing) and export in the same format."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.identity.models import Agency

from .loader import CatalogueFileError, LoadedFile, Problem
from .models import (
    DocumentRequirement,
    Fee,
    Field,
    Procedure,
    ProcedureStep,
    ProcedureVariant,
    ProcedureVersion,
)
from .validation import validate_catalogue

FORMAT = "motcua-catalogue/1"
_DOC_DEFAULTS = {"originals": 1, "copies": 0, "submission": "submit", "mandatory": True}
_OPTIONAL_LISTS = (
    "agencies", "agency_kinds", "results", "legal_basis", "requirements", "fee_exemptions",
    "documents", "fees", "linked_procedures",
)  # fmt: skip


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    fields: int = 0


def normalise(entry: dict[str, Any]) -> dict[str, Any]:
    """The canonical form of one procedure entry: defaults filled, so that an export and
    the file it came from hash the same."""
    out = dict(entry)
    for key in _OPTIONAL_LISTS:
        out.setdefault(key, [])
    for key in ("name_en", "implementing_agency", "summary"):
        out.setdefault(key, "")
    out.setdefault("form_schema", {})
    out.setdefault("provenance", {})
    out["documents"] = [{**_DOC_DEFAULTS, **doc} for doc in out["documents"]]
    return out


def content_hash(entry: dict[str, Any]) -> str:
    canonical = json.dumps(normalise(entry), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_catalogue(loaded: LoadedFile) -> ImportReport:
    """Load a whole catalogue file, or raise CatalogueFileError and change nothing."""
    problems = validate_catalogue(loaded)
    if problems:
        raise CatalogueFileError(problems)
    report = ImportReport()
    with transaction.atomic():
        for item in loaded.data.get("fields", []):
            Field.objects.update_or_create(
                code=item["code"],
                defaults={"name": item["name"], "name_en": item.get("name_en", "")},
            )
            report.fields += 1
        for entry in loaded.data["procedures"]:
            _import_procedure(normalise(entry), report)
    return report


def _import_procedure(entry: dict[str, Any], report: ImportReport) -> None:
    procedure, _created = Procedure.objects.get_or_create(code=entry["code"])
    label = f"{entry['code']}@{entry['effective_from']}"
    digest = content_hash(entry)
    start = date.fromisoformat(entry["effective_from"])
    version = procedure.versions.filter(effective_from=start).first()
    if version is not None and version.content_hash == digest:
        report.unchanged.append(label)
        return
    if version is None:
        number = (
            procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = ProcedureVersion(procedure=procedure, number=number, effective_from=start)
        report.created.append(label)
    else:
        # Same effective date means a correction of that version, not a new one — unless
        # dossiers were submitted under it: they keep the version they were submitted under.
        try:
            version.variants.all().delete()
        except ProtectedError as error:
            message = _(
                "phiên bản này đã có hồ sơ nộp theo nên không sửa được; hãy công bố "
                "phiên bản mới với ngày hiệu lực sau (effective_from)."
            )
            raise CatalogueFileError([Problem(None, label, message)]) from error
        version.documents.all().delete()
        version.fees.all().delete()
        version.steps.all().delete()
        report.replaced.append(label)
    _fill_version(version, entry, digest)
    _chain_versions(procedure)


def _fill_version(version: ProcedureVersion, entry: dict[str, Any], digest: str) -> None:
    field_ = Field.objects.get(code=entry["field"])
    version.name = entry["name"]
    version.name_en = entry["name_en"]
    version.field = field_
    version.search_text = fold(f"{entry['code']} {entry['name']} {field_.name}")
    version.levels = "," + ",".join(entry["levels"]) + ","
    version.implementing_agency = entry["implementing_agency"]
    version.online_level = entry["online_level"]
    version.applicant_types = entry["applicant_types"]
    for key in (
        "summary",
        "results",
        "legal_basis",
        "requirements",
        "fee_exemptions",
        "form_schema",
        "provenance",
    ):
        setattr(version, key, entry[key])
    version.linked_codes = entry["linked_procedures"]
    version.agency_kinds = entry["agency_kinds"]
    version.result_template = entry.get("result_template", "")
    version.content_hash = digest
    version.save()
    version.agencies.set(Agency.objects.filter(electronic_id__in=entry["agencies"]))
    variants = {
        v["code"]: ProcedureVariant.objects.create(
            version=version,
            position=i,
            code=v["code"],
            name=v["name"],
            time_limit=Decimal(str(v["time_limit"]["value"])),
            time_unit=v["time_limit"]["unit"],
            time_note=v["time_limit"].get("note", ""),
        )
        for i, v in enumerate(entry["variants"])
    }
    for i, doc in enumerate(entry["documents"]):
        requirement = DocumentRequirement.objects.create(
            version=version,
            position=i,
            name=doc["name"],
            originals=doc["originals"],
            copies=doc["copies"],
            submission=doc["submission"],
            mandatory=doc["mandatory"],
            condition=doc.get("condition", ""),
            template=doc.get("template", ""),
        )
        requirement.variants.set([variants[c] for c in doc.get("variants", [])])
    Fee.objects.bulk_create(
        Fee(
            version=version,
            position=i,
            kind=f["kind"],
            name=f["name"],
            amount=f["amount"],
            variant=variants.get(f.get("variant", "")),
            unit=f.get("unit", ""),
            quantity_field=f.get("quantity_field", ""),
            legal_basis=f.get("legal_basis", ""),
            note=f.get("note", ""),
            confidence=f.get("confidence", ""),
        )
        for i, f in enumerate(entry["fees"])
    )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(version=version, position=i + 1, name=s["name"], role=s["role"],
                      unit_level=s["unit_level"], working_hours=Decimal(str(s["working_hours"])),
                      collects_fees=s.get("collects_fees", False),
                      description=s.get("description", ""))
        for i, s in enumerate(entry["steps"])
    )  # fmt: skip


def refresh_version(version: ProcedureVersion) -> None:
    """Recompute what a version derives from its content after an edit outside the importer
    (the admin), so search and the unchanged-on-reimport check stay true."""
    version.search_text = fold(f"{version.procedure.code} {version.name} {version.field.name}")
    version.content_hash = content_hash(export_version(version))
    version.save(update_fields=["search_text", "content_hash"])


def _chain_versions(procedure: Procedure) -> None:
    """Each version is in force until the next one starts."""
    versions = list(procedure.versions.order_by("effective_from"))
    for current, following in zip(versions, [*versions[1:], None], strict=True):
        end = following.effective_from if following else None
        if current.effective_to != end:
            current.effective_to = end
            current.save(update_fields=["effective_to"])


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def export_version(version: ProcedureVersion) -> dict[str, Any]:
    variants = list(version.variants.all())
    entry: dict[str, Any] = {
        "code": version.procedure.code,
        "name": version.name,
        "name_en": version.name_en,
        "field": version.field.code,
        "effective_from": version.effective_from.isoformat(),
        "levels": version.level_list,
        "implementing_agency": version.implementing_agency,
        "agencies": [a.electronic_id for a in version.agencies.all()],
        "agency_kinds": version.agency_kinds,
        "online_level": version.online_level,
        "applicant_types": version.applicant_types,
        "summary": version.summary,
        "results": version.results,
        # Written only when set, so that a catalogue without it exports as it was read.
        **({"result_template": version.result_template} if version.result_template else {}),
        "legal_basis": version.legal_basis,
        "requirements": version.requirements,
        "fee_exemptions": version.fee_exemptions,
        "variants": [_export_variant(v) for v in variants],
        "documents": [_export_document(d) for d in version.documents.all()],
        "fees": [_export_fee(f) for f in version.fees.all()],
        "steps": [_export_step(s) for s in version.steps.all()],
        "form_schema": version.form_schema,
        "linked_procedures": version.linked_codes,
        "provenance": version.provenance,
    }  # fmt: skip
    return {k: v for k, v in entry.items() if v not in ("", [], {})}


def _export_step(step: ProcedureStep) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": step.name, "role": step.role, "unit_level": step.unit_level,
        "working_hours": _number(step.working_hours),
    }  # fmt: skip
    if step.collects_fees:
        out["collects_fees"] = True
    if step.description:
        out["description"] = step.description
    return out


def _export_variant(variant: ProcedureVariant) -> dict[str, Any]:
    limit: dict[str, Any] = {"value": _number(variant.time_limit), "unit": variant.time_unit}
    if variant.time_note:
        limit["note"] = variant.time_note
    return {"code": variant.code, "name": variant.name, "time_limit": limit}


def _export_document(doc: DocumentRequirement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": doc.name, "originals": doc.originals, "copies": doc.copies,
        "submission": doc.submission, "mandatory": doc.mandatory,
    }  # fmt: skip
    for key in ("condition", "template"):
        if getattr(doc, key):
            out[key] = getattr(doc, key)
    codes = [v.code for v in doc.variants.all()]
    if codes:
        out["variants"] = codes
    return out


def _export_fee(fee: Fee) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": fee.kind, "name": fee.name, "amount": fee.amount}
    for key in ("unit", "quantity_field", "legal_basis", "note", "confidence"):
        if getattr(fee, key):
            out[key] = getattr(fee, key)
    if fee.variant_id:
        out["variant"] = fee.variant.code  # type: ignore[union-attr]
    return out


def export_catalogue() -> dict[str, Any]:
    versions = (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related("agencies", "variants", "documents__variants", "fees__variant", "steps")
        .order_by("procedure__code", "effective_from")
    )
    field_codes = {v.field.code for v in versions}
    fields = [
        {k: v for k, v in {"code": f.code, "name": f.name, "name_en": f.name_en}.items() if v}
        for f in Field.objects.filter(code__in=field_codes).order_by("code")
    ]
    return {
        "format": FORMAT,
        "fields": fields,
        "procedures": [export_version(v) for v in versions],
    }
