import pytest
import yaml

from motcua.catalog.loader import CatalogueFileError, load_text
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import import_catalogue

from .world import CATALOGUE


def changed_catalogue(**changes) -> str:
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    entry = next(p for p in data["procedures"] if p["code"] == "1.000001")
    entry.update(changes)
    return yaml.safe_dump(data, allow_unicode=True)


def test_a_version_with_dossiers_cannot_be_rewritten_in_place(world):
    dossier = world.submit()
    with pytest.raises(CatalogueFileError, match="đã có hồ sơ"):
        import_catalogue(load_text(changed_catalogue(name="Tên sửa"), is_json=False))
    dossier.version.refresh_from_db()
    assert dossier.version.name == "Đăng ký khai sinh"


def test_a_new_effective_date_makes_a_new_version_and_old_dossiers_keep_theirs(world):
    dossier = world.submit()
    text = changed_catalogue(name="Tên mới", effective_from="2026-12-01")
    import_catalogue(load_text(text, is_json=False))
    versions = ProcedureVersion.objects.filter(procedure__code="1.000001").order_by("number")
    assert [v.name for v in versions] == ["Đăng ký khai sinh", "Tên mới"]
    dossier.refresh_from_db()
    assert dossier.version == versions[0]
