"""The PDFs the system issues (motcua.documents.render): slips 01–05, results and the ledger,
read back with poppler (pdftotext, pdffonts, pdfinfo, pdftoppm) as a person or a checker
would: the administrative heading, the Vietnamese text with its diacritics, the bundled fonts,
the footer, and where the signature stamp goes."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

from motcua.catalog.models import ProcedureVersion
from motcua.documents.render import (
    CERTIFICATE,
    CIVIL_STATUS,
    GENERIC,
    PERMIT,
    RenderedPdf,
    declared_lines,
    render_ledger,
    render_result,
    render_slip,
    result_template_for,
    result_title,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    accept_dossier,
    decide_dossier,
    forward_dossier,
    issue_apology,
    refuse_dossier,
    request_supplement,
)
from motcua.identity.models import User
from tests.dossiers.world import World, build_world, local

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")

MONDAY_8 = local(2026, 11, 23, 8, 0)
AGENCY = "Ủy ban nhân dân phường Hoàn Kiếm"
APPLICANT = "Nguyễn Thị Ánh"
NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
VERIFY = "https://motcua.example.vn/van-ban/ABCDEFGHJKMNPQRS"
CODE = "ABCDEFGHJKMNPQRS"
A4 = (595.28, 841.89)  # points
SIGNATURE_SIZE = (6.5 / 2.54 * 72, 2.6 / 2.54 * 72)


def _travel(moment):
    return time_machine.travel(moment, tick=False)


@dataclass
class Case:
    world: World
    citizen: User

    def submit(self, **kwargs) -> Dossier:
        return self.world.submit(citizen=self.citizen, at=MONDAY_8, **kwargs)

    def accepted(self, **kwargs) -> Dossier:
        dossier = self.submit(**kwargs)
        return accept_dossier(dossier=dossier, officer=self.world["receiver"], at=MONDAY_8)

    def decided(self, *, approve: bool = True, note: str = "") -> Dossier:
        dossier = self.accepted()
        forward_dossier(
            dossier=dossier, officer=self.world["receiver"], at=local(2026, 11, 23, 8, 30)
        )
        forward_dossier(
            dossier=fresh(dossier), officer=self.world["specialist"], at=local(2026, 11, 23, 11, 0)
        )
        return decide_dossier(
            dossier=fresh(dossier), officer=self.world["approver"], approve=approve, note=note,
            at=local(2026, 11, 23, 15, 0),
        )  # fmt: skip


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related("version", "agency__unit").get(pk=dossier.pk)


@pytest.fixture
def case(db) -> Case:
    world = build_world()
    world.committee.name = AGENCY
    world.committee.save()
    citizen = User.objects.create_user(
        username="anh", password="x", kind=User.Kind.CITIZEN, full_name=APPLICANT,
        phone="0912000111", email="anh@example.vn",
    )  # fmt: skip
    return Case(world, citizen)


def results(code: str, *names: str) -> ProcedureVersion:
    ProcedureVersion.objects.filter(procedure__code=code).update(results=list(names))
    return ProcedureVersion.objects.get(procedure__code=code)


# Reading a PDF back ---------------------------------------------------------------------------


def text_of(pdf: RenderedPdf, tmp_path: Path) -> str:
    """The text as a reader gets it, whitespace collapsed."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"\s+", " ", out)


def has_verification(body: str) -> bool:
    """The caption and the address; a narrow column may wrap the address."""
    squeezed = re.sub(r"\s", "", body)
    return "Tra cứu, xác thực văn bản:" in body and VERIFY in squeezed


def fonts_of(pdf: RenderedPdf, tmp_path: Path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf.content)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [line.split()[0] for line in lines.stdout.splitlines()[2:] if line.strip()]


def page_sizes(pdf: RenderedPdf, tmp_path: Path) -> list[tuple[float, float]]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf.content)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pdf.pages), str(path)],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    return [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)]


def word_boxes(pdf: RenderedPdf, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word with its box in points from the top-left (pdftotext -bbox)."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf.content)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, html)
    ]


