"""Debian's headless Chromium driven by Playwright, for the browser tests in this folder.

``MISSING`` says what is absent (the playwright package, or chromium), empty when both are there;
``IN_CI`` (``EXPLAINER_NLG_CI=1``, set by ``.ci/run``) turns a missing browser into a failure.
"""

import contextlib
import os
import shutil

IN_CI = os.environ.get("EXPLAINER_NLG_CI") == "1"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
try:
    import playwright.sync_api as playwright_sync
except ImportError:
    playwright_sync = None
MISSING = ("the playwright package is not installed" if playwright_sync is None else
           "no chromium on this machine (apt-get install chromium)" if CHROMIUM is None else "")


def send(page, question: str) -> None:
    """Type and send a question, and wait until the chat shows it. A click that lands while the
    previous answer is still finishing is ignored by the page, so click again until it shows."""
    import json

    count = f"document.querySelector('#chat').innerText.split({json.dumps(question)}).length"
    before = page.evaluate(count)
    page.locator("#question textarea").fill(question)
    for _ in range(12):
        page.locator("#send").click()
        try:
            page.wait_for_function(f"{count} > {before}", timeout=10_000, polling=250)
            return
        except playwright_sync.TimeoutError:
            page.locator("#question textarea").fill(question)
    raise AssertionError(f"the page never took the question {question!r}")


@contextlib.contextmanager
def open_page(app_url: str):
    """The app's page in Debian's headless Chromium, once its question box is there."""
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                          "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app_url, wait_until="load", timeout=60_000)
            page.wait_for_selector("#question textarea", timeout=60_000)
            yield page
        finally:
            browser.close()
