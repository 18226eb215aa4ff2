"""The Gradio chat app, built by ``build_app`` so it can be embedded, launched and tested.

Layout: a "Chat" tab and, where answers are recorded, a "Cases" tab for support staff (find,
reopen and export past answers: ``cases_tab.py``). The chat (answers stream sentence by sentence as each is verified) with example
questions, the audience selector and an "Evidence" accordion holding the exact numbers behind
the last answer; beside it, the input panel (pick a demo; an applicant row to pick or edit, a
message, a photo to pick or upload; or bring your own model) and the pictures: words highlighted
by contribution, a signed bar chart, the heatmap overlay.

This module only lays out the page and wires it to ``explainer_nlg.service.Service``, which does
the work (and has no Gradio in it). API endpoints (``gradio_client.Client(url).predict(...,
api_name="/ask")`` or plain HTTP):

- ``/explain(demo, x, audience)``: the Evidence for an input and its narration;
- ``/ask(question, demo, x, session, audience)``: a chat answer (text, parsed question, per
  operation the figures and evidence, and ``session``: the key that continues the conversation);
- ``/parse(question, demo)``: the parsed question only.

A request that cannot be answered ends in Gradio's error event carrying the message, with
``title`` "<HTTP status> <kind>" (for instance "400 bad_input"); over a REST mount the same
ServiceError becomes that HTTP status.
"""

from __future__ import annotations

import asyncio
import functools
import html
import itertools
import logging
import queue
import threading
import time
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

import gradio as gr

from ..errors import ExplainerInputError
from ..input_text import displayable
from ..service import Service, ServiceError, as_service_error, evidence_panel
from ..service.priority import is_long_work, lower_this_thread
from ..service.rows import table_rows
from ..service.sessions import is_key
from .preview import PreviewLine, preview_line
from .refining import Refinement, shown_text

DEMOS = ("loan", "house", "text", "image")
EXAMPLES = {
    "loan": ["why was 17 denied?", "what could change it?", "what if Income was 500?", "how confident is it?",
             "and the next one?", "top 3 features for applicants older than 60", "how accurate is the model?",
             "what can I ask?"],
    "house": ["why is house 7 so expensive?", "what could bring it under $180,000?", "what if it had 2 fireplaces?",
              "how does living area affect the price?", "how accurate is the model?", "which houses are most like this one?"],
    "text": ["why?", "why not great?", "what if I remove 'stale'?", "what could make it great?",
             "which words mattered most?"],
    "image": ["why?", "what part of the picture mattered?", "how confident is it?", "what if we cover the centre?",
              "top 3 classes"],
}
DEFAULT_TEXT = "The cookies arrived stale and the box was broken, but the tea was lovely."
# Requests served at once per event. A slow explanation (a long text, a large photo) holds one
# worker; the others keep answering. The one LLM context has its own lock (narrate/llm.py).
CONCURRENCY = 8


def build_app(explainers: dict[str, Any] | None = None, llm: Any = None, budget: int | None = None,
              title: str = "explainer-nlg: ask why", service: Service | None = None,
              concurrency: int = CONCURRENCY):
    """The Gradio Blocks app. ``explainers``: extra or replacement explainers by name, shared by
    every visitor (for instance ``{"custom": Explainer.from_sklearn(...)}``); demos load on first
    use. ``llm``: an optional local LLM that rewords verified sentences. ``budget``: most model
    calls per explanation (default: the explainer's own choice). ``service``: a configured Service
    (upload policy, image folder, store); built from the other arguments when None.

    >>> app = build_app(service=Service(store=False))
    >>> sorted(d.api_name for d in app.fns.values() if d.api_name in ("ask", "explain", "parse"))
    ['ask', 'explain', 'parse']
    """
    service = service or Service(explainers, llm, budget)
    page = PageHandlers(service)
    with gr.Blocks(title=title) as app:
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"):
                parts = _layout(title, service.browser_secret())
            if service.audit is not None:
                with gr.Tab("Cases", id="cases-tab", elem_id="cases-tab"):
                    from .cases_tab import add_cases_tab

                    add_cases_tab(service)
        _wire(app, parts, page, concurrency)
        for fn in api_functions(service):
            gr.api(fn, api_name=fn.__name__.removeprefix("api_"), concurrency_limit=concurrency)
    return app


