"""Confidence claims: the words ("very confident", "a close call") must fit the probability."""

from __future__ import annotations

from ..facts import Facts, confidence_band
from ..vocabulary import vocabulary
from .verdict import Claim


def check_confidence(f: Facts, bands: tuple[int, ...], text: str) -> Claim:
    # Words near a band's edge are fair either side of it (89% is "very confident" enough).
    ok = any(confidence_band(min(1.0, max(0.0, f.p_predicted + d))) in bands for d in (-0.05, 0.0, 0.05))
    if not ok and "close" in text.lower():
        ru = f.runner_up
        ok = bool(ru) and f.p_predicted - ru[1] < vocabulary()["thresholds"]["close_call"]
    return Claim("confidence", text, ok, "" if ok else
                 f"“{text}” does not fit a probability of {f.p_predicted:.1%}")
