"""Which encoder a process uses: the one place that decides.

``load_embedder`` picks the runtime from the settings (ONNX Runtime when it can be used,
else sentence-transformers) and hands the ONNX encoder the ``bfloat16`` setting; per
indexing run, that encoder's ``prepare_bulk`` decides from the run's size and the CPU
whether the bfloat16 torch encoder takes the passages. Nothing else chooses.
"""

from __future__ import annotations

from collections.abc import Callable

from index.embedder import DEFAULT_MODEL, Embedder, ModelUnavailable, SentenceTransformerEmbedder
from index.encoders import onnx_export, onnx_runtime

ENCODERS = ("auto", "onnx", "sentence-transformers")


def load_embedder(
    model: str = DEFAULT_MODEL, encoder: str = "auto", export: bool = True,
    notice: Callable[[str], None] | None = None, bfloat16: bool = True,
) -> Embedder:
    """The fastest local encoder that produces ``model``'s vectors.

    Args:
        model: model name or local folder.
        encoder: ``auto`` (ONNX Runtime when possible, else sentence-transformers),
            ``onnx`` (fail if ONNX Runtime cannot be used) or ``sentence-transformers``.
        export: when no ONNX export of the model exists yet, make one now (once per
            machine; imports torch, so it takes seconds). Without it, ``auto`` falls back
            to sentence-transformers.
        notice: told in one line when the model is being exported (to show the user).
        bfloat16: may large indexing runs use the bfloat16 bulk encoder (ONNX only).
    """
    if encoder not in ENCODERS:
        raise ModelUnavailable(f"unknown encoder {encoder!r}: use one of {', '.join(ENCODERS)}")
    if encoder == "sentence-transformers":
        return SentenceTransformerEmbedder(model)
    reason = "onnxruntime or tokenizers is not installed"
    if onnx_runtime.onnx_available():
        try:
            folder = onnx_export.exported_dir(model)
            if not (folder / "encoder.json").is_file():
                if not export:
                    raise onnx_export.ExportFailed("the model has not been exported to ONNX yet")
                folder = onnx_export.ensure_exported(model, notice=notice)
            return onnx_runtime.OnnxEmbedder(folder, name=model, bulk_allowed=bfloat16)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own error types
            reason = str(exc)
    if encoder == "onnx":
        raise ModelUnavailable(f"cannot use the ONNX encoder: {reason}")
    return SentenceTransformerEmbedder(model, fallback_reason=reason)