# ---- the API -----------------------------------------------------------------------------------

def _as_gradio_error(fn):
    """Run an API function; a ServiceError leaves as Gradio's error event, titled with its status."""
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ServiceError as err:
            raise gr.Error(displayable(err.message), title=f"{err.status} {err.kind}", print_exception=False) from None

    return inner


def api_functions(service: Service) -> list:
    """The three API endpoints as typed functions (the endpoint docs show their parameters)."""
    @_as_gradio_error
    def api_explain(demo: str = "loan", x: str = "17", audience: str = "customer") -> dict:
        """The Evidence for one input and its narration for the audience."""
        return service.explain(demo, x, audience)

    @_as_gradio_error
    def api_ask(question: str, demo: str = "loan", x: str = "", session: str = "", audience: str = "customer",
                request: gr.Request = None) -> dict:
        """Answer a chat question; follow-ups resolve within ``session`` (send back the answer's
        ``session`` to continue from anywhere). Staff who ask on someone's behalf name themselves
        through the REST API's ``operator`` (this endpoint keeps its five values: a raw HTTP call
        sends every one, so a sixth would break existing callers)."""
        return service.ask(question, demo, x, session, audience, scope=getattr(request, "session_hash", None))

    @_as_gradio_error
    def api_parse(question: str, demo: str = "loan") -> dict:
        """The question as operations, filters and slots (no model is called)."""
        return service.parse(question, demo)

    return [api_explain, api_ask, api_parse]


# ---- the page ------------------------------------------------------------------------------------

