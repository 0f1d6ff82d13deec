from dataclasses import replace
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from motcua.datacatalog import diff, rules, selectors, services
from motcua.datacatalog.models import (
    CatalogueVersion,
    Database,
    DatabaseField,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)
from motcua.datacatalog.services import CatalogueError
from motcua.datacatalog.specs import CatalogueConflict, FieldSpec, publication_level
from motcua.identity.models import OfficerRole
from tests.dossiers.world import officer

from .conftest import at, civil_status, first_version, land


def test_the_whole_cycle_makes_a_version_that_shows_what_changed(city):
    v1 = first_version(city)
    leader = city["justice_leader"]
    fields = (*civil_status(city.justice).fields[1:],
              FieldSpec("Nơi đăng ký", "code", "Mã cơ quan đăng ký", sharing="open"))  # fmt: skip
    new = civil_status(city.justice, fields=fields, frequency="daily")
    proposal = services.create_proposal(kind="change", agency=city.justice, code="CSDL-HT",
                                        spec=new, reason="Bỏ số định danh", by=leader)  # fmt: skip
    services.submit_proposal(proposal=proposal, by=leader)
    services.review_proposal(proposal=proposal, decision="return", note="Ghi rõ mô tả",
                             by=city["reviewer"])  # fmt: skip
    services.update_proposal(proposal=proposal, spec=new, reason="Bỏ số định danh, đã sửa",
                             by=leader)  # fmt: skip
    services.submit_proposal(proposal=proposal, by=leader)
    services.review_proposal(proposal=proposal, decision="accept", note="Đạt", by=city["reviewer"])
    retire = services.create_proposal(
        kind="retire",
        agency=city.land,
        code="CSDL-DD",
        spec=None,
        reason="Chuyển về Trung ương",
        by=city["land_leader"],
    )
    services.submit_proposal(proposal=retire, by=city["land_leader"])
    services.review_proposal(proposal=retire, decision="accept", note="Đồng ý", by=city["reviewer"])

    v2 = services.approve_version(by=city["city_leader"], effective_from=date(2026, 7, 1),
                                  at=at(2026, 6, 30, 10))  # fmt: skip

    assert v2.number == 2 and v2.approved_by == city["city_leader"]
    found = diff.differences(selectors.specs_of(v1), selectors.specs_of(v2))
    assert [d.code for d in found.removed] == ["CSDL-DD"] and not found.added
    (change,) = found.changed
    assert change.code == "CSDL-HT"
    assert ("Tần suất cập nhật", "Liên tục", "Hằng ngày") in change.changes
    assert [f.name for f in found.changed[0].fields_added] == ["Nơi đăng ký"]
    assert [f.name for f in found.changed[0].fields_removed] == ["Số định danh cá nhân"]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.version == v2
    moves = [
        (e.from_status, e.to_status)
        for e in ProposalEvent.objects.filter(proposal=proposal).order_by("id")
    ]
    assert moves == [("", "draft"), ("draft", "submitted"), ("submitted", "returned"),
                     ("returned", "submitted"), ("submitted", "accepted"),
                     ("accepted", "approved")]  # fmt: skip


def test_an_approved_version_stays_as_it_was(city):
    v1 = first_version(city)
    before = selectors.specs_of(v1)
    leader = city["justice_leader"]
    proposal = services.create_proposal(
        kind="change", agency=city.justice, code="CSDL-HT",
        spec=civil_status(city.justice, name="Cơ sở dữ liệu hộ tịch"), reason="Đổi tên", by=leader,
    )  # fmt: skip
    services.submit_proposal(proposal=proposal, by=leader)
    services.review_proposal(proposal=proposal, decision="accept", note="Đạt", by=city["reviewer"])
    services.approve_version(by=city["admin"], effective_from=date(2026, 7, 1))
    assert selectors.specs_of(v1) == before
    assert selectors.current_version().number == 2


def test_a_field_holding_personal_data_cannot_be_open(city):
    spec = civil_status(city.justice, fields=(FieldSpec("Họ tên", "string", personal=True,
                                                        sharing="open"),))  # fmt: skip
    with pytest.raises(CatalogueError, match="dữ liệu cá nhân"):
        services.create_proposal(kind="add", agency=city.justice, code="CSDL-HT", spec=spec,
                                 reason="x", by=city["justice_leader"])  # fmt: skip


