import pytest

from motcua.identity.models import AdministrativeUnit, UnitLevel
from motcua.identity.services import load_administrative_units
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def test_loading_gives_34_provinces_and_3321_communes():
    counts = load_administrative_units()
    assert (counts.provinces, counts.communes) == (34, 3321)
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).count() == 34
    assert AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).count() == 3321


def test_hanoi_keeps_code_01_and_has_126_communes():
    load_administrative_units()
    hanoi = AdministrativeUnit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert hanoi.children.count() == 126
    assert AdministrativeUnit.objects.get(code="00070").parent == hanoi


def test_loading_twice_changes_nothing():
    load_administrative_units(only_province="01")
    load_administrative_units(only_province="01")
    assert AdministrativeUnit.objects.count() == 127


def test_unit_search_ignores_diacritics():
    load_administrative_units(only_province="01")
    names = list(AdministrativeUnit.objects.matching("hoan kiem").values_list("name", flat=True))
    assert names == ["Phường Hoàn Kiếm"]


def test_a_deployment_can_keep_a_district_level():
    hanoi = make_unit("01", "Thành phố Hà Nội", UnitLevel.PROVINCE)
    district = make_unit("001", "Quận Ba Đình", UnitLevel.DISTRICT, hanoi)
    ward = make_unit("00001", "Phường Phúc Xá", UnitLevel.COMMUNE, district)
    assert ward.parent.parent == hanoi
    assert list(district.children.all()) == [ward]
