"""A person's view of a conversation: a follow-up after a list of rows is about a listed row.

Headless Chromium (Debian's ``chromium``) drives the app as tests/ui/test_chat_browser.py does; skips
where chromium or playwright is missing (fails under CI).
"""

import re

import pytest

from tests.ui.browser import open_page, send

pytestmark = pytest.mark.usefixtures("browser_available")


def test_why_after_a_listed_applicant_is_about_that_applicant(app_url):
    with open_page(app_url) as page:
        send(page, "show me an applicant the model denied")
        page.wait_for_function(r"/id \d+: /.test(document.querySelector('#chat').innerText)",
                               timeout=120_000, polling=500)
        listed = re.search(r"id (\d+): ", page.locator("#chat").inner_text()).group(1)
        assert "predicted “bad”" in page.locator("#chat").inner_text()
        send(page, "why?")
        page.wait_for_function(f"document.querySelector('#chat').innerText.includes('About row {listed}, the one listed.')",
                               timeout=120_000, polling=500)
        text = page.locator("#chat").inner_text()
        answer = text[text.index(f"About row {listed}, the one listed."):]
        assert "The model predicted “bad”" in answer or "“bad”" in answer
        assert "About row 17" not in answer
