"""Judge narrated answers against the frozen reference set (data/narration_reference.toml).

    python benchmarks/narration_judge.py                 # our template answers vs the references
    python benchmarks/narration_judge.py --save before   # also keep our answers in data/narration_<name>.json
    python benchmarks/narration_judge.py --pairs before  # print before/after pairs (customer)
    python benchmarks/narration_judge.py --measure before  # the measures of saved answers
    python benchmarks/narration_judge.py --llm qwen2.5-coder-0.5b@llama.cpp --audience customer
                                                         # the LLM's reworded answers (no time limit)

Per audience it prints, for our answers and for the references alike:

- words per answer (median, max) and, for customers, how many are under 60 words;
- repeated claims: sentences that state the decision again after the first, plus each feature, word
  or region named again in a later sentence (a caution naming a factor counts too);
- whether the first sentence states the decision;
- reasons named (distinct features, words or regions) and figures quoted (numbers with % or points);
- agreement with the reference: recall and precision of the factors it names, and ROUGE-L F1.

The question decides the premise: "why was 17 denied?" asks about "bad" on the loan demo.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AUDIENCES = ("customer", "support", "developer")
# How the loan demo's users name its classes (the chat's aliases say the same).
PREMISE_WORDS = {"denied": "bad", "rejected": "bad", "turned down": "bad", "refused": "bad", "approved": "good",
                 "accepted": "good"}


def load_reference() -> list[dict]:
    with open(HERE / "data" / "narration_reference.toml", "rb") as fh:
        return tomllib.load(fh)["answer"]


def load_records() -> list:
    from narration_records import load_records as load

    from explainer_nlg.evidence import Evidence

    return [Evidence.from_dict(d) for d in load()]


def asked_class(question: str, ev) -> str | None:
    """The class a question takes for granted ("why was 17 denied?" -> "bad"), if any."""
    q = question.lower()
    for word, label in PREMISE_WORDS.items():
        if word in q and label in ev.probabilities:
            return label
    m = re.search(r"why not (.+?)\??$", q)
    if m:
        named = m.group(1).strip().lstrip("a ").strip()
        for c in ev.probabilities:
            if named and (named in c.lower() or c.lower() in named):
                return c
    return None


def our_answer(ev, question: str, audience: str, llm=None, time_limits=None) -> tuple[str, object]:
    """Our answer to ``question`` about ``ev``, as the chat's why / why-not handlers build it."""
    from explainer_nlg.narrate import narrate

    asked = asked_class(question, ev)
    kwargs = {"llm": llm, "time_limits": time_limits}
    premise = (asked, not question.lower().startswith("why not")) if asked is not None else None
    try:
        a = narrate(ev, audience, premise=premise, **kwargs)
    except TypeError:  # the narration before issue 16: the chat prefixed a note to a wrong premise
        a = narrate(ev, audience, **kwargs)
        if premise is not None and premise[1] and asked != ev.predicted_label:
            return f"The model predicted “{ev.predicted_label}”, not “{asked}”. " + a.text, a
    return a.text, a


# ---- measures ---------------------------------------------------------------------------------

def _decision_words() -> set[str]:
    from explainer_nlg.narrate.vocabulary import vocabulary, words_of

    words = {w for p in vocabulary()["language"]["decision_cues"] for w in words_of(p)}
    return words | {"sees", "rated"}


def sentences(text: str) -> list[str]:
    from explainer_nlg.narrate.verify import split_sentences

    return split_sentences(text)


def states_decision(sentence: str, ev) -> bool:
    from explainer_nlg.narrate.vocabulary import words_of

    words = set(words_of(sentence))
    labels = [c.split(",")[0].lower() for c in ev.probabilities]
    # Curly quotes in the templates; straight ones where the LLM reworded ("good").
    quoted = [x.lower() for pair in re.findall(r"“([^”]*)”|\"([^\"]*)\"", sentence) for x in pair if x]
    return bool(words & _decision_words()) and ev.predicted_label.split(",")[0].lower() in quoted \
        and any(lab in quoted for lab in labels)


def factors_named(sentence: str, ev) -> set:
    """Features, words or regions a sentence names (a word that is also a class name, such as
    “great” in a review, reads either way and is left out)."""
    from explainer_nlg.narrate.verify import verify_sentence

    labels = {c.lower() for c in ev.probabilities}
    return {m for m in verify_sentence(sentence, ev).mentioned
            if m[0] != "label" and ev.attributions[m[1]].name.lower() not in labels}


def repeated_claims(text: str, ev) -> int:
    """Decision statements after the first, plus factors named again in a later sentence."""
    seen: set = set()
    decisions = repeats = 0
    for s in sentences(text):
        if states_decision(s, ev):
            decisions += 1
        named = factors_named(s, ev)
        repeats += len(named & seen)
        seen |= named
    return max(0, decisions - 1) + repeats


def figures(text: str) -> int:
    return len(re.findall(r"\d[\d,]*(?:\.\d+)?\s?(?:%|points?|percentage points)", text))


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def rouge_l(a: str, b: str) -> float:
    from explainer_nlg.narrate.vocabulary import words_of

    x, y = words_of(a), words_of(b)
    if not x or not y:
        return 0.0
    prev = [0] * (len(y) + 1)
    for xi in x:
        cur = [0]
        for j, yj in enumerate(y, 1):
            cur.append(prev[j - 1] + 1 if xi == yj else max(prev[j], cur[-1]))
        prev = cur
    lcs = prev[-1]
    p, r = lcs / len(x), lcs / len(y)
    return 0.0 if lcs == 0 else 2 * p * r / (p + r)


