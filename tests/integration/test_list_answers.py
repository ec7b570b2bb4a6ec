"""List questions answered as lists, with the real model: what a user would notice.

One index per module of the list fixtures (``tests/fixtures/lists/``: a nine-page guidance
PDF, a GOV.UK-style guide, a pilot note) plus the bundled corpus folder, the same
documents ``benchmarks/lists.py`` measures. Questions come from both halves of
``tests/fixtures/lists/questions.yaml`` (odd numbers tune, even numbers are held out), and
the matching of answer sentences to gold sentences is the benchmark's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from assistant.config import Settings
from assistant.service import Assistant
from benchmarks.lists import load_list_gold, make_list_corpus, norm, point_found, same_sentence
from index.builder import build
from index.layout import IndexLayout

pytestmark = pytest.mark.integration

GOLD = load_list_gold()
BY_N = {q.n: q for q in GOLD.questions}
GUIDANCE = "Partnering for Growth: Guidance for Public Service Mutuals"


@pytest.fixture(scope="module")
def lists_index(tmp_path_factory, real_embedder):
    root = tmp_path_factory.mktemp("lists")
    docs = make_list_corpus(root / "docs")
    settings = Settings(index_dir=root / "index")
    report = build(IndexLayout(settings.index_dir), real_embedder, sources=[docs])
    assert report.failed == [], report.failed
    return settings


@pytest.fixture(scope="module")
def assistant(lists_index, real_embedder):
    return Assistant(lists_index, real_embedder)


def _ask(assistant, n: int):
    q = BY_N[n]
    answer = assistant.ask(q.question)
    return q, answer, [s.text for s in answer.sentences]


def _found(points, sentences) -> list[bool]:
    return [point_found(p, sentences) for p in points]


def _show(answer) -> str:
    return f"shape={getattr(answer, 'shape', 'fact')!r}, answer:\n{answer.text}"


def _assert_each_bullet_cited_verbatim(assistant, answer) -> None:
    by_n = {c.n: c for c in answer.citations}
    for s in answer.sentences:
        assert s.citation in by_n, f"bullet without a citation: {s.text}"
        cit = by_n[s.citation]
        assert cit.title and cit.source
        view = assistant.chunk_view(cit.chunk_id)
        assert view is not None and s.text in view.text, f"not verbatim in its source: {s.text}"


def test_benefits_question_lists_the_benefit_points_each_cited(assistant):
    # Q2 (held-out): the README's own first example. Chapter 2 of the guidance states five
    # benefits over pages 3 and 4 (page 4 has no heading); the pilot note and the bundled
    # page state one each.
    q, answer, sentences = _ask(assistant, 2)
    assert not answer.abstained, _show(answer)
    assert getattr(answer, "shape", "fact") == "list", _show(answer)
    chapter_2 = q.points[:5]
    assert sum(_found(chapter_2, sentences)) >= 4, _show(answer)
    _assert_each_bullet_cited_verbatim(assistant, answer)
    by_n = {c.n: c for c in answer.citations}
    for s in answer.sentences:
        if any(point_found(p, [s.text]) for p in chapter_2):
            cit = by_n[s.citation]
            assert cit.title == GUIDANCE and cit.page_start in (3, 4), (s.text, cit.label())
    assert len({c.doc_id for c in answer.citations}) >= 2, _show(answer)  # several documents


@pytest.mark.xfail(strict=True, reason="known gap (issue 10): 3 of the 5 challenge points are "
                   "listed; context sentences of the chapter still take places in the top 8")
def test_challenges_question_takes_points_from_the_continued_page(assistant):
    # Q4 (held-out): chapter 3 runs onto page 6, headed "3 Challenges (continued)".
    q, answer, sentences = _ask(assistant, 4)
    assert not answer.abstained, _show(answer)
    assert getattr(answer, "shape", "fact") == "list", _show(answer)
    chapter_3 = q.points[:5]
    found = _found(chapter_3, sentences)
    assert sum(found) >= 4, _show(answer)
    assert found[3] or found[4], "nothing from the continued page 6:\n" + _show(answer)


def test_recommendations_are_listed_in_document_order(assistant):
    # Q6 (held-out): chapter 4 states eight recommendations over pages 7 and 8.
    q, answer, sentences = _ask(assistant, 6)
    assert not answer.abstained, _show(answer)
    assert getattr(answer, "shape", "fact") == "list", _show(answer)
    found = _found(q.points, sentences)
    assert sum(found) >= 6, _show(answer)
    order = [i for s in sentences for i, p in enumerate(q.points) if point_found(p, [s])]
    assert order == sorted(order), _show(answer)


def test_risks_stated_under_a_heading_that_does_not_name_them_are_listed(assistant):
    # Q17 (tuning): the practical guide states four risks under "Before you sign".
    q, answer, sentences = _ask(assistant, 17)
    assert not answer.abstained, _show(answer)
    assert getattr(answer, "shape", "fact") == "list", _show(answer)
    assert sum(_found(q.points, sentences)) >= 3, _show(answer)


@pytest.mark.parametrize("n", [q.n for q in GOLD.questions], ids=lambda n: f"Q{n}")
def test_no_list_answer_contains_a_topic_naming_sentence(assistant, n):
    _, answer, sentences = _ask(assistant, n)
    naming = [s for s in sentences for t in GOLD.all_topic_naming if same_sentence(s, t)]
    assert naming == [], _show(answer)


def _actor_points(actor: str) -> list[list[str]]:
    return GOLD.actor_points()[actor]


def test_what_should_commissioners_do_lists_only_commissioner_recommendations(assistant):
    # Q8 (held-out)
    q, answer, sentences = _ask(assistant, 8)
    assert not answer.abstained, _show(answer)
    assert getattr(answer, "shape", "fact") == "list", _show(answer)
    assert all(_found(q.points, sentences)), _show(answer)
    others = _actor_points("government") + _actor_points("mutuals")
    wrong = [s for s in sentences if any(point_found(p, [s]) for p in others)]
    assert wrong == [], _show(answer)
    _assert_each_bullet_cited_verbatim(assistant, answer)


def test_what_mutuals_should_do_before_a_partnership_leaves_out_other_actors_and_later_steps(
    assistant,
):
    # Q12 (held-out): the guidance's two "before" recommendations to mutuals (and the
    # practical guide's steps before signing), not the one for a running partnership, and
    # nothing addressed to commissioners or government.
    q, answer, sentences = _ask(assistant, 12)
    assert not answer.abstained, _show(answer)
    assert getattr(answer, "shape", "fact") == "list", _show(answer)
    assert all(_found(q.points[:2], sentences)), _show(answer)
    running = [p for p in _actor_points("mutuals") if p not in q.points]
    others = _actor_points("commissioners") + _actor_points("government") + running
    wrong = [s for s in sentences if any(point_found(p, [s]) for p in others)]
    assert wrong == [], _show(answer)


def test_steps_before_signing_take_the_recommendations_for_before_and_not_for_later(assistant):
    # Q11 (tuning): "before signing a partnership agreement" is met by the guidance's
    # "Before entering a partnership, mutual boards should..." though it never says
    # "signing" or "agreement"; "Once a partnership is running, ..." is for later.
    q, answer, sentences = _ask(assistant, 11)
    assert not answer.abstained, _show(answer)
    assert all(_found(q.points, sentences)), _show(answer)
    later = [s for s in sentences if s.startswith("Once a partnership is running")]
    assert later == [], _show(answer)


def test_a_bulleted_list_the_page_calls_advantages_answers_the_advantages_question(assistant):
    # Q25 (tuning): the bundled page lists three advantages of the mutual model as bullets
    # under "Details" and then says "These advantages are much needed..."; the guidance's
    # benefits of partnership are not advantages of the model.
    q, answer, sentences = _ask(assistant, 25)
    assert not answer.abstained, _show(answer)
    assert all(_found(q.points, sentences)), _show(answer)
    assert {c.doc_id for c in answer.citations} == {"partnerships-for-better-public-services"}, (
        _show(answer))


def test_challenges_come_from_each_document_with_a_section_on_them(assistant):
    # Q3 (tuning): the guidance heads them "3 Challenges", the pilot note "What went wrong";
    # both documents' sections are read.
    _, answer, _ = _ask(assistant, 3)
    assert not answer.abstained, _show(answer)
    titles = {c.title for c in answer.citations}
    assert GUIDANCE in titles and "Mutual Partnerships Pilot: lessons learned" in titles, (
        _show(answer))


@pytest.mark.parametrize("n", [q.n for q in GOLD.questions if q.uncovered],
                         ids=lambda n: f"Q{n}")
def test_list_question_on_an_uncovered_topic_abstains(assistant, n):
    _, answer, _ = _ask(assistant, n)
    assert answer.abstained, _show(answer)


def test_cli_json_shows_a_list_answer(lists_index, tmp_path):
    index_dir = tmp_path / "ix"
    shutil.copytree(lists_index.index_dir, index_dir)
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", BY_N[2].question, "--json",
         "--index-dir", str(index_dir)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert data["shape"] == "list", data["answer"]
    for c in data["citations"]:  # every quoted passage is listed, even beyond the top k
        assert any(c["quote"] in p["text"] and p["doc_id"] == c["doc_id"]
                   for p in data["passages"]), c
    assert not data["abstained"]
    assert len(data["points"]) >= 4, data["answer"]
    cited = {c["n"] for c in data["citations"]}
    for point in data["points"]:
        assert point["citation"] in cited
        assert norm(point["text"]) in norm(data["answer"])


def test_every_passage_a_list_answer_quotes_is_among_its_passages(assistant):
    # The benefits points run over two pages of chapter 2, beyond the top passages: the
    # answer still lists (and the app shows, with its match %) every passage it quotes.
    _, answer, _ = _ask(assistant, 2)
    assert not answer.abstained, _show(answer)
    shown = {p.chunk_id: p for p in answer.passages}
    for c in answer.citations:
        assert c.chunk_id in shown, f"[{c.n}] quotes a passage not listed: {c.quote}"
        assert c.quote in shown[c.chunk_id].text
        assert shown[c.chunk_id].dense is not None
    ranks = [p.rank for p in answer.passages]
    assert ranks == sorted(set(ranks)), ranks
