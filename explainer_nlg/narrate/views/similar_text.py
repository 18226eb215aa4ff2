"""SimilarCases -> true sentences: what the model said about the nearest past applicants, what
really happened to them, and how many it got right.

>>> from explainer_nlg.evidence.similar import Neighbour, SimilarCases
>>> ns = [Neighbour(12, {}, 0.2, "good", 0.9, "good", True), Neighbour(40, {}, 0.3, "good", 0.8, "bad", False),
...       Neighbour(7, {}, 0.5, "bad", 0.7, "bad", True)]
>>> sc = SimilarCases({"row_id": 17, "row": {}}, "good", {"good": 0.97, "bad": 0.03}, 3, ns,
...                   {"Income": 0.6, "Amount": 0.4}, 4453, "weighted distance", row_noun="applicants")
>>> for s in similar_sentences(sc, "customer"):
...     print(s.text)
Among the 3 past applicants most like this one, the model predicted “good” for 2, as it did here.
In fact, 2 were “bad” and 1 was “good”.
The model got 2 of those 3 right.
The closest, applicant 12, was predicted “good” and was in fact “good”.
"""

from __future__ import annotations

from ...evidence.similar import SimilarCases
from ..templates import TemplateSentence, join_list
from .phrases import Filler, count, label, noun, singular, view_templates


def similar_sentences(sc: SimilarCases, audience: str = "customer",
                      descriptions: dict[str, str] | None = None) -> list[TemplateSentence]:
    """The template narration of SimilarCases for ``audience``."""
    t = view_templates()["similar"]
    out = Filler(sc, audience, t)
    if not sc.neighbours:
        return out.out
    out.add("predictions", k=count(len(sc.neighbours)), label=label(sc.predicted_label), same=count(sc.same_prediction))
    if sc.labelled:
        outcomes = sorted(sc.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))
        out.add("outcomes", outcome_list=join_list([f"{count(n)} {'was' if n == 1 else 'were'} {label(c)}"
                                                    for c, n in outcomes]))
        out.add("correct", correct=count(sc.correct), labelled=count(sc.labelled))
    else:
        out.add("no_labels")
    first = sc.neighbours[0]
    truth = f" and was in fact {label(first.true_label)}" if first.true_label is not None else ""
    out.add("nearest", nearest_id=first.row_id, nearest_predicted=label(first.predicted_label), nearest_truth=truth)
    if audience != "customer":
        listing = [f"{singular(sc.row_noun)} {n.row_id} (distance {n.distance:.2f}, predicted {label(n.predicted_label)}"
                   + (f", in fact {label(n.true_label)}" if n.true_label is not None else "") + ")"
                   for n in sc.neighbours]
        out.add("listing", neighbour_list="; ".join(listing))
        top = sorted(sc.weights, key=lambda f: -sc.weights[f])[:3]
        out.add("weights", top_features=join_list([f"{noun(f, descriptions)} ({sc.weights[f] * 100:.0f}%)" for f in top]))
    if audience == "developer":
        out.add("method", method=sc.method, seconds=f"{sc.seconds:.2f}")
    return out.out
