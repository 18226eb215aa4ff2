"""The page's "Cases" tab, for support staff: find past answers on the record, reopen one with its
evidence and pictures, export it as an HTML or PDF case file.

It reads the Service's audit log through ``service.cases``; the case shown is the same escaped
HTML the case file holds (recorded text never becomes markup).
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from ..service import ServiceError, as_service_error
from ..service.cases import export_case, find_cases, reopen_case

COLUMNS = ["case", "time", "kind", "session", "about", "question"]


def add_cases_tab(service: Any) -> None:
    """Lay out and wire the tab (call inside a ``gr.Tab`` of the app's Blocks)."""
    gr.Markdown("Every answer shown is on the record. Find one by its words, row, session or date, "
                "reopen it, export it as a case file.")
    with gr.Row():
        text = gr.Textbox(label="Words, row (“row 17”) or input hash", elem_id="case-search", scale=3)
        session = gr.Textbox(label="Session", scale=2)
        since = gr.Textbox(label="From (YYYY-MM-DD)", scale=1)
        until = gr.Textbox(label="To (YYYY-MM-DD)", scale=1)
        find = gr.Button("Find", elem_id="case-find", scale=1)
    found = gr.Dataframe(headers=COLUMNS, label="Cases, newest first", interactive=False, elem_id="case-list")
    with gr.Row():
        number = gr.Number(label="Case number", precision=0, elem_id="case-number", scale=1)
        reopen = gr.Button("Open", elem_id="case-open", scale=1)
        as_html = gr.Button("Export HTML", elem_id="case-export-html", scale=1)
        as_pdf = gr.Button("Export PDF", elem_id="case-export-pdf", scale=1)
        file = gr.File(label="Case file", elem_id="case-file", scale=2)
    view = gr.HTML(elem_id="case-view")

    def do_find(text, session, since, until):
        try:
            rows = find_cases(service, text, session, since, until)
        except Exception as exc:  # noqa: BLE001 - the tab says what went wrong
            raise gr.Error(as_service_error(exc, "finding cases").message) from None
        return [[r["case"], r["time"], r["kind"], r["session"], r["subject"], r["question"][:200]] for r in rows]

    def do_open(case):
        from ..case_files import STYLE, entry_html

        try:
            entry = reopen_case(service, case)
        except Exception as exc:  # noqa: BLE001
            return f"<p>{html.escape(as_service_error(exc, 'opening the case').message)}</p>"
        return f"<style>{STYLE.replace('body {', '.case-body {')}</style><div class='case-body'>{entry_html(entry)}</div>"

    def do_export(case, fmt):
        try:
            data = export_case(service, case, fmt)
        except (ServiceError, Exception) as exc:  # noqa: BLE001
            raise gr.Error(as_service_error(exc, "exporting the case").message) from None
        folder = Path(tempfile.mkdtemp(prefix="explainer-nlg-case-"))
        path = folder / f"case-{int(case)}.{fmt}"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return str(path)

    def pick(evt: gr.SelectData, table):
        try:
            return int(table.iloc[evt.index[0], 0]) if hasattr(table, "iloc") else int(table[evt.index[0]][0])
        except Exception:  # noqa: BLE001 - a click outside a row leaves the number as it was
            return gr.skip()

    for trigger in (find.click, text.submit):
        trigger(do_find, [text, session, since, until], found, api_visibility="private")
    found.select(pick, found, number, api_visibility="private")
    reopen.click(do_open, number, view, api_visibility="private")
    as_html.click(lambda c: do_export(c, "html"), number, file, api_visibility="private")
    as_pdf.click(lambda c: do_export(c, "pdf"), number, file, api_visibility="private")
