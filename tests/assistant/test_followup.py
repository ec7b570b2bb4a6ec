"""Follow-up questions are resolved against the previous one; self-contained ones never are."""

from __future__ import annotations

import pytest

from assistant.followup import resolve

BENEFITS = "What are the benefits of partnerships for mutuals?"
CHALLENGES = "What challenges do mutuals face in forming partnerships?"
RECOMMEND = "What does the report recommend?"
COMMISSIONERS = "What should commissioners do?"
RIVERSIDE = "How many staff does Riverside employ?"


@pytest.mark.parametrize(("previous", "question", "resolved"), [
    # an aspect replaces the previous question's aspect
    (BENEFITS, "And the risks?", "What are the risks of partnerships for mutuals?"),
    (BENEFITS, "How about the challenges?", "What are the challenges of partnerships for mutuals?"),
    (BENEFITS, "What about barriers?", "What are the barriers of partnerships for mutuals?"),
    (BENEFITS, "and the recommendations",
     "What are the recommendations of partnerships for mutuals?"),
    (BENEFITS, "And what about the lessons?", "What are the lessons of partnerships for mutuals?"),
    ("What is the main benefit of partnering?", "And the risks?",
     "What is the main risk of partnering?"),
    ("What are the key benefits of partnerships?", "What about the main risks?",
     "What are the main risks of partnerships?"),
    (CHALLENGES, "And the barriers?", "What barriers do mutuals face in forming partnerships?"),
    # a benefit is not "faced": the question is rebuilt around who it is about
    (CHALLENGES, "And the benefits?", "What are the benefits for mutuals in forming partnerships?"),
    (RECOMMEND, "And the risks?", "What does the report say about the risks?"),
    (COMMISSIONERS, "And the risks?", "What are the risks for commissioners?"),
    # aspect and actor at once
    (BENEFITS, "And the risks for commissioners?",
     "What are the risks of partnerships for commissioners?"),
    # an actor replaces who the question was about
    (BENEFITS, "What about commissioners?",
     "What are the benefits of partnerships for commissioners?"),
    (BENEFITS, "And for government?", "What are the benefits of partnerships for government?"),
    (BENEFITS, "Same for local authorities?",
     "What are the benefits of partnerships for local authorities?"),
    (BENEFITS, "What about for charities?", "What are the benefits of partnerships for charities?"),
    (CHALLENGES, "What about commissioners?",
     "What challenges do commissioners face in forming partnerships?"),
    (COMMISSIONERS, "What about government?", "What should government do?"),
    (COMMISSIONERS, "And for the council?", "What should the council do?"),
    (COMMISSIONERS, "What about a mutual?", "What should a mutual do?"),
    ("What do mutuals need?", "What about the council?", "What does the council need?"),
    ("What are the risks?", "What about commissioners?", "What are the risks for commissioners?"),
    (RECOMMEND, "What about commissioners?", "What does the report recommend for commissioners?"),
    # a name replaces a name, a document a document, a topic a topic
    (RIVERSIDE, "What about Northgate?", "How many staff does Northgate employ?"),
    ("What does DCMS recommend?", "What about the Cabinet Office?",
     "What does the Cabinet Office recommend?"),
    (RECOMMEND, "What about the governance note?", "What does the governance note recommend?"),
    (BENEFITS, "What about procurement?", "What are the benefits of procurement for mutuals?"),
    (BENEFITS, "How about forming a consortium?",
     "What are the benefits of forming a consortium for mutuals?"),
    ("What are the risks?", "What about consortia?", "What are the risks of consortia?"),
    ("What does the report say about procurement?", "And governance?",
     "What does the report say about governance?"),
    # a bare why/how/when asks about the previous question
    (BENEFITS, "Why?", "Why are partnerships beneficial for mutuals?"),
    (BENEFITS, "When?", "When are partnerships beneficial for mutuals?"),
    ("What are the risks of procurement for mutuals?", "And why?",
     "Why is procurement risky for mutuals?"),
    ("Do mutuals need to partner?", "Why?", "Why do mutuals need to partner?"),
    ("Can mutuals form consortia?", "How?", "How can mutuals form consortia?"),
    ("How do mutuals form partnerships?", "Why?", "Why do mutuals form partnerships?"),
    # pronouns take the previous question's one document, name or group
    (RECOMMEND, "What does it say about procurement?",
     "What does the report say about procurement?"),
    ("What does the governance note recommend?", "Who wrote it?", "Who wrote the governance note?"),
    (RIVERSIDE, "When was it founded?", "When was Riverside founded?"),
    ("What challenges do mutuals face?", "What do they recommend?", "What do mutuals recommend?"),
    ("What challenges do mutuals face?", "What are their risks?", "What are mutuals' risks?"),
    (RECOMMEND, "Who is it for?", "Who is the report for?"),
])
def test_a_follow_up_is_resolved_against_the_previous_question(previous, question, resolved):
    assert resolve(question, previous) == resolved


