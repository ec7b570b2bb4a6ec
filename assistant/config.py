"""Settings: one typed object, read from a TOML file and the environment at the edge.

Precedence: explicit arguments > environment variables (``ASSISTANT_<FIELD>``) >
config file (``$ASSISTANT_CONFIG`` or ``~/.config/mutuals-assistant/config.toml``) >
defaults. Unknown keys in the file are an error, so a typo never passes silently.

A plain dataclass rather than pydantic-settings: importing pydantic costs more than the
whole cold-start budget of ``assistant ask``.
"""

from __future__ import annotations

import math
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
    bfloat16 on CPUs with AMX or AVX-512 BF16 units: faster, with vectors that must agree
    with float32 to the MIN_AGREEMENT bar (a cosine of 0.999), checked before each run;
    float32 otherwise. Speed and agreement as measured: benchmarks/SPEED.md. Questions
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

    abstain_similarity_below: float = -1.0
    """Abstain also when the best sentence's plain cosine with the question is below this:
    a question on nothing the documents discuss (-1: off)."""

    abstain_topic_weight: float = 1.0
    """Evidence for abstention is a sentence's cosine with the question vector minus this
    weight times the mean vector of the top passages: what the question asks beyond its
    topic (0: plain cosine with the question)."""

    evidence_length_credit: float = 0.15
    """Added to the evidence score of a sentence longer than 20 words, times ln(words /
    20): a long sentence holding several facts matches any one of them less than a short
    one does (0: off). Chosen on the tuning halves by benchmarks/facts_public.py."""

    abstain_lexical_similarity: float = 0.35
    """Below abstain_below, still answer when the best sentence's plain cosine is at least
    this and its words say what the question asks: it names the question's focus ("What
    *software*...?"), every question term occurs in the index, and for who/when/where/
    how-many questions it holds enough of the question's distinctive terms (see
    assistant/coverage.py). Above 1: off."""

    sentence_kind_margin: float = 0.3
    """A who/when/where/how-many question is answered by the best sentence holding that
    kind of fact among those scoring within this of the best; none there: abstain."""

    second_sentence_below: float = 0.3
    """An answer of one sentence whose evidence score is below this also quotes the next
    best sentence of the same passage (within 0.2 of the best): on weak evidence the best
    sentence is less often the one holding the fact (-1: never)."""

    sentence_margin: float = 0.03
    """Answer sentences must score within this margin of the best one."""

    sentence_term_bonus: float = 0.1
    """Added to a sentence's cosine, times the share of the question's terms it contains."""

    sentence_distinct_bonus: float = 0.3
    """Added to a sentence's score, times the share of the question's distinctive terms it
    holds: terms weighted by idf and by how few of the top passages contain them, so the
    words a question asks about beyond its topic count, not the topic's own words (0:
    off). Chosen on the tuning halves by benchmarks/facts_public.py."""

    sentence_heading_weight: float = 0.5
    """Added to a sentence's score, times how much better the heading of the section it
    sits in matches the question than the sentence itself does (cosines; 0: headings are
    not used). Chosen on the tuning half by benchmarks/answers.py."""

    max_file_mb: float = 50.0
    """Files larger than this are skipped with a reason."""

    load_seconds: float = 120.0
    """Most seconds spent reading one document; a slower one (a file built to be slow
    to parse) is skipped with a reason."""

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
        """Defaults, then the config file, then ``ASSISTANT_*`` variables, then ``overrides``.

        Every value is checked (type, range, allowed values): a bad one raises
        ``ConfigError`` naming the setting, where it came from and what is allowed.
        """
        values: dict[str, object] = {}
        origins: dict[str, str] = {}
        path = config_path or Path(os.environ.get("ASSISTANT_CONFIG") or default_config_path())
        if path.is_file():
            import tomllib  # only when there is a file: its import slows every start-up

            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read config {path}: {exc}") from exc
            values.update(data)
            origins.update({k: f"{k} in {path}" for k in data})
        for f in fields(cls):
            env = os.environ.get(f"ASSISTANT_{f.name.upper()}")
            if env:
                values[f.name] = env
                origins[f.name] = f"ASSISTANT_{f.name.upper()}"
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls().with_values(values, origins)

    def with_values(self, values: dict[str, object],
                    origins: dict[str, str] | None = None) -> Settings:
        """A copy with ``values`` checked and converted to each field's type.

        Strings (from the environment) are parsed; TOML values must already have the
        right type (``top_k = 7.9`` is refused, not truncated; a list is not a string).
        """
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            hint = _did_you_mean(unknown[0], known)
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}{hint}")
        origins = origins or {}
        converted = {name: _convert(name, raw, getattr(self, name), origins.get(name, name))
                     for name, raw in values.items()}
        out = replace(self, **converted)  # type: ignore[arg-type]
        if out.chunk_overlap >= out.chunk_tokens:
            raise ConfigError(
                f"setting chunk_overlap ({out.chunk_overlap}) must be less than chunk_tokens "
                f"({out.chunk_tokens})")
        if out.dense_weight == 0 and out.bm25_weight == 0:
            raise ConfigError("settings dense_weight and bm25_weight cannot both be 0")
        return out

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


# -- checking values ----------------------------------------------------------------------

