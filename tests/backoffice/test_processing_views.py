"""The officer's inbox, the dossier page and the processing actions, through HTTP."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, LateMark, Outcome
from motcua.dossiers.rules import RULES
from motcua.dossiers.services import (
    consult_unit,
    forward_dossier,
    store_upload,
    transfer_dossier,
)
from motcua.dossiers.workflow import Action, Status
from motcua.identity.models import OfficerRole
from tests.dossiers.world import local, officer

from .conftest import UserFactory
from .dossier_helpers import (
    MONDAY_8,
    PDF,
    accepted,
    act,
    action_url,
    fresh,
    make_world,
    page,
    slip_url,
    text,
    travel,
)

INBOX = reverse("backoffice:inbox")


@pytest.fixture
def world(db, settings):
    return make_world(settings)


# Who may come in ---------------------------------------------------------------------------


def test_a_citizen_is_refused_the_back_office(client, world):
    client.force_login(world["citizen"])
    assert client.get(INBOX).status_code == 403
    dossier = world.submit()
    assert client.get(page(dossier.code)).status_code == 403
    assert act(client, dossier, "tiep-nhan").status_code == 403
    assert fresh(dossier).status == Status.SUBMITTED


def test_a_stranger_is_sent_to_sign_in(client, world):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("backoffice:login"))


def test_an_officer_of_another_ward_gets_404_everywhere_and_changes_nothing(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        upload = store_upload(
            SimpleUploadedFile("to-khai.pdf", PDF), name="to-khai.pdf",
            uploaded_by=world["receiver"], dossier=dossier,
        )  # fmt: skip
        events = DossierEvent.objects.filter(dossier=dossier).count()
        client.force_login(world["receiver2"])
        urls = [
            page(dossier.code),
            reverse("backoffice:dossier-file", args=[dossier.code, upload.pk]),
            slip_url(dossier.code, "01"),
            slip_url(dossier.code, "04"),
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
        from motcua.backoffice.dossier_actions import ACTIONS

        for slug in [*ACTIONS, "khong-co"]:
            assert client.get(action_url(dossier.code, slug)).status_code == 404, slug
            response = client.post(
                action_url(dossier.code, slug),
                {"reason": "x", "reasons": "x", "note": "x", "method": "desk", "amount": "5000"},
            )
            assert response.status_code == 404, slug
    after = fresh(dossier)
    assert (after.status, after.handler_id) == (Status.ACCEPTED, world["receiver"].pk)
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_an_unknown_code_and_an_unknown_action_answer_404(client, world):
    client.force_login(world["receiver"])
    dossier = world.submit()
    assert client.get(page("000.00.00.H26-000000-0000")).status_code == 404
    assert client.get(action_url(dossier.code, "xoa-ho-so")).status_code == 404
    assert client.post(action_url(dossier.code, "xoa-ho-so")).status_code == 404


# The inbox -----------------------------------------------------------------------------------


def test_the_inbox_tabs_count_and_list_the_officers_dossiers(client, world):
    with travel(MONDAY_8):
        mine = accepted(world)
        new = world.submit()
    client.force_login(world["receiver"])

    response = client.get(INBOX)
    body = text(response)
    assert response.status_code == 200
    assert mine.code in body and new.code not in body
    assert "Của tôi 1 hồ sơ" in body and "Hồ sơ mới 1 hồ sơ" in body

    body = text(client.get(INBOX, {"hop": "moi"}))
    assert new.code in body and mine.code not in body
    assert "Đăng ký khai sinh" in body and "Nguyễn Văn An" in body


def test_the_inbox_finds_a_dossier_by_code_or_applicant_name(client, world):
    first, second = world.submit(), world.submit(citizen=world["other_citizen"])
    client.force_login(world["receiver"])
    body = text(client.get(INBOX, {"hop": "moi", "q": second.code}))
    assert second.code in body and first.code not in body
    body = text(client.get(INBOX, {"hop": "moi", "q": "Bình"}))
    assert second.code in body and first.code not in body


def test_the_inbox_marks_overdue_and_due_soon_dossiers_in_words(client, world):
    with travel(MONDAY_8):
        late, soon = accepted(world), accepted(world)
    Dossier.objects.filter(pk=soon.pk).update(late_mark=LateMark.DUE_SOON)
    client.force_login(world["receiver"])
    with travel(local(2026, 11, 24, 9, 0)):  # the first was due 17:00 the day before
        Dossier.objects.filter(pk=soon.pk).update(due_at=local(2026, 11, 24, 16, 0))
        body = text(client.get(INBOX))
    assert body.count("Quá hạn") == 1 and body.count("Sắp đến hạn") == 1
    assert body.index(late.code) < body.index("Quá hạn") < body.index(soon.code)


def test_the_inbox_survives_odd_parameters(client, world):
    client.force_login(world["receiver"])
    for params in ({"page": "abc"}, {"page": "-1"}, {"hop": "<script>"}, {"q": "x" * 500}):
        assert client.get(INBOX, params).status_code == 200


def test_the_inbox_pages_long_lists(client, world):
    for _ in range(27):
        world.submit()
    client.force_login(world["receiver"])
    first = text(client.get(INBOX, {"hop": "moi"}))
    second = text(client.get(INBOX, {"hop": "moi", "page": 2}))
    assert "27 hồ sơ" in first and "Trang 1 / 2" in first and "Trang 2 / 2" in second


def test_the_home_page_links_to_each_inbox_tab_with_counts(client, world):
    world.submit()
    client.force_login(world["receiver"])
    body = client.get(reverse("backoffice:home")).content.decode()
    assert f"{INBOX}?hop=moi" in body and reverse("backoffice:receive-start") in body
    assert "1 hồ sơ" in body


# The dossier page --------------------------------------------------------------------------


def test_the_dossier_page_shows_the_dossier_and_only_the_actions_allowed_now(client, world):
    dossier = world.submit()
    client.force_login(world["receiver"])
    response = client.get(page(dossier.code))
    body = response.content.decode()
    assert response.status_code == 200
    for slug in ("tiep-nhan", "tu-choi", "yeu-cau-bo-sung", "rut-ho-so"):
        assert action_url(dossier.code, slug) in body, slug
    for slug in ("chuyen-buoc", "phe-duyet", "tra-ket-qua", "dung-xu-ly"):
        assert action_url(dossier.code, slug) not in body, slug
    readable = text(response)
    assert "Họ tên trẻ" in readable and "Nguyễn Văn Bé" in readable
    assert "Nộp hồ sơ trực tuyến" in readable  # the timeline

    client.force_login(world["specialist"])
    body = client.get(page(dossier.code)).content.decode()
    assert "Hiện bạn không có thao tác nào" in body


def test_a_file_of_the_dossier_downloads_only_through_its_own_dossier(client, world):
    dossier, other = world.submit(), world.submit()
    upload = store_upload(
        SimpleUploadedFile("giay-chung-sinh.pdf", PDF), name="giay-chung-sinh.pdf",
        uploaded_by=None, dossier=dossier,
    )  # fmt: skip
    client.force_login(world["receiver"])
    response = client.get(reverse("backoffice:dossier-file", args=[dossier.code, upload.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "giay-chung-sinh.pdf" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "sandbox"
    assert "giay-chung-sinh.pdf" in client.get(page(dossier.code)).content.decode()
    wrong = reverse("backoffice:dossier-file", args=[other.code, upload.pk])
    assert client.get(wrong).status_code == 404


# Processing ----------------------------------------------------------------------------------


def test_the_dossier_goes_from_desk_to_specialist_to_approver_and_back(client, world):
    with travel(MONDAY_8):
        dossier = world.submit()
        client.force_login(world["receiver"])
        assert act(client, dossier, "tiep-nhan").status_code == 302
        response = act(client, dossier, "chuyen-buoc", {"note": "Đủ giấy tờ"})
        assert response.url == page(dossier.code)
    assert fresh(dossier).handler == world["specialist"]

    client.force_login(world["specialist"])
    with travel(local(2026, 11, 23, 10, 0)):
        assert act(client, dossier, "chuyen-buoc", {"note": "Đề nghị cấp"}).status_code == 302
    assert fresh(dossier).handler == world["approver"]

    client.force_login(world["approver"])
    with travel(local(2026, 11, 23, 11, 0)):
        form = text(client.get(action_url(dossier.code, "phe-duyet")))
        assert "Giải quyết (đồng ý)" in form
        assert act(client, dossier, "phe-duyet", {"decision": "approve"}).status_code == 302
    after = fresh(dossier)
    assert (after.status, after.outcome, after.handler) == (
        Status.DECIDED, Outcome.APPROVED, world["receiver"],
    )  # fmt: skip


def test_forward_asks_which_officer_when_several_hold_the_next_role(client, world):
    second = officer("chuyenvien.b", OfficerRole.Role.SPECIALIST, world.committee)
    with travel(MONDAY_8):
        dossier = accepted(world)
        client.force_login(world["receiver"])
        assert "Cán bộ xử lý bước tiếp theo" in text(
            client.get(action_url(dossier.code, "chuyen-buoc"))
        )
        missing = act(client, dossier, "chuyen-buoc")
        assert missing.status_code == 400
        assert "Chọn cán bộ xử lý bước tiếp theo." in text(missing)
        assert act(client, dossier, "chuyen-buoc", {"to_handler": "abc"}).status_code == 400
        chosen = act(client, dossier, "chuyen-buoc", {"to_handler": second.pk})
    assert chosen.status_code == 302
    assert fresh(dossier).handler == second


def test_a_step_at_the_city_asks_for_the_department_then_waits_to_be_claimed(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world, "1.000004")
        forward_dossier(dossier=dossier, officer=world["receiver"])
        client.force_login(world["specialist"])
        form = text(client.get(action_url(dossier.code, "chuyen-buoc")))
        assert "Đơn vị thực hiện bước tiếp theo" in form and "Sở Nông nghiệp" in form
        assert act(client, dossier, "chuyen-buoc").status_code == 400
        assert act(client, dossier, "chuyen-buoc", {"to_agency": 999999}).status_code == 400
        done = act(client, dossier, "chuyen-buoc", {"to_agency": world.land_dept.pk})
        assert done.status_code == 302
        waiting = fresh(dossier)
        assert (waiting.handler, waiting.handler_agency) == (None, world.land_dept)

        client.force_login(world["land_specialist"])
        assert dossier.code in text(client.get(INBOX, {"hop": "cho-nhan"}))
        assert act(client, dossier, "nhan-xu-ly").status_code == 302
        assert fresh(dossier).handler == world["land_specialist"]
        again = act(client, dossier, "nhan-xu-ly")
    assert again.status_code == 409, "a dossier already claimed cannot be claimed again"


def test_send_back_needs_a_reason_and_returns_to_the_previous_officer(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        forward_dossier(dossier=dossier, officer=world["receiver"])
        client.force_login(world["specialist"])
        assert act(client, dossier, "tra-lai", {"reason": "  "}).status_code == 400
        assert act(client, dossier, "tra-lai", {"reason": "Thiếu chữ ký"}).status_code == 302
    assert fresh(dossier).handler == world["receiver"]


def test_transfer_lists_the_provinces_agencies_and_narrows_them_by_name(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        forward_dossier(dossier=dossier, officer=world["receiver"])
        client.force_login(world["specialist"])
        url = action_url(dossier.code, "chuyen-don-vi")
        full = text(client.get(url))
        assert "UBND Phường Ba Đình" in full and "Bảo hiểm xã hội Hà Nội" in full
        narrowed = text(client.get(url, {"q": "bao hiem"}))
        assert "Bảo hiểm xã hội Hà Nội" in narrowed and "UBND Phường Ba Đình" not in narrowed
        bad = act(client, dossier, "chuyen-don-vi", {"to_agency": "abc", "reason": "Sai"})
        assert bad.status_code == 400 and "Chọn một đơn vị trong danh sách." in text(bad)
        done = act(
            client, dossier, "chuyen-don-vi",
            {"to_agency": world.committee2.pk, "reason": "Đúng thẩm quyền của phường Ba Đình"},
        )  # fmt: skip
    assert done.status_code == 302
    moved = fresh(dossier)
    assert (moved.handler, moved.handler_agency) == (None, world.committee2)


def test_a_consulted_unit_sees_the_question_and_answers_it(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        forward_dossier(dossier=dossier, officer=world["receiver"])
        client.force_login(world["specialist"])
        question = {"question": "Xác minh nơi cư trú", "due_date": "25/11/2026"}
        asked = act(client, dossier, "xin-y-kien", {"to_agency": world.police.pk, **question})
        assert asked.status_code == 302
        client.force_login(world["police_specialist"])
        assert dossier.code in text(client.get(INBOX, {"hop": "xin-y-kien"}))
        consultation = dossier.consultations.get()
        assert (
            act(client, dossier, "tra-loi-y-kien", {"consultation": consultation.pk}).status_code
            == 400
        )
        answered = act(
            client, dossier, "tra-loi-y-kien",
            {"consultation": consultation.pk, "answer": "Đúng nơi cư trú"},
        )  # fmt: skip
    assert answered.status_code == 302
    consultation.refresh_from_db()
    assert consultation.answer == "Đúng nơi cư trú"
    assert fresh(dossier).handler == world["specialist"]


def test_the_payment_request_is_prefilled_from_the_fees_and_confirmed_at_the_desk(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        forward_dossier(dossier=dossier, officer=world["receiver"])
        client.force_login(world["specialist"])
        url = action_url(dossier.code, "yeu-cau-nop-phi")
        assert 'value="8.000"' in client.get(url).content.decode()
        for amount in ("-5000", "0", "năm nghìn", "1e9"):
            assert act(client, dossier, "yeu-cau-nop-phi", {"amount": amount}).status_code == 400
        assert act(client, dossier, "yeu-cau-nop-phi", {"amount": "8.000 đồng"}).status_code == 302
        assert fresh(dossier).status == Status.PAYMENT_REQUESTED
        client.force_login(world["receiver"])
        assert act(client, dossier, "xac-nhan-nop-phi", {"reference": ""}).status_code == 400
        assert act(client, dossier, "xac-nhan-nop-phi", {"reference": "BL-0012"}).status_code == 302
    assert fresh(dossier).status == Status.PROCESSING


def test_the_desk_returns_a_result_by_post_with_its_tracking_number(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        forward_dossier(dossier=dossier, officer=world["receiver"])
        forward_dossier(dossier=fresh(dossier), officer=world["specialist"])
        services.decide_dossier(dossier=fresh(dossier), officer=world["approver"], approve=True)
        client.force_login(world["receiver"])
        no_number = act(client, dossier, "tra-ket-qua", {"method": "post"})
        assert no_number.status_code == 400
        assert "Nhập số vận đơn khi trả qua bưu chính." in text(no_number)
        assert act(client, dossier, "tra-ket-qua", {"method": "fax"}).status_code == 400
        done = act(
            client, dossier, "tra-ket-qua", {"method": "post", "tracking_number": "EB123456789VN"}
        )
    assert done.status_code == 302
    returned = fresh(dossier)
    assert (returned.status, returned.postal_tracking_number) == (Status.RETURNED, "EB123456789VN")
    assert "EB123456789VN" in text(client.get(page(dossier.code)))


def test_the_approver_rejects_only_with_reasons(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        forward_dossier(dossier=dossier, officer=world["receiver"])
        forward_dossier(dossier=fresh(dossier), officer=world["specialist"])
        client.force_login(world["approver"])
        assert act(client, dossier, "phe-duyet", {"decision": "reject"}).status_code == 400
        assert act(client, dossier, "phe-duyet", {"decision": "maybe"}).status_code == 400
        done = act(
            client, dossier, "phe-duyet", {"decision": "reject", "note": "Không đủ điều kiện"}
        )
    assert done.status_code == 302
    assert fresh(dossier).outcome == Outcome.REJECTED


def test_an_apology_sets_a_new_date_and_bad_dates_are_refused(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)  # due 17:00 the same day
        client.force_login(world["receiver"])
        for new_date, new_time in (
            ("31/02/2026", "16:00"), ("26/11/99999", "16:00"), ("abc", "16:00"),
            ("26/11/2026", "25:99"), ("23/11/2026", "16:00"), ("", ""),
        ):  # fmt: skip
            response = act(
                client, dossier, "xin-loi",
                {"reason": "Chờ xác minh", "new_date": new_date, "new_time": new_time},
            )  # fmt: skip
            assert response.status_code == 400, (new_date, new_time)
        done = act(
            client, dossier, "xin-loi",
            {"reason": "Chờ xác minh", "new_date": "26/11/2026", "new_time": "16:30"},
        )  # fmt: skip
    assert done.status_code == 302
    assert fresh(dossier).due_at == local(2026, 11, 26, 16, 30)


def test_an_apology_after_the_due_date_is_not_offered(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)  # due 17:00 the same day
    client.force_login(world["receiver"])
    with travel(local(2026, 11, 25, 9, 0)):
        response = act(
            client, dossier, "xin-loi",
            {"reason": "Muộn", "new_date": "27/11/2026", "new_time": "16:00"},
        )  # fmt: skip
    assert response.status_code == 409
    assert fresh(dossier).due_at == local(2026, 11, 23, 17, 0)


def test_a_leader_stops_a_dossier_and_the_desk_withdraws_one_on_request(client, world):
    with travel(MONDAY_8):
        stopped, withdrawn = accepted(world), accepted(world)
        client.force_login(world["specialist"])
        assert act(client, stopped, "dung-xu-ly", {"reason": "x"}).status_code == 403
        client.force_login(world["approver"])
        assert act(client, stopped, "dung-xu-ly", {"reason": ""}).status_code == 400
        assert (
            act(client, stopped, "dung-xu-ly", {"reason": "Vụ việc tranh chấp"}).status_code == 302
        )
        client.force_login(world["receiver"])
        response = act(client, withdrawn, "rut-ho-so", {"reason": "Đơn rút hồ sơ ngày 23/11/2026"})
        assert response.status_code == 302
    assert fresh(stopped).status == Status.STOPPED
    assert fresh(withdrawn).status == Status.WITHDRAWN


def test_an_action_not_allowed_now_answers_409_and_changes_nothing(client, world):
    dossier = world.submit()
    client.force_login(world["receiver"])
    response = act(client, dossier, "tra-ket-qua", {"method": "desk"})
    assert response.status_code == 409
    assert "Không thể “Trả kết quả”" in text(response)
    assert client.get(action_url(dossier.code, "tra-ket-qua")).status_code == 409
    assert fresh(dossier).status == Status.SUBMITTED


def test_a_move_the_service_refuses_shows_its_message_with_409(client, world, monkeypatch):
    dossier = world.submit()

    def refuse(**kwargs):
        raise services.WorkflowError("Hồ sơ vừa được người khác cập nhật; vui lòng tải lại trang.")

    monkeypatch.setattr(RULES[Action.ACCEPT], "service", refuse)
    client.force_login(world["receiver"])
    response = act(client, dossier, "tiep-nhan")
    assert response.status_code == 409
    assert "vui lòng tải lại trang" in text(response)


def test_a_claim_button_on_the_dossier_page_posts(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        transfer_dossier(
            dossier=dossier, officer=world["receiver"], to_agency=world.police, reason="Thẩm quyền"
        )
    client.force_login(world["police_specialist"])
    body = client.get(page(dossier.code)).content.decode()
    assert f'action="{action_url(dossier.code, "nhan-xu-ly")}"' in body


def test_every_action_form_renders_for_the_officer_who_may_take_it(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
        forward_dossier(dossier=dossier, officer=world["receiver"])
        consult_unit(dossier=fresh(dossier), officer=world["specialist"],
                     to_agency=world.police, question="?")  # fmt: skip
        client.force_login(world["specialist"])
        for slug in ("chuyen-buoc", "tra-lai", "chuyen-don-vi", "xin-y-kien", "yeu-cau-nop-phi",
                     "yeu-cau-bo-sung", "xin-loi"):  # fmt: skip
            assert client.get(action_url(dossier.code, slug)).status_code == 200, slug
        client.force_login(world["police_specialist"])
        assert client.get(action_url(dossier.code, "tra-loi-y-kien")).status_code == 200


def test_a_new_officer_without_roles_sees_empty_tabs(client, world):
    client.force_login(UserFactory())
    world.submit()
    body = text(client.get(INBOX, {"hop": "tat-ca"}))
    assert "Không có hồ sơ nào trong nhóm này." in body


def test_a_linked_dossier_lists_its_children_and_links_those_the_officer_may_open(client, world):
    with travel(MONDAY_8):
        parent = accepted(world, "2.000003")
    children = list(parent.children.select_related("agency"))
    assert len(children) == 3
    client.force_login(world["receiver"])
    body = client.get(page(parent.code)).content.decode()
    for child in children:
        assert child.code in body and child.agency.name in body
    own = next(c for c in children if c.agency == world.committee)
    police = next(c for c in children if c.agency == world.police)
    assert f'href="{page(own.code)}"' in body
    assert f'href="{page(police.code)}"' not in body
    child_page = client.get(page(own.code)).content.decode()
    assert f'href="{page(parent.code)}"' in child_page
