import hashlib

from motcua.opendata import catalogue_source, entries

from .conftest import first_version


def test_no_version_no_entry(city):
    assert [e for e in entries.entries() if e.source == "catalogue"] == []


def test_each_open_database_is_a_dataset_of_its_open_fields(city, settings):
    settings.OPENDATA_BASE_URL = "https://dulieu.hanoi.example"
    settings.PUBLIC_URL = "https://dichvucong.hanoi.example"
    first_version(city)
    found = entries.entry("csdl-ht")
    assert found is not None and entries.entry("csdl-dd") is None  # shared: not published
    assert [c.name for c in found.columns] == ["Loại sự kiện hộ tịch", "Ngày đăng ký"]
    assert found.publisher_id == "000.00.02.H26" and found.frequency == "DAILY"
    assert found.uri == "https://dulieu.hanoi.example/du-lieu-mo/csdl-ht/"
    assert found.landing_page == "https://dichvucong.hanoi.example/danh-muc-csdl/CSDL-HT/"


def test_the_whole_catalogue_is_one_dataset_whose_workbook_is_the_file_served(client, city):
    first_version(city)
    whole = entries.entry("danh-muc-co-so-du-lieu")
    assert whole is not None and whole.publisher_id == "000.00.00.H26"
    (xlsx,) = whole.distributions
    served = client.get("/danh-muc-csdl/danh-muc-csdl.xlsx").content
    assert xlsx.byte_size == len(served)
    assert xlsx.sha256 == hashlib.sha256(served).hexdigest()
    assert xlsx.download_url.endswith("/danh-muc-csdl/danh-muc-csdl.xlsx")


def test_slugs_come_from_the_code_and_never_double_the_prefix():
    assert catalogue_source.slug_of("CSDL-HKTT") == "csdl-hktt"
    assert catalogue_source.slug_of("HT") == "csdl-ht"
