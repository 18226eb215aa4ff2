"""What the chat does today with questions no operation covers (data/uncovered_questions.toml).

    python benchmarks/uncovered.py

Each question is asked after "why was 17 denied?" in a fresh session of the loan demo; the script
prints the operation the parser chose and the start of the answer, and counts how many were
declined (help or unsupported) and how many went to some other operation.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def main() -> None:
    from explainer_nlg import Explainer

    with open(HERE / "data" / "uncovered_questions.toml", "rb") as fh:
        questions = tomllib.load(fh)["question"]
    a = Explainer.demo("loan").assistant(budget=256)
    declined = routed = 0
    for i, q in enumerate(questions):
        session = f"uncovered-{i}"
        a.ask("why was 17 denied?", session=session)
        r = a.ask(q["text"], session=session)
        ops = [p.op for p in r.parts]
        if all(op in ("unsupported", "help") for op in ops):
            declined += 1
        else:
            routed += 1
        print(f"{q['text']!r:45} -> {','.join(ops):22} {r.text[:90]!r}")
    print(f"{len(questions)} questions: declined {declined}, answered by another operation {routed}")


if __name__ == "__main__":
    main()
