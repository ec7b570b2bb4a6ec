"""Tables benchmark (issue 14): questions about one table row's value, asked as a user would.

Run from the repository root::

    python benchmarks/tables.py [-v]

The fixture documents of ``tests/fixtures/tables/`` (a seven-page survey report PDF
rendered from YAML: a ruled 45-row table over two pages with its header printed on the
first page only, an unruled table beside prose with an empty cell and a footnote row, a
table with merged header cells, a 40-row table over two pages with a repeated header, a
dot-leader cost table; a two-page survey PDF whose unruled 45-row table prints its header
on the first page only, two of its header names set closer than a letter apart; a
GOV.UK-style HTML page with three tables; a Markdown pipe table) are written to
``.bench/tables/docs`` and indexed afresh with the real model. Every question of
``tests/fixtures/tables/questions.yaml`` is asked through ``Assistant.ask``.

Printed, on the tuning half (odd question numbers), the held-out half (even) and all:

- right row: answerable questions whose answer's first citation quotes the right row
  (every naming cell and the value asked for, whitespace and case aside) from the right
  source and page;
- value: answerable questions with the value and the row's naming cells in any cited
  quote of the answer;
- caption: answers from the right row whose citation's section names the table caption
  (tables that have one);
- Recall@5: a top-5 passage holds the row's naming cells and the value;
- abstained: unanswerable questions (a row or column the tables do not have) abstained.

The one setting of the row lookup (``assistant.table_rows.RowParams.column_share``: how
much of a column's name a question must use for the row to be named) is chosen on the
tuning half by the mean of right-row and abstained rates (ties: the larger share), and
the script says whether the shipped default is that choice. Also printed: the same
figures without the row lookup (row units through the general answer path only), and
the issue's check, the Table 1 questions about rows on the page where the table
continues without its header.

The script only uses ``Assistant.ask``, so it also runs on a checkout from before
tables were read (copy it and ``make_quality_corpus.py`` there) for a "before" figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, ROOT, fresh_build, real_embedder, table  # noqa: E402
from make_quality_corpus import make_corpus  # noqa: E402

TABLES_DIR = ROOT / "tests" / "fixtures" / "tables"
QUESTIONS = TABLES_DIR / "questions.yaml"
FIGURES = ["right row", "value", "caption", "Recall@5", "abstained (unans.)"]


@dataclass
class RowQuestion:
    n: int
    question: str
    source: str | None = None
    page: int | None = None
    row: tuple[str, ...] = ()
    value: str = ""
    captioned: bool = True

    @property
    def answerable(self) -> bool:
        return self.source is not None


def load_questions(path: Path = QUESTIONS) -> list[RowQuestion]:
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    out = []
    for n, q in enumerate(raw, start=1):
        if q.get("unanswerable"):
            out.append(RowQuestion(n, q["question"]))
        else:
            out.append(RowQuestion(n, q["question"], q["source"], q.get("page"),
                                   tuple(str(c) for c in q["row"]), str(q["value"]),
                                   q.get("caption", True) is not False))
    return out


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _holds(text: str, q: RowQuestion) -> bool:
    t = _norm(text)
    return all(_norm(c) in t for c in q.row) and _norm(q.value) in t


def _captions(path: Path) -> set[str]:
    """Every caption line of the fixtures (to check that a citation names its table)."""
    import re

    found = set()
    for f in path.iterdir():
        if f.suffix in (".yaml", ".html", ".md"):
            found.update(_norm(m) for m in re.findall(r"Table \d+: [^\"<*\n]+", f.read_text(
                encoding="utf-8")))
    return found


@dataclass
class Result:
    q: RowQuestion
    abstained: bool
    right_row: bool = False
    value: bool = False
    caption: bool = False
    recall5: bool = False
    shown: str = ""


def score(q: RowQuestion, answer, captions: set[str]) -> Result:  # noqa: ANN001 - Answer
    r = Result(q, answer.abstained)
    r.shown = " / ".join(s.text for s in answer.sentences)[:200] if not answer.abstained \
        else "(abstained)"
    if not q.answerable:
        return r
    r.recall5 = any(Path(p.source).name == q.source and _holds(p.text, q)
                    for p in answer.passages[:5])
    if answer.abstained or not answer.citations:
        return r
    first = answer.citations[0]
    r.right_row = (Path(first.source).name == q.source and _holds(first.quote, q)
                   and (q.page is None or first.page_start == q.page))
    r.value = any(Path(c.source).name == q.source and _holds(c.quote, q)
                  for c in answer.citations)
    r.caption = r.right_row and any(_norm(s) in captions for s in first.section)
    return r


def figures(results: list[Result]) -> list[str]:
    ans = [r for r in results if r.q.answerable]
    una = [r for r in results if not r.q.answerable]
    right = [r for r in ans if r.right_row]

    def rate(xs: list, n: int) -> str:
        return f"{len(xs) / n:.3f}" if n else "—"

    captioned = [r for r in right if r.q.captioned]
    return [rate(right, len(ans)), rate([r for r in ans if r.value], len(ans)),
            rate([r for r in captioned if r.caption], len(captioned)),
            rate([r for r in ans if r.recall5], len(ans)),
            rate([r for r in una if r.abstained], len(una))]


def balanced(results: list[Result]) -> float:
    ans = [r for r in results if r.q.answerable]
    una = [r for r in results if not r.q.answerable]
    return (sum(r.right_row for r in ans) / max(1, len(ans))
            + sum(r.abstained for r in una) / max(1, len(una))) / 2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=BENCH_DIR / "tables")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every answer")
    args = ap.parse_args(argv)

    from assistant.config import Settings
    from assistant.service import Assistant

    try:
        from assistant.table_rows import RowParams
    except ImportError:  # a checkout from before tables were read
        RowParams = None  # noqa: N806

    t0 = time.perf_counter()
    emb = real_embedder()
    docs = make_corpus(args.work / "docs", TABLES_DIR)
    settings = Settings(index_dir=args.work / "index")
    t_index = time.perf_counter()
    fresh_build(settings.index_dir, emb, [docs])
    t_index = time.perf_counter() - t_index
    gold = load_questions()
    captions = _captions(TABLES_DIR)
    tune = [i for i in range(len(gold)) if i % 2 == 0]
    held = [i for i in range(len(gold)) if i % 2 == 1]
    n_ans = sum(q.answerable for q in gold)
    print(f"{len(gold)} questions ({n_ans} about a table row, {len(gold) - n_ans} "
          f"unanswerable) over {len(list(docs.iterdir()))} documents, indexed in "
          f"{t_index:.0f} s; tuning half = odd numbers, held-out half = even numbers\n")

    assistant = Assistant(settings, emb)

    def ask_all() -> list[Result]:
        return [score(q, assistant.ask(q.question), captions) for q in gold]

    systems: list[tuple[str, list[Result]]] = []
    if RowParams is None:
        systems.append(("this checkout (no row lookup)", ask_all()))
    else:
        shipped = RowParams()
        grid = []
        for share in (0.0, 0.25, 0.5, 0.75, 1.0):  # 0: naming the key is enough
            assistant.row_params = replace(shipped, column_share=share)
            results = ask_all()
            grid.append((balanced([results[i] for i in tune]), share, results))
            print(f"  column share {share:.2f}: tuning-half mean of right row and "
                  f"abstained {grid[-1][0]:.3f}")
        best = max(grid, key=lambda g: (g[0], g[1]))
        print(f"Chosen on the tuning half: column share {best[1]:.2f}; shipped "
              f"{shipped.column_share:.2f} "
              f"({'the tuning-half choice' if best[1] == shipped.column_share else 'DIFFERENT'})"
              "\n")
        systems.append(("shipped (row lookup)",
                        next(g[2] for g in grid if g[1] == shipped.column_share)))
        assistant.row_params = None  # no row lookup, no screening
        systems.append(("row units, general answer path only", ask_all()))
        assistant.row_params = shipped

    rows = []
    for name, results in systems:
        for part, idx in (("tune", tune), ("held-out", held), ("all", range(len(gold)))):
            rows.append([name, part, *figures([results[i] for i in idx])])
    print(table(["system", "part", *FIGURES], rows))

    main_results = systems[0][1]
    cont = [r for r in main_results if r.q.answerable and r.q.source.endswith(".pdf")
            and r.q.page == 3]
    print(f"\nIssue 14's check: Table 1 rows on page 3, where the table continues without "
          f"its header: {sum(r.right_row for r in cont)} of {len(cont)} answered from the "
          "right row")
    unruled = [r for r in main_results if r.q.source == "midlands-mutuals-survey-2023.pdf"]
    print(f"Unruled Table 1 (midlands-mutuals-survey-2023.pdf) rows on page 2, where it "
          f"continues without its header: {sum(r.right_row for r in unruled)} of "
          f"{len(unruled)} answered from the right row")
    html = [r for r in main_results if r.q.answerable and r.q.source.endswith(".html")]
    print(f"HTML table rows: {sum(r.right_row for r in html)} of {len(html)} answered from "
          "the right row")
    if args.verbose:
        print()
        for r in main_results:
            mark = ("OK " if r.right_row else "-- ") if r.q.answerable else (
                "OK " if r.abstained else "FA ")
            print(f"{mark}{r.q.n:2d}. {r.q.question}\n      {r.shown}")
    print(f"\n{time.perf_counter() - t0:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
