"""Adapter for Hugging Face sequence classifiers (a directory, a model+tokenizer pair, or a pipeline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ExplainerInputError
from .base import Predictor

# Cap on tokens per forward batch: keeps memory flat and batches full (dynamic padding).
TOKENS_PER_BATCH = 8192


class TransformersPredictor(Predictor):
    """Batched, dynamically padded probabilities from a sequence classifier on a CPU (or, for a
    regression head, its predicted value)."""

    kind = "text"

    @property
    def torch(self) -> Any:
        # The module, not an attribute: a predictor is pickled whole into worker processes
        # (service/evidence_workers.py), and a module cannot be pickled.
        import torch

        return torch

    def __init__(self, model: Any, tokenizer: Any, class_names: list[str] | None = None,
                 unit: str | None = None, output_name: str | None = None):
        self.model = model.eval()
        self.tokenizer = tokenizer
        n_labels = int(model.config.num_labels)
        # A regression head (num_labels=1, or problem_type "regression"): its raw output is the
        # predicted value, in ``unit``; no softmax.
        if n_labels == 1 or getattr(model.config, "problem_type", None) == "regression":
            if n_labels != 1:
                raise ExplainerInputError(f"The model is a regression head with {n_labels} outputs; explanations "
                                          "take one predicted number.")
            if class_names is not None:
                raise ExplainerInputError("This model predicts a number, so it takes no class_names (name the "
                                          "output with output_name=, its unit with unit=).")
            from ..evidence.outside import check_unit

            id2label = getattr(model.config, "id2label", None) or {}
            default = str(id2label.get(0, id2label.get("0", "score")))
            self.output_kind = "regression"
            self.unit = check_unit(unit)
            self.class_names = [str(output_name or ("score" if default == "LABEL_0" else default))]
            class_names = self.class_names
        elif unit is not None or output_name is not None:
            raise ExplainerInputError("This model is a classifier: its outputs are class probabilities, so it "
                                      "takes no unit or output_name.")
        if class_names is None:
            id2label = getattr(model.config, "id2label", None) or {}
            class_names = [str(id2label.get(i, id2label.get(str(i), f"class {i}"))) for i in range(n_labels)]
        elif len(class_names) != n_labels:
            raise ExplainerInputError(f"class_names has {len(class_names)} names but the model has {n_labels} labels.")
        self.class_names = [str(c) for c in class_names]
        limits = [getattr(model.config, "max_position_embeddings", 512) or 512,
                  getattr(tokenizer, "model_max_length", 512) or 512, 512]
        self.max_length = int(min(limits))

    @classmethod
    def load(cls, source: Any, tokenizer: Any = None, class_names: list[str] | None = None,
             **options: Any) -> TransformersPredictor:
        """From a local directory path, a (model, tokenizer) pair, a model plus ``tokenizer=``, or a
        pipeline. ``options``: ``unit`` and ``output_name`` for a regression head."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if isinstance(source, (str, Path)):
            path = Path(source)
            if not path.is_dir():
                raise ExplainerInputError(
                    f"{str(source)!r} is not a local model directory (nothing is downloaded: "
                    "give the folder that holds config.json and the weights)."
                )
            # Weights only from safetensors (a .bin file is a pickle that can run code) and no code
            # from the directory itself (trust_remote_code): a model folder is data, never a program.
            try:
                tok = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
                model = AutoModelForSequenceClassification.from_pretrained(
                    path, local_files_only=True, use_safetensors=True, trust_remote_code=False)
            except Exception as err:  # noqa: BLE001 - a damaged folder raises whatever its deserializer raises
                raise ExplainerInputError(f"Could not load a sequence classifier from {path.name!r} (weights are read "
                                          f"only from model.safetensors; no code is run): {err}") from None
            return cls(model, tok, class_names, **options)
        if isinstance(source, tuple) and len(source) == 2:
            return cls(source[0], source[1], class_names, **options)
        if hasattr(source, "model") and hasattr(source, "tokenizer"):  # a transformers pipeline
            return cls(source.model, source.tokenizer, class_names, **options)
        if tokenizer is not None:
            return cls(source, tokenizer, class_names, **options)
        raise ExplainerInputError(
            "from_transformers takes a model directory, a (model, tokenizer) pair, a model with tokenizer=, "
            f"or a text-classification pipeline; got {type(source).__name__}."
        )

    def token_count(self, text: str) -> int:
        return len(self.tokenizer(text, truncation=False, add_special_tokens=True)["input_ids"])

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        torch = self.torch
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.class_names)))
        enc = self.tokenizer(texts, truncation=True, max_length=self.max_length)
        ids, attn = enc["input_ids"], enc["attention_mask"]
        lengths = np.array([len(x) for x in ids])
        order = np.argsort(-lengths, kind="stable")  # longest first: similar lengths share a batch
        out = np.empty((len(texts), len(self.class_names)))
        i = 0
        with torch.inference_mode():
            while i < len(order):
                width = int(lengths[order[i]])
                size = max(1, TOKENS_PER_BATCH // max(width, 1))
                idx = order[i : i + size]
                batch = {"input_ids": [ids[j] for j in idx], "attention_mask": [attn[j] for j in idx]}
                extra = {k: [enc[k][j] for j in idx] for k in enc if k not in batch}
                feats = self.tokenizer.pad({**batch, **extra}, return_tensors="pt")
                logits = self.model(**feats).logits.float()
                out[idx] = (logits if self.is_regression else torch.softmax(logits, dim=-1)).numpy()
                i += size
        return out
