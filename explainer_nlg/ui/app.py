"""The Gradio chat app, built by ``build_app`` so it can be embedded, launched and tested.

Layout: the chat (answers stream sentence by sentence as each is verified) with example
questions, the audience selector and an "Evidence" accordion holding the exact numbers behind
the last answer; beside it, the input panel (pick a demo; an applicant row to pick or edit, a
message, a photo to pick or upload; or bring your own model) and the pictures: words highlighted
by contribution, a signed bar chart, the heatmap overlay.

API endpoints (``gradio_client.Client(url).predict(..., api_name="/ask")`` or plain HTTP):

- ``/explain(demo, x, audience)``: the Evidence for an input and its narration;
- ``/ask(question, demo, x, session, audience)``: a chat answer (text, parsed question, per
  operation the figures and evidence); ``session`` keeps conversations apart;
- ``/parse(question, demo)``: the parsed question only.

``demo`` is "loan", "text", "image" or "custom" (a model brought in the panel); ``x`` is a row
id or a JSON row for tables, the message for text, a sample photo name or a file path for images.
"""

from __future__ import annotations

import html
import json
import queue
import threading
import uuid
from typing import Any

import numpy as np

from ..errors import ExplainerInputError

DEMOS = ("loan", "text", "image")
EXAMPLES = {
    "loan": ["why was 17 denied?", "what could change it?", "what if Income was 500?", "how confident is it?",
             "and the next one?", "top 3 features for applicants older than 60", "how accurate is the model?",
             "what can I ask?"],
    "text": ["why?", "why not great?", "what if I remove 'stale'?", "what could make it great?",
             "which words mattered most?"],
    "image": ["why?", "what part of the picture mattered?", "how confident is it?", "what if we cover the centre?",
              "top 3 classes"],
}
DEFAULT_TEXT = "The cookies arrived stale and the box was broken, but the tea was lovely."


class Service:
    """The explainers the app serves (demos load on first use) and one call per endpoint."""

    def __init__(self, explainers: dict[str, Any] | None = None, llm: Any = None, budget: int | None = None):
        self._explainers: dict[str, Any] = dict(explainers or {})
        self._lock = threading.Lock()
        self.llm = llm
        self.budget = budget

    def explainer(self, demo: str):
        demo = (demo or "loan").strip().lower()
        with self._lock:
            if demo not in self._explainers:
                if demo not in DEMOS:
                    raise ExplainerInputError(f"There is no model {demo!r} loaded. Models: "
                                              f"{', '.join(sorted(set(DEMOS) | set(self._explainers)))}.")
                from ..explainer import Explainer

                self._explainers[demo] = Explainer.demo(demo)
            ex = self._explainers[demo]
        if getattr(ex, "_assistant", None) is None or ex._assistant.llm is not self.llm:
            ex.assistant(llm=self.llm, budget=self.budget)
        return ex

    def add(self, name: str, ex: Any) -> None:
        with self._lock:
            self._explainers[name] = ex
        ex.assistant(llm=self.llm, budget=self.budget)

    def input_for(self, demo: str, x: Any) -> Any:
        """An API ``x`` (always a string or number over HTTP) -> what the explainer takes."""
        ex = self.explainer(demo)
        if ex.kind == "tabular":
            return _table_input(x)
        if isinstance(x, str) and not x.strip():
            return None
        return ex.assistant().load_input(x) if isinstance(x, str) else x

    def explain(self, demo: str, x: Any, audience: str = "customer") -> dict:
        ex = self.explainer(demo)
        a = ex.assistant()
        xi = self.input_for(demo, x)
        if xi is None:
            raise ExplainerInputError("Give an input to explain (a row id, a message or a photo).")
        ev = a.evidence(xi)
        from ..narrate import narrate

        answer = narrate(ev, audience, llm=self.llm, descriptions=ex.info.get("descriptions") or None)
        return {"text": answer.text, "sentences": [s.__dict__ for s in answer.sentences], "evidence": ev.to_dict()}