def test_the_database_refuses_an_open_personal_field_whatever_wrote_it(city):
    v1 = first_version(city)
    database = Database.objects.get(version=v1, code="CSDL-HT")
    with pytest.raises(IntegrityError), transaction.atomic():
        DatabaseField.objects.create(database=database, name="Họ tên", type="string",
                                     personal=True, sharing="open")  # fmt: skip


def test_a_field_is_never_more_open_than_its_database(city):
    spec = replace(land(city.land), fields=(FieldSpec("Số thửa", "string", sharing="open"),))
    with pytest.raises(CatalogueError, match="mở hơn"):
        services.create_proposal(kind="add", agency=city.land, code="CSDL-DD", spec=spec,
                                 reason="x", by=city["land_leader"])  # fmt: skip


def test_a_database_is_published_open_only_without_personal_data_in_its_open_fields(city):
    assert publication_level(civil_status(city.justice)) == "open"
    assert publication_level(land(city.land)) == "shared"
    closed = civil_status(city.justice, fields=civil_status(city.justice).fields[:1])
    assert publication_level(closed) == "shared"  # marked open, but no open field


def test_only_the_owner_agencys_leaders_propose(city):
    with pytest.raises(CatalogueError, match="Chỉ lãnh đạo"):
        services.create_proposal(kind="add", agency=city.justice, code="CSDL-HT",
                                 spec=civil_status(city.justice), reason="x",
                                 by=city["justice_specialist"])  # fmt: skip
    first_version(city)
    with pytest.raises(CatalogueError, match="cơ quan chủ quản"):
        services.create_proposal(kind="retire", agency=city.land, code="CSDL-HT", spec=None,
                                 reason="x", by=city["land_leader"])  # fmt: skip


def test_only_the_coordinator_reviews_and_only_the_city_approves(city):
    leader = city["justice_leader"]
    proposal = services.create_proposal(
        kind="add",
        agency=city.justice,
        code="CSDL-HT",
        spec=civil_status(city.justice),
        reason="x",
        by=leader,
    )
    services.submit_proposal(proposal=proposal, by=leader)
    for person in ("justice_leader", "city_specialist", "land_leader"):
        with pytest.raises(CatalogueError, match="đầu mối"):
            services.review_proposal(proposal=proposal, decision="accept", note="x",
                                     by=city[person])  # fmt: skip
    services.review_proposal(proposal=proposal, decision="accept", note="x", by=city["reviewer"])
    for person in ("reviewer", "city_specialist", "justice_leader"):
        with pytest.raises(CatalogueError, match="phê duyệt"):
            services.approve_version(by=city[person], effective_from=date(2026, 7, 1))


def test_a_review_needs_a_note_and_a_known_decision(city):
    leader = city["justice_leader"]
    proposal = services.create_proposal(
        kind="add",
        agency=city.justice,
        code="CSDL-HT",
        spec=civil_status(city.justice),
        reason="x",
        by=leader,
    )
    services.submit_proposal(proposal=proposal, by=leader)
    with pytest.raises(CatalogueError) as refused:
        services.review_proposal(
            proposal=proposal, decision="accept", note=" ", by=city["reviewer"]
        )
    assert refused.value.field == "note"
    with pytest.raises(CatalogueError):
        services.review_proposal(
            proposal=proposal, decision="delete", note="x", by=city["reviewer"]
        )


def test_a_submitted_proposal_cannot_be_edited_or_submitted_twice(city):
    leader = city["justice_leader"]
    proposal = services.create_proposal(
        kind="add",
        agency=city.justice,
        code="CSDL-HT",
        spec=civil_status(city.justice),
        reason="x",
        by=leader,
    )
    services.submit_proposal(proposal=proposal, by=leader)
    with pytest.raises(CatalogueError, match="không sửa được"):
        services.update_proposal(proposal=proposal, spec=civil_status(city.justice), reason="y",
                                 by=leader)  # fmt: skip
    with pytest.raises(CatalogueError):
        services.submit_proposal(proposal=proposal, by=leader)


