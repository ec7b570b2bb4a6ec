"""Topic digests are computed from the index: merged, de-duplicated, strongest first."""

from __future__ import annotations

import pytest

from assistant.records import Passage
from assistant.topics import TOPICS, Topic, topic_passages
from tests.corpus.pdfgen import make_report_pdf


def _p(chunk_id: str, score: float, section: str = "Body", dense: float = 0.9,
       text: str = "") -> Passage:
    return Passage(
        rank=1, chunk_id=chunk_id, doc_id="d", title="T", source="s", url=None, page_start=1,
        page_end=1, pages_label="p. 1", section=[section], score=score,
        text=text or f"text {chunk_id}", dense=dense,
    )


def test_chunks_found_by_several_queries_rank_first_and_no_chunk_repeats():
    topics = (Topic("A", "", ("a1", "a2")), Topic("B", "", ("b1", "b2")))
    results = {
        "a1": [_p("x", 0.30), _p("y", 0.20)],
        "a2": [_p("y", 0.20), _p("z", 0.10)],  # y: found twice -> 0.40 beats x 0.30
        "b1": [_p("x", 0.50), _p("w", 0.10)],  # x fits B better than A
        "b2": [_p("w", 0.05)],
    }
    out = topic_passages(lambda q, n: results[q], k=2, topics=topics)
    a, b = out
    assert [p.chunk_id for p in a.passages] == ["y", "z"]
    assert [p.chunk_id for p in b.passages] == ["x", "w"]
    assert [p.rank for p in a.passages] == [1, 2]
    assert a.passages[0].score > a.passages[1].score


def test_heading_naming_the_topic_lifts_a_passage():
    topics = (Topic("Challenges", "", ("q",), ("challeng",)),)
    hits = [_p("plain", 0.30), _p("headed", 0.25, section="3 Challenges")]
    out = topic_passages(lambda q, n: hits, k=1, topics=topics)
    assert [p.chunk_id for p in out[0].passages] == ["headed"]


def test_topic_is_never_left_empty_when_it_shares_all_its_chunks():
    topics = (Topic("A", "", ("a",)), Topic("B", "", ("b",)))
    results = {"a": [_p("only", 0.9)], "b": [_p("only", 0.1)]}
    a, b = topic_passages(lambda q, n: results[q], k=3, topics=topics)
    assert [p.chunk_id for p in a.passages] == ["only"]
    assert [p.chunk_id for p in b.passages] == ["only"]


def test_passages_without_evidence_for_the_topic_are_left_out():
    """Below-average fused score, weak similarity, or neither the topic's words nor a
    strong similarity: not shown under the topic (and no other topic takes their place)."""
    topic = Topic("Benefits", "", ("q",), evidence_stems=("benefit",))
    hits = [
        _p("named", 0.8, dense=0.50, text="The benefits of sharing staff."),
        _p("strong", 0.6, dense=0.70, text="Partnerships widened their reach."),
        _p("negative", -5.3, dense=0.14, text="Updates to this page. Published 29 May 2018"),
        _p("below_average", -0.2, dense=0.55, text="Their benefits were unclear."),
        _p("weak", 0.9, dense=0.30, text="A benefit of the doubt."),
        _p("generic", 1.5, dense=0.59, text="Request an accessible format."),
    ]
    (out,) = topic_passages(lambda q, n: hits, k=6, topics=(topic,))
    assert sorted(p.chunk_id for p in out.passages) == ["named", "strong"]
    assert all(p.score > 0 for p in out.passages)


def test_each_passage_reports_its_best_similarity_to_the_topic_queries():
    topic = Topic("A", "", ("a1", "a2"))
    results = {"a1": [_p("x", 0.5, dense=0.55)], "a2": [_p("x", 0.4, dense=0.72)]}
    (out,) = topic_passages(lambda q, n: results[q], k=1, topics=(topic,))
    assert out.passages[0].dense == 0.72
    assert abs(out.passages[0].score - 0.9) < 1e-9


def test_empty_index_gives_empty_topics():
    out = topic_passages(lambda q, n: [], k=3)
    assert [t.name for t in out] == ["Benefits", "Challenges", "Recommendations"]
    assert all(t.passages == [] for t in out)


@pytest.mark.integration
def test_topics_from_a_real_index_come_from_the_matching_sections(
    tmp_path, monkeypatch, real_embedder
):
    """Over a real report PDF, each topic surfaces its own section of the report."""
    import index.builder
    from assistant.service import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    make_report_pdf(docs / "report.pdf")
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)  # keep the index small
    assistant = Assistant.open(tmp_path / "index", embedder=real_embedder)
    assistant.index()
    out = assistant.topics(k=2)
    assert [t.name for t in out] == [t.name for t in TOPICS]
    for topic in out:
        assert topic.passages, topic.name
        top = topic.passages[0]
        assert topic.name in top.section_path, (topic.name, top.section_path)
        assert top.pages_label  # citations carry the page
    ids = [p.chunk_id for t in out for p in t.passages]
    assert len(ids) == len(set(ids))
    # Every passage shown is above average for its topic and similar to its queries.
    assert all(p.score > 0 and p.dense >= 0.45 for t in out for p in t.passages)