def _answer_dict(answer) -> dict:
    d = answer.to_dict()
    for p in d["parts"]:  # the heatmap is 224x224 numbers: /explain returns it, /ask need not
        for holder in (p.get("evidence"), (p.get("evidence") or {}).get("evidence") if isinstance(p.get("evidence"), dict) else None):
            if isinstance(holder, dict) and holder.get("heatmap") is not None:
                holder["heatmap"] = "omitted here; /explain returns it"
        if p.get("narration"):
            p["narration"].pop("evidence", None)
    return d


def evidence_panel(answer) -> dict:
    """The exact numbers behind an answer, for the accordion: per operation its figures and the
    evidence's probabilities and contributions."""
    out = {"parsed": {k: v for k, v in answer.parsed.items() if k not in ("question",)}, "operations": []}
    for p in answer.parts:
        item: dict[str, Any] = {"op": p.op, "figures": p.figures}
        ev = p.evidence
        ev = getattr(ev, "evidence", None) if ev is not None and not hasattr(ev, "attributions") else ev
        if ev is not None and hasattr(ev, "attributions"):
            item["evidence"] = {"predicted_label": ev.predicted_label, "probabilities": ev.probabilities,
                                "target_label": ev.target_label, "base_value": ev.base_value, "method": ev.method,
                                "model_calls": ev.n_evaluations, "faithfulness": ev.faithfulness,
                                "contributions": {a.name: round(a.contribution, 5) for a in ev.top(15)}}
        if p.narration is not None:
            item["sentences"] = [{"status": s.status, "reason": s.reason, "slot": s.slot} for s in p.narration.sentences]
        out["operations"].append(item)
    return json.loads(json.dumps(out, default=str))


