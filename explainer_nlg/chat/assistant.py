"""The chat assistant: parse a question, resolve it against the session's state, run the handlers.

>>> from explainer_nlg import Explainer
>>> ex = Explainer.demo("loan")
>>> a = Assistant(ex, budget=256)
>>> r = a.ask("why was 17 denied?", session="ann")
>>> r.parsed["ops"][0]["op"], r.parsed["instance"], r.evidence.predicted_label
('why', 17, 'good')
>>> a.ask("and what about the next one?", session="ann").parsed["resolved"]["instance"]
18
>>> a.ask("how many applicants are older than 60?").text
'106 of 4454 applicants match (Age > 60). The model predicts “bad” for 16, “good” for 90.'
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from typing import Any

from ..errors import ExplainerInputError
from ..recent import Recent
from . import dialogue, registry
from .cohort import Table
from .operations import Context
from .parser import parse
from .reply import ChatAnswer, OpResult
from .schema import ChatSchema

AUDIENCES = ("customer", "support", "developer")
DEFAULT_AUDIT = object()  # "the configured audit log", as opposed to None: no log


class Assistant:
    """Answers chat questions about one explainer's predictions, with per-session dialogue state."""

    def __init__(self, ex: Any, llm: Any = None, budget: int | None = None, max_sessions: int = 1000,
                 settle_with_llm: bool | None = None, sessions: Any = None, audit: Any = DEFAULT_AUDIT):
        """``llm``: the local LLM that rewords narration. ``settle_with_llm``: also let it pick an
        operation where the parser would ask which reading is meant (off by default: the question
        back is the honest answer; ``EXPLAINER_NLG_LLM_PARSE=1`` turns it on, for the app too).
        ``sessions``: the SessionStore to keep dialogue state in (default: one in memory; the app
        passes one saved in the store, so conversations survive a restart).
        ``audit``: the AuditLog every answer is appended to (default: ``AuditLog.at()``, the
        ``EXPLAINER_NLG_AUDIT`` database; None: answers are not recorded)."""
        from .state import SessionStore

        self.ex = ex
        self.llm = llm
        if settle_with_llm is None:
            settle_with_llm = os.environ.get("EXPLAINER_NLG_LLM_PARSE", "") == "1"
        self.settle_with_llm = settle_with_llm
        self.budget = budget
        self.schema = ChatSchema.from_explainer(ex)
        self.sessions = sessions if sessions is not None else SessionStore(max_sessions)
        if audit is DEFAULT_AUDIT:
            from ..store.audit import AuditLog

            audit = AuditLog.at()
        self.audit = audit
        self._table: Table | None = None
        self._evidence = Recent(64)
        self._cohorts = Recent(16)
        self._parses = Recent(512)

    # ---- computed things, cached ---------------------------------------------------------

    def table(self) -> Table:
        if self._table is None:
            self._table = Table(self.ex)
        return self._table

    def key_of(self, x: Any) -> Any:
        """What identifies an input across turns (a row id, a row's values, a photo's bytes)."""
        if isinstance(x, (int, str)) or x is None:
            return x
        if isinstance(x, dict):
            return tuple(sorted((k, str(v)) for k, v in x.items()))
        if hasattr(x, "tobytes"):  # an image array: the same photo uploaded twice is one input
            import hashlib

            return hashlib.sha1(x.tobytes()).hexdigest()
        return id(x)

    def load_input(self, x: Any) -> Any:
        """Sample names (the image demo's "chelsea") become the input; other inputs pass through."""
        if isinstance(x, str) and x in self.ex.sample_names:
            return self.ex.sample(x)
        if self.ex.kind == "tabular" and isinstance(x, str) and x.strip().isdigit():
            return int(x)
        return x

    def evidence(self, x: Any, target: Any = None):
        """Evidence for ``x`` (cached per input and target: follow-ups do not recompute)."""
        key = (self.key_of(x), target)
        hit = self._evidence.get(key)
        if hit is not None:
            return hit
        ev = self.ex.explain(x, target, self.budget)
        self._evidence.put(key, ev)
        return ev

    def has_evidence(self, x: Any, target: Any = None) -> bool:
        """Whether ``evidence(x, target)`` is cached (a follow-up about the same input)."""
        return (self.key_of(x), target) in self._evidence

    def remember_evidence(self, x: Any, evidence: Any, target: Any = None) -> None:
        """Cache ``evidence`` as ``evidence(x, target)``: computed elsewhere (a worker process) for
        exactly this input, target and budget."""
        self._evidence.put((self.key_of(x), target), evidence)

    def cohort_importance(self, filters: list[dict]):
        """Mean Shapley values over the rows ``filters`` select (cached per filter: a follow-up
        about the same group does not recompute). See ``Explainer.cohort_importance``."""
        return self._cohort("importance", filters, lambda ids: self.ex.cohort_importance(ids, budget=self.budget))

    def cohort_interactions(self, filters: list[dict]):
        """Mean |SHAP interaction value| per feature pair over the filtered rows, or None for a
        model shap has no interaction values for (cached per filter)."""
        return self._cohort("interactions", filters, self.ex.cohort_interactions)

    def _cohort(self, what: str, filters: list[dict], compute: Callable) -> Any:
        key = (what, repr(sorted(sorted(f.items()) for f in filters or [])))
        missing = object()  # None is a result here (no interaction values for this model)
        result = self._cohorts.get(key, missing)
        if result is missing:
            result = compute(list(self.table().filter(filters).index))
            self._cohorts.put(key, result)
        return result

    def predict(self, x: Any) -> dict[str, float]:
        return self.ex.predict(x)

    def counterfactuals(self, x: Any, target: Any = None, k: int = 3):
        return self.ex.counterfactuals(x, target=target, k=k)

    def row_of(self, x: Any) -> dict:
        if isinstance(x, dict):
            return x
        return self.ex.rows().loc[x].to_dict()

    # ---- the conversation ----------------------------------------------------------------

    def parse(self, question: Any) -> dict:
        """The question as a plain dict of operations, filters and slots (see ``chat.parser``).
        With ``settle_with_llm`` and an LLM that can choose under a grammar, the LLM settles the
        questions the parser is unsure of (``chat.fallback``).

        A parse depends on the words and the schema only (the conversation is read afterwards), so
        the last 512 are kept: many visitors ask the same questions ("how confident is it?", the
        page's examples), and a parse is most of a quick answer's CPU. Not with an LLM settling."""
        if self.settle_with_llm and self.llm is not None or not isinstance(question, str):
            return parse(question, self.schema, llm=self.llm if self.settle_with_llm else None)
        hit = self._parses.get(question)
        if hit is None:
            hit = parse(question, self.schema)
            self._parses.put(question, hit)
        return copy.deepcopy(hit)  # callers fill in the conversation's row and filters

    def ask(self, question: Any, x: Any = None, session: str = "default", audience: str = "customer",
            on_sentence: Callable | None = None, record: bool = True, operator: str | None = None,
            defer: list | None = None) -> ChatAnswer:
        """Answer one message. ``x``: the input to talk about (default: the session's current one);
        ``session``: whose conversation this is; ``audience``: customer, support or developer;
        ``on_sentence``: receives each narrated sentence as soon as it is verified. The answer is
        appended to the audit log (``record=False``: the caller records it, as the Service does
        once it has added its notes); ``operator``: who asked on someone's behalf, for the record.
        ``defer``: a list; where given, the LLM is not waited for: the narrations are their
        templates and their rewordings are left in ``defer`` for later (``narrate``'s ``defer``)."""
        answer = self._ask(question, x, session, audience, on_sentence, defer)
        return self.record(answer, question, source="python", operator=operator, audience=audience) if record else answer

    def record(self, answer: ChatAnswer, question: Any, source: str, operator: str | None = None,
               audience: str = "", kind: str = "answer", revises: int | None = None) -> ChatAnswer:
        """Append ``answer`` (as it is shown) to the audit log; see ``chat.recording``."""
        from .recording import record_answer

        return record_answer(self.audit, self.ex, answer, question=str(question), source=source,
                             operator=operator, audience=audience, kind=kind, revises=revises)

    def _ask(self, question: Any, x: Any, session: str, audience: str, on_sentence: Callable | None,
             defer: list | None = None) -> ChatAnswer:
        t0 = time.perf_counter()
        audience = audience if audience in AUDIENCES else "customer"
        state = self.sessions.get(session)
        try:
            parsed = self.parse(question)
        except ExplainerInputError as err:  # text that cannot be read (a lone surrogate): say where
            parsed = {"question": "", "ops": [{"op": "unsupported", "reason": "unreadable"}], "filters": [],
                      "instance": None, "followup": False, "ref": None, "confidence": 0.0}
            return ChatAnswer(str(err), parsed, (OpResult("unsupported", str(err)),), str(session),
                              time.perf_counter() - t0)
        parsed = dialogue.pick_choice(question, parsed, state)
        state.pending = []
        try:
            turn = dialogue.resolve(self, parsed, state, x)
        except ExplainerInputError as err:  # e.g. a row id that does not exist: the state stays as it was
            return ChatAnswer(str(err), parsed, (OpResult("unsupported", str(err)),), str(session),
                              time.perf_counter() - t0)
        parsed["resolved"] = turn.resolved
        if turn.ask:
            state.pending = turn.choices
            state.turns += 1
            # the conversation asked back ("which of the listed rows?"): the record says so, as it
            # does where the parser itself was unsure
            parsed["clarify"] = parsed.get("clarify") or list(turn.choices)
            listing = "\n".join(f"{i}. {c['label']}" for i, c in enumerate(turn.choices, 1))
            text = f"{turn.ask}\n{listing}\n(Reply with a number, or ask in other words.)"
            return ChatAnswer(text, parsed, (OpResult("clarify", text, figures={"choices": turn.choices}),),
                              str(session), time.perf_counter() - t0, tuple(turn.choices))
        parts: list[OpResult] = []
        ids_before = list(state.ids)
        for slots in turn.ops:
            ctx = Context(self, state, slots, turn.filters, turn.x, audience, on_sentence,
                          question=parsed.get("question", ""), deferred=defer)
            try:
                parts.append(registry.handlers()[slots["op"]](ctx))
            except ExplainerInputError as err:
                parts.append(OpResult(slots["op"], str(err)))
            except Exception as err:  # noqa: BLE001 - a chat never shows a traceback; say what failed
                parts.append(OpResult(slots["op"], f"Sorry, I could not compute that ({type(err).__name__}: "
                                                   f"{str(err)[:200]})."))
        if state.ids != ids_before:
            state.listed_at = state.turns
        real = [o for o in turn.ops if o["op"] not in ("unsupported", "help")]
        if real:
            state.ops = [dict(o) for o in real]
            state.filters = turn.filters
        if parsed.get("correction") and any(p.op == "what_if" and getattr(p.evidence, "new_input", None) for p in parts):
            edited = next(p.evidence.new_input for p in parts if p.op == "what_if")
            state.x = edited.get("row", state.x) if isinstance(edited, dict) else state.x
            if state.instance is None and state.described:  # a described person, corrected: the values given now
                for o in turn.ops:
                    for c in o.get("changes") or []:
                        if c.get("action") == "set":
                            state.described[c["feature"]] = c["value"]
        feats = [f for o in turn.ops for f in o.get("features", [])]
        if feats:
            state.features = feats
        state.turns += 1
        self.sessions.save(session, state)
        text = "\n\n".join(p.text for p in parts)
        if turn.notes:
            text = " ".join(turn.notes) + "\n\n" + text
        overall = {o["op"] for o in turn.ops if o.get("scope") == "global"}  # "what matters most overall"
        about = self._about_row([p for p in parts if p.op not in overall], turn.filters, turn.x)
        if about and about.lower() not in text.lower():
            text = f"About {about}: {text}"  # first, so a misread number shows at once
        return ChatAnswer(text, parsed, tuple(parts), str(session), time.perf_counter() - t0, input=turn.x)

    def _about_row(self, parts: list[OpResult], filters: list[dict], x: Any) -> str | None:
        """'row 17' where the answer is about one row of the table given by its id."""
        if self.ex.kind != "tabular" or isinstance(x, bool) or not isinstance(x, int):
            return None
        one_row = {"predict", "why", "why_not", "confidence", "counterfactual", "what_if"}
        cohort = [p for p in parts if p.op == "predict" and "positive_rate" in (p.figures or {})]  # a group's likelihood
        listed = [p for p in parts if p.op == "show" and (p.figures or {}).get("ids") is not None]  # rows listed, not this one
        if any(p not in cohort and p not in listed and (p.op in one_row or (p.op in ("show", "top_features") and not filters))
               for p in parts):
            return f"row {x}"
        return None
