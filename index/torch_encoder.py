"""Bulk encoding for indexing: the same BERT, run by torch in bfloat16 on CPUs built for it.

Encoding many passages at index time is matrix products and little else. CPUs with
AMX or AVX-512 BF16 units multiply bfloat16 matrices several times faster than float32
ones, and the model's vectors barely move: with the matrix products in bfloat16 and the
sums, layer norms and pooling kept in float32, the vectors agree with the float32 model
at a cosine above 0.9999. Where the hardware lacks those units bfloat16 is emulated and
slow, so this encoder is used only where it pays, and only after it has agreed with the
float32 encoder on a set of check sentences (``check_agreement``).

The forward pass is written here, on torch alone, rather than taken from transformers:
importing transformers and sentence-transformers costs several seconds, torch about one.
It is the plain BERT encoder of ``config.json`` (post-layer-norm, absolute positions,
exact GELU) with sentence-transformers' mean pooling and normalisation; weights come
from the model's ``model.safetensors`` (no pickle).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedder import ModelUnavailable

MIN_TEXTS = 400
"""Below this many texts the ONNX encoder is used: importing torch (about 1 s) would cost
more than bfloat16 saves."""


def bf16_hardware() -> bool:
    """True when the CPU multiplies bfloat16 matrices natively (AMX or AVX-512 BF16).

    Read from ``/proc/cpuinfo`` so that asking costs no torch import; other systems say
    no (they get the float32 encoder, which is always right, just not as fast).
    """
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"amx_bf16", "avx512_bf16"})
    except OSError:
        pass
    return False


def torch_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("torch", "safetensors"))


class TorchBertEncoder:
    """A BERT sentence encoder on torch alone; matrix products in bfloat16 when asked."""

    def __init__(self, model_dir: Path, tokenizer, max_seq_length: int,  # noqa: ANN001
                 bf16: bool = True) -> None:
        import torch
        from safetensors.torch import load_file

        self.model_dir = Path(model_dir)
        cfg = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        if cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu" or \
                cfg.get("position_embedding_type", "absolute") != "absolute":
            raise ModelUnavailable("the bfloat16 encoder supports plain BERT models only")
        weights = self.model_dir / "model.safetensors"
        if not weights.is_file():
            raise ModelUnavailable(f"no model.safetensors in {self.model_dir}")
        self._torch = torch
        self._tokenizer = tokenizer
        self.max_seq_length = max_seq_length
        self.heads = int(cfg["num_attention_heads"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.bf16 = bf16
        low = torch.bfloat16 if bf16 else torch.float32
        sd = load_file(str(weights))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in sd else ""

        def w(name: str, dtype=torch.float32):  # noqa: ANN001, ANN202
            return sd[prefix + name].to(dtype).contiguous()

        self.word = w("embeddings.word_embeddings.weight")
        self.pos = w("embeddings.position_embeddings.weight")
        self.type0 = w("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            qkv = [p + f"attention.self.{n}" for n in ("query", "key", "value")]
            qkv_w = torch.cat([w(n + ".weight") for n in qkv])
            qkv_b = torch.cat([w(n + ".bias") for n in qkv])
            self.layers.append({
                "qkv": (qkv_w.to(low), qkv_b.to(low)),
                "out": (w(p + "attention.output.dense.weight", low),
                        w(p + "attention.output.dense.bias", low)),
                "ln1": (w(p + "attention.output.LayerNorm.weight"),
                        w(p + "attention.output.LayerNorm.bias")),
                "up": (w(p + "intermediate.dense.weight", low),
                       w(p + "intermediate.dense.bias", low)),
                "down": (w(p + "output.dense.weight", low), w(p + "output.dense.bias", low)),
                "ln2": (w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
            })
        self.dim = int(self.word.shape[1])
        self.threads = ThreadTuner(max(1, torch.get_num_threads()))

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        torch = self._torch
        fn = torch.nn.functional
        low = torch.bfloat16 if self.bf16 else torch.float32
        ids_t = torch.from_numpy(ids)
        mask_t = torch.from_numpy(mask).to(torch.bool)
        b, n = ids.shape
        dim, heads = self.dim, self.heads
        with torch.inference_mode():
            x = self.word[ids_t] + self.pos[:n] + self.type0
            x = fn.layer_norm(x, (dim,), *self.emb_ln, self.eps)
            attend = mask_t[:, None, None, :]
            for layer in self.layers:
                qkv = fn.linear(x.to(low), *layer["qkv"])
                q, k, v = qkv.view(b, n, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)
                a = fn.scaled_dot_product_attention(q, k, v, attn_mask=attend)
                a = fn.linear(a.transpose(1, 2).reshape(b, n, dim), *layer["out"])
                x = fn.layer_norm(x + a, (dim,), *layer["ln1"], self.eps)
                h = fn.gelu(fn.linear(x.to(low), *layer["up"]))
                h = fn.linear(h, *layer["down"])
                x = fn.layer_norm(x + h, (dim,), *layer["ln2"], self.eps)
            m = mask_t.unsqueeze(-1).to(x.dtype)
            mean = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return fn.normalize(mean, p=2.0, dim=1).numpy()

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors for ``texts``, batched by token length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        stripped = [str(t).strip() for t in texts]
        order = np.argsort([len(t) for t in stripped], kind="stable")
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            enc = self._tokenizer.encode_batch([stripped[i] for i in idx])
            ids = np.asarray([e.ids for e in enc], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
            threads = self.threads.next()
            if self._torch.get_num_threads() != threads:
                self._torch.set_num_threads(threads)
            t0 = time.perf_counter()
            out[idx] = self._forward(ids, mask)
            # Work of a batch: every token through the dense layers, plus attention.
            work = ids.size * (12 * self.dim + 2 * ids.shape[1])
            self.threads.record(threads, time.perf_counter() - t0, work)
        return out


class ThreadTuner:
    """Runs each batch on all cores or on one, whichever has lately been faster.

    Splitting every matrix product across the cores is fastest on an idle machine; on a
    busy one each product waits for its slowest thread, and one thread can be several
    times faster (measured: 4 to 18 s for the same texts on two threads, 5.6 to 6.0 s on
    one, beside another busy process). Every ``probe_every``-th batch runs on the other
    setting; the setting with the lower recent time per unit of work is kept.
    """

    def __init__(self, cores: int, probe_every: int = 8) -> None:
        self.options = [cores, 1] if cores > 1 else [1]
        self.current = self.options[0]
        self.probe_every = probe_every
        self.cost: dict[int, float] = {}
        self._batches = 0

    def next(self) -> int:
        self._batches += 1
        if len(self.options) > 1 and self._batches % self.probe_every == 0:
            return next(o for o in self.options if o != self.current)
        return self.current

    def record(self, threads: int, seconds: float, work: float) -> None:
        cost = seconds / max(work, 1.0)
        old = self.cost.get(threads)
        self.cost[threads] = cost if old is None else (old + cost) / 2
        if len(self.cost) == len(self.options):
            self.current = min(self.options, key=self.cost.__getitem__)


def agreement(fast: TorchBertEncoder, reference, sentences: Sequence[str]) -> float:  # noqa: ANN001
    """Lowest cosine between ``fast`` and ``reference`` vectors of ``sentences``."""
    got = fast.encode(sentences)
    ref = reference.encode_documents(list(sentences))
    return float(np.min(np.sum(got * ref, axis=1)))
