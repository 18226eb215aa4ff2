"""Case files: a recorded answer as self-contained HTML and as PDF, hostile text escaped and
readable, a missing case named, the export and search from the service (the CLI's export: test_cli.py)."""

from __future__ import annotations

import re

import pytest

from explainer_nlg.case_files import case_html, load_case
from explainer_nlg.case_pdf import case_pdf
from explainer_nlg.service import Service
from explainer_nlg.service.cases import export_case, find_cases, reopen_case
from explainer_nlg.store.audit import AuditLog

HOSTILE = ("why <script>window.pwned=1</script> <img src=https://evil.example/x.png> "
           + "w" * 3000 + " \u200fמה\u200f \u202eright-to-left\u202c and \"quotes\" & 'apostrophes'?")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A service whose audit log holds a loan conversation, a hostile question, a text and a photo."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cases') / 'audit.sqlite'}"
    svc = Service(store=False, audit=url, budget=128)
    first = svc.ask("why was 3 denied?", "loan", "3", "", "support")
    svc.ask("what could change it?", "loan", "", first["session"], "support")
    svc.ask(HOSTILE, "loan", "17")
    svc.ask("why?", "text", "The cookies arrived stale but the tea was lovely.")
    svc.ask("why?", "image", "chelsea")
    return svc


def pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_html_case_file_holds_the_record_and_makes_no_request(recorded):
    case = load_case(recorded.audit, 1)
    page = case_html(case)
    e = recorded.audit.get(1)
    assert "why was 3 denied?" in page and "Case #1" in page
    assert "“bad”" in page and re.search(r"bad</span> \(probability \d+\.\d%\)", page)
    assert all(s["text"].replace("“", "").split()[0] in page for s in e["payload"]["parts"][0]["sentences"])
    assert "verified" in page and "Standard error" in page and "<svg" in page
    assert e["hash"] in page and e["payload"]["model"]["sha256"] in page
    assert "its content matches its hash" in page
    # self-contained: no script, no external fetch, a CSP that forbids both
    assert "<script" not in page.lower() and "Content-Security-Policy" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)


def test_a_conversation_exports_every_answer_in_order(recorded):
    page = case_html(load_case(recorded.audit, 2, conversation=True))
    assert page.index("Entry #1") < page.index("Entry #2") and "Entry #3" not in page
    assert "What would change the decision" in page and "If the amount requested changed from 2,000" in page


def test_hostile_text_is_escaped_and_readable(recorded):
    page = case_html(load_case(recorded.audit, 3))
    assert "<script>window" not in page and "<img src=https" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "w" * 3000 in page and "overflow-wrap: anywhere" in page   # the long word is kept and wraps
    assert 'dir="auto"' in page and "unicode-bidi: isolate" in page
    text = pdf_text(case_pdf(load_case(recorded.audit, 3)))
    assert "<script>window.pwned=1</script>" in text and "apostrophes" in text


def test_pdf_has_the_same_sections(recorded):
    data = case_pdf(load_case(recorded.audit, 1))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    e = recorded.audit.get(1)
    for words in ("Case #1", "why was 3 denied?", "Each sentence and its verification", "Std. error",
                  "What would change the decision", "On the record", e["hash"][:32]):
        assert words in text.replace("\r", "").replace("\n", " ") or words in text, words


def test_text_and_image_cases_draw_their_pictures(recorded):
    words = case_html(load_case(recorded.audit, 4))
    assert "background: rgba(" in words and "stale" in words
    photo = case_html(load_case(recorded.audit, 5))
    assert 'src="data:image/png;base64,' in photo
    assert case_pdf(load_case(recorded.audit, 5)).startswith(b"%PDF")


def test_a_case_that_does_not_exist_is_named(recorded):
    with pytest.raises(ValueError, match="There is no case #999"):
        load_case(recorded.audit, 999)
    from explainer_nlg.errors import ExplainerInputError

    with pytest.raises(ExplainerInputError, match="whole number"):
        export_case(recorded, "<b>x</b>")
    with pytest.raises(ExplainerInputError, match="no case #999"):
        reopen_case(recorded, 999)


def test_a_tampered_entry_says_so_on_its_case_file(tmp_path):
    import sqlite3

    log = AuditLog(f"sqlite:///{tmp_path / 'a.sqlite'}")
    log.append({"question": "q", "answer": "The model predicted yes."})
    with sqlite3.connect(tmp_path / "a.sqlite") as c:
        c.execute("UPDATE audit_log SET payload = replace(payload, 'yes', 'no')")
    assert "BROKEN: the content does not match its hash" in case_html(load_case(log, 1))


def test_service_search_finds_cases(recorded):
    found = find_cases(recorded, "row 3")
    assert [f["case"] for f in found] == [2, 1]
    assert find_cases(recorded, session=found[0]["session"])[-1]["question"] == "why was 3 denied?"
    assert export_case(recorded, "#1", "pdf").startswith(b"%PDF")
