"""Speed (issue 6): cold start, warm answers, indexing, scale — each beside its reference.

    python benchmarks/speed.py [--only cold,warm,lists,index,tables,scale] [--runs 15]
                               [--docs 1000] [--scale 200000] [--index-runs 1]
                               [--rounds 5] [--profile 0] [--table-rounds 3]

Every figure is a ratio measured side by side in this one run on this machine:

* cold start: median wall time of a new ``assistant ask`` process on the bundled corpus
  against ``python -c "import numpy, faiss"`` (runs alternate);
* warm answers: ``Assistant.ask`` p50/p95 on a 20,000-chunk index against a raw
  sentence-transformers encode of one short query, in the same process (blocks alternate);
  answered and abstained questions reported apart (most CISI questions abstain there);
* list answers: on report-shaped documents (the list and answer-quality fixtures and the
  bundled page), warm ``Assistant.ask`` p50 of answered list questions against answered
  single-fact questions, asked interleaved in the same rounds (issue 10: ≤ 2×);
* indexing: ``assistant index`` over 1,000 text files against sentence-transformers
  encoding the same chunks alone; plus agreement of the two encoders on those chunks
  (cosine, and identical top-10 rankings for the 112 CISI queries);
* tables: ``build`` of the benchmark corpus (list, answer-quality and tables fixtures, the
  bundled page) into a new index (empty embedding cache) with PDF table extraction
  against without it, in rounds of one build each, alternating which goes first: the
  median of the rounds' CPU-time ratios (issue 14: ≤ 1.5×), the wall-time ratio and
  reading the files alone beside it;
* scale: 20,000 and 200,000-chunk synthetic indexes (real sentences and their real
  vectors, chunk vectors derived, see ``synthetic_index.py``): bytes per chunk, query
  p50/p95, which FAISS index was chosen and its Recall@10 against exact search.

Generated files live in ``.bench/speed`` (gitignored) and are reused across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, ROOT, load_cisi, table, write_cisi_files  # noqa: E402

WORK = BENCH_DIR / "speed"
PY = sys.executable
ASSISTANT = str(Path(sys.executable).with_name("assistant"))
QUESTION = "What are the benefits of partnerships for public service mutuals?"
SHORT_QUERY = "benefits of partnerships for mutuals"
RESULTS: list[list[str]] = []


def log(msg: str) -> None:
    print(msg, flush=True)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def record(what: str, ours: str, reference: str, ratio: float, target: str, ok: bool) -> None:
    RESULTS.append([what, ours, reference, f"{ratio:.2f}×", target, "yes" if ok else "NO"])
    log(f"  => {what}: {ours} vs {reference} = {ratio:.2f}× (target {target}) "
        f"{'OK' if ok else 'MISSED'}")


def run_wall(cmd: list[str], env: dict | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t0


# -- cold start ------------------------------------------------------------------------

def cold(runs: int) -> None:
    log("\n## Cold start: a new `assistant ask` process on the bundled corpus")
    index_dir = WORK / "bundled"
    if not (index_dir / "CURRENT").exists():
        log("  building the bundled index (and the ONNX export, once per machine)…")
        subprocess.run([ASSISTANT, "index", "--index-dir", str(index_dir)], check=True,
                       stdout=subprocess.DEVNULL)
    ask = [ASSISTANT, "ask", QUESTION, "--index-dir", str(index_dir)]
    ref = [PY, "-c", "import numpy, faiss"]
    out = subprocess.run(ask, check=True, capture_output=True, text=True).stdout
    log("  answer starts: " + " ".join(out.split())[:100] + "…")
    probe = (
        "import sys\nfrom assistant.cli import main\n"
        f"main(['ask', {QUESTION!r}, '--index-dir', {str(index_dir)!r}])\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)\n"
        "print('HEAVY', sorted(heavy), file=sys.stderr)"
    )
    err = subprocess.run([PY, "-c", probe], check=True, capture_output=True, text=True).stderr
    log("  heavy modules imported by a cold ask: " + err.split("HEAVY", 1)[-1].strip())
    for _ in range(2):  # warm the page cache for both
        run_wall(ask), run_wall(ref)
    t_ask, t_ref = [], []
    for _ in range(runs):
        t_ask.append(run_wall(ask))
        t_ref.append(run_wall(ref))
    a, r = statistics.median(t_ask), statistics.median(t_ref)
    log(f"  assistant ask: median {a:.3f} s (min {min(t_ask):.3f}, max {max(t_ask):.3f}); "
        f"import numpy, faiss: median {r:.3f} s (min {min(t_ref):.3f}); {runs} runs each")
    record("cold start: `assistant ask` (median)", f"{a:.3f} s", f"{r:.3f} s numpy+faiss",
           a / r, "≤ 3×", a / r <= 3.0)


# -- shared data -----------------------------------------------------------------------

def pool(embedder) -> tuple[list[str], np.ndarray]:  # noqa: ANN001
    """CISI sentences and their real vectors, encoded once and kept in .bench/speed."""
    from synthetic_index import sentence_pool

    texts_f, vecs_f = WORK / "pool.json", WORK / "pool.npy"
    if texts_f.exists() and vecs_f.exists():
        return json.loads(texts_f.read_text()), np.load(vecs_f)
    docs, _, _ = load_cisi()
    sents = sentence_pool([d.text for d in docs if d.text])
    log(f"  encoding a pool of {len(sents):,} real sentences once (kept for later runs)…")
    t0 = time.perf_counter()
    vecs = embedder.encode_documents(sents, batch_size=64)
    log(f"  … {time.perf_counter() - t0:.0f} s")
    WORK.mkdir(parents=True, exist_ok=True)
    np.save(vecs_f, vecs.astype(np.float32), allow_pickle=False)
    texts_f.write_text(json.dumps(sents), encoding="utf-8")
    return sents, vecs


def synthetic(n: int, embedder) -> Path:  # noqa: ANN001
    from synthetic_index import write_index

    root = WORK / f"synthetic-{n}"
    if (root / "CURRENT").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    sents, vecs = pool(embedder)
    log(f"  writing a {n:,}-chunk synthetic index into {root.relative_to(ROOT)} (once)…")
    write_index(root, n, sents, vecs, log=log)
    return root


def short_questions() -> list[str]:
    _, queries, _ = load_cisi()
    out = []
    for q in queries.values():
        words = q.split()
        out.append(" ".join(words[:10]).rstrip(".,;:?") + "?")
    return out


# -- warm answers ----------------------------------------------------------------------

def warm(fast) -> None:  # noqa: ANN001
    from assistant.service import Assistant
    from index.embedder import SentenceTransformerEmbedder

    log("\n## Warm answers: Assistant.ask on a 20,000-chunk index vs a raw ST encode")
    root = synthetic(20_000, fast)
    st = SentenceTransformerEmbedder()
    st.load()
    assistant = Assistant.open(root, embedder=fast)
    assistant.warm_up()
    questions = short_questions()
    for q in questions[:5]:
        assistant.ask(q), st.encode_query(SHORT_QUERY)
    t_ask, t_st, abstained = [], [], 0
    kinds: list[str] = []
    i = 0
    # Alternate blocks, so both see the same machine load; single calls alternating would
    # let each library's idle worker threads (torch's OpenMP, OpenBLAS) slow the other.
    # The first calls of a block are not counted.
    for _block in range(8):
        for j in range(27):
            t0 = time.perf_counter()
            st.encode_query(SHORT_QUERY)
            if j >= 2:
                t_st.append(time.perf_counter() - t0)
        for j in range(27):
            q = questions[i % len(questions)]
            i += 1
            t0 = time.perf_counter()
            ans = assistant.ask(q)
            if j >= 2:
                t_ask.append(time.perf_counter() - t0)
                abstained += ans.abstained
                kinds.append(outcome(ans))
    a50, a95 = pct(t_ask, 50) * 1e3, pct(t_ask, 95) * 1e3
    s50, s95 = pct(t_st, 50) * 1e3, pct(t_st, 95) * 1e3
    log(f"  ask: p50 {a50:.1f} ms p95 {a95:.1f} ms over {len(t_ask)} questions "
        f"({abstained} abstained); ST encode({SHORT_QUERY!r}): p50 {s50:.1f} ms p95 {s95:.1f} ms")
    record("warm ask p50 (20k chunks)", f"{a50:.1f} ms", f"{s50:.1f} ms ST encode p50",
           a50 / s50, "≤ 1.5×", a50 / s50 <= 1.5)
    record("warm ask p95 (20k chunks)", f"{a95:.1f} ms", f"{s50:.1f} ms ST encode p50",
           a95 / s50, "≤ 3×", a95 / s50 <= 3.0)
    log(f"  (against the ST encode's own p95, {s95:.1f} ms: {a95 / s95:.2f}×)")
    groups = by_outcome(t_ask, kinds)
    for name, ts in groups.items():
        log(f"  {name}: {spread(ts)}")
        RESULTS.append([f"warm ask, {name} (20k chunks)",
                        f"p50 {pct(ts, 50) * 1e3:.1f} / p95 {pct(ts, 95) * 1e3:.1f} ms "
                        f"(n={len(ts)})", f"{s50:.1f} ms ST encode p50",
                        f"{pct(ts, 50) * 1e3 / s50:.2f}×", "—", "—"])
    assistant.snapshot().close()


# -- list answers against fact answers -------------------------------------------------

def outcome(answer) -> str:  # noqa: ANN001 - assistant.records.Answer
    """The path an answer took: "<shape> answered" or "abstained"."""
    return "abstained" if answer.abstained else f"{answer.shape} answered"


def by_outcome(times: list[float], kinds: list[str]) -> dict[str, list[float]]:
    """Times grouped by outcome: list answered, fact answered, others, abstained last."""
    groups: dict[str, list[float]] = {}
    for t, k in zip(times, kinds, strict=True):
        groups.setdefault(k, []).append(t)
    order = ["list answered", "fact answered", "record answered", "abstained"]
    return dict(sorted(groups.items(), key=lambda kv: (
        order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def spread(ts: list[float]) -> str:
    return (f"p50 {pct(ts, 50) * 1e3:.1f} ms p95 {pct(ts, 95) * 1e3:.1f} ms "
            f"(n={len(ts)}, min {min(ts) * 1e3:.1f}, max {max(ts) * 1e3:.1f})")


def interleave(a: list, b: list) -> list:
    """``a`` and ``b`` merged so each is spread evenly through the result."""
    keyed = [((i + 0.5) / len(a), 0, x) for i, x in enumerate(a)]
    keyed += [((i + 0.5) / len(b), 1, x) for i, x in enumerate(b)]
    return [x for *_, x in sorted(keyed, key=lambda k: k[:2])]


def report_corpus() -> Path:
    """The list fixtures, the bundled page and the answer-quality fixtures, in one folder."""
    from lists import make_list_corpus
    from make_quality_corpus import make_corpus

    return make_corpus(make_list_corpus(WORK / "reports" / "docs"))


def list_answers(fast, rounds: int, profile: int) -> None:  # noqa: ANN001
    from common import fresh_build, real_embedder
    from lists import load_list_gold
    from make_quality_corpus import QUESTIONS

    from assistant.config import Settings
    from assistant.evaluate import load_gold
    from assistant.service import Assistant

    log("\n## List answers vs fact answers: warm Assistant.ask on report-shaped documents")
    docs = report_corpus()
    settings = Settings(index_dir=WORK / "reports" / "index")
    t0 = time.perf_counter()
    report = fresh_build(settings.index_dir, real_embedder(), [docs])
    log(f"  {len([p for p in docs.iterdir() if p.name != 'manifest.toml'])} documents "
        f"(list and answer-quality fixtures, the bundled page) indexed afresh in "
        f"{time.perf_counter() - t0:.1f} s: {report.chunks:,} chunks")
    list_qs = [q.question for q in load_list_gold().questions if not q.uncovered]
    fact_qs = [g.question for g in load_gold(QUESTIONS)]
    assistant = Assistant(settings, fast)
    assistant.warm_up()
    order = interleave(list_qs, fact_qs)
    for q in order[:10]:
        assistant.ask(q)
    times: list[float] = []
    kinds: list[str] = []
    first: dict[str, list[float]] = {}  # round 1: per-snapshot section caches still cold
    abstained_shapes: dict[str, int] = {}
    kind_of: dict[str, str] = {}
    for r in range(rounds):
        for q in order:
            t0 = time.perf_counter()
            ans = assistant.ask(q)
            t = time.perf_counter() - t0
            times.append(t)
            kinds.append(outcome(ans))
            kind_of[q] = kinds[-1]
            if ans.abstained:
                abstained_shapes[ans.shape] = abstained_shapes.get(ans.shape, 0) + 1
            if r == 0:
                first.setdefault(kinds[-1], []).append(t)
    log(f"  {len(list_qs)} list questions (covered) and {len(fact_qs)} answer-quality "
        f"questions, asked interleaved, {rounds} rounds; grouped by the answer's shape:")
    groups = by_outcome(times, kinds)
    for name, ts in groups.items():
        shapes = (" (" + ", ".join(f"{n} {k}-shaped" for k, n in abstained_shapes.items())
                  + ")") if name == "abstained" else ""
        log(f"  {name}: {spread(ts)}; first round p50 {pct(first[name], 50) * 1e3:.1f} ms"
            + shapes)
    lst, fct = groups.get("list answered"), groups.get("fact answered")
    for name in ("list answered", "fact answered", "abstained"):
        ts = groups.get(name)
        if ts:
            RESULTS.append([f"warm ask, {name} (reports)",
                            f"p50 {pct(ts, 50) * 1e3:.1f} / p95 {pct(ts, 95) * 1e3:.1f} ms",
                            f"n={len(ts)}", "—", "—", "—"])
    if lst and fct:
        l50, f50 = pct(lst, 50) * 1e3, pct(fct, 50) * 1e3
        record("warm ask p50, list vs fact answered", f"{l50:.1f} ms",
               f"{f50:.1f} ms fact answered p50", l50 / f50, "≤ 2×", l50 / f50 <= 2.0)
        log(f"  (p95: {pct(lst, 95) * 1e3:.1f} ms vs {pct(fct, 95) * 1e3:.1f} ms, "
            f"{pct(lst, 95) / pct(fct, 95):.2f}×)")
    if profile:
        profile_asks(assistant, kind_of, profile)
    assistant.snapshot().close()


def profile_asks(assistant, kind_of: dict[str, str], top: int) -> None:  # noqa: ANN001
    """cProfile over one more round, list and fact answers apart: the top costs of each."""
    import cProfile
    import pstats

    for kind in ("list answered", "fact answered"):
        questions = [q for q, k in kind_of.items() if k == kind]
        if not questions:
            continue
        prof = cProfile.Profile()
        for q in questions:
            prof.enable()
            assistant.ask(q)
            prof.disable()
        stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
        rows = [(ct, tt, nc, f"{Path(file).name}:{line}:{fn}")
                for (file, line, fn), (_cc, nc, tt, ct, _callers) in stats.items()]
        n = len(questions)
        log(f"\n  cProfile, {kind}, {n} questions (ms per question, profiler overhead "
            "included):")
        for key, label in ((0, "cumulative"), (1, "own time")):
            log(f"    top {top} by {label}:")
            for ct, tt, nc, where in sorted(rows, key=lambda r: -r[key])[:top]:
                log(f"      {ct * 1e3 / n:8.2f} cum {tt * 1e3 / n:8.2f} own "
                    f"{nc / n:8.1f} calls  {where}")


# -- indexing --------------------------------------------------------------------------

_ST_CHILD = """
import json, sys, time, numpy as np
from index.embedder import SentenceTransformerEmbedder
texts = json.load(open(sys.argv[1]))
model = SentenceTransformerEmbedder()._load()
model.encode(texts[:32], batch_size=32)
t0 = time.perf_counter()
v = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
print(time.perf_counter() - t0)
np.save(sys.argv[2], v.astype(np.float32), allow_pickle=False)
"""


def indexing(n_docs: int, runs: int, fast) -> None:  # noqa: ANN001
    from corpus.chunking import ChunkingParams, chunk_document
    from corpus.loaders import load
    from corpus.manifest import BUNDLED_DIR

    log(f"\n## Indexing: `assistant index` over {n_docs:,} text files vs ST encoding the chunks")
    folder = WORK / f"docs{n_docs}"
    docs, queries, qrels = load_cisi()
    write_cisi_files([d for d in docs if d.text][:n_docs], folder)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    chunks: list[str] = []
    chunk_doc: list[int] = []  # CISI document id of each chunk (-1: the bundled page)
    sentences = 0
    for f in [*files, *sorted(p for p in BUNDLED_DIR.iterdir() if p.suffix == ".md")]:
        doc_id = int(f.stem.split("-")[1]) if f.stem.startswith("cisi-") else -1
        for c in chunk_document(load(f), ChunkingParams()):
            chunks.append(c.text)
            chunk_doc.append(doc_id)
            sentences += len(c.sentences)
    texts_f = WORK / "index-chunks.json"
    texts_f.write_text(json.dumps(chunks), encoding="utf-8")
    log(f"  {len(files)} files → {len(chunks):,} chunks, {sentences:,} sentences "
        "(the index also embeds every sentence, for answer selection)")
    env = dict(os.environ)
    t_st, t_ix = [], []
    for r in range(runs):
        out = subprocess.run([PY, "-c", _ST_CHILD, str(texts_f), str(WORK / "st-chunks.npy")],
                             check=True, capture_output=True, text=True, cwd=ROOT, env=env)
        t_st.append(float(out.stdout.strip().splitlines()[-1]))
        log(f"  run {r + 1}: sentence-transformers encode of the chunks alone: {t_st[-1]:.1f} s")
        index_dir = Path(tempfile.mkdtemp(prefix="ix-", dir=WORK))
        t0 = time.perf_counter()
        out = subprocess.run([ASSISTANT, "index", str(folder), "--index-dir", str(index_dir),
                              "--json"], check=True, capture_output=True, text=True, env=env)
        t_ix.append(time.perf_counter() - t0)
        report = json.loads(out.stdout)
        log(f"  run {r + 1}: assistant index (new process, empty cache): {t_ix[-1]:.1f} s, "
            f"{report['chunks']:,} chunks, {report['embedded']:,} texts embedded in "
            f"{report['embed_seconds']:.1f} s by {report['encoder']}")
        if r < runs - 1:
            shutil.rmtree(index_dir)
    fast.encode_documents(chunks[:64], batch_size=64)
    t0 = time.perf_counter()
    fast_chunks = fast.encode_documents(chunks, batch_size=64)
    t_fast = time.perf_counter() - t0
    log(f"  our ONNX encoder (float32) on the chunks alone: {t_fast:.1f} s "
        f"({t_fast / statistics.median(t_st):.2f}× sentence-transformers)")
    st_s, ix_s = statistics.median(t_st), statistics.median(t_ix)
    log(f"  chunks/s: assistant index {len(chunks) / ix_s:.1f}, "
        f"sentence-transformers (chunks only) {len(chunks) / st_s:.1f}")
    record(f"index {n_docs} files ({len(chunks)} chunks)",
           f"{ix_s:.1f} s ({len(chunks) / ix_s:.1f} chunks/s)",
           f"{st_s:.1f} s ST encode ({len(chunks) / st_s:.1f} chunks/s)",
           ix_s / st_s, "≤ 1.0×", ix_s / st_s <= 1.0)
    agreement(index_dir, chunks, np.asarray(chunk_doc), queries, qrels, fast, fast_chunks)
    shutil.rmtree(index_dir)


def table_indexing(rounds: int) -> None:
    """Issue 14: indexing the benchmark corpus with table extraction against without it."""
    from unittest import mock

    from common import real_embedder
    from make_quality_corpus import make_corpus
    from tables import TABLES_DIR

    import corpus.loaders.pdf
    from corpus.loaders import load
    from index.builder import build
    from index.layout import IndexLayout

    log("\n## Tables: indexing the benchmark corpus with table extraction vs without")
    docs = make_corpus(report_corpus(), TABLES_DIR)  # + the tables fixtures
    files = sorted(p for p in docs.iterdir() if p.suffix in (".pdf", ".html", ".md"))
    pages = sum(len(load(f).pages) for f in files if f.suffix == ".pdf")
    log(f"  {len(files)} documents ({sum(f.suffix == '.pdf' for f in files)} PDFs, "
        f"{pages} pages), the list, answer-quality and tables fixtures and the bundled page")
    emb = real_embedder()
    off = mock.patch.object(corpus.loaders.pdf, "find_tables", lambda *a, **k: {})

    def load_all() -> float:
        t0 = time.perf_counter()
        for f in files:
            load(f)
        return time.perf_counter() - t0

    def index_all() -> tuple[float, float, int, int]:
        layout = IndexLayout(Path(tempfile.mkdtemp(prefix="tables-", dir=WORK)))
        t0, c0 = time.perf_counter(), time.process_time()
        report = build(layout, emb, sources=[docs])  # a new index: an empty embedding cache
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        shutil.rmtree(layout.root)
        return took, cpu, report.chunks, report.embedded

    # Rounds alternate which goes first; each round's two builds run back to back, so
    # their ratio is compared (the machine is shared: CPU time says more than wall time).
    wall: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}
    loads: dict[bool, list[float]] = {True: [], False: []}
    for r in range(rounds):
        for tables in ((False, True) if r % 2 == 0 else (True, False)):
            with contextlib.nullcontext() if tables else off:
                loads[tables].append(load_all())
                took, used, chunks, embedded = index_all()
            wall[tables].append(took)
            cpu[tables].append(used)
            log(f"  round {r + 1}, tables {'on ' if tables else 'off'}: index {took:.1f} s "
                f"wall, {used:.1f} s CPU ({chunks} chunks, {embedded} texts embedded); "
                f"reading alone {loads[tables][-1]:.2f} s")
    ratio_cpu = statistics.median(a / b for a, b in zip(cpu[True], cpu[False], strict=True))
    ratio_wall = statistics.median(a / b for a, b in zip(wall[True], wall[False], strict=True))
    lon, loff = statistics.median(loads[True]), statistics.median(loads[False])
    log(f"  reading the files alone: {lon:.2f} s with tables vs {loff:.2f} s without; "
        f"wall-time ratio of the builds (median of rounds) {ratio_wall:.2f}×")
    record("index the benchmark corpus, tables on vs off (CPU)",
           f"{statistics.median(cpu[True]):.1f} s", f"{statistics.median(cpu[False]):.1f} s",
           ratio_cpu, "≤ 1.5×", ratio_cpu <= 1.5)


def _top10(docs: np.ndarray, q: np.ndarray) -> list[int]:
    return np.argsort(-(docs @ q), kind="stable")[:10].tolist()


def agreement(index_dir: Path, chunks: list[str], chunk_doc: np.ndarray,  # noqa: PLR0913
              queries: dict[int, str], qrels: dict[int, set[int]], fast,  # noqa: ANN001
              fast_chunks: np.ndarray) -> None:
    """Our encoders against sentence-transformers on the same chunks and the CISI queries.

    Two checks: the float32 ONNX encoder (every question, and small indexing runs) must
    give ST's vectors and identical top-10 rankings; the vectors actually in the index
    (bfloat16 on CPUs with AMX/AVX-512 BF16, see index/encoders/torch_bf16.py) are compared by
    cosine, by top-10 lists and sets, and by dense nDCG@10 on these documents.
    """
    from assistant.metrics import mean, ndcg_at_k
    from index.embedder import SentenceTransformerEmbedder
    from index.layout import IndexLayout
    from index.reader import IndexSnapshot

    snap = IndexSnapshot.open(IndexLayout(index_dir))
    stored = snap.store.chunks(list(range(snap.chunk_count)))
    row_of = {sc.chunk.text: r for r, sc in stored.items()}
    ours = np.asarray(snap.chunk_vectors, dtype=np.float32)[[row_of[t] for t in chunks]]
    bulk = snap.manifest["encoder"].get("bulk")
    snap.close()
    ref = np.load(WORK / "st-chunks.npy")
    qids = sorted(queries)
    st = SentenceTransformerEmbedder()
    q_ref = st.encode_documents([queries[q] for q in qids])
    q_ours = np.stack([fast.encode_query(queries[q]) for q in qids])
    qcos = np.sum(q_ref * q_ours, axis=1)
    fcos = np.sum(fast_chunks * ref, axis=1)
    same = sum(_top10(fast_chunks, a) == _top10(ref, b)
               for a, b in zip(q_ours, q_ref, strict=True))
    log(f"  float32 ONNX encoder vs ST: chunks cosine min {fcos.min():.6f}, queries min "
        f"{qcos.min():.6f}; identical top-10 dense ranking for {same}/{len(qids)} CISI queries")
    worst = float(min(fcos.min(), qcos.min()))
    RESULTS.append(["encoder agreement (ONNX vs ST)", f"min cosine {worst:.5f}",
                    f"{len(chunks)} chunks + {len(qids)} queries", "—", "≥ 0.999",
                    "yes" if worst >= 0.999 else "NO"])
    RESULTS.append(["identical top-10 rankings (ONNX)", f"{same}/{len(qids)} queries",
                    f"over {len(chunks)} chunks", "—", "all",
                    "yes" if same == len(qids) else "NO"])

    # The index's own vectors (bfloat16 when the bulk encoder ran).
    cos = np.sum(ours * ref, axis=1)
    lists = sum(_top10(ours, a) == _top10(ref, a) for a in q_ours)
    sets = sum(set(_top10(ours, a)) == set(_top10(ref, a)) for a in q_ours)
    gap = 0.0  # widest ST score gap between two chunks the index orders the other way
    for a in q_ours:
        r_scores = ref @ a
        r_order = np.argsort(-r_scores, kind="stable")[:15]
        pos = np.empty(len(ref), dtype=np.int64)
        pos[np.argsort(-(ours @ a), kind="stable")] = np.arange(len(ref))
        for i in range(10):
            for j in range(i + 1, 15):
                x, y = r_order[i], r_order[j]
                if pos[x] > pos[y]:
                    gap = max(gap, float(r_scores[x] - r_scores[y]))
    judged = [q for q in qids if qrels.get(q)]

    def ndcg(vecs: np.ndarray) -> float:
        out = []
        for q, a in zip(qids, q_ours, strict=True):
            if q in judged:
                order = np.argsort(-(vecs @ a), kind="stable")[:200]
                ranking = [d for d in dict.fromkeys(chunk_doc[order].tolist()) if d >= 0]
                out.append(ndcg_at_k(ranking, qrels[q], 10))
        return mean(out)

    n_ours, n_ref = ndcg(ours), ndcg(ref)
    kind = "bfloat16" if bulk else "float32"
    log(f"  index vectors ({kind}) vs ST: cosine min {cos.min():.6f} mean {cos.mean():.6f}; "
        f"top-10 identical as lists {lists}/{len(qids)}, as sets {sets}/{len(qids)}; chunks "
        f"ordered differently are within {gap:.4f} of each other in ST score; dense "
        f"nDCG@10 over these {len(judged)} judged queries {n_ours:.4f} vs {n_ref:.4f} with ST")
    RESULTS.append([f"index vectors ({kind}) vs ST", f"min cosine {cos.min():.5f}; "
                    f"top-10 lists {lists}/{len(qids)}, sets {sets}/{len(qids)}",
                    f"swaps within {gap:.4f}; nDCG@10 {n_ours:.3f} vs {n_ref:.3f}", "—",
                    "≥ 0.999; nDCG@10 ± 0.002",
                    "yes" if cos.min() >= 0.999 and abs(n_ours - n_ref) <= 0.002 else "NO"])


# -- scale -----------------------------------------------------------------------------

_PROBE = """
import json, sys, time, numpy as np
sys.path.insert(0, {bench!r})
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024
from index.encoders import load_embedder
from assistant.service import Assistant
fast = load_embedder(export=False)
fast.encode_query('warm up')
questions = json.load(open({questions!r}))
base = rss()
t0 = time.perf_counter()
a = Assistant.open({root!r}, embedder=fast)
a.ask(questions[0])
first = time.perf_counter() - t0
times, search = [], []
snap = a.snapshot()
for q in questions[1:] * 2:
    t = time.perf_counter(); a.ask(q); times.append(time.perf_counter() - t)
    qv = fast.encode_query(q)
    t = time.perf_counter(); snap.vectors.search(qv, 50); search.append(time.perf_counter() - t)
