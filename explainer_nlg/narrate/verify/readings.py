"""Claims a sentence makes across its words, read before or after its clauses are checked one by
one (sentence.py): the prediction's level ("low ozone"), a likelihood before a class ("unlikely to
be working"), features that cancel out, where a reason points, "the other way" within a sentence,
"a little over" and "against the average" (decision 0022). Split from sentence.py, which runs them.
"""

from __future__ import annotations

from ..facts import Facts
from .clauses import Clause, Placed
from .phrases import LEVEL_WORDS, PREDICTION_NOUNS, REASON_CUES, RELATIVE_CUES
from .tokens import Token
from .verdict import Claim


def toward_of(clause: Clause, f: Facts) -> int:
    """+1 when the clause measures directions against the explained class, -1 against the other of
    two, 0 against a class the evidence does not explain."""
    refs = [lab for _, lab, role in clause.labels if role == "reference"]
    if refs and refs[0] != f.target and not f.is_change:
        return -1 if refs[0] == f.binary_other else 0
    return 1


def prediction_level(toks: list[Token], f: Facts, claims: list[Claim]) -> None:
    """"The model expects low ozone", "a high estimate": for a regression, "low" or "high" right
    before the predicted quantity or a word for the prediction says where the prediction sits
    against the average (the base value). Elsewhere the words stay unknown: "a low income" is a
    claim about a value that the record cannot check."""
    if f.output_kind != "regression" or f.prediction is None:
        return
    def names_prediction(x: Token | None) -> bool:
        return x is not None and ((x.ref is not None and x.ref.is_fact("label")) or
                                  (x.kind == "word" and x.norm in PREDICTION_NOUNS))

    for i, t in enumerate(toks):
        if t.kind != "word" or t.used or t.norm not in LEVEL_WORDS:
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        # "low ozone", or "the price is low"
        before = toks[i - 2] if i >= 2 and toks[i - 1].kind == "word" and toks[i - 1].norm in ("is", "was", "looks",
                                                                                               "seems") else None
        if not names_prediction(nxt) and not names_prediction(before):
            continue
        nxt = nxt if names_prediction(nxt) else before
        t.used = True
        way = LEVEL_WORDS[t.norm]
        ok = (f.prediction - f.base) * way > 0
        claims.append(Claim("level", f"{t.text} {nxt.text}", ok, "" if ok else
                            f"the prediction ({f.prediction:.4g}) is {'above' if way < 0 else 'below'} the "
                            f"average ({f.base:.4g}), not {t.text}"))


LIKELY_WORDS = {"likely": 1, "probably": 1, "probable": 1, "unlikely": -1, "improbable": -1}


def likelihood(toks: list[Token], f: Facts, claims: list[Claim]) -> None:
    """"She is unlikely to be working", "most likely a Chinstrap", "more likely to be working than
    not": a likelihood word before a class is a claim about its probability (above or below one
    half; the highest for "most likely"; against the average after "than average")."""
    if f.is_change or not f.probabilities:
        return
    for i, t in enumerate(toks):
        if t.kind != "word" or t.norm not in LIKELY_WORDS:
            continue
        lab, between = None, []
        for x in toks[i + 1:i + 7]:
            if x.kind == "punct":
                break
            if x.ref is not None and x.ref.is_fact("label"):
                lab = next(m.label for m in x.ref.meanings if m.kind == "label")
                break
            between.append(x.norm)
        if lab is None or lab not in f.probabilities:
            continue
        p = f.probabilities[lab]
        before = [x.norm for x in toks[max(0, i - 2):i] if x.kind == "word"]
        after = [x.norm for x in toks[i + 1:] if x.kind == "word"]
        # "not likely to be X", "likely not to be X": the other way (and "more likely not to be X": less).
        negated = ("not" in before) != ("not" in between)
        way = -LIKELY_WORDS[t.norm] if negated else LIKELY_WORDS[t.norm]
        if before[-1:] == ["most"]:
            # "the next (second) most likely class": the runner-up.
            nth = 2 if before[:1] in (["next"], ["second"]) else 1
            order = sorted(f.probabilities.values(), reverse=True)
            ok = len(order) >= nth and p >= order[nth - 1] - 1e-12 and (nth == 1 or p < order[0])
            said = "the most likely class" if nth == 1 else "the next most likely class"
        elif before[-1:] in (["more"], ["less"]):
            d = (1 if before[-1] == "more" else -1) * (-1 if "not" in between else 1)
            k = after.index("than") if "than" in after else -1
            against_average = k >= 0 and any(w in AVERAGE_WORDS for w in after[k + 1:k + 4])
            if against_average and not (lab == f.target and f.unit == "probability"):
                continue  # an average in another unit: left to the other checks
            if k < 0 and before[-1] == "less":
                continue  # "less likely" with nothing to compare: no claim read here
            ref = f.base if against_average else 0.5
            ok, said = (p - ref) * d > 0, f"{'more' if d > 0 else 'less'} likely than {ref:.0%}"
        else:
            ok, said = (p - 0.5) * way > 0, "likely" if way > 0 else "unlikely"
        claims.append(Claim("likelihood", f"{t.text} {lab}", ok, "" if ok else
                            f"p({lab}) is {p:.1%}: not {said}"))


