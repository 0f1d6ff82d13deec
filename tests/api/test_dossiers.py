import io

import pytest
from PIL import Image

from motcua.api.dossier_actions import SPECS
from motcua.api.dossier_views import API_ACTIONS
from motcua.dossiers.models import Dossier, DossierEvent
from tests.dossiers.world import local

from .caller import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]

BIRTH = {
    "procedure": "1.000001",
    "unit": "000.01.99.H26",
    "data": {"ho_ten_tre": "Nguyễn Văn Bé"},
}
# A well-formed body for every action: whatever reaches the dossier, the body is not the issue.
VALID_BODIES = {
    "accept": {},
    "refuse_exemption": {"reason": "Không có giấy xác nhận hộ nghèo"},
    "refuse": {"reasons": ["Sai thủ tục"]},
    "request_supplement": {"items": [{"name": "Giấy chứng sinh", "reason": "Mờ"}]},
    "supplement": {},
    "claim": {},
    "forward": {},
    "send_back": {"reason": "Thiếu thông tin"},
    "transfer": {"to_agency": "000.00.04.H26", "reason": "Thẩm quyền của Sở"},
    "consult": {"to_agency": "000.01.98.H26", "question": "Xác minh cư trú?"},
    "answer": {"consultation_id": 1, "answer": "Đúng"},
    "request_payment": {"amount": 8000},
    "confirm_payment": {"reference": "BL-0001"},
    "decide": {"approve": True},
    "apologise": {"reason": "Chờ xác minh", "new_due_at": "2026-12-01T17:00:00+07:00"},
    "withdraw": {"reason": "Nộp nhầm"},
    "stop": {"reason": "Dừng theo yêu cầu"},
    "return_result": {"method": "desk"},
}


def submitted(people, body=BIRTH):
    response = people["citizen"].post("/dossiers", body)
    assert response.status_code == 201, response.json()
    return response.json()["code"]


def accepted(people, body=BIRTH):
    code = submitted(people, body)
    assert people["receiver"].act(code, "accept").status_code == 200
    return code


def ok(response):
    assert response.status_code == 200, response.json()
    return response.json()


# --- the whole lifecycle ----------------------------------------------------------------


def test_the_whole_lifecycle_runs_through_the_api(people, client):
    citizen, desk = people["citizen"], people["receiver"]
    response = citizen.post("/dossiers", BIRTH)
    assert response.status_code == 201
    dossier = response.json()
    code = dossier["code"]
    assert code.startswith("000.01.99.H26-261123-")
    assert (dossier["status"], dossier["channel"]) == ({"code": 1, "name": "Mới đăng ký"}, "online")
    assert dossier["applicant"]["name"] == "Nguyễn Văn An"  # from the profile
    upload = citizen.upload(code)
    assert upload.status_code == 201
    assert upload.json()["type"] == "application/pdf"

    asked = ok(desk.act(code, "request_supplement", VALID_BODIES["request_supplement"]))
    assert asked["status"]["code"] == 5 and asked["supplement_deadline"]
    assert ok(citizen.get(f"/dossiers/{code}"))["actions"] == ["supplement", "withdraw"]
    extra = citizen.upload(code, name="giay-chung-sinh.pdf").json()
    assert extra["kind"] == "supplement"
    supplied = ok(
        citizen.act(code, "supplement", {"note": "Đã bổ sung", "file_ids": [extra["id"]]})
    )
    assert supplied["status"]["code"] == 1

    dossier = ok(desk.act(code, "accept"))
    assert dossier["status"]["code"] == 2
    assert dossier["due_at"] == "2026-11-23T17:00:00+07:00"  # one working day
    assert ok(desk.act(code, "forward"))["handler"] == "chuyenvien"
    dossier = ok(people["specialist"].act(code, "forward", {"note": "Đủ điều kiện"}))
    assert (dossier["status"]["code"], dossier["handler"]) == (4, "lanhdao")
    dossier = ok(people["approver"].act(code, "decide", {"approve": True, "note": "Đồng ý"}))
    assert (dossier["status"]["code"], dossier["outcome"], dossier["handler"]) == (
        9,
        "approved",
        "motcua",
    )
    dossier = ok(desk.act(code, "return_result", {"method": "desk"}))
    assert dossier["status"]["code"] == 10 and dossier["returned_at"]

    seen_by_citizen = ok(citizen.get(f"/dossiers/{code}"))
    assert [e["to_status"] for e in seen_by_citizen["history"]] == [1, 5, 1, 2, 4, 4, 9, 10]
    files = seen_by_citizen["files"]
    assert [f["kind"] for f in files] == ["component", "supplement", "result"]
    result = files[-1]
    assert result["origin"] == "issued" and result["type"] == "application/pdf"
    verified = client.get(f"/api/v1/results/{result['document_code']}").json()
    assert verified["verdict"] == "valid" and verified["document"]["dossier_code"] == code
    forward = seen_by_citizen["history"][5]
    assert forward["action"] == "forward" and forward["note"] == "" and forward["actor"] is None
    seen_by_desk = ok(desk.get(f"/dossiers/{code}"))
    assert seen_by_desk["history"][5]["note"] == "Đủ điều kiện"
    assert seen_by_desk["history"][5]["actor"] == "chuyenvien"
    assert seen_by_citizen["actions"] == [] and seen_by_desk["actions"] == []