def assert_signature_box_on_the_right(pdf: RenderedPdf) -> None:
    assert pdf.signature_box is not None
    assert 0 <= pdf.signature_box.page < pdf.pages
    x1, y1, x2, y2 = pdf.signature_box.box
    width, height = A4
    assert width / 2 <= x1 < x2 <= width - 2 / 2.54 * 72  # the right half, inside the margin
    assert 2 / 2.54 * 72 <= y1 < y2 <= height - 2 / 2.54 * 72
    assert x2 - x1 == pytest.approx(SIGNATURE_SIZE[0], abs=0.5)
    assert y2 - y1 == pytest.approx(SIGNATURE_SIZE[1], abs=0.5)


# The slips ------------------------------------------------------------------------------------


@needs_poppler
def test_the_receipt_is_one_a4_page_in_the_administrative_layout(case, tmp_path):
    dossier = case.accepted()
    pdf = render_slip(dossier, "01", document_code=CODE, verify_url=VERIFY)
    assert pdf is not None and pdf.content.startswith(b"%PDF-")
    body = text_of(pdf, tmp_path)
    for words in (
        *NATIONAL,
        AGENCY.upper(),
        "Phường Hoàn Kiếm, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {dossier.code}",
        f"Tiếp nhận hồ sơ của: {APPLICANT}",
        "Thời gian nhận hồ sơ: 08:00 23/11/2026",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        f"Mã hồ sơ: {dossier.code} · Mã văn bản: {CODE} · Trang 1/1",
        f"Tra cứu, xác thực văn bản: {VERIFY}",
    ):
        assert words in body, words
    assert pdf.pages == 1
    assert page_sizes(pdf, tmp_path) == [pytest.approx(A4, abs=0.1)]
    assert_signature_box_on_the_right(pdf)


@needs_poppler
def test_the_bundled_liberation_serif_is_embedded_and_shapes_vietnamese(case, tmp_path):
    dossier = case.accepted()
    pdf = render_slip(dossier, "01", document_code=CODE, verify_url=VERIFY)
    assert pdf is not None
    fonts = fonts_of(pdf, tmp_path)
    # Subset names ("ABCDEF+Motcua-Liberation-Serif-Bold"): only the bundled family is used, in
    # regular, bold and italic; the family name exists only through our @font-face rules.
    assert fonts and all("LiberationSerif" in name.replace("-", "") for name in fonts), fonts
    assert {name.split("+")[-1] for name in fonts} >= {
        "Motcua-Liberation-Serif", "Motcua-Liberation-Serif-Bold",
        "Motcua-Liberation-Serif-Italic",
    }  # fmt: skip
    body = text_of(pdf, tmp_path)
    # Every mark survives, stacked ones included (ễ = e + circumflex + tilde, Á, Đ, Ủ).
    for words in (APPLICANT, "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM"):
        assert words in body, words


def test_each_slip_renders_when_the_history_issued_it_and_none_otherwise(case):
    accepted = case.accepted()
    render = {
        number: render_slip(accepted, number, document_code=CODE, verify_url=VERIFY)
        for number in ("01", "02", "03", "04", "05", "06", "x")
    }
    assert render["01"] and render["04"]
    assert render["02"] is None and render["03"] is None and render["05"] is None
    assert render["06"] is None and render["x"] is None
    # Form 04 has no signature block: the signer signs it without a visible stamp.
    assert render["04"].signature_box is None

    supplement = case.submit()
    request_supplement(
        dossier=supplement, officer=case.world["receiver"], at=local(2026, 11, 23, 9, 0),
        items=[{"name": "Giấy chứng sinh", "reason": "Bản chụp mờ"}],
        deadline=local(2026, 11, 30, 17, 0),
    )  # fmt: skip
    refused = case.submit()
    refuse_dossier(
        dossier=refused, officer=case.world["receiver"], reasons=["Không thuộc thẩm quyền"],
        at=local(2026, 11, 23, 9, 15),
    )  # fmt: skip
    late = case.accepted()
    issue_apology(
        dossier=late, officer=case.world["receiver"], reason="Chờ xác minh của công an",
        new_due_at=local(2026, 11, 26, 16, 30), at=local(2026, 11, 23, 9, 0),
    )  # fmt: skip
    for dossier, number in ((supplement, "02"), (refused, "03"), (late, "05")):
        pdf = render_slip(fresh(dossier), number, document_code=CODE, verify_url=VERIFY)
        assert pdf is not None and pdf.pages >= 1, number
        assert_signature_box_on_the_right(pdf)
    assert render_slip(fresh(refused), "01", document_code=CODE, verify_url=VERIFY) is None