_INT_RANGES: dict[str, tuple[int, int]] = {
    "top_k": (1, 1000), "candidates": (1, 100_000), "rrf_k": (0, 100_000),
    "feedback_docs": (0, 1000), "feedback_terms": (0, 1000), "answer_sentences": (1, 100),
    "chunk_tokens": (16, 4096), "chunk_overlap": (0, 4095),
}
_FLOAT_RANGES: dict[str, tuple[float, float]] = {
    "dense_weight": (0.0, 100.0), "bm25_weight": (0.0, 100.0), "feedback_weight": (0.0, 1.0),
    "abstain_below": (-1.0, 1.0), "abstain_topic_weight": (0.0, 10.0),
    "abstain_similarity_below": (-1.0, 1.0), "evidence_length_credit": (0.0, 1.0),
    "abstain_lexical_similarity": (-1.0, 2.0), "sentence_kind_margin": (0.0, 2.0),
    "second_sentence_below": (-1.0, 1.0), "sentence_distinct_bonus": (0.0, 10.0),
    "sentence_margin": (0.0, 2.0), "sentence_term_bonus": (0.0, 10.0),
    "sentence_heading_weight": (0.0, 10.0), "max_file_mb": (0.001, 100_000.0),
    "load_seconds": (1.0, 86_400.0),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "fusion": ("zscore", "rrf"),
    "encoder": ("auto", "onnx", "sentence-transformers"),
}
_STRINGS: dict[str, str] = {
    "model": "a model name or a path to a model folder",
    "govuk_api": "an http:// or https:// URL",
    "sync_dir": "a folder path (empty: beside the index folder)",
}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")

#: ``ASSISTANT_*`` variables that are not settings but are read elsewhere.
OTHER_VARIABLES = ("ASSISTANT_CONFIG", "ASSISTANT_ENCODER_CACHE", "ASSISTANT_DEBUG",
                   "ASSISTANT_TOKEN")


def _did_you_mean(name: str, candidates: object) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.7)  # type: ignore[call-overload]
    return f" (did you mean {close[0]}?)" if close else ""


def _number(text: str) -> str:
    return text.strip().replace("_", "")


def _convert(name: str, raw: object, default: object, origin: str) -> object:
    """``raw`` as the type of ``default``, checked; ConfigError naming ``origin`` if not."""

    def bad(allowed: str) -> ConfigError:
        return ConfigError(f"setting {origin}: {raw!r} is not allowed; use {allowed}")

    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE + _FALSE:
            return raw.strip().lower() in _TRUE
        raise bad("true or false")
    if isinstance(default, int):
        lo, hi = _INT_RANGES[name]
        allowed = f"a whole number from {lo} to {hi}"
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str):
            try:
                value = int(_number(raw))
            except ValueError:
                raise bad(allowed) from None
        else:
            raise bad(allowed)
        if not lo <= value <= hi:
            raise bad(allowed)
        return value
    if isinstance(default, float):
        lo_f, hi_f = _FLOAT_RANGES[name]
        allowed = f"a number from {lo_f:g} to {hi_f:g}"
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            value_f = float(raw)
        elif isinstance(raw, str):
            try:
                value_f = float(_number(raw))
            except ValueError:
                raise bad(allowed) from None
        else:
            raise bad(allowed)
        if not (math.isfinite(value_f) and lo_f <= value_f <= hi_f):
            raise bad(allowed)
        return value_f
    if isinstance(default, Path):
        if not isinstance(raw, str | Path) or not str(raw).strip() or "\x00" in str(raw):
            raise bad("a folder path")
        return Path(str(raw)).expanduser()
    if isinstance(default, tuple):
        if isinstance(raw, str):
            items = raw.replace(",", " ").split()
        elif isinstance(raw, list | tuple) and all(isinstance(x, str) for x in raw):
            items = [x.strip() for x in raw if x.strip()]
        else:
            raise bad("a list of URLs")
        return tuple(items)
    # Plain strings.
    if name in _CHOICES:
        allowed_s = " or ".join(repr(c) for c in _CHOICES[name])
    else:
        allowed_s = _STRINGS.get(name, "a string")
    if not isinstance(raw, str):
        raise bad(allowed_s)
    value_s = raw.strip()
    if ((name in _CHOICES and value_s not in _CHOICES[name])
            or (name == "model" and not value_s)
            or (name == "govuk_api" and not value_s.startswith(("https://", "http://")))):
        raise bad(allowed_s)
    return value_s


def unknown_environment(environ: dict[str, str] | None = None) -> list[str]:
    """``ASSISTANT_*`` variables that are neither a setting nor one of ``OTHER_VARIABLES``."""
    env = os.environ if environ is None else environ
    known = {f"ASSISTANT_{f.name.upper()}" for f in fields(Settings)} | set(OTHER_VARIABLES)
    return sorted(k for k in env if k.startswith("ASSISTANT_") and k not in known)


def unknown_environment_warning(environ: dict[str, str] | None = None) -> str | None:
    """One line warning of misspelt ``ASSISTANT_*`` variables, or None."""
    unknown = unknown_environment(environ)
    if not unknown:
        return None
    known = [f"ASSISTANT_{f.name.upper()}" for f in fields(Settings)] + list(OTHER_VARIABLES)
    hints = "; ".join(f"{k}{_did_you_mean(k, known)}" for k in unknown)
    return f"warning: unknown environment variable(s) ignored: {hints}"
