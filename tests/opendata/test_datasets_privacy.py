"""No published file carries a person: every file of every dataset is scanned for the names,
phone numbers, ID numbers and addresses of the people the test world holds (citizens,
applicants, officers), and for any 9- or 12-digit number or phone number at all."""

from __future__ import annotations

import io
import re

from django.core.files.storage import default_storage
from openpyxl import load_workbook

from motcua.dossiers.models import Dossier
from motcua.identity.models import Agency, User
from motcua.opendata.models import PublishedFile
from motcua.opendata.publish import publish_all
from motcua.reporting.periods import Period
from motcua.reporting.rankings import publish

ID_NUMBER = re.compile(r"(?<![\d.])(?:\d{12}|\d{9})(?![\d.])")
PHONE = re.compile(r"(?<!\d)(?:\+84|0)\d{9}(?!\d)")
HASH = re.compile(r"sha256:[0-9a-f]{64}")


def _text(stored: PublishedFile) -> str:
    content = default_storage.open(stored.storage_name).read()
    if stored.file_name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(content))
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return HASH.sub("", content.decode("utf-8"))


def _personal() -> set[str]:
    found: set[str] = set()
    for user in User.objects.all():
        found |= {user.phone, user.national_id, user.email}
        if " " in user.full_name.strip():
            found.add(user.full_name)
    for dossier in Dossier.objects.all():
        found |= {dossier.applicant_name, dossier.applicant_phone, dossier.applicant_id_number,
                  dossier.applicant_email, dossier.applicant_address}  # fmt: skip
    return {value for value in found if value and len(value) >= 4}


def test_no_file_holds_a_name_an_id_number_or_a_phone(figures, december, world):
    world.people["citizen"].national_id = "001090012345"
    world.people["citizen"].save()
    Agency.objects.filter(pk=world.committee.pk).update(phone="02439999999",
                                                        email="ubnd@hoankiem.gov.vn")  # fmt: skip
    publish(figures["city"], "commune", Period.month(2026, 11))
    publish_all()
    personal = _personal()
    assert {"Nguyễn Văn An", "0912345678", "001090012345"} <= personal
    files = list(PublishedFile.objects.all())
    assert len(files) == 16
    for stored in files:
        text = _text(stored)
        assert text.strip(), stored.file_name
        leaks = [value for value in personal if value in text]
        assert leaks == [], (stored.file_name, leaks)
        assert ID_NUMBER.findall(text) == [], stored.file_name
        assert PHONE.findall(text) == [], stored.file_name
        assert "02439999999" not in text and "ubnd@hoankiem.gov.vn" not in text
