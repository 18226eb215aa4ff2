"""Case files: one recorded answer (or a whole conversation) as a self-contained HTML page.

A case file is what support staff hand over: the question, the decision and its probability, the
answer as shown with each sentence's verification, the evidence table with standard errors, the
picture (contribution chart, highlighted words, or the heatmap over the photo), what would change
the decision, the LLM call when there was one, the model's identity and the audit entry's number
and hash. It is read from the audit log only, so it shows what was recorded, nothing recomputed.

The page makes no request of its own (a Content-Security-Policy forbids scripts and anything but
inline images), its charts are inline SVG and PNG, and every recorded string is HTML-escaped and
isolated (``dir="auto"``, long words wrap), so hostile text reads as text.
``case_pdf.case_pdf`` prints the same sections as a PDF.

>>> from explainer_nlg.store.audit import AuditLog
>>> log = AuditLog("sqlite://")
>>> _ = log.append({"session": "s-1", "question": "<script>alert(1)</script>", "answer": "No."})
>>> page = case_html(load_case(log, 1))
>>> "<script>alert" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
(False, True)
"""

from __future__ import annotations

import base64
import html
import io
import json
from datetime import datetime, timezone
from typing import Any

from .store.audit import AuditLog, chain_hash

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
POS, NEG = "#1f77b4", "#d62728"


