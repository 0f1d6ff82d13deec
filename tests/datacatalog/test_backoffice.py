"""The back office's pages of the data catalogue, through the test client as an officer's
browser meets them (the form in a real browser: test_backoffice_in_browser.py)."""

import pytest
from django.urls import reverse

from motcua.datacatalog.models import Proposal, ProposalStatus
from tests.dossiers.world import officer

from .conftest import first_version

NEW = reverse("backoffice:data-catalogue-new")


@pytest.fixture(autouse=True)
def _may_sign_in_with_a_password_alone(settings):
    settings.OFFICER_2FA_REQUIRED = False


def _signed_in(client, user):
    client.force_login(user)
    return client


def _form(**changes):
    data = {
        "kind": "add", "agency": "", "code": "CSDL-CC", "reason": "Đưa vào danh mục",
        "name": "Cơ sở dữ liệu công chứng", "name_en": "Notarial database",
        "purpose": "Quản lý hợp đồng, giao dịch đã công chứng.", "legal_basis": "Luật Công chứng",
        "system": "Phần mềm công chứng", "frequency": "daily", "sharing": "shared",
        "truong-TOTAL_FORMS": "3", "truong-INITIAL_FORMS": "0",
        "truong-MIN_NUM_FORMS": "0", "truong-MAX_NUM_FORMS": "200",
        "truong-0-name": "Số công chứng", "truong-0-type": "string",
        "truong-0-description": "Số công chứng của văn bản", "truong-0-sharing": "shared",
        "truong-1-name": "Bên giao kết", "truong-1-type": "string",
        "truong-1-personal": "on", "truong-1-sharing": "restricted",
        "truong-2-name": "", "truong-2-type": "string", "truong-2-sharing": "restricted",
    }  # fmt: skip
    return data | changes


def test_a_leader_proposes_a_database_with_its_fields(client, city):
    _signed_in(client, city["justice_leader"])
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, _form(agency=city.justice.pk))
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.code == "CSDL-CC"
    assert [f["name"] for f in proposal.content["fields"]] == ["Số công chứng", "Bên giao kết"]
    page = client.get(reverse("backoffice:data-catalogue-proposal", args=[proposal.pk]))
    assert "Bổ sung CSDL-CC" in page.content.decode()


def test_an_open_personal_field_is_refused_beside_the_form_with_400(client, city):
    _signed_in(client, city["justice_leader"])
    response = client.post(
        NEW, _form(agency=city.justice.pk, **{"truong-1-sharing": "open", "sharing": "open"})
    )
    assert response.status_code == 400
    assert "không thể ở mức mở" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_specialist_may_not_propose(client, city):
    _signed_in(client, city["justice_specialist"])
    assert client.get(NEW).status_code == 403