def build_app(explainers: dict[str, Any] | None = None, llm: Any = None, budget: int | None = None,
              title: str = "explainer-nlg: ask why"):
    """The Gradio Blocks app. ``explainers``: extra or replacement explainers by name (for
    instance ``{"custom": Explainer.from_sklearn(...)}``); demos load on first use. ``llm``: an
    optional local LLM that rewords verified sentences. ``budget``: most model calls per
    explanation (default: the explainer's own choice).

    >>> app = build_app()
    >>> sorted(d.api_name for d in app.fns.values() if d.api_name in ("ask", "explain", "parse"))
    ['ask', 'explain', 'parse']
    """
    import gradio as gr

    from .visuals import cohort_chart, contribution_chart, heatmap_overlay, highlighted_words_html

    service = Service(explainers, llm, budget)

    # ---- the API: typed functions, so the endpoint docs say what each takes -------------------

    def api_explain(demo: str = "loan", x: str = "17", audience: str = "customer") -> dict:
        """The Evidence for one input and its narration for the audience."""
        try:
            return service.explain(demo, x, audience)
        except ExplainerInputError as err:
            return {"error": str(err)}

    def api_ask(question: str, demo: str = "loan", x: str = "", session: str = "",
                audience: str = "customer") -> dict:
        """Answer a chat question; follow-ups resolve within ``session``."""
        try:
            ex = service.explainer(demo)
            xi = service.input_for(demo, x)
            answer = ex.assistant().ask(question, x=xi, session=session or "api", audience=audience)
            return _answer_dict(answer)
        except ExplainerInputError as err:
            return {"text": str(err), "error": str(err)}

    def api_parse(question: str, demo: str = "loan") -> dict:
        """The question as operations, filters and slots (no model is called)."""
        try:
            return service.explainer(demo).assistant().parse(question)
        except ExplainerInputError as err:
            return {"error": str(err)}

    # ---- the page ---------------------------------------------------------------------------

    def current_x(demo, row_id, row_table, text, photo, upload):
        ex = service.explainer(demo)
        if ex.kind == "tabular":
            return edited_row(ex, row_id, row_table)
        if ex.kind == "text":
            return text or None
        if upload is not None:
            return upload
        return ex.assistant().load_input(photo or "chelsea")

    def respond(message, history, demo, row_id, row_table, text, photo, upload, audience, session):
        history = list(history or [])
        session = session or str(uuid.uuid4())
        # Shown as typed: escaped, so "<script>" reads as text and never runs.
        history.append({"role": "user", "content": html.escape(str(message or ""))})
        history.append({"role": "assistant", "content": "…"})
        # The box is cleared once, here; later updates leave it alone, so a next question being
        # typed while this answer streams is not wiped.
        yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), "", session
        try:
            ex = service.explainer(demo)
            x = current_x(demo, row_id, row_table, text, photo, upload)
        except ExplainerInputError as err:
            history[-1] = {"role": "assistant", "content": html.escape(str(err))}
            yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), session
            return
        # An edited row is a new applicant: say which edits the answer is about.
        note = [edit_note(ex, row_id, x)] if isinstance(x, dict) and ex.kind == "tabular" else []
        sentences: queue.Queue = queue.Queue()
        result: dict = {}

        def work():
            try:
                result["answer"] = ex.assistant().ask(message, x=x, session=session, audience=audience,
                                                      on_sentence=lambda s: sentences.put(s.text))
            except Exception as err:  # noqa: BLE001 - shown as a message, never a traceback
                result["error"] = f"Sorry, something failed: {type(err).__name__}: {err}"
            sentences.put(None)

        threading.Thread(target=work, daemon=True).start()
        streamed = []
        while True:
            s = sentences.get()
            if s is None:
                break
            streamed.append(s)
            history[-1] = {"role": "assistant", "content": html.escape(" ".join([*note, *streamed]))}
            yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), session
        if "error" in result:
            history[-1] = {"role": "assistant", "content": html.escape(result["error"])}
            yield history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), session
            return
        answer = result["answer"]
        shown = " ".join([*note, answer.text])
        history[-1] = {"role": "assistant", "content": html.escape(shown).replace("\n", "  \n")}
        ev = answer.evidence
        ev = getattr(ev, "evidence", None) if ev is not None and not hasattr(ev, "attributions") else ev
        words = highlighted_words_html(ev) if ev is not None else gr.skip()
        chart = contribution_chart(ev) if ev is not None else gr.skip()
        cohort = next((p.figures for p in answer.parts if p.op == "top_features" and (p.figures or {}).get("mean_abs")), None)
        if ev is None and cohort is not None:
            chart = cohort_chart(cohort)
        overlay = gr.skip()
        if ev is not None and ev.kind == "image":
            overlay = heatmap_overlay(ev, ex.assistant().sessions.get(session).x)
        yield history, evidence_panel(answer), words, chart, overlay, gr.skip(), session

    def load_row(demo, row_id):
        try:
            ex = service.explainer(demo)
            if ex.kind != "tabular" or row_id is None:
                return None
            feats = list(ex.info.get("features") or [])
            row = ex.rows().loc[int(row_id), feats]
            return [[f, _cell(row[f])] for f in feats]
        except (KeyError, ValueError, ExplainerInputError):
            return None

    def switch(demo):
        ex_kind = {"loan": "tabular", "text": "text", "image": "image"}.get(demo)
        if ex_kind is None:
            try:
                ex_kind = service.explainer(demo).kind
            except ExplainerInputError:
                ex_kind = "tabular"
        return (gr.update(visible=ex_kind == "tabular"), gr.update(visible=ex_kind == "text"),
                gr.update(visible=ex_kind == "image"), gr.update(samples=[[q] for q in EXAMPLES.get(demo, EXAMPLES["loan"])]),
                [], None, None, gr.update(value=None, visible=ex_kind == "image"),
                gr.update(value="", visible=ex_kind == "text"))

    def bring_own(csv_file, model_file, target, hf_dir):
        try:
            ex = _load_custom(csv_file, model_file, target, hf_dir)
        except ExplainerInputError as err:
            return html.escape(str(err)), gr.update()
        service.add("custom", ex)
        return (html.escape(f"Loaded {ex.kind} model {ex.name}: classes {', '.join(map(str, ex.class_names[:10]))}. "
                            "Pick “custom” above and ask away."), gr.update(choices=list(DEMOS) + ["custom"], value="custom"))

    with gr.Blocks(title=title) as app:
        session = gr.State("")
        gr.Markdown(f"## {html.escape(title)}\nEvery sentence about a prediction comes from computed evidence "
                    "(Shapley values, Grad-CAM, counterfactual search) and is checked against it.")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=460, elem_id="chat", sanitize_html=True)
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask: why was 17 denied? what could change it?", show_label=False,
                                     scale=5, elem_id="question")
                    send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                examples = gr.Dataset(components=[box], samples=[[q] for q in EXAMPLES["loan"]],
                                      label="Example questions (click one)")
                audience = gr.Radio(["customer", "support", "developer"], value="customer", label="Audience")
                with gr.Accordion("Evidence: the numbers behind the last answer", open=False):
                    evidence = gr.JSON(label="evidence")
            with gr.Column(scale=2):
                demo = gr.Radio(list(DEMOS), value="loan", label="Model")
                with gr.Group(visible=True) as table_panel:
                    row_id = gr.Number(value=17, precision=0, label="Applicant row id")
                    row_table = gr.Dataframe(headers=["feature", "value"],
                                             interactive=True, label="Its fields (edit a value to ask about a changed applicant)")
                with gr.Group(visible=False) as text_panel:
                    text = gr.Textbox(value=DEFAULT_TEXT, lines=3, label="Message")
                with gr.Group(visible=False) as image_panel:
                    from ..explainer import Explainer

                    photo = gr.Dropdown(Explainer.demo_sample_names("image"), value="chelsea", label="Sample photo")
                    upload = gr.Image(type="numpy", label="…or upload a photo")
                words = gr.HTML(label="Words by contribution", visible=False)
                chart = gr.Image(label="Contributions", type="pil", interactive=False)
                overlay = gr.Image(label="Heatmap (Grad-CAM)", type="pil", interactive=False, visible=False)
                with gr.Accordion("Bring your own model", open=False):
                    csv_file = gr.File(label="Data (CSV)", file_types=[".csv"], type="filepath")
                    model_file = gr.File(label="Fitted scikit-learn model (pickle; only load files you trust)",
                                         type="filepath")
                    target = gr.Textbox(label="Target column in the CSV (optional)")
                    hf_dir = gr.Textbox(label="…or a Hugging Face model directory on this machine")
                    load_btn = gr.Button("Load")
                    byo_status = gr.Markdown()

        inputs = [box, chat, demo, row_id, row_table, text, photo, upload, audience, session]
        outputs = [chat, evidence, words, chart, overlay, box, session]
        # A question sent while an answer is still streaming runs after it ("always_last"),
        # rather than being dropped, which is what Gradio's default ("once") does.
        send.click(respond, inputs, outputs, api_visibility="private", trigger_mode="always_last")
        box.submit(respond, inputs, outputs, api_visibility="private", trigger_mode="always_last")
        examples.click(lambda s: s[0], examples, box, api_visibility="private")
        row_id.change(load_row, [demo, row_id], row_table, api_visibility="private")
        demo.change(switch, demo, [table_panel, text_panel, image_panel, examples, chat, evidence, chart, overlay, words],
                    api_visibility="private")
        load_btn.click(bring_own, [csv_file, model_file, target, hf_dir], [byo_status, demo], api_visibility="private")

        app.load(load_row, [demo, row_id], row_table, api_visibility="private")
        gr.api(api_explain, api_name="explain")
        gr.api(api_ask, api_name="ask")
        gr.api(api_parse, api_name="parse")
    return app


