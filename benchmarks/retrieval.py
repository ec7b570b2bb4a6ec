"""Retrieval benchmark on CISI, through the project's own indexer and retriever.

Run from the repository root::

    python benchmarks/retrieval.py

Every CISI document becomes one ``.txt`` file (title, blank line, abstract) under
``.bench/cisi/docs``; ``index.builder.build`` indexes them with the real
all-MiniLM-L6-v2 (the embedding cache under ``.bench/cisi/index`` makes reruns fast).
Each judged query is asked; the ranked chunks become a ranked list of documents (a
document ranks where its best chunk ranks). Printed side by side, from this one run:
BM25 only, dense only, plain reciprocal rank fusion, and the project default
(``Settings()``), on the tuning half (odd query ids), the held-out half (even ids) and
all judged queries. The fusion parameters are chosen by a grid search on the tuning
half only; the script says whether the shipped default is that choice.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from common import (
    BENCH_DIR,
    fresh_build,
    load_cisi,
    real_embedder,
    table,
    write_cisi_files,
)  # noqa: E402

DEPTH = 200  # chunks retrieved per query (enough for Recall@100 over documents)


def doc_ranking(rows: list[int], chunk_doc: np.ndarray) -> list[int]:
    """Documents in the order of their best chunk."""
    return list(dict.fromkeys(chunk_doc[rows].tolist()))


def score(rankings: dict[int, list[int]], qrels: dict[int, set[int]], qids: list[int]) -> dict:
    from assistant.metrics import mean, mrr_at_k, ndcg_at_k, recall_at_k

    return {
        "nDCG@10": mean([ndcg_at_k(rankings[q], qrels[q], 10) for q in qids]),
        "MRR@10": mean([mrr_at_k(rankings[q], qrels[q], 10) for q in qids]),
        "R@100": mean([recall_at_k(rankings[q], qrels[q], 100) for q in qids]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=BENCH_DIR / "cisi",
                    help="folder for the generated files and the index")
    args = ap.parse_args(argv)

    from assistant.config import Settings
    from assistant.retrieve import FusionParams, fusion_params, hybrid_search
    from index.layout import IndexLayout
    from index.reader import IndexSnapshot

    t0 = time.perf_counter()
    docs, queries, qrels = load_cisi()
    qids = sorted(q for q in qrels if q in queries)
    tune = [q for q in qids if q % 2 == 1]
    held = [q for q in qids if q % 2 == 0]
    write_cisi_files(docs, args.work / "docs")
    emb = real_embedder()
    layout = IndexLayout(args.work / "index")
    report = fresh_build(layout.root, emb, [args.work / "docs"])
    snap = IndexSnapshot.open(layout)
    stored = snap.store.chunks(list(range(snap.chunk_count)))
    source_id = {d.doc_id: int(Path(d.source).stem.split("-")[1]) for d in snap.documents()}
    chunk_doc = np.array([source_id[stored[r].chunk.doc_id] for r in range(snap.chunk_count)])
    qvec = {q: np.asarray(emb.encode_query(queries[q]), dtype=np.float32) for q in qids}
    print(f"CISI: {len(docs)} documents -> {snap.chunk_count} chunks; {len(qids)} judged "
          f"queries ({len(tune)} tuning = odd ids, {len(held)} held-out = even ids); "
          f"index ready in {time.perf_counter() - t0:.0f} s ({report.embedded} texts embedded)\n")

    def run_bm25() -> dict[int, list[int]]:
        return {q: doc_ranking(snap.bm25.search(queries[q], DEPTH)[0].tolist(), chunk_doc)
                for q in qids}

    def run_dense() -> dict[int, list[int]]:
        return {q: doc_ranking(snap.vectors.search(qvec[q], DEPTH)[0].tolist(), chunk_doc)
                for q in qids}

    def run(params: FusionParams, only: list[int] | None = None) -> dict[int, list[int]]:
        return {q: doc_ranking([h.row for h in hybrid_search(snap, qvec[q], queries[q], DEPTH,
                                                               params)], chunk_doc)
                for q in (only or qids)}

    default = fusion_params(Settings())
    plain = FusionParams(candidates=default.candidates, method="rrf", rrf_k=60,
                         dense_weight=1.0, bm25_weight=1.0)

    # Grid search on the tuning half only.
    grid = []
    for dw, (fd, ft, fw) in itertools.product(
        (0.8, 1.0, 1.25, 1.5, 2.0),
        [(0, 0, 0.0)] + list(itertools.product((5, 10), (10, 20), (0.3, 0.5))),
    ):
        p = replace(default, method="zscore", dense_weight=dw, bm25_weight=1.0,
                    feedback_docs=fd, feedback_terms=ft, feedback_weight=fw)
        grid.append((score(run(p, tune), qrels, tune)["nDCG@10"], p))
    grid.sort(key=lambda g: -g[0])
    best = grid[0][1]

    def describe(p: FusionParams) -> str:
        fb = (f"feedback {p.feedback_docs} passages/{p.feedback_terms} terms/"
              f"{p.feedback_weight:g}" if p.feedback_weight > 0 else "no feedback")
        return f"{p.method}, dense {p.dense_weight:g} : bm25 {p.bm25_weight:g}, {fb}"

    print(f"Grid search on the tuning half: {len(grid)} settings; best five by nDCG@10:")
    for s, p in grid[:5]:
        print(f"  {s:.3f}  {describe(p)}")
    same = (best.dense_weight, best.feedback_docs, best.feedback_terms, best.feedback_weight) \
        == (default.dense_weight, default.feedback_docs, default.feedback_terms,
            default.feedback_weight) and default.method == "zscore"
    print(f"Shipped default: {describe(default)} "
          f"({'= the tuning-half choice' if same else 'differs from the tuning-half choice'})\n")

    systems = [
        ("BM25 only (our numpy BM25, Snowball)", run_bm25()),
        ("dense only (all-MiniLM-L6-v2, FAISS)", run_dense()),
        (f"plain RRF (k=60, {plain.candidates} candidates each)", run(plain)),
        ("z-score fusion, no feedback", run(replace(default, feedback_weight=0.0))),
        ("project default (Settings())", run(default)),
    ]
    if not same:
        systems.append(("tuning-half choice", run(best)))
    header = ["retriever"] + [f"{m} {part}" for part in ("tune", "held-out", "all")
                              for m in ("nDCG@10", "MRR@10", "R@100")]
    rows = []
    for name, rankings in systems:
        cells = [name]
        for part in (tune, held, qids):
            s = score(rankings, qrels, part)
            cells += [f"{s['nDCG@10']:.3f}", f"{s['MRR@10']:.3f}", f"{s['R@100']:.3f}"]
        rows.append(cells)
    print(table(header, rows))

    # Query cost of fusion alone (query vectors precomputed), measured side by side.
    def per_query_ms(params: FusionParams, repeats: int = 3) -> float:
        start = time.perf_counter()
        for _ in range(repeats):
            for q in qids:
                hybrid_search(snap, qvec[q], queries[q], 5, params)
        return 1000 * (time.perf_counter() - start) / (repeats * len(qids))

    ms_plain, ms_default = per_query_ms(plain), per_query_ms(default)
    print(f"\nRetrieval per query (top 5, without encoding the query): plain RRF "
          f"{ms_plain:.1f} ms, default {ms_default:.1f} ms ({ms_default / ms_plain:.1f}x)")
    print(f"{time.perf_counter() - t0:.0f} s in all")
    snap.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
