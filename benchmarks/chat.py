"""Chat speed on this machine: parse time per question, a template "why?" answer once the
evidence is computed, and the app's start time (build + launch until the page answers).

    OMP_NUM_THREADS=1 python benchmarks/chat.py
    python benchmarks/chat.py --llm qwen2.5-coder-0.5b     # first streamed token with a local LLM

Targets (issue 5): parse < 30 ms per question; template "why?" < 300 ms once evidence is
computed; app start < 20 s after the first run's caching.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def bench_parse() -> None:
    from explainer_nlg import Explainer
    from explainer_nlg.chat.registry import phrasings

    a = Explainer.demo("loan").assistant()
    questions = [q for qs in phrasings().values() for q in qs]
    a.parse("warm up")  # loads the parser once
    ms = []
    for q in questions:
        t = time.perf_counter()
        a.parse(q)
        ms.append((time.perf_counter() - t) * 1000)
    print(f"parse: {len(questions)} questions, median {statistics.median(ms):.1f} ms, "
          f"p95 {pct(ms, 0.95):.1f} ms, max {max(ms):.1f} ms")


def bench_why() -> None:
    from explainer_nlg import Explainer

    for demo, x in (("loan", 17), ("text", "The cookies were stale and the box was broken."), ("image", "chelsea")):
        a = Explainer.demo(demo).assistant()
        t = time.perf_counter()
        a.ask("why?", x=x, session="bench")  # computes and caches the evidence
        first = time.perf_counter() - t
        ms = []
        for i in range(20):
            t = time.perf_counter()
            a.ask("why?", x=x, session=f"bench{i}")
            ms.append((time.perf_counter() - t) * 1000)
        print(f"why ({demo}): first answer with evidence {first:.2f} s; once computed, median "
              f"{statistics.median(ms):.1f} ms, max {max(ms):.1f} ms (parse + narrate templates)")


def bench_llm(name: str) -> None:
    """With a local LLM: first raw token and first verified sentence of a "why?" answer, the
    evidence already computed (what the chat streams)."""
    from explainer_nlg import Explainer
    from explainer_nlg.chat import Assistant
    from explainer_nlg.narrate import LlamaCppLLM

    llm = LlamaCppLLM(name)
    a = Assistant(Explainer.demo("loan"), llm=llm)
    a.evidence(17)
    a.ask("why?", x=17, session="warm")  # loads the GGUF once
    firsts, tokens = [], []
    for i, row in enumerate((17, 18, 19)):
        a.evidence(row)
        t = time.perf_counter()
        seen: list[float] = []
        r = a.ask("why?", x=row, session=f"llm{i}",
                  on_sentence=lambda s, seen=seen, t=t: seen.append(time.perf_counter() - t))
        firsts.append(seen[0])
        audit = r.parts[0].narration.llm
        tokens.append(audit.first_token_seconds if audit and audit.first_token_seconds else float("nan"))
        counts = r.parts[0].narration.counts()
        print(f"  row {row}: first token {tokens[-1]:.2f} s, first verified sentence {firsts[-1]:.2f} s, "
              f"whole answer {time.perf_counter() - t:.2f} s, sentences {counts}")
    print(f"llm {name}: first token median {statistics.median(tokens):.2f} s; first verified sentence "
          f"median {statistics.median(firsts):.2f} s")


def bench_start() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, os.path.join(root, "app.py"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t < 120:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        print(f"app start (python app.py until the page is served): {time.perf_counter() - t:.1f} s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    if "--llm" in sys.argv:
        bench_llm(sys.argv[sys.argv.index("--llm") + 1])
        sys.exit(0)
    bench_parse()
    bench_why()
    bench_start()
