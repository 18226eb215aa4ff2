"""Synthetic Evidence records for the narration tests: every kind, shaped like the demos' records;
and the fakes they share (a scripted LLM, an echoing one, a small tabular record).
"""

from __future__ import annotations

import random
import re

from explainer_nlg.evidence import Attribution, Evidence

LOAN_ROW = {"Seniority": 15.0, "Home": "priv", "Time": 24.0, "Age": 52.0, "Marital": "single",
            "Records": "no", "Job": "freelance", "Expenses": 35.0, "Income": 330.0, "Assets": 16500.0,
            "Debt": 0.0, "Amount": 1500.0, "Price": 2201.0}
CATEGORIES = {"Home": ["rent", "owner", "parents", "priv", "other", "ignore"],
              "Marital": ["married", "widow", "single", "separated", "divorced"],
              "Records": ["no", "yes"], "Job": ["freelance", "fixed", "partime", "others"]}
REGIONS = ["top left", "top centre", "top right", "middle left", "centre", "middle right",
           "bottom left", "bottom centre", "bottom right"]
WORDS = "The cookies arrived stale and the box was crushed but the taste is great".split()


def _finish(kind, labels, target_p, base, atts, rng, method="exact (per-reference enumeration)", **kw):
    total = sum(a.contribution for a in atts)
    p = min(max(base + total, 0.001), 0.999) if target_p is None else target_p
    probs = {labels[0]: p, labels[1]: 1 - p} if len(labels) == 2 else _multi(labels, p, rng)
    predicted = max(probs, key=probs.get)
    k = min(5, len(atts))
    comp = rng.uniform(0.0, 0.5)
    faith = {"k": k, "comprehensiveness": comp, "sufficiency": rng.uniform(-0.05, 0.1),
             "comprehensiveness_random_k": rng.uniform(0.0, 0.3), "p_full": p,
             "p_without_top_k": p - comp, "p_only_top_k": p}
    return Evidence(kind, predicted, probs, kw.get("target", labels[0]), base, atts, method,
                    rng.randint(10, 200000), rng.uniform(0.01, 20), faith, kw.get("input", {}),
                    [], kw.get("extra", {}))


def _multi(labels, p, rng):
    rest = [rng.random() for _ in labels[1:]]
    s = sum(rest)
    return {labels[0]: p, **{c: (1 - p) * r / s for c, r in zip(labels[1:], rest)}}


def loan(seed: int) -> Evidence:
    rng = random.Random(seed)
    row = dict(LOAN_ROW)
    for name in row:
        row[name] = rng.choice(CATEGORIES[name]) if name in CATEGORIES else float(rng.choice(
            [0, 1, 5, 12, 35, 330, 1200, 1500, 16500, 2201.5]))
    atts = [Attribution(n, v, rng.gauss(0, 0.05)) for n, v in row.items()]
    labels = ["good", "bad"] if seed % 2 else ["bad", "good"]
    return _finish("tabular", labels, None, rng.uniform(0.2, 0.8), atts, rng,
                   input={"row_id": seed, "row": row})


def text(seed: int) -> Evidence:
    rng = random.Random(seed)
    words = rng.sample(WORDS, rng.randint(1, len(WORDS)))
    atts = [Attribution(w, w, rng.gauss(0, 0.08)) for w in words]
    labels = ["great", "other"] if seed % 2 else ["other", "great"]
    return _finish("text", labels, None, rng.uniform(0.2, 0.8), atts, rng, method="kernel-paired",
                   input={"text": " ".join(words)})


def image(seed: int) -> Evidence:
    rng = random.Random(seed)
    atts = [Attribution(r, None, rng.gauss(0, 0.06)) for r in REGIONS]
    labels = ["tabby, tabby cat", "tiger cat", "Egyptian cat", "lynx, catamount"]
    extra = {}
    if seed % 3 == 0:
        shares = [rng.random() for _ in REGIONS]
        extra["regions"] = {r: s / sum(shares) for r, s in zip(REGIONS, shares)}
    if seed % 5 == 0:
        extra["converged"] = False
    return _finish("image", labels, rng.uniform(0.3, 0.95), rng.uniform(0.0, 0.3), atts, rng,
                   method="kernel-paired", extra=extra)


def counterfactual(seed: int) -> dict:
    rng = random.Random(seed)
    flip = seed % 2 == 0
    return {"kind": "counterfactual" if flip else "what-if", "label": "bad", "probability": 0.71,
            "new_label": "good" if flip else "bad", "new_probability": rng.uniform(0.5, 0.9),
            "changes": [{"feature": "Income", "from": 330, "to": 1200},
                        {"feature": "Records", "from": "yes", "to": "no"}][: 1 + seed % 2],
            "method": "greedy search"}


def all_records(n: int = 20) -> list:
    return ([loan(i) for i in range(n)] + [text(i) for i in range(n)] + [image(i) for i in range(n)]
            + [counterfactual(i) for i in range(4)])


AUDIENCES = ("customer", "support", "developer")


class Scripted:
    """A fake LLM that returns a fixed text (or raises), streamed in small pieces."""

    def __init__(self, output, name="scripted"):
        self.output, self.name = output, name
        self.prompts = []

    def stream(self, system, user):
        self.prompts.append(user)
        if isinstance(self.output, Exception):
            raise self.output
        out = self.output(user) if callable(self.output) else self.output
        for i in range(0, len(out), 7):
            yield out[i:i + 7]


def echo_templates(user: str) -> str:
    """An LLM that returns the numbered sentences it was given, unchanged."""
    return "\n".join(line for line in user.splitlines() if re.match(r"^\d+\. ", line))


def ev_simple(contribs, values=None, kind="tabular", p=0.8, labels=("good", "bad"), base=0.6):
    values = values or {}
    atts = [Attribution(n, values.get(n, n if kind == "text" else 1.0), c) for n, c in contribs]
    return Evidence(kind, labels[0], {labels[0]: p, labels[1]: 1 - p}, labels[0], base, atts,
                    "exact enumeration", 64, 0.5)



# A loan record whose every true sentence the verifier must accept.
LOAN = ev_simple([("Income", 0.15), ("Assets", 0.08), ("Job", 0.002), ("Amount", -0.06), ("Records", 0.03)],
                 {"Income": 330.0, "Assets": 16500.0, "Job": "fixed", "Amount": 1500.0, "Records": "no"}, p=0.97)
