"""Topic digests: the strongest passages on Benefits, Challenges and Recommendations.

Nothing here is canned text. Each topic is a handful of descriptive queries; they run
through ordinary hybrid search over whatever is indexed, the hits are merged (a chunk
found by several queries adds up its fused scores; a chunk whose section heading names
the topic gets a bonus), each chunk is kept under the one topic it fits best, and the
strongest few per topic are returned with their citations.

Only passages with real evidence for a topic are kept: a fused score above the average
passage (fused scores are z-scores, so a negative sum means "less relevant than usual"),
a cosine similarity of at least ``MIN_SIMILARITY`` to one of the topic's queries, and
either a word of the topic in the passage or its heading, or a cosine of at least
``STRONG_SIMILARITY``. On the bundled GOV.UK page this drops "Documents ... Request an
accessible format" (cosine 0.59 to the Benefits queries, no word of any topic) and
"Updates to this page Published 29 May 2018" (cosine 0.14); on the test report it drops
the adviser notes on procurement (0.33). Each kept passage carries its best cosine in
``Passage.dense``: the relevance figure the app shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from assistant.records import Passage


@dataclass(frozen=True)
class Topic:
    """A topic: its name, a one-line description and the queries that find it."""

    name: str
    description: str
    queries: tuple[str, ...]
    #: Word stems that mark a section heading as being about this topic.
    heading_stems: tuple[str, ...] = ()
    #: Word stems that, in the passage text or heading, show it speaks of this topic.
    evidence_stems: tuple[str, ...] = ()


TOPICS: tuple[Topic, ...] = (
    Topic(
        "Benefits",
        "What partnership brings to mutuals and the people they serve",
        (
            "benefits of partnership working for public service mutuals",
            "advantages and opportunities gained by working in partnership",
            "partnerships increase reach, scale, shared resources and better outcomes",
        ),
        ("benefit", "advantage", "opportunit", "value"),
        ("benefit", "advantage", "opportunit", "improv", "gain"),
    ),
    Topic(
        "Challenges",
        "Barriers, risks and difficulties of working in partnership",
        (
            "challenges and barriers to partnership working",
            "difficulties and risks mutuals face when partnering",
            "obstacles such as trust, culture, capacity, funding and procurement rules",
        ),
        ("challeng", "barrier", "risk", "difficult", "obstacle"),
        ("challeng", "barrier", "risk", "difficult", "obstacle", "constrain", "problem"),
    ),
    Topic(
        "Recommendations",
        "What the documents recommend mutuals, commissioners and government do",
        (
            "recommendations to support partnerships",
            "what commissioners and government should do to enable partnership",
            "advice and next steps for mutuals forming partnerships",
        ),
        ("recommend", "next step", "conclusion", "advice"),
        ("recommend", "should", "next step", "advice", "advise", "propos"),
    ),
)

#: Added to a chunk's merged score when its section heading names the topic.
HEADING_BONUS = 0.5
#: Least cosine similarity to one of a topic's queries for a passage to count at all.
MIN_SIMILARITY = 0.45
#: A passage this similar to a topic query counts even without a word of the topic.
STRONG_SIMILARITY = 0.65


@dataclass
class TopicPassages:
    """The passages chosen for one topic, strongest first (ranks 1..k)."""

    topic: Topic
    passages: list[Passage] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.topic.name


SearchFn = Callable[[str, int], list[Passage]]


def _heading_matches(passage: Passage, topic: Topic) -> bool:
    heading = " ".join(passage.section).lower()
    return any(stem in heading for stem in topic.heading_stems)


def _names_topic(passage: Passage, topic: Topic) -> bool:
    text = " ".join([*passage.section, passage.text]).lower()
    return any(stem in text for stem in topic.evidence_stems or topic.heading_stems)


def _is_evidence(score: float, similarity: float, passage: Passage, topic: Topic) -> bool:
    """Whether ``passage`` really speaks of ``topic`` (see the module docstring)."""
    if score <= 0 or similarity < MIN_SIMILARITY:
        return False
    return similarity >= STRONG_SIMILARITY or _names_topic(passage, topic)


def topic_passages(
    search: SearchFn,
    k: int = 3,
    topics: Sequence[Topic] = TOPICS,
    per_query: int | None = None,
) -> list[TopicPassages]:
    """The ``k`` strongest passages with evidence for each topic, from ``search(query, n)``.

    Each returned passage has ``score`` = its merged fused score and ``dense`` = its best
    cosine similarity to the topic's queries.

    Args:
        search: hybrid search over the index, e.g. ``Assistant.search``.
        k: passages to keep per topic.
        topics: the topics and their queries.
        per_query: hits asked of each query (default ``max(3 * k, 8)``).
    """
    n = per_query or max(3 * k, 8)
    # merged[topic index][chunk_id] = (score, passage with its best cosine in .dense)
    merged: list[dict[str, tuple[float, Passage]]] = []
    for topic in topics:
        scores: dict[str, tuple[float, Passage]] = {}
        for query in topic.queries:
            for p in search(query, n):
                prev = scores.get(p.chunk_id)
                best = max(p.dense or 0.0, (prev[1].dense or 0.0) if prev else 0.0)
                kept = prev[1] if prev else p
                scores[p.chunk_id] = ((prev[0] if prev else 0.0) + p.score,
                                      replace(kept, dense=best))
        for cid, (s, p) in scores.items():
            if _heading_matches(p, topic):
                scores[cid] = (s + HEADING_BONUS * max(p.score, 1e-9) * len(topic.queries), p)
        merged.append({cid: (s, p) for cid, (s, p) in scores.items()
                       if _is_evidence(s, p.dense or 0.0, p, topic)})

    # Each chunk belongs to the topic where it scores best, so topics do not repeat.
    best_topic: dict[str, int] = {}
    for t, scores in enumerate(merged):
        for cid, (s, _) in scores.items():
            if cid not in best_topic or s > merged[best_topic[cid]][cid][0]:
                best_topic[cid] = t

    out = []
    for t, topic in enumerate(topics):
        ranked = sorted(merged[t].items(), key=lambda kv: (-kv[1][0], kv[0]))
        own = [kv for kv in ranked if best_topic[kv[0]] == t]
        # A small index may put every chunk under one topic: then share, rather than
        # leave a heading empty.
        chosen = own[:k] if own else ranked[:k]
        out.append(
            TopicPassages(
                topic,
                [replace(p, rank=i, score=s) for i, (_, (s, p)) in enumerate(chosen, start=1)],
            )
        )
    return out
