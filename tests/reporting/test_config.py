"""The index's configuration: the shipped versions, a province's own file, and the checks that
refuse a wrong one; periods written both ways."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from motcua.reporting.config import SHIPPED, parse_version, version_for, versions
from motcua.reporting.index import ranking
from motcua.reporting.periods import Period, PeriodError


def test_both_structures_ship_and_a_period_takes_the_one_in_force():
    shipped = versions()
    assert {"766-2022", "766-2025"} <= set(shipped)
    assert version_for(date(2024, 5, 1)).code == "766-2022"
    assert version_for(date(2026, 11, 1)).code == "766-2025"
    for version in shipped.values():
        assert sum(g.points for g in version.groups) == 100


def _spec(**changes):
    data = yaml.safe_load((SHIPPED / "766-2025.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["groups"][0]["indicators"].append({"code": "9.9", "points": 1}), "unknown"),
        (lambda d: d["groups"][1]["indicators"][0].update(points=19), "do not add up"),
        (lambda d: d["groups"][1].update(points=19), "do not add up"),
        (lambda d: d["groups"][1]["indicators"][0].update(threshold=0), "threshold"),
        (lambda d: d["groups"][1]["indicators"][0].update(measure="nothing"), "unknown measure"),
        (lambda d: d.pop("code"), "'code' is missing"),
    ],
)
def test_a_wrong_version_is_refused_saying_where(change, message):
    data = _spec()
    change(data)
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_version(data, "tinh.yaml")


def test_a_provinces_file_replaces_a_shipped_version_and_moves_the_ranking(
    world, month, city, settings, tmp_path: Path
):
    november = Period.month(2026, 11)
    settings.MOTCUA_RANKINGS = []
    before = ranking(city, "commune", november, with_previous=False)
    ours = next(r for r in before.unranked if r.agency == world.committee)
    data = _spec(minimum_dossiers=1)
    for group in data["groups"]:  # all the weight of group 2 on 2.1, of group 3 on 3.3
        if group["code"] == "3":
            for item in group["indicators"]:
                item["points"] = 22 if item["code"] == "3.3" else 0
    (tmp_path / "hanoi.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    settings.MOTCUA_INDEX_VERSIONS_DIR = str(tmp_path)
    after = ranking(city, "commune", november, with_previous=False)
    [row] = [r for r in after.rows if r.agency == world.committee]  # ranked now: minimum 1
    assert row.rank == 1
    assert row.index.indicator("3.3").points == Decimal("22.00")
    assert row.index.total != ours.index.total


def test_periods_are_read_in_either_notation():
    assert Period.parse("11/2026") == Period.parse("2026-11") == Period.month(2026, 11)
    assert Period.parse("Q4/2026").key == "2026-Q4"
    assert Period.parse("2026-W48").start == date(2026, 11, 23)
    assert Period.parse("01/11/2026-15/11/2026").key == "2026-11-01..2026-11-15"
    assert Period.month(2026, 1).previous().key == "2025-12"
    assert Period.quarter(2026, 1).previous().key == "2025-Q4"
    assert Period.parse("2026-Q4").label == "Quý IV/2026"
    for wrong in ("2026-13", "2026-W54", "31/02/2026-01/03/2026", "2026-12-01..2026-11-01", "x"):
        with pytest.raises(PeriodError):
            Period.parse(wrong)


def test_rankings_are_published_by_command_once(world, month, city):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from motcua.reporting.models import RankingSnapshot

    out = StringIO()
    call_command("publish_rankings", period="2026-11", parent=city.electronic_id, stdout=out)
    call_command("publish_rankings", period="2026-11", parent=city.electronic_id, stdout=out)
    assert RankingSnapshot.objects.filter(period_key="2026-11").count() == 1
    assert "published" in out.getvalue()
    with pytest.raises(CommandError, match="not over"):
        call_command("publish_rankings", period="2100-01", parent=city.electronic_id)
    with pytest.raises(CommandError, match="Kỳ không hợp lệ"):
        call_command("publish_rankings", period="x", parent=city.electronic_id)
