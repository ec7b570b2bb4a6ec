"""Reindex cost: full build vs no-change reindex vs one-file change, with the real model.

    python benchmarks/reindex.py [--docs N] [--pdfs M]

Builds an index from nothing over N CISI abstracts (one .txt file each) and M generated
report PDFs, then measures, in the same run and on the same folder: a reindex with
nothing changed, a reindex after editing one file, after moving one file and after
adding one. Prints seconds, texts embedded and each run's cost as a fraction of the full
build, plus where the time of each run went (scan, read, embed, write steps).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, load_cisi, real_embedder, table, write_cisi_files  # noqa: E402

from index.builder import Progress, build  # noqa: E402
from index.layout import IndexLayout  # noqa: E402


class StageClock:
    """Time spent between consecutive progress reports, summed per step."""

    def __init__(self) -> None:
        self.last: tuple[str, float] | None = None
        self.spent: dict[str, float] = {}

    def __call__(self, p: Progress) -> None:
        now = time.perf_counter()
        step = p.stage if p.stage != "write" else f"write:{p.message.replace('writing ', '')}"
        if self.last is not None:
            name, t = self.last
            self.spent[name] = self.spent.get(name, 0.0) + (now - t)
        self.last = (step, now)

    def top(self, n: int = 3) -> str:
        items = sorted(self.spent.items(), key=lambda kv: -kv[1])[:n]
        return ", ".join(f"{k} {v:.2f}s" for k, v in items)


def make_corpus(folder: Path, n_docs: int, n_pdfs: int) -> None:
    from tests.corpus.pdfgen import DEFAULT_PAGES, make_report_pdf

    docs, _, _ = load_cisi()
    write_cisi_files([d for d in docs if d.text][:n_docs], folder)
    for i in range(n_pdfs):
        pages = [(f"{h} ({i})", [f"{p} Edition {i}." for p in paras])
                 for h, paras in DEFAULT_PAGES]
        make_report_pdf(folder / f"report-{i:02d}.pdf", pages)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300, help="CISI abstracts (default 300)")
    ap.add_argument("--pdfs", type=int, default=5, help="generated PDFs (default 5)")
    args = ap.parse_args()

    work = BENCH_DIR / "reindex"
    shutil.rmtree(work, ignore_errors=True)
    folder, layout = work / "docs", IndexLayout(work / "index")
    make_corpus(folder, args.docs, args.pdfs)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    emb = real_embedder()
    emb.encode_documents(["warm up"])  # model load is not part of any build

    runs: list[tuple[str, float, int, str, int]] = []

    def run(label: str) -> None:
        clock = StageClock()
        t0 = time.perf_counter()
        report = build(layout, emb, sources=[folder], progress=clock)
        seconds = time.perf_counter() - t0
        assert not report.failed, report.failed
        changed = len(report.added) + len(report.updated) + len(report.removed)
        runs.append((label, seconds, report.embedded, clock.top(), changed))

    run("full build (empty index and cache)")
    run("no change")
    target = files[len(files) // 2]
    target.write_text(target.read_text(encoding="utf-8")
                      + "\nA new closing sentence about partnership outcomes.\n",
                      encoding="utf-8")
    run(f"one file edited ({target.name})")
    moved = files[1]
    (folder / "moved").mkdir()
    shutil.move(moved, folder / "moved" / moved.name)
    run(f"one file moved ({moved.name})")
    (folder / "added.txt").write_text(
        "Mutual partnerships\n\nA short note on how mutuals choose partners and share risk.\n",
        encoding="utf-8")
    run("one file added")

    full = runs[0][1]
    print(f"Corpus: {len(files)} files ({args.docs} CISI abstracts, {args.pdfs} PDFs); "
          f"model {emb.name}; one run, same machine.\n")
    rows = [[label, f"{s:.2f}", str(e), str(c), f"{s / full:.3f}", f"{full / s:.0f}x", top]
            for label, s, e, top, c in runs]
    print(table(["run", "seconds", "embedded", "files changed", "cost vs full",
                 "speed-up", "where the time went"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
