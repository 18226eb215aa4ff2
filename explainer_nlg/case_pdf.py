"""The case file as a PDF: the same sections as ``case_files.case_html``, drawn with fpdf2.

fpdf2 is pure Python (no browser, no network), so it works wherever the package installs; most of
its time is reading the two font files (benchmarks/audit.py measures an export). Text is set in DejaVu Sans, which matplotlib (a
dependency) ships, so accents, quotes and most scripts print; a character the font lacks prints
as a blank, never as an error. Recorded strings are drawn as text, never interpreted.
"""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path
from typing import Any

from .case_files import decision, entry_json, first_evidence, overlay_png, shown

logging.getLogger("fontTools").setLevel(logging.ERROR)  # its subsetting notes are not our problem
logging.getLogger("fpdf").setLevel(logging.ERROR)       # nor a glyph the font lacks (printed blank)


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def case_pdf(case: dict) -> bytes:
    """The PDF bytes of ``case`` (from ``case_files.load_case``)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(_font_dir() / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(_font_dir() / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"Case #{case['case']}")
    pdf.add_page()
    w = PdfWriter(pdf)
    w.heading(f"Case #{case['case']}" + (" and its conversation" if case["conversation"] else ""), 16)
    w.small(f"Exported {case['exported']} from the audit log at {case['where']}. Log head at export: "
            f"entry #{case['head_seq']}, hash {case['head_hash']}.")
    for e in case["entries"]:
        w.entry(e)
    return bytes(pdf.output())


class PdfWriter:
    """Sections of a case file on an fpdf2 document."""

    def __init__(self, pdf: Any):
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(self, s: Any, size: float = 10, style: str = "") -> None:
        self.pdf.set_font("DejaVu", style, size)
        self.pdf.multi_cell(self.width, size * 0.5, _printable(s), new_x="LMARGIN", new_y="NEXT")

    def heading(self, s: str, size: float = 12) -> None:
        self.pdf.ln(2)
        self.text(s, size, "B")

    def small(self, s: str) -> None:
        self.pdf.set_text_color(90, 90, 90)
        self.text(s, 8)
        self.pdf.set_text_color(0, 0, 0)

    def pairs(self, rows: list[tuple[str, Any]]) -> None:
        for k, v in rows:
            self.pdf.set_font("DejaVu", "B", 9)
            self.pdf.cell(42, 5, k)
            self.pdf.set_font("DejaVu", "", 9)
            self.pdf.multi_cell(self.width - 42, 5, _printable(v), new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[Any]], widths: tuple) -> None:
        from fpdf.fonts import FontFace

        self.pdf.set_font("DejaVu", "", 8)
        self.pdf.set_fill_color(255, 255, 255)
        with self.pdf.table(col_widths=widths, text_align="LEFT", line_height=4.2,
                            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235))) as t:
            r = t.row()
            for h in header:
                r.cell(h)
            for row in rows:
                r = t.row()
                for v in row:
                    r.cell(_printable(v))

    def entry(self, e: dict) -> None:
        p = e["payload"]
        ev = first_evidence(p)
        self.pdf.ln(2)
        self.heading(f"Entry #{e['seq']}: {p.get('kind', 'answer')}   {p.get('time', '')}", 13)
        label, prob = decision(p)
        said = "no prediction in this answer" if label is None else (
            f"{label}" + (f" (probability {prob:.1%})" if prob is not None else ""))
        self.pairs([("Question", p.get("question")), ("About", p.get("subject") or ""), ("Decision", said),
                    ("Session", p.get("session")), ("Operator", p.get("operator") or "none given"),
                    ("Source, audience", f"{p.get('source', '')}, {p.get('audience') or 'n/a'}"),
                    *([("Revises", f"entry #{p['revises']} (the same answer, reworded by the local LLM)")]
                      if p.get("revises") else [])])
        self.heading("The answer as shown", 11)
        self.text(p.get("answer"), 10)
        sentences = [s for part in p.get("parts", []) for s in part.get("sentences", [])]
        if sentences:
            self.heading("Each sentence and its verification", 11)
            self.table(["#", "Sentence", "Status", "Verdict"],
                       [[i, s.get("text"), s.get("status"), s.get("verdict")] for i, s in enumerate(sentences, 1)],
                       (6, 110, 22, 42))
        if ev is not None and ev.get("attributions"):
            self.heading(f"The evidence ({ev.get('method')}, {ev.get('n_evaluations')} model calls)", 11)
            self.picture(ev, p)
            rows = sorted(ev["attributions"], key=lambda a: -abs(a.get("contribution") or 0))
            self.table(["Feature", "Value", f"Contribution toward {ev.get('target_label')} (points)", "Std. error"],
                       [[a.get("name"), shown(a.get("value")), f"{(a.get('contribution') or 0) * 100:+.2f}",
                         "unknown" if a.get("standard_error") is None else f"{a['standard_error'] * 100:.2f}"]
                        for a in rows[:40]], (50, 50, 50, 30))
        self.heading("What would change the decision", 11)
        changes = [part.get("text") for part in p.get("parts", []) if part.get("op") in ("counterfactual", "what_if")]
        changes += ["Illustrative only: " + (part.get("figures") or {})["counterfactual"] for part in p.get("parts", [])
                    if part.get("op") == "reasons" and (part.get("figures") or {}).get("counterfactual")]
        self.text("\n".join(changes) or "Not part of this answer.", 10)
        llm = next((part.get("llm") for part in p.get("parts", []) if part.get("llm")), None)
        if llm:
            self.heading("The LLM call", 11)
            self.text(f"Model {llm.get('model')}; {float(llm.get('total_seconds') or 0):.2f} s. {llm.get('error') or ''}", 9)
            self.text("Raw output: " + str(llm.get("raw_output") or ""), 8)
        m, x = p.get("model") or {}, p.get("input") or {}
        self.heading("On the record", 11)
        self.pairs([("Entry", f"#{e['seq']}, {e.get('sealed', '')}"), ("Entry hash", e["hash"]),
                    ("Previous hash", e["prev_hash"]),
                    ("Model", f"{m.get('name')} ({m.get('explainer', '')}, {m.get('kind', '')}); sha256 "
                              f"{m.get('sha256')} of its {m.get('how')}"),
                    ("Data hash", m.get("data_sha256", "n/a")), ("Input hash", f"{x.get('sha256', '')} ({x.get('kind', '')})"),
                    ("Package, seed", f"explainer-nlg {p.get('package_version')}, seed {p.get('seed')}, "
                                      f"{p.get('model_calls')} model calls")])
        self.small("The full entry is in the HTML case file and in `explainer-nlg audit show "
                   f"{e['seq']}` ({len(entry_json(p)):,} characters of JSON).")

    def picture(self, ev: dict, p: dict) -> None:
        kind = ev.get("kind")
        if kind == "image":
            png = overlay_png(ev, p)
            if png:
                self.pdf.image(io.BytesIO(base64.b64decode(png)), w=70)
            return
        if kind == "text":
            self.text("Words by contribution: " + ", ".join(
                f"{a.get('name')} {(a.get('contribution') or 0) * 100:+.1f}"
                for a in sorted(ev["attributions"], key=lambda a: -abs(a.get("contribution") or 0))[:10]), 9)
            return
        self.bars(ev)

    def bars(self, ev: dict, k: int = 12) -> None:
        top = sorted(ev["attributions"], key=lambda a: -abs(a.get("contribution") or 0))[:k]
        peak = max((abs(a.get("contribution") or 0) for a in top), default=0) or 1.0
        pdf = self.pdf
        label_w, half, row = 60, (self.width - 60) / 2 - 12, 5.0
        if pdf.get_y() + row * len(top) + 10 > pdf.h - pdf.b_margin:
            pdf.add_page()
        x0, y0 = pdf.l_margin, pdf.get_y() + 1
        mid = x0 + label_w + half + 6
        pdf.set_font("DejaVu", "", 7.5)
        for i, a in enumerate(top):
            c = a.get("contribution") or 0
            y = y0 + i * row
            name = f"{a.get('name')} = {shown(a.get('value'))}" if a.get("value") not in (None, a.get("name")) else a.get("name")
            pdf.set_xy(x0, y)
            pdf.cell(label_w, row, _printable(name)[:38], align="R")
            length = abs(c) / peak * (half - 14)  # room for the figure beside the bar
            pdf.set_fill_color(*((31, 119, 180) if c >= 0 else (214, 39, 40)))
            pdf.rect(mid if c >= 0 else mid - length, y + 0.8, max(length, 0.3), row - 1.6, style="F")
            pdf.set_xy(mid + length + 1 if c >= 0 else mid - length - 13, y)
            pdf.cell(12, row, f"{c * 100:+.1f}", align="L" if c >= 0 else "R")
        pdf.line(mid, y0, mid, y0 + row * len(top))
        pdf.set_xy(x0, y0 + row * len(top) + 1)
        self.small(f"Percentage points toward {ev.get('target_label')} (blue) or against it (red).")


def _printable(v: Any) -> str:
    """Text fpdf2 can set: control characters other than newlines dropped."""
    s = "" if v is None else str(v)
    return "".join(ch for ch in s if ch in "\n\t" or (ord(ch) >= 32 and not 0xD800 <= ord(ch) <= 0xDFFF))
