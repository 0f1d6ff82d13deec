"""The server-drawn SVG charts: parsed as XML, with their marks, printed values, accessible
names, gaps for missing data, escaping, and the table rendered beside each."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from motcua.reporting.charts import Chart, Series, figure, number

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def units_chart(**extra) -> Chart:
    return Chart(
        kind="bars", ident="qua-han", title="Hồ sơ quá hạn theo đơn vị",
        category_header="Đơn vị", categories=["UBND Phường A", "UBND Phường B"],
        series=[Series("Quá hạn", [12, 1234])], unit="hồ sơ", **extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "written"),
    [(1234.5, "1.234,5"), (Decimal("97.25"), "97,3"), (100, "100"), (0, "0"),
     (Decimal("1234567"), "1.234.567"), (None, "—"), (Decimal("-2.5"), "-2,5")],
)  # fmt: skip
def test_numbers_are_written_the_vietnamese_way(value, written):
    assert number(value) == written


def test_a_percent_carries_its_sign_and_a_missing_value_says_so():
    assert figure(Decimal("97.28"), "%") == "97,3%"
    assert figure(None, "%") == "—"
    assert figure(3, "hồ sơ") == "3 hồ sơ"


def test_a_bar_chart_draws_one_bar_per_unit_with_its_value_printed():
    root = parsed(units_chart())
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "qua-han-title qua-han-desc"
    assert root.find(f"{SVG}title").get("id") == "qua-han-title"
    assert root.get("viewBox").startswith("0 0 640 ")
    bars = [
        r for g in root.iter(f"{SVG}g") if g.get("class") == "bar" for r in g.iter(f"{SVG}rect")
    ]
    assert len(bars) == 2
    # the longest value spans the scale, the other in proportion
    widths = [float(b.get("width")) for b in bars]
    assert widths[1] == pytest.approx(310) and widths[0] == pytest.approx(310 * 12 / 1234, abs=0.1)
    assert {"UBND Phường A", "12 hồ sơ", "1.234 hồ sơ"} <= set(texts(root))


def test_the_description_states_the_key_figures_and_the_target():
    chart = units_chart(target=100)
    desc = parsed(chart).find(f"{SVG}desc").text
    assert "UBND Phường A: 12 hồ sơ" in desc and "UBND Phường B: 1.234 hồ sơ" in desc
    assert "Mục tiêu: 100 hồ sơ" in desc
    targets = [line for line in parsed(chart).iter(f"{SVG}line") if line.get("class") == "target"]
    assert len(targets) == 1


def test_text_from_the_data_is_escaped():
    chart = Chart(
        kind="bars", ident="x", title='Đơn vị <script>alert("x")</script>',
        category_header="Đơn vị", categories=["A & B <i>"], series=[Series("n", [1])],
    )  # fmt: skip
    svg = str(chart.svg)
    assert "<script>" not in svg and "<i>" not in svg
    root = ET.fromstring(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == 'Đơn vị <script>alert("x")</script>'
    assert "A & B <i>" in texts(root)


def test_a_column_chart_per_period_prints_each_value_above_its_column():
    chart = Chart(
        kind="columns", ident="tiep-nhan", title="Tiếp nhận theo tháng", category_header="Kỳ",
        categories=["10/2026", "11/2026", "12/2026"], series=[Series("Tiếp nhận", [10, 0, 5])],
    )  # fmt: skip
    root = parsed(chart)
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect")]
    assert heights == [pytest.approx(200), 0, pytest.approx(100)]
    assert {"10", "0", "5", "10/2026", "12/2026"} <= set(texts(root))


def test_crowded_period_labels_go_on_two_lines():
    months = [f"{m:02d}/2026" for m in range(1, 13)]
    chart = Chart(kind="columns", ident="m", title="T", category_header="Tháng",
                  categories=months, series=[Series("n", list(range(12)))])  # fmt: skip
    labels = [t for t in parsed(chart).iter(f"{SVG}text") if list(t)]
    assert [span.text for span in labels[0]] == ["01", "2026"]
    assert len(labels) == 12


def test_a_line_chart_leaves_a_gap_where_a_period_has_no_data():
    chart = Chart(
        kind="line", ident="xu-huong", title="Điểm theo tháng", category_header="Kỳ",
        categories=["T1", "T2", "T3", "T4", "T5"],
        series=[Series("Tổng điểm", [Decimal("80"), Decimal("82.5"), None, Decimal(90), 91]),
                Series("Đúng hạn", [None, 50, 60, 70, None])],
        unit="%", maximum=100,
    )  # fmt: skip
    root = parsed(chart)
    series = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    first_lines = [p.get("points").split() for p in series[0].iter(f"{SVG}polyline")]
    assert [len(points) for points in first_lines] == [2, 2]  # T1–T2, then T4–T5
    assert len(list(series[1].iter(f"{SVG}polyline"))) == 1
    # different markers per series: circles for the first, squares for the second
    assert len(list(series[0].iter(f"{SVG}circle"))) == 4 + 1  # points + legend
    assert len([r for r in series[1].iter(f"{SVG}rect")]) == 3 + 1  # points + legend
    assert {"82,5%", "Tổng điểm", "Đúng hạn"} <= set(texts(root))
    assert "T3: —" in root.find(f"{SVG}desc").text


def test_a_stacked_bar_labels_each_group_and_hatches_them_apart():
    chart = Chart(
        kind="stacked", ident="nhom", title="Điểm theo nhóm", category_header="Đơn vị",
        categories=["UBND Phường A"],
        series=[Series("Công khai", [Decimal(15)]), Series("Tiến độ", [Decimal("18.5")]),
                Series("Số hóa", [None])],
        unit="điểm", maximum=100,
    )  # fmt: skip
    root = parsed(chart)
    segments = [g for g in root.iter(f"{SVG}g") if g.get("class") == "segment"]
    assert len(segments) == 2 + 3  # two with points, three legend swatches
    fills = {r.get("fill") for s in segments for r in s.iter(f"{SVG}rect")}
    assert "url(#nhom-stripes)" in fills  # the second group is hatched, not just coloured
    assert {"1: 15", "2: 18,5", "33,5 điểm", "3. Số hóa"} <= set(texts(root))
    assert {p.get("id") for p in root.iter(f"{SVG}pattern")} >= {"nhom-stripes", "nhom-dots"}


def test_the_partial_renders_the_chart_and_a_table_of_the_same_figures():
    html = render_to_string("reporting/chart.html", {"chart": units_chart(target=10)})
    assert (
        html.count("<svg") == 1
        and "<caption>Hồ sơ quá hạn theo đơn vị — Mục tiêu: 10 hồ sơ" in html
    )
    assert '<th scope="col">Đơn vị</th><th scope="col">Quá hạn</th>' in html
    assert '<th scope="row">UBND Phường B</th><td class="num">1.234 hồ sơ</td>' in html


def test_an_empty_chart_says_there_is_no_data():
    chart = Chart(kind="bars", ident="e", title="T", category_header="Đơn vị", categories=[],
                  series=[Series("n", [])])  # fmt: skip
    assert parsed(chart).find(f"{SVG}desc").text == "Chưa có số liệu."
    assert "Chưa có số liệu." in render_to_string("reporting/chart.html", {"chart": chart})


def test_a_chart_writes_as_many_decimals_as_it_is_given():
    chart = Chart(kind="bars", ident="p", title="Điểm", category_header="Đơn vị",
                  categories=["A"], series=[Series("Điểm", [Decimal("82.345")])],
                  places=2)  # fmt: skip
    assert "82,35" in texts(parsed(chart))
    assert chart.rows == [("A", ["82,35"])]
    assert units_chart().rows[0] == ("UBND Phường A", ["12 hồ sơ"])
