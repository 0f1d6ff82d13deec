import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from tests.factories import FIXTURES

pytestmark = pytest.mark.django_db


def test_import_procedures_reports_what_it_loaded():
    out = StringIO()
    call_command("import_procedures", str(FIXTURES / "catalogue-small.yaml"), stdout=out)
    assert "2 created" in out.getvalue()
    assert Procedure.objects.count() == 2


def test_a_bad_file_prints_each_problem_and_fails(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("format: motcua-catalogue/1\nprocedures:\n  - code: abc\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_procedures", str(path), stderr=err)
    assert "dòng 3" in err.getvalue()
    assert Procedure.objects.count() == 0


def test_export_procedures_writes_json(tmp_path):
    call_command("import_procedures", str(FIXTURES / "catalogue-small.yaml"), stdout=StringIO())
    path = tmp_path / "out.json"
    call_command("export_procedures", str(path), stderr=StringIO())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [p["code"] for p in data["procedures"]] == ["1.001193", "1.009974"]
