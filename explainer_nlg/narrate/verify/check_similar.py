"""Checking a sentence about SimilarCases: counts, outcomes, and what is said of each neighbour.

- "predicted “good” for 4" must be how many neighbours the model predicts “good” for;
- "3 were “bad”" (outcomes) must be how many neighbours truly are “bad”;
- "got 4 of those 5 right" must be the right count out of the labelled neighbours (“wrong”: the rest);
- "applicant 12 ... predicted “good” ... in fact “bad”" must be what the record says of row 12, its
  distance included;
- any other number is a count, id, distance or weight in the record.

>>> from explainer_nlg.evidence.similar import Neighbour, SimilarCases
>>> ns = [Neighbour(12, {}, 0.2, "good", 0.9, "good", True), Neighbour(40, {}, 0.3, "good", 0.8, "bad", False)]
>>> sc = SimilarCases({"row_id": 17, "row": {}}, "good", {"good": 0.97, "bad": 0.03}, 2, ns, {"Income": 1.0}, 99, "",
...                   row_noun="applicants")
>>> check_similar_sentence("The model got 1 of those 2 right.", sc).ok
True
>>> check_similar_sentence("The model got 2 of those 2 right.", sc).reason
'number: 2 is not how many of the neighbours the model got right (1)'
>>> check_similar_sentence("Applicant 40 was predicted “good” and was in fact “good”.", sc).reason
'neighbour: applicant 40 was in fact “bad”'
"""

from __future__ import annotations

from ...evidence.similar import SimilarCases
from ..views.phrases import feature_names, singular
from .verdict import Claim, Verdict
from .view_claims import (
    Clause,
    any_close,
    close,
    make_context,
    method_numbers,
    names_said,
    number_claim,
    read,
    verdict,
)


def similar_context(sc: SimilarCases, descriptions: dict[str, str] | None = None,
                    aliases: dict[str, list[str]] | None = None):
    names: dict[str, list[tuple]] = {}
    labels = {sc.predicted_label, *sc.probabilities} | {n.predicted_label for n in sc.neighbours} | \
        {n.true_label for n in sc.neighbours if n.true_label is not None}
    for c in labels:
        names.setdefault(c, []).append(("label", c))
        for a in (aliases or {}).get(c, []):
            names.setdefault(a, []).append(("label", c))
    for f in sc.weights:
        for n in feature_names(f, descriptions):
            names.setdefault(n, []).append(("feature", f))
    return make_context(names, sc.method, sc.row_noun)


def check_similar_sentence(sentence: str, sc: SimilarCases, descriptions: dict[str, str] | None = None,
                           aliases: dict[str, list[str]] | None = None) -> Verdict:
    """Check one sentence against SimilarCases (see the module docstring)."""
    ctx = similar_context(sc, descriptions, aliases)
    clauses, claims, toks = read(sentence, ctx)
    mentioned, said = names_said(clauses)
    claims += said
    for segment in _segments(clauses, _row_words(sc)):
        claims += _neighbour(segment, sc)
    for c in clauses:
        claims += _counts(c, sc)
    claims += _rest(clauses, sc)
    return verdict(sentence, claims, mentioned)


def _label_after(c: Clause, words: set[str]) -> list[tuple[int, str]]:
    out = []
    for i, r in c.names("label"):
        prev = [t.norm for t in c.toks[max(0, i - 3):i] if t.kind == "word"]
        if set(prev) & words:
            out.append((i, r[1]))
    return out


def _row_words(sc: SimilarCases) -> tuple[str, ...]:
    """Words that put a neighbour's row id after them: "row 12", "applicant 12", "store 12"."""
    return ("applicant", "row", "id", singular(sc.row_noun))


def _segments(clauses: list[Clause], row_words: tuple[str, ...]) -> list[Clause]:
    """Stretches of the sentence about one neighbour: from "applicant 12" to the next one named
    (a neighbour's claims run over commas: "the closest, applicant 12, was predicted ...")."""
    out, current = [], Clause()
    for c in clauses:
        for i, t in enumerate(c.toks):
            nxt = c.toks[i + 1] if i + 1 < len(c.toks) else None
            if t.kind == "word" and t.norm in row_words and nxt is not None and nxt.kind == "num" \
                    and current.toks:
                out.append(current)
                current = Clause()
            current.toks.append(t)
    if current.toks:
        out.append(current)
    return out


