"""The platform's datasets: what each publishes (slug, titles, columns, sources), and how its
rows are built (``builders.py``). A slug, once published, never changes: it is the last part
of the dataset's URI (``entries.dataset_uri``), and harvesters key on it.

Column names are ASCII Vietnamese (``tiep_nhan``), titles and descriptions are given in
Vietnamese and English; types are Frictionless Table Schema types. The columns counting
dossiers or people (``sensitive``) go through ``suppression.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from . import catalogue_tables, figure_tables
from .entries import Column
from .table import Table

SUPPRESSION_NOTE = (
    " Số từ 1 đến 5 không được công bố; ô bị ẩn (kể cả ô ẩn kèm để tổng không làm lộ ô nhỏ) "
    'ghi "x" trong CSV, XLSX và null trong JSON.'
)
SUPPRESSION_NOTE_EN = (
    " Counts from 1 to 5 are not published; a suppressed cell (also one suppressed so that a "
    'total cannot give a small one back) reads "x" in CSV and XLSX, null in JSON.'
)
FREQUENCY_NAMES = {
    "DAILY": _("Hằng ngày"),
    "WEEKLY": _("Hằng tuần"),
    "MONTHLY": _("Hằng tháng"),
    "QUARTERLY": _("Hằng quý"),
    "ANNUAL": _("Hằng năm"),
    "BIANNUAL": _("Sáu tháng một lần"),
    "IRREG": _("Không định kỳ"),
}


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    title_en: str
    description: str
    description_en: str
    keywords: tuple[str, ...]
    keywords_en: tuple[str, ...]
    frequency: str
    themes: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (title, portal path): where the rows come from
    build: Callable[[], Table]
    columns_of: Callable[[], tuple[Column, ...]]  # some columns follow the index's versions
    sensitive: Callable[[], frozenset[str]] = frozenset

    def columns(self) -> tuple[Column, ...]:
        """The columns, the sensitive ones saying how a suppressed cell is shown."""
        sensitive = self.sensitive()
        return tuple(
            replace(
                c,
                description=c.description + SUPPRESSION_NOTE,
                description_en=c.description_en + SUPPRESSION_NOTE_EN,
            )
            if c.name in sensitive
            else c
            for c in self.columns_of()
        )


_DATASETS: dict[str, Dataset] = {}


def define(dataset: Dataset) -> Dataset:
    _DATASETS[dataset.slug] = dataset
    return dataset


def datasets() -> list[Dataset]:
    return list(_DATASETS.values())


def dataset(slug: str) -> Dataset | None:
    return next((d for d in datasets() if d.slug == slug), None)


HOME = "Nền tảng Một Cửa"
define(
    Dataset(
        slug="thu-tuc-hanh-chinh",
        title="Danh mục thủ tục hành chính và các phiên bản",
        title_en="Administrative procedures and their versions",
        description="Mỗi phiên bản nội dung của mỗi thủ tục hành chính thành phố áp dụng: mã, tên, "
        "lĩnh vực, cấp và cơ quan thực hiện, mức độ dịch vụ công trực tuyến, thời hạn giải quyết, "
        "phí, lệ phí, căn cứ pháp lý và thời gian có hiệu lực.",
        description_en="Every content version of each administrative procedure the city applies: "
        "code, name, field, implementing level and agency, online service level, processing time, "
        "fees, legal basis and validity.",
        keywords=("thủ tục hành chính", "dịch vụ công", "phí, lệ phí"),
        keywords_en=("administrative procedures", "public services", "fees"),
        frequency="WEEKLY",
        themes=("GOVE",),
        sources=((f"{HOME}: danh mục thủ tục hành chính", "/thu-tuc/"),),
        build=catalogue_tables.procedure_rows,
        columns_of=lambda: catalogue_tables.PROCEDURE_COLUMNS,
    )
)
define(
    Dataset(
        slug="co-quan-don-vi",
        title="Cơ quan, đơn vị giải quyết thủ tục hành chính",
        title_en="Agencies and units handling administrative procedures",
        description="Các cơ quan, đơn vị trên nền tảng: mã định danh điện tử, tên, loại, cơ quan "
        "chủ quản, đơn vị hành chính và địa chỉ.",
        description_en="The agencies and units on the platform: electronic ID, name, kind, parent "
        "agency, administrative unit and address.",
        keywords=("cơ quan nhà nước", "mã định danh điện tử", "đơn vị hành chính"),
        keywords_en=("public bodies", "electronic ID", "administrative units"),
        frequency="MONTHLY",
        themes=("GOVE", "REGI"),
        sources=((f"{HOME}: danh mục cơ quan", "/don-vi/"),),
        build=catalogue_tables.agency_rows,
        columns_of=lambda: catalogue_tables.AGENCY_COLUMNS,
    )
)
define(
    Dataset(
        slug="so-lieu-hang-thang",
        title="Số liệu giải quyết hồ sơ hằng tháng của từng đơn vị",
        title_en="Each unit's monthly dossier figures",
        description="Mỗi tháng đã kết thúc, mỗi đơn vị tiếp nhận hồ sơ một dòng: số liệu của báo "
        "cáo tháng (tiếp nhận, giải quyết trước hạn, đúng hạn, quá hạn, tồn, từ chối, rút, "
        "bổ sung…), tử số và mẫu số các chỉ số chất lượng phục vụ theo Quyết định 766/QĐ-TTg "
        "của riêng đơn vị (kể cả phản ánh, kiến nghị và mức độ hài lòng) và điểm của đơn vị.",
        description_en="One row per closed month and unit receiving dossiers: the monthly report's "
        "counters (received, resolved early, on time, late, in process, refused, withdrawn, "
        "supplements…), the numerators and denominators of the Decision 766 service-quality "
        "indicators for the unit alone (feedback and satisfaction included) and its score.",
        keywords=("báo cáo tháng", "hồ sơ", "chỉ số chất lượng phục vụ", "Quyết định 766"),
        keywords_en=("monthly report", "dossiers", "service quality index", "Decision 766"),
        frequency="MONTHLY",
        themes=("GOVE",),
        sources=(
            (f"{HOME}: số liệu ngày của hồ sơ", "/xep-hang/"),
            (f"{HOME}: chỉ số chất lượng phục vụ", "/xep-hang/"),
        ),
        build=figure_tables.monthly_rows,
        columns_of=figure_tables.monthly_columns,
        sensitive=figure_tables.monthly_sensitive,
    )
)
define(
    Dataset(
        slug="xep-hang",
        title="Bảng xếp hạng chất lượng phục vụ đã công bố",
        title_en="Published service-quality rankings",
        description="Mỗi bảng xếp hạng đã công bố (tuần, tháng, quý) theo Quyết định 766/QĐ-TTg: "
        "kỳ, cấp, đơn vị cấp trên, từng đơn vị với hạng, điểm và điểm từng nhóm. Bảng đã công bố "
        "không thay đổi.",
        description_en="Every published ranking (week, month, quarter) under Decision 766/QD-TTg: "
        "period, level, parent, each unit with its rank, score and group points. A published "
        "ranking never changes.",
        keywords=("xếp hạng", "chỉ số chất lượng phục vụ", "Quyết định 766"),
        keywords_en=("ranking", "service quality index", "Decision 766"),
        frequency="WEEKLY",
        themes=("GOVE",),
        sources=((f"{HOME}: bảng xếp hạng đã công bố", "/xep-hang/"),),
        build=figure_tables.ranking_rows,
        columns_of=figure_tables.ranking_columns,
        sensitive=figure_tables.ranking_sensitive,
    )
)
