"""Start the chat app: ``python app.py`` (then open the printed URL).

``python app.py --smoke`` builds the app, answers one question through the same code path the
page uses, prints it and exits (the README's CI line runs it). ``--port`` picks the port;
``--llm NAME`` rewords verified sentences with a local GGUF model (see the README).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", 7860)))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--llm", help="a local GGUF model name or path to reword the sentences (optional)")
    ap.add_argument("--smoke", action="store_true", help="build the app, answer one question, exit")
    args = ap.parse_args(argv)

    from explainer_nlg.ui import build_app

    llm = None
    if args.llm:
        from explainer_nlg.narrate import LlamaCppLLM

        llm = LlamaCppLLM(args.llm)
    t0 = time.perf_counter()
    app = build_app(llm=llm)
    if args.smoke:
        from explainer_nlg import Explainer

        print(f"app built in {time.perf_counter() - t0:.1f}s; endpoints: /explain /ask /parse")
        answer = Explainer.demo("loan").ask("why was 17 denied?")
        print("Q: why was 17 denied?\nA:", answer.text)
        return 0
    app.queue().launch(server_name=args.host, server_port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
