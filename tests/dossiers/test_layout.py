"""The dossiers app's layout stays untangled: no import of the project's own modules inside a
function (the way cycles were once hidden; import-linter's contract in pyproject.toml forbids
the cycle itself), and the action table in docs/lifecycle.md is the one the code holds."""

from __future__ import annotations

import ast
from pathlib import Path

from motcua.dossiers import rules

ROOT = Path(__file__).resolve().parent.parent.parent
DOSSIERS = ROOT / "src" / "motcua" / "dossiers"
# Django imports an app's modules in AppConfig.ready(), once the models are loaded.
ALLOWED = {("apps.py", "ready")}


def _own(node: ast.Import | ast.ImportFrom) -> bool:
    """An import of the project's code (a library loaded lazily is another matter)."""
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").startswith("motcua")
    return any(alias.name.startswith("motcua") for alias in node.names)


def _nested_imports(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom) and _own(inner):
                    found.append((node.name, inner.lineno))
    return found


def test_no_module_of_dossiers_imports_inside_a_function():
    found = [
        f"{path.relative_to(DOSSIERS)}:{line} in {function}()"
        for path in sorted(DOSSIERS.rglob("*.py"))
        if "migrations" not in path.parts
        for function, line in _nested_imports(path)
        if (path.name, function) not in ALLOWED
    ]
    assert found == []


def test_the_action_table_in_the_docs_is_the_one_in_the_code():
    docs = (ROOT / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert rules.as_markdown() in docs, "paste motcua.dossiers.rules.as_markdown() in the docs"
