"""The check a fast encoder passes before its vectors are used: agreement with the model.

An ONNX export is kept, and the bfloat16 bulk encoder used, only when its vectors of
``CHECK_SENTENCES`` are within a cosine of ``MIN_AGREEMENT`` of the reference model's.
"""

from __future__ import annotations

import numpy as np

MIN_AGREEMENT = 0.999
"""Lowest cosine to the reference accepted (ONNX export, bfloat16 bulk encoder)."""

CHECK_SENTENCES = [
    "What are the benefits of partnerships for public service mutuals?",
    "Partnerships can help mutuals win contracts, share back-office costs and grow.",
    "A short one.",
    "The Department for Digital, Culture, Media & Sport published the report in May 2018; "
    "it draws on interviews with 45 organisations across England, Scotland and Wales.",
    "Naïve café résumé — “quoted” text, numbers like 3.5% and £1,200, and ünïcödé.",
    "word " * 300,
]


def agreement(vectors: np.ndarray, reference: np.ndarray) -> float:
    """Lowest cosine between matching rows of two sets of unit vectors."""
    return float(np.min(np.sum(vectors * reference, axis=1)))
