"""The service behind every shell: the models it serves, who owns which, and one call per request.

The Gradio page and its HTTP API call this; a REST API can mount the same calls. Nothing here
imports Gradio. Every request method is guarded: it returns data or raises a ServiceError with a
message and a status (see ``service.errors``). Every explanation runs under a time and call
budget (``attribution.limits``); over it, the answer says what was computed and how sure it is.

>>> svc = Service(store=False)
>>> r = svc.ask("why was 17 denied?", "loan", "", "", "customer")
>>> r["text"].startswith("About row 17:"), r["session"].startswith("s-")
(True, True)
>>> svc.ask("and the next one?", "loan", "", r["session"], "customer")["parsed"]["resolved"]["instance"]
18
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import ExplainerInputError
from ..narrate.llm_refine import REFINE_SECONDS
from . import requests
from .custom_models import UploadPolicy, load_custom
from .errors import guarded
from .evidence_workers import EvidenceWorkers
from .images import DecodedImages, ImageSources, gradio_upload_root
from .json_data import json_safe
from .llm_slot import SharedLLM
from .priority import is_long_work, run_low
from .record_requests import RecordRequests
from .refinement import Job, Refiner
from .rows import edit_note, edited_row, row_warnings
from .sessions import OwnedModels, SessionKeys

DEMOS = ("loan", "house", "text", "image")
SECONDS_PER_ANSWER = 8.0   # time budget of one explanation; past it the answer says what it computed
CALLS_PER_ANSWER = 2000    # call budget of one explanation (coalitions; whole texts; images)
STATE_DAYS = 30            # saved conversations unused this long are dropped at start
# Evidence notes every reader must see, whatever the audience: budgets, passages, truncation.
SHOWN_NOTES = ("The explanation stopped", "The text has", "The text is longer than the model reads")


class Service(RecordRequests):
    """The models the app serves (demos load on first use) and one call per endpoint (what-if,
    counterfactuals, narrate, verify and the model list come from ``record_requests``).

    ``explainers``: models the operator adds (shared by every visitor). ``budget``: most model calls
    per explanation (default: each explainer's own choice). ``seconds`` / ``calls``: the time and
    call budget of one explanation. ``policy``: what uploads may be (pickles off by default).
    ``image_folder``: the one folder the API may read images from by name. ``store``: a SQLAlchemy
    URL for saved conversations (None: the default store; False: memory only). ``audit``: where
    every answer is recorded: an AuditLog or a URL; None: the store's database when ``store`` is
    a URL, else the default audit log (``EXPLAINER_NLG_AUDIT``); False, or ``store=False``: not
    recorded. ``refine_seconds``: how long after an answer the page still shows the LLM's
    rewording of it (``answer(refine=...)``). ``evidence_workers``: explain texts and photos in
    worker processes (``evidence_workers.py``; the app turns this on), not in this process;
    ``on_status`` hears when each worker is ready.
    """

    def __init__(self, explainers: dict[str, Any] | None = None, llm: Any = None, budget: int | None = None, *,
                 seconds: float | None = SECONDS_PER_ANSWER, calls: int | None = CALLS_PER_ANSWER,
                 policy: UploadPolicy | None = None, image_folder: str | None = None,
                 upload_roots: tuple | None = None, store: str | bool | None = None,
                 owned_ttl_s: float = 3600.0, max_owned: int = 8, audit: Any = None,
                 refine_seconds: float = REFINE_SECONDS, evidence_workers: bool = False,
                 on_status: Callable[[str], None] | None = None):
        self._explainers: dict[str, Any] = dict(explainers or {})
        self._assistants: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self.llm, self.budget, self.seconds, self.calls = llm, budget, seconds, calls
        # What answers use: the LLM when it is free, never a wait behind another session's rewording.
        self.refiner = Refiner(refine_seconds)
        self.shared_llm = SharedLLM(llm, busy=self.refiner.busy) if llm is not None else None
        self.policy = policy or UploadPolicy()
        self.images = ImageSources(image_folder, upload_roots if upload_roots is not None else (gradio_upload_root(),))
        self.decoded = DecodedImages()
        self.keys = SessionKeys()
        self.owned = OwnedModels(owned_ttl_s, max_owned)
        self._engine = None
        if store is not False:
            from ..store import make_engine

            self._engine = make_engine(store if isinstance(store, str) else None)
        self.audit = _audit_log(audit, store)
        self.workers = EvidenceWorkers(enabled=evidence_workers, on_status=on_status)

    # ---- models ---------------------------------------------------------------------------

    def model(self, demo: str, owner: str | None = None) -> tuple[Any, Any]:
        """(explainer, its Assistant) for a model name; "custom" finds the owner's upload first."""
        name = requests.demo_name(demo)
        mine = self.owned.get(owner) if name == "custom" else None
        if mine is not None:
            return mine
        with self._lock:
            if name in self._assistants:
                return self._explainers[name], self._assistants[name]
            if name not in self._explainers and name not in DEMOS:
                known = ", ".join(sorted(set(DEMOS) | set(self._explainers)))
                raise ExplainerInputError(f"There is no model {name!r} loaded. Models: {known}.")
            loading = self._loading.setdefault(name, threading.Lock())
        # A demo loads once, under its own lock: loading the text model (a minute on first use)
        # does not hold up requests for the models already loaded.
        with loading:
            with self._lock:
                if name in self._assistants:
                    return self._explainers[name], self._assistants[name]
                ex = self._explainers.get(name)
            built_demo = ex is None
            if built_demo:
                from ..explainer import Explainer

                ex = Explainer.demo(name)
            assistant = self._assistant(ex, self._session_store(name))
            with self._lock:
                self._explainers[name], self._assistants[name] = ex, assistant
            self.workers.start(ex, demo=name if built_demo else None)
            return ex, assistant

    def model_names(self, owner: str | None = None) -> list[str]:
        names = list(DEMOS) + [n for n in self._explainers if n not in DEMOS]
        if self.owned.get(owner) is not None and "custom" not in names:
            names.append("custom")
        return names

    def _assistant(self, ex: Any, sessions: Any = None) -> Any:
        from ..chat.assistant import Assistant

        return Assistant(ex, llm=self.shared_llm, budget=self.budget, sessions=sessions, audit=self.audit)

    def browser_secret(self) -> str:
        """The key Gradio's BrowserState obscures the page's session key with in localStorage.
        It is not a secret from the visitor (Gradio sends it to the page); it is kept in the store
        so a restarted app still reads what the browser kept."""
        import secrets

        if self._engine is None:
            return secrets.token_hex(16)
        from ..store import JsonRecords

        records = JsonRecords(self._engine, "app")
        saved = records.load("browser-state") or {}
        if not saved.get("secret"):
            saved = {"secret": secrets.token_hex(16)}
            records.save("browser-state", saved)
        return saved["secret"]

    def _session_store(self, name: str) -> Any:
        from ..chat.state import SessionStore

        if self._engine is None:
            return SessionStore()
        from ..store import JsonRecords

        records = JsonRecords(self._engine, f"dialogue/{name}")
        records.prune(STATE_DAYS * 86400)
        return SessionStore(backend=records)

    @guarded("loading your model")
    def load_custom(self, owner: str, csv_file: Any, model_file: Any, target: str | None, hf_dir: str | None) -> str:
        """Load an uploaded model for ``owner`` only; returns the message to show."""
        ex, message = load_custom(csv_file, model_file, target, hf_dir, self.policy)
        self.owned.put(owner, (ex, self._assistant(ex)))
        return message

    # ---- inputs ---------------------------------------------------------------------------

    def input_for(self, ex: Any, x: Any) -> Any:
        """An API ``x`` -> what the explainer takes (a row id or row, a text, an image array)."""
        if ex.kind == "tabular":
            xi = requests.table_x(x)
            if isinstance(xi, dict):
                ex.schema.validate_row(xi)  # columns, categories, types: the schema's own messages
                row_warnings(ex, xi)  # a value far outside its column is refused here, by name
            return xi
        if ex.kind == "text":
            return requests.text_x(x)
        text = requests.text_field(x, "x").strip()
        if not text:
            return None
        return self.decoded.load(self.images.resolve(text, ex))

    def _compute(self, ex: Any, x: Any, work: Callable[[], Any]) -> Any:
        """``work()`` within the per-answer time and call budget. A text's or photo's explanation
        takes seconds: it yields the CPU to quick questions (priority.py). Every answer counts as
        busy while it is computed: the LLM's background rewording pauses for it, and an inline
        rewording (a long answer's above all: seconds of the app's CPU) runs only while its answer
        is the only one in progress (llm_slot.py)."""
        from ..attribution.limits import explain_limits

        def budgeted() -> Any:
            with explain_limits(self.seconds, self.calls):
                return work()

        with self.refiner.busy:
            return run_low(budgeted) if is_long_work(ex, x) else budgeted()

    def _evidence_elsewhere(self, assistant: Any, x: Any) -> None:
        """For a text or photo, the explanation most questions about it need, computed by the
        model's worker process (``evidence_workers``) and cached in the assistant, so that the
        answer's own work in this process is short. Without a ready worker: nothing (the answer
        computes it in this process, on a low-priority thread)."""
        if (not is_long_work(assistant.ex, x) or self.workers.worker_pid(assistant.ex) is None
                or assistant.has_evidence(x)):
            return
        ev = self.workers.evidence(assistant.ex, x, None, assistant.budget, self.seconds, self.calls)
        if ev is not None:
            assistant.remember_evidence(x, ev)

    def _input(self, ex: Any, x: Any) -> Any:
        """``input_for``, on a low-priority thread for a text or photo model: decoding a large photo
        takes seconds of CPU that quick questions should not wait for."""
        return run_low(self.input_for, ex, x) if is_long_work(ex, x) else self.input_for(ex, x)

    def page_input(self, ex: Any, row_id: Any, row_table: Any, text: Any, photo: Any, upload: Any) -> tuple[Any, list[str]]:
        """The page panel's input and the lines said before the answer (an edited row's changes
        and its warnings)."""
        if ex.kind == "tabular":
            rid = requests.table_x(row_id) if row_id not in (None, "") else None
            if isinstance(rid, dict):
                raise ExplainerInputError("The applicant row id must be a whole number.")
            x = edited_row(ex, rid, row_table)
            if isinstance(x, dict):
                return x, [edit_note(ex, rid, x), *row_warnings(ex, x)]
            return x, []
        if ex.kind == "text":
            return requests.text_x(text), []
        if upload:  # a path Gradio wrote for this upload; decoded here, within the pixel limit
            return self.decoded.load(str(upload)), []
        return self.decoded.load(self.images.resolve(photo or (ex.sample_names or [""])[0], ex)), []

    # ---- requests -------------------------------------------------------------------------

    @guarded("answering the question")
    def ask(self, question: Any, demo: Any = "loan", x: Any = "", session: Any = "", audience: Any = "customer",
            scope: str | None = None, operator: Any = None) -> dict:
        """A chat answer as JSON-ready data; ``session`` (a key, a name or "") names the conversation,
        and the answer's ``session`` is the key that continues it. ``operator``: who asked on
        someone's behalf, kept with the answer in the audit log."""
        q, aud = requests.question(question), requests.audience(audience)
        operator = requests.operator(operator)
        key = self.keys.key(requests.session_name(session), scope)
        ex, assistant = self.model(demo, owner=key)
        xi = self._input(ex, x)
        before = row_warnings(ex, xi) if isinstance(xi, dict) else []
        answer = self.answer(assistant, q, xi, key, aud, before=before, source="api", operator=operator)
        return json_safe({**answer_dict(answer), "session": key})

    def answer(self, assistant: Any, question: str, x: Any, key: str, audience: str,
               on_sentence: Callable | None = None, before: list[str] | None = None,
               source: str = "app", operator: str | None = None,
               refine: Callable[[Any], None] | None = None) -> Any:
        """The Assistant's ChatAnswer within the time and call budget, with the notes every reader
        must see appended and ``before`` (an edited row's changes) put first; recorded, as shown,
        in the audit log (``source``: "app" or "api") before it is returned.

        ``refine``: answer at once, then refine (the page). The LLM is not waited for: the answer
        is its verified templates, and the Refiner rewords it in the background, within
        ``refine_seconds``; ``refine`` then receives the answer with each verified rewording in
        place of its template, already on the record as a "revision" of the first entry, or None
        (nothing reworded, too late, or the session asked something else meanwhile)."""
        turn = self.refiner.turn(key)  # the session's earlier rewordings are stale from now on
        pending: list | None = [] if refine is not None and self.llm is not None else None
        self._evidence_elsewhere(assistant, x)
        answer = self._compute(assistant.ex, x, lambda: assistant.ask(
            question, x=x, session=key, audience=audience, on_sentence=on_sentence, record=False, defer=pending))
        notes = shown_notes(answer)
        text = " ".join([*(before or []), answer.text, *notes])
        shown = assistant.record(dataclasses.replace(answer, text=text), question, source=source,
                                 operator=operator, audience=audience)
        if refine is not None:
            if not pending:
                refine(None)
            else:
                def done(revised: Any) -> None:
                    if revised is not None:
                        case = (shown.audit or {}).get("case")
                        revised = assistant.record(revised, question, source=source, operator=operator,
                                                   audience=audience, kind="revision" if case else "answer",
                                                   revises=case)
                    refine(revised)

                self.refiner.submit(Job(key, turn, shown, pending, time.monotonic() + self.refiner.seconds, done))
        return shown

    @guarded("explaining the input")
    def explain(self, demo: Any = "loan", x: Any = "17", audience: Any = "customer", owner: str | None = None) -> dict:
        from ..narrate import narrate

        aud = requests.audience(audience)
        ex, assistant = self.model(demo, owner=owner)
        xi = self._input(ex, x)
        if xi is None:
            raise ExplainerInputError("Give an input to explain (a row id, a message or a photo).")
        self._evidence_elsewhere(assistant, xi)
        ev = self._compute(ex, xi, lambda: assistant.evidence(xi))
        answer = narrate(ev, aud, llm=self.shared_llm, descriptions=ex.info.get("descriptions") or None)
        notes = [n for n in ev.notes if n.startswith(SHOWN_NOTES)]
        if isinstance(xi, dict):
            notes = row_warnings(ex, xi) + notes
        shown = self._record_explain(ex, " ".join([answer.text, *notes]), answer, ev, xi, owner, aud)
        return json_safe({"text": shown.text, "sentences": [s.__dict__ for s in answer.sentences],
                          "evidence": ev.to_dict(), "audit": shown.audit})

    def _record_explain(self, ex: Any, text: str, narration: Any, ev: Any, x: Any, owner: str | None,
                        audience: str) -> Any:
        """An /explain answer on the record, like a chat answer whose one operation is "explain"."""
        from ..chat.recording import record_answer
        from ..chat.reply import ChatAnswer, OpResult

        answer = ChatAnswer(text, {"question": "", "ops": [{"op": "explain"}]},
                            (OpResult("explain", narration.text, narration=narration, evidence=ev),),
                            str(owner or ""), input=x)
        return record_answer(self.audit, ex, answer, question="(explain request)", source="api",
                             audience=audience)

    @guarded("reading the question")
    def parse(self, question: Any, demo: Any = "loan") -> dict:
        _, assistant = self.model(demo)
        return json_safe(assistant.parse(requests.question(question)))


def _audit_log(audit: Any, store: Any) -> Any:
    """The AuditLog a Service records into (see ``Service``)."""
    from ..store.audit import AuditLog

    if audit is False or (audit is None and store is False):
        return None
    if isinstance(audit, AuditLog):
        return audit
    if isinstance(audit, str):
        return AuditLog.at(audit)
    return AuditLog.at(store if isinstance(store, str) else None)


def shown_notes(answer: Any) -> list[str]:
    """Evidence notes of an answer that every audience must read (budgets, passages, cut texts)."""
    out: list[str] = []
    for p in answer.parts:
        ev = p.evidence
        ev = getattr(ev, "evidence", None) if ev is not None and not hasattr(ev, "attributions") else ev
        for n in getattr(ev, "notes", None) or []:
            if n.startswith(SHOWN_NOTES) and n not in out:
                out.append(n)
    return out


def answer_dict(answer: Any) -> dict:
    """A ChatAnswer for the API (the 224x224 heatmap is left to /explain)."""
    d = answer.to_dict()
    for p in d["parts"]:
        ev = p.get("evidence")
        for holder in (ev, ev.get("evidence") if isinstance(ev, dict) else None):
            if isinstance(holder, dict) and holder.get("heatmap") is not None:
                holder["heatmap"] = "omitted here; /explain returns it"
        if p.get("narration"):
            p["narration"].pop("evidence", None)
    return d


def evidence_panel(answer: Any) -> dict:
    """The exact numbers behind an answer, for the page's accordion: per operation its figures and
    the evidence's probabilities and contributions."""
    out = {"parsed": {k: v for k, v in answer.parsed.items() if k not in ("question",)}, "operations": []}
    for p in answer.parts:
        item: dict[str, Any] = {"op": p.op, "figures": p.figures}
        ev = p.evidence
        ev = getattr(ev, "evidence", None) if ev is not None and not hasattr(ev, "attributions") else ev
        if ev is not None and hasattr(ev, "attributions"):
            item["evidence"] = {"predicted_label": ev.predicted_label, "probabilities": ev.probabilities,
                                "target_label": ev.target_label, "base_value": ev.base_value, "method": ev.method,
                                "model_calls": ev.n_evaluations, "faithfulness": ev.faithfulness,
                                "contributions": {a.name: round(a.contribution, 5) for a in ev.top(15)},
                                "notes": ev.notes}
        if p.narration is not None:
            item["sentences"] = [{"status": s.status, "reason": s.reason, "slot": s.slot} for s in p.narration.sentences]
        out["operations"].append(item)
    return json_safe(json.loads(json.dumps(out, default=str)))