def load_case(log: AuditLog, case: Any, conversation: bool = False) -> dict:
    """The entries of case ``case`` (its conversation's, in order, with ``conversation``), each
    with its own seal checked, and the log's head at export time. ValueError for a case that is
    not there."""
    entry = log.get(case)
    if entry is None:
        raise ValueError(f"There is no case #{str(case)[:40]} in the audit log at {log.where()}.")
    entries = [entry]
    if conversation and entry["payload"].get("session"):
        rows = log.search(session=entry["payload"]["session"], limit=1000)
        entries = [log.get(r["seq"]) for r in sorted(rows, key=lambda r: r["seq"])]
    elif entry["payload"].get("session"):
        # An answer's case includes its revision: the LLM's rewording, shown after the answer.
        rows = log.search(session=entry["payload"]["session"], kind="revision", limit=1000)
        entries += [e for r in sorted(rows, key=lambda r: r["seq"])
                    if (e := log.get(r["seq"])) is not None and e["payload"].get("revises") == entry["seq"]]
    for e in entries:
        e["sealed"] = seal_status(log, e)
    head = log.head()
    return {"entries": entries, "where": log.where(), "head_seq": head.seq if head else None,
            "head_hash": head.hash if head else "", "case": entry["seq"], "conversation": conversation,
            "exported": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def seal_status(log: AuditLog, e: dict) -> str:
    """Whether the entry's content matches its hash and it follows the entry before it."""
    from .store.audit import canonical

    if chain_hash(e["prev_hash"], canonical(e["payload"])) != e["hash"]:
        return "BROKEN: the content does not match its hash (edited after it was written)"
    before = log.get(e["seq"] - 1) if e["seq"] > 1 else None
    if e["seq"] > 1 and before is not None and before["hash"] != e["prev_hash"]:
        return f"BROKEN: it does not follow entry #{e['seq'] - 1}"
    follows = f"it follows entry #{e['seq'] - 1}" if before is not None else (
        "it is the first entry of the log" if e["seq"] == 1 else "entries before it were removed by retention")
    return f"verified: its content matches its hash, and {follows}"


# ---- the page ----------------------------------------------------------------------------------

def shown(v: Any) -> str:
    """A recorded value as people read it: 2000.0 as 2000."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def user_text(v: Any, tag: str = "span") -> str:
    """Recorded text as an isolated, escaped element: right-to-left marks stay inside it."""
    return f'<{tag} dir="auto" class="u">{esc(v)}</{tag}>'


def case_html(case: dict) -> str:
    """The case file as one HTML document (see the module docstring)."""
    entries = case["entries"]
    title = (f"Conversation of case #{case['case']}" if case["conversation"] and len(entries) > 1
             else f"Case #{case['case']}")
    body = [f"<h1>{esc(title)}</h1>",
            f'<p class="meta">Exported {esc(case["exported"])} from the audit log at {esc(case["where"])}. '
            f"Log head at export: entry #{esc(case['head_seq'])}, hash <code>{esc(case['head_hash'])}</code>.</p>"]
    body += [entry_html(e) for e in entries]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n")


def entry_html(e: dict) -> str:
    p = e["payload"]
    ev = first_evidence(p)
    out = [f'<section class="entry"><h2>Entry #{esc(e["seq"])}: {esc(p.get("kind", "answer"))} '
           f'<span class="when">{esc(p.get("time", ""))}</span></h2>']
    out.append("<table class='kv'>" + "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in [
        ("Question", user_text(p.get("question"))),
        ("About", user_text(p.get("subject") or "")),
        ("Decision", decision_html(p)),
        ("Session", user_text(p.get("session"))),
        ("Operator", user_text(p.get("operator") or "none given")),
        ("Source and audience", esc(f"{p.get('source', '')}, {p.get('audience') or 'n/a'}")),
        *revises_row(p),
    ]) + "</table>")
    out.append("<h3>The answer as shown</h3>" + user_text(p.get("answer"), "div"))
    sentences = [s for part in p.get("parts", []) for s in part.get("sentences", [])]
    if sentences:
        out.append("<h3>Each sentence and its verification</h3><table><tr><th>#</th><th>Sentence</th>"
                   "<th>Status</th><th>Verifier's verdict</th></tr>" + "".join(
                       f"<tr><td>{i}</td><td>{user_text(s.get('text'))}</td><td>{esc(s.get('status'))}</td>"
                       f"<td class='{'ok' if s.get('verdict') == 'verified' else 'bad'}'>{esc(s.get('verdict'))}</td></tr>"
                       for i, s in enumerate(sentences, 1)) + "</table>")
    if ev is not None and ev.get("attributions"):
        out.append(f"<h3>The evidence ({esc(ev.get('method'))}, {esc(ev.get('n_evaluations'))} model calls)</h3>")
        out.append(picture_html(ev, p))
        out.append(evidence_table_html(ev))
    out.append("<h3>What would change the decision</h3>" + change_html(p))
    llm = next((part.get("llm") for part in p.get("parts", []) if part.get("llm")), None)
    if llm:
        out.append(f"<h3>The LLM call</h3><p>Model {user_text(llm.get('model'))}, "
                   f"{esc(round(float(llm.get('total_seconds') or 0), 2))} s. {esc(llm.get('error') or '')}</p>"
                   f"<details><summary>Prompt and raw output</summary><pre>{esc(llm.get('prompt'))}</pre>"
                   f"<pre>{esc(llm.get('raw_output'))}</pre></details>")
    m, x = p.get("model") or {}, p.get("input") or {}
    out.append("<h3>On the record</h3><table class='kv'>" + "".join(
        f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in [
            ("Entry", f"#{esc(e['seq'])}, {esc(e.get('sealed', ''))}"),
            ("Entry hash", f"<code>{esc(e['hash'])}</code>"), ("Previous hash", f"<code>{esc(e['prev_hash'])}</code>"),
            ("Model", f"{user_text(m.get('name'))} ({esc(m.get('explainer', ''))}, {esc(m.get('kind', ''))}); "
                      f"sha256 <code>{esc(m.get('sha256'))}</code> of its {esc(m.get('how'))}"),
            ("Data hash", f"<code>{esc(m.get('data_sha256', 'n/a'))}</code>"),
            ("Input hash", f"<code>{esc(x.get('sha256', ''))}</code> ({esc(x.get('kind', ''))})"),
            ("Package, seed, model calls", esc(f"explainer-nlg {p.get('package_version')}, seed {p.get('seed')}, "
                                               f"{p.get('model_calls')} model calls")),
        ]) + "</table>")
    out.append(f"<details><summary>The full entry (JSON)</summary><pre>{esc(entry_json(p))}</pre></details>")
    return "".join(out) + "</section>"


def revises_row(p: dict) -> list[tuple[str, str]]:
    """A revision names the answer it rewords (shown first as templates, then reworded)."""
    if not p.get("revises"):
        return []
    return [("Revises", esc(f"entry #{p['revises']}: the same answer, its sentences reworded by the local LLM "
                            "and verified, shown in its place once ready"))]


def first_evidence(p: dict) -> dict | None:
    """The first Evidence dict in an entry's parts (a what-if's inner evidence counts)."""
    for part in p.get("parts", []):
        ev = part.get("evidence")
        if isinstance(ev, dict) and "attributions" not in ev and isinstance(ev.get("evidence"), dict):
            ev = ev["evidence"]
        if isinstance(ev, dict) and "attributions" in ev:
            return ev
    return None


def decision(p: dict) -> tuple[Any, float | None]:
    """(the predicted class, its probability) as recorded in the entry's first record that has one."""
    for part in p.get("parts", []):
        ev = part.get("evidence")
        if not isinstance(ev, dict):
            continue
        for label_key, probs_key in (("predicted_label", "probabilities"), ("original_label", "original_probabilities")):
            if ev.get(label_key) is not None:
                prob = (ev.get(probs_key) or {}).get(ev[label_key])
                return ev[label_key], float(prob) if isinstance(prob, (int, float)) else None
    return None, None


