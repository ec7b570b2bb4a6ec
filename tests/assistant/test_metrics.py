"""Metric code on tiny cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.evaluate import (
    GoldFileError,
    GoldQuestion,
    Labels,
    calibrate_threshold,
    format_report,
    page_matches,
    parse_gold,
    passage_is_gold,
    score_answer,
    source_matches,
    summarise,
)
from assistant.metrics import mrr_at_k, ndcg_at_k, recall_at_k
from assistant.records import Answer, AnswerSentence, Citation, Passage
from assistant.retrieve import feedback_terms, standardise

# -- ranking metrics ------------------------------------------------------------------


def test_ndcg_hand_computed():
    # relevant at ranks 1 and 3 of 2 relevant: (1 + 1/log2(4)) / (1 + 1/log2(3))
    expected = (1 + 1 / 2) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "x", "b", "y"], {"a", "b"}, k=10) == pytest.approx(expected)


def test_ndcg_cuts_at_k_and_ideal_is_capped_at_k():
    # 3 relevant, k=2, one relevant at rank 2: (1/log2(3)) / (1 + 1/log2(3))
    got = ndcg_at_k(["x", "a", "b"], {"a", "b", "c"}, k=2)
    assert got == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_ndcg_perfect_and_empty():
    assert ndcg_at_k(["a", "b"], {"a", "b"}) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], {"a"}) == 0.0
    assert ndcg_at_k(["a"], set()) == 0.0


def test_duplicates_count_once():
    # a document with two chunks in the ranking is one document at its best rank
    assert ndcg_at_k(["x", "x", "a"], {"a"}) == pytest.approx(1 / math.log2(3))
    assert mrr_at_k(["x", "x", "a"], {"a"}) == pytest.approx(1 / 2)


def test_mrr_hand_computed():
    assert mrr_at_k(["x", "y", "a", "b"], {"a", "b"}) == pytest.approx(1 / 3)
    assert mrr_at_k(["x", "y", "a"], {"a"}, k=2) == 0.0


def test_recall_hand_computed():
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}, k=2) == pytest.approx(1 / 4)
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}, k=3) == pytest.approx(2 / 4)


# -- fusion helpers -------------------------------------------------------------------


def test_standardise_uses_the_reference_distribution():
    ref = np.array([1.0, 2.0, 3.0])  # mean 2, population sd sqrt(2/3)
    got = standardise(np.array([3.0, 2.0]), ref)
    assert got[0] == pytest.approx(1 / math.sqrt(2 / 3))
    assert got[1] == pytest.approx(0.0)
    assert standardise(np.array([5.0]), np.array([4.0, 4.0])).tolist() == [0.0]


def test_feedback_terms_mix_question_and_expansion():
    # question terms: {"mutual"}; one feedback text with "mutual" x1 and "consortium" x3
    terms = feedback_terms(["consortium consortium consortium mutual"], np.array([1.0]),
                           "mutuals", n_terms=1, weight=0.25)
    assert terms == pytest.approx({"mutual": 0.75, "consortium": 0.25})


# -- gold files -----------------------------------------------------------------------


def test_parse_yaml_and_csv_give_the_same_questions():
    yaml_text = """
questions:
  - question: How often does the group meet?
    source: review.pdf
    page: 6
    evidence: It meets   every quarter.
  - question: Who is the chief executive?
    unanswerable: true
"""
    csv_text = ("question,source,page,evidence\n"
                "How often does the group meet?,review.pdf,6,It meets every quarter.\n"
                "Who is the chief executive?,unanswerable,,\n")
    expected = [GoldQuestion("How often does the group meet?", "review.pdf", ("6",),
                             ("It meets every quarter.",)),
                GoldQuestion("Who is the chief executive?")]
    assert parse_gold(yaml_text, "yaml") == expected
    assert parse_gold(csv_text, "csv") == expected
    assert not expected[1].answerable


def test_several_pages_or_passages_may_answer():
    yaml_text = """
- question: What are the benefits?
  source: review.pdf
  page: [1, 4]
  evidence: [It reaches more people., Discharge is faster.]
