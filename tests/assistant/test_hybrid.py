"""Hybrid retrieval (z-score fusion, pseudo-relevance feedback) on a tiny index, fake embedder."""

from __future__ import annotations

from dataclasses import replace

import pytest

import assistant.retrieve as retrieve
from assistant.retrieve import FusionParams, hybrid_search
from index.reader import IndexSnapshot

DOCS = {
    "consortium.txt": "Consortium bidding lets mutuals win larger contracts. Consortium members "
                      "share procurement risk and pool procurement expertise.",
    "procurement.txt": "Sharing procurement risk among members helps small providers win larger "
                       "contracts from procurement teams.",
    "weather.txt": "The weather in spring is mild and pleasant for gardening in the park.",
    "football.txt": "Football clubs train every weekend on the pitch beside the river.",
}


@pytest.fixture
def snap(text_index):
    s = IndexSnapshot.open(text_index(DOCS))
    yield s
    s.close()


def _files(snap, hits) -> list[str]:
    stored = snap.store.chunks([h.row for h in hits])
    by_id = {d.doc_id: d.source.rsplit("/", 1)[-1] for d in snap.documents()}
    return [by_id[stored[h.row].chunk.doc_id] for h in hits]


def test_feedback_finds_a_related_passage_without_the_query_word(snap, fake_embedder):
    q = "consortium"
    qv = fake_embedder.encode_query(q)
    with_fb = hybrid_search(snap, qv, q, 4, FusionParams())
    without = hybrid_search(snap, qv, q, 4, FusionParams(feedback_weight=0.0))
    assert _files(snap, with_fb)[:2] == ["consortium.txt", "procurement.txt"]
    procurement = [h for h in with_fb if _files(snap, [h]) == ["procurement.txt"]][0]
    assert procurement.bm25 > 0  # matched through the expansion terms
    assert [h.bm25 for h in without if _files(snap, [h]) == ["procurement.txt"]] == [0.0]


def test_sampled_dense_statistics_rank_like_the_exact_ones(snap, fake_embedder, monkeypatch):
    q = "procurement risk for larger contracts"
    qv = fake_embedder.encode_query(q)
    exact = _files(snap, hybrid_search(snap, qv, q, 2, FusionParams()))
    monkeypatch.setattr(retrieve, "DENSE_SAMPLE", 2)  # forces the large-index path
    sampled = _files(snap, hybrid_search(snap, qv, q, 2, FusionParams()))
    assert exact[0] == sampled[0] in ("procurement.txt", "consortium.txt")


def test_rrf_remains_available_and_unknown_methods_are_refused(snap, fake_embedder):
    q = "weather in spring"
    qv = fake_embedder.encode_query(q)
    params = replace(FusionParams(), method="rrf", dense_weight=1.0)
    assert _files(snap, hybrid_search(snap, qv, q, 1, params)) == ["weather.txt"]
    with pytest.raises(ValueError, match="unknown fusion method"):
        hybrid_search(snap, qv, q, 1, replace(params, method="borda"))


def test_filter_by_document_keeps_other_documents_out(snap, fake_embedder):
    q = "procurement"
    qv = fake_embedder.encode_query(q)
    football = [d.doc_id for d in snap.documents() if d.source.endswith("football.txt")]
    hits = hybrid_search(snap, qv, q, 5, FusionParams(), doc_ids=football)
    assert _files(snap, hits) == ["football.txt"]


def test_a_prepared_snapshot_ranks_exactly_as_an_unprepared_one(snap, fake_embedder,
                                                                 monkeypatch):
    monkeypatch.setattr(retrieve, "COARSE_MIN", 1)
    asked = ["procurement risk for larger contracts", "consortium", "weather in spring",
             "football on the pitch beside the river"]
    before = {q: hybrid_search(snap, fake_embedder.encode_query(q), q, 4, FusionParams())
              for q in asked}
    retrieve.prepare_search(snap)
    assert snap.coarse is not None
    for q in asked:
        after = hybrid_search(snap, fake_embedder.encode_query(q), q, 4, FusionParams())
        assert [(h.row, h.dense, h.bm25) for h in after] == [
            (h.row, h.dense, h.bm25) for h in before[q]]
        assert [h.score for h in after] == pytest.approx([h.score for h in before[q]],
                                                         rel=1e-5)


