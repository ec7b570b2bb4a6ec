"""Settings: one typed object, read from a TOML file and the environment at the edge.

Precedence: explicit arguments > environment variables (``ASSISTANT_<FIELD>``) >
config file (``$ASSISTANT_CONFIG`` or ``~/.config/mutuals-assistant/config.toml``) >
defaults. Unknown keys in the file are an error, so a typo never passes silently.

A plain dataclass rather than pydantic-settings: importing pydantic costs more than the
whole cold-start budget of ``assistant ask``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


def default_index_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "mutuals-assistant" / "index"


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(Path.home(), ".config")
    return Path(base) / "mutuals-assistant" / "config.toml"


class ConfigError(ValueError):
    """A configuration file or variable that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Everything a user can configure."""

    index_dir: Path = field(default_factory=default_index_dir)
    """Folder holding the index (generations, cache, sources)."""

    model: str = "all-MiniLM-L6-v2"
    """Embedding model: the bundled all-MiniLM-L6-v2, or a path to a local model folder."""

    encoder: str = "auto"
    """How the model is run: "auto" (ONNX Runtime, exported once per machine, falling back
    to sentence-transformers), "onnx" or "sentence-transformers"."""

    bfloat16: bool = True
    """Let large indexing runs (400 texts or more) do the model's matrix products in
    bfloat16 on CPUs with AMX or AVX-512 BF16 units: two to three times as fast, vectors
    within a cosine of 0.9999 of float32 (0.99997 measured; checked against the
    MIN_AGREEMENT bar of 0.999 before each run; float32 otherwise). Questions
    are always encoded in float32."""

    top_k: int = 5
    """Passages returned for a question."""

    candidates: int = 100
    """Candidates taken from each retriever (dense, BM25) before fusion."""

    fusion: str = "zscore"
    """How dense and BM25 results are combined: "zscore" (weighted sum of standardised
    scores, the default; see benchmarks/RESULTS.md) or "rrf" (reciprocal rank fusion)."""

    rrf_k: int = 60
    """Reciprocal rank fusion constant (fusion = "rrf")."""

    dense_weight: float = 2.0
    """Weight of the dense ranking in fusion (chosen on half of the CISI queries)."""

    bm25_weight: float = 1.0
    """Weight of the BM25 ranking in fusion."""

    feedback_docs: int = 10
    """Pseudo-relevance feedback: best first-pass passages whose terms expand the query."""

    feedback_terms: int = 10
    """Pseudo-relevance feedback: expansion terms taken from those passages."""

    feedback_weight: float = 0.3
    """Pseudo-relevance feedback: share of the BM25 query given to expansion terms
    (0 turns feedback off)."""

    answer_sentences: int = 3
    """Most sentences in an answer."""

    abstain_below: float = 0.174
    """Abstain when no sentence of the retrieved passages has at least this evidence score
    (see abstain_topic_weight). Calibrated by benchmarks/answers.py (balanced accuracy on
    a tuning half of the fixture questions)."""

    abstain_topic_weight: float = 1.0
    """Evidence for abstention is a sentence's cosine with the question vector minus this
    weight times the mean vector of the top passages: what the question asks beyond its
    topic (0: plain cosine with the question)."""

    sentence_margin: float = 0.03
    """Answer sentences must score within this margin of the best one."""

    sentence_term_bonus: float = 0.1
    """Added to a sentence's cosine, times the share of the question's terms it contains."""

    sentence_heading_weight: float = 0.5
    """Added to a sentence's score, times how much better the heading of the section it
    sits in matches the question than the sentence itself does (cosines; 0: headings are
    not used). Chosen on the tuning half by benchmarks/answers.py."""

    max_file_mb: float = 50.0
    """Files larger than this are skipped with a reason."""

    chunk_tokens: int = 230
    """Chunk size in estimated word-piece tokens (the model reads up to 256)."""

    chunk_overlap: int = 40
    """Overlap between consecutive chunks of a section, in tokens."""

    govuk_api: str = "https://www.gov.uk/api/content"
    """GOV.UK Content API root used by ``assistant sync`` (change only for a mirror or tests)."""

    sync_sources: tuple[str, ...] = (
        "https://www.gov.uk/government/publications/partnerships-for-better-public-services",
    )
    """GOV.UK pages ``assistant sync`` fetches when given no URL (TOML list; in the
    environment, URLs separated by spaces or commas)."""

    sync_dir: str = ""
    """Folder for synced GOV.UK documents; empty means ``govuk`` beside the index folder."""

    @classmethod
    def load(cls, config_path: Path | None = None, **overrides: object) -> Settings:
        """Defaults, then the config file, then ``ASSISTANT_*`` variables, then ``overrides``."""
        values: dict[str, object] = {}
        path = config_path or Path(os.environ.get("ASSISTANT_CONFIG") or default_config_path())
        if path.is_file():
            import tomllib  # only when there is a file: its import slows every start-up

            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read config {path}: {exc}") from exc
            values.update(data)
        for f in fields(cls):
            env = os.environ.get(f"ASSISTANT_{f.name.upper()}")
            if env:
                values[f.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls().with_values(values)

    def with_values(self, values: dict[str, object]) -> Settings:
        """A copy with ``values`` applied and converted to each field's type."""
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        converted: dict[str, object] = {}
        for name, raw in values.items():
            default = getattr(self, name)
            try:
                if isinstance(default, Path):
                    converted[name] = Path(str(raw)).expanduser()
                elif isinstance(default, tuple):
                    items = (raw if isinstance(raw, list | tuple)
                             else str(raw).replace(",", " ").split())
                    converted[name] = tuple(str(x) for x in items)
                elif isinstance(default, bool):
                    converted[name] = str(raw).lower() in ("1", "true", "yes", "on")
                else:
                    converted[name] = type(default)(raw)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"setting {name}: cannot use {raw!r} ({exc})") from exc
        return replace(self, **converted)  # type: ignore[arg-type]

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)
