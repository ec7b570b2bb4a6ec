"""The fast encoders, and the choice between them.

``choice``        ``load_embedder``: which encoder a process uses (the only place that decides)
``onnx_runtime``  the exported model on ONNX Runtime: every question, small indexing runs
``onnx_export``   the one-off export of the model to ONNX (imports torch; once per machine)
``torch_bf16``    the bfloat16 bulk encoder for large indexing runs on CPUs built for it
``check``         the agreement with the model that an export and the bulk encoder must pass

The interface they implement, ``index.embedder.Embedder``, and the two simple encoders
(sentence-transformers, the test fake) are in ``index.embedder``, which imports nothing
from here: the arrows point one way, ``choice`` → ``onnx_export`` → ``onnx_runtime`` →
``torch_bf16``/``check`` → ``index.embedder``. Importing any of these modules imports
neither torch nor onnxruntime; they are imported when first used.
"""

from index.encoders.choice import ENCODERS, load_embedder

__all__ = ["ENCODERS", "load_embedder"]
