"""What a sentence does in a list answer: whom it tells to act, whether it is a point.

Pure word rules (``assistant.points``, the sentence-level parts of ``assistant.lists``
and ``assistant.shapes``); the list answers they make are tested with the real model in
``tests/integration/test_list_answers.py``.
"""

from __future__ import annotations

import pytest

from assistant.list_sections import cue_sections, listed_points
from assistant.lists import ListParams, _points_back, _valid
from assistant.points import (
    able_actors,
    addressed_to,
    addressee_words,
    is_directive,
    is_imperative,
    is_topic_naming,
    organisation_actors,
)
from assistant.shapes import classify
from corpus.records import Heading
from index.store import DocumentRow


@pytest.mark.parametrize("text", [
    "Say in the tender documents that consortium bids are welcome, and explain how.",
    "Leave enough time between publishing a tender and the deadline.",
    "Measure a small number of outcomes that matter to both the NHS and patients.",
    "Put a GP on the partnership board from the first day.",
    "Go to the commissioner's market engagement events to find out whether bids are welcome.",
])
def test_a_command_is_an_instruction_to_the_reader(text):
    assert is_imperative(text)
    assert is_directive(text)


@pytest.mark.parametrize("text", [
    "Access to working capital is limited, because most mutuals cannot raise equity.",
    "Joint training for staff from all partners helped to break down cultural barriers.",
    "Staff may fear that a joint bid is the first step towards a merger.",
    "Regular meetings between chief executives kept problems from escalating.",
    "Families noticed the difference when every worker used the same assessment.",
    "Agreeing how referrals would flow mattered more than agreeing the legal structure.",
])
def test_a_statement_starting_with_its_subject_is_no_command(text):
    assert not is_imperative(text)
    assert not is_directive(text)


def test_what_someone_can_do_is_not_addressed_to_them():
    # "can" states what is possible: nobody is asked to act
    text = ("Many commissioners are unfamiliar with the mutual model and may doubt whether "
            "a staff-owned organisation can carry contract risk.")
    assert addressed_to(text) == ()
    assert addressed_to("Commissioners should publish their intentions a year ahead.") == (
        "commissioners",)
    assert addressed_to("The board is asked to agree that the mutual should bid.") == (
        "mutuals",)


@pytest.mark.parametrize(("text", "actor"), [
    ("A mutual can avoid lock-in by agreeing an exit clause with each partner.", "mutuals"),
    ("Smaller mutuals in a consortium could share a finance officer.", "mutuals"),
    ("Commissioners can ask for social value in every tender.", "commissioners"),
])
def test_what_an_actor_can_do_is_a_way_for_it(text, actor):
    # "How can a mutual avoid lock-in?" is answered by what a mutual can do
    assert able_actors(text) == (actor,)


@pytest.mark.parametrize("text", [
    "Mutuals can struggle to find working capital for a joint bid.",
    "Many commissioners are unfamiliar with the mutual model and may doubt whether "
    "a staff-owned organisation can carry contract risk.",
    "A mutual cannot raise equity from outside investors.",
])
def test_what_an_actor_cannot_or_finds_hard_is_no_way(text):
    assert able_actors(text) == ()


def test_an_organisation_the_document_calls_a_mutual_is_a_mutual():
    text = ("In April 2020 the council awarded a contract to a consortium led by Lanterns "
            "Children and Family Services, a public service mutual. Ashby Community Health "
            "is a community interest company owned by its staff.")
    found = organisation_actors(text)
    assert found["Lanterns Children and Family Services"] == "mutuals"
    assert found["Ashby Community Health"] == "mutuals"


def test_the_words_naming_whom_a_sentence_asks_to_act():
    assert addressee_words("We recommend that the council agrees one protocol.").strip() == (
        "the council")
    assert addressee_words("The consortium board should give every member a seat.").strip() == (
        "The consortium board")


@pytest.mark.parametrize("text", [
    "4.1 Not everything went to plan.",
    "Contact the company secretary for the appendices.",
])
def test_a_sentence_that_says_nothing_specific_names_a_topic(text):
    assert is_topic_naming(text)