def test_submit_review_and_approve_through_the_pages(client, city):
    first_version(city)
    _signed_in(client, city["justice_leader"])
    client.post(NEW, _form(agency=city.justice.pk))
    proposal = Proposal.objects.get(code="CSDL-CC")
    client.post(reverse("backoffice:data-catalogue-submit", args=[proposal.pk]))
    _signed_in(client, city["reviewer"])
    queue = client.get(reverse("backoffice:data-catalogue")).content.decode()
    assert "Đề xuất chờ thẩm định" in queue and "CSDL-CC" in queue
    review = reverse("backoffice:data-catalogue-review", args=[proposal.pk])
    assert client.post(review, {"decision": "accept", "note": ""}).status_code == 400
    client.post(review, {"decision": "accept", "note": "Đạt yêu cầu"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    approve = reverse("backoffice:data-catalogue-approve")
    assert client.get(approve).status_code == 403
    _signed_in(client, city["city_leader"])
    assert client.post(approve, {"effective_from": "không phải ngày"}).status_code == 400
    response = client.post(approve, {"effective_from": "01/07/2026", "decision": "QĐ 2"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.version.number == 2
    page = client.get("/danh-muc-csdl/phien-ban/2/").content.decode()
    assert "Cơ sở dữ liệu được bổ sung" in page and "CSDL-CC" in page


def test_a_proposal_of_another_agency_answers_404(client, city):
    _signed_in(client, city["justice_leader"])
    client.post(NEW, _form(agency=city.justice.pk))
    proposal = Proposal.objects.get()
    _signed_in(client, city["land_leader"])
    for name in ("data-catalogue-proposal", "data-catalogue-edit"):
        assert client.get(reverse(f"backoffice:{name}", args=[proposal.pk])).status_code == 404
    submit = reverse("backoffice:data-catalogue-submit", args=[proposal.pk])
    assert client.post(submit).status_code == 404
    assert (
        client.get(reverse("backoffice:data-catalogue-proposal", args=[99999])).status_code == 404
    )


def test_a_wrong_move_answers_with_the_reason_not_500(client, city):
    _signed_in(client, city["justice_leader"])
    client.post(NEW, _form(agency=city.justice.pk))
    proposal = Proposal.objects.get()
    review = reverse("backoffice:data-catalogue-review", args=[proposal.pk])
    response = client.post(review, {"decision": "accept", "note": "tự duyệt"})
    assert response.status_code in (400, 403)
    assert "Chỉ thẩm định" in response.content.decode()


def test_a_change_starts_from_the_current_database(client, city):
    first_version(city)
    _signed_in(client, city["justice_leader"])
    page = client.get(NEW + "?loai=change&ma=CSDL-HT").content.decode()
    assert "Loại sự kiện hộ tịch" in page and "Luật Hộ tịch 2014" in page


def test_an_officer_of_an_unrelated_agency_reads_the_catalogue(client, city):
    first_version(city)
    person = officer("motcua.khac", "receiver", city.land)
    _signed_in(client, person)
    page = client.get(reverse("backoffice:data-catalogue"))
    assert page.status_code == 200 and "CSDL-HT" in page.content.decode()
    assert "Phê duyệt phiên bản mới" not in page.content.decode()


def test_the_pages_are_valid_html(client, city, tmp_path):
    from motcua.datacatalog import services
    from tests.test_html import nu_errors

    v1 = first_version(city)
    leader = city["justice_leader"]
    _signed_in(client, leader)
    client.post(NEW, _form(agency=city.justice.pk))
    proposal = Proposal.objects.get(code="CSDL-CC")
    services.submit_proposal(proposal=proposal, by=leader)
    _signed_in(client, city["admin"])
    pages = {
        "home": client.get(reverse("backoffice:data-catalogue")).content.decode(),
        "proposal": client.get(reverse("backoffice:data-catalogue-proposal",
                                       args=[proposal.pk])).content.decode(),
        "new": client.get(NEW + "?loai=change&ma=CSDL-HT").content.decode(),
        "new, errors": client.post(NEW, _form(agency=city.justice.pk, code="x",
                                              frequency="")).content.decode(),
        "approve": client.get(reverse("backoffice:data-catalogue-approve")).content.decode(),
        "public": client.get("/danh-muc-csdl/").content.decode(),
        "version": client.get(f"/danh-muc-csdl/phien-ban/{v1.number}/").content.decode(),
        "database": client.get("/danh-muc-csdl/CSDL-HT/").content.decode(),
    }  # fmt: skip
    folder = tmp_path / "nu"
    folder.mkdir()
    assert nu_errors(pages, folder) == []


def test_malformed_posts_answer_400_and_keep_nothing(client, city):
    first_version(city)
    _signed_in(client, city["justice_leader"])
    before = Proposal.objects.count()
    bad = [
        {"kind": "add"},  # no management form, nothing else
        _form(agency="999999"),
        _form(agency=city.land.pk),  # not an agency this leader proposes for
        _form(agency=city.justice.pk, kind="explode"),
        _form(agency=city.justice.pk, **{"truong-TOTAL_FORMS": "9999"}),
        _form(agency=city.justice.pk, **{"truong-0-type": "blob"}),
        _form(agency=city.justice.pk, kind="change", code="CSDL-DD"),  # another agency's
        _form(agency=city.justice.pk, code="CSDL-HT"),  # already listed
    ]
    for data in bad:
        response = client.post(NEW, data)
        assert response.status_code == 400, data
        assert "Có lỗi cần sửa" in response.content.decode()
    assert Proposal.objects.count() == before
    odd = client.get(NEW + "?loai=%3Cscript%3E&ma=%3Cscript%3E")
    assert odd.status_code == 200 and "<script>" not in odd.content.decode()


def test_the_reminder_shows_on_the_catalogue_page(client, city):
    from motcua.datacatalog.reminders import remind_due_review

    from .conftest import at

    first_version(city, at(2026, 1, 10, 9))
    remind_due_review(at(2026, 7, 10, 8))
    _signed_in(client, city["reviewer"])
    page = client.get(reverse("backoffice:data-catalogue")).content.decode()
    assert "Hạn rà soát định kỳ: 10/07/2026" in page and "Đã nhắc cơ quan đầu mối" in page


def test_an_approval_beaten_by_another_answers_409_with_the_reason(client, city, monkeypatch):
    from datetime import date

    from motcua.datacatalog import services
    from motcua.datacatalog.models import CatalogueVersion

    first_version(city)
    _signed_in(client, city["justice_leader"])
    client.post(NEW, _form(agency=city.justice.pk))
    proposal = Proposal.objects.get(code="CSDL-CC")
    services.submit_proposal(proposal=proposal, by=city["justice_leader"])
    services.review_proposal(proposal=proposal, decision="accept", note="Đạt",
                             by=city["reviewer"])  # fmt: skip
    apply = services._apply

    def meanwhile(p, catalogue):  # another leader's approval commits number 2 meanwhile
        CatalogueVersion.objects.create(number=2, approved_at=proposal.updated_at,
                                        approved_by=city["admin"],
                                        effective_from=date(2026, 7, 1))  # fmt: skip
        apply(p, catalogue)

    monkeypatch.setattr(services, "_apply", meanwhile)
    _signed_in(client, city["city_leader"])
    response = client.post(reverse("backoffice:data-catalogue-approve"),
                           {"effective_from": "01/07/2026"})  # fmt: skip
    assert response.status_code == 409
    assert "vừa được phê duyệt cùng lúc" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_a_leader_withdraws_a_submitted_proposal_from_its_page(client, city):
    _signed_in(client, city["justice_leader"])
    client.post(NEW, _form(agency=city.justice.pk))
    proposal = Proposal.objects.get()
    page = reverse("backoffice:data-catalogue-proposal", args=[proposal.pk])
    withdraw = reverse("backoffice:data-catalogue-withdraw", args=[proposal.pk])
    client.post(reverse("backoffice:data-catalogue-submit", args=[proposal.pk]))
    assert f'action="{withdraw}"' in client.get(page).content.decode()
    _signed_in(client, city["land_leader"])  # another agency's leader: not even there
    assert client.post(withdraw).status_code == 404
    _signed_in(client, city["justice_specialist"])  # reads it, may not withdraw it
    assert f'action="{withdraw}"' not in client.get(page).content.decode()
    assert client.post(withdraw).status_code == 403
    _signed_in(client, city["justice_leader"])
    assert client.get(withdraw).status_code == 405
    response = client.post(withdraw, follow=True)
    assert "Đã rút đề xuất." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    again = client.post(withdraw)
    assert again.status_code in (400, 403) and "chưa được thẩm định" in again.content.decode()


def test_an_approved_proposal_shows_what_it_changed_in_its_version(client, city):
    """Compared with the current catalogue an approved proposal changes nothing any more; its
    page shows what it brought into its version instead."""
    first_version(city)
    proposal = Proposal.objects.get(code="CSDL-HT")
    _signed_in(client, city["justice_leader"])
    page = client.get(reverse("backoffice:data-catalogue-proposal", args=[proposal.pk]))
    text = page.content.decode()
    assert "Thay đổi đã đưa vào phiên bản 1" in text
    assert "Bổ sung CSDL-HT" in text and "Không có thay đổi" not in text
    assert "CSDL-DD" not in text  # the other proposal of the same version is not this one's


def test_a_refused_field_row_carries_its_message_beside_that_row(client, city):
    """The domain's rule (a field never more open than its database) names the row: its message
    sits on that row's control and the summary links to it, not only at the top of the form."""
    _signed_in(client, city["justice_leader"])
    data = _form(agency=city.justice.pk, **{"truong-0-name": "", "truong-2-name": "Ngày",
                                             "truong-2-sharing": "open"})  # fmt: skip
    response = client.post(NEW, data)
    text = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_truong-2-sharing"' in text
    assert "không thể mở hơn cơ sở dữ liệu" in text
    assert not Proposal.objects.exists()