def test_two_pending_proposals_for_one_database_are_refused(city):
    leader = city["justice_leader"]
    spec = civil_status(city.justice)
    first = services.create_proposal(kind="add", agency=city.justice, code="CSDL-HT", spec=spec,
                                     reason="x", by=leader)  # fmt: skip
    second = services.create_proposal(kind="add", agency=city.justice, code="CSDL-HT", spec=spec,
                                      reason="y", by=leader)  # fmt: skip
    services.submit_proposal(proposal=first, by=leader)
    with pytest.raises(CatalogueError, match="đề xuất khác"):
        services.submit_proposal(proposal=second, by=leader)


def test_a_version_needs_an_accepted_proposal(city):
    with pytest.raises(CatalogueError, match="Chưa có đề xuất"):
        services.approve_version(by=city["admin"], effective_from=date(2026, 7, 1))


def test_a_change_must_change_something_and_a_code_must_exist(city):
    first_version(city)
    leader = city["justice_leader"]
    with pytest.raises(CatalogueError, match="chưa khác"):
        services.create_proposal(
            kind="change",
            agency=city.justice,
            code="CSDL-HT",
            spec=civil_status(city.justice),
            reason="x",
            by=leader,
        )
    with pytest.raises(CatalogueError, match="không có trong danh mục"):
        services.create_proposal(kind="retire", agency=city.justice, code="CSDL-KHAC", spec=None,
                                 reason="x", by=leader)  # fmt: skip
    with pytest.raises(CatalogueError, match="đã có"):
        services.create_proposal(
            kind="add",
            agency=city.justice,
            code="CSDL-HT",
            spec=civil_status(city.justice),
            reason="x",
            by=leader,
        )
    with pytest.raises(CatalogueError, match="chữ in hoa"):
        services.create_proposal(
            kind="add",
            agency=city.justice,
            code="csdl ht",
            spec=civil_status(city.justice),
            reason="x",
            by=leader,
        )


def test_six_months_later_is_the_same_day_or_the_months_last():
    assert selectors.add_months(date(2026, 1, 10), 6) == date(2026, 7, 10)
    assert selectors.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert selectors.add_months(date(2026, 12, 1), 6) == date(2027, 6, 1)


def test_two_approvals_at_once_answer_a_conflict_not_500(city, monkeypatch):
    """Another approval committing number 1 while this one gathers its proposals (the race of
    two first-ever approvals, where no version row exists to lock) is refused with a reason
    and writes nothing."""
    for spec, leader, agency in ((civil_status(city.justice), "justice_leader", city.justice),
                                 (land(city.land), "land_leader", city.land)):  # fmt: skip
        p = services.create_proposal(kind="add", agency=agency, code=spec.code, spec=spec,
                                     reason="Đưa vào", by=city[leader])  # fmt: skip
        services.submit_proposal(proposal=p, by=city[leader])
        services.review_proposal(proposal=p, decision="accept", note="Đạt", by=city["reviewer"])
    apply = services._apply
    rival: list[object] = []

    def meanwhile(proposal, catalogue):
        if not rival:  # the other approval's row, committed while this one was reading
            rival.append(CatalogueVersion.objects.create(
                number=1, approved_at=at(2026, 1, 10, 9), approved_by=city["admin"],
                effective_from=date(2026, 1, 15)))  # fmt: skip
        apply(proposal, catalogue)

    monkeypatch.setattr(services, "_apply", meanwhile)
    with pytest.raises(CatalogueConflict) as refused:
        services.approve_version(by=city["city_leader"], effective_from=date(2026, 1, 15))
    assert "vừa được phê duyệt" in refused.value.message
    assert not Database.objects.exists()
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.ACCEPTED}


def _civil_status_proposal(city, reason):
    return services.create_proposal(kind="add", agency=city.justice, code="CSDL-HT",
                                    spec=civil_status(city.justice), reason=reason,
                                    by=city["justice_leader"])  # fmt: skip


