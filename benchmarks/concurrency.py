"""Does anyone wait behind a slow request? 20 sessions at once against the running app.

    python benchmarks/concurrency.py                      # this checkout's app.py
    python benchmarks/concurrency.py --compare /path/to/other/checkout   # the same load, both apps
    python benchmarks/concurrency.py --app-args "--budget 256"           # estimated, not exact, loan rows

Starts ``python app.py`` in a subprocess (its own store and image folder), waits until its LLM (on
by default) has loaded, then 20 sessions ask at
the same moment over Gradio's plain HTTP API: one explains a long text (about 500 words), one a
6000x6000 photo, and the other 18 ask about loan applicants, each its own row ("why was R
denied?", "how confident is it?", "what if Income was 500?"). It prints the latency of every
answer of those 18 (p50, p95, max), of the two heavy ones, the wall time, and the load average
before and after: the machine may be shared, so quote the load with the figures.

A request that takes longer than ``--timeout`` seconds is counted at that value (and said so).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def call(url: str, data: list, session_hash: str, timeout: float) -> tuple[float, dict | None, str]:
    """(seconds, result or None, note) of one /ask call over the two-step HTTP API."""
    t0 = time.perf_counter()
    try:
        r = httpx.post(f"{url}gradio_api/call/ask", json={"data": data, "session_hash": session_hash}, timeout=30)
        event_id = r.json()["event_id"]
        event = None
        with httpx.stream("GET", f"{url}gradio_api/call/ask/{event_id}", timeout=timeout) as s:
            for line in s.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    payload = json.loads(line[5:].strip() or "null")
                    ok = event == "complete"
                    return time.perf_counter() - t0, (payload[0] if ok else None), "" if ok else str(payload)
                if time.perf_counter() - t0 > timeout:
                    break
    except (httpx.HTTPError, ValueError) as err:
        return min(time.perf_counter() - t0, timeout), None, f"{type(err).__name__}"
    return timeout, None, f"over {timeout:.0f} s"


def start_app(checkout: Path, store: str, images: str, extra: list[str]) -> tuple[subprocess.Popen, str, str]:
    """(process, URL, the LLM's status line) once the page answers and the LLM, if any, has
    finished loading: the figures are of an app in its steady state, not of one still loading."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [sys.executable, "app.py", "--port", str(port)]
    if "--image-folder" in (checkout / "app.py").read_text():
        args += ["--store", store, "--image-folder", images, *extra]
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=checkout, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONPATH": str(checkout)})
    proc.log = log  # type: ignore[attr-defined]  # read by wait_for_workers
    url = f"http://127.0.0.1:{port}/"
    for _ in range(600):
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(1)
    else:
        proc.kill()
        raise RuntimeError("the app did not start")
    status = "no LLM"
    for _ in range(900):
        lines = log.read_text(errors="replace").splitlines()
        if not any("loading in the background" in line for line in lines):
            break
        done = [line for line in lines if line.startswith("LLM ") and ("ready" in line or "not available" in line)
                and "loading in the background" not in line]
        if done:
            status = done[0]
            break
        time.sleep(1)
    return proc, url, status


def wait_for_workers(proc: subprocess.Popen, expected: int, timeout: float = 300.0) -> str:
    """Wait until the app has printed ``expected`` worker-process status lines (ready or failed):
    the figures are of the app in its steady state. Returns the lines."""
    lines: list[str] = []
    for _ in range(int(timeout)):
        lines = sorted({line for line in proc.log.read_text(errors="replace").splitlines()  # type: ignore[attr-defined]
                        if line.startswith(("Worker process for", "The worker process for"))})
        if len(lines) >= expected:
            break
        time.sleep(1)
    return "; ".join(lines) or "no worker processes"


def workload(long_text: str, photo: str, heavy: bool = True, offset: int = 0) -> list[list[list]]:
    """Per session, its questions (each the /ask arguments after the session name). Without
    ``heavy``, the long text and the photo sessions ask what the others ask (same rows, same
    questions), to see what the two heavy requests cost everyone else. ``offset`` moves every row,
    so a second run finds nothing cached."""
    sessions = [[["why?", "text", long_text], ["which words mattered most?", "text", long_text]],
                [["why?", "image", photo], ["how confident is it?", "image", photo]]]
    if not heavy:
        sessions = [[[f"why was {row} denied?", "loan", ""], ["how confident is it?", "loan", ""]]
                    for row in (4300 + offset, 4350 + offset)]
    for i in range(18):
        row = 50 + 233 * i + offset
        sessions.append([[f"why was {row} denied?", "loan", ""], ["how confident is it?", "loan", ""],
                         ["what if Income was 500?", "loan", ""]])
    return sessions


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url: str, sessions: list, timeout: float, pid: int) -> dict:
    results: list[tuple[int, float, str]] = []
    barrier = threading.Barrier(len(sessions))

    def one(i: int, questions: list) -> None:
        barrier.wait()
        name = ""
        for q, demo, x in questions:
            seconds, r, note = call(url, [q, demo, x, name, "customer"], f"bench-{i}", timeout)
            name = (r or {}).get("session", name or f"bench-{i}")
            results.append((i, seconds, note))

    threads = [threading.Thread(target=one, args=(i, qs)) for i, qs in enumerate(sessions)]
    load0, t0, cpu0 = os.getloadavg(), time.perf_counter(), cpu_seconds(pid)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, load1, cpu = time.perf_counter() - t0, os.getloadavg(), cpu_seconds(pid) - cpu0
    others = sorted(s for i, s, _ in results if i >= 2)
    p95 = others[min(len(others) - 1, int(round(0.95 * len(others))) - 1)]
    return {"others_p50": statistics.median(others), "others_p95": p95, "others_max": others[-1],
            "answers": len(others), "long_text": [round(s, 1) for i, s, _ in results if i == 0],
            "photo": [round(s, 1) for i, s, _ in results if i == 1], "wall": wall,
            "load_before": [round(x, 1) for x in load0], "load_after": [round(x, 1) for x in load1],
            "notes": sorted({n for _, _, n in results if n}), "app_cpu": cpu}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", help="another checkout to run the same load against first")
    ap.add_argument("--app-args", default="", help="more arguments for this checkout's app.py, e.g. '--budget 256'")
    ap.add_argument("--light-too", action="store_true",
                    help="also run the load with the two heavy sessions replaced by light ones")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds before a request counts as waiting forever")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from PIL import Image

    from explainer_nlg.demos.text_model import load_reviews

    long_text = " ".join(load_reviews()[0]["text"][:12])
    tmp = Path(tempfile.mkdtemp())
    (tmp / "images").mkdir()
    big = tmp / "images" / "big.jpg"
    grad = Image.linear_gradient("L").resize((6000, 6000))
    Image.merge("RGB", (grad, grad.rotate(90), grad.rotate(180))).save(big, quality=85)
    checkouts = [Path(args.compare).resolve()] if args.compare else []
    checkouts.append(ROOT)
    print(f"{os.cpu_count()} CPUs; long text {len(long_text.split())} words; photo 6000x6000 "
          f"({big.stat().st_size / 1e6:.1f} MB JPEG)")
    for checkout in checkouts:
        proc, url, llm = start_app(checkout, f"sqlite:///{tmp / (checkout.name + '.sqlite')}", str(tmp / "images"),
                                   args.app_args.split())
        try:
            # the photo is a path inside the image folder (older apps read any path)
            call(url, ["why was 1 denied?", "loan", "", "", "customer"], "warm", args.timeout)
            call(url, ["why?", "text", "Stale cookies.", "", "customer"], "warm", args.timeout)
            call(url, ["why?", "image", "chelsea", "", "customer"], "warm", args.timeout)
            has_workers = "--no-worker-processes" in (checkout / "app.py").read_text()
            workers = (wait_for_workers(proc, 2) if has_workers and "--no-worker-processes" not in args.app_args
                       else "no worker processes")
            results = []
            for heavy in ([True, False] if args.light_too else [True]):
                photo = "big.jpg" if checkout == ROOT else str(big)
                results.append((heavy, run(url, workload(long_text, photo, heavy, 0 if heavy else 100),
                                           args.timeout, proc.pid)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        for heavy, r in results:
            print(f"\n{checkout} {args.app_args if checkout == ROOT else ''}"
                  f"{'' if heavy else ' (no heavy sessions: two more light ones instead)'}:")
            print(f"  {llm[:160]}")
            print(f"  {workers[:200]}")
            print(f"  the other 18 sessions' {r['answers']} answers: p50 {r['others_p50']:.2f} s, p95 "
                  f"{r['others_p95']:.2f} s, max {r['others_max']:.2f} s")
            if heavy:
                print(f"  long text: {r['long_text']} s; photo: {r['photo']} s")
            print(f"  the app used {r['app_cpu']:.1f} CPU seconds ({r['app_cpu'] / r['wall']:.2f} cores)")
            print(f"  all done in {r['wall']:.1f} s; load average before {r['load_before']}, after "
                  f"{r['load_after']}; notes: {r['notes'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