class PageHandlers:
    """What the page's events do; each turns any failure into a message on the page.

    Answer at once, then refine: an answer is shown as its verified templates (charts and
    evidence at once too), and a chained event (``refine``) waits for the LLM's rewording, done in
    the background by the Service, and puts it in place of that answer's message, only if the
    message still shows what it showed. The chat history is one list per browser tab, changed in
    place (never replaced), so a rewording that arrives while a newer answer streams edits the
    list both events show.
    """

    def __init__(self, service: Service):
        self.service = service
        self._refinements: OrderedDict[str, Refinement] = OrderedDict()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # guards _refinements and every in-place edit of a history

    def respond(self, message, history, demo, row_id, row_table, text, photo, upload, audience, session,
                operator=""):
        """Stream the answer into the chat, then draw its pictures."""

        # The history lives in the session (a State), never read back from the client, so a
        # client cannot feed the page messages it would then fail to show. It is changed in place
        # (see the class doc): a rewording may edit an earlier message while this one streams.
        history = history if isinstance(history, list) else []
        session = self._key(session)
        skips = (gr.skip(),) * 5  # evidence, words, chart, overlay, box: unchanged while streaming
        with self._lock:
            del history[:-MAX_HISTORY]
            # Shown as typed: escaped, so "<script>" reads as text and never runs.
            history.append({"role": "user", "content": html.escape(displayable(message or ""))})
            mine = {"role": "assistant", "content": "…"}
            history.append(mine)
        # The box is cleared once, here; later updates leave it alone, so a next question being
        # typed while this answer streams is not wiped.
        yield history, history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), "", session, ""
        sentences: queue.Queue = queue.Queue()
        result: dict = {}
        refinement = Refinement()
        threading.Thread(target=self._work, args=(message, demo, row_id, row_table, text, photo, upload, audience,
                                                  session, sentences, result, operator, refinement.put),
                         daemon=True).start()
        streamed = []
        while (s := sentences.get()) is not None:
            if isinstance(s, PreviewLine):  # until the first verified sentence (ui/preview.py)
                mine["content"] = s.html
                yield history, history, *skips, session, gr.skip()
                continue
            streamed.append(s)
            mine["content"] = html.escape(displayable(" ".join(streamed)))
            yield history, history, *skips, session, gr.skip()
        if "error" in result:
            mine["content"] = html.escape(displayable(result["error"]))
            yield history, history, *skips, session, ""
            return
        answer, x = result["answer"], result["x"]
        mine["content"] = shown_text(answer.text)
        ticket = self._waiting(refinement, mine)
        try:
            words, chart, overlay = self._pictures(answer, x)
        except Exception:  # noqa: BLE001 - a picture that cannot be drawn never hides the answer
            logging.getLogger(__name__).exception("drawing the answer's pictures")
            words = chart = overlay = gr.skip()
        yield history, history, evidence_panel(answer), words, chart, overlay, gr.skip(), session, ticket

    def _pictures(self, answer, x):
        """(highlighted words, chart, heatmap overlay) for an answer, or gr.skip() where none fits."""
        from .visuals import (
            cohort_chart,
            contribution_chart,
            heatmap_overlay,
            highlighted_words_html,
            record_picture,
        )

        ev = answer.evidence
        ev = getattr(ev, "evidence", None) if ev is not None and not hasattr(ev, "attributions") else ev
        words = highlighted_words_html(ev) if ev is not None else gr.skip()
        chart = contribution_chart(ev) if ev is not None else gr.skip()
        cohort = next((p.figures for p in answer.parts if p.op == "top_features" and (p.figures or {}).get("mean_abs")),
                      None)
        if ev is None and cohort is not None:
            chart = cohort_chart(cohort)
        # Effects and group comparisons are easier to look at than to read: their chart replaces
        # the contributions chart (the label says which picture it is).
        view = next((pic for p in answer.parts if p.evidence is not None
                     and (pic := record_picture(p.evidence)) is not None), None)
        if view is not None:
            chart = gr.update(value=view[1], label=view[0])
        elif ev is not None or cohort is not None:
            chart = gr.update(value=chart, label="Contributions")
        overlay = heatmap_overlay(ev, x) if ev is not None and ev.kind == "image" and x is not None else gr.skip()
        return words, chart, overlay

    def _waiting(self, refinement: Refinement, message: dict) -> str:
        """Keep ``refinement`` for the chained ``refine`` event; its ticket (a State value)."""
        refinement.message, refinement.shown = message, message["content"]
        with self._lock:
            ticket = f"r{next(self._ids)}"
            self._refinements[ticket] = refinement
            while len(self._refinements) > MAX_WAITING:  # tickets of pages that went away
                self._refinements.popitem(last=False)
        return ticket

    async def refine(self, ticket, history):
        """Wait (without holding a worker thread) for the last answer's rewording and put it in
        place of the message that showed the answer, if that message still shows it."""
        with self._lock:
            refinement = self._refinements.pop(ticket, None) if isinstance(ticket, str) else None
        if refinement is None or not isinstance(history, list):
            return gr.skip(), gr.skip()
        deadline = time.monotonic() + self.service.refiner.seconds + REFINE_GRACE_S
        while not refinement.done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        revised, message = refinement.answer, refinement.message
        if revised is None or message is None:
            return gr.skip(), gr.skip()
        with self._lock:
            if message.get("content") != refinement.shown or not any(m is message for m in history):
                return gr.skip(), gr.skip()  # the chat was cleared or moved on: never overwrite
            message["content"] = shown_text(revised.text)
        return history, history

    def _work(self, message, demo, row_id, row_table, text, photo, upload, audience, session, sentences, result,
              operator="", refine=None):
        """The answer, computed off the event loop; its sentences go to ``sentences`` as verified,
        and its rewording, later, to ``refine`` (see ``Service.answer``)."""
        from ..service import requests

        try:
            ex, assistant = self.service.model(demo, owner=session)
            if is_long_work(ex, True):  # any question to a text or photo model may explain one
                lower_this_thread()  # this thread is the request's own: quick questions go first
            x, before = self.service.page_input(ex, row_id, row_table, text, photo, upload)
            q, aud, who = requests.question(message), requests.audience(audience), requests.operator(operator)
            if before:
                sentences.put(" ".join(before))
            elif (preview := preview_line(ex, x)) is not None:
                sentences.put(preview)
            result["answer"] = self.service.answer(assistant, q, x, session, aud,
                                                   on_sentence=lambda s: sentences.put(s.text), before=before,
                                                   source="app", operator=who, refine=refine)
            result["x"] = x if ex.kind == "image" else None  # the photo, for the heatmap overlay
        except Exception as exc:  # noqa: BLE001 - the page shows a message, the log keeps the traceback
            result["error"] = as_service_error(exc, "answering the question").message
        sentences.put(None)

    def load_row(self, demo, row_id, session=None):
        try:
            ex, _ = self.service.model(demo, owner=session if is_key(session) else None)
            return table_rows(ex, row_id)
        except (ExplainerInputError, KeyError, ValueError, OverflowError, ServiceError):
            return None

    def switch(self, demo, session=None, history=None):
        kind = {"loan": "tabular", "text": "text", "image": "image"}.get(demo)
        if kind is None:
            try:
                kind = self.service.model(demo, owner=session if is_key(session) else None)[0].kind
            except (ExplainerInputError, ServiceError):
                kind = "tabular"
        return (gr.update(visible=kind == "tabular"), gr.update(visible=kind == "text"),
                gr.update(visible=kind == "image"),
                gr.update(samples=[[q] for q in EXAMPLES.get(demo, EXAMPLES["loan"])]),
                *self._cleared(history), None, None, gr.update(value=None, visible=kind == "image"),
                gr.update(value="", visible=kind == "text"))

    def bring_own(self, csv_file, model_file, target, hf_dir, session):
        session = self._key(session)
        try:
            message = self.service.load_custom(session, csv_file, model_file, target, hf_dir)
        except ServiceError as err:
            return html.escape(displayable(err.message)), gr.update(), session
        return (html.escape(displayable(message) + " Pick “custom” above and ask away."),
                gr.update(choices=self.service.model_names(session), value="custom"), session)

    def _cleared(self, history: Any) -> tuple[list, list]:
        """The chat emptied in place (a rewording still on its way finds its message gone)."""
        if not isinstance(history, list):
            return [], []
        with self._lock:
            history.clear()
        return history, history

    def new_session(self, session):
        return self._key(session)

    def _key(self, session: Any) -> str:
        """The page's conversation key: the one the browser kept, if it is a key the server could
        have made, else a new one (a value a client wrote there is never taken as a key)."""
        return session if is_key(session) else self.service.keys.new()


