"""Feedback (phản ánh, kiến nghị) through API v1: the public topics and answers, a sender with a
token or a verified contact, following by token or follow key, the agency's inbox, actions and
figures — and every refusal a client may meet."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.sms import MemorySmsBackend
from motcua.feedback import services
from motcua.feedback.models import FeedbackItem, Topic

pytestmark = pytest.mark.django_db

WARD = "00070"  # Phường Hoàn Kiếm in tests.dossiers.world


def lamp(**extra):
    return {
        "topic": "chieu-sang",
        "title": "Đèn đường hỏng",
        "body": "Đèn trước số nhà 12 phố Tràng Tiền tắt ba hôm nay.",
        "ward": WARD,
        **extra,
    }


def anonymous_post(client, path, body, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.post(
        f"/api/v1{path}{query}", data=json.dumps(body), content_type="application/json"
    )


def act(caller, code, action, body=None):
    return caller.post(f"/feedback/{code}/actions/{action}", body or {})


def status(answer) -> int:
    return answer.status_code


def last_code_sent() -> str:
    return re.search(r"\b(\d{6})\b", MemorySmsBackend.outbox[-1].text).group(1)


@pytest.fixture
def sent(people):
    """An item the citizen sent about the ward's street lighting."""
    answer = people["citizen"].post("/feedback", lamp())
    assert answer.status_code == 201, answer.json()
    return answer.json()


# --- public ------------------------------------------------------------------------------------


def test_the_topics_are_those_offered_on_the_portal(client):
    Topic.objects.filter(code="khac").update(on_portal=False)
    codes = [t["code"] for t in client.get("/api/v1/feedback/topics").json()]
    assert "chieu-sang" in codes and "khac" not in codes
    private = {t["code"] for t in client.get("/api/v1/feedback/topics").json() if t["is_private"]}
    assert private == {"can-bo", "tranh-chap"}


def test_a_published_answer_is_public_without_the_sender(client, people, sent):
    code = sent["code"]
    people["receiver"].post(f"/feedback/{code}/actions/answer", {"text": "Đã thay bóng đèn."})
    draft = people["receiver"].get(f"/feedback/{code}").json()["public_draft"]
    assert "12" not in draft["public_question"]  # the house number is hidden
    published = people["receiver"].post(
        f"/feedback/{code}/actions/publish", {**draft, "public_title": "Đèn Tràng Tiền"}
    )
    assert published.status_code == 200 and published.json()["published_at"]
    found = client.get("/api/v1/feedback/public", {"q": "trang tien"}).json()
    assert found["count"] == 1 and found["items"][0]["code"] == code
    one = client.get(f"/api/v1/feedback/public/{code}").json()
    assert one["answer"] == "Đã thay bóng đèn." and one["title"] == "Đèn Tràng Tiền"
    assert "Nguyễn Văn An" not in json.dumps(one, ensure_ascii=False)
    assert client.get("/api/v1/feedback/public", {"q": "khong co"}).json()["count"] == 0


def test_an_unpublished_item_is_not_public(client, sent):
    assert client.get(f"/api/v1/feedback/public/{sent['code']}").status_code == 404


# --- sending with a token ----------------------------------------------------------------------


def test_a_citizen_sends_feedback_that_goes_to_the_ward(people, world, sent):
    assert sent["agency"]["electronic_id"] == world.committee.electronic_id
    assert sent["status"]["code"] == "received" and sent["follow_key"]
    assert sent["sender"]["name"] == "Nguyễn Văn An" and sent["actions"] == []
    read = people["citizen"].get(f"/feedback/{sent['code']}").json()
    assert read["title"] == "Đèn đường hỏng" and read["history"][0]["actor"] is None


def test_a_citizen_may_name_only_their_own_dossier(people, world):
    theirs = world.submit(citizen=world["other_citizen"])
    refused = people["citizen"].post("/feedback", lamp(topic="ho-so", dossier=theirs.code))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "payload", "dossier"]
    own = world.submit()
    sent = people["citizen"].post("/feedback", lamp(topic="ho-so", ward="", dossier=own.code))
    assert sent.status_code == 201 and sent.json()["dossier"] == own.code


