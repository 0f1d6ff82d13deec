"""axe-core (bundled by axe-playwright-python) run on a page a browser test has open."""

from __future__ import annotations

from typing import Any

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what a public service must meet.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page: Any) -> None:
    """Fail with axe's own report when the page breaks any WCAG A/AA rule axe can check."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