def _table_input(x: Any) -> Any:
    """An API ``x`` for a table: a row id (a whole number) or a JSON object of feature values."""
    if isinstance(x, str) and x.strip().startswith("{"):
        try:
            row = json.loads(x)
        except json.JSONDecodeError as err:
            raise ExplainerInputError(f"x looks like a JSON row but is not valid JSON ({err.msg} at "
                                      f"character {err.pos}).") from None
        if not isinstance(row, dict):
            raise ExplainerInputError("A JSON row must be an object of feature values.")
        return row
    if isinstance(x, str) and x.strip():
        try:
            v = float(x)
        except ValueError:
            raise ExplainerInputError(f"For a table, x is a row id or a JSON row, not {x!r}.") from None
        x = v
    if isinstance(x, float) and not x.is_integer():
        raise ExplainerInputError(f"A row id is a whole number, not {x!r}.")
    if isinstance(x, (int, float)):
        return int(x)
    return None


def edited_row(ex: Any, row_id: Any, row_table: Any) -> Any:
    """The page's applicant: the row id, or, when a field in the table was edited, the whole row
    as a dict with the edits (asked about as a new applicant). Values are typed like the original
    row's; a value that cannot be read raises an ExplainerInputError that names the field."""
    if row_id is None or str(row_id).strip() == "":
        return None
    from ..attribution.tabular_attributor import lookup_id

    rid = int(row_id)
    original = ex.rows().loc[lookup_id(ex.rows(), rid)]
    edited = _row_from_table(row_table)
    feats = list(ex.info.get("features") or [])
    if edited and any(not _same_value(edited[f], original[f]) for f in feats if f in edited):
        return {f: _typed(f, edited[f], original[f]) if f in edited else _plain(original[f]) for f in feats}
    return rid


