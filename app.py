"""Start the chat app: ``python app.py`` (then open the printed URL).

``python app.py --smoke`` builds the app, answers one question through the same code path the
page uses, prints it and exits (the README's CI line runs it). ``--port`` picks the port.

The local LLM (Qwen2.5-Coder-0.5B, from the ``llm`` extra) rewords the verified sentences. It
loads in the background: answers come from the templates until it is ready, and from the
templates for good when it is not installed or its file is broken (said once, at start).
``--llm NAME`` picks another model, ``--no-llm`` turns it off.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from explainer_nlg.narrate.llm_loader import BACKENDS, DEFAULT_MODEL  # noqa: E402 - light: no torch


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", 7860)))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--llm", default=DEFAULT_MODEL,
                    help=f"the local GGUF model (a name or a path) that rewords the sentences (default {DEFAULT_MODEL})")
    ap.add_argument("--llm-backend", default="auto", choices=BACKENDS,
                    help="auto: llama.cpp where it is installed and works, else transformers")
    ap.add_argument("--no-llm", action="store_true", help="answer from the templates only")
    ap.add_argument("--smoke", action="store_true", help="build the app, answer one question, exit")
    args = ap.parse_args(argv)

    from explainer_nlg.ui import build_app

    llm = None
    if not args.no_llm:
        from explainer_nlg.narrate.llm_loader import BackgroundLLM

        print(f"LLM {args.llm}: loading in the background; answers come from the templates until it is ready.",
              flush=True)
        llm = BackgroundLLM(args.llm, backend=args.llm_backend, on_status=lambda m: print(m, flush=True))
    t0 = time.perf_counter()
    app = build_app(llm=llm)
    if args.smoke:
        return smoke(llm, time.perf_counter() - t0)
    app.queue().launch(server_name=args.host, server_port=args.port)
    return 0


def smoke(llm, built_seconds: float) -> int:
    """Answer "why was 17 denied?" at once (templates while the LLM loads), then, where an LLM
    is installed, again once it is ready, showing which sentences it reworded."""
    from explainer_nlg import Explainer

    print(f"app built in {built_seconds:.1f}s; endpoints: /explain /ask /parse")
    question = "why was 17 denied?"
    assistant = Explainer.demo("loan").assistant(llm=llm)
    print(f"Q: {question}\nA: {assistant.ask(question).text}", flush=True)
    if llm is None or not llm.wait(timeout=float(os.environ.get("EXPLAINER_NLG_SMOKE_WAIT", "1800"))):
        return 0
    answer = assistant.ask(question, session="smoke-llm")
    print(f"With the LLM ({llm.model.name}):")
    for s in answer.sentences:
        print(f"  [{s.status}{': ' + s.reason if s.reason else ''}] {s.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
