"""A person's view: a headless Chromium loads the app, asks a question, waits for the answer.

Needs Debian's ``chromium`` (``apt-get install chromium``) and the ``playwright`` Python package;
skips, saying which is missing, where either is absent, except under CI (``EXPLAINER_NLG_CI=1``,
set by ``.ci/run``), where a missing browser fails the run instead: CI must look at the page.
Saves docs/chat-screenshot.png, then edits the applicant's Income in the table (a number, then a
word) and saves docs/chat-edit-screenshot.png.
"""

from pathlib import Path

import pytest

from tests.ui.browser import open_page, send

SHOT = Path(__file__).resolve().parents[2] / "docs" / "chat-screenshot.png"
EDIT_SHOT = SHOT.with_name("chat-edit-screenshot.png")
EFFECT_SHOT = SHOT.with_name("chat-effect-screenshot.png")
INCOME_CELL = "[data-testid='cell-8-1']"  # the value cell of the table's 9th field, Income


pytestmark = pytest.mark.usefixtures("browser_available")


def test_page_answers_a_question_and_escapes_markup(app_url):
    with open_page(app_url) as page:
        send(page, "<script>window.pwned=1</script> how confident is it?")
        # The message reads as typed (escaped), and the script never ran.
        page.wait_for_function("document.querySelector('#chat').innerText.includes('<script>window.pwned=1</script> how confident')",
                               timeout=60_000, polling=500)
        # Wait for its answer before the next question (a click while one is running is ignored).
        page.wait_for_function("document.querySelector('#chat').innerText.includes('is very confident')",
                               timeout=60_000, polling=500)
        assert page.evaluate("window.pwned === undefined")
        send(page, "why was 17 denied?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('income of 330')",
                               timeout=120_000, polling=500)
        page.wait_for_timeout(1500)  # let the chart and the evidence panel render
        text = page.locator("#chat").inner_text()
        assert "predicted “good”, not “bad”" in text
        SHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOT), full_page=True)

        # Edit the applicant's Income in the table: the answer is about the edited row.
        def edit_income(value):
            # the cell's text is its value, then (while selected) a menu button on its own line
            assert page.locator(INCOME_CELL).inner_text().strip().split("\n")[0] in ("330", "50")
            page.locator(INCOME_CELL).dblclick()
            editor = page.locator(f"{INCOME_CELL} input, {INCOME_CELL} textarea").first
            editor.fill(value)
            editor.press("Enter")
            page.wait_for_function(f"document.querySelector(\"{INCOME_CELL}\").innerText.trim().split('\\n')[0] === '{value}'",
                                   timeout=10_000, polling=200)

        edit_income("50")
        send(page, "why?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('income of 50')",
                               timeout=120_000, polling=500)
        page.wait_for_timeout(1500)
        assert "About row 17 as edited (Income 330 → 50):" in page.locator("#chat").inner_text()
        page.screenshot(path=str(EDIT_SHOT), full_page=True)
        edit_income("lots")
        send(page, "why?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes(\"Income must be a number, not 'lots'.\")",
                               timeout=60_000, polling=500)
        assert "Traceback" not in page.locator("#chat").inner_text()
    assert SHOT.stat().st_size > 20_000 and EDIT_SHOT.stat().st_size > 20_000


def test_effect_and_group_questions_are_answered_with_their_charts(app_url):
    """Issue 12 in the page: "how does income affect the decision?" gets the effect in words and
    its chart (the curve with its band), and a group comparison gets the groups' chart."""
    def chart_label():
        return page.locator("#chart").inner_text()

    def chart_bytes():
        return page.evaluate("(async () => { const i = document.querySelector('#chart img');"
                             " if (!i) return 0; const b = await (await fetch(i.src)).blob(); return b.size; })()")

    with open_page(app_url) as page:
        send(page, "how does income affect the decision?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('rises with income')",
                               timeout=180_000, polling=500)
        page.wait_for_function("document.querySelector('#chart').innerText.includes('moves with Income')",
                               timeout=30_000, polling=250)
        page.wait_for_function("document.querySelector('#chart img') !== null", timeout=30_000, polling=250)
        assert "How the chance of “good” moves with Income" in chart_label()
        assert chart_bytes() > 10_000  # a drawn chart, not an empty frame
        page.screenshot(path=str(EFFECT_SHOT), full_page=True)

        send(page, "are married applicants treated differently from single ones?")
        page.wait_for_function("document.querySelector('#chat').innerText.includes('not by itself proof of unfairness')",
                               timeout=180_000, polling=500)
        page.wait_for_function("document.querySelector('#chart').innerText.includes('Groups compared')",
                               timeout=30_000, polling=250)
        assert chart_bytes() > 5_000
        send(page, "why was 17 denied?")  # back to one applicant: the chart is its contributions again
        page.wait_for_function("document.querySelector('#chat').innerText.includes('income of 330')",
                               timeout=120_000, polling=500)
        page.wait_for_function("document.querySelector('#chart').innerText.includes('Contributions')",
                               timeout=30_000, polling=250)
    assert EFFECT_SHOT.stat().st_size > 20_000


def test_a_question_sent_while_an_answer_streams_is_answered_after_it(app_url):
    """Nothing is lost: Gradio's default drops a click while an event is pending; ours queues it."""
    with open_page(app_url) as page:
        box = page.locator("#question textarea")
        box.fill("what matters most for applicants older than 60?")  # seconds of Shapley values
        page.locator("#send").click()
        page.wait_for_function("document.querySelector('#chat').innerText.includes('older than 60?')",
                               timeout=30_000, polling=200)
        box.fill("how many applicants are there?")  # while the first answer is still being computed
        page.locator("#send").click()
        page.wait_for_function("document.querySelector('#chat').innerText.includes('4454 of 4454 applicants match')",
                               timeout=180_000, polling=500)
        text = page.locator("#chat").inner_text()
        assert "mean absolute Shapley value" in text
        assert text.index("mean absolute Shapley value") < text.index("4454 of 4454 applicants match")


def test_a_page_conversation_survives_a_server_restart(tmp_path):
    """The page keeps its conversation key in the browser and the server keeps the conversation
    in its store: after a restart on the same address, "and the next one?" follows row 17."""
    from explainer_nlg.service import Service
    from tests.serving import free_port, serve

    store, port = f"sqlite:///{tmp_path / 'store.sqlite'}", free_port()
    url, app = serve(Service(budget=128, store=store), port)
    try:
        with open_page(url) as page:
            send(page, "why was 17 denied?")
            page.wait_for_function("document.querySelector('#chat').innerText.includes('About row 17:')",
                                   timeout=240_000, polling=500)
            page.wait_for_timeout(1000)
            app.close()
            url, app = serve(Service(budget=128, store=store), port)
            page.reload(wait_until="load")
            page.wait_for_selector("#question textarea", timeout=60_000)
            send(page, "and the next one?")
            page.wait_for_function("document.querySelector('#chat').innerText.includes('About row 18:')",
                                   timeout=240_000, polling=500)
    finally:
        app.close()
