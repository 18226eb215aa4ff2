"""A person's view: a headless Chromium loads the app, asks a question, waits for the answer.

Needs Debian's ``chromium`` (``apt-get install chromium``) and the ``playwright`` Python package;
skips, saying which is missing, where either is absent. Saves docs/chat-screenshot.png.
"""

import os
import shutil
from pathlib import Path

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)")
SHOT = Path(__file__).resolve().parent.parent / "docs" / "chat-screenshot.png"


def test_page_answers_a_question_and_escapes_markup(app_url):
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                          "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url, wait_until="load", timeout=60_000)
        page.wait_for_selector("#question textarea", timeout=60_000)
        box = page.locator("#question textarea")
        box.fill("<script>window.pwned=1</script> how confident is it?")
        page.locator("#send").click()
        # The message reads as typed (escaped), and the script never ran.
        page.wait_for_function("document.querySelector('#chat').innerText.includes('<script>window.pwned=1</script> how confident')",
                               timeout=60_000, polling=500)
        # Wait for its answer before the next question (a click while one is running is ignored).
        page.wait_for_function("document.querySelector('#chat').innerText.includes('is very confident')",
                               timeout=60_000, polling=500)
        assert page.evaluate("window.pwned === undefined")
        box.fill("why was 17 denied?")
        page.locator("#send").click()
        page.wait_for_function("document.querySelector('#chat').innerText.includes('income of 330')",
                               timeout=120_000, polling=500)
        page.wait_for_timeout(1500)  # let the chart and the evidence panel render
        text = page.locator("#chat").inner_text()
        assert "The model predicted “good”, not “bad”." in text
        SHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOT), full_page=True)
        browser.close()
    assert SHOT.stat().st_size > 20_000
