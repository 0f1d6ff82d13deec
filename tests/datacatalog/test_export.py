import io

from openpyxl import load_workbook

from motcua.datacatalog import export

from .conftest import first_version


def test_a_version_exports_a_sheet_of_databases_and_a_sheet_of_fields(city):
    version = first_version(city)
    book = load_workbook(io.BytesIO(export.as_xlsx([version])))
    databases, fields = book.worksheets
    rows = list(databases.iter_rows(values_only=True))
    assert rows[0][:3] == ("Phiên bản", "Mã cơ sở dữ liệu", "Tên cơ sở dữ liệu")
    assert [(r[0], r[1], r[11]) for r in rows[1:]] == [
        (1, "CSDL-DD", "Chia sẻ giữa các cơ quan"), (1, "CSDL-HT", "Mở (công khai)")]  # fmt: skip
    field_rows = list(fields.iter_rows(values_only=True))[1:]
    assert len(field_rows) == 5
    assert ("CSDL-HT", "Số định danh cá nhân", "Có", "Hạn chế") in {
        (r[1], r[3], r[6], r[7]) for r in field_rows}  # fmt: skip


def test_the_workbook_served_is_the_same_bytes_each_time(city):
    version = first_version(city)
    assert export.workbook([version]) == export.workbook([version])
