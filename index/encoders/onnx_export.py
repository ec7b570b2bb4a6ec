"""The one-off export of a sentence-transformers model to ONNX, once per machine.

Importing sentence-transformers (and with it torch and transformers) takes seconds on a
small machine; ``onnxruntime`` and ``tokenizers`` import in a fraction of that. So the
model is exported once, per machine and per model, into a per-user cache:

::

    ~/.cache/mutuals-assistant/encoders/<key>/
      model.onnx        the transformer with mean pooling and L2 normalisation built in
      model.data        its weights, memory-mapped by ONNX Runtime
      tokenizer.json    the model's own fast tokenizer
      encoder.json      what was exported, from where, and the agreement check

and later processes run it (``index.encoders.onnx_runtime``) without touching torch.
Pooling and normalisation are the model's own (``1_Pooling`` mean over the attention
mask, then ``Normalize``), and the export is kept only when it agrees with the PyTorch
model on the check sentences (``index.encoders.check``); otherwise callers fall back to
sentence-transformers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from index.embedder import DEFAULT_MODEL, ModelUnavailable, resolve_model_path
from index.encoders.check import CHECK_SENTENCES, MIN_AGREEMENT, agreement
from index.encoders.onnx_runtime import ENCODER_FORMAT, OnnxEmbedder

PREPARING = "Preparing the language model for this machine (once, up to a minute)…"


class ExportFailed(RuntimeError):
    """The model could not be exported to ONNX, or the export disagreed with the model."""


def cache_root() -> Path:
    """Where exported encoders live: ``$ASSISTANT_ENCODER_CACHE`` or the XDG cache folder."""
    explicit = os.environ.get("ASSISTANT_ENCODER_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "mutuals-assistant" / "encoders"


def _weights_file(model_dir: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (model_dir / name).is_file():
            return model_dir / name
    raise ModelUnavailable(f"no model weights in {model_dir}")


def model_key(model_dir: Path) -> str:
    """A cheap identity of a local model folder: its path and its weights' size and mtime.

    Only ``stat`` calls, so finding the export costs nothing at start-up; a reinstalled or
    changed model gets a new key and is exported again.
    """
    weights = _weights_file(model_dir)
    st = weights.stat()
    raw = f"{model_dir.resolve()}|{weights.name}|{st.st_size}|{st.st_mtime_ns}|{ENCODER_FORMAT}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def _max_seq_length(model_dir: Path) -> int:
    try:
        cfg = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(cfg.get("max_seq_length") or 256)
    except (OSError, ValueError):
        return 256


def _check_pooling(model_dir: Path) -> None:
    """Refuse models whose pooling is not mean pooling followed by normalisation."""
    pooling = model_dir / "1_Pooling" / "config.json"
    if pooling.is_file():
        cfg = json.loads(pooling.read_text(encoding="utf-8"))
        if not cfg.get("pooling_mode_mean_tokens") or any(
            cfg.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                 "pooling_mode_mean_sqrt_len_tokens")
        ):
            raise ExportFailed("only mean-pooling models can be exported")
    modules = model_dir / "modules.json"
    if modules.is_file():
        kinds = [m.get("type", "") for m in json.loads(modules.read_text(encoding="utf-8"))]
        if not any(k.endswith("Normalize") for k in kinds):
            raise ExportFailed("the model does not normalise its embeddings")


def export(model_dir: Path, target: Path) -> Path:
    """Export the model in ``model_dir`` to ``target`` (a new folder); return ``target``.

    Needs torch, transformers and onnx (imported here only). The folder is written under
    a temporary name and renamed into place, so a concurrent reader never sees half of it.
    """
    _check_pooling(model_dir)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    with _quiet():
        return _export(model_dir, target)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No progress bars, tracer or exporter warnings, or library chatter on the terminal:
    the user sees one line saying the model is being prepared. Errors still raise."""
    import logging
    import warnings

    loggers = [logging.getLogger(n) for n in ("transformers", "torch.onnx", "onnxruntime",
                                                "onnx", "onnxscript")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
    except ImportError:
        bars = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TracerWarning, the ONNX UserWarning, ...
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
        if bars:
            hf_logging.enable_progress_bar()


def _export(model_dir: Path, target: Path) -> Path:
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ExportFailed(f"torch and transformers are needed to export: {exc}") from exc

    class _Pooled(torch.nn.Module):
        """The transformer plus sentence-transformers' mean pooling and normalisation."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            tokens = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            summed = (tokens * mask).sum(1)
            mean = summed / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1), tokens

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    try:
        bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
        bert.eval()
        module = _Pooled(bert)
        # The reference vectors, computed before tracing (export leaves the module altered).
        ref = _reference(module, model_dir, _max_seq_length(model_dir))
        ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.int64)
        mask = (ids != 0).to(torch.int64)
        types = torch.zeros_like(ids)
        axes = {0: "batch", 1: "tokens"}
        with torch.no_grad():
            torch.onnx.export(
                module, (ids, mask, types), str(tmp / "model.onnx"),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["sentence_embedding", "token_embeddings"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes,
                              "token_type_ids": axes, "sentence_embedding": {0: "batch"},
                              "token_embeddings": axes},
                opset_version=17, do_constant_folding=True, dynamo=False,
            )
        fused = _fuse(tmp / "model.onnx", bert.config)
        _externalise(tmp / "model.onnx")
        shutil.copy2(model_dir / "tokenizer.json", tmp / "tokenizer.json")
        max_len = _max_seq_length(model_dir)
        info = {
            "format": ENCODER_FORMAT,
            "kind": "onnx",
            "model_dir": str(model_dir.resolve()),
            "weights": _weights_file(model_dir).name,
            "max_seq_length": max_len,
            "pooling": "mean",
            "normalize": True,
            "dim": int(bert.config.hidden_size),
            "torch": torch.__version__,
            "opset": 17,
            "fused": fused,
        }
        (tmp / "encoder.json").write_text(json.dumps(info, indent=2), encoding="utf-8")

        # Keep the export only if it agrees with the PyTorch model it came from.
        candidate = OnnxEmbedder(tmp, name="check")
        worst = agreement(candidate.encode_documents(CHECK_SENTENCES), ref)
        if worst < MIN_AGREEMENT:
            raise ExportFailed(f"exported model disagrees with the original (cosine {worst:.5f})")
        info["agreement_min_cosine"] = round(worst, 6)
        (tmp / "encoder.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
        candidate.close()
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "encoder.json").is_file():  # not a concurrent export that won
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except ExportFailed:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as exc:  # noqa: BLE001 - torch/onnx raise many error types
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportFailed(f"cannot export {model_dir} to ONNX: {exc}") from exc
    return target


def _fuse(path: Path, config) -> bool:  # noqa: ANN001 - a transformers config
    """Replace ``path`` by ONNX Runtime's fused-operator version of it, when that works.

    Attention, GELU and skip-layer-norm fusions make batches noticeably faster on CPU;
    the agreement check that follows covers the fused graph.
    """
    try:
        from onnxruntime.transformers import optimizer

        opt = optimizer.optimize_model(
            str(path), model_type="bert", num_heads=int(config.num_attention_heads),
            hidden_size=int(config.hidden_size), opt_level=1,
        )
        fused_path = path.with_name("fused.onnx")
        opt.save_model_to_file(str(fused_path))
    except Exception:  # noqa: BLE001 - the plain export is still correct
        return False
    os.replace(fused_path, path)
    return True


def _externalise(path: Path) -> None:
    """Move the weights out of the protobuf into ``model.data`` beside it.

    ONNX Runtime memory-maps external weights instead of parsing and copying them, which
    takes a session's opening from about 0.2 s to a few milliseconds.
    """
    import onnx

    model = onnx.load(str(path))
    onnx.save_model(model, str(path), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="model.data", size_threshold=1024)


def _reference(module, model_dir: Path, max_len: int) -> np.ndarray:  # noqa: ANN001
    """The PyTorch model's vectors for the check sentences."""
    import torch
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(max_length=max_len)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    enc = tok.encode_batch([s.strip() for s in CHECK_SENTENCES])
    ids = torch.tensor([e.ids for e in enc], dtype=torch.int64)
    mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.int64)
    with torch.no_grad():
        return module(ids, mask, torch.zeros_like(ids))[0].numpy()