def decision_html(p: dict) -> str:
    label, prob = decision(p)
    if label is None:
        return "no prediction in this answer"
    return f"{user_text(label)}" + (f" (probability {prob:.1%})" if prob is not None else "")


def evidence_table_html(ev: dict) -> str:
    rows = sorted(ev["attributions"], key=lambda a: -abs(a.get("contribution") or 0))
    out = [f"<table><tr><th>Feature</th><th>Value</th><th>Contribution toward {user_text(ev.get('target_label'))} "
           "(percentage points)</th><th>Standard error</th></tr>"]
    for a in rows:
        se = a.get("standard_error")
        out.append(f"<tr><td>{user_text(a.get('name'))}</td><td>{user_text(shown(a.get('value')))}</td>"
                   f"<td class='num'>{(a.get('contribution') or 0) * 100:+.2f}</td>"
                   f"<td class='num'>{'unknown' if se is None else f'{se * 100:.2f}'}</td></tr>")
    out.append(f"</table><p class='meta'>Starting point with nothing known: {float(ev.get('base_value') or 0):.1%}. "
               "Contributions add up to the model's probability minus that starting point.</p>")
    return "".join(out)


def picture_html(ev: dict, p: dict) -> str:
    kind = ev.get("kind")
    if kind == "text":
        return words_html(ev)
    if kind == "image":
        png = overlay_png(ev, p)
        return f'<p><img alt="heatmap over the photo" src="data:image/png;base64,{png}"></p>' if png else ""
    return bars_svg(ev)


def bars_svg(ev: dict, k: int = 12) -> str:
    """The ``k`` largest contributions as an inline SVG bar chart (blue toward, red against)."""
    top = sorted(ev["attributions"], key=lambda a: -abs(a.get("contribution") or 0))[:k]
    if not top:
        return ""
    peak = max(abs(a.get("contribution") or 0) for a in top) or 1.0
    w, row, label_w = 640, 22, 230
    half = (w - label_w - 20) / 2
    mid = label_w + half
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{row * len(top) + 30}" '
             f'role="img" aria-label="contributions">']
    for i, a in enumerate(top):
        c = a.get("contribution") or 0
        y = 10 + i * row
        length = abs(c) / peak * (half - 50)
        x = mid if c >= 0 else mid - length
        name = f"{a.get('name')} = {shown(a.get('value'))}" if a.get("value") not in (None, a.get("name")) else a.get("name")
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12">{esc(_clip(name, 34))}</text>'
                     f'<rect x="{x:.1f}" y="{y + 3}" width="{max(length, 1):.1f}" height="{row - 6}" '
                     f'fill="{POS if c >= 0 else NEG}"/>'
                     f'<text x="{(mid + length + 4) if c >= 0 else (mid - length - 4):.1f}" y="{y + 14}" font-size="11" '
                     f'text-anchor="{"start" if c >= 0 else "end"}">{c * 100:+.1f}</text>')
    parts.append(f'<line x1="{mid}" y1="6" x2="{mid}" y2="{row * len(top) + 12}" stroke="#333"/>'
                 f'<text x="{mid}" y="{row * len(top) + 26}" font-size="11" text-anchor="middle">'
                 f'percentage points toward {esc(_clip(ev.get("target_label"), 30))} (blue) or against it (red)</text></svg>')
    return "".join(parts)


