"""What a submission and its upload cost the database (issue 18: S1 spent ~19 queries and
~75 ms of CPU on a pair against ~5 ms for the bare insert and file write). The counts are
the statements sent, without the savepoints and commits that frame them (the same on SQLite
and PostgreSQL), so that the path cannot grow back unnoticed; the answer built from the rows
the submission wrote must be the dossier as it reads back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.steps import handles, handling_agencies
from motcua.identity.models import Agency

from .test_dossiers import BIRTH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]

FRAMING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
# The key looked up (the answers stored and the dossiers' records, in one statement); the
# code; the dossier; its event; the outbox's 3 messages (the national portal, e-mail, SMS) in
# one statement; the index's fact (judged from the instance in hand); the key's record, with
# the request's fingerprint (no answer stored apart). The token, checked a moment ago, the
# version in force with its agencies, cases and fees, the unit addressed, and the events'
# deadlines (the waiting room's on-time rule), and the units of the applicant's address are
# kept by the process (a first call adds them).
SUBMISSION_QUERIES = 7
# Token, the dossier, the number of its files, the file's row.
UPLOAD_QUERIES = 4


def statements(captured: CaptureQueriesContext) -> list[str]:
    sqls = [q["sql"] for q in captured.captured_queries]
    return [sql for sql in sqls if not sql.upper().startswith(FRAMING)]


def submitted(caller, key: str = "k1"):
    with CaptureQueriesContext(connection) as captured:
        answer = caller.post("/dossiers", BIRTH, headers={"Idempotency-Key": key})
    assert answer.status_code == 201, answer.content
    return answer, statements(captured)


def test_a_submission_sends_at_most_its_counted_queries(people):
    people["citizen"].post("/dossiers", BIRTH, headers={"Idempotency-Key": "warm"})
    _, sent = submitted(people["citizen"])
    assert len(sent) <= SUBMISSION_QUERIES, "\n".join(sent)


def test_a_submission_reads_back_neither_its_history_nor_its_files(people):
    _, sent = submitted(people["citizen"])
    for table in ("dossiers_dossierevent", "dossiers_dossierfile"):
        assert not any(sql.startswith(f'SELECT "{table}".') for sql in sent), table
    assert not any('WHERE "dossiers_dossier"."parent_id" =' in sql for sql in sent)  # children


def test_the_applicants_address_costs_no_query_once_its_units_are_kept(people):
    """The ward and the units above it are kept by the process (catalog.selectors.
    administrative_unit, under the catalogue's generation): read once, then none at each
    submission; a unit renamed in the admin shows in the next submission's address."""
    from motcua.dossiers.models import Dossier
    from motcua.identity.models import AdministrativeUnit, User

    hanoi = AdministrativeUnit.objects.get(code="01")
    district = AdministrativeUnit.objects.create(
        code="001", name="Quận Ba Đình", level="district", division_type="Quận", parent=hanoi
    )
    AdministrativeUnit.objects.filter(code="00070").update(parent=district)
    ward = AdministrativeUnit.objects.get(code="00070")
    User.objects.filter(username="congdan").update(address_unit=ward, address_street="Số 1")
    people["citizen"].post("/dossiers", BIRTH, headers={"Idempotency-Key": "warm"})
    answer, sent = submitted(people["citizen"])
    units = [sql for sql in sent if sql.startswith('SELECT "identity_administrativeunit".')]
    assert units == [] and len(sent) <= SUBMISSION_QUERIES
    dossier = Dossier.objects.get(code=answer.json()["code"])
    assert dossier.applicant_address == "Số 1, Phường Hoàn Kiếm, Quận Ba Đình, Thành phố Hà Nội"
    district.name = "Quận Ba Đình mới"
    district.save()  # an administrator's edit: the catalogue's generation is renewed
    answer, sent = submitted(people["citizen"], key="k2")
    units = [sql for sql in sent if sql.startswith('SELECT "identity_administrativeunit".')]
    assert len(units) == 1
    dossier = Dossier.objects.get(code=answer.json()["code"])
    assert "Quận Ba Đình mới, Thành phố Hà Nội" in dossier.applicant_address


def test_the_answer_from_the_rows_in_hand_is_the_dossier_as_it_reads_back(people):
    answer, _ = submitted(people["citizen"])
    code = answer.json()["code"]
    again = people["citizen"].get(f"/dossiers/{code}")
    assert again.status_code == 200
    assert answer.json() == again.json()


def test_the_key_is_looked_up_once_and_written_once_in_the_dossiers_transaction(people):
    people["citizen"].post("/dossiers", BIRTH, headers={"Idempotency-Key": "warm"})
    _, sent = submitted(people["citizen"])
    tables = ('"core_idempotentrequest"', '"dossiers_idempotencyrecord"')
    keys = [sql for sql in sent if any(table in sql for table in tables)]
    assert len(keys) == 2, keys
    assert keys[0].lstrip("(").startswith("SELECT") and " UNION ALL " in keys[0]
    assert keys[1].startswith('INSERT INTO "dossiers_idempotencyrecord"')


def test_a_retry_is_answered_with_200_and_the_dossier_as_it_reads_back(people):
    answer, _ = submitted(people["citizen"], key="again")
    retried = people["citizen"].post("/dossiers", BIRTH, headers={"Idempotency-Key": "again"})
    assert retried.status_code == 200
    assert retried.json() == answer.json()


def test_an_upload_sends_at_most_its_counted_queries(people):
    answer, _ = submitted(people["citizen"])
    with CaptureQueriesContext(connection) as captured:
        stored = people["citizen"].upload(answer.json()["code"])
    assert stored.status_code == 201, stored.content
    sent = statements(captured)
    assert len(sent) <= UPLOAD_QUERIES, "\n".join(sent)


def test_the_handling_check_in_hand_agrees_with_the_handling_agencies_query(world):
    for version in ProcedureVersion.objects.all():
        allowed = set(handling_agencies(version).values_list("pk", flat=True))
        for agency in Agency.objects.select_related("unit"):
            assert handles(version, agency) == (agency.pk in allowed), (version, agency)


def test_the_version_kept_by_the_process_follows_every_change_of_the_catalogue(world, people):
    """The version in force is read once per generation of the catalogue: a submission after
    the first reads none of it, and a change by an administrator (its named agencies, its
    cases, its validity, the agency) counts at the next submission."""
    from datetime import timedelta

    from django.utils import timezone

    from motcua.catalog.models import ProcedureVariant

    citizen = people["citizen"]
    citizen.post("/dossiers", BIRTH, headers={"Idempotency-Key": "warm"})
    _, sent = submitted(citizen, key="k2")
    assert not [sql for sql in sent if "catalog_procedure" in sql], sent

    version = world.version("1.000001")
    version.agencies.set([world.police])  # named agencies now, the ward's committee not one
    refused = citizen.post("/dossiers", BIRTH, headers={"Idempotency-Key": "k3"})
    assert refused.status_code == 422 and "không giải quyết" in refused.json()["detail"]
    version.agencies.clear()
    assert citizen.post("/dossiers", BIRTH, headers={"Idempotency-Key": "k4"}).status_code == 201

    variant = version.variants.get()
    ProcedureVariant.objects.create(
        version=version, code="b", name="Trường hợp B", position=variant.position + 1,
        time_limit=variant.time_limit, time_unit=variant.time_unit,
    )  # fmt: skip
    two = citizen.post("/dossiers", BIRTH, headers={"Idempotency-Key": "k5"})
    assert two.status_code == 422 and "variant" in two.json()["detail"]  # which case now?

    version.effective_to = timezone.localdate() - timedelta(days=1)
    version.save()
    gone = citizen.post("/dossiers", {**BIRTH, "variant": "b"}, headers={"Idempotency-Key": "k6"})
    assert gone.status_code == 404


def test_the_fees_and_the_unit_kept_by_the_process_follow_their_changes(world, people):
    """The answer's bill is computed from the fees kept with the version, and the unit from
    the one kept by its electronic ID: a fee added or changed, a unit renamed, count at the
    next submission; neither is read by a submission after the first."""
    from motcua.catalog.models import Fee

    citizen = people["citizen"]
    citizen.post("/dossiers", BIRTH, headers={"Idempotency-Key": "warm"})
    answer, sent = submitted(citizen, key="f1")
    assert not [sql for sql in sent if "catalog_fee" in sql or "identity_agency" in sql], sent
    before = answer.json()["fees"]["lines"]
    assert "Lệ phí thử" not in {line["name"] for line in before}

    version = world.version("1.000001")
    fee = Fee.objects.create(version=version, kind="charge", name="Lệ phí thử", amount=8000)
    world.committee.name = "UBND Phường Hoàn Kiếm (mới)"
    world.committee.save()
    again, _ = submitted(citizen, key="f2")
    lines = {line["name"]: line["amount"] for line in again.json()["fees"]["lines"]}
    assert lines["Lệ phí thử"] == 8000 and len(lines) == len(before) + 1
    assert again.json()["unit"]["name"] == "UBND Phường Hoàn Kiếm (mới)"

    fee.amount = 9000
    fee.save()
    third, _ = submitted(citizen, key="f3")
    assert {line["name"]: line["amount"] for line in third.json()["fees"]["lines"]}[
        "Lệ phí thử"
    ] == 9000
    assert third.json() == citizen.get(f"/dossiers/{third.json()['code']}").json()