mem = rss() - base
exact = np.asarray(snap.chunk_vectors, dtype=np.float32)
rng = np.random.default_rng(0)
def recall(qs):
    hits = 0
    for q in qs:
        truth = set(np.argsort(-(exact @ q))[:10].tolist())
        hits += len(truth & set(snap.vectors.search(q, 10)[0].tolist()))
    return hits / (10 * len(qs))
real = np.stack([fast.encode_query(q) for q in questions])
rand = rng.standard_normal((100, exact.shape[1])).astype(np.float32)
rand /= np.linalg.norm(rand, axis=1, keepdims=True)
print(json.dumps(dict(kind=snap.vectors.kind, chunks=snap.chunk_count, first=first,
    p50=float(np.percentile(times, 50)), p95=float(np.percentile(times, 95)),
    s50=float(np.percentile(search, 50)), s95=float(np.percentile(search, 95)),
    rss=mem, recall=recall(real), recall_random=recall(rand))))
"""


def scale(sizes: list[int], fast) -> None:  # noqa: ANN001
    log("\n## Scale: synthetic indexes (real sentences and vectors; no model run per chunk)")
    questions = short_questions()
    qf = WORK / "questions.json"
    qf.write_text(json.dumps(questions[:60]), encoding="utf-8")
    rows = []
    for n in sizes:
        root = synthetic(n, fast)
        gen = root / "generations" / (root / "CURRENT").read_text().strip()
        disk = sum(f.stat().st_size for f in gen.rglob("*") if f.is_file())
        code = _PROBE.format(bench=str(Path(__file__).parent), questions=str(qf), root=str(root))
        out = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True,
                             cwd=ROOT).stdout
        m = json.loads(out.strip().splitlines()[-1])
        rows.append((n, m, disk))
        log(f"  {n:,} chunks: FAISS {m['kind']}; open + first answer {m['first'] * 1e3:.0f} ms; "
            f"ask p50 {m['p50'] * 1e3:.1f} ms p95 {m['p95'] * 1e3:.1f} ms; vector search "
            f"p50 {m['s50'] * 1e3:.2f} ms p95 {m['s95'] * 1e3:.2f} ms; "
            f"disk {disk / n:,.0f} B/chunk; "
            f"resident after {2 * (len(questions[:60]) - 1)} answers {m['rss'] / n:,.0f} B/chunk; "
            f"Recall@10 vs exact: {m['recall']:.3f} (real questions), "
            f"{m['recall_random']:.3f} (uniformly random query vectors)")
        RESULTS.append([f"scale {n:,} chunks ({m['kind']})",
                        f"ask p50 {m['p50'] * 1e3:.1f} / p95 {m['p95'] * 1e3:.1f} ms",
                        f"{disk / n:,.0f} B/chunk disk, {m['rss'] / n:,.0f} B/chunk RSS", "—",
                        "answers; Recall@10 ≥ 0.95",
                        "yes" if m["recall"] >= 0.95 else "NO"])
        RESULTS.append([f"Recall@10 vs exact, {n:,}", f"{m['recall']:.3f}",
                        f"random queries {m['recall_random']:.3f}", "—", "≥ 0.95",
                        "yes" if m["recall"] >= 0.95 else "NO"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="cold,warm,lists,index,tables,scale")
    ap.add_argument("--runs", type=int, default=15, help="cold-start runs of each command")
    ap.add_argument("--docs", type=int, default=1000, help="text files to index")
    ap.add_argument("--index-runs", type=int, default=1)
    ap.add_argument("--scale", default="20000,200000")
    ap.add_argument("--rounds", type=int, default=5,
                    help="rounds of the list and fact questions (lists section)")
    ap.add_argument("--table-rounds", type=int, default=5,
                    help="tables section: rounds of indexing with and without tables")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="lists section: cProfile one more round, print the top N costs")
    args = ap.parse_args()
    only = set(args.only.split(","))
    WORK.mkdir(parents=True, exist_ok=True)
    log(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")

    from index.encoders import load_embedder

    fast = load_embedder(encoder="onnx")  # exports once per machine if needed
    if "cold" in only:
        cold(args.runs)
    if "warm" in only:
        warm(fast)
    if "lists" in only:
        list_answers(fast, args.rounds, args.profile)
    if "index" in only:
        indexing(args.docs, args.index_runs, fast)
    if "tables" in only:
        table_indexing(args.table_rounds)
    if "scale" in only:
        scale([int(s) for s in args.scale.split(",")], fast)
    log(f"\nload average {os.getloadavg()[0]:.1f} at end\n")
    print(table(["measure", "ours", "reference", "ratio", "target", "met"], RESULTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
