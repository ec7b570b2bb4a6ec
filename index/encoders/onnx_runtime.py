"""The exported model run with ONNX Runtime: sentence-transformers' vectors without torch.

The export itself (``index.encoders.onnx_export``) happens once per machine; this module
only opens it. It reports the same ``name`` as the sentence-transformers encoder: vectors
of either are interchangeable, so an index or embedding cache made by one serves the
other.

Large indexing runs may hand their passages to the bfloat16 torch encoder
(``index.encoders.torch_bf16``): ``OnnxEmbedder.prepare_bulk`` decides, per run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedder import DEFAULT_MODEL, Embedder, ModelUnavailable
from index.encoders import check, torch_bf16

ENCODER_FORMAT = 1
"""Version of the export folder's layout; an export of another format is not opened."""

MIN_TEXTS = 400
"""Runs of fewer texts stay on this encoder: importing torch (about 1 s) would cost more
than bfloat16 saves."""


def onnx_available() -> bool:
    """True when onnxruntime and tokenizers can be imported."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "tokenizers"))


class OnnxEmbedder(Embedder):
    """An exported model run with ONNX Runtime: same vectors as sentence-transformers."""

    def __init__(self, folder: Path, name: str = DEFAULT_MODEL, threads: int | None = None,
                 bulk_allowed: bool = True) -> None:
        self.folder = Path(folder)
        self._name = name
        self.info = json.loads((self.folder / "encoder.json").read_text(encoding="utf-8"))
        if self.info.get("format") != ENCODER_FORMAT:
            raise ModelUnavailable(f"encoder in {self.folder} has an unknown format")
        self.max_seq_length = int(self.info["max_seq_length"])
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        tok.enable_truncation(max_length=self.max_seq_length)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tok
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._quick = self._open_session(prepack=False, threads=1)
        self._query = None
        self._queries = 0
        self._batch = None
        self.bulk_allowed = bulk_allowed
        """May large indexing runs use the bfloat16 encoder (``prepare_bulk``)?"""
        self._bulk = None
        self._bulk_agreement: float | None = None
        self.bulk_reason: str | None = None
        """Why the last ``prepare_bulk`` did not switch to the bfloat16 encoder."""

    def _open_session(self, prepack: bool, threads: int):  # noqa: ANN202 - lazy onnxruntime
        """A session over the memory-mapped model.

        Without prepacking a session opens in milliseconds and encodes one query in a few
        (what a one-question process needs); prepacked weights (a copy, made once in about
        50 ms) make every later query and batch faster. One query runs on one thread:
        splitting ten tokens' matrix products across cores costs more than it saves,
        above all on a busy machine; batches use every core.
        """
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # A fused export is already optimised: basic rewrites only, so sessions open fast.
        opts.graph_optimization_level = (
            ort.GraphOptimizationLevel.ORT_ENABLE_BASIC if self.info.get("fused")
            else ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        )
        opts.add_session_config_entry("session.disable_prepacking", "0" if prepack else "1")
        return ort.InferenceSession(
            str(self.folder / "model.onnx"), sess_options=opts, providers=["CPUExecutionProvider"]
        )

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return int(self.info["dim"])

    @property
    def encoder_info(self) -> dict:
        """What the index manifest records about the encoder that made it."""
        info = {"kind": "onnx", "model": self._name, "folder": self.folder.name,
                "max_seq_length": self.max_seq_length}
        if self._bulk is not None:
            info["bulk"] = {"kind": "torch-bfloat16", "agreement_min_cosine":
                            round(self._bulk_agreement or 0.0, 6)}
        return info

    @property
    def description(self) -> str:
        """One line for people: what encodes passages now."""
        if self._bulk is not None:
            return (f"{self._name}, matrix products in bfloat16 "
                    f"(cosine ≥ {self._bulk_agreement:.5f} to float32)")
        why = f" (not bfloat16: {self.bulk_reason})" if self.bulk_reason else ""
        return f"{self._name} on ONNX Runtime, float32{why}"

    def close(self) -> None:
        self._quick = self._query = self._batch = self._bulk = None

    @property
    def bulk_step(self) -> int | None:
        """Texts to hand over per call while the bulk encoder runs (it batches them by
        token count itself); None: the caller's batch size."""
        return 512 if self._bulk is not None else None

    def prepare_bulk(self, n_texts: int) -> bool:
        """Get ready to encode ``n_texts`` passages; True if the bfloat16 encoder will.

        The bfloat16 torch encoder (``index.encoders.torch_bf16``) is used for runs of at
        least ``MIN_TEXTS`` texts on CPUs that multiply bfloat16 natively, and only when it
        agrees with this float32 encoder on the check sentences (cosine at least
        ``check.MIN_AGREEMENT``); the ``bfloat16`` setting (``bulk_allowed``) can turn it
        off. Otherwise ``bulk_reason`` says why not and this encoder
        carries on alone. Queries always use the float32 encoder. Checked on every call,
        so a later small run, or a run after the setting was turned off, is float32.
        """
        if not self.bulk_allowed:
            self.bulk_reason = "turned off in the settings"
        elif n_texts < MIN_TEXTS:
            self.bulk_reason = f"a small run, fewer than {MIN_TEXTS} sentences and passages"
        elif self._bulk is not None:
            return True
        elif not torch_bf16.bf16_hardware():
            self.bulk_reason = "this CPU has no bfloat16 matrix units"
        elif not torch_bf16.torch_available():
            self.bulk_reason = "torch or safetensors is not installed"
        else:
            try:
                model_dir = Path(self.info["model_dir"])
                bulk = torch_bf16.TorchBertEncoder(model_dir, self._tokenizer,
                                                   self.max_seq_length)
                # The reference through the light session: no extra copy of the weights.
                ref = self._run([s.strip() for s in check.CHECK_SENTENCES], self._quick)
                worst = check.agreement(bulk.encode(check.CHECK_SENTENCES), ref)
            except Exception as exc:  # noqa: BLE001 - torch raises many error types
                self.bulk_reason = f"the bfloat16 encoder cannot run: {exc}"
                return False
            if worst < check.MIN_AGREEMENT:
                self.bulk_reason = f"the bfloat16 encoder disagrees (cosine {worst:.5f})"
                return False
            self._bulk, self._bulk_agreement, self.bulk_reason = bulk, worst, None
            return True
        self._bulk = None
        return False

    def release_bulk(self) -> None:
        """Drop the bfloat16 encoder (its weights) after a run; the next run decides again."""
        self._bulk = None

    def load(self) -> None:
        """Open the faster, prepacked sessions now (a long-running app calls this once)."""
        if self._query is None:
            self._query = self._open_session(prepack=True, threads=1)

    def _run(self, texts: list[str], session=None) -> np.ndarray:  # noqa: ANN001
        enc = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in enc], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
        out = (session or self._quick).run(
            ["sentence_embedding"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        return np.asarray(out, dtype=np.float32)

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens each text occupies after truncation (including [CLS] and [SEP])."""
        self._tokenizer.no_padding()
        try:
            return [len(e.ids) for e in self._tokenizer.encode_batch([t.strip() for t in texts])]
        finally:
            self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode_documents(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Vectors for ``texts``, batched by token length so little padding is computed."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        if self._bulk is not None and len(texts) > 4:
            return self._bulk.encode(texts, batch_size=max(batch_size, 64))
        if len(texts) > 4 and self._batch is None:
            self._batch = self._open_session(prepack=True, threads=self._threads)
        session = self._batch or self._quick
        stripped = [str(t).strip() for t in texts]
        order = np.argsort([len(t) for t in stripped], kind="stable")
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            out[idx] = self._run([stripped[i] for i in idx], session)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """Vector for one query; a process that asks twice switches to the prepacked session."""
        self._queries += 1
        if self._queries == 2:
            self.load()
        return self._run([str(text).strip()], self._query or self._quick)[0]
