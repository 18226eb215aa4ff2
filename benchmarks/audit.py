"""What the audit log costs: the write an answer adds, in a row and with 20 sessions at once, and
the time to export a case file (HTML and PDF). Run by hand; prints its figures.

    OMP_NUM_THREADS=1 python benchmarks/audit.py              # SQLite (a fresh file in /tmp)
    OMP_NUM_THREADS=1 python benchmarks/audit.py --db postgresql+psycopg://user:pw@host/db

The entries written are real: one recorded loan answer (why row 17, with its full evidence,
sentences and model identity; about 8 KB of JSON) is computed once, and its content appended
again and again, so the figure is the write alone (the entry's JSON, the hash, the insert and the
commit with synchronous=FULL), as ``chat.recording`` does after each answer. Concurrency: 20
threads, each a session, append at once (in one process they queue on the log's lock, as the
app's sessions do), first with nothing else to do (a flood), then paced as answering sessions are. Export: ``load_case`` + ``case_html`` + ``case_pdf`` for a loan answer and a photo answer,
first call in the process (fonts and imports cold) and the median of the next ten.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time


def percentiles(xs: list[float]) -> str:
    xs = sorted(xs)
    q = lambda f: xs[min(len(xs) - 1, int(f * len(xs)))] * 1000  # noqa: E731
    return f"median {statistics.median(xs) * 1000:.2f} ms, p90 {q(0.9):.2f} ms, p99 {q(0.99):.2f} ms, max {xs[-1] * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="a SQLAlchemy URL (default: a fresh SQLite file)")
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    from explainer_nlg.chat.recording import entry_content
    from explainer_nlg.service import Service
    from explainer_nlg.store.audit import AuditLog

    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/audit.sqlite"
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; log: {url.split('@')[-1]}")
    svc = Service(store=False, audit=url, budget=256)
    ex, assistant = svc.model("loan")
    answer = assistant.ask("why was 17 denied?", x=17, session="bench", record=False)
    t = time.perf_counter()
    content = entry_content(ex, answer, question="why was 17 denied?", source="python")
    build = time.perf_counter() - t
    import json

    print(f"one entry: {len(json.dumps(content)):,} characters of JSON; building it took {build * 1000:.1f} ms "
          "(first time: includes hashing the model)")
    t = time.perf_counter()
    entry_content(ex, answer, question="why was 17 denied?", source="python")
    print(f"building it again (model hash cached): {(time.perf_counter() - t) * 1000:.2f} ms")

    log = AuditLog(url)
    times = []
    for _ in range(args.n):
        t = time.perf_counter()
        log.append(entry_content(ex, answer, question="why was 17 denied?", source="python"))
        times.append(time.perf_counter() - t)
    print(f"{args.n} answers in a row: {percentiles(times)}")

    waits: list[float] = []
    lock = threading.Lock()
    go = threading.Barrier(20)

    def session(i: int) -> None:
        mine = AuditLog(url)
        go.wait()
        for _ in range(max(1, args.n // 20)):
            t0 = time.perf_counter()
            mine.append(entry_content(ex, answer, question=f"q{i}", source="api"))
            with lock:
                waits.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(20)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    print(f"20 concurrent sessions, {len(waits)} answers: {percentiles(waits)}; {len(waits) / wall:.0f} writes/s")
    # The same 20 sessions as a chat server has them: each answer takes a while to compute (0.3-1.5 s
    # here, a sleep; real answers take seconds of CPU), then its write. The figure is what the write
    # adds to an answer, queueing included.
    import random

    paced: list[float] = []
    go = threading.Barrier(20)

    def answering(i: int) -> None:
        mine, rnd = AuditLog(url), random.Random(i)
        go.wait()
        for _ in range(10):
            time.sleep(rnd.uniform(0.3, 1.5))
            t0 = time.perf_counter()
            mine.append(entry_content(ex, answer, question=f"p{i}", source="app"))
            with lock:
                paced.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=answering, args=(i,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    print(f"20 sessions answering (0.3-1.5 s per answer), {len(paced)} answers: {percentiles(paced)}")
    v = log.verify()
    print(f"verify after: {v.message()[:80]}...")

    from explainer_nlg.case_files import case_html, load_case
    from explainer_nlg.case_pdf import case_pdf

    photo = svc.ask("why?", "image", "chelsea")["audit"]["case"]
    first = log.head().seq - 1 - 20 * max(1, args.n // 20)  # the first loan answer written above
    for label, case in (("loan answer", max(first, 1)), ("photo answer", photo)):
        runs = []
        for _ in range(11):
            t = time.perf_counter()
            c = load_case(log, case)
            html_text, pdf = case_html(c), case_pdf(c)
            runs.append(time.perf_counter() - t)
        print(f"export {label} (HTML {len(html_text) / 1000:.0f} KB + PDF {len(pdf) / 1000:.0f} KB): first "
              f"{runs[0]:.2f} s, then median {statistics.median(runs[1:]):.2f} s")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
