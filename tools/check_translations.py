#!/usr/bin/env python3
"""Quality gate for translations.

Source strings are Vietnamese (the authoritative text: legal names of procedures and forms),
so the Vietnamese interface can never miss a string; what can go missing is English. This
check fails when
- a string in the code or templates is not in the English catalogue (needs xgettext), or
- an English entry is empty or fuzzy, or
- the compiled .mo differs from the .po, or
- a module renames gettext on import (``gettext_lazy as _lazy``): xgettext only knows the
  usual names, so such strings would never reach the catalogue.
With --compile it first writes the .mo from the .po (polib, so no msgfmt is needed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "motcua"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def extracted_msgids() -> set[tuple[str | None, str]] | None:
    """The msgids makemessages finds in the code now, or None without xgettext."""
    if shutil.which("xgettext") is None:
        print("xgettext not found: skipping the check for strings missing from the catalogue")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "motcua"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"}
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location",
             "--no-obsolete", "-v", "0"],
            cwd=copy, env=env, check=True,
        )  # fmt: skip
        po = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
        return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}


# Names makemessages hands xgettext as keywords (besides its own defaults such as gettext).
KNOWN = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
         "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}  # fmt: skip
RENAMED = re.compile(r"from django\.utils\.translation import [^\n]*\b(\w*gettext\w*) as (\w+)")


def renamed_imports() -> list[str]:
    """Imports that give a gettext function a name xgettext does not look for."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for original, alias in RENAMED.findall(path.read_text(encoding="utf-8")):
            if alias not in KNOWN:
                where = path.relative_to(ROOT)
                found.append(f"{where}: {original} as {alias} is invisible to makemessages")
    return found


def entry_problems(po: polib.POFile) -> list[str]:
    """Fuzzy or untranslated entries (every plural form must be filled)."""
    problems: list[str] = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"no English translation: {entry.msgid!r}")
    return problems


def main() -> int:
    if "--compile" in sys.argv:
        polib.pofile(str(PO)).save_as_mofile(str(MO))
    po = polib.pofile(str(PO))
    problems = entry_problems(po) + renamed_imports()
    current = extracted_msgids()
    if current is not None:
        known = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
        problems += [f"not in the catalogue (run make messages): {m!r}" for _, m in current - known]
    compiled = (
        {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(MO))} if MO.exists() else {}
    )
    expected = {
        (e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries() if not e.msgid_plural
    }
    if any(compiled.get(k) != v for k, v in expected.items()):
        problems.append(f"{MO.name} is out of date: run make messages")
    for problem in problems:
        print(problem)
    print(f"translations: {len(po.translated_entries())} entries, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
