"""Support staff's view: the "Cases" tab in Debian's headless Chromium finds a recorded answer,
reopens it with its evidence, and exports it. Skips like tests/ui/test_chat_browser.py where the
browser is missing (fails under CI). Saves docs/cases-screenshot.png."""

from pathlib import Path

import pytest

from tests.ui.browser import open_page

SHOT = Path(__file__).resolve().parents[2] / "docs" / "cases-screenshot.png"


pytestmark = pytest.mark.usefixtures("browser_available")


def test_cases_tab_finds_reopens_and_exports_an_answer(app_server):
    svc = app_server.service
    marker = "why was 21 denied <b>case-tab</b>?"
    answer = svc.ask(marker, "loan", "21", "", "support")
    case = answer["audit"]["case"]
    with open_page(app_server.url) as page:
        page.get_by_role("tab", name="Cases").click()
        page.locator("#case-search textarea, #case-search input").first.fill("case-tab")
        page.locator("#case-find").click()
        page.wait_for_function("document.querySelector('#case-list').innerText.includes('case-tab')",
                               timeout=60_000, polling=250)
        assert "<b>case-tab</b>" in page.locator("#case-list").inner_text()   # shown as typed, escaped
        page.locator("#case-number input").fill(str(case))
        page.locator("#case-open").click()
        page.wait_for_function(f"document.querySelector('#case-view').innerText.includes('Entry #{case}')",
                               timeout=60_000, polling=250)
        view = page.locator("#case-view").inner_text()
        assert marker in view and "Each sentence and its verification" in view and "verified" in view
        assert page.locator("#case-view svg").count() >= 1              # the contribution chart
        assert page.evaluate("document.querySelectorAll('#case-view b').length") == 0
        page.locator("#case-export-pdf").click()
        # the file's name is drawn in two pieces ("case-1", ".pdf")
        page.wait_for_function(f"document.querySelector('#case-file').innerText.replace(/\\s/g, '')"
                               f".includes('case-{case}.pdf')",
                               timeout=60_000, polling=250)
        SHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOT), full_page=True)
    assert SHOT.stat().st_size > 20_000
