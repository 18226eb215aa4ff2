"""Command line: ``explainer-nlg explain --demo loan --row 17`` (``--json`` for the Evidence).

Examples::

    explainer-nlg explain --demo loan --row 17
    explainer-nlg explain --demo text --text "The cookies arrived stale" --json
    explainer-nlg explain --demo image --image chelsea
    explainer-nlg explain --demo loan --row 17 --audience customer
"""

from __future__ import annotations

import argparse
import os
import sys

from .errors import ExplainerInputError


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="explainer-nlg", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("explain", help="explain one prediction of a demo model")
    ex.add_argument("--demo", required=True, choices=["loan", "text", "image"])
    ex.add_argument("--row", help="loan: the applicant's row id (1 to 4454)")
    ex.add_argument("--text", help="text: the message to explain")
    ex.add_argument("--image", help="image: a file path or a sample photo name (chelsea, coffee, astronaut, ...)")
    ex.add_argument("--target", help="explain toward this class (default: the predicted one)")
    ex.add_argument("--budget", type=int, help="most model calls for the Shapley values (default: automatic)")
    ex.add_argument("--top", type=int, default=8, help="how many contributions to list (default 8)")
    ex.add_argument("--json", action="store_true", help="print the Evidence record as JSON")
    ex.add_argument("--audience", choices=["customer", "support", "developer"],
                    help="print a plain-language narration for this audience instead of the figures")
    ex.add_argument("--llm", metavar="MODEL",
                    help="reword the narration with a local GGUF model (a name such as "
                         "qwen2.5-coder-0.5b, or a path); every sentence is verified first")
    return ap


def _input_for(args):
    if args.demo == "loan":
        if args.row is None:
            raise ExplainerInputError("The loan demo needs --row ID (an applicant's row id, 1 to 4454).")
        return args.row
    if args.demo == "text":
        if args.text is None:
            raise ExplainerInputError('The text demo needs --text "a message".')
        return args.text
    if args.image is None:
        raise ExplainerInputError("The image demo needs --image PATH or a sample name such as chelsea.")
    from .demos.image_model import SAMPLE_PHOTOS, sample_photo

    return sample_photo(args.image) if args.image in SAMPLE_PHOTOS else args.image


def render_text(ev, top: int) -> str:
    """A plain, number-backed summary of the Evidence (narration proper lives in narrate/)."""
    lines = [f"Prediction: {ev.predicted_label} ({ev.probabilities[ev.predicted_label]:.1%})"]
    others = ", ".join(f"{c} {p:.1%}" for c, p in ev.probabilities.items() if c != ev.predicted_label)
    if others and len(ev.probabilities) <= 5:
        lines[0] += f"; {others}"
    lines.append(f"Contributions toward {ev.target_label} (probability points; starting from "
                 f"{ev.base_value:.1%} with nothing known):")
    for a in ev.top(top):
        shown = f"{a.name} = {a.value}" if a.value is not None and a.value != a.name else a.name
        lines.append(f"  {a.contribution * 100:+7.2f}  {shown}")
    f = ev.faithfulness
    if f:
        lines.append(f"Removing the top {f['k']} lowers p({ev.target_label}) by "
                     f"{f['comprehensiveness'] * 100:.1f} percentage points "
                     f"(removing {f['k']} at random: {(f['comprehensiveness_random_k'] or 0) * 100:.1f}).")
    lines.append(f"Method: {ev.method}; {ev.n_evaluations} model calls; {ev.seconds:.2f}s.")
    lines += [f"Note: {n}" for n in ev.notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    from .explainer import Explainer

    try:
        ex = Explainer.demo(args.demo)
        ev = ex.explain(_input_for(args), target=args.target, budget=args.budget)
    except ExplainerInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.audience and not args.json:
        from .narrate import narrate

        llm = None
        if args.llm:
            from .narrate import LlamaCppLLM

            llm = LlamaCppLLM(args.llm)
        descriptions = ex.info.get("descriptions")
        print(narrate(ev, args.audience, llm=llm, descriptions=descriptions).text)
        return 0
    print(ev.to_json(indent=2) if args.json else render_text(ev, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
