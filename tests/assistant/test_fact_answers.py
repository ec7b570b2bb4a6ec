"""Fact answers on a tiny index (fake embedder): when words are evidence, kinds of fact,
the focus of a question, a second sentence on weak evidence."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.coverage import distinctive_share, distinctive_weights, unknown_terms
from assistant.points import holds_kind
from assistant.service import Assistant
from assistant.shapes import focus_words
from index.layout import IndexLayout
from index.reader import IndexSnapshot

DOCS = {
    "riverside.txt": (
        "Riverside Community Care is a public service mutual in Eastbrook.\n\n"
        "The mutual keeps a shared visit calendar for its care workers and their clients.\n\n"
        "Staff own most of the company through an employee trust set up with the council."
    ),
    "training.txt": (
        "Shared training for care workers cut the cost of mandatory courses.\n\n"
        "Courses run at full capacity because three mutuals book them together."
    ),
}


@pytest.fixture
def index_dir(text_index):
    return text_index(DOCS).root


def _ask(index_dir, fake_embedder, question, **settings):
    return Assistant(Settings(index_dir=index_dir, **settings), fake_embedder).ask(question)


# -- the focus of a question ----------------------------------------------------------

@pytest.mark.parametrize("question, focus", [
    ("What software does Riverside use for its shared visit calendar?", "software"),
    ("Who is the chief executive of Riverside Community Care?", "chief executive"),
    ("How many beds does Eastbrook Hospital have?", "beds"),
    ("What is the hourly pay of a Riverside care worker?", "hourly pay"),
    ("In which movie was the organisation first introduced?", "movie"),
    ("What type of vaccines have saved lives?", ""),  # "type of" names no thing
    ("What does ELF stand for?", ""),
    ("Why did the board decide to work in partnership?", ""),
    ("How do I register a community interest company?", "register"),
    ("How do I apply for a grant?", "apply"),  # a verb in -ly is no adverb
    ("How can we quickly agree a contract?", "agree"),  # an adverb is skipped
    ("How do I get a grant?", ""),  # "get" names no particular act
    ("How does the potency of antibacterials depend on dose?", ""),
])
def test_the_focus_of_a_fact_question_is_the_thing_it_asks_for(question, focus):
    assert focus_words(question) == focus


# -- kinds of fact ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Ervin Staub showed that economic decline was a starting point.",  # a name opens it
    "GameTrailers in their review called it one of the greatest games.",
    "Audiences polled by the survey gave the film a high grade.",
    "The review was written by an independent evaluator.",
])
def test_sentences_naming_people_hold_a_person(text):
    assert holds_kind(text, "person")


@pytest.mark.parametrize("text", [
    "The Wii version of the game makes use of the motion sensors.",
    "Early life is a critical period for growth.",
    "Shared training cut the cost of mandatory courses.",
])
def test_sentences_naming_no_one_hold_no_person(text):
    assert not holds_kind(text, "person")


# -- distinctive terms --------------------------------------------------------------------

def test_topic_words_weigh_nothing_and_unknown_words_weigh_most(index_dir):
    with IndexSnapshot.open(IndexLayout(index_dir)) as snap:
        passages = [{"riversid", "mutual", "calendar"}, {"riversid", "mutual", "trust"}]
        w = distinctive_weights(snap, ["riversid", "calendar", "pension"], passages)
        assert w["riversid"] == 0.0  # in every top passage: the topic
        assert 0.0 < w["calendar"] < w["pension"]  # "pension" is in no document
        assert unknown_terms(snap, ["calendar", "pension"]) == ["pension"]
        assert distinctive_share(w, {"calendar"}) == pytest.approx(
            w["calendar"] / (w["calendar"] + w["pension"]))


# -- answering by words when the evidence score is low ---------------------------------------

STRICT = {"abstain_below": 1.0}  # the evidence score alone never answers


def test_a_close_sentence_naming_what_is_asked_answers_though_its_evidence_is_low(
        index_dir, fake_embedder):
    answer = _ask(index_dir, fake_embedder,
                  "Which calendar does the mutual keep for its care workers?", **STRICT)
    assert not answer.abstained
    assert "shared visit calendar" in answer.text


def test_a_question_whose_focus_no_sentence_names_abstains(index_dir, fake_embedder):
    # The documents say the mutual keeps a calendar, never what software it uses.
    answer = _ask(index_dir, fake_embedder,
                  "Which software does the mutual keep for its care workers?", **STRICT)
    assert answer.abstained


def test_a_question_asking_for_what_no_document_mentions_abstains(index_dir, fake_embedder):
    # "pensions" is in no document: asked for (the focus) ...
    answer = _ask(index_dir, fake_embedder,
                  "Which pensions does the mutual keep for its care workers?", **STRICT)
    assert answer.abstained
    # ... or much of the question: two of its five terms
    answer = _ask(index_dir, fake_embedder,
                  "Which calendar does the mutual keep for pensions and holidays?", **STRICT)
    assert answer.abstained
    # "How do I ...?" asks about its verb
    answer = _ask(index_dir, fake_embedder,
                  "How do I register the calendar the mutual keeps for care workers?",
                  **STRICT)
    assert answer.abstained


def test_one_unknown_word_beside_the_point_still_answers(index_dir, fake_embedder):
    # The calendar is asked for; "daily" is in no document, one of the question's seven
    # terms (a paraphrase, or a detail the sentence leaves out).
    answer = _ask(index_dir, fake_embedder,
                  "Which calendar does the mutual keep daily for its care workers?", **STRICT)
    assert not answer.abstained
    assert "shared visit calendar" in answer.text


def test_a_misspelt_focus_still_answers_but_a_real_word_beside_an_indexed_one_does_not(
        index_dir, fake_embedder):
    # "calandar" is no word: a slip for the indexed "calendar" ...
    answer = _ask(index_dir, fake_embedder,
                  "Which calandar does the mutual keep for its care workers?", **STRICT)
    assert not answer.abstained
    assert "shared visit calendar" in answer.text
    # ... "curses" is one letter from the indexed "courses", but a word of its own
    answer = _ask(index_dir, fake_embedder,
                  "Which curses does the mutual keep for its care workers?", **STRICT)
    assert answer.abstained


def test_a_word_about_the_questions_form_is_no_unknown_topic(index_dir, fake_embedder):
    answer = _ask(index_dir, fake_embedder,
                  "What kind of calendar does the mutual keep for its care workers?", **STRICT)
    assert not answer.abstained


def test_answering_by_words_can_be_turned_off(index_dir, fake_embedder):
    answer = _ask(index_dir, fake_embedder,
                  "Which calendar does the mutual keep for its care workers?",
                  abstain_lexical_similarity=2.0, **STRICT)
    assert answer.abstained


# -- kinds of fact the documents do not hold ---------------------------------------------------

@pytest.mark.parametrize("question, reason", [
    ("When did shared training for care workers cut the cost of mandatory courses?",
     "date or time"),
    ("How many courses did shared training for care workers cut?", "number or amount"),
])
def test_a_question_for_a_kind_of_fact_the_documents_lack_abstains(
        index_dir, fake_embedder, question, reason):
    answer = _ask(index_dir, fake_embedder, question, abstain_below=-1.0)
    assert answer.abstained
    assert reason in answer.reason