def _clip(v: Any, n: int) -> str:
    s = str(v)
    return s if len(s) <= n else s[: n - 1] + "…"


def words_html(ev: dict) -> str:
    """The message with each word shaded by its contribution, escaped."""
    text = str((ev.get("input") or {}).get("text", ""))
    spans = sorted((a for a in ev["attributions"] if a.get("span")), key=lambda a: a["span"][0])
    peak = max((abs(a.get("contribution") or 0) for a in spans), default=0.0) or 1.0
    out, pos = [], 0
    for a in spans:
        s, e = a["span"]
        if s < pos:
            continue
        c = a.get("contribution") or 0
        rgb = "31,119,180" if c >= 0 else "214,39,40"
        out.append(esc(text[pos:s]) + f'<span style="background: rgba({rgb},{min(1, abs(c) / peak) * 0.7:.2f})">'
                   f"{esc(text[s:e])}</span>")
        pos = e
    out.append(esc(text[pos:]))
    return (f'<div dir="auto" class="u words">{"".join(out)}</div><p class="meta">blue: toward '
            f'{user_text(ev.get("target_label"))}, red: against it; darker = larger contribution</p>')


def overlay_png(ev: dict, p: dict) -> str:
    """The recorded heatmap over the recorded thumbnail of the photo, as base64 PNG ("" if absent)."""
    import numpy as np
    from PIL import Image

    from .pictures import overlay

    heat = ev.get("heatmap")
    thumb = (p.get("input") or {}).get("thumbnail", "")
    if not heat or not thumb.startswith("data:image/png;base64,"):
        return ""
    photo = np.asarray(Image.open(io.BytesIO(base64.b64decode(thumb.split(",", 1)[1]))).convert("RGB"))
    buf = io.BytesIO()
    overlay(photo, np.asarray(heat, dtype=float)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def change_html(p: dict) -> str:
    """Counterfactual and what-if parts of the entry, as recorded; or a notice's illustrative line."""
    lines = []
    for part in p.get("parts", []):
        if part.get("op") in ("counterfactual", "what_if"):
            lines.append(user_text(part.get("text"), "p"))
        figs = part.get("figures") or {}
        if part.get("op") == "reasons" and figs.get("counterfactual"):
            lines.append(user_text("Illustrative only: " + figs["counterfactual"], "p"))
    return "".join(lines) or "<p class='meta'>Not part of this answer (ask “what could change it?” for it).</p>"


def entry_json(p: dict) -> str:
    """The entry as indented JSON, the heatmap (tens of thousands of numbers) summarised."""
    def slim(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: (f"({len(x)}x{len(x[0]) if x else 0} map, drawn above)" if k == "heatmap" and isinstance(x, list)
                        else "(thumbnail, drawn above)" if k == "thumbnail" else slim(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [slim(x) for x in v]
        return v

    return json.dumps(slim(p), indent=2, ensure_ascii=False)


STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-top: 2px solid #333; padding-top: .6rem; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; } .when { font-weight: normal; color: #555; font-size: .9rem; }
table { border-collapse: collapse; margin: .4rem 0; width: 100%; } td, th { border: 1px solid #ccc; padding: .25rem .5rem;
  text-align: left; vertical-align: top; } th { background: #f3f3f3; } table.kv th { width: 12rem; }
.u { unicode-bidi: isolate; overflow-wrap: anywhere; white-space: pre-wrap; } .num { text-align: right; }
.ok { color: #176617; } .bad { color: #a11; font-weight: bold; } .meta { color: #555; font-size: .9rem; }
code { font-size: .8rem; overflow-wrap: anywhere; } pre { white-space: pre-wrap; overflow-wrap: anywhere;
  background: #f7f7f7; padding: .5rem; font-size: .8rem; } .words { line-height: 2; }
@media print { details { display: none; } body { margin: 0; } }
"""
