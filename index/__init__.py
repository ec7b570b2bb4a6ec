"""Turning chunks into a searchable, versioned index on disk. Knows nothing of questions."""

import os as _os

# Offline means offline: ONNX Runtime (1.29+) writes a device id under
# ~/.cache/Microsoft/DeveloperTools and may send usage telemetry unless told not to. Set
# before anything in this package imports it; a user's own setting wins.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
_os.environ.setdefault("ORT_TELEMETRY_DISABLED", "1")
