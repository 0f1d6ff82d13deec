"""The operations dashboards: who may open which view (404 otherwise), the figures present in
both the SVG chart and its table, the leader's units worst first, the optional refresh."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.identity.models import OfficerRole
from motcua.reporting.periods import Period
from motcua.reporting.rankings import publish
from tests.dossiers.world import build_world, local, officer
from tests.reporting.helpers import accepted, with_city
from tests.test_html import JAVA, nu_errors

from .dossier_helpers import text, travel

URL = reverse("backoffice:dashboard")
SVG = "{http://www.w3.org/2000/svg}"
MONDAY_8 = local(2026, 11, 23, 8, 0)


def unit_url(agency) -> str:
    return reverse("backoffice:dashboard-unit", args=[agency.electronic_id])


@pytest.fixture
def world(db, settings):
    settings.OFFICER_2FA_REQUIRED = False
    world = build_world()
    world.city = with_city(world)
    world.people["city"] = officer("thanhpho", OfficerRole.Role.SPECIALIST, world.city)
    late = accepted(world, local(2026, 11, 16, 9, 0))
    accepted(world, MONDAY_8)
    accepted(world, MONDAY_8, agency=world.committee2)
    world.now = MONDAY_8 + timedelta(hours=2)
    assert late.due_at < world.now
    return world


def charts(response) -> dict[str, ET.Element]:
    """The page's SVG charts by their id."""
    html = response.content.decode()
    found, start = {}, html.find("<svg")
    while start != -1:
        end = html.index("</svg>", start) + len("</svg>")
        svg = ET.fromstring(html[start:end])
        found[svg.get("aria-labelledby").split()[0].removesuffix("-title")] = svg
        start = html.find("<svg", end)
    return found


def test_the_city_view_shows_the_live_figures_and_overdue_by_unit_in_chart_and_table(client, world):
    client.force_login(world["city"])
    with travel(world.now):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "backoffice/dashboard_city.html"
    figures = response.context["figures"]
    assert (figures.received_today, figures.received_month, figures.overdue) == (2, 3, 1)
    overdue = charts(response)["qua-han-theo-don-vi"]
    assert overdue.get("role") == "img"
    values = [t.text for t in overdue.iter(f"{SVG}text")]
    assert "UBND Phường Hoàn Kiếm" in values and "1" in values
    page = text(response)
    assert "Điều hành: UBND Thành phố Hà Nội" in page
    assert "Hồ sơ quá hạn hiện tại theo đơn vị" in page  # the table's caption
    assert '<th scope="row">UBND Phường Hoàn Kiếm</th><td class="num">1</td>' in (
        response.content.decode()
    )
    # every unit under the city is listed, the one with overdue dossiers first
    rows = response.context["rows"]
    assert rows[0].agency == world.committee and len(rows) == 3


def test_an_officer_sees_their_own_unit_and_gets_404_for_the_city_and_other_units(client, world):
    client.force_login(world["specialist2"])
    with travel(world.now):
        assert client.get(URL).url == unit_url(world.committee2)  # not a leader
        own = client.get(unit_url(world.committee2))
        assert own.status_code == 200
        assert own.context["figures"].received_today == 1
        assert client.get(unit_url(world.committee)).status_code == 404
        assert client.get(unit_url(world.city)).status_code == 404
        assert (
            client.get(reverse("backoffice:dashboard-unit", args=["khong-co"])).status_code == 404
        )


def test_the_city_officer_opens_any_unit_below_and_a_citizen_none(client, world):
    client.force_login(world["city"])
    with travel(world.now):
        assert client.get(unit_url(world.committee)).status_code == 200
    client.force_login(world["citizen"])
    assert client.get(URL).status_code in (302, 403)
    assert client.get(unit_url(world.committee)).status_code in (302, 403)


def test_a_leader_gets_their_units_worst_first(client, world):
    OfficerRole.objects.create(
        user=world["approver"], role=OfficerRole.Role.APPROVER, agency=world.committee2
    )
    client.force_login(world["approver"])
    with travel(world.now):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "backoffice/dashboard_leader.html"
    rows = response.context["rows"]
    assert [r.agency for r in rows] == [world.committee, world.committee2]
    assert rows[0].overdue == 1
    assert "Đơn vị cần chú ý trước" in text(response)


def test_a_units_view_has_its_trend_in_charts_and_tables(client, world):
    client.force_login(world["specialist"])
    with travel(world.now):
        response = client.get(unit_url(world.committee))
    assert response.status_code == 200
    drawn = charts(response)
    assert set(drawn) == {
        "chi-so-chinh", "diem-theo-nhom", "diem-theo-thang", "ty-le-theo-thang",
        "tiep-nhan-theo-thang",
    }  # fmt: skip
    received, rates = drawn["tiep-nhan-theo-thang"], drawn["ty-le-theo-thang"]
    assert received.find(f"{SVG}title").text == "Hồ sơ tiếp nhận theo tháng"
    columns = ["/".join(s.text for s in t) or t.text for t in received.iter(f"{SVG}text")]
    assert columns.count("11/2026") == 1 and "2" in columns  # November's two dossiers
    assert "12/2025" in columns  # twelve months back
    assert "Nộp trực tuyến — " in rates.find(f"{SVG}desc").text
    html = response.content.decode()
    assert '<th scope="row">11/2026</th><td class="num">2</td>' in html


