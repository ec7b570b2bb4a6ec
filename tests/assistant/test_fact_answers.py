"""Fact answers: which sentences hold the kind of fact a who/when/where/how-many question
asks for."""

from __future__ import annotations

import pytest

from assistant.points import holds_kind

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