def test_a_3_in_1_group_runs_through_the_api(people):
    code = accepted(people, {**BIRTH, "procedure": "2.000003"})
    parent = ok(people["citizen"].get(f"/dossiers/{code}"))
    assert parent["status"]["code"] == 4
    children = {c["procedure"]["code"]: c for c in parent["children"]}
    assert set(children) == {"1.000001", "1.000002", "H26-BHYT-01"}
    assert children["1.000002"]["unit"]["electronic_id"] == "000.01.98.H26"
    for procedure, (specialist, approver) in {
        "1.000001": ("specialist", "approver"),
        "1.000002": ("police_specialist", "police_approver"),
        "H26-BHYT-01": ("bhxh_specialist", "bhxh_approver"),
    }.items():
        child = children[procedure]["code"]
        ok(people[specialist].act(child, "forward"))
        ok(people[approver].act(child, "decide", {"approve": True}))
    parent = ok(people["receiver"].get(f"/dossiers/{code}"))
    assert parent["status"]["code"] == 9
    assert "return_result" in parent["actions"] and "forward" not in parent["actions"]
    assert {c["status"]["code"] for c in parent["children"]} == {9}
    parent = ok(people["receiver"].act(code, "return_result", {"method": "online"}))
    assert {c["status"]["code"] for c in parent["children"]} == {10}
    child = ok(people["citizen"].get(f"/dossiers/{children['1.000002']['code']}"))
    assert child["parent"] == code and child["actions"] == []


def test_consulting_another_unit_and_its_answer(people, world):
    code = accepted(people)
    ok(people["receiver"].act(code, "forward"))
    asked = ok(people["specialist"].act(code, "consult", VALID_BODIES["consult"]))
    consultation = asked["consultations"][0]
    assert consultation["to_unit"]["electronic_id"] == "000.01.98.H26"
    police = people["police_specialist"]
    assert "answer" in ok(police.get(f"/dossiers/{code}"))["actions"]
    consult_box = ok(police.get("/inbox", {"box": "consult"}))
    assert [d["code"] for d in consult_box["items"]] == [code]
    wrong = police.act(code, "answer", {"consultation_id": 999_999, "answer": "x"})
    assert wrong.status_code == 422
    answered = ok(
        police.act(code, "answer", {"consultation_id": consultation["id"], "answer": "Có"})
    )
    assert answered["consultations"][0]["answer"] == "Có"
    assert answered["handler"] == "chuyenvien"  # consulting never moves the dossier
    assert ok(people["citizen"].get(f"/dossiers/{code}"))["consultations"] == []
    again = police.act(code, "answer", {"consultation_id": consultation["id"], "answer": "x"})
    assert again.status_code == 403  # nothing left to answer


def test_a_payment_pauses_and_resumes_processing(people):
    code = accepted(people)
    ok(people["receiver"].act(code, "forward"))
    asked = ok(people["specialist"].act(code, "request_payment", {"amount": 8000}))
    assert asked["status"]["code"] == 6
    refused = people["specialist"].act(code, "confirm_payment", {"reference": "BL-0001"})
    assert refused.status_code == 403  # cash is the desk's to record
    paid = ok(people["receiver"].act(code, "confirm_payment", {"reference": "BL-0001"}))
    assert paid["status"]["code"] == 4


def test_the_desk_refuses_with_reasons(people):
    code = submitted(people)
    refused = ok(people["receiver"].act(code, "refuse", {"reasons": ["Sai thẩm quyền"]}))
    assert refused["status"] == {"code": 3, "name": "Không được tiếp nhận"}
    assert refused["history"][-1]["note"] == "Sai thẩm quyền"


