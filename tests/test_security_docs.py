"""docs/security.md and docs/security/*.md prove each requirement by naming its tests: every
test file and test function they name must exist, or the proof is a dead link."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "docs" / "security.md", *sorted((ROOT / "docs" / "security").glob("*.md"))]
# "tests/x/test_y.py", "tests/x/test_y.py::test_z", and "::test_z" after a named file.
REFERENCE = re.compile(r"(tests/[\w/]+\.py)?(?:::(\w+))?")


def references(text: str) -> list[tuple[str, str | None]]:
    found = []
    current = None
    for match in re.finditer(r"tests/[\w/]+\.py(?:::\w+)?|(?<![\w/.])::\w+", text):
        path, name = REFERENCE.fullmatch(match.group(0)).groups()  # type: ignore[union-attr]
        current = path or current
        if current is not None:
            found.append((current, name))
    return found


def test_the_security_docs_exist_and_name_tests():
    assert all(doc.exists() for doc in DOCS)
    assert len(DOCS) >= 8
    assert sum(len(references(doc.read_text())) for doc in DOCS) > 100


def test_every_test_the_security_docs_name_exists():
    missing = []
    for doc in DOCS:
        for path, name in references(doc.read_text()):
            source = ROOT / path
            if not source.exists():
                missing.append(f"{doc.name}: {path}")
            elif name and not re.search(rf"^\s*def {name}\(", source.read_text(), re.M):
                missing.append(f"{doc.name}: {path}::{name}")
    assert not missing, "\n".join(sorted(set(missing)))