def _neighbour(c: Clause, sc: SimilarCases) -> list[Claim]:
    """Claims about one neighbour named by its id ("applicant 12")."""
    one = singular(sc.row_noun)
    toks = c.toks
    for i, t in enumerate(toks[:-1]):
        nxt = toks[i + 1]
        if t.kind == "word" and t.norm in _row_words(sc) and nxt.kind == "num" and not nxt.unit:
            nxt.used = True
            who = next((n for n in sc.neighbours if close(nxt, float(n.row_id)) and nxt.decimals == 0), None)
            if who is None:
                return [Claim("neighbour", f"{one} {nxt.text}", False, f"{one} {nxt.text} is not one of the "
                                                                           "similar cases")]
            out = [Claim("neighbour", f"{one} {who.row_id}", True)]
            for _, lab in _label_after(c, {"predicted", "predicts", "prediction"}):
                ok = lab == who.predicted_label
                out.append(Claim("neighbour", f"{one} {who.row_id} predicted {lab}", ok, "" if ok else
                                 f"{one} {who.row_id} was predicted “{who.predicted_label}”"))
            for _, lab in _label_after(c, {"fact", "truly", "actually", "really", "true"}):
                ok = lab == who.true_label
                out.append(Claim("neighbour", f"{one} {who.row_id} was {lab}", ok, "" if ok else
                                 f"{one} {who.row_id} was in fact “{who.true_label}”"))
            for _, n in c.numbers():
                if "." in n.text and not n.unit:
                    n.used = True
                    out.append(number_claim(n, close(n, who.distance), f"the distance of applicant {who.row_id} "
                                                                       f"({who.distance:.2f})"))
            return out
    return []


def _counts(c: Clause, sc: SimilarCases) -> list[Claim]:
    out = []
    words = c.words()
    nums = [(i, t) for i, t in c.numbers() if not t.unit]
    if words & {"right", "wrong", "correct", "correctly"} and nums:
        i, t = nums[0]
        t.used = True
        want = sc.correct if words & {"right", "correct", "correctly"} else sc.labelled - sc.correct
        out.append(number_claim(t, close(t, want), f"how many of the neighbours the model got "
                                                   f"{'right' if want == sc.correct else 'wrong'} ({want})"))
        if len(nums) > 1:
            t2 = nums[1][1]
            t2.used = True
            out.append(number_claim(t2, close(t2, sc.labelled) or close(t2, len(sc.neighbours)),
                                    f"how many neighbours have a known outcome ({sc.labelled})"))
        return out
    predicted = "predicted" in words or "predicts" in words
    for i, lab in [(i, r[1]) for i, r in c.names("label")]:
        if predicted:
            after = next(((j, t) for j, t in nums if j > i), None)
            if after is not None and not after[1].used:
                t = after[1]
                t.used = True
                want = sum(1 for n in sc.neighbours if n.predicted_label == lab)
                out.append(number_claim(t, close(t, want), f"how many neighbours the model predicts “{lab}” for ({want})"))
        else:
            before = [(j, t) for j, t in nums if j < i and not t.used]
            if before:
                t = before[-1][1]
                t.used = True
                want = sc.outcomes.get(lab, 0)
                out.append(number_claim(t, close(t, want), f"how many neighbours were in fact “{lab}” ({want})"))
    return out


def _rest(clauses: list[Clause], sc: SimilarCases) -> list[Claim]:
    bare = [float(x) for x in (sc.k, len(sc.neighbours), sc.same_prediction, sc.labelled, sc.correct,
                               sc.rows_searched, *sc.outcomes.values())]
    bare += [float(n.row_id) for n in sc.neighbours if isinstance(n.row_id, (int, float))]
    bare += [n.distance for n in sc.neighbours]
    if isinstance(sc.input.get("row_id"), (int, float)):
        bare.append(float(sc.input["row_id"]))
    pct = [w * 100 for w in sc.weights.values()] + [p * 100 for p in sc.probabilities.values()]
    pct += [n.probability * 100 for n in sc.neighbours]
    quoted = method_numbers(sc)
    out = []
    for c in clauses:
        for _, t in c.numbers():
            t.used = True
            pool = (pct if t.unit == "pct" else bare) + quoted
            out.append(number_claim(t, any_close(t, pool), "a figure of these similar cases"))
    return out