def test_follow_ups_chain_through_the_resolved_question():
    first = resolve("And the risks?", BENEFITS)
    assert first == "What are the risks of partnerships for mutuals?"
    assert resolve("What about commissioners?", first) == (
        "What are the risks of partnerships for commissioners?")


@pytest.mark.parametrize("question", [
    "What are the benefits of partnerships for mutuals?",
    "What challenges do mutuals face?",
    "How many staff does Riverside employ?",
    "What are the benefits and risks of partnerships?",
    "What should commissioners and mutuals do about procurement?",
    "Why do mutuals and charities form consortia?",
    "Who published the report?",
    "What is a mutual?",
    "What does the Mutuals Support Programme offer?",
    "What does the guidance say about procurement?",
    # "and" or "what about" at the start, but a question of its own
    "And what are the benefits of partnerships for mutuals?",
    "And how do commissioners choose partners?",
    "What about the benefits of partnerships for mutuals?",
    "What about mutuals that want to bid for contracts?",
    "What about partnerships should mutuals know before signing?",
    "How about we look at the challenges of procurement?",
    "What about local authorities in the north of England and Scotland and Wales?",
    # a pronoun that refers inside its own question, or to no question at all
    "How does partnering help mutuals when it goes wrong?",
    "Is it true that mutuals outperform councils?",
    "Is it possible to partner with a charity?",
    "How long does it take to form a consortium?",
    "What does it cost to form a consortium?",
    # these point at the answer, not at the previous question
    "Why is this important?",
    "What does that mean?",
    "Why not?",
    "How so?",
    "And in Scotland?",
    "What about now?",
    "What about next year?",
    "What about you?",
    "And?",
])
@pytest.mark.parametrize("previous", [BENEFITS, CHALLENGES, RECOMMEND, COMMISSIONERS, RIVERSIDE])
def test_a_self_contained_question_is_never_rewritten(question, previous):
    assert resolve(question, previous) is None


@pytest.mark.parametrize(("previous", "question"), [
    (None, "And the risks?"),
    ("", "What about commissioners?"),
    (BENEFITS, ""),
    (BENEFITS, "   "),
    # two candidates: which one?
    ("What are the benefits and risks of partnerships?", "And the challenges?"),
    ("What should commissioners do for mutuals?", "What about councils?"),
    ("What do the report and the governance note recommend?", "Who wrote it?"),
    # nothing in the previous question the follow-up can take
    (RIVERSIDE, "What about commissioners?"),
    (COMMISSIONERS, "Why?"),
    ("Who published the report?", "What about procurement?"),
    (BENEFITS, "Who wrote it?"),
    (BENEFITS, "And the report?"),
    ("What is a mutual?", "How?"),
])
def test_when_unsure_nothing_is_rewritten(previous, question):
    assert resolve(question, previous) is None


def test_an_aspect_noun_is_told_from_the_same_word_as_a_verb():
    # "cost" here is a verb: "And the risks?" must not turn it into "risk"
    assert resolve("And the risks?", "How much does it cost to join?") is None


def test_the_resolved_question_is_one_clean_question():
    out = resolve("  and   THE risks ?? ", "what are the benefits of  partnerships for mutuals")
    assert out == "What are the risks of partnerships for mutuals?"


def test_resolving_is_deterministic():
    results = {resolve("What about commissioners?", BENEFITS) for _ in range(20)}
    assert len(results) == 1
