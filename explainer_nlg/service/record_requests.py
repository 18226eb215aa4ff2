"""The service's record requests: what-if, counterfactuals, narrate and verify a record, list models.

The chat page reaches these through questions; a REST client asks for them directly. They are a
mixin of ``Service`` (kept in their own file so the audit hooks on ``ask``/``explain`` and these
requests do not meet in one file). Each is guarded like the rest: a ServiceError with a message
that names the problem, or JSON-ready data.

>>> from explainer_nlg.service import Service
>>> svc = Service(store=False)
>>> w = svc.what_if("loan", 17, [{"feature": "Income", "action": "decrease", "value": 200}])
>>> w["what_if"]["changes"][0]["to"], "would still predict" in w["text"]
(130, True)
>>> svc.verify("The model predicted “bad”.", svc.explain("loan", 17)["evidence"])["all_true"]
False
"""

from __future__ import annotations

from typing import Any

from ..errors import ExplainerInputError
from . import requests
from .errors import TooLarge, guarded
from .json_data import json_safe

MAX_CHANGES = 20         # changes in one what-if request
MAX_COUNTERFACTUALS = 10  # k
MAX_CHANGED = 5          # max_changes of one counterfactual (the search grows fast past it)
MAX_VERIFY_CHARS = 20_000


class RecordRequests:
    """What-if, counterfactuals, narrate, verify and the model list (mixed into ``Service``, which
    provides ``model``, ``input_for``, ``llm``, ``seconds`` and ``calls``)."""

    @guarded("answering the what-if")
    def what_if(self, demo: Any = "loan", x: Any = "17", changes: Any = None, target: Any = None,
                audience: Any = "customer", owner: str | None = None) -> dict:
        """Apply ``changes`` (a list of change objects, see ``Explainer.what_if``) to ``x``, re-predict
        and explain; the record and its narration."""
        from ..attribution.limits import explain_limits

        aud = requests.audience(audience)
        ex, _ = self.model(demo, owner=owner)
        xi = self._required_input(ex, x)
        if not isinstance(changes, list) or not changes or not all(isinstance(c, dict) for c in changes):
            raise ExplainerInputError('changes must be a non-empty list of objects such as {"feature": "Income", '
                                      '"action": "set", "value": 500}.')
        if len(changes) > MAX_CHANGES:
            raise TooLarge(f"There are {len(changes)} changes; one what-if takes at most {MAX_CHANGES}.")
        with explain_limits(self.seconds, self.calls):
            record = ex.what_if(xi, changes, target=_optional_text(target, "target"))
        return _with_narration(self, ex, record, aud, "what_if")

    @guarded("searching for counterfactuals")
    def counterfactuals(self, demo: Any = "loan", x: Any = "17", target: Any = None, k: Any = 3,
                        immutable: Any = None, max_changes: Any = 3, audience: Any = "customer",
                        owner: str | None = None) -> dict:
        """Up to ``k`` smallest changes to ``x`` that make the model predict ``target``; the record
        and its narration."""
        from ..attribution.limits import explain_limits

        aud = requests.audience(audience)
        k, max_changes = _count(k, "k", MAX_COUNTERFACTUALS), _count(max_changes, "max_changes", MAX_CHANGED)
        if immutable is not None and (not isinstance(immutable, list) or not all(isinstance(f, str) for f in immutable)):
            raise ExplainerInputError("immutable must be a list of feature names.")
        ex, _ = self.model(demo, owner=owner)
        xi = self._required_input(ex, x)
        with explain_limits(self.seconds, self.calls):
            record = ex.counterfactuals(xi, target=_optional_text(target, "target"), k=k, immutable=immutable,
                                        max_changes=max_changes)
        return _with_narration(self, ex, record, aud, "counterfactuals")

    @guarded("narrating the evidence")
    def narrate(self, evidence: Any, audience: Any = "customer", demo: Any = None) -> dict:
        """Sentences for an Evidence record (as ``Evidence.to_dict()`` writes it), each verified;
        ``demo`` (optional) lends its feature descriptions."""
        from ..narrate import narrate

        aud = requests.audience(audience)
        ev = evidence_record(evidence)
        descriptions = self.model(demo)[0].info.get("descriptions") if demo else None
        answer = narrate(ev, aud, llm=self.llm, descriptions=descriptions or None)
        return json_safe({"text": answer.text, "sentences": [s.__dict__ for s in answer.sentences]})

    @guarded("verifying the text")
    def verify(self, text: Any, evidence: Any) -> dict:
        """Each sentence of ``text`` checked against an Evidence record: true, or the claim that fails."""
        from ..narrate import verify_text

        body = requests.text_field(text, "text")
        if len(body) > MAX_VERIFY_CHARS:
            raise TooLarge(f"The text is {len(body):,} characters long; verify takes up to {MAX_VERIFY_CHARS:,}.")
        if not body.strip():
            raise ExplainerInputError("Give a text to verify.")
        verdicts = verify_text(body, evidence_record(evidence))
        return json_safe({"all_true": all(v.ok for v in verdicts),
                          "sentences": [{"sentence": v.sentence, "ok": v.ok, "reason": v.reason} for v in verdicts]})

    def model_list(self, owner: str | None = None) -> list[dict]:
        """Every model this service serves: its name, whether it is loaded, and for loaded ones
        its kind, classes and (tables) the schema a row must follow."""
        out = []
        for name in self.model_names(owner):
            entry: dict[str, Any] = {"name": name, "loaded": False}
            ex = self.loaded_explainer(name, owner)
            if ex is not None:
                entry.update(loaded=True, **model_schema(ex))
            out.append(entry)
        return json_safe(out)

    def loaded_explainer(self, name: str, owner: str | None = None) -> Any:
        """The explainer called ``name`` if it is loaded now (a demo not yet asked for is not), else None."""
        if name == "custom":
            mine = self.owned.get(owner)
            if mine is not None:
                return mine[0]
        with self._lock:
            return self._explainers.get(name)

    def _required_input(self, ex: Any, x: Any) -> Any:
        xi = self.input_for(ex, x)
        if xi is None:
            raise ExplainerInputError("Give an input (a row id or a JSON row, a message or a photo).")
        return xi