def test_the_page_refreshes_only_when_asked(client, world):
    client.force_login(world["city"])
    with travel(world.now):
        plain = client.get(URL).content.decode()
        refreshing = client.get(URL, {"lam-moi": "60"}).content.decode()
    assert 'http-equiv="refresh"' not in plain and 'href="?lam-moi=60"' in plain
    assert '<meta http-equiv="refresh" content="60">' in refreshing
    assert "Tắt tự tải lại" in refreshing


def test_the_navigation_offers_the_dashboards_to_officers(client, world):
    client.force_login(world["specialist"])
    response = client.get(reverse("backoffice:home"))
    assert f'href="{URL}"' in response.content.decode()


@pytest.mark.html
@pytest.mark.skipif(JAVA is None, reason="the Nu HTML checker needs Java")
def test_the_three_views_are_valid_html(client, world, tmp_path):
    OfficerRole.objects.create(
        user=world["approver"], role=OfficerRole.Role.APPROVER, agency=world.committee2
    )
    pages = {}
    with travel(world.now):
        client.force_login(world["city"])
        pages["city"] = client.get(URL, {"lam-moi": "60"}).content.decode()
        pages["unit"] = client.get(unit_url(world.committee)).content.decode()
        client.force_login(world["approver"])
        pages["leader"] = client.get(URL).content.decode()
    assert nu_errors(pages, tmp_path) == []


def test_the_index_figures_come_from_the_index_in_chart_and_table(client, world):
    client.force_login(world["city"])
    with travel(world.now):
        city = client.get(URL)
        unit = client.get(unit_url(world.committee))
    index = unit.context["index"]
    assert index.agency == world.committee and index.period.key == "2026-11"
    on_time = index.indicator("2.1")
    assert on_time.ratio is not None  # the index judges the open dossiers at the period's end
    expected = f"{on_time.ratio:f}".rstrip("0").rstrip(".").replace(".", ",") + "%"
    bars = charts(unit)["chi-so-chinh"]
    assert expected in [t.text for t in bars.iter(f"{SVG}text")]
    html = unit.content.decode()
    assert f'<td class="num">{expected}</td>' in html
    assert "/can-bo/chi-so/000.01.99.H26/?ky=2026-11" in html
    groups = charts(unit)["diem-theo-nhom"]
    assert len([g for g in groups.iter(f"{SVG}g") if g.get("class") == "segment"]) >= len(
        index.groups
    )
    assert city.context["index"].agency == world.city
    assert "Xếp hạng phường, xã: Tháng 10/2026" in text(city)
    assert 'href="/xep-hang/?ky=2026-10&amp;cap=commune"' in city.content.decode()


def test_the_city_view_shows_the_first_and_last_wards_of_last_month(client, world):
    for n in range(10):  # enough to be ranked (the version's minimum)
        at = local(2026, 10, 5, 8, n)
        accepted(world, at)
        accepted(world, at, agency=world.committee2)
    client.force_login(world["city"])
    with travel(world.now):
        response = client.get(URL)
    ends = response.context["ends"]
    assert {row.name for row in ends.top} == {"UBND Phường Hoàn Kiếm", "UBND Phường Ba Đình"}
    assert ends.published_at is None
    page = text(response)
    assert "5 phường, xã dẫn đầu" in page and "UBND Phường Ba Đình" in page
    assert "chưa xếp hạng kỳ trước" in page and "Chưa công bố" in page


def test_a_published_ranking_is_shown_as_published(client, world):
    for n in range(10):
        at = local(2026, 10, 5, 8, n)
        accepted(world, at)
        accepted(world, at, agency=world.committee2)
    with travel(world.now):
        snapshot = publish(world.city, "commune", Period.month(2026, 10))
    # the frozen row is what the view shows, whatever is computed now
    snapshot.rows[0]["total"] = "12.34"
    snapshot.save()
    client.force_login(world["city"])
    with travel(world.now):
        response = client.get(URL)
    ends = response.context["ends"]
    assert ends.published_at == snapshot.published_at
    assert ends.top[0].name == snapshot.rows[0]["name"] and str(ends.top[0].total) == "12.34"
    page = text(response)
    assert "Như đã công bố lúc" in page, page[page.find("Xếp hạng phường") :][:400]
    assert "12,34" in page


def test_without_a_city_a_system_administrator_gets_every_top_unit(client, db, settings):
    settings.OFFICER_2FA_REQUIRED = False
    world = build_world()  # no city people's committee above the wards
    admin = officer("quantri", OfficerRole.Role.SYSTEM_ADMIN, world.committee)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "backoffice/dashboard_leader.html"
    assert world.committee2 in [row.agency for row in response.context["rows"]]