def test_a_request_citing_a_section_is_still_a_request():
    assert not is_topic_naming("8.2 The board is asked to note the issues in section 4 and "
                               "the actions already taken to address them.")
    assert is_topic_naming("Each of them responds to one or more of the challenges in chapter 3.")


@pytest.mark.parametrize("text, leans", [
    ("In small mutuals the chief executive often did this work in the evenings.", True),
    ("In two cases staff owners voted against a partnership for this reason.", True),
    ("The payment model did not reflect the cost of working with families with the most "
     "complex needs, so members that took on those families lost money on them.", False),
    ("Lead providers need reserves large enough to absorb the failure of a member, and "
     "these take years to build.", False),
])
def test_a_demonstrative_leans_on_the_sentence_before_unless_it_names_its_own(text, leans):
    assert _points_back(text) is leans


def test_a_pronoun_naming_someone_in_the_same_sentence_is_no_dependence():
    params = ListParams()
    assert _valid("If Northfield Police withdraw, as they have warned they may under their "
                  "own budget pressures, the joint panel would lose its access.", params)
    assert not _valid("In the most successful partnerships these took place every month.",
                      params)
    assert not _valid("Weigh them up before you commit your organisation.", params)


def _sentences(*items: tuple[str, bool]) -> list[tuple[int, str, bool]]:
    out, pos = [], 0
    for text, bullet in items:
        out.append((pos, text, bullet))
        pos += len(text) + 3
    return out


def test_a_list_the_document_calls_advantages_is_a_list_of_benefits():
    sentences = _sentences(
        ("The theoretical rationale behind Mutuals is strong.", False),
        ("The model provides staff with an experience of ownership.", True),
        ("A strong feeling of ownership results in greater engagement.", True),
        ("Engagement is associated with higher motivation.", True),
        ("These advantages are much needed during a time of staff shortages.", False),
        ("Forming partnerships can offer Mutuals new routes.", False),
    )
    found = listed_points(sentences, "benefits")
    assert [(s, e) for s, e, _ in found] == [(sentences[1][0], sentences[4][0])]
    assert listed_points(sentences, "challenges") == []
    # the list named before it: "Follow these steps."
    steps = _sentences(("Follow these steps.", False), ("Decide who leads.", True),
                       ("Agree how costs are shared.", True), ("Contact us.", False))
    assert [(s, e) for s, e, _ in listed_points(steps, "steps")] == [(steps[1][0], steps[3][0])]


def _doc(text_sections: list[tuple[str, list[str]]]):
    sentences, headings, pos = [], [], 0
    for title, body in text_sections:
        headings.append(Heading(2, title, pos))
        sentences.append((pos, title, False))
        pos += len(title) + 1
        for t in body:
            sentences.append((pos, t, False))
            pos += len(t) + 1
    doc = DocumentRow(doc_id="d", title="A board paper", source="d.md", kind="markdown",
                      url=None, published=None, updated=None, publisher=None, licence=None,
                      pages=1, page_labels=[None], page_offsets=[0], headings=headings,
                      chunks=1, content_hash="x", size=pos, mtime=0.0, indexed_at="now")
    return doc, sentences


def test_a_section_saying_what_might_go_wrong_holds_risks_whatever_its_heading():
    doc, sentences = _doc([
        ("6. Opportunities", ["Two councils have asked whether the model could be extended.",
                              "New funding could pay for a second joint panel in the city."]),
        ("7. Looking ahead", [
            "Renewal is not guaranteed: the city council may tender the work again.",
            "The mutual shares liability for any claim against the alliance.",
            "Leading the alliance takes two days a week of the chief executive's time.",
            "If the police withdraw, the joint panel would lose its access to intelligence."]),
        ("8. Background", ["The alliance was formed in 2021 with six partners.",
                           "It holds a contract from the city council."]),
    ])
    found = cue_sections(doc, sentences, "risks")
    assert [titles for _, _, titles in found] == [["7. Looking ahead"]]
    assert cue_sections(doc, sentences, "benefits") == []


def test_a_question_naming_one_actor_closely_keeps_those_words():
    shape = classify("What should the consortium board do?")
    assert shape.actors == ("mutuals",) and shape.actor_words == "consortium board"
    assert classify("How can a mutual get ready for a joint bid?").actors == ("mutuals",)
    assert classify("What should commissioners do?").actor_words == "commissioners"