def model_schema(ex: Any) -> dict:
    """A loaded explainer's kind, classes and, for a table, its features with their types."""
    out: dict[str, Any] = {"kind": ex.kind, "description": ex.name, "classes": ex.class_names}
    if ex.kind == "tabular":
        s = ex.schema
        out["features"] = [
            {"name": f, "type": "category" if f in s.categorical else "number",
             "categories": s.categorical.get(f), "range": list(s.numeric_range[f]) if f in s.numeric_range else None,
             "allows_missing": bool(s.allows_missing.get(f, False))} for f in s.features]
        out["rows"] = int(len(ex.rows()))
    return out


def evidence_record(value: Any) -> Any:
    """An Evidence record from its JSON dict, or a message naming what is wrong with it."""
    from ..evidence import Evidence

    if not isinstance(value, dict):
        raise ExplainerInputError("evidence must be an Evidence object (as /v1/explain returns it).")
    try:
        ev = Evidence.from_dict(value)
    except KeyError as err:
        raise ExplainerInputError(f"The evidence lacks the key {err.args[0]!r}.") from None
    except (TypeError, ValueError, AttributeError) as err:
        raise ExplainerInputError(f"The evidence is not a valid Evidence record ({str(err)[:160]}).") from None
    if ev.target_label not in ev.probabilities:
        raise ExplainerInputError(f"The evidence's target_label {ev.target_label!r} is not one of its probabilities' "
                                  "classes.")
    return ev


def _with_narration(service: Any, ex: Any, record: Any, audience: str, key: str) -> dict:
    from ..narrate import narrate

    answer = narrate(record, audience, llm=service.llm, descriptions=ex.info.get("descriptions") or None)
    return json_safe({"text": answer.text, "sentences": [s.__dict__ for s in answer.sentences],
                      key: record.to_dict()})


def _optional_text(value: Any, name: str) -> str | None:
    text = requests.text_field(value, name).strip()
    return text or None


def _count(value: Any, name: str, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ExplainerInputError(f"{name} must be a whole number from 1 to {most}.")
    try:
        n = float(value)
    except ValueError:
        raise ExplainerInputError(f"{name} must be a whole number from 1 to {most}, not {str(value)[:20]!r}.") from None
    if not n.is_integer() or not 1 <= n <= most:
        raise ExplainerInputError(f"{name} must be a whole number from 1 to {most}, not {str(value)[:20]}.")
    return int(n)
