"""Dialogue: what a turn means given the conversation so far.

- A reply to a clarifying question ("2", "the first one", "yes") takes that reading.
- "why?", "that one", "the second" right after a list of rows refer to the listed rows; with
  several listed and no ordinal, the assistant asks which.
- "and the next one?" moves to the neighbouring row; "what about 3?" to row 3.
- Filters carry into a follow-up that names no operation of its own ("and for renters?") or points
  at the last group ("how many of them..."), never into an unrelated question; the last operation
  carries only into a follow-up that names none ("what about age?").
- A correction ("no, she has 2 dependents") is a what-if on the current input; the input then stays
  corrected for the turns that follow, and the answer says so.
- An applicant described in free text becomes a new row: the values given, typical values for the
  rest, and the answer names which were filled in.

``resolve`` returns a ``Turn``; the assistant runs its operations, or asks its question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import ExplainerInputError
from ..narrate.facts import fmt_number
from ..narrate.views.phrases import singular
from . import registry
from .cohort import out_of_range

CHOICE_WORDS = {"1": 1, "2": 2, "3": 3, "one": 1, "two": 2, "three": 3, "first": 1, "second": 2, "third": 3,
                "1st": 1, "2nd": 2, "3rd": 3, "yes": 1, "yep": 1, "yeah": 1, "y": 1, "the first": 1,
                "the second": 2, "the third": 3, "last": -1, "the last": -1}
COHORT_REF = re.compile(r"\b(?:their (?:average|avg|mean|median|typical|total|range)|them|those|these|of them|"
                        r"among them|that group|the same group|same people|"
                        r"those people|these people|of those|the group|in that group|in there)\b|"
                        r"(?<!\bare )(?<!\bis )\bthere\W*$")  # "what's the avg income there"
# "how many are there", "show me a few": the group just named, asked about again with no words of its own
GROUP_AGAIN = re.compile(r"^\W*(?:and |so |ok )?(?:how many(?: (?:are|r|is|were) (?:there|they|that|those))?(?: in total| altogether)?|"
                         r"(?:show|list|give)(?: me)? (?:a few|some|more|a couple|the rows|the list)|which ones?(?: are they)?)\W*$")
LIST_REF = re.compile(r"^\W*(?:and |so |ok |but )?(?:why|why not|explain|how come|that one|this one|which one|"
                      r"show (?:me )?(?:that|this) one|and (?:that|this) one|what about (?:that|this) one|"
                      r"how sure|what could change (?:it|that)|why (?:that|this) one|why them)\W*$")


@dataclass
class Turn:
    """What one message asks, after the conversation filled in its gaps."""

    ops: list[dict]
    filters: list[dict]
    x: Any
    notes: list[str] = field(default_factory=list)   # said before the answer ("Reading 'approved' as 'good'.")
    ask: str | None = None                            # a question back instead of an answer
    choices: list[dict] = field(default_factory=list)  # the readings offered with it
    resolved: dict = field(default_factory=dict)


def pick_choice(question: Any, parsed: dict, state: Any) -> dict:
    """The reading a reply picks from the clarifying question asked last turn, else ``parsed``."""
    pending = getattr(state, "pending", None) or []
    if not pending:
        return parsed
    text = re.sub(r"[^\w\s+]", " ", str(question or "").lower()).strip()
    text = re.sub(r"^(?:option|number|no|choice|the)\s+", "", text)
    text = re.sub(r"\s+(?:one|please|pls|option)$", "", text).strip()
    n = CHOICE_WORDS.get(text)
    if n is None:
        labels = [c.get("label", "").lower() for c in pending]
        n = next((i + 1 for i, lab in enumerate(labels) if text and text in lab and len(text) >= 4), None)
    if n is None:
        return parsed
    choice = pending[n - 1 if n > 0 else len(pending) - 1] if abs(n) <= len(pending) else None
    if choice is None:
        return parsed
    picked = {**parsed, "ops": [dict(o) for o in choice["ops"]], "filters": list(choice.get("filters") or []),
              "instance": choice.get("instance"), "followup": False, "ref": None, "confidence": 1.0,
              "chosen": choice.get("label")}
    picked.pop("clarify", None)
    picked.pop("elliptical", None)
    for key in ("row", "not_applied", "units"):
        if choice.get(key):
            picked[key] = choice[key]
    return picked


def resolve(assistant: Any, parsed: dict, state: Any, x: Any) -> Turn:
    """Fill in what the message leaves to the conversation (see the module docstring)."""
    ex = assistant.ex
    tabular = ex.kind == "tabular"
    ops = [dict(o) for o in parsed["ops"]]
    filters = list(parsed["filters"])
    notes: list[str] = []
    # An input the caller hands over: a new focus only when it differs from the last one handed
    # over (the app sends the panel's row with every message; the dialogue may have moved on).
    if x is not None and not (isinstance(x, str) and not x.strip()):
        x = assistant.load_input(x)
        key = assistant.key_of(x)
        if key != state.given:
            state.given = key
            state.x = x
            state.instance = x if tabular and isinstance(x, int) else None
            state.ids = []
    ref = parsed.get("ref")
    text = str(parsed.get("question", "")).lower()
    listed = bool(state.ids) and state.listed_at == state.turns - 1
    if parsed.get("instance") is not None:
        if tabular:  # a row that does not exist is named, never swapped for the current one
            ex.row_id(int(parsed["instance"]))
        state.instance = state.x = int(parsed["instance"])
    elif parsed.get("row") and tabular:
        row, filled = new_row(assistant, parsed["row"])
        state.x, state.instance = row, None
        state.described = dict(parsed["row"])
        given = ", ".join(f"{k} {fmt_number(v)}" for k, v in parsed["row"].items())
        noun = singular(str(ex.info.get("row_noun") or "rows"))  # "A new patient with ..."
        rest = ", ".join(f"{k} {fmt_number(v)}" for k, v in filled.items())
        # every feature given: nothing was filled in, so no "the rest" to name
        notes.append(f"A new {noun} with {given}; the rest take typical values from the data ({rest})."
                     if rest else f"A new {noun} with {given}.")
        # a number beyond the data's range: its answer is an extrapolation, said before it is given
        notes += ex.schema.out_of_range(pd.DataFrame([row]))
    elif ref is not None and tabular:
        ids = list(ex.rows().index)
        if (ref in ("next", "previous") and state.instance not in ids) or (isinstance(ref, int) and not state.ids):
            # "and the next one?" with nothing before it (a new session, a restart): ask, never guess
            lo, hi = min(ids), max(ids)
            raise ExplainerInputError(f"Which one? There is no earlier row in this conversation to count from. "
                                      f"Name a row id from {lo} to {hi}, for example “why row {lo}?”.")
        if ref in ("next", "previous") and state.instance in ids:
            i = ids.index(state.instance) + (1 if ref == "next" else -1)
            if 0 <= i < len(ids):
                state.instance = state.x = int(ids[i])
        elif isinstance(ref, int) and state.ids:
            i = ref - 1 if ref > 0 else len(state.ids) - 1
            if 0 <= i < len(state.ids):
                state.instance = state.x = int(state.ids[i])
                notes.append(f"About row {state.instance}, number {i + 1} of the list.")
    elif listed and tabular and (LIST_REF.match(text) or parsed.get("followup") and not COHORT_REF.search(text)) \
            and not filters:
        # "why?" right after a list of rows: about a listed row.
        if len(state.ids) == 1:
            state.instance = state.x = int(state.ids[0])
            notes.append(f"About row {state.instance}, the one listed.")
        else:
            op = next((o["op"] for o in ops if o["op"] not in ("unsupported", "help")), "why")
            choices = [{"ops": [{"op": op}], "filters": [], "instance": int(i),
                        "label": registry.get(op).label.replace("{subject}", f"row {i}")} for i in state.ids[:3]]
            return Turn(ops, filters, state.x, notes, ask="Which of the listed rows do you mean?", choices=choices,
                        resolved=_resolved(ops, filters, state, parsed))
    follow = bool(parsed.get("followup"))
    own_ops = [o for o in ops if o["op"] not in ("unsupported",)]
    # Vague: no operation of its own ("what about age?", "why?"), or only "unclear" (an unsupported
    # op for another reason, an unknown feature say, is an answer in itself)
    vague = bool(parsed.get("elliptical")) or not own_ops
    if follow and state.ops and (vague or ref is not None) and not any(
            o["op"] == "unsupported" and o.get("reason") not in ("unclear", None) for o in ops):
        new = {k: v for o in ops for k, v in o.items() if k not in ("op", "reason")}
        if parsed.get("features") and not new.get("features"):
            new["features"] = list(parsed["features"])
        if parsed.get("target") is not None and not new.get("target") and any(o["op"] == "compare" for o in state.ops):
            new["target"] = parsed["target"]  # "and for working full time?" after groups compared: that class's gap
        last, edited = state.ops, False
        if isinstance(ref, int) and all(registry.get(o["op"]).lists_rows or o["op"] == "count" or
                                        o.get("reference") is not None for o in last):
            last = [{"op": "why"}]  # "the second one" after a list (or two rows compared): explain that one
        bare = parsed.get("bare_number")
        done = [c for o in last if o["op"] == "what_if" for c in o.get("changes") or []]
        if bare and len({c["feature"] for c in done}) == 1 and not new.get("changes"):
            # "and with 0?" after "what if they had 2 reports": the same feature, the new value
            new["changes"] = [{"feature": done[0]["feature"], "action": "set", "value": bare["value"]}]
            edited = True
        if any(o["op"] == "what_if" for o in last) and filters and not new.get("changes") and \
                state.x is not None and all(f["cmp"] == "==" for f in filters) and \
                not any(f["feature"] in OUTCOME_FEATURES for f in filters):
            # "and with a loan to value of 0.7?" after a what-if: the next edit, in place of the last
            new["changes"] = [{"feature": f["feature"], "action": _relative(text, f["value"]), "value": f["value"]}
                              for f in filters]  # ("and 10 more years of experience?": 10 more, not 10)
            filters, edited = [], True
        ops = [{**{k: v for k, v in o.items() if k != "features" or not new.get("features")}, **new}
               for o in last if registry.get(o["op"]).carries] or ops
        if not filters and parsed.get("instance") is None and ref is None and not parsed.get("row") and not edited:
            filters = list(state.filters)  # "and for the next group?" keeps the group it names only
        elif filters and parsed.get("instance") is None and ref is None and not parsed.get("row"):
            # "and unmarried?" after "how many married ones were rearrested": another group, the
            # same outcome
            # "and men?" after "women over 85": the same group with one part swapped keeps the rest
            swapped = {f["feature"] for f in filters} & {f["feature"] for f in state.filters}
            filters = _carried(state.filters, filters,
                               None if COHORT_REF.search(text) or swapped else OUTCOME_FEATURES)
    elif (COHORT_REF.search(text) or GROUP_AGAIN.match(text) and not filters) and state.filters \
            and parsed.get("instance") is None:
        # "how many of them were approved?", "and how many of those defaulted": the group, and what
        # the question adds to it
        filters = _carried(state.filters, filters)
    if tabular and state.instance is not None and parsed.get("instance") is None and ref is None and not follow \
            and not filters and ops and all(o["op"] == "top_features" for o in ops) and _left_the_row(state):
        # "what matters most for survival" after "how many women survived": the conversation has
        # moved from its row to groups of rows, so the question is of the model, not of that row
        ops = [{**o, "scope": o.get("scope") or "global"} for o in ops]
    if parsed.get("correction") and state.x is not None:
        notes.append("Taking that as a correction to the current input.")
    # Recognised but not built yet: answered with what the assistant can do instead.
    ops = [o if registry.is_available(o["op"]) or o["op"] == "unsupported" else
           {"op": "unsupported", "reason": "not_available", "wanted": o["op"]} for o in ops]
    if tabular and filters and parsed.get("instance") is None and not parsed.get("row") and not any(
            o["op"] != "unsupported" or o.get("reason") not in (None, "unclear") for o in ops):
        ops = [{"op": "show"}]  # "houses with 2 fireplaces": a group named on its own asks to see it
    ops = ops or [{"op": "unsupported", "reason": "unclear"}]
    for r in parsed.get("readings") or []:
        notes.append(f"Reading “{r['word']}” as “{r['class']}”.")
    for u in parsed.get("units") or []:
        notes.append(f"Reading {u}.")
    for w in parsed.get("not_applied") or []:
        notes.append(f"The data has no column for “{w}”, so the answer is not limited to them.")
    if parsed.get("not_a_class"):  # "is it sarcastic" of a model of great / other reviews
        names = [f"“{c}”" for c in ex.class_names]
        classes = (f"its classes are {', '.join(names[:-1])} and {names[-1]}" if 1 < len(names) <= 6 else
                   f"none of its {len(names)} classes is called that")
        notes.append(f"The model has no class “{parsed['not_a_class']}”, so it cannot say that; {classes}. "
                     "What it does predict:")
    for n in parsed.get("left_out") or []:
        notes.append(f"I could not tell which feature {n} is about, so it is left out.")
    if tabular and filters:
        notes += out_of_range(filters, ex.rows())
    turn = Turn(ops, filters, state.x, notes)
    if parsed.get("clarify") and not parsed.get("chosen"):
        turn.ask, turn.choices = clarify_question(parsed), list(parsed["clarify"])
    turn.resolved = _resolved(ops, filters, state, parsed)
    return turn


OUTCOME_FEATURES = ("prediction", "label", "correct")


# Operations over groups of rows: after one, the conversation is about the data, not a row
GROUP_OPS = ("count", "statistics", "compare")


def _relative(text: str, value: Any) -> str:
    """"increase" where the value is said with "more" after it ("10 more years"), "decrease" with
    "less" or "fewer", else "set".

    >>> _relative("and 10 more years of experience?", 10), _relative("and with 2?", 2), _relative("3 fewer kids", 3)
    ('increase', 'set', 'decrease')
    """
    m = re.search(r"\b" + re.escape(str(value)) + r"\s+(more|extra|additional|less|fewer)\b", str(text).lower())
    return "set" if m is None else "decrease" if m.group(1) in ("less", "fewer") else "increase"


def _left_the_row(state: Any) -> bool:
    """Whether the last answer was about a group of rows, not the current row (a count, a rate or
    statistics over a group, a comparison, a list): a question of no row after it is not of that
    row. A definition, the list of features or the importance asked overall leaves the row in
    focus ("what matters most overall", then "what matters most" is the row's again)."""
    return bool(state.filters) or any(o["op"] in GROUP_OPS or registry.get(o["op"]).lists_rows or
                                      o.get("scope") == "cohort" for o in state.ops)


def _carried(before: list[dict], now: list[dict], only: tuple | None = None) -> list[dict]:
    """The earlier filters (those on ``only``'s features, where given) on features the new ones
    do not name, then the new ones."""
    named = {f["feature"] for f in now}
    kept = [f for f in before if f["feature"] not in named and (only is None or f["feature"] in only)]
    return kept + list(now)


def _resolved(ops: list[dict], filters: list[dict], state: Any, parsed: dict) -> dict:
    out = {"ops": [o["op"] for o in ops], "filters": filters,
           "instance": state.instance if state.instance is not None or not isinstance(state.x, dict) else "new",
           "changes": [c for o in ops for c in o.get("changes", [])]}
    if parsed.get("row"):
        out["instance"] = "new"
        out["row"] = dict(parsed["row"])
    elif out["instance"] == "new" and state.described:
        out["row"] = dict(state.described)  # "why?" about the applicant described before
    return out


def clarify_question(parsed: dict) -> str:
    """The question back, from what the parser could not settle."""
    first = parsed["ops"][0] if parsed.get("ops") else {}
    if first.get("ambiguous"):
        amb = first["ambiguous"]
        return f"“{amb['term']}” could mean {_or(amb['candidates'])}. Which one?"
    if first.get("number"):
        return f"Which feature is {first['number']['text']} about?"
    if first.get("unresolved"):
        return f"I can't tell which of the model's outcomes “{first['unresolved']}” means. Which one?"
    return "I'm not sure what you are asking. Did you mean one of these?"


def _or(items: list[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def new_row(assistant: Any, given: dict) -> tuple[dict, dict]:
    """A whole row from the values a message gives: the rest take the data's typical values (the
    median of a number, the most common category). Returns (row, the values filled in)."""
    schema = assistant.schema
    features = list(assistant.table().features)
    row: dict[str, Any] = {}
    filled: dict[str, Any] = {}
    values = dict(given)
    for fam, members in schema.families.items():  # "purpose: new car" -> purpose_new_car = 1, others 0
        if fam in values:
            chosen = values.pop(fam)
            for label, col in members.items():
                values[col] = 1 if str(label) == str(chosen) else 0
    for f in features:
        if f in values:
            row[f] = values[f]
        else:
            row[f] = schema.typical.get(f)
            filled[f] = row[f]
    for fam, members in schema.families.items():  # a family nobody named: its most common value
        if all(c in filled for c in members.values()):
            counts = {c: assistant.table().frame[c].astype(float).sum() for c in members.values()}
            top = max(counts, key=counts.get)
            for c in members.values():
                row[c] = 1 if c == top else 0
                filled.pop(c, None)
            filled[fam] = next(label for label, c in members.items() if c == top)
    missing = [f for f in features if row.get(f) is None]
    if missing:
        raise ExplainerInputError(f"I could not fill in {', '.join(missing)} for the new applicant: please give them.")
    return row, filled