def test_a_warm_assistant_prepares_the_generation_a_reindex_publishes(
        tmp_path, fake_embedder, monkeypatch):
    from assistant.service import Assistant

    monkeypatch.setattr(retrieve, "COARSE_MIN", 1)
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("weather.txt", "football.txt"):
        (folder / name).write_text(DOCS[name], encoding="utf-8")
    assistant = Assistant.open(tmp_path / "index", embedder=fake_embedder)
    assistant.index([folder])
    assistant.warm_up()
    first = assistant.snapshot()
    assert first.coarse is not None
    q = "consortium bidding for larger contracts"
    assert "consortium.txt" not in {p.source.rsplit("/", 1)[-1] for p in assistant.search(q)}
    (folder / "consortium.txt").write_text(DOCS["consortium.txt"], encoding="utf-8")
    assistant.index()
    second = assistant.snapshot()
    assert second is not first and second.coarse is not None
    assert second.coarse.rows == second.chunk_count
    assert assistant.search(q)[0].source.endswith("consortium.txt")


def test_top_n_and_moments_equal_a_full_stable_sort_and_numpy():
    import numpy as np

    rng = np.random.default_rng(0)
    for trial in range(300):
        m = int(rng.integers(1, 300))
        scores = (rng.integers(0, 4, m) if trial % 2 else rng.standard_normal(m))
        scores = scores.astype(np.float32)  # many ties when trial is odd
        full = np.argsort(-scores, kind="stable")
        for n in (1, 3, 50, m):
            assert retrieve.top_n(scores, n).tolist() == full[:n].tolist()
        assert retrieve.moments(scores) == (float(scores.mean()), float(scores.std()))


def test_feedback_from_the_index_equals_feedback_from_tokenised_texts(snap):
    import numpy as np

    assert snap.prepare_forward()
    texts = snap.store.chunk_texts(list(range(snap.chunk_count)))
    rows = list(range(snap.chunk_count))
    rng = np.random.default_rng(0)
    for trial in range(50):
        chosen = rng.permutation(rows)[: 1 + trial % len(rows)].tolist()
        weights = rng.choice([1.0, 0.5, 0.25], len(chosen))  # equal weights: tied terms
        for n_terms in (1, 3, 10):
            expected = retrieve.feedback_terms([texts[r] for r in chosen], weights,
                                               "consortium risk", n_terms, 0.3)
            got = retrieve.indexed_feedback_terms(snap.bm25.forward, chosen, weights,
                                                  "consortium risk", n_terms, 0.3,
                                                  texts.__getitem__)
            assert list(got.items()) == list(expected.items())


def test_an_index_tokenised_differently_keeps_tokenising_its_feedback(snap, monkeypatch):
    import index.reader

    monkeypatch.setattr(index.reader, "tokenize", lambda text: text.lower().split())
    assert not snap.prepare_forward()
    assert snap.bm25.forward is None


def test_answers_score_only_the_sentences_that_can_be_chosen(snap, tmp_path, fake_embedder,
                                                            monkeypatch):
    import dataclasses

    import assistant.answer as answer
    from assistant.config import Settings
    from assistant.service import Assistant

    scored = answer._scored
    every = []

    def scoring_every_sentence(*args, within):  # noqa: ANN001, ANN202
        every.append(within)
        return scored(*args, within=None)

    questions = ["consortium risk for larger contracts", "weather for gardening",
                 "football training beside the river", "the"]
    for bonus, margin in ((0.1, 0.03), (0.5, 0.2), (-0.1, 1.0), (0.0, 0.0)):
        settings = Settings(index_dir=tmp_path / "index", abstain_below=-9.0,
                            sentence_term_bonus=bonus, sentence_margin=margin)
        assistant = Assistant(settings, fake_embedder)
        monkeypatch.setattr(answer, "_scored", scored)
        lazy = [dataclasses.asdict(assistant.ask(q)) for q in questions]
        monkeypatch.setattr(answer, "_scored", scoring_every_sentence)
        full = [dataclasses.asdict(assistant.ask(q)) for q in questions]
        assert lazy == full
        assert all(a["sentences"] for a in lazy)
    assert every and None not in every


def test_a_generation_published_by_another_assistant_is_seen_on_the_next_question(
        tmp_path, fake_embedder):
    from assistant.service import Assistant

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "weather.txt").write_text(DOCS["weather.txt"], encoding="utf-8")
    reader = Assistant.open(tmp_path / "index", embedder=fake_embedder)
    writer = Assistant.open(tmp_path / "index", embedder=fake_embedder)
    writer.index([folder])
    q = "consortium bidding for larger contracts"
    first = reader.snapshot()
    assert reader.snapshot() is first  # nothing published: the same snapshot
    assert not reader.ask(q).passages[0].source.endswith("consortium.txt")
    (folder / "consortium.txt").write_text(DOCS["consortium.txt"], encoding="utf-8")
    writer.index()
    assert reader.snapshot() is not first
    assert reader.ask(q).passages[0].source.endswith("consortium.txt")