def test_an_apology_takes_a_local_time_without_an_offset(people):
    code = accepted(people)
    moved = ok(
        people["receiver"].act(
            code, "apologise", {"reason": "Chờ xác minh", "new_due_at": "2026-11-26T17:00"}
        )
    )
    assert moved["due_at"] == "2026-11-26T17:00:00+07:00"
    assert moved["original_due_at"] == "2026-11-23T17:00:00+07:00"


def test_a_citizen_withdraws_their_dossier(people):
    code = submitted(people)
    withdrawn = ok(people["citizen"].act(code, "withdraw", {"reason": "Nộp nhầm"}))
    assert withdrawn["status"]["code"] == 7


# --- errors from actions ------------------------------------------------------------------


def test_every_action_has_one_endpoint_and_a_test_body():
    assert set(SPECS) == set(VALID_BODIES) == {str(a) for a in API_ACTIONS}


def test_an_unknown_action_is_a_404_listing_the_actions(people):
    code = submitted(people)
    response = people["receiver"].act(code, "approve_everything")
    assert response.status_code == 404
    assert "return_result" in response.json()["detail"]


def test_a_move_the_rules_refuse_is_a_409_or_a_403_with_the_reason(people):
    code = submitted(people)
    response = people["receiver"].act(code, "decide", {"approve": True})
    assert response.status_code == 409
    assert "Không thể" in response.json()["detail"]
    response = people["citizen"].act(code, "accept")
    assert response.status_code == 403
    assert (
        response.json()["detail"]
        == "Chỉ cán bộ một cửa của đơn vị mới thực hiện được thao tác này."
    )


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("refuse", {"reasons": []}),
        ("refuse", {"reasons": "không phải danh sách"}),
        ("decide", {"approve": "có lẽ"}),
        ("decide", {}),
        ("request_payment", {"amount": -5}),
        ("request_payment", {"amount": "8.000 đồng"}),
        ("apologise", {"reason": "x", "new_due_at": "9999-01-01T00:00:00"}),
        ("apologise", {"reason": "x", "new_due_at": "ngày mai"}),
        ("forward", {"note": "x" * 5000}),
        ("return_result", {"method": "pigeon"}),
        ("supplement", {"file_ids": ["a"]}),
    ],
)
def test_an_invalid_body_is_a_422(people, action, body):
    code = submitted(people)
    response = people["receiver"].act(code, action, body)
    assert response.status_code == 422
    assert response.json()["detail"] == "Tham số không hợp lệ."


def test_a_forward_to_an_unknown_officer_or_agency_is_a_422(people):
    code = accepted(people)
    response = people["receiver"].act(code, "forward", {"to_handler": "khong-co-ai"})
    assert response.status_code == 422 and "khong-co-ai" in response.json()["detail"]
    response = people["receiver"].act(code, "forward", {"to_agency": "999.99.99.H99"})
    assert response.status_code == 422


def test_a_supplement_cannot_take_someone_elses_file(people):
    code = submitted(people)
    other = submitted(people)
    file_id = people["citizen"].upload(other).json()["id"]
    ok(people["receiver"].act(code, "request_supplement", VALID_BODIES["request_supplement"]))
    response = people["citizen"].act(code, "supplement", {"file_ids": [file_id]})
    assert response.status_code == 422


# --- who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize("outsider", ["receiver2", "specialist2", "other_citizen"])
def test_outsiders_get_404_for_reading_files_and_every_action(people, outsider):
    code = accepted(people)
    ok(people["receiver"].act(code, "forward"))
    before = DossierEvent.objects.count()
    caller = people[outsider]
    not_found = {"detail": "Không tìm thấy hồ sơ."}
    assert caller.get(f"/dossiers/{code}").json() == not_found
    assert caller.get(f"/dossiers/{code}").status_code == 404
    assert caller.upload(code).status_code == 404
    for action, body in VALID_BODIES.items():
        response = caller.act(code, action, body)
        assert (response.status_code, response.json()) == (404, not_found), action
    assert DossierEvent.objects.count() == before
    assert Dossier.objects.get(code=code).status == 4


def test_an_unknown_code_answers_like_someone_elses(people):
    response = people["citizen"].get("/dossiers/000.01.99.H26-261123-9999")
    assert (response.status_code, response.json()) == (404, {"detail": "Không tìm thấy hồ sơ."})


