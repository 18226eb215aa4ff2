"""Command line: ``explainer-nlg explain --demo loan --row 17`` (``--json`` for the Evidence).

Examples::

    explainer-nlg explain --demo loan --row 17
    explainer-nlg explain --demo text --text "The cookies arrived stale" --json
    explainer-nlg explain --demo image --image chelsea --out overlay.png
    explainer-nlg counterfactual --demo loan --row 3
    explainer-nlg what-if --demo loan --row 17 --change Amount=3000 --change Income-=100
    explainer-nlg what-if --demo text --text "Stale cookies" --change stale=fresh
    explainer-nlg explain --demo loan --row 17 --audience customer
    explainer-nlg effect --demo loan --feature Income --out income.png    # see cli_views.py
    explainer-nlg compare --demo loan --by Marital
    explainer-nlg verify --evidence ev.json --text narrative.txt            # see cli_verify.py
    explainer-nlg audit verify                                            # see cli_audit.py
    explainer-nlg serve --port 8000                  # the REST API alone (see api/server.py)
    explainer-nlg batch --model loan --data rows.csv --out evidence.parquet   # see batch/cli.py
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
    ex.add_argument("--demo", required=True, choices=["loan", "house", "text", "image"])
    ex.add_argument("--row", help="loan: the applicant's row id (1 to 4454)")
    ex.add_argument("--text", help="text: the message to explain")
    ex.add_argument("--image", help="image: a file path or a sample photo name (chelsea, coffee, astronaut, ...)")
    ex.add_argument("--target", help="explain toward this class (default: the predicted one)")
    ex.add_argument("--budget", type=int, help="most model calls for the Shapley values (default: automatic)")
    ex.add_argument("--top", type=int, default=8, help="how many contributions to list (default 8)")
    ex.add_argument("--json", action="store_true", help="print the Evidence record as JSON")
    ex.add_argument("--out", help="image: save the heatmap overlay PNG here (and the grid picture beside it)")
    ex.add_argument("--audience", choices=["customer", "support", "developer"],
                    help="print a plain-language narration for this audience instead of the figures")
    ex.add_argument("--llm", metavar="MODEL",
                    help="reword the narration with a local GGUF model (a name such as "
                         "qwen2.5-coder-0.5b, or a path); every sentence is verified first")

    cf = sub.add_parser("counterfactual", help="the fewest changes that flip a demo model's prediction")
    cf.add_argument("--demo", required=True, choices=["loan", "house", "text"])
    cf.add_argument("--row", help="loan: the applicant's row id (1 to 4454)")
    cf.add_argument("--text", help="text: the message")
    cf.add_argument("--target", help="the class to reach (default: the other class)")
    cf.add_argument("--k", type=int, default=3, help="how many counterfactuals (default 3)")
    cf.add_argument("--immutable", help="comma-separated features that must not change (default: the demo's)")
    cf.add_argument("--max-changes", type=int, default=3, help="most features or words changed (default 3)")
    cf.add_argument("--json", action="store_true", help="print the CounterfactualSet record as JSON")

    wi = sub.add_parser("what-if", help="change an input and re-predict")
    wi.add_argument("--demo", required=True, choices=["loan", "house", "text", "image"])
    wi.add_argument("--row", help="loan: the applicant's row id (1 to 4454)")
    wi.add_argument("--text", help="text: the message")
    wi.add_argument("--image", help="image: a file path or a sample photo name")
    wi.add_argument("--change", action="append", default=[],
                    help="loan: F=V, F+=V or F-=V; text: WORD=NEW or WORD= (remove); image: a region name "
                         "to cover (centre, top left, ...). Repeat for several.")
    wi.add_argument("--json", action="store_true", help="print the WhatIf record as JSON")
    from .api.server import add_serve_command
    from .batch.cli import add_batch_command
    from .cli_audit import add_commands as add_audit_commands
    from .cli_verify import add_command
    from .cli_views import add_commands

    add_commands(sub)
    add_command(sub)
    add_audit_commands(sub)
    add_serve_command(sub)
    add_batch_command(sub)
    return ap


def _changes_for(demo: str, specs: list[str]) -> list[dict]:
    if not specs:
        raise ExplainerInputError("what-if needs at least one --change.")
    out = []
    for spec in specs:
        if demo == "image":
            out.append({"action": "cover", "region": spec})
            continue
        if "=" not in spec:
            raise ExplainerInputError(f"--change {spec!r}: write FEATURE=VALUE (or WORD=NEW for text).")
        name, value = spec.split("=", 1)
        if demo == "text":
            out.append({"word": name, "action": "replace", "value": value} if value.strip()
                       else {"word": name, "action": "remove"})
        elif name.endswith(("+", "-")):
            out.append({"feature": name[:-1], "action": "increase" if name[-1] == "+" else "decrease",
                        "value": value})
        else:
            out.append({"feature": name, "action": "set", "value": value})
    return out


def _shown(v) -> str:
    return "(missing)" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def _change(ch) -> str:
    if ch.action == "remove":
        return f"{ch.from_value!r} removed"
    if ch.action == "replace":
        return f"{ch.from_value!r} -> {ch.to_value!r}"
    if ch.action == "cover":
        return f"{ch.feature} covered"
    return f"{ch.feature} {_shown(ch.from_value)} -> {_shown(ch.to_value)}"


def render_counterfactuals(cs) -> str:
    """The CounterfactualSet as plain, number-backed lines (sentences are narrate/'s job)."""
    p0 = cs.original_probabilities[cs.original_label]
    lines = [f"Prediction: {cs.original_label} ({p0:.1%}). Changes that make it {cs.target_label}:"]
    c = cs.constraints
    held = []
    if c.get("immutable"):
        held.append(f"fixed: {', '.join(c['immutable'])}")
    if c.get("protected"):
        held.append(f"protected (never changed): {', '.join(c['protected'])}")
    for f, d in (c.get("monotone") or {}).items():
        held.append(f"{f} may only {d}")
    for i, cf in enumerate(cs.counterfactuals, 1):
        what = "; ".join(_change(ch) for ch in cf.changes)
        lines.append(f"  {i}. {what}  => {cf.predicted_label} ({cf.target_probability:.1%}); "
                     f"{cf.n_changed} changed, distance {cf.distance:.2f}")
    if not cs.found:
        lines.append(f"  none within the limits (at most {c.get('max_changes')} changes).")
    if held:
        lines.append("Constraints: " + "; ".join(held) + ".")
    lines.append(f"Searched {cs.candidates_searched} candidates in {cs.seconds:.2f}s ({cs.method}).")
    lines += [f"Note: {n}" for n in cs.notes]
    return "\n".join(lines)


def render_what_if(w) -> str:
    what = "; ".join(_change(ch) for ch in w.changes)
    t = w.target_label
    lines = [f"Change: {what}",
             f"Prediction: {w.original_label} ({w.original_probabilities[w.original_label]:.1%}) -> "
             f"{w.new_label} ({w.new_probabilities[w.new_label]:.1%}); p({t}) "
             f"{w.probability_change * 100:+.1f} percentage points"
             + (" (the decision changes)" if w.decision_changed else "")]
    if w.evidence is not None:
        top = ", ".join(f"{a.name} {a.contribution * 100:+.1f}" for a in w.evidence.top(3))
        lines.append(f"Largest contributions toward {t} now: {top}")
    lines += [f"Note: {n}" for n in w.notes]
    return "\n".join(lines)


def _input_for(args, ex):
    if args.demo in ("loan", "house"):
        if args.row is None:
            rows = "an applicant's row id, 1 to 4454" if args.demo == "loan" else "a house's row id, 1 to 2930"
            raise ExplainerInputError(f"The {args.demo} demo needs --row ID ({rows}).")
        return args.row
    if args.demo == "text":
        if args.text is None:
            raise ExplainerInputError('The text demo needs --text "a message".')
        return args.text
    if getattr(args, "image", None) is None:
        raise ExplainerInputError("The image demo needs --image PATH or a sample name such as chelsea.")
    return ex.sample(args.image) if args.image in ex.sample_names else args.image


def render_text(ev, top: int) -> str:
    """A plain, number-backed summary of the Evidence (narration proper lives in narrate/)."""
    if ev.is_regression or ev.unit != "probability":
        unit = f" {ev.unit}" if ev.unit else ""
        lines = [f"Prediction: {ev.predicted_label} = {ev.output_value:,.6g}{unit} (base value {ev.base_value:,.6g})",
                 "Contributions (in the model's unit):"]
        lines += [f"  {a.contribution:+12,.6g}  {a.name} = {a.value}" for a in ev.top(top)]
        lines.append(f"Method: {ev.method}; {ev.n_evaluations} model calls; {ev.seconds:.2f}s.")
        return "\n".join(lines + [f"Note: {n}" for n in ev.notes])
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
    if ev.regions is not None:
        lines += _render_regions(ev)
    lines.append(f"Method: {ev.method}; {ev.n_evaluations} model calls; {ev.seconds:.2f}s.")
    lines += [f"Note: {n}" for n in ev.notes]
    return "\n".join(lines)


def _render_regions(ev) -> list[str]:
    r, f = ev.regions, ev.faithfulness
    grid = sorted(r["grid"].items(), key=lambda kv: -kv[1])
    lines = [f"Heat ({r['method']} on {r['layer'] or 'the target layer'}): "
             + ", ".join(f"{name} {share:.0%}" for name, share in grid[:4]) + ", ..."]
    if r["hottest"]:
        h = r["hottest"]
        lines.append(f"Hottest region: box {h['box']} (x0, y0, x1, y1) in the {' and '.join(h['cells'])}, "
                     f"{h['area_share']:.0%} of the image, {h['heat_share']:.0%} of the heat.")
    if r["foreground"]:
        fg = r["foreground"]
        where = "on the object" if fg["on_object"] else "on the background"
        lines.append(f"The heat lies mostly {where}: {fg['heat_share']:.0%} of it on the estimated object, "
                     f"which covers {fg['area_share']:.0%} of the image.")
    if "deletion_auc" in f:
        lines.append(f"Deletion AUC {f['deletion_auc']:.3f} (random map {f['deletion_auc_random']:.3f}; lower is "
                     f"better), insertion AUC {f['insertion_auc']:.3f} (random map {f['insertion_auc_random']:.3f}; "
                     f"higher is better).")
    return lines


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    from . import cli_audit
    from .cli_views import COMMANDS, run

    if args.command in COMMANDS:
        return run(args)
    if args.command == "verify":
        from .cli_verify import run as run_verify

        return run_verify(args)
    if args.command in cli_audit.COMMANDS:
        return cli_audit.run(args)
    if args.command == "serve":
        from .api.server import serve

        return serve(args)
    if args.command == "batch":
        from .batch.cli import main as batch

        return batch(args)
    from .explainer import Explainer

    try:
        if getattr(args, "out", None) and args.demo != "image":
            raise ExplainerInputError("--out saves a heatmap picture; it works with --demo image only.")
        ex = Explainer.demo(args.demo)
        if args.command == "counterfactual":
            immutable = None if args.immutable is None else [f.strip() for f in args.immutable.split(",") if f.strip()]
            cs = ex.counterfactuals(_input_for(args, ex), target=args.target, k=args.k, immutable=immutable,
                                    max_changes=args.max_changes)
            print(cs.to_json(indent=2) if args.json else render_counterfactuals(cs))
            return 0
        if args.command == "what-if":
            w = ex.what_if(_input_for(args, ex), _changes_for(args.demo, args.change))
            print(w.to_json(indent=2) if args.json else render_what_if(w))
            return 0
        x = _input_for(args, ex)
        ev = ex.explain(x, target=args.target, budget=args.budget)
    except ExplainerInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.audience and not args.json:
        from .narrate import narrate

        llm = None
        if args.llm:
            from .narrate.llm_loader import load_llm

            llm = load_llm(args.llm)  # llama.cpp where it is installed and works, else transformers
        descriptions = ex.info.get("descriptions")
        # A command line waits for the LLM however long it takes (no chat user is waiting).
        print(narrate(ev, args.audience, llm=llm, descriptions=descriptions, time_limits=None).text)
        return 0
    print(ev.to_json(indent=2) if args.json else render_text(ev, args.top))
    if getattr(args, "out", None):
        from pathlib import Path

        from .pictures import evidence_pictures

        pictures = evidence_pictures(ev, x)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        pictures["overlay"].save(out, format="PNG")
        grid_path = out.with_name(out.stem + "-grid.png")
        pictures["grid"].save(grid_path, format="PNG")
        print(f"Saved {out} and {grid_path}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
