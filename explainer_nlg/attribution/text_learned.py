"""A learned text explainer: a small head on the classifier's own encoder that predicts each
word's Shapley value in one forward pass (issue 17, after Yang et al. 2023 and FastSHAP).

Its values are a **preview**, never Shapley values: they are shown labelled "approximate, being
refined" while the sampling estimator computes the real ones. It is trained on this project's own
Shapley estimates (``estimate_shapley``, a fixed budget per text) for texts from the model's
domain, once per model, and cached under ``cache_dir()/text-explainers`` keyed by a hash of the
model's weights and class names: a changed model finds no head (or a head whose stored hash does
not match, which is refused), so a stale head is never used silently.

The head reads, per word, the encoder's last-layer vectors of its word pieces (averaged), the
text's first-token vector, and the predicted probabilities; it outputs one value per class. The
preview adds the FastSHAP efficiency correction, so its values add up to p(text) - p(no words),
and it says when a text looks unlike the texts the head learned from (its first-token vector
farther from theirs than 99% of them were).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..cache import atomic_path, cache_dir
from ..errors import ExplainerInputError
from .game import FunctionGame
from .shapley_estimators import estimate_shapley
from .text_game import render, split_words

PREVIEW_LABEL = "approximate preview, being refined (not Shapley values)"
HEAD_VERSION = 1
HIDDEN = 128


def model_hash(predictor) -> str:
    """SHA-256 of the classifier's weights (every tensor, in name order) and its class names."""
    h = hashlib.sha256(json.dumps([HEAD_VERSION, list(predictor.class_names)]).encode())
    for name, tensor in sorted(predictor.model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def head_path(digest: str) -> Path:
    return cache_dir() / "text-explainers" / f"{digest[:32]}.safetensors"


def _forward(predictor, texts: list[str]):
    """One forward pass of the classifier per batch: probabilities, last hidden states, offsets."""
    torch = predictor.torch
    enc = predictor.tokenizer(texts, truncation=True, max_length=predictor.max_length, padding=True,
                              return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping").numpy()
    with torch.inference_mode():
        out = predictor.model(**enc, output_hidden_states=True)
    probs = torch.softmax(out.logits.float(), -1).numpy()
    return probs, out.hidden_states[-1].float().numpy(), offsets, enc["attention_mask"].numpy()


def word_features(predictor, texts: list[str]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Per text: a (words, features) array, plus each text's first-token vector and probabilities."""
    feats, firsts, all_probs = [], [], []
    for i in range(0, len(texts), 32):
        chunk = texts[i:i + 32]
        probs, hidden, offsets, attn = _forward(predictor, chunk)
        for j, text in enumerate(chunk):
            words = split_words(text)
            rows = []
            for w in words:
                s, e = w.span
                sel = (offsets[j, :, 0] < e) & (offsets[j, :, 1] > s) & (offsets[j, :, 1] > offsets[j, :, 0]) \
                    & (attn[j] > 0)
                # a word past the model's length has no pieces: it gets the zero vector
                rows.append(hidden[j, sel].mean(0) if sel.any() else np.zeros(hidden.shape[-1]))
            first = hidden[j, 0]
            base = np.concatenate([first, probs[j]])
            feats.append(np.array([np.concatenate([r, base]) for r in rows]).reshape(len(words), -1))
            firsts.append(first)
            all_probs.append(probs[j])
    return feats, np.array(firsts), np.array(all_probs)


@dataclass
class Preview:
    """A learned explainer's one-pass values: labelled as approximate, never Shapley values."""

    words: list[str]
    values: dict[str, list[float]]  # class -> one value per word
    target_label: str
    label: str = PREVIEW_LABEL
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def for_target(self) -> list[float]:
        return self.values[self.target_label]


class LearnedTextExplainer:
    """The trained head plus what it needs to say when a text is unlike its training texts."""

    def __init__(self, head, digest: str, class_names: list[str], center: np.ndarray, radius: float,
                 meta: dict):
        self.head, self.digest, self.class_names = head, digest, list(class_names)
        self.center, self.radius, self.meta = center, float(radius), meta

    # ---- training --------------------------------------------------------------------------

    @classmethod
    def train(cls, predictor, texts: list[str], *, budget_per_word: int = 4, epochs: int = 300,
              progress: bool = True, seed: int = 0) -> LearnedTextExplainer:
        """Estimate Shapley values of every text (``budget_per_word`` x words calls, fixed budget,
        all classes from the same calls), then fit the head to them (mean squared error)."""
        import torch
        from tqdm.auto import tqdm

        texts = [t for t in (str(x).strip() for x in texts) if len(split_words(t)) >= 2]
        if len(texts) < 4:
            raise ExplainerInputError("learn_explainer needs at least 4 texts of two or more words from "
                                      "the model's domain.")
        started = time.perf_counter()
        targets, calls = [], 0
        for i, text in enumerate(tqdm(texts, desc="Shapley estimates for the learned explainer",
                                      disable=not progress)):
            values, used = _estimates_for_all_classes(predictor, text, budget_per_word, seed + i)
            targets.append(values)
            calls += used
        feats, firsts, _ = word_features(predictor, texts)
        X = torch.tensor(np.concatenate(feats), dtype=torch.float32)
        Y = torch.tensor(np.concatenate(targets), dtype=torch.float32)
        torch.manual_seed(seed)
        head = _make_head(X.shape[1], Y.shape[1])
        opt = torch.optim.Adam(head.parameters(), lr=2e-3, weight_decay=1e-4)
        scale = float(Y.abs().mean()) or 1.0  # fit in units of a typical value
        bar = tqdm(range(epochs), desc="Training the learned explainer", disable=not progress)
        for _ in bar:
            perm = torch.randperm(len(X))
            for b in range(0, len(X), 512):
                idx = perm[b:b + 512]
                loss = ((head(X[idx]) - Y[idx] / scale) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
            bar.set_postfix(loss=f"{loss.item():.4f}")
        head.eval()
        with torch.no_grad():  # fold the scale into the last layer
            head[-1].weight *= scale
            head[-1].bias *= scale
        center = firsts.mean(0)
        radius = float(np.quantile(np.linalg.norm(firsts - center, axis=1), 0.99))
        meta = {"texts": len(texts), "words": int(len(X)), "model_calls": calls,
                "budget_per_word": budget_per_word, "epochs": epochs,
                "train_seconds": round(time.perf_counter() - started, 1)}
        return cls(head, model_hash(predictor), predictor.class_names, center, radius, meta)

    # ---- cache -----------------------------------------------------------------------------

    def save(self, path: Path | None = None) -> Path:
        from safetensors.torch import save_file

        path = path or head_path(self.digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        tensors = {f"head.{k}": v.contiguous() for k, v in self.head.state_dict().items()}
        import torch

        tensors["center"] = torch.tensor(self.center, dtype=torch.float32)
        meta = {"model_hash": self.digest, "class_names": json.dumps(self.class_names),
                "radius": repr(self.radius), "head_version": str(HEAD_VERSION), "meta": json.dumps(self.meta)}
        with atomic_path(path) as tmp:
            save_file(tensors, str(tmp), metadata=meta)
        return path

    @classmethod
    def load(cls, predictor, path: Path | None = None) -> LearnedTextExplainer | None:
        """The cached head for this exact model, or None (no head, or one for another model)."""
        from safetensors import safe_open

        digest = model_hash(predictor)
        path = path or head_path(digest)
        if not path.exists():
            return None
        try:
            with safe_open(str(path), framework="pt") as f:
                meta = f.metadata() or {}
                tensors = {k: f.get_tensor(k) for k in f.keys()}
        except Exception:  # noqa: BLE001 - a damaged file is as good as none: retrain
            return None
        if meta.get("model_hash") != digest or meta.get("head_version") != str(HEAD_VERSION):
            return None  # stale: trained for another model (or recipe); never used
        state = {k[5:]: v for k, v in tensors.items() if k.startswith("head.")}
        head = _make_head(state["0.weight"].shape[1], state["2.weight"].shape[0])
        head.load_state_dict(state)
        head.eval()
        return cls(head, digest, json.loads(meta["class_names"]), tensors["center"].numpy(),
                   float(meta["radius"]), json.loads(meta["meta"]))

    # ---- use -------------------------------------------------------------------------------

    def preview(self, predictor, text: str, target: int | None = None) -> Preview:
        """One forward pass of the classifier (with its hidden states), one of the text with no
        words, and the head: per-word values for every class, corrected to add up exactly."""
        import torch

        start = time.perf_counter()
        words = split_words(text)
        if not words:
            raise ExplainerInputError("The text has no words to preview.")
        feats, firsts, probs = word_features(predictor, [text])
        empty = predictor.predict_proba([render(text, words, np.zeros(len(words), bool))])[0]
        with torch.no_grad():
            raw = self.head(torch.tensor(feats[0], dtype=torch.float32)).numpy()
        # FastSHAP's efficiency correction: spread the gap to p(text) - p(no words) evenly.
        raw += (probs[0] - empty - raw.sum(0)) / len(words)
        t = int(np.argmax(probs[0])) if target is None else int(target)
        notes = []
        if np.linalg.norm(firsts[0] - self.center) > self.radius:
            notes.append("This text looks unlike the texts the learned explainer was trained on (another "
                         "language, code, numbers?): the preview is unreliable here; the Shapley values "
                         "that replace it are not affected.")
        if predictor.token_count(text) > predictor.max_length:
            notes.append("The text is longer than the model reads; words past its length get no preview.")
        return Preview([w.text for w in words], {c: raw[:, i].tolist() for i, c in enumerate(self.class_names)},
                       self.class_names[t], seconds=time.perf_counter() - start, notes=notes)


def _make_head(n_in: int, n_out: int):
    import torch

    return torch.nn.Sequential(torch.nn.Linear(n_in, HIDDEN), torch.nn.GELU(), torch.nn.Linear(HIDDEN, n_out))


def _estimates_for_all_classes(predictor, text: str, budget_per_word: int, seed: int):
    """Shapley estimates for every class from one set of model calls: (words, classes) and calls."""
    words = split_words(text)
    n = len(words)
    cache: dict[bytes, np.ndarray] = {}

    def probs(masks: np.ndarray) -> np.ndarray:
        keys = [np.packbits(m).tobytes() for m in masks]
        todo = {k: m for k, m in zip(keys, masks) if k not in cache}
        if todo:
            out = predictor.predict_proba([render(text, words, m) for m in todo.values()])
            cache.update(zip(todo.keys(), out))
        return np.array([cache[k] for k in keys])

    budget = max(4, budget_per_word * n) if n > 1 else 4
    columns = []
    for c in range(len(predictor.class_names)):
        game = FunctionGame([w.text for w in words], lambda m, c=c: probs(m)[:, c])
        columns.append(estimate_shapley(game, budget, seed=seed).values)
    return np.stack(columns, 1), len(cache)


def domain_texts(texts: list[str], n_texts: int, seed: int = 0, max_words: int = 40) -> list[str]:
    """Up to ``n_texts`` of ``texts``, each cut to a random length of 6 to ``max_words`` words,
    so the head sees short messages and long ones (longer texts are explained by passages)."""
    rng = np.random.default_rng(seed)
    pool = [str(t) for t in texts if len(split_words(str(t))) >= 2]
    picked = [pool[i] for i in rng.permutation(len(pool))[:n_texts]]
    out = []
    for t in picked:
        words = split_words(t)
        k = min(len(words), int(rng.integers(6, max_words + 1)))
        out.append(t[: words[k - 1].span[1]])
    return out


def learned_explainer(predictor, texts: list[str] | None, *, retrain: bool = False, n_texts: int = 300,
                      budget_per_word: int = 2, progress: bool = True) -> LearnedTextExplainer:
    """The cached head for this model, or a new one trained on ``texts`` (and cached)."""
    if getattr(predictor, "is_regression", False) or not hasattr(predictor, "tokenizer"):
        raise ExplainerInputError("A learned explainer is available for text classifiers only.")
    if not retrain:
        cached = LearnedTextExplainer.load(predictor)
        if cached is not None:
            return cached
    if texts is None:
        raise ExplainerInputError("Give texts from the model's domain to learn from: learn_explainer(texts) "
                                  "(a few hundred; never the texts you will evaluate on).")
    if isinstance(texts, str):
        raise ExplainerInputError("texts must be a list of texts, not one string.")
    learned = LearnedTextExplainer.train(predictor, domain_texts(list(texts), n_texts),
                                         budget_per_word=budget_per_word, progress=progress)
    learned.save()
    return learned