def test_the_proposing_agency_withdraws_a_proposal_not_yet_reviewed(city):
    leader = city["justice_leader"]
    draft = _civil_status_proposal(city, "Đưa vào")
    with pytest.raises(CatalogueError):  # not the land department's to withdraw
        services.withdraw_proposal(proposal=draft, by=city["land_leader"])
    with pytest.raises(CatalogueError):  # a specialist proposes nothing, withdraws nothing
        services.withdraw_proposal(proposal=draft, by=city["justice_specialist"])
    services.withdraw_proposal(proposal=draft, by=leader)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.WITHDRAWN
    assert [e.to_status for e in draft.events.all()] == ["draft", "withdrawn"]
    for move in ("edit", "submit", "withdraw"):
        assert not rules.may(leader, move, draft)

    sent = _civil_status_proposal(city, "Lần hai")
    services.submit_proposal(proposal=sent, by=leader)
    services.withdraw_proposal(proposal=sent, by=leader)
    sent.refresh_from_db()
    assert sent.status == ProposalStatus.WITHDRAWN
    assert not selectors.review_queue().exists()
    # the code is free again: a new proposal for it may be submitted
    again = _civil_status_proposal(city, "Lần ba")
    services.submit_proposal(proposal=again, by=leader)
    services.review_proposal(proposal=again, decision="accept", note="Đạt", by=city["reviewer"])
    with pytest.raises(CatalogueError, match="chưa được thẩm định"):
        services.withdraw_proposal(proposal=again, by=leader)


def test_a_field_renamed_in_place_is_shown_as_renamed_not_removed_and_added(city):
    old = civil_status(city.justice)
    fields = list(old.fields)
    fields[2] = replace(fields[2], name="Ngày đăng ký sự kiện")  # the name alone, same place
    fields.append(FieldSpec("Ghi chú", "string", sharing="restricted"))
    found = diff.differences({old.code: old}, {old.code: replace(old, fields=tuple(fields))})
    (change,) = found.changed
    assert not change.fields_removed
    assert [f.name for f in change.fields_added] == ["Ghi chú"]
    (renamed,) = change.fields_changed
    assert renamed.changes == (("Tên trường", "Ngày đăng ký", "Ngày đăng ký sự kiện"),)
    # a field replaced by another of a different kind stays removed and added
    fields[0] = FieldSpec("Nơi đăng ký", "code", sharing="restricted")
    found = diff.differences({old.code: old}, {old.code: replace(old, fields=tuple(fields))})
    assert [f.name for f in found.changed[0].fields_removed] == ["Số định danh cá nhân"]


def test_nobody_reviews_a_proposal_they_made_or_sent(city):
    """Four eyes: a system administrator holds every role, and a leader of the coordinating
    department proposes for it and reviews; neither accepts their own proposal."""
    admin = city["admin"]
    mine = services.create_proposal(kind="add", agency=city.justice, code="CSDL-HT",
                                    spec=civil_status(city.justice), reason="Đưa vào",
                                    by=admin)  # fmt: skip
    services.submit_proposal(proposal=mine, by=admin)
    assert rules.is_reviewer(admin)
    with pytest.raises(CatalogueError, match="tự thẩm định"):
        services.review_proposal(proposal=mine, decision="accept", note="Đạt", by=admin)
    science_leader = officer("lanhdao.sokhcn", OfficerRole.Role.APPROVER, city.science)
    sent = services.create_proposal(kind="add", agency=city.science, code="CSDL-KHCN",
                                    spec=land(city.science), reason="Đưa vào",
                                    by=admin)  # fmt: skip
    services.submit_proposal(proposal=sent, by=science_leader)  # made by one, sent by another
    assert rules.is_reviewer(science_leader)
    with pytest.raises(CatalogueError, match="tự thẩm định"):
        services.review_proposal(proposal=sent, decision="accept", note="Đạt", by=science_leader)
    services.review_proposal(proposal=mine, decision="accept", note="Đạt", by=city["reviewer"])
    mine.refresh_from_db()
    assert mine.status == ProposalStatus.ACCEPTED


def test_a_closed_proposal_says_why_it_cannot_be_edited(city):
    """A withdrawn (or rejected, approved) proposal was not 'sent for review': the refusal names
    the state it is in."""
    proposal = _civil_status_proposal(city, "Đưa vào")
    services.withdraw_proposal(proposal=proposal, by=city["justice_leader"])
    proposal.refresh_from_db()
    reason = rules.why_not(city["justice_leader"], "edit", proposal) or ""
    assert "“Đã rút”" in reason and "gửi đi thẩm định" not in reason
