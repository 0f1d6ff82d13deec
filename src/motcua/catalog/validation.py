"""Checks a loaded catalogue: the JSON Schema of the format, each form's own schema, and
the references between parts. Returns every problem at once, each with its line."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, SchemaError, ValidationError

from motcua.identity.models import Agency

from .fees import MAX_QUANTITY
from .loader import LoadedFile, Path_, Problem
from .models import Field, Procedure

SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")


@cache
def catalogue_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _describe(error: ValidationError) -> str:
    """A Vietnamese sentence for the common JSON Schema failures."""
    v = error.validator
    if v == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return _("thiếu mục bắt buộc “%(name)s”") % {"name": ", ".join(missing)}
    if v == "additionalProperties":
        return _("có mục không được phép: %(msg)s") % {"msg": error.message}
    if v in {"enum", "const"}:
        allowed = error.validator_value if v == "enum" else [error.validator_value]
        return _("giá trị %(value)r không hợp lệ; được phép: %(allowed)s") % {
            "value": error.instance,
            "allowed": ", ".join(map(str, allowed)),
        }
    if v == "type":
        return _("giá trị %(value)r phải có kiểu %(type)s") % {
            "value": error.instance,
            "type": error.validator_value,
        }
    if v == "format":
        return _("giá trị %(value)r không đúng định dạng %(format)s") % {
            "value": error.instance,
            "format": error.validator_value,
        }
    if v == "pattern":
        return _("giá trị %(value)r không đúng mẫu %(pattern)s") % {
            "value": error.instance,
            "pattern": error.validator_value,
        }
    if v in {"minItems", "minLength"}:
        return _("không được để trống")
    if v == "minimum":
        return _("giá trị %(value)r nhỏ hơn %(min)s") % {
            "value": error.instance,
            "min": error.validator_value,
        }
    return str(error.message)


def _schema_problems(loaded: LoadedFile) -> list[Problem]:
    errors = sorted(catalogue_validator().iter_errors(loaded.data), key=lambda e: list(e.path))
    return [loaded.problem(tuple(e.absolute_path), _describe(e)) for e in errors]


def _form_problems(loaded: LoadedFile, index: int, form: dict[str, Any]) -> list[Problem]:
    path: Path_ = ("procedures", index, "form_schema")
    try:
        Draft202012Validator.check_schema(form)
    except SchemaError as error:
        where = (*path, *error.absolute_path)
        return [
            loaded.problem(
                where, _("tờ khai không phải JSON Schema hợp lệ: %(msg)s") % {"msg": error.message}
            )
        ]
    if form.get("type") != "object":
        return [loaded.problem(path, _("tờ khai phải là một đối tượng (type: object)"))]
    return []


def _reference_problems(loaded: LoadedFile) -> list[Problem]:
    data = loaded.data
    procedures = data["procedures"]
    fields_in_file = {f["code"] for f in data.get("fields", [])}
    known_fields = fields_in_file | set(Field.objects.values_list("code", flat=True))
    codes_in_file = {p["code"] for p in procedures}
    known_codes = codes_in_file | set(Procedure.objects.values_list("code", flat=True))
    agency_ids = {a for p in procedures for a in p.get("agencies", [])}
    known_agencies = set(
        Agency.objects.filter(electronic_id__in=agency_ids).values_list("electronic_id", flat=True)
    )
    problems: list[Problem] = []
    seen = Counter((p["code"], p["effective_from"]) for p in procedures)
    for i, proc in enumerate(procedures):
        here: Path_ = ("procedures", i)
        if seen[(proc["code"], proc["effective_from"])] > 1:
            problems.append(
                loaded.problem(
                    (*here, "code"),
                    _("thủ tục %(code)s có hai phiên bản cùng ngày hiệu lực")
                    % {"code": proc["code"]},
                )
            )
        if proc["field"] not in known_fields:
            problems.append(
                loaded.problem(
                    (*here, "field"),
                    _("lĩnh vực “%(code)s” chưa được khai báo") % {"code": proc["field"]},
                )
            )
        problems += _variant_problems(loaded, here, proc)
        for j, code in enumerate(proc.get("linked_procedures", [])):
            if code not in known_codes or code == proc["code"]:
                problems.append(
                    loaded.problem(
                        (*here, "linked_procedures", j),
                        _("thủ tục liên thông %(code)s không có trong danh mục") % {"code": code},
                    )
                )
        for j, agency in enumerate(proc.get("agencies", [])):
            if agency not in known_agencies:
                problems.append(
                    loaded.problem(
                        (*here, "agencies", j), _("không có cơ quan mã %(id)s") % {"id": agency}
                    )
                )
        if "form_schema" in proc:
            problems += _form_problems(loaded, i, proc["form_schema"])
    return problems


def _variant_problems(loaded: LoadedFile, here: Path_, proc: dict[str, Any]) -> list[Problem]:
    codes = [v["code"] for v in proc["variants"]]
    problems = [
        loaded.problem((*here, "variants", j, "code"), _("mã trường hợp bị trùng"))
        for j, code in enumerate(codes)
        if code in codes[:j]
    ]
    for j, doc in enumerate(proc.get("documents", [])):
        for k, code in enumerate(doc.get("variants", [])):
            if code not in codes:
                problems.append(
                    loaded.problem(
                        (*here, "documents", j, "variants", k),
                        _("không có trường hợp “%(code)s”") % {"code": code},
                    )
                )
    for j, fee in enumerate(proc.get("fees", [])):
        if "variant" in fee and fee["variant"] not in codes:
            problems.append(
                loaded.problem(
                    (*here, "fees", j, "variant"),
                    _("không có trường hợp “%(code)s”") % {"code": fee["variant"]},
                )
            )
    return problems + _fee_problems(loaded, here, proc, codes)


def _fee_problems(
    loaded: LoadedFile, here: Path_, proc: dict[str, Any], variant_codes: list[str]
) -> list[Problem]:
    """Exemptions, counted fees and the step that collects fees refer to things that exist."""
    problems: list[Problem] = []
    questions = (proc.get("form_schema") or {}).get("properties") or {}
    for j, fee in enumerate(proc.get("fees", [])):
        name = fee.get("quantity_field")
        question = questions.get(name) or {}
        if name and question.get("type") != "integer":
            problems.append(
                loaded.problem(
                    (*here, "fees", j, "quantity_field"),
                    _("tờ khai không có câu hỏi số nguyên “%(name)s”") % {"name": name},
                )
            )
        elif name and not (
            question.get("minimum", 0) >= 1
            and question.get("maximum", MAX_QUANTITY + 1) <= MAX_QUANTITY
        ):
            # The form refuses what cannot be charged, rather than the bill quietly counting 1.
            problems.append(
                loaded.problem(
                    (*here, "fees", j, "quantity_field"),
                    _("câu hỏi “%(name)s” cần minimum từ 1 và maximum không quá %(max)s")
                    % {"name": name, "max": MAX_QUANTITY},
                )
            )
    seen: set[str] = set()
    for j, entry in enumerate(proc.get("fee_exemptions", [])):
        if not isinstance(entry, dict):
            continue
        where: Path_ = (*here, "fee_exemptions", j)
        if entry["code"] in seen:
            problems.append(loaded.problem((*where, "code"), _("mã miễn, giảm bị trùng")))
        seen.add(entry["code"])
        for k, code in enumerate(entry.get("variants", [])):
            if code not in variant_codes:
                problems.append(
                    loaded.problem(
                        (*where, "variants", k),
                        _("không có trường hợp “%(code)s”") % {"code": code},
                    )
                )
        if entry.get("valid_from", "") > entry.get("valid_until", "9999"):
            problems.append(
                loaded.problem((*where, "valid_until"), _("ngày hết hiệu lực trước ngày bắt đầu"))
            )
    problems += _collecting_step_problems(loaded, here, proc["steps"])
    return problems


def _collecting_step_problems(
    loaded: LoadedFile, here: Path_, steps: list[dict[str, Any]]
) -> list[Problem]:
    """A collecting step asks as the dossier is accepted (the desk's first step) or handed
    over to it while being processed: not a step after the decision (the last approver's)."""
    approvers = [i for i, step in enumerate(steps) if step["role"] == "approver"]
    # Without an approver the last step decides and returns: it is not reached to be paid.
    decision = approvers[-1] if approvers else len(steps) - 2
    collecting = [i for i, step in enumerate(steps) if step.get("collects_fees")]
    problems = [
        loaded.problem(
            (*here, "steps", i, "collects_fees"),
            _("chỉ thu phí ở một bước từ bước tiếp nhận đến bước phê duyệt kết quả"),
        )
        for i in collecting
        if not (0 < i <= decision or (i == 0 and steps[0]["role"] == "receiver"))
    ]
    problems += [
        loaded.problem((*here, "steps", i, "collects_fees"), _("chỉ một bước thu phí, lệ phí"))
        for i in collecting[1:]
    ]
    return problems


def validate_catalogue(loaded: LoadedFile) -> list[Problem]:
    """Every problem in the file; an empty list means it can be imported."""
    problems = _schema_problems(loaded)
    if problems:
        # References are only meaningful once the shape is right.
        return problems
    return _reference_problems(loaded)
