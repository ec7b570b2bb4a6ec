import math

import numpy as np

from index.bm25 import BM25Index, tokenize


def test_tokenize_stems_and_drops_stopwords():
    terms = tokenize("The Partnerships of partnering mutuals")
    assert terms == ["partnership", "partner", "mutual"]


def test_bm25_matches_hand_computed_score():
    texts = ["mutual partnership", "mutual", "cats and dogs"]
    idx = BM25Index.build(texts, k1=1.2, b=0.75)
    s = idx.scores("partnership")
    n, df = 3, 1
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    avgdl = (2 + 1 + 2) / 3
    tf, dl = 1, 2
    expected = idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl))
    assert math.isclose(float(s[0]), expected, rel_tol=1e-5)
    assert s[1] == 0 and s[2] == 0


def test_search_ranks_and_skips_zero_scores(tmp_path):
    texts = ["staff ownership and engagement", "funding constraints", "ownership ownership stake"]
    idx = BM25Index.build(texts)
    ids, scores = idx.search("ownership", 10)
    assert ids.tolist() == [2, 0]
    assert np.all(np.diff(scores) <= 0)
    idx.save(tmp_path / "bm25")
    again = BM25Index.load(tmp_path / "bm25")
    assert np.allclose(again.scores("ownership stake"), idx.scores("ownership stake"))


def test_forward_index_gives_each_documents_term_counts():
    from collections import Counter

    from index.bm25 import ForwardIndex

    texts = ["Mutuals' partners share partners' risks, and partners win.", "", "the of and",
             "Consortium bidding: consortium members bid together."]
    fwd = ForwardIndex.of(BM25Index.build(texts))
    for doc, text in enumerate(texts):
        assert fwd.counts(doc) == Counter(tokenize(text))
        assert int(fwd.doc_len[doc]) == len(tokenize(text))
