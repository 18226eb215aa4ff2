"""Reason notices: the principal reasons for an adverse decision, verified, in a lender's words.

Regulation B (12 CFR 1002.9) asks a creditor to state the specific principal reasons for an
adverse action, and says more than four is not likely to be helpful. ``reason_notice`` takes the
Shapley contributions toward the favourable class and lists, strongest first, up to ``k`` features
that pushed the prediction away from it, each with the applicant's value and how it compares with
applicants the model approves. Protected features are never listed (the notice says so); reasons
whose contributions lie within sampling error of each other are flagged; every reason sentence
is checked by the claim verifier, and every comparison against the data it quotes. The wording is
``prompts/notice.toml``.

>>> from explainer_nlg.explainer import Explainer
>>> n = Explainer.demo("loan").reasons(3, record=False)
>>> n.adverse, [r.feature for r in n.reasons]
(True, ['Amount', 'Records', 'Expenses', 'Assets'])
>>> n.reasons[0].sentence, n.reasons[0].verified
('A requested amount of 2,000 counted against “good”.', True)
>>> "Age" in [r.feature for r in n.reasons], n.protected
(False, ['Age', 'Marital'])
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import ExplainerInputError
from .evidence.serialise import to_plain

MAX_REASONS = 4  # Regulation B: "more than four ... not likely to be helpful"
_approved: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Reason:
    """One principal reason: the feature, the applicant's value, its contribution toward the
    favourable class (negative) and that contribution's standard error, the sentence and the
    comparison line as shown, and whether each was verified (``verdict`` says why not)."""

    rank: int
    feature: str
    value: Any
    contribution: float
    standard_error: float | None
    sentence: str
    comparison: str
    verified: bool
    verdict: str = ""
    reference: dict = field(default_factory=dict)   # the approved applicants' median or share
    close_to: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ReasonNotice:
    """A reason notice: the decision, the reasons, the lines every notice carries, the evidence."""

    decision: str
    favourable: str
    probability: float
    adverse: bool
    reasons: list[Reason]
    protected: list[str]
    lines: list[str]               # the notice as shown, one line each
    counterfactual: str | None
    evidence: Any
    template_fallbacks: int = 0    # reworded reasons the verifier could not back, so said in the default words

    # Where the notice went on the record (as ChatAnswer.audit); None when not recorded.
    audit: dict | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k != "evidence"}
        d["evidence"] = self.evidence.to_dict() if self.evidence is not None else None
        d["text"] = self.text
        return to_plain(d)


def reason_notice(ex: Any, x: Any, k: int = MAX_REASONS, counterfactual: bool = True,
                  budget: int | None = None) -> ReasonNotice:
    """The reason notice for ``x`` (see the module docstring)."""
    from .narrate.facts import facts_for, fmt_pct, quote
    from .narrate.verify import verify_sentence
    from .prompt_files import load_prompt_file

    if ex.kind != "tabular":
        raise ExplainerInputError("Reason notices are for tabular classifiers (a row of an application).")
    if not 1 <= int(k) <= MAX_REASONS:
        raise ExplainerInputError(f"k must be 1 to {MAX_REASONS}: Regulation B says more than four principal "
                                  "reasons is not likely to be helpful.")
    words = load_prompt_file("notice.toml")
    t, default = words["notice"], words["default"]
    favourable = favourable_class(ex)
    probs = ex.predict(x)
    decision = max(probs, key=probs.get)
    ev = ex.explain(x, target=favourable, budget=budget)
    descriptions = ex.info.get("descriptions") or None
    protected = sorted(ex.info.get("protected") or [])
    fav_q = quote(favourable)
    fill = {"favourable": fav_q, "decision": quote(decision), "probability": fmt_pct(probs[favourable])}
    lines = [t["title"]]
    if decision == favourable:
        lines.append(t["favourable"].format(**fill))
        return ReasonNotice(decision, favourable, probs[favourable], False, [], protected,
                            lines + [_protected_line(t, protected)], None, ev)
    lines.append(t["adverse"].format(**fill))
    players = {p.name: p for p in facts_for(ev, descriptions).players}
    against = sorted((a for a in ev.attributions if a.contribution < 0 and a.name not in protected),
                     key=lambda a: a.contribution)[: int(k)]
    reasons, fallbacks = [], 0
    for rank, a in enumerate(against, 1):
        phrase = players[a.name].phrase
        sentence = _cap(t["reason"].format(feature=phrase, favourable=fav_q))
        verdict = verify_sentence(sentence, ev, descriptions)
        note = ""
        if not verdict.ok and t["reason"] != default["reason"]:
            fallbacks += 1
            note = f"reworded reason failed ({verdict.reason}); default wording used"
            sentence = _cap(default["reason"].format(feature=phrase, favourable=fav_q))
            verdict = verify_sentence(sentence, ev, descriptions)
        comparison, reference, compared_ok = _comparison(ex, favourable, a, t)
        ok = verdict.ok and compared_ok
        reasons.append(Reason(rank, a.name, to_plain(a.value), float(a.contribution), a.standard_error, sentence,
                              comparison, ok, "; ".join(filter(None, [note, verdict.reason,
                                                                      "" if compared_ok else "comparison not backed"])),
                              reference))
    reasons = _flag_close(reasons)
    if reasons:
        lines.append(t["reasons_intro"])
        lines += [f"{r.rank}. {r.sentence}" + (f" {r.comparison}" if r.comparison else "") for r in reasons]
    else:
        lines.append(t["none_against"].format(**fill))
    flagged = sorted({tuple(sorted((r.rank, c))) for r in reasons for c in r.close_to})
    lines += [t["close"].format(first=i, second=j) for i, j in flagged]
    lines.append(_protected_line(t, protected))
    cf_line = _counterfactual_line(ex, x, favourable, descriptions) if counterfactual else None
    if cf_line:
        lines.append(t["counterfactual"].format(line=cf_line))
    lines.append(t["method"].format(method=ev.method, **fill))
    return ReasonNotice(decision, favourable, probs[favourable], True, reasons, protected, lines, cf_line, ev,
                        fallbacks)


def favourable_class(ex: Any) -> str:
    """The class a notice counts as favourable: ``positive_class``, else for two classes the
    second (scikit-learn's order)."""
    pos = ex.info.get("positive_class")
    if pos:
        return str(pos)
    if len(ex.class_names) != 2:
        raise ExplainerInputError("Say which class is favourable (positive_class=...) for a model with "
                                  f"{len(ex.class_names)} classes.")
    return ex.class_names[1]


def _protected_line(t: dict, protected: list[str]) -> str:
    return t["protected"].format(protected=", ".join(protected)) if protected else t["protected_none"]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _approved_rows(ex: Any, favourable: str):
    """The explainer's rows the model predicts ``favourable`` for (computed once per explainer)."""
    hit = _approved.get(ex)
    if hit is not None and hit[0] == favourable:
        return hit[1]
    rows = ex.rows()
    feats = ex.info.get("features") or list(rows.columns)
    probs = ex.predictor.predict_proba(rows[feats])
    approved = rows[probs.argmax(axis=1) == ex.class_names.index(favourable)]
    _approved[ex] = (favourable, approved)
    return approved


def _comparison(ex: Any, favourable: str, a: Any, t: dict) -> tuple[str, dict, bool]:
    """The line comparing the applicant's value with approved applicants, the figures it quotes,
    and whether the line states exactly those figures (its numbers are read back)."""
    from .narrate.facts import fmt_number, fmt_pct, is_number

    approved = _approved_rows(ex, favourable)
    if a.name not in approved.columns or approved.empty:
        return "", {}, True
    col = approved[a.name].dropna()
    if is_number(a.value) and col.dtype.kind in "fiu":
        median = float(col.median())
        value = float(a.value)
        if math.isclose(value, median):
            return "", {"median": median}, True
        line = t["comparison_low" if value < median else "comparison_high"].format(median=fmt_number(median),
                                                                                    value=fmt_number(value))
        return line, {"median": median, "approved_rows": int(len(col))}, _numbers(line) <= {
            _norm(fmt_number(median)), _norm(fmt_number(value))}
    share = float((col.astype(str) == str(a.value)).mean())
    line = t["comparison_category"].format(share=_cap(fmt_pct(share)), value=a.value)
    return line, {"share": share, "approved_rows": int(len(col))}, _numbers(line) <= {_norm(fmt_pct(share))}


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def _numbers(line: str) -> set[str]:
    return {_norm(m) for m in _NUMBER.findall(line)}


def _norm(s: str) -> str:
    return s.replace(",", "").rstrip("%")


def _flag_close(reasons: list[Reason]) -> list[Reason]:
    """Mark neighbouring reasons whose contributions differ by less than twice the standard error
    of their difference (exact methods have none: never flagged)."""
    out = [r for r in reasons]
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.standard_error is None or b.standard_error is None:
            continue
        spread = 2 * math.hypot(a.standard_error, b.standard_error)
        if spread > 0 and abs(a.contribution - b.contribution) <= spread:
            out[i] = _with_close(out[i], b.rank)
            out[i + 1] = _with_close(out[i + 1], a.rank)
    return out


def _with_close(r: Reason, other: int) -> Reason:
    from dataclasses import replace

    return replace(r, close_to=sorted({*r.close_to, other}))


def _counterfactual_line(ex: Any, x: Any, favourable: str, descriptions: Any) -> str | None:
    """The verified counterfactual sentence (protected features are never changed), or None."""
    from .narrate import narrate

    try:
        cfs = ex.counterfactuals(x, target=favourable, k=1)
    except ExplainerInputError:
        return None
    if not cfs.found:
        return None
    sentences = narrate(cfs, "customer", descriptions=descriptions).sentences
    ok = [s.text for s in sentences if s.status in ("template", "rephrased") and not s.reason]
    return ok[0][:1].lower() + ok[0][1:] if ok else None


def record_notice(ex: Any, notice: ReasonNotice, x: Any, operator: str | None = None, session: str = "",
                  audit: Any = None) -> ReasonNotice:
    """``notice`` appended to the audit log (kind "notice"; ``audit``: default ``AuditLog.at()``),
    with its case number in ``notice.audit``; where the log cannot be written, the notice's last
    line says it is not on the record."""
    from dataclasses import replace

    from .chat.recording import record_answer
    from .chat.reply import ChatAnswer, OpResult
    from .narrate.answer import Answer, SentenceRecord
    from .store.audit import AuditLog

    log = audit if audit is not None else AuditLog.at()
    sentences = tuple(SentenceRecord(r.sentence, r.sentence, "template", "" if r.verified else r.verdict, "reason")
                      for r in notice.reasons)
    narration = Answer(notice.text, sentences, notice.evidence, "customer", "reasons")
    part = OpResult("reasons", notice.text, narration=narration, evidence=notice.evidence,
                    figures={k: v for k, v in notice.to_dict().items() if k not in ("evidence", "text", "audit")})
    answer = ChatAnswer(notice.text, {"question": "", "ops": [{"op": "reasons"}]}, (part,), session, input=x)
    done = record_answer(log, ex, answer, question="(reason notice)", source="python", operator=operator,
                         kind="notice")
    lines = notice.lines if done.text == notice.text else [*notice.lines, done.text[len(notice.text):].strip()]
    return replace(notice, lines=lines, audit=done.audit)