@needs_poppler
def test_the_slips_text(case, tmp_path):
    refused = case.submit()
    refuse_dossier(
        dossier=refused, officer=case.world["receiver"], reasons=["Không thuộc thẩm quyền"],
        at=local(2026, 11, 23, 9, 15),
    )  # fmt: skip
    pdf = render_slip(fresh(refused), "03", document_code=CODE, verify_url=VERIFY)
    assert pdf is not None
    body = text_of(pdf, tmp_path)
    for words in (
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Không thuộc thẩm quyền",
        "Trang 1/1",
    ):
        assert words in body, words

    control = render_slip(case.accepted(), "04", document_code=CODE, verify_url=VERIFY)
    assert control is not None
    body = text_of(control, tmp_path)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in body and "TÊN CƠ QUAN" in body


# Results ------------------------------------------------------------------------------------


def test_the_result_template_follows_the_name_of_the_result(db):
    version = ProcedureVersion(results=[])
    for names, template in (
        (["Giấy khai sinh (bản chính; bản sao và bản điện tử nếu có yêu cầu)"], CIVIL_STATUS),
        (["Trích lục khai tử"], CIVIL_STATUS),
        (["Giấy chứng nhận kết hôn"], CIVIL_STATUS),
        (["Bản sao trích lục hộ tịch"], CIVIL_STATUS),
        (["Giấy chứng nhận đăng ký hộ kinh doanh"], CERTIFICATE),
        (["Giấy phép xây dựng"], PERMIT),
        (["Thẻ bảo hiểm y tế"], GENERIC),
        ([], GENERIC),
    ):
        version.results = names
        assert result_template_for(version) == template, names
    version.results = ["Giấy khai sinh (bản chính; bản sao và bản điện tử nếu có yêu cầu)"]
    assert result_title(version) == "GIẤY KHAI SINH"
    # The catalogue's own choice comes first.
    version.results, version.result_template = ["Thẻ bảo hiểm y tế"], "certificate"
    assert result_template_for(version) == CERTIFICATE


def test_the_catalogue_names_the_result_template_and_exports_it(db):
    import yaml

    from motcua.catalog.services import export_catalogue
    from tests.factories import import_small_catalogue

    import_small_catalogue()
    exported = export_catalogue()
    chosen = {p["code"]: p.get("result_template") for p in exported["procedures"]}
    assert "civil_status" in chosen.values() and None in chosen.values()
    assert yaml.safe_dump(exported, allow_unicode=True)


def test_the_declaration_is_labelled_by_the_form_in_its_order():
    schema = {
        "properties": {
            "nguoi": {
                "type": "object", "title": "Người được khai sinh",
                "properties": {
                    "ho_ten": {"type": "string", "title": "Họ, chữ đệm và tên"},
                    "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
                },
            },
            "so_ban_sao": {"type": "integer", "title": "Số bản sao"},
            "cam_doan": {"type": "boolean", "title": "Tôi cam đoan", "const": True},
        }
    }  # fmt: skip
    data = {
        "ghi_chu": "thêm", "cam_doan": True, "so_ban_sao": 2, "trong": "",
        "nguoi": {"ngay_sinh": "2026-01-05", "ho_ten": "Nguyễn Thị Ánh"},
    }  # fmt: skip
    lines = [
        (line.label, line.value, line.level, line.is_group) for line in declared_lines(schema, data)
    ]
    assert lines == [
        ("Người được khai sinh", "", 0, True),
        ("Họ, chữ đệm và tên", "Nguyễn Thị Ánh", 1, False),
        ("Ngày sinh", "05/01/2026", 1, False),
        ("Số bản sao", "2", 0, False),
        ("ghi_chu", "thêm", 0, False),
    ]