def reasons_follow_the_prediction(clauses: list[Clause], f: Facts) -> None:
    """A reason for a regression's prediction ("the main reason", "because of") points where the
    features took it: down when the prediction is below the average. For two classes explained
    toward the class not predicted (shap's class 1 when the model predicts class 0), a reason for
    the prediction points away from the class explained, unless the clause names the class."""
    if f.is_change:
        return
    if f.output_kind == "regression":
        if f.prediction is None or f.prediction >= f.base:
            return
    elif not (f.predicted and f.binary_other and f.predicted == f.binary_other):
        return
    for clause in clauses:
        if f.output_kind != "regression" and clause.labels:
            continue
        for k, placed in enumerate(clause.cues):
            t = clause.toks[placed.pos] if placed.pos >= 0 else None
            if t is not None and t.ref is not None and _is_reason(t.ref.text):
                clause.cues[k] = Placed(placed.pos, -placed.what)


def _is_reason(text: str) -> bool:
    words = tuple(w.lower() for w in text.split())
    return any(words[i:i + len(key)] == key for key in REASON_CUES for i in range(len(words)))


def _relative(t: Token) -> bool:
    return t.ref is not None and t.ref.tag == "cue" and \
        tuple(w.lower() for w in t.ref.text.split()[-2:]) in RELATIVE_CUES


def relative_within(clauses: list[Clause], f: Facts) -> None:
    """"X pushed it toward the class, and Y pushed it the other way": "the other way" after a
    clause of the same sentence that named a direction is the opposite of that direction."""
    last = 0
    for clause in clauses:
        toward = toward_of(clause, f)
        for k, placed in enumerate(clause.cues):
            t = clause.toks[placed.pos] if placed.pos >= 0 else None
            if t is not None and _relative(t):
                if last:
                    clause.cues[k] = Placed(placed.pos, -last * toward)
            else:
                last = placed.what * toward
        if clause.cues:
            last = clause.cues[-1].what * toward


CANCEL_WORDS = frozenset({"cancel", "cancels", "cancelled", "canceled", "offset", "offsets", "balance", "balances"})
# "The factors roughly cancel out": the prediction sits within this share of the total movement.
CANCEL_SHARE = 0.25


def cancel_out(clauses: list[Clause], f: Facts, claims: list[Claim]) -> None:
    """"Overall, the factors roughly cancel out": in a clause naming no feature, the features'
    pushes nearly cancel: the prediction is within ``CANCEL_SHARE`` of their total size from the
    average. With features named ("A was cancelled out by B") the words stay unknown."""
    if f.is_change or not f.players or any(p.contribution is None for p in f.players):
        return
    for clause in clauses:
        hits = [t for t in clause.toks if t.kind == "word" and not t.used and t.norm in CANCEL_WORDS]
        if not hits or any(t.ref is not None and t.ref.tag == "fact" for t in clause.toks):
            continue
        total = sum(abs(p.contribution) for p in f.players)
        net = abs(sum(p.contribution for p in f.players))
        ok = total > 0 and net <= CANCEL_SHARE * total
        for t in hits:
            t.used = True
        claims.append(Claim("cancel", hits[0].text, ok, "" if ok else
                            f"the features do not cancel out: together they moved the prediction by {net:.4g} "
                            f"of {total:.4g} in all"))


COMPARATIVES = frozenset({"over", "under", "more", "less", "above", "below", "fewer", "higher", "lower"})


def qualified_comparatives(toks: list[Token]) -> None:
    """"took off a little over 2 mpg", "slightly more than age": "a little" qualifies the comparison
    after it; it ranks no feature."""
    for i, t in enumerate(toks[:-1]):
        nxt = toks[i + 1]
        if t.ref is not None and t.ref.tag == "cue" and t.ref.cues == frozenset({"minor"}) and \
                nxt.kind == "word" and nxt.norm in COMPARATIVES:
            for x in toks[max(0, i - 2):i + 1]:
                if x.ref is t.ref or (x.ref is not None and x.ref.text == t.ref.text and x.ref.tag == "cue"):
                    x.ref = None


AVERAGE_WORDS = frozenset({"base", "baseline", "average", "mean", "typical", "expected", "usual", "reference"})


def against_the_average(toks: list[Token]) -> None:
    """"0.83 against a base rate of 0.18": "against" before the average compares figures; it is no
    direction."""
    for i, t in enumerate(toks):
        if t.ref is not None and t.ref.tag == "cue" and t.ref.text.lower() == "against" and \
                any(x.kind == "word" and x.norm in AVERAGE_WORDS for x in toks[i + 1:i + 4]):
            t.ref = None  # still used: a connecting word here