def edit_note(ex: Any, row_id: Any, row: dict) -> str:
    """'About row 17 as edited (Income 330 → 50):', from the edited row and the original.

    >>> from explainer_nlg import Explainer
    >>> ex = Explainer.demo("loan")
    >>> edit_note(ex, 17, {**ex.rows().loc[17, ex.info["features"]].to_dict(), "Income": 50})
    'About row 17 as edited (Income 330 → 50):'
    """
    from ..narrate.facts import fmt_number

    original = ex.rows().loc[int(row_id)]

    def shown(v):
        return "missing" if _missing(v) else fmt_number(_plain(v))

    changed = [f"{f} {shown(original[f])} → {shown(v)}" for f, v in row.items()
               if f in original.index and not _same_value(v, original[f])]
    return f"About row {int(row_id)} as edited ({'; '.join(changed)}):"


def _same_value(shown: Any, original: Any) -> bool:
    """Whether a table cell still holds the original value ("330" and 330.0 are the same)."""
    if str(shown) == str(original) or (_missing(shown) and _missing(original)):
        return True
    try:
        return float(shown) == float(original)
    except (TypeError, ValueError):
        return False


def _cell(v: Any) -> str:
    """A value as the table shows it: 330.0 as "330" (a float column only because the data has
    gaps), a missing value as an empty cell (read back as missing by ``edited_row``).

    >>> _cell(330.0), _cell(2.5), _cell(float("nan")), _cell("priv")
    ('330', '2.5', '', 'priv')
    """
    if _missing(v):
        return ""
    v = _plain(v)
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def _row_from_table(table: Any) -> dict:
    if table is None:
        return {}
    rows = table.values.tolist() if hasattr(table, "values") else table
    if isinstance(rows, dict):
        rows = rows.get("data") or []
    return {str(r[0]): r[1] for r in rows if len(r) >= 2 and r[0] not in (None, "")}


def _typed(feature: str, value: Any, like: Any) -> Any:
    """A table cell as the type of the original value; an emptied cell is a missing value (the
    row's validation then says whether the model accepts one)."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(like, (int, float, np.integer, np.floating)) and not isinstance(like, bool):
        try:
            v = float(str(value).replace(",", ""))
        except (TypeError, ValueError):
            raise ExplainerInputError(f"{feature} must be a number, not {str(value)!r}.") from None
        return int(v) if v.is_integer() and isinstance(like, (int, np.integer)) else v
    return str(value).strip()


def _load_custom(csv_file, model_file, target, hf_dir):
    from ..explainer import Explainer

    if hf_dir and str(hf_dir).strip():
        return Explainer.from_transformers(str(hf_dir).strip())
    if not csv_file or not model_file:
        raise ExplainerInputError("Give a CSV and a pickled scikit-learn model, or a Hugging Face model directory.")
    import pickle

    import pandas as pd

    try:
        df = pd.read_csv(csv_file)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise ExplainerInputError(f"The data file is not a readable CSV ({err}).") from None
    try:
        with open(model_file, "rb") as fh:
            model = pickle.load(fh)  # noqa: S301 - the user uploads their own model to their own app
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as err:
        raise ExplainerInputError(f"The model file is not a pickled model this Python can load ({err}).") from None
    if not hasattr(model, "predict_proba"):
        raise ExplainerInputError(f"The pickled object is a {type(model).__name__}, not a fitted classifier "
                                  "with predict_proba.")
    return Explainer.from_sklearn(model, df, target=(target or "").strip() or None)