MAX_HISTORY = 200  # messages kept in a session's chat
MAX_WAITING = 1000  # answers waiting for their rewording, across pages
REFINE_GRACE_S = 5.0  # how much longer than the rewording's own limit the page waits for it


def _layout(title: str, browser_secret: str) -> SimpleNamespace:
    """The page's components, placed; no behaviour."""
    from ..explainer import Explainer

    p = SimpleNamespace()
    # The conversation key lives in the browser (localStorage), so a reload or a server restart
    # continues the conversation; the history shown is the session's own.
    p.session = gr.BrowserState("", storage_key="explainer-nlg-session", secret=browser_secret)
    p.history = gr.State([])
    p.ticket = gr.State("")  # the last answer's rewording, awaited by the chained refine event
    gr.Markdown(f"## {html.escape(title)}\nEvery sentence about a prediction comes from computed evidence "
                "(Shapley values, Grad-CAM, counterfactual search) and is checked against it.")
    with gr.Row():
        with gr.Column(scale=3):
            p.chat = gr.Chatbot(label="Chat", height=460, elem_id="chat", sanitize_html=True)
            with gr.Row():
                p.box = gr.Textbox(placeholder="Ask: why was 17 denied? what could change it?", show_label=False,
                                   scale=5, elem_id="question")
                p.send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
            p.examples = gr.Dataset(components=[p.box], samples=[[q] for q in EXAMPLES["loan"]],
                                    label="Example questions (click one)")
            with gr.Row():
                p.audience = gr.Radio(["customer", "support", "developer"], value="customer", label="Audience",
                                      scale=3)
                p.operator = gr.Textbox(label="Asked by (staff name, optional: kept with each answer on the record)",
                                        max_length=200, elem_id="operator", scale=2)
            with gr.Accordion("Evidence: the numbers behind the last answer", open=False):
                p.evidence = gr.JSON(label="evidence")
        with gr.Column(scale=2):
            p.demo = gr.Radio(list(DEMOS), value="loan", label="Model")
            with gr.Group(visible=True) as p.table_panel:
                p.row_id = gr.Number(value=17, precision=0, label="Row id")
                # type="array": the edited cells reach the handler as plain lists. As a pandas
                # frame (pyarrow strings), a cell holding a lone surrogate failed inside Gradio,
                # before any handler could say what was wrong with it.
                p.row_table = gr.Dataframe(headers=["feature", "value"], interactive=True, type="array",
                                           label="Its fields (edit a value to ask about a changed applicant)")
            with gr.Group(visible=False) as p.text_panel:
                p.text = gr.Textbox(value=DEFAULT_TEXT, lines=3, label="Message")
            with gr.Group(visible=False) as p.image_panel:
                p.photo = gr.Dropdown(Explainer.demo_sample_names("image"), value="chelsea", label="Sample photo")
                # A file, not gr.Image: the app decodes it, within its pixel limit, and says what is
                # wrong with a file that is no image (gr.Image would decode it first, unchecked).
                p.upload = gr.File(label="…or upload a photo", file_types=["image"], type="filepath")
            p.words = gr.HTML(label="Words by contribution", visible=False)
            p.chart = gr.Image(label="Contributions", type="pil", interactive=False, elem_id="chart")
            p.overlay = gr.Image(label="Heatmap (Grad-CAM)", type="pil", interactive=False, visible=False)
            with gr.Accordion("Bring your own model", open=False):
                p.csv_file = gr.File(label="Data (CSV)", file_types=[".csv"], type="filepath")
                p.model_file = gr.File(label="Fitted scikit-learn model saved with skops (.skops)", type="filepath")
                p.target = gr.Textbox(label="Target column in the CSV (optional)")
                p.hf_dir = gr.Textbox(label="…or a Hugging Face model folder in the folder the operator allows")
                p.load_btn = gr.Button("Load")
                p.byo_status = gr.Markdown()
    return p