@needs_poppler
def test_a_birth_certificate_is_a_civil_status_paper_with_the_declared_data(case, tmp_path):
    results("1.000001", "Giấy khai sinh (bản chính; bản sao nếu có yêu cầu)")
    dossier = case.decided()
    dossier.data = {"ho_ten_tre": "Nguyễn Thị Ánh Dương", "ngoai_so": "Ghi thêm"}
    with _travel(local(2026, 11, 24, 9, 0)):
        pdf = render_result(
            dossier, document_code=CODE, verify_url=VERIFY, number="15/GKS-UBND",
            signer_title="TM. Ủy ban nhân dân\nChủ tịch", signer_name="Trần Văn Bình",
        )  # fmt: skip
    body = text_of(pdf, tmp_path)
    for words in (
        *NATIONAL,
        AGENCY.upper(),
        "Số: 15/GKS-UBND",
        "Phường Hoàn Kiếm, ngày 24 tháng 11 năm 2026",
        "GIẤY KHAI SINH",
        "Họ tên trẻ: Nguyễn Thị Ánh Dương",
        "ngoai_so: Ghi thêm",
        f"Người yêu cầu: {APPLICANT}",
        "Ngày đăng ký: 23/11/2026",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
        "Trần Văn Bình",
        f"Mã hồ sơ: {dossier.code} · Mã văn bản: {CODE} · Trang 1/1",
    ):
        assert words in body, words
    assert has_verification(body)
    assert "(BẢN CHÍNH" not in body
    assert_signature_box_on_the_right(pdf)


@needs_poppler
def test_the_date_line_follows_decree_30(case, tmp_path):
    # A day below 10 and the months January and February take a leading zero; March does not.
    dossier = case.decided()
    for moment, words in (
        (local(2027, 3, 5, 9, 0), "Phường Hoàn Kiếm, ngày 05 tháng 3 năm 2027"),
        (local(2027, 2, 15, 9, 0), "Phường Hoàn Kiếm, ngày 15 tháng 02 năm 2027"),
    ):
        with _travel(moment):
            pdf = render_result(
                dossier, document_code=CODE, verify_url=VERIFY, number="2/TB-UBND",
                signer_title="Chủ tịch", signer_name="Trần Văn Bình",
            )  # fmt: skip
        assert words in text_of(pdf, tmp_path), words


@needs_poppler
def test_the_signature_box_is_where_the_stamp_belongs_above_the_signers_name(case, tmp_path):
    dossier = case.decided()
    pdf = render_result(
        dossier, document_code=CODE, verify_url=VERIFY, number="16/TB-UBND",
        signer_title="Chủ tịch", signer_name="Trần Văn Bình",
    )  # fmt: skip
    assert pdf.signature_box is not None
    x1, y1, x2, y2 = pdf.signature_box.box
    height = A4[1]
    words = word_boxes(pdf, tmp_path)
    (title,) = [w for w in words if w[0] == "TỊCH"]
    (name,) = [w for w in words if w[0] == "Bình"]
    # pdftotext measures from the top: the title ends above the box, the name starts below it.
    assert title[4] <= height - y2 + 1
    assert height - y1 - 1 <= name[2] <= height - y1 + 20
    assert x1 < name[1] < x2


@needs_poppler
def test_certificate_permit_and_generic_results(case, tmp_path):
    for names, words in (
        (
            ("Giấy chứng nhận quyền sử dụng đất",),
            ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", "chứng nhận:"),
        ),
        (("Giấy phép xây dựng",), ("GIẤY PHÉP XÂY DỰNG", "Cho phép: Nguyễn Thị Ánh")),
        (("Văn bản chấp thuận",), ("VĂN BẢN CHẤP THUẬN", "Kính gửi: Nguyễn Thị Ánh")),
        ((), ("THÔNG BÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Hồ sơ đã được giải quyết.")),
    ):
        results("1.000001", *names)
        dossier = case.decided()
        pdf = render_result(
            dossier, document_code=CODE, verify_url=VERIFY, number="1/GP-UBND",
            signer_title="Chủ tịch", signer_name="Trần Văn Bình",
        )  # fmt: skip
        body = text_of(pdf, tmp_path)
        for text in (*NATIONAL, AGENCY.upper(), "Nơi nhận:", "Lưu: VT, hồ sơ.", *words):
            assert text in body, (names, text)
        assert has_verification(body)
        assert_signature_box_on_the_right(pdf)


