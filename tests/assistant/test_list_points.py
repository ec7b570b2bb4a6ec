"""What a sentence does in a list answer: whom it tells to act, whether it is a point.

Pure word rules (``assistant.points`` and ``assistant.shapes``); the list answers they
make are tested with the real model in ``tests/integration/test_list_answers.py``.
"""

from __future__ import annotations

import pytest

from assistant.points import (
    addressed_to,
    addressee_words,
    is_directive,
    is_imperative,
    is_topic_naming,
    organisation_actors,
)
from assistant.shapes import classify


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


def test_a_question_naming_one_actor_closely_keeps_those_words():
    shape = classify("What should the consortium board do?")
    assert shape.actors == ("mutuals",) and shape.actor_words == "consortium board"
    assert classify("How can a mutual get ready for a joint bid?").actors == ("mutuals",)
    assert classify("What should commissioners do?").actor_words == "commissioners"
