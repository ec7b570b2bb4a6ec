"""Bulk encoding for indexing: the same BERT, run by torch in bfloat16 on CPUs built for it.

Encoding many passages at index time is matrix products and little else. CPUs with
AMX or AVX-512 BF16 units multiply bfloat16 matrices several times faster than float32
ones, and the model's vectors barely move: with the matrix products in bfloat16 and the
sums, layer norms and pooling kept in float32, the vectors agree with the float32 model
at a cosine above 0.9999. Where the hardware lacks those units bfloat16 is emulated and
slow, so this encoder is used only where it pays, and only after it has agreed with the
float32 encoder on the check sentences (``index.encoders.check``); the ONNX encoder's
``prepare_bulk`` decides.

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

TOKEN_BUDGET = 4096
"""Word-pieces (padding included) per batch; 2,048-4,096 measured fastest here."""
MAX_BATCH = 256


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


_CORES: list[int] = []


def _cores(torch) -> int:  # noqa: ANN001
    """Threads torch would use by default (read once: the tuner changes the setting)."""
    if not _CORES:
        _CORES.append(max(1, torch.get_num_threads()))
    return _CORES[0]


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
        # A copy without padding: batches are padded here, after sorting by length.
        from tokenizers import Tokenizer

        self._plain = Tokenizer.from_str(tokenizer.to_str())
        self._plain.no_padding()
        self._plain.enable_truncation(max_length=max_seq_length)
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
        self.threads = ThreadTuner(_cores(torch))

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
        """Unit vectors for ``texts``, in batches of about ``TOKEN_BUDGET`` word-pieces.

        Texts are sorted by token count, so a batch pads little; a batch holds many short
        sentences or a few long passages (``batch_size`` is not used: a fixed count of
        texts makes batches of short sentences too small to keep the matrix units busy
        and batches of long passages too big for the caches).
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        encs = self._plain.encode_batch([str(t).strip() for t in texts])
        lengths = np.asarray([len(e.ids) for e in encs])
        order = np.argsort(lengths, kind="stable")
        start = 0
        while start < len(order):
            end = start + 1
            while (end < len(order) and end - start < MAX_BATCH
                   and (end - start + 1) * lengths[order[end]] <= TOKEN_BUDGET):
                end += 1
            idx = order[start:end]
            width = int(lengths[idx[-1]])
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = encs[i].ids
                mask[row, : lengths[i]] = 1
            threads = self.threads.next()
            if self._torch.get_num_threads() != threads:
                self._torch.set_num_threads(threads)
            t0 = time.perf_counter()
            out[idx] = self._forward(ids, mask)
            # Work of a batch: every token through the dense layers, plus attention (its
            # weight measured: about 30 % of the time at 240 tokens).
            work = ids.size * (12 * self.dim + 8 * width)
            self.threads.record(threads, time.perf_counter() - t0, work)
            start = end
        return out


class ThreadTuner:
    """Runs each batch on all cores or on one, whichever is faster now.

    Splitting every matrix product across the cores is fastest on an idle machine; on a
    busy one each product waits for its slowest thread, and one thread can be several
    times faster (measured: 4 to 18 s for the same texts on two threads, 5.6 to 6.0 s on
    one, beside another busy process). Trying the other setting costs time, so:

    * on all cores, one thread is tried only when all cores have become clearly slower
      than their best (``slow`` times their best cost per unit of work, ``streak``
      batches running), never on a machine that stays idle; when one thread turns out
      no faster, the present cost becomes the reference;
    * on one thread, all cores are tried again after ``interval`` batches, and the
      interval doubles (up to ``max_interval``) each time they are still slower.
    """

    def __init__(self, cores: int, slow: float = 1.5, streak: int = 3, interval: int = 8,
                 max_interval: int = 64) -> None:
        self.all = max(1, cores)
        self.current = self.all
        self.slow, self.streak = slow, streak
        self.first_interval, self.max_interval = interval, max_interval
        self.interval = interval
        self.recent: dict[int, float] = {}  # cost per unit of work, smoothed
        self._best = float("inf")  # lowest cost per unit of work seen on all cores
        self._slow_run = 0
        self._since_probe = 0

    def next(self) -> int:
        if self.all == 1:
            return 1
        if self.current == 1:
            self._since_probe += 1
            if self._since_probe >= self.interval:
                self._since_probe = 0
                return self.all
            return 1
        if self._slow_run >= self.streak:
            self._slow_run = 0
            return 1
        return self.all

    def record(self, threads: int, seconds: float, work: float) -> None:
        cost = seconds / max(work, 1.0)
        probe = threads != self.current
        if threads == self.all:
            slow = cost > self.slow * self._best
            self._best = min(self._best, cost)
            self._slow_run = self._slow_run + 1 if slow and not probe else 0
        old = self.recent.get(threads)
        self.recent[threads] = cost if old is None or probe else (old + cost) / 2
        if not probe:
            return
        other = self.recent.get(self.current)
        if other is not None and cost < other:
            self.current, self.interval, self._since_probe = threads, self.first_interval, 0
        elif threads == self.all:
            self.interval = min(self.interval * 2, self.max_interval)
        elif other is not None:
            # One thread was no faster: all cores' present cost is the new normal, so
            # only a further slowdown makes it try again.
            self._best = other