def test_a_citizen_lists_only_their_own_dossiers(people):
    mine = [submitted(people) for _ in range(3)]
    people["other_citizen"].post("/dossiers", BIRTH)
    page = ok(people["citizen"].get("/dossiers", {"page_size": 2, "page": 1}))
    assert page["count"] == 3 and len(page["items"]) == 2
    assert {i["code"] for i in page["items"]} <= set(mine)
    assert page["items"][0]["handler"] is None


def test_officers_use_the_inbox_and_citizens_cannot(people):
    assert people["receiver"].get("/dossiers").status_code == 403
    response = people["citizen"].get("/inbox")
    assert response.status_code == 403
    assert response.json()["detail"] == "Chỉ cán bộ mới có hộp hồ sơ cần xử lý."


def test_the_inbox_lists_each_box_soonest_due_first(people, monday_morning):
    later = accepted(people, {**BIRTH, "procedure": "1.000004"})  # ten working days
    sooner = accepted(people)  # one working day
    new = submitted(people)
    desk = people["receiver"]
    mine = ok(desk.get("/inbox", {"box": "mine"}))
    assert [d["code"] for d in mine["items"]] == [sooner, later]
    assert mine["items"][0]["due_at"] == "2026-11-23T17:00:00+07:00"
    assert [d["code"] for d in ok(desk.get("/inbox", {"box": "new"}))["items"]] == [new]
    found = ok(desk.get("/inbox", {"box": "all", "q": sooner[-4:]}))
    assert [d["code"] for d in found["items"]] == [sooner]
    assert ok(people["receiver2"].get("/inbox", {"box": "all"}))["count"] == 0
    assert desk.get("/inbox", {"box": "everything"}).status_code == 422


def test_late_marks_show_in_the_inbox(people, monday_morning):
    from motcua.dossiers.services import mark_late_dossiers

    code = accepted(people)
    mark_late_dossiers(local(2026, 11, 23, 17, 30))
    item = ok(people["receiver"].get("/inbox"))["items"][0]
    assert (item["code"], item["late_mark"]) == (code, "overdue")