"""
    csv_text = "question,source,page\nWhat are the benefits?,review.pdf,1; 4\n"
    [from_yaml] = parse_gold(yaml_text, "yaml")
    [from_csv] = parse_gold(csv_text, "csv")
    assert from_yaml.pages == from_csv.pages == ("1", "4")
    assert from_yaml.evidence == ("It reaches more people.", "Discharge is faster.")
    on_page_4 = _passage(1, "c4", 4, "Discharge is faster. Other text.")
    assert passage_is_gold(from_yaml, on_page_4, Labels())
    assert not passage_is_gold(from_yaml, _passage(1, "c5", 5, "Discharge is faster."),
                               Labels())


@pytest.mark.parametrize("text, fmt, message", [
    ("questions:\n  - source: a.pdf\n", "yaml", "question 1: the question is empty"),
    ("questions:\n  - question: Why?\n", "yaml", "give a source"),
    ("questions:\n  - question: Why?\n    sorce: a.pdf\n", "yaml", "unknown field(s) sorce"),
    ("just a string", "yaml", "list of questions"),
    ("source,page\na.pdf,1\n", "csv", "'question' column"),
    ("question,source\n", "csv", "no questions"),
])
def test_bad_gold_files_say_what_is_wrong(text, fmt, message):
    with pytest.raises(GoldFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_gold(text, fmt)


def test_source_matches_file_name_stem_id_title_and_url():
    args = ("review-ab12cd34", "Partnership Review", "/data/docs/review.pdf",
            "https://www.gov.uk/review")
    for name in ("review.pdf", "review", "review-ab12cd34", "partnership review",
                 "https://www.gov.uk/review/", "docs/review.pdf"):
        assert source_matches(name, *args), name
    assert not source_matches("other.pdf", *args)


def test_page_matches_numbers_and_printed_labels():
    assert page_matches("4", 3, 5, True)
    assert not page_matches("6", 3, 5, True)
    assert page_matches("ii", 2, 2, True, ["i", "ii", "1"])
    assert page_matches("p. 1", 3, 3, True, ["i", "ii", "1"])
    assert page_matches("9", 1, 1, False)  # unpaged documents have no page to check


# -- scoring answers ------------------------------------------------------------------


def _passage(rank: int, chunk_id: str, page: int, text: str) -> Passage:
    return Passage(rank=rank, chunk_id=chunk_id, doc_id="review-1", title="Review",
                   source="/d/review.pdf", url=None, page_start=page, page_end=page,
                   pages_label=f"p. {page}", section=[], score=1.0, text=text)


def _citation(n: int, chunk_id: str, page: int, quote: str) -> Citation:
    return Citation(n=n, doc_id="review-1", chunk_id=chunk_id, title="Review",
                    source="/d/review.pdf", url=None, page_start=page, page_end=page,
                    pages_label=f"p. {page}", section=[], quote=quote)


def test_score_answer_hand_computed():
    gold = GoldQuestion("How often?", "review.pdf", ("6",), ("The group meets every quarter.",))
    passages = [_passage(1, "c1", 5, "Budgets are set yearly."),
                _passage(2, "c2", 6, "The group meets every quarter. Minutes are public.")]
    answer = Answer(
        question=gold.question, passages=passages,
        sentences=[AnswerSentence("Budgets are set yearly.", 1, 0.7),
                   AnswerSentence("The group meets every quarter.", 2, 0.8)],
        citations=[_citation(1, "c1", 5, "Budgets are set yearly."),
                   _citation(2, "c2", 6, "The group meets every quarter.")],
        confidence=0.8,
    )
    r = score_answer(gold, answer, Labels())
    assert r.gold_rank == 2
    assert (r.gold_citations, r.citations) == (1, 2)
    assert (r.supported_sentences, r.sentences) == (1, 2)
    assert r.verdict == "partly supported"


def test_list_answer_support_counts_bullets():
    """Each bullet of a list answer is one sentence: support is bullets from the evidence."""
    points = ("Partners share back office costs.", "Bids get larger.", "Staff learn faster.")
    gold = GoldQuestion("What are the benefits?", "review.pdf", ("6",), points)
    passages = [_passage(1, "c1", 6, " ".join(points)),
                _passage(2, "c2", 5, "Budgets are set yearly.")]
    bullets = [*points[:2], "Budgets are set yearly."]
    chunk = {points[0]: ("c1", 6), points[1]: ("c1", 6), bullets[2]: ("c2", 5)}
    answer = Answer(
        question=gold.question, passages=passages, shape="list",
        sentences=[AnswerSentence(t, n, 1.0) for n, t in enumerate(bullets, start=1)],
        citations=[_citation(n, *chunk[t], t) for n, t in enumerate(bullets, start=1)],
    )
    r = score_answer(gold, answer, Labels())
    assert (r.supported_sentences, r.sentences) == (2, 3)
    assert (r.gold_citations, r.citations) == (2, 3)
    assert r.verdict == "partly supported"
    assert summarise([r]).answer_support == pytest.approx(2 / 3)
    assert "bullets 2/3 supported" in format_report([r], summarise([r]))

    answer.sentences, answer.citations = answer.sentences[:2], answer.citations[:2]
    r = score_answer(gold, answer, Labels())
    assert (r.supported_sentences, r.sentences, r.verdict) == (2, 2, "ok")


def test_summary_rates_hand_computed():
    gold_ok = GoldQuestion("q1", "review.pdf", ("6",), ("The group meets every quarter.",))
    unans = GoldQuestion("q2")
    good = Answer(question="q1", passages=[_passage(1, "c2", 6, "The group meets every quarter.")],
                  sentences=[AnswerSentence("The group meets every quarter.", 1, 0.9)],
                  citations=[_citation(1, "c2", 6, "The group meets every quarter.")])
    abstained = Answer(question="q1", abstained=True)
    false_answer = Answer(question="q2", sentences=[AnswerSentence("Budgets.", 1, 0.6)],
                          citations=[_citation(1, "c1", 5, "Budgets.")])
    results = [score_answer(gold_ok, good, Labels()), score_answer(gold_ok, abstained, Labels()),
               score_answer(unans, false_answer, Labels()),
               score_answer(unans, Answer(question="q2", abstained=True), Labels())]
    s = summarise(results)
    assert (s.answerable, s.unanswerable) == (2, 2)
    assert s.recall_at_5 == pytest.approx(0.5)  # the abstained one retrieved nothing
    assert s.answered_rate == pytest.approx(0.5)
    assert s.citation_precision == pytest.approx(1.0)  # only answered answerable count
    assert s.answer_support == pytest.approx(1.0)
    assert s.false_answer_rate == pytest.approx(0.5)
    assert s.abstained_rate == pytest.approx(0.5)


def test_calibration_separates_the_classes_midway():
    t, bacc = calibrate_threshold([0.1, 0.2, 0.8, 0.9], [False, False, True, True])
    assert t == pytest.approx(0.5) and bacc == 1.0


def test_calibration_with_overlap_hand_computed():
    # answerable 0.3, 0.6, 0.9; unanswerable 0.2, 0.7. Candidates and balanced accuracy:
    # 0.2-e: (1 + 0)/2 = .5; 0.25: (1 + 1/2)/2 = .75; 0.45: (2/3 + 1/2)/2 = .58;
    # 0.65: (1/3 + 1/2)/2 = .42; 0.8: (1/3 + 1)/2 = .67; 0.9+e: (0 + 1)/2 = .5
    t, bacc = calibrate_threshold([0.3, 0.6, 0.9, 0.2, 0.7], [True, True, True, False, False])
    assert t == pytest.approx(0.25)
    assert bacc == pytest.approx(0.75)


def test_calibration_ties_take_the_median_threshold():
    # unanswerable 0.2, 0.6; answerable 0.4, 0.8. Candidates: 0.2-e: .5; 0.3: (1 + 1/2)/2
    # = .75; 0.5: (1/2 + 1/2)/2 = .5; 0.7: (1/2 + 1)/2 = .75; 0.8+e: .5. Two tie at .75;
    # the median of [0.3, 0.7] (the upper one of two) is returned.
    t, bacc = calibrate_threshold([0.2, 0.4, 0.6, 0.8], [False, True, False, True])
    assert bacc == pytest.approx(0.75)
    assert t == pytest.approx(0.7)
