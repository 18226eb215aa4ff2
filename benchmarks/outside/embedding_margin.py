"""Can MiniLM tell a feature's paraphrase from an invented feature, with a margin? (decision 0022)

    OMP_NUM_THREADS=1 python benchmarks/outside/embedding_margin.py

For wordings from the dev narratives (never test3's), the cosine similarity of the wording to each
feature's names in the record (best and runner-up feature), and to a list of decoys: feature names
of other domains, with any decoy within 0.8 of one of the record's own names left out. A rule
"best >= T, best - runner-up >= M and best - decoy >= M" reads a paraphrase only where the true
feature wins by the margins and nothing invented does. The table says whether any T and M do that.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent

# Feature names from other domains (none of them a wording tested below).
DECOYS = ["swimming pool", "garage", "basement", "roof", "air conditioning", "school district", "crime rate",
          "salary", "education", "years of experience", "smoking", "alcohol", "exercise", "diet", "cholesterol",
          "rainfall", "humidity", "air pressure", "altitude", "traffic", "distance", "tax", "interest rate",
          "credit score", "debt", "unemployment", "inflation", "religion", "language", "marital status", "height",
          "length", "colour", "brand", "transmission", "fuel type", "airbags", "doors", "seats", "torque",
          "cloud cover", "season", "holiday", "weekday", "hour", "occupation", "employer", "hours worked", "commute",
          "department", "citations", "grants", "funding", "budget", "revenue", "profit", "sales", "reviews",
          "followers", "likes", "pollution", "noise", "price", "location", "size", "quality", "condition"]

# (record, wording, the feature it means or None for an invented one); from the dev halves only.
WORDINGS = [
    ("articles_dev", "graduate program", "phd_prestige"), ("articles_dev", "young child", "kids_under_6"),
    ("penguins_dev", "shallow bill", "bill_depth_mm"), ("ozone_dev3", "sunshine", "Solar.R"),
    ("ozone_dev3", "solar radiation", "Solar.R"), ("mpg_dev3", "engine size", "displacement"),
    ("mpg_dev3", "engine", "displacement"), ("teaching_dev3", "looks", "beauty"),
    ("teaching_dev3", "appearance", "beauty"), ("teaching_dev3", "class size", "students"),
    ("labour_dev3", "college degree", "wife_college"), ("labour_dev3", "young children", "kids_under_6"),
    ("ames_dev", "age of the house", "Year_Built"), ("mpg_dev3", "model year", "year"),
    ("labour_dev3", "family income", "other_income"), ("lifeexp_dev", "income per person", "gdp_per_person"),
    ("ames_dev", "swimming pool", None), ("ames_dev", "fireplace insert", None),
    ("labour_dev3", "work experience", None), ("teaching_dev3", "course difficulty", None),
    ("mpg_dev3", "turbocharger", None), ("ozone_dev3", "ultraviolet index", None),
    ("articles_dev", "citations", None), ("lifeexp_dev", "literacy rate", None),
    ("penguins_dev", "beak colour", None), ("teaching_dev3", "class attendance", None),
    ("mpg_dev3", "number of doors", None), ("labour_dev3", "husband's job", None),
]


def main() -> None:

    from score import records

    from explainer_nlg.narrate.facts import facts_for
    from explainer_nlg.narrate.verify.encoder import encoder

    recs = records()
    enc = encoder()
    decoys = enc.encode(DECOYS, normalize_embeddings=True)
    rows = []
    for rec, text, true in WORDINGS:
        f = facts_for(recs[rec])
        names = [(p.name, a) for p in f.players for a in [p.noun, *p.aliases]]
        own = enc.encode([a for _, a in names], normalize_embeddings=True)
        v = enc.encode([text], normalize_embeddings=True)[0]
        per: dict[str, float] = {}
        for (name, _), s in zip(names, own @ v):
            per[name] = max(per.get(name, -1.0), float(s))
        (best, b), (_, r) = sorted(per.items(), key=lambda t: -t[1])[:2]
        keep = (decoys @ own.T).max(axis=1) < 0.8
        d = float((decoys[keep] @ v).max())
        rows.append((text, true, best, b, r, d))
        print(f"{text:18s} means {str(true):15s} best {best:15s} {b:.2f}  runner-up {r:.2f}  decoy {d:.2f}")
    for t in (0.45, 0.5, 0.55, 0.6):
        for m in (0.05, 0.1, 0.15):
            read = [(text, true, best) for text, true, best, b, r, d in rows if b >= t and b - r >= m and b - d >= m]
            right = sum(1 for _, true, best in read if true == best)
            wrong = [text for text, true, best in read if true != best]
            n_true = sum(1 for row in rows if row[1])
            print(f"T={t:.2f} M={m:.2f}: paraphrases read right {right}/{n_true}; read wrongly or invented "
                  f"{len(wrong)} {wrong}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent.parent))
    main()