# --- submission -----------------------------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_gives_the_same_dossier(people):
    key = {"Idempotency-Key": "7f6c1a9e-retry"}
    first = people["citizen"].post("/dossiers", BIRTH, headers=key)
    again = people["citizen"].post("/dossiers", BIRTH, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1
    # The key belongs to its user; another key is another dossier.
    assert people["other_citizen"].post("/dossiers", BIRTH, headers=key).status_code == 201
    other_key = {"Idempotency-Key": "b"}
    assert people["citizen"].post("/dossiers", BIRTH, headers=other_key).status_code == 201
    assert Dossier.objects.count() == 3


def test_a_submission_cut_by_the_database_is_a_503_and_its_retry_makes_one_dossier(
    people, monkeypatch
):
    from django.db import OperationalError

    from motcua.dossiers import followups

    real_notify = followups.notify_applicant

    def connection_lost(*args, **kwargs):  # after the dossier row was written
        raise OperationalError("the connection pool timed out")

    monkeypatch.setattr(followups, "notify_applicant", connection_lost)
    key = {"Idempotency-Key": "cut-then-retried"}
    cut = people["citizen"].post("/dossiers", BIRTH, headers=key)
    assert cut.status_code == 503
    assert cut.json()["retry_after"] == int(cut["Retry-After"])
    assert Dossier.objects.count() == 0
    monkeypatch.setattr(followups, "notify_applicant", real_notify)
    assert people["citizen"].post("/dossiers", BIRTH, headers=key).status_code == 201
    assert people["citizen"].post("/dossiers", BIRTH, headers=key).status_code == 200
    assert Dossier.objects.count() == 1


def test_submissions_beyond_the_rate_get_429_but_retries_of_a_key_do_not_count(people, settings):
    settings.SUBMISSIONS_PER_MINUTE = 2
    key = {"Idempotency-Key": "first"}
    assert people["citizen"].post("/dossiers", BIRTH, headers=key).status_code == 201
    assert people["citizen"].post("/dossiers", BIRTH).status_code == 201
    refused = people["citizen"].post("/dossiers", BIRTH)
    assert refused.status_code == 429
    assert refused.json()["retry_after"] == int(refused["Retry-After"]) >= 1
    assert "nộp quá nhiều hồ sơ" in refused.json()["detail"]
    assert people["citizen"].post("/dossiers", BIRTH, headers=key).status_code == 200
    assert people["other_citizen"].post("/dossiers", BIRTH).status_code == 201  # per person
    assert Dossier.objects.count() == 3


def test_uploads_beyond_the_rate_get_429(people, settings):
    settings.UPLOADS_PER_MINUTE = 1
    code = submitted(people)
    assert people["citizen"].upload(code).status_code == 201
    refused = people["citizen"].upload(code)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "tải lên quá nhiều tệp" in refused.json()["detail"]


def test_an_idempotency_key_longer_than_100_characters_is_refused(people):
    response = people["citizen"].post("/dossiers", BIRTH, headers={"Idempotency-Key": "k" * 101})
    assert response.status_code == 422


def test_an_unknown_procedure_or_unit_is_a_404(people):
    response = people["citizen"].post("/dossiers", {**BIRTH, "procedure": "9.999999"})
    assert response.status_code == 404 and "9.999999" in response.json()["detail"]
    response = people["citizen"].post("/dossiers", {**BIRTH, "unit": "999.99.99.H99"})
    assert response.status_code == 404 and "999.99.99.H99" in response.json()["detail"]


def test_a_unit_that_does_not_handle_the_procedure_is_a_422(people):
    response = people["citizen"].post("/dossiers", {**BIRTH, "unit": "000.01.98.H26"})
    assert response.status_code == 422
    assert "không giải quyết thủ tục này" in response.json()["detail"]


def test_form_problems_are_located_under_data(people):
    response = people["citizen"].post("/dossiers", {**BIRTH, "data": {"ho_ten_tre": 5}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["loc"] == ["body", "payload", "data", "ho_ten_tre"]
    assert response.json()["detail"]
    missing = people["citizen"].post("/dossiers", {**BIRTH, "data": {}}).json()["errors"]
    assert missing[0]["loc"][:3] == ["body", "payload", "data"]


def test_an_unknown_variant_is_a_422_listing_the_variants(people):
    response = people["citizen"].post("/dossiers", {**BIRTH, "variant": "nhanh"})
    assert response.status_code == 422 and "mac-dinh" in response.json()["detail"]


def test_results_by_post_need_an_address(people):
    response = people["citizen"].post("/dossiers", {**BIRTH, "result_delivery": "post"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"] == "Nhận kết quả qua bưu chính cần địa chỉ nhận."


def test_a_citizen_applies_as_their_profile_says(people):
    code = submitted(
        people, {**BIRTH, "applicant": {"name": "Người Khác", "id_number": "001090012345"}}
    )
    applicant = ok(people["citizen"].get(f"/dossiers/{code}"))["applicant"]
    assert applicant["name"] == "Nguyễn Văn An"
    assert applicant["id_number"] == "001090012345"  # the profile had none


def test_a_citizen_cannot_submit_as_the_desk(people):
    response = people["citizen"].post("/dossiers", {**BIRTH, "channel": "in_person"})
    assert response.status_code == 403


def test_the_desk_submits_on_behalf_of_a_walk_in_applicant(people):
    applicant = {"name": "Lê Văn Cường", "phone": "0901234567", "id_number": "001090099999"}
    desk = people["receiver"]
    response = desk.post("/dossiers", {**BIRTH, "channel": "in_person", "applicant": applicant})
    assert response.status_code == 201
    dossier = response.json()
    assert (dossier["channel"], dossier["handler"]) == ("in_person", "motcua")
    assert dossier["applicant"]["name"] == "Lê Văn Cường"
    assert desk.post("/dossiers", {**BIRTH, "channel": "in_person"}).status_code == 422
    assert desk.post("/dossiers", {**BIRTH, "applicant": applicant}).status_code == 422
    not_a_receiver = people["specialist"].post(
        "/dossiers", {**BIRTH, "channel": "post", "applicant": applicant}
    )
    assert not_a_receiver.status_code == 403


@pytest.mark.parametrize("who", ["citizen", "receiver"])
def test_the_submit_answer_is_the_dossier_as_read_back(people, who):
    # The answer is built from the objects in hand; it must say what a read says.
    body = {**BIRTH}
    if who == "receiver":
        body |= {"channel": "in_person", "applicant": {"name": "Lê Văn Cường", "phone": "0901"}}
    answer = people[who].post("/dossiers", body)
    assert answer.status_code == 201, answer.json()
    assert answer.json() == ok(people[who].get(f"/dossiers/{answer.json()['code']}"))


def test_times_are_given_in_hanoi_time(people):
    dossier = ok(people["citizen"].get(f"/dossiers/{submitted(people)}"))
    assert dossier["submitted_at"] == "2026-11-23T08:00:00+07:00"
    assert dossier["history"][0]["at"] == "2026-11-23T08:00:00+07:00"


# --- files --------------------------------------------------------------------------------


def test_a_file_is_checked_by_its_content(people):
    code = submitted(people)
    response = people["citizen"].upload(code, content=b"MZ\x90\x00 not a pdf", name="a.pdf")
    assert response.status_code == 422
    assert "không phải PDF" in response.json()["detail"]


def test_a_file_names_the_document_it_answers(people, world):
    code = submitted(people)
    document = world.version("1.000001").documents.get(name="Giấy chứng sinh")
    response = people["citizen"].upload(code, requirement=document.pk)
    assert response.status_code == 201 and response.json()["requirement"] == "Giấy chứng sinh"
    elsewhere = world.version("2.000003").documents.first()
    assert people["citizen"].upload(code, requirement=elsewhere.pk).status_code == 422
    assert people["citizen"].upload(code, requirement="abc").status_code == 422


def test_a_file_is_required(people):
    code = submitted(people)
    caller = people["citizen"]
    response = caller.client.post(f"/api/v1/dossiers/{code}/files", {}, headers=caller.headers)
    assert response.status_code == 422


def test_the_applicant_adds_files_only_while_the_dossier_waits_for_them(people):
    code = accepted(people)
    response = people["citizen"].upload(code)
    assert response.status_code == 409
    assert people["receiver"].upload(code).status_code == 201  # the handler may
    assert people["specialist"].upload(code).status_code == 409  # not theirs to act on yet


def test_an_upload_checks_access_in_one_query(people, django_assert_max_num_queries):
    code = submitted(people)
    people["citizen"].upload(code)  # the first upload's storage set-up is not measured
    # Token, the dossier (access included), its file count, the insert.
    with django_assert_max_num_queries(4):
        assert people["citizen"].upload(code).status_code == 201
    assert people["other_citizen"].upload(code).status_code == 404


def test_an_upload_can_be_a_png_or_a_jpeg(people):
    code = submitted(people)
    image = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(image, format="PNG")
    png = people["citizen"].upload(code, content=image.getvalue(), name="a.png")
    assert png.json()["type"] == "image/png"
    assert PDF.startswith(b"%PDF-")


# --- public lookup --------------------------------------------------------------------------


def test_the_lookup_shows_progress_and_no_personal_data(people, client):
    code = accepted(people)
    response = client.get("/api/v1/lookup", {"code": code, "contact": "0912 345 678"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "code", "status", "procedure", "unit", "submitted_at", "accepted_at", "due_at",
        "returned_at",
    }  # fmt: skip
    assert data["status"]["code"] == 2 and data["due_at"] == "2026-11-23T17:00:00+07:00"
    text = response.content.decode()
    for personal in ("Nguyễn Văn An", "0912345678", "an@example.vn", "Nguyễn Văn Bé"):
        assert personal not in text


def test_a_failed_lookup_says_the_same_whatever_was_wrong(people, client):
    code = submitted(people)
    wrong_contact = client.get("/api/v1/lookup", {"code": code, "contact": "0987654321"})
    wrong_code = client.get("/api/v1/lookup", {"code": code + "9", "contact": "0912345678"})
    assert wrong_contact.status_code == wrong_code.status_code == 404
    assert wrong_contact.json() == wrong_code.json()
    assert client.get("/api/v1/lookup", {"code": code}).status_code == 422


def test_failed_lookups_are_throttled_per_address(people, client):
    code = submitted(people)
    for _ in range(10):
        assert client.get("/api/v1/lookup", {"code": code, "contact": "000000"}).status_code == 404
    response = client.get("/api/v1/lookup", {"code": code, "contact": "0912345678"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 600
    other = client.get(
        "/api/v1/lookup", {"code": code, "contact": "0912345678"}, REMOTE_ADDR="10.1.1.1"
    )
    assert other.status_code == 200


def test_the_openapi_document_describes_the_dossier_api(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/auth/token" in paths
    assert "/api/v1/dossiers/{code}/actions/forward" in paths
    assert paths["/api/v1/dossiers/{code}/actions/forward"]["post"]["security"]
    assert "security" not in paths["/api/v1/lookup"]["get"]