def _wire(app, p: SimpleNamespace, page: PageHandlers, concurrency: int) -> None:
    """The page's events (none of them public API endpoints)."""
    inputs = [p.box, p.history, p.demo, p.row_id, p.row_table, p.text, p.photo, p.upload, p.audience, p.session,
              p.operator]
    outputs = [p.chat, p.history, p.evidence, p.words, p.chart, p.overlay, p.box, p.session, p.ticket]
    # A question sent while an answer is still streaming runs after it ("always_last"), rather
    # than being dropped, which is what Gradio's default ("once") does. The rewording is awaited by
    # a chained event of its own (async: it holds no worker), so the next question never waits
    # for it.
    for trigger in (p.send.click, p.box.submit):
        trigger(page.respond, inputs, outputs, api_visibility="private", trigger_mode="always_last",
                concurrency_limit=concurrency, concurrency_id="respond").then(
            page.refine, [p.ticket, p.history], [p.chat, p.history], api_visibility="private",
            show_progress="hidden", concurrency_limit=None)
    p.examples.click(lambda s: s[0], p.examples, p.box, api_visibility="private")
    p.row_id.change(page.load_row, [p.demo, p.row_id, p.session], p.row_table, api_visibility="private")
    p.demo.change(page.switch, [p.demo, p.session, p.history],
                  [p.table_panel, p.text_panel, p.image_panel, p.examples, p.chat, p.history, p.evidence, p.chart,
                   p.overlay, p.words], api_visibility="private")
    p.load_btn.click(page.bring_own, [p.csv_file, p.model_file, p.target, p.hf_dir, p.session],
                     [p.byo_status, p.demo, p.session], api_visibility="private", concurrency_limit=2)
    app.load(page.new_session, p.session, p.session, api_visibility="private")
    app.load(page.load_row, [p.demo, p.row_id, p.session], p.row_table, api_visibility="private")
