import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from motcua.catalog.loader import CatalogueFileError, load_file, load_text
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.services import export_catalogue, import_catalogue
from motcua.identity.models import Agency
from tests.factories import FIXTURES, import_small_catalogue, make_unit

pytestmark = pytest.mark.django_db
SMALL = (FIXTURES / "catalogue-small.yaml").read_text(encoding="utf-8")


def problems_of(text: str, *, is_json: bool = False) -> list:
    with pytest.raises(CatalogueFileError) as error:
        import_catalogue(load_text(text, is_json=is_json))
    return error.value.problems


def test_a_valid_file_creates_every_part_of_a_procedure():
    report = import_small_catalogue()
    assert report.created == ["1.001193@2025-07-01", "1.009974@2025-07-01"]
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert version.variants.get().working_hours == 8
    assert [d.mandatory for d in version.documents.all()] == [True, True, False]
    assert [f.amount for f in version.fees.all()] == [0, 8000]
    assert [s.role for s in version.steps.all()] == ["receiver", "specialist", "approver"]
    assert version.form_schema["title"] == "Tờ khai đăng ký khai sinh"
    assert version.legacy_online_level == 4
    assert version.is_unsure("online_level")


def test_importing_the_same_file_again_changes_nothing():
    import_small_catalogue()
    report = import_small_catalogue()
    assert report.created == [] and report.replaced == []
    assert len(report.unchanged) == 2


def test_a_later_effective_date_makes_a_new_version_and_closes_the_old_one():
    import_small_catalogue()
    newer = SMALL.replace(
        "effective_from: 2025-07-01\n    levels: [commune]\n    implementing_agency",
        "effective_from: 2026-03-01\n    levels: [commune]\n    implementing_agency",
    )
    report = import_catalogue(load_text(newer, is_json=False))
    assert report.created == ["1.001193@2026-03-01"]
    old, new = ProcedureVersion.objects.filter(procedure__code="1.001193").order_by("number")
    assert (old.effective_to, new.number, new.effective_to) == (date(2026, 3, 1), 2, None)
    assert (
        ProcedureVersion.objects.in_force(date(2026, 2, 28)).get(procedure__code="1.001193") == old
    )
    assert (
        ProcedureVersion.objects.in_force(date(2026, 3, 1)).get(procedure__code="1.001193") == new
    )


def test_the_same_effective_date_with_new_content_replaces_that_version():
    import_small_catalogue()
    changed = SMALL.replace("amount: 8000", "amount: 10000")
    report = import_catalogue(load_text(changed, is_json=False))
    assert report.replaced == ["1.001193@2025-07-01"]
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert [f.amount for f in version.fees.all()] == [0, 10000]


def test_a_missing_key_is_reported_with_its_line():
    broken = SMALL.replace("    online_level: partial\n", "")
    [problem] = problems_of(broken)
    assert problem.location == "procedures[1]"
    assert "online_level" in problem.message
    # The mapping of that procedure starts on the line of its first key.
    assert problem.line == SMALL.splitlines().index('  - code: "1.009974"') + 1


def test_a_bad_enum_value_points_at_its_own_line():
    broken = SMALL.replace(
        "role: approver, unit_level: province", "role: boss, unit_level: province"
    )
    [problem] = problems_of(broken)
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "role: boss" in text)
    assert (problem.line, problem.location) == (line, "procedures[1].steps[2].role")
    assert "boss" in problem.message


def test_every_problem_is_reported_at_once_and_nothing_is_written():
    broken = SMALL.replace("field: xay-dung", "field: khong-co").replace(
        'linked_procedures: ["1.001193"]', 'linked_procedures: ["9.999999"]'
    )
    problems = problems_of(broken)
    assert {p.location for p in problems} == {
        "procedures[1].field",
        "procedures[1].linked_procedures[0]",
    }
    assert Procedure.objects.count() == 0


def test_an_invalid_form_schema_is_refused():
    broken = SMALL.replace(
        "child_name: {type: string, title: Họ tên trẻ}",
        "child_name: {type: strin, title: Họ tên trẻ}",
    )
    [problem] = problems_of(broken)
    assert problem.location.startswith("procedures[0].form_schema")
    assert "JSON Schema" in problem.message


def test_a_yaml_syntax_error_gives_its_line():
    [problem] = problems_of("format: motcua-catalogue/1\nprocedures:\n  - code: [\n")
    assert problem.line == 4 and "YAML" in problem.message


def test_a_json_syntax_error_gives_its_line():
    [problem] = problems_of(
        '{\n  "format": "motcua-catalogue/1",\n  "procedures": [,]\n}', is_json=True
    )
    assert problem.line == 3 and "JSON" in problem.message


def test_json_files_get_line_numbers_too(tmp_path: Path):
    data = yaml.safe_load(SMALL)
    data["procedures"][0]["effective_from"] = "2025-07-01"
    data["procedures"][1]["effective_from"] = "2025-07-01"
    data["procedures"][1]["online_level"] = "level-4"
    path = tmp_path / "catalogue.json"

    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(CatalogueFileError) as error:
        import_catalogue(load_file(path))
    [problem] = error.value.problems
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "level-4" in t)
    assert problem.line == line


def test_a_duplicate_variant_code_is_refused():
    broken = SMALL.replace(
        '- code: "01"\n        name: Nhà ở riêng lẻ',
        '- code: "01"\n        name: Nhà ở riêng lẻ\n'
        "        time_limit: {value: 1, unit: working_days}\n"
        '      - code: "01"\n        name: Khác',
    )
    assert any("trùng" in p.message for p in problems_of(broken))


def test_export_then_import_round_trips_without_change():
    import_small_catalogue()
    exported = yaml.safe_dump(export_catalogue(), allow_unicode=True, sort_keys=False)
    report = import_catalogue(load_text(exported, is_json=False))
    assert len(report.unchanged) == 2 and not report.created and not report.replaced


def test_an_edit_outside_the_importer_keeps_search_and_the_hash_true():
    from motcua.catalog.services import refresh_version

    import_small_catalogue()
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    version.name = "Đăng ký khai sinh lưu động"
    version.save()
    refresh_version(version)
    assert ProcedureVersion.objects.matching("luu dong").get() == version
    exported = yaml.safe_dump(export_catalogue(), allow_unicode=True, sort_keys=False)
    assert len(import_catalogue(load_text(exported, is_json=False)).unchanged) == 2


def test_the_demo_catalogue_loads_and_covers_what_the_demo_promises():
    from motcua.demo.services import CATALOGUE

    # Procedures handled by a named city department need that agency first (the demo
    # command loads agencies before the catalogue).
    hanoi = make_unit("01", "Thành phố Hà Nội", "province")
    Agency.objects.create(
        electronic_id="000.00.02.H26", name="Sở Tư pháp", kind="department", unit=hanoi
    )
    report = import_catalogue(load_file(CATALOGUE))
    assert len(report.created) >= 30
    fields = set(ProcedureVersion.objects.values_list("field__code", flat=True))
    assert {
        "ho-tich",
        "chung-thuc",
        "ly-lich-tu-phap",
        "xay-dung",
        "dat-dai",
        "bao-tro-xa-hoi",
        "kinh-te-ho-kinh-doanh",
    } <= fields
    levels = "".join(ProcedureVersion.objects.values_list("levels", flat=True))
    assert ",province," in levels and ",commune," in levels
    linked = ProcedureVersion.objects.exclude(linked_codes=[])
    assert linked.filter(name__icontains="thường trú").exists()