@needs_poppler
def test_a_rejected_dossier_gets_the_refusal_notice_with_the_reason(case, tmp_path):
    results("1.000001", "Giấy khai sinh")
    dossier = case.decided(approve=False, note="Người yêu cầu không cư trú trên địa bàn phường")
    pdf = render_result(
        dossier, document_code=CODE, verify_url=VERIFY, number="17/TB-UBND",
        signer_title="Chủ tịch", signer_name="Trần Văn Bình",
    )  # fmt: skip
    body = text_of(pdf, tmp_path)
    for words in (
        "THÔNG BÁO",
        "Về việc từ chối giải quyết hồ sơ thủ tục hành chính",
        "không giải quyết hồ sơ nêu trên với lý do như sau:",
        "Người yêu cầu không cư trú trên địa bàn phường",
    ):
        assert words in body, words
    assert "GIẤY KHAI SINH" not in body


# The ledger -----------------------------------------------------------------------------------


@needs_poppler
def test_the_ledger_is_form_06_on_landscape_pages(case, tmp_path):
    rows = [fresh(case.accepted()) for _ in range(3)]
    pdf = render_ledger(
        rows, agency=case.world.committee, period_start=local(2026, 11, 1).date(),
        period_end=local(2026, 11, 30).date(), document_code=CODE, verify_url=VERIFY,
    )  # fmt: skip
    width, height = page_sizes(pdf, tmp_path)[0]
    assert width > height and (width, height) == pytest.approx((A4[1], A4[0]), abs=0.1)
    body = text_of(pdf, tmp_path)
    for words in (
        *NATIONAL,
        AGENCY.upper(),
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/11/2026 đến ngày 30/11/2026",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Hẹn trả kết quả",
        *(row.code for row in rows),
        APPLICANT,
        f"Mã văn bản: {CODE} · Trang 1/",
    ):
        assert words in body, words
    assert has_verification(body) and "Mã hồ sơ:" not in body.split("SỔ THEO DÕI")[0]
    assert pdf.signature_box is not None
    x1, _, x2, _ = pdf.signature_box.box
    assert A4[1] / 2 < x1 < x2 < A4[1]


# Images and speed -------------------------------------------------------------------------------


@needs_poppler
def test_every_kind_of_pdf_rasterises(case, tmp_path):
    dossier = case.decided()
    pdfs = {
        "receipt": render_slip(fresh(dossier), "01", document_code=CODE, verify_url=VERIFY),
        "control": render_slip(fresh(dossier), "04", document_code=CODE, verify_url=VERIFY),
        "result": render_result(
            dossier, document_code=CODE, verify_url=VERIFY, number="1/TB-UBND",
            signer_title="Chủ tịch", signer_name="Trần Văn Bình",
        ),
        "ledger": render_ledger(
            [dossier], agency=dossier.agency, period_start=local(2026, 11, 1).date(),
            period_end=local(2026, 11, 30).date(), document_code=CODE, verify_url=VERIFY,
        ),
    }  # fmt: skip
    for name, pdf in pdfs.items():
        assert pdf is not None, name
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(pdf.content)
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(source), str(tmp_path / name)], check=True
        )
        images = sorted(tmp_path.glob(f"{name}*.png"))
        assert len(images) == pdf.pages, name
        assert all(image.stat().st_size > 1000 for image in images), name


def test_rendering_is_repeatable_and_quick_enough(case):
    dossier = case.accepted()
    started = time.perf_counter()
    # The clock is held: fontTools stamps the embedded subset font with the current second.
    with _travel(local(2026, 11, 24, 9, 0)):
        first = render_slip(dossier, "01", document_code=CODE, verify_url=VERIFY)
        second = render_slip(dossier, "01", document_code=CODE, verify_url=VERIFY)
    assert first is not None and second is not None
    # Same input, same bytes: no random name or identifier in the file.
    assert first.content == second.content and first.signature_box == second.signature_box
    assert time.perf_counter() - started < 20  # generous: shared CI machines
