"""Questions about one row of a Markdown pipe table (issue 14), fake embedder: a row is
named by its key cells, a bracketed qualifier in them may be left out."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.service import Assistant

DOC = """# Staff ownership

We asked mutuals of every size what share of their staff own the company.

Table 3: Staff ownership by size of mutual

| Size | Mutuals surveyed | Median staff share |
|---|---|---|
| small (under 50 staff) | 310 | 12% |
| medium (50 to 249 staff) | 95 | 28% |
| large (250 staff or more) | 40 | 35% |

Larger mutuals have more staff owners.
"""


@pytest.fixture
def assistant(text_index, fake_embedder):
    return Assistant(Settings(index_dir=text_index({"ownership.md": DOC}).root),
                     fake_embedder)


@pytest.mark.parametrize("question, row", [
    ("What was the median staff share in medium mutuals?",
     "medium (50 to 249 staff): Mutuals surveyed 95; Median staff share 28%"),
    ("How many small mutuals were surveyed?",
     "small (under 50 staff): Mutuals surveyed 310; Median staff share 12%"),
    ("What was the median staff share in medium (50 to 249 staff) mutuals?",
     "medium (50 to 249 staff): Mutuals surveyed 95; Median staff share 28%"),
])
def test_a_bracketed_qualifier_in_a_row_key_need_not_be_typed(assistant, question, row):
    answer = assistant.ask(question)
    assert not answer.abstained
    first = answer.citations[0]
    assert first.quote == row
    assert first.section[-1] == "Table 3: Staff ownership by size of mutual"


def test_a_row_the_question_does_not_name_still_does_not_answer(assistant):
    answer = assistant.ask("What was the median staff share in tiny mutuals?")
    assert all("Median staff share" not in c.quote for c in answer.citations)


def test_a_passage_starting_among_a_tables_rows_shows_its_caption(text_index, fake_embedder):
    rows = "\n".join(f"| Mutual {i} | {10 + i} | {i % 7 + 1}% |" for i in range(60))
    doc = ("# Staff ownership\n\nEvery mutual told us its staff and owner share.\n\n"
           "Table 4: Staff of every mutual\n\n| Mutual | Staff | Owner share |\n|---|---|---|\n"
           f"{rows}\n")
    assistant = Assistant(Settings(index_dir=text_index({"staff.md": doc}).root), fake_embedder)
    answer = assistant.ask("How many staff does Mutual 47 have?")
    assert answer.citations[0].quote.startswith("Mutual 47: Staff 57")
    passages = [p for p in answer.passages if p.text.startswith("Mutual ")]
    assert passages, "some passage should start among the rows"
    assert all(p.section[-1:] == ["Table 4: Staff of every mutual"] for p in passages)


REGIONS = """# Staff ownership by region

Table 5: Median staff share by region

| Region | Mutuals surveyed | Median staff share |
|---|---|---|
| England | 120 | 20% |
| England (excluding London) | 90 | 12% |
| London | 30 | 41% |
| Wales | 25 | 33% |
| Wales (rural) | 9 | 18% |
"""


@pytest.mark.parametrize("question, rows", [
    ("What was the median staff share in England?", ["England: "]),
    ("What was the median staff share in England excluding London?",
     ["England (excluding London): "]),
    ("What was the median staff share in London?", ["London: "]),
    ("How many mutuals were surveyed in Wales?", ["Wales: "]),
    ("How many rural mutuals were surveyed in Wales?", ["Wales (rural): "]),
])
def test_a_row_and_the_same_row_with_a_qualifier_are_told_apart(
        text_index, fake_embedder, question, rows):
    # "England" and "England (excluding London)" are both named by "England": the row
    # the question names in full answers, not the other one.
    assistant = Assistant(Settings(index_dir=text_index({"regions.md": REGIONS}).root),
                          fake_embedder)
    answer = assistant.ask(question)
    assert [c.quote.split(":")[0] + ": " for c in answer.citations] == rows
