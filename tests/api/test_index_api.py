"""GET /api/v1/index/versions, /api/v1/index, /api/v1/rankings, /api/v1/index/dossiers: the
synthetic month of tests/reporting (known answers) read through the API."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from motcua.identity.models import Agency
from motcua.payments.models import Payment
from motcua.reporting.config import SHIPPED, get_version
from motcua.reporting.index import unit_index
from motcua.reporting.periods import Period
from motcua.reporting.rankings import publish
from tests.dossiers.world import local
from tests.factories import make_unit
from tests.reporting import conftest as synthetic
from tests.reporting.conftest import _accepted, _decide, _to_approver

from .test_reads_write_nothing import WRITES

NOVEMBER = Period.month(2026, 11)
# The synthetic November of the ward's committee, and a city above both wards' committees.
month = synthetic.month
city = synthetic.city

DECEMBER_10 = local(2026, 12, 10, 9, 0)


@pytest.fixture(autouse=True)
def in_december():
    # November is over and judged at its end, whatever day the suite runs.
    with time_machine.travel(DECEMBER_10, tick=False):
        yield


@pytest.fixture
def ranked_from_one(tmp_path: Path):
    """A province's own version (the revised one, ranking from one dossier received)."""
    text = (SHIPPED / "766-2025.yaml").read_text(encoding="utf-8")
    text = text.replace('code: "766-2025"', 'code: "tinh-1"').replace(
        "minimum_dossiers: 10", "minimum_dossiers: 1"
    )
    (tmp_path / "tinh-1.yaml").write_text(text, encoding="utf-8")
    with override_settings(MOTCUA_INDEX_VERSIONS_DIR=str(tmp_path)):
        yield get_version("tinh-1")


def _index(client, **params):
    return client.get("/api/v1/index", {"period": "2026-11", **params})


# --- versions ---------------------------------------------------------------------------------


def test_the_versions_are_public_with_each_indicators_definition(client, db):
    response = client.get("/api/v1/index/versions")
    assert response.status_code == 200
    found = {v["code"]: v for v in response.json()}
    assert {"766-2022", "766-2025"} <= set(found)
    revised = found["766-2025"]
    assert revised["minimum_dossiers"] == 10 and revised["in_force_from"] == "2025-07-01"
    specs = {i["code"]: i for g in revised["groups"] for i in g["indicators"]}
    on_time = specs["2.1"]
    assert (on_time["points"], on_time["threshold"], on_time["measured"]) == ("20", "100", True)
    assert "ngày hẹn trả" in on_time["definition"]["counted"]
    assert specs["2.2"]["unit"] == "days"
    assert specs["1.1"]["measured"] is False and specs["1.1"]["definition"] is None


# --- one unit's index -------------------------------------------------------------------------


def test_a_units_index_gives_the_figures_computed_by_hand(client, world, month):
    response = _index(client, unit=world.committee.electronic_id)
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"electronic_id": "000.01.99.H26", "name": "UBND Phường Hoàn Kiếm"}
    assert body["period"] == {
        "key": "2026-11", "kind": "month", "start": "2026-11-01", "end": "2026-11-30",
        "label": "Tháng 11/2026",
    }  # fmt: skip
    assert (body["version"], body["judged_on"], body["received"]) == ("766-2025", "2026-11-30", 6)
    indicators = {i["code"]: i for g in body["groups"] for i in g["indicators"]}
    on_time = indicators["2.1"]
    assert (on_time["numerator"], on_time["denominator"]) == (3, 5)
    assert (on_time["ratio"], on_time["points"]) == ("60.00", "12.00")
    assert on_time["parts"]["open_late"] == 1 and on_time["has_data"] is True
    assert "Hồ sơ kết thúc trong kỳ" in on_time["definition"]["formula"]
    assert indicators["1.1"]["has_data"] is False and indicators["1.1"]["ratio"] is None
    assert indicators["2.2"]["value"] is not None and indicators["2.2"]["ratio"] is None
    expected = unit_index(world.committee, NOVEMBER)
    assert body["total"] == str(expected.total)
    assert (body["points"], body["available"]) == (str(expected.points), str(expected.available))