def test_unknown_topic_ward_or_procedure_name_their_field(people):
    for field, value in (("topic", "khong-co"), ("ward", "99999"), ("procedure", "9.999")):
        answer = people["citizen"].post("/feedback", lamp(**{field: value}))
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["loc"][-1] == field


def test_a_retry_with_the_same_key_makes_one_item(people):
    key = {"Idempotency-Key": "f5b0c1d2"}
    first = people["citizen"].post("/feedback", lamp(), headers=key)
    again = people["citizen"].post("/feedback", lamp(), headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"] and FeedbackItem.objects.count() == 1


def test_an_officer_token_does_not_send_feedback(people):
    assert people["receiver"].post("/feedback", lamp()).status_code == 403


def test_a_wrong_token_is_refused_not_taken_as_anonymous(client):
    answer = client.post(
        "/api/v1/feedback",
        data=json.dumps(lamp()),
        content_type="application/json",
        headers={"Authorization": "Bearer mc_wrong"},
    )
    assert answer.status_code == 401


# --- sending without an account ----------------------------------------------------------------


def test_a_sender_without_account_proves_the_phone_and_follows_by_key(client, world):
    sent = anonymous_post(client, "/feedback/contact-codes", {"contact": "0912000111"})
    assert sent.status_code == 202 and sent.json()["channel"] == "sms"
    body = lamp(sender_name="Lê Văn C", sender_phone="0912000111", code=last_code_sent())
    made = anonymous_post(client, "/feedback", body)
    assert made.status_code == 201, made.json()
    code, key = made.json()["code"], made.json()["follow_key"]
    assert client.get(f"/api/v1/feedback/{code}", {"key": key}).json()["sender"]["verified"]
    assert client.get(f"/api/v1/feedback/{code}").status_code == 404
    assert client.get(f"/api/v1/feedback/{code}", {"key": "x" * 43}).status_code == 404
    # The code served once.
    assert anonymous_post(client, "/feedback", body).status_code == 422


def test_anonymous_without_a_code_or_with_a_wrong_one_sends_nothing(client, world):
    body = lamp(sender_name="Lê Văn C", sender_phone="0912000111")
    bare = anonymous_post(client, "/feedback", body)
    assert bare.status_code == 422 and bare.json()["errors"][0]["loc"][-1] == "code"
    anonymous_post(client, "/feedback/contact-codes", {"contact": "0912000111"})
    wrong = "000000" if last_code_sent() != "000000" else "111111"
    assert anonymous_post(client, "/feedback", {**body, "code": wrong}).status_code == 422
    assert not FeedbackItem.objects.exists()


def test_a_refused_item_leaves_the_code_usable(client, world):
    anonymous_post(client, "/feedback/contact-codes", {"contact": "c@example.vn"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)[1]
    body = lamp(ward="", sender_name="Lê Văn C", sender_email="c@example.vn", code=code)
    refused = anonymous_post(client, "/feedback", body)
    assert refused.json()["errors"][0]["loc"][-1] == "ward"
    assert anonymous_post(client, "/feedback", {**body, "ward": WARD}).status_code == 201


def test_contact_codes_are_throttled_and_checked(client):
    assert anonymous_post(client, "/feedback/contact-codes", {"contact": "abc"}).status_code == 422
    answers = [
        anonymous_post(client, "/feedback/contact-codes", {"contact": "0912000111"})
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert int(answers[-1]["Retry-After"]) > 0


# --- following ---------------------------------------------------------------------------------


def test_someone_elses_item_is_not_found(people, sent):
    code = sent["code"]
    assert people["other_citizen"].get(f"/feedback/{code}").status_code == 404
    assert people["receiver2"].get(f"/feedback/{code}").status_code == 404
    assert status(people["other_citizen"].post(f"/feedback/{code}/rating", {"rating": "x"})) == 422
    assert (
        status(people["other_citizen"].post(f"/feedback/{code}/rating", {"rating": "like"})) == 404
    )


def test_mine_lists_what_i_sent_and_officers_use_the_inbox(people, sent):
    mine = people["citizen"].get("/feedback/mine").json()
    assert mine["count"] == 1 and mine["items"][0]["code"] == sent["code"]
    assert people["other_citizen"].get("/feedback/mine").json()["count"] == 0
    assert people["receiver"].get("/feedback/mine").status_code == 403


def test_the_sender_adds_information_only_when_asked(client, people, sent):
    code, key = sent["code"], sent["follow_key"]
    early = anonymous_post(client, f"/feedback/{code}/info", {"text": "Cột số 5"}, key=key)
    assert early.status_code == 409
    people["receiver"].post(f"/feedback/{code}/actions/request_info", {"request": "Cột số mấy?"})
    assert people["receiver"].post(f"/feedback/{code}/info", {"text": "x"}).status_code == 403
    added = anonymous_post(client, f"/feedback/{code}/info", {"text": "Cột số 5"}, key=key)
    assert added.status_code == 200 and added.json()["status"]["code"] == "in_progress"
    assert added.json()["history"][-1]["note"] == "Cột số 5"


def test_a_dislike_asks_the_leader_to_reopen(people, sent):
    code = sent["code"]
    assert people["citizen"].post(f"/feedback/{code}/rating", {"rating": "like"}).status_code == 409
    people["receiver"].post(f"/feedback/{code}/actions/answer", {"text": "Đã sửa."})
    assert people["citizen"].get(f"/feedback/{code}").json()["actions"] == ["rate"]
    dislike = {"rating": "dislike", "reason": "Vẫn tắt"}
    rated = people["citizen"].post(f"/feedback/{code}/rating", dislike)
    assert rated.status_code == 200 and rated.json()["reopen"]["reason"] == "Vẫn tắt"
    assert people["citizen"].post(f"/feedback/{code}/rating", {"rating": "like"}).status_code == 409
    reopen_tab = people["approver"].get("/feedback/inbox", {"tab": "reopen"}).json()["items"]
    assert [i["code"] for i in reopen_tab] == [code]
    decision = {"reopen": True, "note": "Kiểm tra lại"}
    assert status(act(people["receiver"], code, "decide_reopen", decision)) == 403
    reopened = act(people["approver"], code, "decide_reopen", decision)
    assert reopened.status_code == 200 and reopened.json()["status"]["code"] == "in_progress"


# --- the agency --------------------------------------------------------------------------------


def test_the_inbox_shows_the_agencys_open_items_with_their_mark(people, sent):
    inbox = people["receiver"].get("/feedback/inbox").json()
    assert inbox["count"] == 1 and inbox["items"][0]["code"] == sent["code"]
    assert inbox["items"][0]["mark"] in ("", "due_soon")
    assert people["receiver2"].get("/feedback/inbox").json()["count"] == 0
    assert people["citizen"].get("/feedback/inbox").status_code == 403


def test_an_officer_acts_and_reads_the_full_history(people, sent):
    code = sent["code"]
    classified = act(people["receiver"], code, "classify", {"classification": "other"})
    assert classified.status_code == 200 and classified.json()["classification"] == "other"
    assert classified.json()["history"][-1]["actor"] == "motcua"
    assert "answer" in classified.json()["actions"]
    # The sender does not see the internal step nor who took it.
    history = people["citizen"].get(f"/feedback/{code}").json()["history"]
    assert [e["action"] for e in history] == ["submit"]


def test_refusals_are_404_403_409_and_422_as_for_dossiers(people, sent):
    code = sent["code"]
    answer = {"text": "Đã sửa."}
    assert people["receiver2"].post(f"/feedback/{code}/actions/answer", answer).status_code == 404
    assert people["citizen"].post(f"/feedback/{code}/actions/answer", answer).status_code == 403
    publish = {"public_title": "a", "public_question": "b", "public_answer": "c"}
    assert people["receiver"].post(f"/feedback/{code}/actions/publish", publish).status_code == 409
    assert people["receiver"].post(f"/feedback/{code}/actions/answer", {}).status_code == 422
    unknown = people["receiver"].post(f"/feedback/{code}/actions/fly", {})
    assert unknown.status_code == 404 and "classify" in unknown.json()["detail"]


def test_a_conduct_complaint_is_for_the_leaders_only(people):
    sent = people["citizen"].post("/feedback", lamp(topic="can-bo", title="Thái độ cán bộ"))
    code = sent.json()["code"]
    assert people["receiver"].get(f"/feedback/{code}").status_code == 404
    assert status(act(people["receiver"], code, "answer", {"text": "x"})) == 404
    assert people["receiver"].get("/feedback/inbox").json()["count"] == 0
    assert people["approver"].get("/feedback/inbox").json()["items"][0]["code"] == code


def test_a_transfer_hands_the_item_to_the_other_agency(people, world, sent):
    code = sent["code"]
    body = {"to_agency": world.committee2.electronic_id, "note": "Thuộc địa bàn Ba Đình"}
    moved = people["receiver"].post(f"/feedback/{code}/actions/transfer", body)
    assert moved.status_code == 200 and moved.json()["actions"] == []
    assert people["receiver2"].get("/feedback/inbox").json()["items"][0]["code"] == code
    unknown = {"to_agency": "000.00.00.X", "note": "x"}
    assert status(act(people["receiver2"], code, "transfer", unknown)) == 422


def test_a_duplicate_merges_into_its_original_and_refuse_closes(people, sent):
    second = people["other_citizen"].post("/feedback", lamp()).json()["code"]
    merged = people["receiver"].post(
        f"/feedback/{second}/actions/merge", {"original": sent["code"]}
    )
    assert merged.status_code == 200 and merged.json()["merged_into"] == sent["code"]
    missing = people["receiver"].post(
        f"/feedback/{sent['code']}/actions/merge", {"original": "PA-X"}
    )
    assert missing.status_code == 422
    refused = people["receiver"].post(
        f"/feedback/{sent['code']}/actions/refuse", {"reason": "Trùng"}
    )
    assert refused.json()["status"]["code"] == "refused"


def test_the_figures_count_the_officers_agencies_with_numerators(people, world, sent):
    code = sent["code"]
    people["receiver"].post(f"/feedback/{code}/actions/answer", {"text": "Đã sửa."})
    people["citizen"].post(f"/feedback/{code}/rating", {"rating": "dislike"})
    figures = people["receiver"].get("/feedback/figures").json()
    assert figures["total"] == 1 and figures["by_channel"]["portal"] == 1
    assert figures["on_time_rate"] == {"numerator": 1, "denominator": 1, "rate": 100.0}
    assert figures["satisfaction_rate"] == {"numerator": 0, "denominator": 1, "rate": 0.0}
    assert figures["agencies"] == [
        {"electronic_id": world.committee.electronic_id, "name": world.committee.name}
    ]
    other = {"agency": world.committee2.electronic_id}
    assert people["receiver"].get("/feedback/figures", other).status_code == 403
    assert people["receiver2"].get("/feedback/figures", other).json()["total"] == 0
    period = {"from": "2099-12-31", "to": "2099-12-01"}
    backwards = people["receiver"].get("/feedback/figures", period)
    assert backwards.status_code == 422 and "bắt đầu" in backwards.json()["detail"]
    later = people["receiver"].get("/feedback/figures", {**period, "from": "2099-11-01"}).json()
    assert later["start"] == "2099-11-01" and later["total"] == 0
    assert people["citizen"].get("/feedback/figures").status_code == 403


def test_a_browser_session_without_a_token_is_anonymous(client, world, sent):
    # The API takes no cookies: a page on another site must not act as the signed-in citizen.
    client.force_login(world["citizen"])
    assert client.get(f"/api/v1/feedback/{sent['code']}").status_code == 404
    rating = anonymous_post(client, f"/feedback/{sent['code']}/rating", {"rating": "like"})
    assert rating.status_code == 404


# --- with files --------------------------------------------------------------------------------


def _photo() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, "JPEG")
    return out.getvalue()


def test_a_photo_goes_with_the_feedback_in_a_multipart_form(people):
    citizen = people["citizen"]
    form = {**lamp(), "files": [SimpleUploadedFile("den.jpg", _photo())]}
    answer = citizen.client.post("/api/v1/feedback/with-files", form, headers=citizen.headers)
    assert answer.status_code == 201, answer.json()
    [photo] = answer.json()["attachments"]
    assert photo["type"] == "image/jpeg" and photo["name"] == "den.jpg"


def test_a_file_that_is_neither_photo_nor_pdf_sends_nothing(client, world):
    anonymous_post(client, "/feedback/contact-codes", {"contact": "0912000111"})
    form = {
        **lamp(sender_name="Lê Văn C", sender_phone="0912000111", code=last_code_sent()),
        "files": [SimpleUploadedFile("x.exe", b"MZ not a picture")],
    }
    refused = client.post("/api/v1/feedback/with-files", form)
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"][-1] == "files"
    assert not FeedbackItem.objects.exists()
    # The code was not spent: the same form with a photo goes through.
    form["files"] = [SimpleUploadedFile("den.jpg", _photo())]
    assert client.post("/api/v1/feedback/with-files", form).status_code == 201


def test_without_an_account_a_dossier_is_named_with_its_applicants_verified_phone(client, world):
    dossier = world.submit()  # the applicant's phone is 0912345678
    for phone, expected in (("0987000111", 422), ("0912345678", 201)):
        anonymous_post(client, "/feedback/contact-codes", {"contact": phone})
        body = {**lamp(topic="ho-so", ward="", dossier=dossier.code), "sender_name": "An"}
        answer = anonymous_post(client, "/feedback", {**body, "sender_phone": phone,
                                                      "code": last_code_sent()})  # fmt: skip
        assert answer.status_code == expected
    assert answer.json()["dossier"] == dossier.code


def test_an_item_past_its_answer_deadline_is_marked_overdue(as_user, world, sent):
    with time_machine.travel(timedelta(days=30)):
        receiver = as_user(world["receiver"])  # a token of that day
        [item] = receiver.get("/feedback/inbox").json()["items"]
        figures = receiver.get("/feedback/figures", {"from": "2000-01-01"}).json()
    assert item["mark"] == "overdue"
    assert figures["on_time_rate"] == {"numerator": 0, "denominator": 1, "rate": 0.0}


def test_a_follower_reads_the_progress_without_the_senders_data(people, world):
    sent = people["citizen"].post("/feedback", lamp(title="Đèn hỏng, gọi 0912345678")).json()
    item = FeedbackItem.objects.get(code=sent["code"])
    services.follow(item=item, user=world["other_citizen"])
    follower = people["other_citizen"]
    read = follower.get(f"/feedback/{item.code}").json()
    assert "0912345678" not in read["title"] and read["status"]["code"] == "received"
    assert read["sender"] is None and read["body"] == "" and read["actions"] == []
    assert [e["note"] for e in read["history"]] == [""]
    [listed] = follower.get("/feedback/mine").json()["items"]
    assert listed["code"] == item.code and "0912345678" not in listed["title"]
    assert status(follower.post(f"/feedback/{item.code}/rating", {"rating": "like"})) == 403


@pytest.mark.parametrize(
    "who, path",
    [
        ("receiver", "/feedback/inbox"),
        ("receiver", "/feedback/{code}"),
        ("receiver", "/feedback/figures"),
        ("citizen", "/feedback/mine"),
        ("citizen", "/feedback/{code}"),
        ("citizen", "/feedback/public"),
    ],
)
def test_the_reads_write_nothing(people, sent, who, path):
    with CaptureQueriesContext(connection) as queries:
        answer = people[who].get(path.format(code=sent["code"]))
    assert answer.status_code == 200
    writes = ("BEGIN", "SAVEPOINT", "INSERT", "UPDATE", "DELETE")
    assert [q["sql"] for q in queries.captured_queries if q["sql"].startswith(writes)] == []


def test_a_far_away_year_is_refused_in_vietnamese(people):
    answer = people["receiver"].get("/feedback/figures", {"from": "1066-10-14"})
    assert answer.status_code == 422 and "1990" in answer.json()["errors"][0]["msg"]
