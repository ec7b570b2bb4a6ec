"""Topic digests are the points the documents state: cited sentences, not passages."""

from __future__ import annotations

import pytest

from assistant.records import Answer, AnswerSentence, Citation
from assistant.shapes import classify
from assistant.topics import TOPICS, Topic, topic_points
from tests.corpus.pdfgen import DEFAULT_PAGES, make_report_pdf


def _citation(n: int, doc: str, quote: str) -> Citation:
    return Citation(n=n, doc_id=doc, chunk_id=f"{doc}:{n}", title=f"Title of {doc}",
                    source=f"/d/{doc}.pdf", url=None, page_start=n, page_end=n,
                    pages_label=f"p. {n}", section=["Body"], quote=quote)


def _list_answer(question: str, points: list[tuple[str, str, float]], more: int = 0) -> Answer:
    """A list answer whose bullets are ``(doc, sentence, score)``, one citation each."""
    answer = Answer(question=question, shape="list", more=more)
    for n, (doc, text, score) in enumerate(points, start=1):
        answer.citations.append(_citation(n, doc, text))
        answer.sentences.append(AnswerSentence(text, n, score))
    return answer


def test_every_topic_question_is_asked_as_a_list_question():
    assert [t.name for t in TOPICS] == ["Benefits", "Challenges", "Recommendations"]
    for topic in TOPICS:
        assert classify(topic.question).shape == "list", topic.question


def test_points_keep_their_citations_and_are_grouped_by_document():
    answers = {
        "q": _list_answer("q", [("a", "Reach grew.", 1.0), ("a", "Costs fell.", 0.9),
                                ("b", "Trust rose.", 0.8)], more=2),
    }
    (out,) = topic_points(answers.__getitem__, topics=(Topic("Benefits", "q"),))
    assert [p.text for p in out.points] == ["Reach grew.", "Costs fell.", "Trust rose."]
    assert all(p.citation.quote == p.text for p in out.points)
    assert [(title, [p.text for p in pts]) for title, pts in out.by_document()] == [
        ("Title of a", ["Reach grew.", "Costs fell."]), ("Title of b", ["Trust rose."])]
    assert out.more == 2


def test_a_topic_the_documents_do_not_cover_says_so():
    topic = Topic("Challenges", "q")
    abstained = Answer(question="q", shape="list", abstained=True,
                       reason="no sentence states a point on this", note="Add the report.")
    (out,) = topic_points(lambda q: abstained, topics=(topic,))
    assert out.points == [] and out.by_document() == []
    assert out.reason == "no sentence states a point on this"
    assert out.note == "Add the report."  # what is indexed, when that is why
    assert topic.none_found == "No points on challenges were found in the indexed documents."


def test_a_sentence_found_by_two_topics_stays_where_it_scored_best():
    shared = "Procurement rules were a barrier."
    answers = {
        "benefits?": _list_answer("benefits?", [("a", "Reach grew.", 2.0), ("a", shared, 0.6)]),
        "challenges?": _list_answer("challenges?", [("a", shared, 1.8)]),
    }
    benefits, challenges = topic_points(
        answers.__getitem__,
        topics=(Topic("Benefits", "benefits?"), Topic("Challenges", "challenges?")))
    assert [p.text for p in benefits.points] == ["Reach grew."]
    assert [p.text for p in challenges.points] == [shared]


def _index(tmp_path, monkeypatch, real_embedder, pages):
    import index.builder
    from assistant.service import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    make_report_pdf(docs / "report.pdf", pages)
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)  # keep the index small
    assistant = Assistant.open(tmp_path / "index", embedder=real_embedder)
    assistant.index()
    return assistant


@pytest.mark.integration
def test_topics_from_a_real_index_are_the_points_of_the_matching_chapters(
    tmp_path, monkeypatch, real_embedder
):
    """Over a real report PDF, each topic lists sentences of its own chapter, cited with
    page and section, each verbatim in its source, none repeated across topics."""
    assistant = _index(tmp_path, monkeypatch, real_embedder, DEFAULT_PAGES)
    out = assistant.topics()
    assert [t.name for t in out] == [t.name for t in TOPICS]
    seen = []
    for topic in out:
        assert topic.points, topic.name
        for p in topic.points:
            c = p.citation
            assert topic.name in c.section_path, (topic.name, c.section_path, p.text)
            assert c.pages_label and c.title
            view = assistant.chunk_view(c.chunk_id)
            assert view is not None and p.text in view.text
            seen.append(p.text)
    assert len(seen) == len(set(seen))
    # Points, not passages: each is one sentence, shorter than its chapter.
    assert all(p.text.count(". ") == 0 for t in out for p in t.points)


@pytest.mark.integration
def test_a_report_without_recommendations_shows_none_under_that_topic(
    tmp_path, monkeypatch, real_embedder
):
    no_recommendations = [page for page in DEFAULT_PAGES if "Recommend" not in page[0]]
    assistant = _index(tmp_path, monkeypatch, real_embedder, no_recommendations)
    by_name = {t.name: t for t in assistant.topics()}
    assert by_name["Benefits"].points and by_name["Challenges"].points
    assert by_name["Recommendations"].points == []


@pytest.mark.integration
def test_topics_on_the_bundled_page_never_show_its_self_descriptions(tmp_path, real_embedder):
    """The bundled GOV.UK page describes the report ("This report explores the need to
    partner, the benefits and challenges..."): that is no benefit, challenge or
    recommendation. Its one real point is a benefit."""
    from assistant.service import Assistant

    assistant = Assistant.open(tmp_path / "index", embedder=real_embedder)
    assistant.index()
    out = assistant.topics()
    texts = [p.text for t in out for p in t.points]
    assert not [t for t in texts if "report" in t.lower()], texts
    benefits = next(t for t in out if t.name == "Benefits")
    assert any("strategic partnerships" in p.text for p in benefits.points), texts
