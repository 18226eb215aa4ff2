"""Start the chat app: ``python app.py`` (then open the printed URL).

``python app.py --smoke`` builds the app, answers one question through the same code path the
page uses, prints it and exits (the README's CI line runs it). ``--port`` picks the port.

The local LLM (Qwen2.5-Coder-0.5B, from the ``llm`` extra) rewords the verified sentences. It
loads in the background: answers come from the templates until it is ready, and from the
templates for good when it is not installed or its file is broken (said once, at start).
``--llm NAME`` picks another model, ``--no-llm`` turns it off.

Safety switches (see the README's threat model): uploads are skops files only unless
``--trust-uploaded-pickles`` (refused when the app listens beyond this machine without a token);
``--token`` (or ``EXPLAINER_NLG_TOKEN``, or ``--token-file``) asks every visitor for it; the API reads
images by name only from ``--image-folder``, and model folders only from ``--model-folder``.

The same process serves the REST API (``/v1/...``, docs at ``/docs``; see ``explainer_nlg.api``)
beside the page, under the same token (``Authorization: Bearer <token>``). Beyond this machine the
app refuses to start without a token.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
log = logging.getLogger("explainer_nlg.app")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_exposure(host: str, token: str | None, trust_pickles: bool) -> str | None:
    """Why these settings must not start, or None. Pickles run code when loaded: allowing their
    upload is allowing anyone who reaches the port to run code, so never beyond this machine
    without a token.

    >>> check_exposure("0.0.0.0", None, True)[:45]
    'Refusing --trust-uploaded-pickles on 0.0.0.0 '
    >>> check_exposure("127.0.0.1", None, True) is None, check_exposure("0.0.0.0", "s3cret", True) is None
    (True, True)
    """
    if trust_pickles and host not in LOCAL_HOSTS and not token:
        return (f"Refusing --trust-uploaded-pickles on {host} without a token: anyone who can reach the port could "
                "run code on this machine. Set --token (or EXPLAINER_NLG_TOKEN), or listen on 127.0.0.1.")
    return None

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
    ap.add_argument("--no-worker-processes", action="store_true",
                    help="explain texts and photos in the app's own process (default: a low-priority worker "
                         "process per text or image model, so that quick answers never wait behind them)")
    ap.add_argument("--token", default=os.environ.get("EXPLAINER_NLG_TOKEN"),
                    help="ask every visitor for this token (user name: explainer; the REST API: Authorization: "
                         "Bearer TOKEN); default: EXPLAINER_NLG_TOKEN")
    ap.add_argument("--token-file", help="read the token from this file instead (not shown by ps)")
    ap.add_argument("--trust-uploaded-pickles", action="store_true",
                    help="also load uploaded pickle/joblib models (they can run code: only on a private machine)")
    ap.add_argument("--image-folder", help="the one folder the API may read images from by name")
    ap.add_argument("--model-folder", help="the one folder 'bring your own model' may load model folders from")
    ap.add_argument("--budget", type=int, help="most model calls (coalitions) per explanation; default: exact where "
                                               "affordable (a loan row: 0.9 s), 256 answers about 4x sooner, estimated")
    ap.add_argument("--store", help="SQLAlchemy URL for saved conversations (default: EXPLAINER_NLG_STORE, "
                                    "else a SQLite file in the cache folder)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("explainer_nlg").setLevel(logging.INFO)  # (INFO everywhere turns on library progress bars)

    from explainer_nlg.api.server import exposure_problem, read_token
    from explainer_nlg.errors import ExplainerInputError

    try:
        args.token = read_token(args.token_file) if args.token_file else args.token
    except ExplainerInputError as err:
        print(err, file=sys.stderr)
        return 2
    refusal = check_exposure(args.host, args.token, args.trust_uploaded_pickles) or (
        None if args.smoke else exposure_problem(args.host, args.token))
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    if args.trust_uploaded_pickles:
        log.warning("--trust-uploaded-pickles is on: uploaded pickle and joblib models will be loaded, and loading "
                    "one can run any code it carries.")
    from explainer_nlg.service import Service, UploadPolicy
    from explainer_nlg.ui import build_app

    llm = None
    if not args.no_llm:
        from explainer_nlg.narrate.llm_loader import BackgroundLLM

        print(f"LLM {args.llm}: loading in the background; answers come from the templates until it is ready.",
              flush=True)
        llm = BackgroundLLM(args.llm, backend=args.llm_backend, on_status=lambda m: print(m, flush=True))
    t0 = time.perf_counter()
    service = Service(llm=llm, budget=args.budget, policy=UploadPolicy(args.trust_uploaded_pickles, model_folder=args.model_folder),
                      image_folder=args.image_folder, store=args.store,
                      evidence_workers=not args.no_worker_processes and not args.smoke,
                      on_status=lambda m: print(m, flush=True))
    app = build_app(service=service)
    if args.smoke:
        return smoke(service, llm, time.perf_counter() - t0)
    auth = (lambda user, password: hmac.compare_digest(str(password), args.token)) if args.token else None
    serve_both(app, service, args.host, args.port, args.token, auth)
    return 0


def serve_both(blocks, service, host: str, port: int, token: str | None, auth=None) -> None:
    """The REST API and the page in one process: the page is mounted on the API's FastAPI app, so
    /v1/... and /docs are the API's routes and everything else is Gradio's."""
    import uvicorn

    from explainer_nlg.api import build_api, with_page
    from explainer_nlg.api.server import start_lines

    app = with_page(build_api(service, token=token), blocks, auth)
    for line in start_lines(host, port, token, gradio=True):
        print(line, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def smoke(service, llm, built_seconds: float) -> int:
    """Answer "why was 17 denied?" at once through the page's service (templates while the LLM
    loads), then, where an LLM is installed, again once it is ready, showing which sentences it
    reworded."""
    from explainer_nlg import Explainer

    print(f"app built in {built_seconds:.1f}s; endpoints: /explain /ask /parse")
    question = "why was 17 denied?"
    print(f"Q: {question}\nA: {service.ask(question, 'loan')['text']}", flush=True)
    if llm is None or not llm.wait(timeout=float(os.environ.get("EXPLAINER_NLG_SMOKE_WAIT", "1800"))):
        return 0
    from explainer_nlg.narrate import narrate

    # Waits for the LLM however long it takes (no chat time limits): it shows what the LLM writes,
    # and the process never exits while the model is mid-forward in another thread (torch then
    # aborts: "terminate called without an active exception").
    ex = Explainer.demo("loan")
    answer = narrate(ex.explain(17), "customer", llm=llm, time_limits=None, premise=("bad", True),
                     descriptions=ex.info.get("descriptions") or None)
    print(f"With the LLM ({llm.model.name}):")
    for s in answer.sentences:
        print(f"  [{s.status}{': ' + s.reason if s.reason else ''}] {s.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
