from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import ApplicantType, Dossier, DossierFile, Draft
from motcua.dossiers.workflow import Status
from motcua.identity.models import User
from tests.dossiers.world import local

from .citizen_world import ANSWERS, CODE, PAGES, PDF, build_citizen_world, url


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


@pytest.fixture
def citizen(client, world):
    client.force_login(world["citizen"])
    return world["citizen"]


def _start(client, world, **extra):
    version = world.version(CODE)
    data = {
        "variant": version.variants.get().pk,
        "agency": world.committee.pk,
        "result_delivery": "desk",
        **extra,
    }
    response = client.post(url("submission-start", CODE), data)
    return response, Draft.objects.filter(owner__username=response.wsgi_request.user.username)


def _page(draft, key):
    return url("draft-page", draft.pk, key)


def _pdf(name="giay-chung-sinh.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _fill_everything(client, draft):
    client.post(
        _page(draft, PAGES[0]),
        {
            "nguoi_yeu_cau__ho_ten": "Nguyễn Văn An",
            "nguoi_yeu_cau__so_dinh_danh": "001090012345",
            "nguoi_yeu_cau__noi_cu_tru": "12 Hàng Bạc",
        },
    )
    client.post(
        _page(draft, PAGES[1]),
        {
            "nguoi_duoc_khai_sinh__ho_ten": "Nguyễn Văn Bé",
            "nguoi_duoc_khai_sinh__ngay_sinh": "01/11/2026",
            "nguoi_duoc_khai_sinh__gioi_tinh": "Nam",
        },
    )
    client.post(_page(draft, PAGES[2]), {"cam_doan": "on"})
    for requirement in draft.version.documents.all():
        client.post(
            url("draft-attachments", draft.pk), {"requirement": requirement.pk, "file": _pdf()}
        )


# The journey -----------------------------------------------------------------------------


@time_machine.travel(local(2026, 11, 23, 9, 0), tick=False)
def test_a_citizen_submits_online_from_the_procedure_page_to_confirmation(client, citizen, world):
    procedure = client.get(url("procedure-detail", CODE)).content.decode()
    assert url("submission-start", CODE) in procedure

    start = client.get(url("submission-start", CODE))
    assert start.status_code == 200
    assert start.context["form"]["agency"].value() == world.committee.pk  # their own ward
    response, drafts = _start(client, world)
    draft = drafts.get()
    assert response.status_code == 302 and response.url == _page(draft, PAGES[0])

    first = client.get(_page(draft, PAGES[0])).content.decode()
    assert 'value="Nguyễn Văn An"' in first and 'value="001090012345"' in first  # pre-filled
    response = client.post(
        _page(draft, PAGES[0]),
        {
            "nguoi_yeu_cau__ho_ten": "Nguyễn Văn An",
            "nguoi_yeu_cau__so_dinh_danh": "001090012345",
            "nguoi_yeu_cau__noi_cu_tru": "12 Hàng Bạc, Phường Hoàn Kiếm",
        },
    )
    assert response.url == _page(draft, PAGES[1])

    wrong = client.post(_page(draft, PAGES[1]), {"nguoi_duoc_khai_sinh__ho_ten": "Nguyễn Văn Bé"})
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_nguoi_duoc_khai_sinh__ngay_sinh"' in html
    response = client.post(
        _page(draft, PAGES[1]),
        {
            "nguoi_duoc_khai_sinh__ho_ten": "Nguyễn Văn Bé",
            "nguoi_duoc_khai_sinh__ngay_sinh": "01/11/2026",
            "nguoi_duoc_khai_sinh__gioi_tinh": "Nam",
        },
    )
    assert response.url == _page(draft, PAGES[2])
    response = client.post(_page(draft, PAGES[2]), {"cam_doan": "on"})
    assert response.url == url("draft-attachments", draft.pk)

    files_page = client.get(response.url).content.decode()
    assert "Tờ khai" in files_page and "Giấy chứng sinh" in files_page
    first_doc, second_doc = draft.version.documents.order_by("position")
    bad = client.post(
        url("draft-attachments", draft.pk),
        {
            "requirement": first_doc.pk,
            "file": SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        },
    )
    assert bad.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in bad.content.decode()
    assert f'href="#file-{first_doc.pk}"' in bad.content.decode()
    for requirement in (first_doc, second_doc):
        response = client.post(
            url("draft-attachments", draft.pk), {"requirement": requirement.pk, "file": _pdf()}
        )
        assert response.status_code == 302
    assert draft.files.count() == 2

    check = client.get(url("draft-check", draft.pk))
    html = check.content.decode()
    assert check.context["problems"] == []
    assert "Nguyễn Văn Bé" in html and "01/11/2026" in html and "UBND Phường Hoàn Kiếm" in html
    assert f'href="{_page(draft, PAGES[1])}?tu=kiem-tra#id_nguoi_duoc_khai_sinh__ho_ten"' in html
    response = client.post(url("draft-check", draft.pk), {"token": check.context["token"]})

    dossier = Dossier.objects.get()
    assert response.url == url("dossier-submitted", dossier.code)
    assert dossier.status == Status.SUBMITTED and dossier.applicant == citizen
    assert dossier.data["nguoi_duoc_khai_sinh"]["ngay_sinh"] == "2026-11-01"
    assert dossier.applicant_id_number == "001090012345" and dossier.applicant_phone == "0912345678"
    assert dossier.files.count() == 2 and not Draft.objects.exists()
    confirmation = client.get(response.url).content.decode()
    assert dossier.code in confirmation and "Điều gì xảy ra tiếp theo" in confirmation
    assert "24/11/2026" in confirmation  # the estimate: one working day
    listing = client.get(url("dossier-list")).content.decode()
    assert dossier.code in listing and "Mới đăng ký" in listing
    detail = client.get(url("dossier-detail", dossier.code)).content.decode()
    assert "giay-chung-sinh.pdf" in detail and "Nộp hồ sơ trực tuyến" in detail


def test_submitting_twice_creates_one_dossier(client, citizen, world):
    _response, drafts = _start(client, world)
    draft = drafts.get()
    _fill_everything(client, draft)
    token = client.get(url("draft-check", draft.pk)).context["token"]
    first = client.post(url("draft-check", draft.pk), {"token": token})
    again = client.post(url("draft-check", draft.pk), {"token": token})  # a double click
    assert first.status_code == again.status_code == 302
    assert first.url == again.url
    assert Dossier.objects.count() == 1


def test_the_drafts_token_is_looked_up_once_and_recorded_with_its_dossier(client, citizen, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers.models import IdempotencyRecord

    _response, drafts = _start(client, world)
    draft = drafts.get()
    _fill_everything(client, draft)
    token = client.get(url("draft-check", draft.pk)).context["token"]
    with CaptureQueriesContext(connection) as captured:
        first = client.post(url("draft-check", draft.pk), {"token": token})
    sent = [q["sql"] for q in captured.captured_queries]
    lookups = [sql for sql in sent if sql.startswith('SELECT "dossiers_idempotencyrecord".')]
    assert len(lookups) == 1, lookups
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.fingerprint) == (token, "")  # no request body to compare
    assert record.dossier.code in first.url
    again = client.post(url("draft-check", draft.pk), {"token": token})
    assert again.url == first.url and Dossier.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_make_one_dossier(client, citizen, world, monkeypatch):
    """Both requests pass the "already submitted?" check and take a code before either
    commits; the draft's token lets one make the dossier and the other answer with it."""
    import threading
    import time

    from django.db import connection
    from django.test import Client

    from motcua.dossiers import intake

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    _response, drafts = _start(client, world)
    draft = drafts.get()
    _fill_everything(client, draft)
    token = client.get(url("draft-check", draft.pk)).context["token"]
    real_next_code = intake.next_dossier_code
    codes: list[str] = []

    def slow_next_code(*args, **kwargs):
        codes.append(real_next_code(*args, **kwargs))
        time.sleep(0.3)  # both requests are past the check, each with a code
        return codes[-1]

    monkeypatch.setattr(intake, "next_dossier_code", slow_next_code)
    start = threading.Barrier(2)
    answers: list = [None, None]

    def click(n):
        browser = Client()
        browser.force_login(citizen)
        start.wait()
        answers[n] = browser.post(url("draft-check", draft.pk), {"token": token})
        connection.close()

    threads = [threading.Thread(target=click, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(codes) == 2  # both went as far as taking a code
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].url == answers[1].url
    assert Dossier.objects.count() == 1
    assert DossierFile.objects.filter(dossier__isnull=False).count() == (
        DossierFile.objects.count()
    )


def test_a_submission_cut_by_the_database_saves_nothing_and_sending_again_is_safe(
    client, citizen, world, monkeypatch
):
    from django.db import OperationalError

    from motcua.dossiers import followups

    _response, drafts = _start(client, world)
    draft = drafts.get()
    _fill_everything(client, draft)
    token = client.get(url("draft-check", draft.pk)).context["token"]
    real_notify = followups.notify_applicant

    def connection_lost(*args, **kwargs):  # after the dossier row was written
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(followups, "notify_applicant", connection_lost)
    cut = client.post(url("draft-check", draft.pk), {"token": token})
    assert cut.status_code == 503 and cut["Retry-After"]
    assert "hồ sơ chưa được nộp" in cut.content.decode()
    assert Dossier.objects.count() == 0 and Draft.objects.filter(pk=draft.pk).exists()
    monkeypatch.setattr(followups, "notify_applicant", real_notify)
    again = client.post(url("draft-check", draft.pk), {"token": token})  # back, send again
    assert again.status_code == 302
    assert Dossier.objects.count() == 1


def test_submissions_beyond_the_rate_get_429_and_pressing_again_is_not_counted(
    client, citizen, world, settings
):
    settings.SUBMISSIONS_PER_MINUTE = 1
    settings.UPLOADS_PER_MINUTE = 100
    tokens = []
    for _ in range(2):
        _response, drafts = _start(client, world)
        draft = drafts.order_by("-pk").first()
        _fill_everything(client, draft)
        tokens.append((draft, client.get(url("draft-check", draft.pk)).context["token"]))
    (first, first_token), (second, second_token) = tokens
    assert client.post(url("draft-check", first.pk), {"token": first_token}).status_code == 302
    # A double click on the first one is not a new submission: not counted, same dossier.
    assert client.post(url("draft-check", first.pk), {"token": first_token}).status_code == 302
    refused = client.post(url("draft-check", second.pk), {"token": second_token})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    page = refused.content.decode()
    assert "nộp quá nhiều hồ sơ" in page and "hồ sơ chưa được nộp" in page
    assert Dossier.objects.count() == 1 and Draft.objects.filter(pk=second.pk).exists()


def test_uploads_beyond_the_rate_get_429(client, citizen, world, settings):
    settings.UPLOADS_PER_MINUTE = 1
    _response, drafts = _start(client, world)
    draft = drafts.get()
    requirement = draft.version.documents.first()
    send = {"requirement": requirement.pk}
    page = url("draft-attachments", draft.pk)
    assert client.post(page, {**send, "file": _pdf()}).status_code == 302
    refused = client.post(page, {**send, "file": _pdf()})
    assert refused.status_code == 429
    assert "tải lên quá nhiều tệp" in refused.content.decode()
    assert draft.files.count() == 1


def test_the_check_page_lists_what_is_missing_and_refuses_to_submit(client, citizen, world):
    _response, drafts = _start(client, world)
    draft = drafts.get()
    check = client.get(url("draft-check", draft.pk))
    messages = [message for message, _href in check.context["problems"]]
    hrefs = [href for _message, href in check.context["problems"]]
    assert any("Người được khai sinh" in m or "Họ, chữ đệm và tên" in m for m in messages)
    assert "Chưa tải lên “Giấy chứng sinh”." in messages
    assert f"{_page(draft, PAGES[1])}?tu=kiem-tra#id_nguoi_duoc_khai_sinh" in " ".join(hrefs)
    assert 'name="token"' not in check.content.decode()  # no submit button yet
    response = client.post(url("draft-check", draft.pk), {"token": check.context["token"]})
    assert response.status_code == 400
    assert not Dossier.objects.exists() and Draft.objects.filter(pk=draft.pk).exists()


def test_a_business_submits_for_its_organisation(client, world):
    business = User.objects.create_user(
        username="dn",
        password="x",
        kind=User.Kind.BUSINESS,
        full_name="Trần Thị Bình",
        email="ketoan@example.vn",
        organisation_name="Công ty TNHH Minh Họa",
        tax_code="0100109106",
    )
    client.force_login(business)
    _response, drafts = _start(client, world)
    draft = drafts.get()
    _fill_everything(client, draft)
    check = client.get(url("draft-check", draft.pk))
    assert "Công ty TNHH Minh Họa" in check.content.decode()
    client.post(url("draft-check", draft.pk), {"token": check.context["token"]})
    dossier = Dossier.objects.get()
    assert dossier.applicant_type == ApplicantType.BUSINESS
    assert dossier.organisation_name == "Công ty TNHH Minh Họa"
    assert dossier.organisation_tax_code == "0100109106"


# Choices ---------------------------------------------------------------------------------


def test_receiving_by_post_needs_an_address(client, citizen, world):
    response, drafts = _start(client, world, result_delivery="post", delivery_address="  ")
    assert response.status_code == 400
    assert "Nhập địa chỉ để nhận kết quả qua bưu chính." in response.content.decode()
    assert not drafts.exists()
    _response, drafts = _start(client, world, result_delivery="post", delivery_address="5 Lý Thái")
    assert drafts.get().delivery_address == "5 Lý Thái"


def test_the_electronic_result_is_offered_only_for_a_full_online_service(client, citizen, world):
    full = client.get(url("submission-start", CODE)).context["form"]
    assert "online" in dict(full.fields["result_delivery"].choices)
    partial = client.get(url("submission-start", "1.000004")).context["form"]
    assert "online" not in dict(partial.fields["result_delivery"].choices)


def test_a_procedure_for_information_only_points_to_the_desks(client, citizen, world):
    ProcedureVersion.objects.filter(procedure__code=CODE).update(online_level="information")
    response = client.get(url("submission-start", CODE))
    assert response.status_code == 200
    assert "chưa nộp hồ sơ trực tuyến được" in response.content.decode()
    procedure = client.get(url("procedure-detail", CODE)).content.decode()
    assert url("submission-start", CODE) not in procedure
    client.post(url("submission-start", CODE), {"variant": 1})
    assert not Draft.objects.exists()


def test_a_unit_that_does_not_handle_the_procedure_is_refused(client, citizen, world):
    response, drafts = _start(client, world, agency=world.police.pk)
    assert response.status_code == 400
    assert "Đơn vị đã chọn không giải quyết thủ tục này." in response.content.decode()
    assert not drafts.exists()


# Drafts ----------------------------------------------------------------------------------


def test_a_draft_is_saved_half_done_and_resumed_later(client, citizen, world):
    _response, drafts = _start(client, world)
    draft = drafts.get()
    response = client.post(
        _page(draft, PAGES[1]),
        {
            "nguoi_duoc_khai_sinh__ho_ten": "Nguyễn Văn Bé",
            "action": "save",
        },
    )
    assert response.url == url("draft-list")
    draft.refresh_from_db()
    assert draft.data["nguoi_duoc_khai_sinh"] == {"ho_ten": "Nguyễn Văn Bé"}
    listing = client.get(url("draft-list")).content.decode()
    assert "Đăng ký khai sinh" in listing and url("draft-resume", draft.pk) in listing
    resume = client.get(url("draft-resume", draft.pk))
    assert resume.url.startswith(_page(draft, PAGES[1]))
    page = client.get(_page(draft, PAGES[1])).content.decode()
    assert 'value="Nguyễn Văn Bé"' in page


def test_saving_a_draft_never_throws_away_a_wrong_answer(client, citizen, world):
    _response, drafts = _start(client, world)
    draft = drafts.get()
    response = client.post(
        _page(draft, PAGES[1]),
        {
            "nguoi_duoc_khai_sinh__ngay_sinh": "31/02/2026",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "phải là một ngày có thật" in response.content.decode()


def test_answers_of_earlier_dossiers_prefill_a_new_draft(client, world):
    citizen = world["citizen"]
    User.objects.filter(pk=citizen.pk).update(address_street="", address_unit=None)
    world.submit(CODE, citizen=citizen, data=ANSWERS)
    client.force_login(citizen)
    _response, drafts = _start(client, world)
    earlier = ANSWERS["nguoi_yeu_cau"]["noi_cu_tru"]
    assert drafts.get().data["nguoi_yeu_cau"]["noi_cu_tru"] == earlier


def test_a_change_from_the_check_page_returns_there(client, citizen, world):
    _response, drafts = _start(client, world)
    draft = drafts.get()
    response = client.post(_page(draft, PAGES[2]), {"cam_doan": "on", "tu": "kiem-tra"})
    assert response.url == url("draft-check", draft.pk)
    response = client.post(
        url("draft-choices", draft.pk),
        {
            "variant": draft.variant_id,
            "agency": world.committee2.pk,
            "result_delivery": "online",
            "tu": "kiem-tra",
        },
    )
    assert response.url == url("draft-check", draft.pk)
    draft.refresh_from_db()
    assert draft.agency == world.committee2 and draft.result_delivery == "online"


def test_a_file_is_removed_and_a_draft_deleted_with_its_files(client, citizen, world, tmp_path):
    _response, drafts = _start(client, world)
    draft = drafts.get()
    requirement = draft.version.documents.first()
    client.post(url("draft-attachments", draft.pk), {"requirement": requirement.pk, "file": _pdf()})
    upload = draft.files.get()
    stored = tmp_path / upload.file.name
    assert stored.exists()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
        response = client.post(url("draft-file-remove", draft.pk, upload.pk))
    assert response.url == url("draft-attachments", draft.pk)
    assert not DossierFile.objects.exists() and not stored.exists()
    client.post(url("draft-attachments", draft.pk), {"requirement": requirement.pk, "file": _pdf()})
    assert client.get(url("draft-delete", draft.pk)).status_code == 200
    response = client.post(url("draft-delete", draft.pk))
    assert response.url == url("draft-list")
    assert not Draft.objects.exists() and not DossierFile.objects.exists()


# Who may do what, and odd input ---------------------------------------------------------


def test_another_citizen_gets_404_on_every_page_of_the_draft(client, world):
    client.force_login(world["citizen"])
    _response, drafts = _start(client, world)
    draft = drafts.get()
    requirement = draft.version.documents.first()
    client.post(url("draft-attachments", draft.pk), {"requirement": requirement.pk, "file": _pdf()})
    upload = draft.files.get()
    client.force_login(world["other_citizen"])
    for page in (
        _page(draft, PAGES[0]),
        url("draft-attachments", draft.pk),
        url("draft-check", draft.pk),
        url("draft-choices", draft.pk),
        url("draft-resume", draft.pk),
        url("draft-delete", draft.pk),
    ):
        assert client.get(page).status_code == 404, page
        if page != url("draft-resume", draft.pk):
            assert client.post(page, {"token": "x"}).status_code == 404, page
    assert client.post(url("draft-file-remove", draft.pk, upload.pk)).status_code == 404
    assert Draft.objects.filter(pk=draft.pk).exists() and draft.files.count() == 1
    assert not Dossier.objects.exists()


def test_sign_in_is_asked_first_and_officers_are_refused(client, world):
    start = url("submission-start", CODE)
    response = client.get(start)
    assert response.status_code == 302 and response.url.startswith(url("login"))
    client.force_login(world["receiver"])
    assert client.get(start).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/thu-tuc/khong-co/nop/",
        "/ho-so-nhap/999999/",
        "/ho-so-nhap/999999/nguoi_yeu_cau/",
        "/ho-so-nhap/999999/kiem-tra/",
        "/ho-so-nhap/999999/giay-to/",
    ],
)
def test_unknown_procedures_and_drafts_answer_404(client, citizen, path):
    assert client.get(path).status_code == 404


def test_odd_input_never_breaks_a_page(client, citizen, world):
    _response, drafts = _start(client, world)
    draft = drafts.get()
    attachments = url("draft-attachments", draft.pk)
    other_version_document = world.version("2.000003").documents.get()
    assert client.get(_page(draft, "khong-co-trang")).status_code == 404
    assert client.post(attachments, {"requirement": "abc", "file": _pdf()}).status_code == 400
    assert (
        client.post(
            attachments, {"requirement": other_version_document.pk, "file": _pdf()}
        ).status_code
        == 404
    )
    empty = client.post(attachments, {"requirement": draft.version.documents.first().pk})
    assert empty.status_code == 400 and "Chọn một tệp để tải lên." in empty.content.decode()
    assert client.post(url("draft-file-remove", draft.pk, 424242)).status_code == 404
    assert (
        client.post(
            url("submission-start", CODE), {"variant": "x", "agency": "y", "result_delivery": "z"}
        ).status_code
        == 400
    )
    rows = client.post(
        _page(draft, PAGES[0]), {"nguoi_yeu_cau__ho_ten": "x" * 5000, "action": "bogus"}
    )
    assert rows.status_code in (302, 400)
    assert client.post(url("draft-check", draft.pk), {"token": "y" * 500}).status_code == 400
