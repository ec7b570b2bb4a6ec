"""Topic digests: the points the documents state on Benefits, Challenges and Recommendations.

Nothing here is canned text, and nothing here picks sentences. Each topic is one list
question ("What are the benefits of partnership for mutuals?") asked through the service
like any other, so its points are found exactly as a list answer's are
(``assistant.lists``): sentences that state a benefit, a challenge or a recommendation,
each verbatim with its citation (title, page, section). Passages, headings, and sentences
that only name a topic or describe the document ("This report explores the benefits and
challenges...") are never points.

A sentence that two topics' questions both find is kept under the topic where it scored
best (a sentence of the chapter "3 Challenges" scores higher as a challenge than as a
benefit), so the topics do not repeat each other. A topic's points are grouped by
document, in document order; a topic with none says so (``Topic.none_found``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.records import Answer, Citation


@dataclass(frozen=True)
class Topic:
    """A topic: its name and the list question that gathers its points."""

    name: str
    question: str

    @property
    def none_found(self) -> str:
        """What the topic shows when the documents state no point on it."""
        return f"No points on {self.name.lower()} were found in the indexed documents."


TOPICS: tuple[Topic, ...] = (
    Topic("Benefits", "What are the benefits of partnership for mutuals?"),
    Topic("Challenges", "What are the challenges of partnership for mutuals?"),
    # "...for partnerships": with no topic word at all, no sentence is close enough to
    # the question on a small index and the answer abstains.
    Topic("Recommendations", "What do the documents recommend for partnerships?"),
)


@dataclass
class TopicPoint:
    """One point: a verbatim document sentence and its citation."""

    text: str
    citation: Citation
    score: float

    @property
    def key(self) -> tuple[str, str]:
        """The same sentence of the same document, whichever chunk it was cited from."""
        return (self.citation.doc_id, " ".join(self.text.split()))


@dataclass
class TopicPoints:
    """The points found for one topic, in the order its list answer gave them."""

    topic: Topic
    points: list[TopicPoint] = field(default_factory=list)
    more: int = 0
    """Points the list answer found but did not show (``Answer.more``)."""
    reason: str = ""
    """Why there are none, when the answer abstained (``Answer.reason``)."""
    note: str = ""
    """The answer's hint on what is indexed, when it abstained (``Answer.note``)."""

    @property
    def name(self) -> str:
        return self.topic.name

    @property
    def question(self) -> str:
        return self.topic.question

    def by_document(self) -> list[tuple[str, list[TopicPoint]]]:
        """(document title, its points) in the order the documents first appear."""
        groups: dict[str, tuple[str, list[TopicPoint]]] = {}
        for p in self.points:
            groups.setdefault(p.citation.doc_id, (p.citation.title, []))[1].append(p)
        return list(groups.values())


AskFn = Callable[[str], Answer]


def points_of(answer: Answer) -> list[TopicPoint]:
    """The bullets of a list answer (none when it abstained), each with its citation."""
    if answer.abstained:
        return []
    by_n = {c.n: c for c in answer.citations}
    return [TopicPoint(s.text, by_n[s.citation], s.score)
            for s in answer.sentences if s.citation in by_n]


def topic_points(ask: AskFn, topics: Sequence[Topic] = TOPICS) -> list[TopicPoints]:
    """Each topic's points, from ``ask(question)`` (e.g. ``Assistant.ask``).

    A sentence found under several topics stays under the one where it scored best
    (the first such topic on a tie).
    """
    out = []
    for topic in topics:
        answer = ask(topic.question)
        out.append(TopicPoints(topic, points_of(answer), answer.more,
                               answer.reason if answer.abstained else "",
                               answer.note if answer.abstained else ""))
    best: dict[tuple[str, str], tuple[float, int]] = {}
    for t, tp in enumerate(out):
        for p in tp.points:
            if p.key not in best or p.score > best[p.key][0]:
                best[p.key] = (p.score, t)
    for t, tp in enumerate(out):
        tp.points = [p for p in tp.points if best[p.key][1] == t]
    return out
