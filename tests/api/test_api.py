import pytest

from motcua.core.services import seed_holidays
from tests.factories import import_small_catalogue, make_hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    seed_holidays(years=[2026])
    import_small_catalogue()


def test_procedures_are_listed_with_a_total(client, catalogue):
    data = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"}).json()
    assert data["count"] == 1
    assert data["items"][0]["code"] == "1.001193"
    assert data["items"][0]["variants"][0]["time_unit"] == "working_days"


def test_procedures_are_paged(client, catalogue):
    data = client.get("/api/v1/procedures", {"page_size": 1, "page": 2}).json()
    assert (data["count"], len(data["items"]), data["page"]) == (2, 1, 2)


@pytest.mark.parametrize(
    "params", [{"level": "galaxy"}, {"page": 0}, {"page_size": 1000}, {"online_level": "4"}]
)
def test_bad_list_parameters_are_a_4xx_json_error(client, catalogue, params):
    response = client.get("/api/v1/procedures", params)
    assert response.status_code == 422
    assert response.json()["detail"] == "Tham số không hợp lệ."


def test_one_procedure_has_everything_published(client, catalogue):
    data = client.get("/api/v1/procedures/1.001193").json()
    assert data["fees"][1] == {
        "kind": "fee",
        "name": "Bản sao Giấy khai sinh",
        "amount": 8000,
        "unit": "đồng/bản",
        "variant": None,
        "legal_basis": "",
        "note": "",
        "verified": True,
    }
    assert [s["role"] for s in data["steps"]] == ["receiver", "specialist", "approver"]
    assert data["form_schema"]["required"] == ["child_name"]
    assert data["due_if_submitted_now"][0]["variant"] == "mac-dinh"


def test_an_unknown_procedure_is_a_404_with_a_message(client, catalogue):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert "9.999999" in response.json()["detail"]


def test_units_are_filtered_by_parent_and_level(client):
    make_hanoi()
    data = client.get("/api/v1/units", {"parent": "01", "level": "commune"}).json()
    assert data["count"] == 1 and data["items"][0]["code"] == "00070"
    assert client.get("/api/v1/units", {"level": "district"}).json()["count"] == 0


def test_one_unit_carries_its_agencies(client):
    make_hanoi()
    data = client.get("/api/v1/units/00070").json()
    assert data["agencies"][0]["electronic_id"] == "000.01.99.H26"
    assert client.get("/api/v1/units/99999").status_code == 404


def test_due_date_across_tet_in_working_days(client):
    seed_holidays(years=[2026])
    data = client.get(
        "/api/v1/calendar/due", {"start": "2026-02-13T15:30:00+07:00", "working_days": 3}
    ).json()
    assert data["due"] == "2026-02-25T15:30:00+07:00"


def test_due_date_with_the_cutoff_and_a_naive_start(client):
    seed_holidays(years=[2026])
    data = client.get(
        "/api/v1/calendar/due", {"start": "2026-02-13T15:30", "working_hours": 8, "cutoff": "true"}
    ).json()
    assert data["counting_from"] == "2026-02-23T08:00:00+07:00"
    assert data["due"] == "2026-02-23T17:00:00+07:00"


def test_due_date_in_calendar_days_rolls_off_a_day_off(client):
    seed_holidays(years=[2026])
    data = client.get(
        "/api/v1/calendar/due", {"start": "2026-02-06T09:00:00+07:00", "calendar_days": 10}
    ).json()
    assert data["due"] == "2026-02-23T08:00:00+07:00"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-13T15:30:00+07:00"},
        {"start": "2026-02-13T15:30:00+07:00", "working_days": 1, "working_hours": 8},
    ],
)
def test_due_date_needs_exactly_one_duration(client, params):
    response = client.get("/api/v1/calendar/due", params)
    assert response.status_code == 400
    assert "working_days" in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "yesterday", "working_days": 1},
        {"start": "2026-02-13T15:30:00+07:00", "working_days": -1},
        {"start": "2026-02-13T15:30:00+07:00", "calendar_days": 1.5},
    ],
)
def test_due_date_refuses_bad_values_with_422(client, params):
    assert client.get("/api/v1/calendar/due", params).status_code == 422


def test_the_openapi_document_is_served(client):
    data = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/calendar/due" in data["paths"]
    assert "/api/v1/units/{code}" in data["paths"]


def test_the_closest_name_comes_first(client, catalogue):
    from motcua.catalog.models import ProcedureVersion

    ProcedureVersion.objects.filter(procedure__code="1.009974").update(
        name="Đăng ký khai sinh kết hợp nhận cha mẹ con", search_text="dang ky khai sinh ket hop"
    )
    items = client.get("/api/v1/procedures", {"q": "khai sinh"}).json()["items"]
    assert [i["code"] for i in items] == ["1.001193", "1.009974"]


def test_the_api_docs_load_their_scripts_from_this_site_not_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("start", ["9999-12-31T08:00:00+07:00", "0001-01-01T08:00:00+07:00"])
def test_a_far_away_start_is_a_400_not_a_crash(client, start):
    response = client.get("/api/v1/calendar/due", {"start": start, "calendar_days": 3650})
    assert response.status_code == 400
    assert "1990" in response.json()["detail"]


def test_search_and_agency_filter_together(client, catalogue):
    make_hanoi()
    data = client.get("/api/v1/procedures", {"q": "khai sinh", "agency": "000.01.99.H26"}).json()
    assert [item["code"] for item in data["items"]] == ["1.001193"]
    assert client.get("/api/v1/procedures", {"agency": "999.99.99.H99"}).json()["count"] == 0


def test_every_schema_of_the_api_has_its_own_name(client):
    # Two schemas of one name become one OpenAPI component: a procedure's required papers
    # were described as issued documents, and a client generated from the document misread
    # every procedure; the evaluations' figures replaced the monthly report's.
    import importlib
    import inspect
    import pkgutil

    from pydantic import BaseModel

    import motcua.api

    owners: dict[str, list[str]] = {}
    for module_info in pkgutil.iter_modules(motcua.api.__path__):
        module = importlib.import_module(f"motcua.api.{module_info.name}")
        for name, value in vars(module).items():
            # ninja.Schema and plain pydantic models alike become components.
            schema = inspect.isclass(value) and issubclass(value, BaseModel)
            if schema and value.__module__ == module.__name__:
                owners.setdefault(name, []).append(module.__name__)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    papers = components["ProcedureOut"]["properties"]["documents"]["items"]["$ref"]
    assert papers.endswith("/RequiredDocumentOut")