def measure(text: str, ev, reference: str | None = None) -> dict:
    first = sentences(text)[:1]
    named = set().union(*[factors_named(s, ev) for s in sentences(text)]) if text else set()
    out = {"words": words(text), "repeats": repeated_claims(text, ev),
           "leads": bool(first) and states_decision(first[0], ev), "reasons": len(named),
           "figures": figures(text)}
    if reference is not None:
        ref_named = set().union(*[factors_named(s, ev) for s in sentences(reference)])
        out["recall"] = len(named & ref_named) / len(ref_named) if ref_named else 1.0
        out["precision"] = len(named & ref_named) / len(named) if named else 1.0
        out["rouge_l"] = rouge_l(text, reference)
    return out


def summarise(rows: list[dict], audience: str) -> str:
    def med(k):
        return statistics.median(r[k] for r in rows)

    parts = [f"words median {med('words'):.0f} (max {max(r['words'] for r in rows)})"]
    if audience == "customer":
        parts.append(f"under 60 words {sum(r['words'] < 60 for r in rows)}/{len(rows)}")
    parts += [f"repeated claims {sum(r['repeats'] for r in rows)} in {sum(r['repeats'] > 0 for r in rows)} answers",
              f"decision first {sum(r['leads'] for r in rows)}/{len(rows)}",
              f"reasons median {med('reasons'):.0f}", f"figures median {med('figures'):.0f}"]
    if "recall" in rows[0]:
        parts += [f"factor recall {statistics.mean(r['recall'] for r in rows):.2f}",
                  f"precision {statistics.mean(r['precision'] for r in rows):.2f}",
                  f"ROUGE-L {statistics.mean(r['rouge_l'] for r in rows):.2f}"]
    return "; ".join(parts)


def judge(llm=None, time_limits=None, save: str | None = None, audiences=AUDIENCES) -> dict:
    refs, records = load_reference(), load_records()
    saved: dict = {}
    results: dict = {}
    for audience in audiences:
        ours, theirs = [], []
        accepted = changed = total = 0
        for item in refs:
            ev = records[item["record"]]
            text, answer = our_answer(ev, item["question"], audience, llm=llm, time_limits=time_limits)
            ours.append(measure(text, ev, item[audience]))
            theirs.append(measure(item[audience], ev))
            saved.setdefault(str(item["record"]), {"question": item["question"]})[audience] = text
            if llm is not None:
                accepted += sum(s.status == "rephrased" for s in answer.sentences)
                changed += sum(s.status == "rephrased" and s.text != s.template for s in answer.sentences)
                total += len(answer.sentences)
        results[audience] = {"ours": ours, "reference": theirs}
        print(f"{audience:9s} ours:      {summarise(ours, audience)}")
        if llm is not None:
            print(f"{'':9s} LLM {llm.name} ({getattr(llm, 'backend', '')}): sentences accepted {accepted}/{total}, "
                  f"worded differently {changed}/{total}")
        print(f"{'':9s} reference: {summarise(theirs, audience)}", flush=True)
    if save:
        path = HERE / "data" / f"narration_{save}.json"
        path.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n")
        print(f"saved our answers to {path}")
    return results


def measure_saved(name: str) -> None:
    """The same measures for answers saved earlier (data/narration_NAME.json), against the references."""
    saved = json.loads((HERE / "data" / f"narration_{name}.json").read_text())
    records = load_records()
    for audience in AUDIENCES:
        if any(audience not in answers for answers in saved.values()):
            continue  # saved for some audiences only (--audience)
        rows = [measure(saved[str(item["record"])][audience], records[item["record"]], item[audience])
                for item in load_reference()]
        print(f"{audience:9s} {name}: {summarise(rows, audience)}")


def pairs(name: str, n: int = 5, audience: str = "customer") -> None:
    """Before/after pairs: the saved answers ``name`` next to today's, worst repeats first."""
    before = json.loads((HERE / "data" / f"narration_{name}.json").read_text())
    records = load_records()
    rows = []
    for rec, item in before.items():
        ev = records[int(rec)]
        now, _ = our_answer(ev, item["question"], audience)
        rows.append((repeated_claims(item[audience], ev), words(item[audience]), rec, item["question"],
                     item[audience], now))
    rows.sort(key=lambda r: (-r[0], -r[1]))
    for _, _, rec, q, old, new in rows[:n]:
        print(f"record {rec}, “{q}”\n  before: {old}\n  after:  {new}\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--save", help="keep our answers as data/narration_NAME.json")
    ap.add_argument("--pairs", help="print before/after pairs against data/narration_NAME.json")
    ap.add_argument("--measure", help="measure the answers saved as data/narration_NAME.json")
    ap.add_argument("--llm", help="reword with this LLM first: NAME[@BACKEND[:DTYPE]] (no time limit)")
    ap.add_argument("--audience", action="append", default=[], help="audiences (default all three)")
    args = ap.parse_args()
    if args.measure:
        measure_saved(args.measure)
        return
    if args.pairs:
        pairs(args.pairs)
        return
    llm = None
    if args.llm:
        from explainer_nlg.narrate.llm_loader import load_llm

        name, _, how = args.llm.partition("@")
        backend, _, dtype = (how or "auto").partition(":")
        llm = load_llm(name, backend=backend, **({"dtype": dtype} if dtype else {}))
    judge(llm=llm, save=args.save, audiences=tuple(args.audience) or AUDIENCES)


if __name__ == "__main__":
    main()
