"""Help, and the answers to questions the assistant must not or cannot act on."""

from __future__ import annotations

from ...narrate.facts import fmt_number
from ..lexicon import THANKS, names_group
from ..reply import OpResult
from .context import Context

EXAMPLES = {
    "tabular": ["why was 17 denied?", "what could change it?", "what if Income was 500?",
                "how confident is it?", "top 3 features for applicants older than 60",
                "how many people with prior records were denied?", "average Income for denied applicants",
                "how accurate is the model?", "show me the mistakes", "what does Seniority mean?"],
    "text": ["why?", "why not great?", "what if I remove 'stale'?", "what could make it great?",
             "how sure is it?", "which words mattered most?"],
    "image": ["why?", "what part of the picture mattered?", "how confident is it?",
              "what if we cover the centre?", "what are the top 3 classes?"],
}


def help_(ctx: Context) -> OpResult:
    ex = EXAMPLES[ctx.kind]
    if ctx.question.strip() and THANKS.fullmatch(ctx.question.lower().strip()):
        # "ok thanks", "bye": a short reply, not the whole menu
        return OpResult("help", "You're welcome. Ask me anything else about this model's decisions, for example "
                                f"“{ex[0]}” or “{ex[2]}”.", figures={"examples": ex})
    text = ("I explain this model's predictions from computed evidence. You can ask why it predicted "
            "something (or why not another class), how confident it is, what matters most, what would change "
            "the outcome, and, for tables, about the data, its statistics, the model's accuracy and mistakes. "
            "For example: " + " · ".join(f"“{e}”" for e in ex))
    return OpResult("help", text, figures={"examples": ex})


def unsupported(ctx: Context) -> OpResult:
    reason = ctx.slots.get("reason", "unclear")
    if reason == "empty":
        return OpResult("unsupported", "Please type a question, for example “why?” or “what can I ask?”.")
    if reason == "too_long":
        n = ctx.slots.get("length") or 0
        return OpResult("unsupported", f"That message is {fmt_number(n)} characters long; I read questions of up to "
                                       "1,000 characters. Please ask one short question at a time.")
    if reason == "language":
        return OpResult("unsupported", "I can only read questions in English for now. Try “why?” or “what can I ask?”.")
    if reason == "unknown_feature":
        term = ctx.slots.get("term", "")
        feats = ctx.assistant.table().features if ctx.kind == "tabular" else []
        if names_group(term):
            # "do you discriminate against women": what the data cannot show, and what it can
            return OpResult("unsupported", f"The data has no column for “{term}”, so I cannot compare how the model "
                                           "treats them: the model is not given it. Features related to it can still "
                                           "carry it into the decisions, which this data cannot measure. The "
                                           f"features are: {', '.join(feats)}.")
        return OpResult("unsupported", f"The data has nothing called “{term}”. The features are: {', '.join(feats)}.")
    if reason == "injection":
        return _refuse(ctx)
    if reason == "no_feature":
        feats = ctx.assistant.table().features if ctx.kind == "tabular" else []
        return OpResult("unsupported", f"Which feature is {ctx.slots.get('number', 'that number')} about? No feature "
                                       f"of this data takes that value. The features are: {', '.join(feats)}.")
    if reason == "not_available":
        return not_available(ctx)
    if reason == "off_topic":
        return OpResult("unsupported", "I only answer questions about this model's predictions and its data, "
                                       "so I cannot do that. " + help_(ctx).text)
    return OpResult("unsupported", "I did not understand that question, so I won't guess at an answer. "
                                   + help_(ctx).text)


def not_available(ctx: Context) -> OpResult:
    """An operation the parser recognises but the assistant cannot answer yet: say so, and what it
    can do instead (from the registry's declaration)."""
    from .. import registry

    op = registry.get(ctx.slots.get("wanted", "help"))
    return OpResult("unsupported", f"I can't yet answer questions about {op.meaning}. Instead I can tell you "
                                   f"{op.instead}.",
                    figures={"wanted": op.name})


def _refuse(ctx: Context) -> OpResult:
    """Refuse to state what the evidence does not back, and say what it does show."""
    head = "I only say what the computed evidence shows, so I won't say that."
    if ctx.x is None:
        return OpResult("unsupported", head + " Pick an input and ask “why?” to see the evidence.")
    ev = ctx.assistant.evidence(ctx.x)
    answer = ctx.narrate(ev)
    wanted = {str(f).lower() for f in ctx.slots.get("features") or []}
    named = [a for a in ev.attributions if a.name.lower() in wanted]
    facts = []
    ranks = {a.name: i for i, a in enumerate(ev.top(len(ev.attributions)), 1)}
    for a in named[:3]:
        facts.append(f"{a.name} contributed {a.contribution * 100:+.1f} percentage points toward “{ev.target_label}” "
                     f"(rank {ranks[a.name]} of {len(ev.attributions)} by size).")
    return OpResult("unsupported", " ".join([head, *facts, "What the evidence says:", answer.text]),
                    narration=answer, evidence=ev)