def test_another_version_and_the_current_month_by_default(client, world, month):
    older = _index(client, unit=world.committee.electronic_id, version="766-2022").json()
    assert older["version"] == "766-2022"
    current = client.get("/api/v1/index", {"unit": world.committee.electronic_id}).json()
    assert current["period"]["key"] == "2026-12" and current["judged_on"] == "2026-12-10"


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"unit": "000.99.99.H26"}, 404, "Không tìm thấy đơn vị"),
        ({"period": "2026-13"}, 400, "Kỳ không hợp lệ"),
        ({"period": "2026-11-30..2026-11-01"}, 400, "Ngày kết thúc"),
        ({"period": "1999"}, 400, "2000–2100"),
        ({"version": "khong-co"}, 400, "Không có phiên bản bộ chỉ số mã khong-co"),
    ],
)
def test_a_bad_query_is_refused_in_vietnamese(client, world, params, status, message):
    response = _index(client, **{"unit": world.committee.electronic_id, **params})
    assert response.status_code == status
    assert message in response.json()["detail"]


# --- rankings ---------------------------------------------------------------------------------


def test_the_ranking_lists_apart_the_units_with_too_few_dossiers(client, world, month, city):
    response = client.get(
        "/api/v1/rankings", {"parent": city.electronic_id, "level": "commune", "period": "2026-11"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["parent"]["electronic_id"] == city.electronic_id
    assert (body["minimum_dossiers"], body["published"], body["rows"]) == (10, None, [])
    apart = {row["unit"]["electronic_id"]: row for row in body["unranked"]}
    assert set(apart) == {world.committee.electronic_id, world.committee2.electronic_id}
    mine = apart[world.committee.electronic_id]
    assert (mine["rank"], mine["received"], mine["recomputed"]) == (None, 6, None)
    assert mine["total"] == str(unit_index(world.committee, NOVEMBER).total)
    assert [g["code"] for g in body["groups"]] == list(mine["groups"])


def test_a_ranked_unit_has_its_rank_and_the_change_since_the_previous_period(
    client, world, month, city, ranked_from_one
):
    october = _accepted(world, local(2026, 10, 5, 8, 0))
    _to_approver(world, october, local(2026, 10, 5, 8, 5))
    _decide(world, october, local(2026, 10, 5, 9, 0))
    body = client.get(
        "/api/v1/rankings",
        {"parent": city.electronic_id, "period": "2026-11", "version": "tinh-1"},
    ).json()
    assert (body["version"], body["minimum_dossiers"]) == ("tinh-1", 1)
    [row] = body["rows"]
    assert row["unit"]["electronic_id"] == world.committee.electronic_id
    assert (row["rank"], row["previous_rank"], row["change"]) == (1, 1, 0)
    assert [r["unit"]["electronic_id"] for r in body["unranked"]] == [
        world.committee2.electronic_id
    ]


def test_a_published_ranking_answers_frozen_with_what_was_recomputed(
    client, world, month, city, ranked_from_one
):
    snapshot = publish(city, "commune", NOVEMBER, version=ranked_from_one)
    params = {"parent": city.electronic_id, "period": "2026-11", "version": "tinh-1"}
    before = client.get("/api/v1/rankings", params).json()
    assert before["published"]["snapshot_id"] == snapshot.pk
    assert before["rows"][0]["recomputed"] is None
    Payment.objects.create(  # a fee paid online in December for a dossier of November
        dossier=month["early"], agency=world.committee, provider="vnpay", reference="T1",
        amount=50_000, status="paid",
    )  # fmt: skip
    after = client.get("/api/v1/rankings", params).json()
    [row] = after["rows"]
    frozen = {k: v for k, v in row.items() if k != "recomputed"}
    assert frozen == {k: v for k, v in before["rows"][0].items() if k != "recomputed"}
    changes = {c["indicator"]: c for c in row["recomputed"]["changes"]}
    assert changes["3.6"]["published"] is None
    assert (changes["3.6"]["now"]["numerator"], changes["3.6"]["now"]["denominator"]) == (1, 1)
    assert row["recomputed"]["total"] == str(unit_index(world.committee, NOVEMBER).total)


def test_the_ranking_defaults_to_the_provinces_committee(client, world, city):
    body = client.get("/api/v1/rankings", {"level": "department", "period": "2026-11"}).json()
    assert body["parent"]["electronic_id"] == city.electronic_id
    assert body["level"] == "department"


def test_without_a_province_committee_the_parent_must_be_named(client, world):
    response = client.get("/api/v1/rankings")
    assert response.status_code == 404
    assert "hãy chọn đơn vị cấp trên" in response.json()["detail"]


# --- the dossiers behind a figure -------------------------------------------------------------


def _dossiers(caller, unit, **params):
    return caller.get(
        "/index/dossiers",
        {"unit": unit.electronic_id, "period": "2026-11", "indicator": "2.1", **params},
    )


def test_an_officer_lists_the_dossiers_behind_a_figure(world, month, as_user):
    leader = as_user(world["approver"])
    counted = _dossiers(leader, world.committee, page_size=2)
    assert counted.status_code == 200
    body = counted.json()
    assert (body["count"], len(body["items"]), body["list"]) == (5, 2, "counted")
    assert all(item["counted"] for item in body["items"])
    numerator = _dossiers(leader, world.committee, list="numerator").json()
    assert numerator["count"] == 3 and all(i["in_numerator"] for i in numerator["items"])
    outside = _dossiers(leader, world.committee, list="outside").json()["items"]
    late = next(i for i in outside if i["code"] == month["unfinished, past due"].code)
    assert late["late_from"] is not None and late["rule"] == "open"
    assert late["procedure_code"] == "1.000001" and late["agency"] == "000.01.99.H26"
    excluded = _dossiers(leader, world.committee, list="excluded").json()["items"]
    rules = {i["rule"]: i for i in excluded}
    assert {"withdrawn", "refused_at_intake"} <= set(rules)
    assert rules["withdrawn"]["rule_text"].startswith("Công dân rút hồ sơ")
    assert rules["withdrawn"]["verdict"] == "excluded" and not rules["withdrawn"]["counted"]


def test_only_officers_who_may_see_the_unit_list_its_dossiers(client, world, month, city, as_user):
    other_ward = _dossiers(as_user(world["specialist2"]), world.committee)
    assert other_ward.status_code == 404
    assert "Không tìm thấy đơn vị" in other_ward.json()["detail"]
    above_mine = _dossiers(as_user(world["approver"]), city)  # the city is not the ward's
    assert above_mine.status_code == 404
    assert _dossiers(as_user(world["citizen"]), world.committee).status_code == 403
    anonymous = client.get(
        "/api/v1/index/dossiers", {"unit": world.committee.electronic_id, "indicator": "2.1"}
    )
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("indicator", "message"),
    [
        ("3.1", "không được tính từ từng hồ sơ"),  # procedures
        ("5.2", "không được tính từ từng hồ sơ"),  # feedback items
        ("1.1", "không được tính từ từng hồ sơ"),  # no data on the platform
        ("9.9", "không có chỉ tiêu 9.9"),
    ],
)
def test_a_figure_not_made_of_dossiers_has_no_list(world, as_user, indicator, message):
    response = _dossiers(as_user(world["approver"]), world.committee, indicator=indicator)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_a_ranking_asks_the_database_as_often_for_five_wards_as_for_two(client, world, month, city):
    params = {"parent": city.electronic_id, "period": "2026-11"}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/rankings", params).status_code == 200
        return len(captured)

    queries()  # the first request of a process reads what is then cached
    two = queries()
    for n in range(3):
        ward = make_unit(f"0009{n}", f"Phường thử {n}", "commune", world.ward.parent)
        Agency.objects.create(electronic_id=f"000.0{n + 3}.99.H26", name=f"UBND Phường thử {n}",
                              kind="peoples_committee", unit=ward, parent=city)  # fmt: skip
    assert len(client.get("/api/v1/rankings", params).json()["unranked"]) == 5
    assert queries() == two


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/index", {"unit": "000.01.99.H26", "period": "2026-11"}),
        ("/api/v1/rankings", {"parent": "000.00.00.H99", "period": "2026-11"}),
        ("/api/v1/index/versions", {}),
    ],
)
def test_the_public_figures_write_nothing(client, world, month, city, path, params):
    # Read by every visitor of the ranking: on SQLite a write or an atomic() would queue each
    # read behind the submissions (see test_reads_write_nothing.py).
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    written = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(WRITES)]
    assert written == []