def exported_dir(model: str = DEFAULT_MODEL, root: Path | None = None) -> Path:
    """The folder the export of ``model`` lives (or would live) in."""
    model_dir = Path(resolve_model_path(model))
    return (root or cache_root()) / model_key(model_dir)


def ensure_exported(model: str = DEFAULT_MODEL, root: Path | None = None,
                    notice: Callable[[str], None] | None = None) -> Path:
    """The export of ``model``, made now if it does not exist yet (slow: imports torch).

    ``notice`` is told, in one line, before an export starts (to show the user).
    """
    model_dir = Path(resolve_model_path(model))
    if not model_dir.is_dir():
        raise ExportFailed(f"{model!r} is not a local model folder")
    target = (root or cache_root()) / model_key(model_dir)
    if (target / "encoder.json").is_file():
        return target
    marker = target.with_name(target.name + ".failed.json")
    tools = _export_tools()
    try:
        failed = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        failed = None
    if failed and failed.get("tools") == tools:
        # The same tools failed before: do not pay for importing torch again.
        raise ExportFailed(f"{failed.get('reason')} (export skipped: it failed before with "
                           f"the same packages; delete {marker} to retry)")
    if notice is not None:
        notice(PREPARING)
    try:
        return export(model_dir, target)
    except ExportFailed as exc:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"reason": str(exc), "tools": tools}), encoding="utf-8")
        raise


def _export_tools() -> dict[str, str | None]:
    """Versions of the packages an export needs (None: not installed), without importing."""
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in ("torch", "transformers", "onnx", "onnxruntime"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
