import importlib.util
from pathlib import Path

import polib

TOOL = Path(__file__).resolve().parent.parent / "tools" / "check_translations.py"
spec = importlib.util.spec_from_file_location("check_translations", TOOL)
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def test_an_empty_translation_is_a_problem():
    po = catalogue(polib.POEntry(msgid="Tìm kiếm", msgstr=""))
    assert check.entry_problems(po) == ["no English translation: 'Tìm kiếm'"]


def test_a_missing_plural_form_is_a_problem():
    entry = polib.POEntry(
        msgid="%(n)s thủ tục",
        msgid_plural="%(n)s thủ tục",
        msgstr_plural={0: "%(n)s procedure", 1: ""},
    )
    assert len(check.entry_problems(catalogue(entry))) == 1


def test_a_fuzzy_translation_is_a_problem():
    entry = polib.POEntry(msgid="Tính", msgstr="Calculate", flags=["fuzzy"])
    assert check.entry_problems(catalogue(entry)) == ["fuzzy: 'Tính'"]


def test_the_shipped_english_catalogue_is_complete():
    assert check.entry_problems(polib.pofile(str(check.PO))) == []


def test_a_gettext_renamed_on_import_is_a_problem(tmp_path, monkeypatch):
    package = tmp_path / "motcua"
    package.mkdir()
    (package / "fine.py").write_text("from django.utils.translation import gettext_lazy as _\n")
    (package / "hidden.py").write_text(
        "from django.utils.translation import gettext_lazy as _lazy\n"
    )
    monkeypatch.setattr(check, "PACKAGE", package)
    monkeypatch.setattr(check, "ROOT", tmp_path)
    assert check.renamed_imports() == [
        "motcua/hidden.py: gettext_lazy as _lazy is invisible to makemessages"
    ]


def test_the_project_renames_no_gettext():
    assert check.renamed_imports() == []
