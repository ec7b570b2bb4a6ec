"""Answer-quality benchmark on report-shaped fixture documents, and abstention calibration.

Run from the repository root::

    python benchmarks/answers.py

``make_quality_corpus.py`` writes the fixture documents (a multi-page report PDF with
sections and tables, two GOV.UK-style HTML guides) to ``.bench/quality/docs``; they are
indexed with the real model (cached under ``.bench/quality/index``), and every question
of ``tests/fixtures/quality/questions.yaml`` is asked through ``Assistant.ask``.

Printed, on the tuning half (odd question numbers), the held-out half (even) and all:
Recall@5 of the gold page/passage, citation precision, answer support, the share of
answerable questions answered and of unanswerable ones abstained (1 - false-answer rate).

Calibration: every question is first answered without abstaining, which records the
answer's confidence: the best sentence's evidence score, its cosine with the question
vector minus a topic weight times the mean vector of the top five passages (see
``assistant/answer.py``). For each topic weight (0, 0.3, 0.5, 0.7, 1.0) the threshold
that maximises balanced accuracy (mean of answered-rate and abstained-rate) on the
tuning half is found (ties: the median threshold); the weight with the best
tuning-half balanced accuracy wins (ties: the smaller weight). Sentence selection
(margin, term bonus, heading weight) is then chosen on the tuning half by the mean of
citation precision and answer support. Everything is reported on the held-out half, and the
script says whether the shipped settings are these choices.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, fresh_build, real_embedder, table  # noqa: E402
from make_quality_corpus import QUESTIONS, make_corpus  # noqa: E402

from assistant.evaluate import calibrate_threshold as calibrate  # noqa: E402

FIGURES = ["Recall@5", "cit. precision", "support", "answered", "abstained (unans.)",
           "false answers"]
"""The column names of ``figures``."""


def halves(n: int) -> tuple[list[int], list[int]]:
    """Indexes of the tuning half (question numbers 1, 3, 5, ...) and the held-out half."""
    return [i for i in range(n) if i % 2 == 0], [i for i in range(n) if i % 2 == 1]


def prepare(work: Path, emb):  # noqa: ANN001, ANN201 - (Settings, gold, docs folder)
    """Write the quality corpus under ``work``, build a fresh index of it and load the gold.

    Returns the shipped settings over that index, the gold questions and the docs folder.
    """
    from assistant.config import Settings
    from assistant.evaluate import load_gold

    docs = make_corpus(work / "docs")
    base = Settings(index_dir=work / "index")
    fresh_build(base.index_dir, emb, [docs])
    return base, load_gold(QUESTIONS), docs


def run(settings, emb, gold) -> list:  # noqa: ANN001
    """Every gold question asked through ``Assistant.ask`` with ``settings``, scored."""
    from assistant.evaluate import evaluate
    from assistant.service import Assistant

    return evaluate(Assistant(settings, emb), gold)


def figures(results: list) -> list[str]:
    """The ``FIGURES`` of some question results, formatted."""
    from assistant.evaluate import summarise

    s = summarise(results)
    return [f"{s.recall_at_5:.3f}", f"{s.citation_precision:.3f}", f"{s.answer_support:.3f}",
            f"{s.answered_rate:.3f}", f"{s.abstained_rate:.3f}", f"{s.false_answer_rate:.3f}"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=BENCH_DIR / "quality")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every question's result (default settings)")
    args = ap.parse_args(argv)

    from assistant.evaluate import format_report, summarise

    t0 = time.perf_counter()
    emb = real_embedder()
    base, gold, docs = prepare(args.work, emb)
    tune, held = halves(len(gold))
    n_ans = sum(g.answerable for g in gold)
    ask_all = lambda settings: run(settings, emb, gold)  # noqa: E731
    print(f"{len(gold)} questions ({n_ans} answerable, {len(gold) - n_ans} unanswerable) "
          f"over {len(list(docs.iterdir()))} documents; tuning half = odd numbers, "
          f"held-out half = even numbers\n")

    # 1. Calibrate abstention on the tuning half: for each topic weight of the evidence
    #    score, the best threshold; then the best weight.
    calib = []
    for weight in (0.0, 0.3, 0.5, 0.7, 1.0):
        never = ask_all(replace(base, abstain_below=-9.0, abstain_topic_weight=weight))
        conf = [r.confidence if r.confidence is not None else -1.0 for r in never]
        t, b = calibrate([conf[i] for i in tune], [gold[i].answerable for i in tune])
        calib.append((b, -weight, t, conf))
        print(f"  topic weight {weight:.1f}: threshold {t:.3f}, tuning-half balanced "
              f"accuracy {b:.3f}")
    bacc, neg_weight, threshold, conf = max(calib, key=lambda c: (c[0], c[1]))
    weight = -neg_weight
    same_t = abs(base.abstain_below - threshold) < 5e-4 and base.abstain_topic_weight == weight
    print(f"Chosen on the tuning half: topic weight {weight:.1f}, threshold {threshold:.3f} "
          f"(balanced accuracy {bacc:.3f}); shipped: {base.abstain_topic_weight:.1f}, "
          f"{base.abstain_below:.3f} ({'the calibrated values' if same_t else 'DIFFERENT'})")
    for name, idx in (("answerable", [i for i in range(len(gold)) if gold[i].answerable]),
                      ("unanswerable", [i for i in range(len(gold)) if not gold[i].answerable])):
        vals = sorted(conf[i] for i in idx)
        print(f"  evidence score of {name}: min {vals[0]:.3f}, median "
              f"{vals[len(vals) // 2]:.3f}, max {vals[-1]:.3f}")
    print()
    calibrated = replace(base, abstain_below=threshold, abstain_topic_weight=weight)

    # 2. Sentence selection (margin, term bonus), chosen on the tuning half by the mean of
    #    citation precision and answer support, with the calibrated threshold.
    grid = []
    for margin in (0.03, 0.06, 0.12):
        for bonus in (0.0, 0.1, 0.2):
            for heading in (0.0, 0.25, 0.5, 1.0):
                s = replace(calibrated, sentence_margin=margin, sentence_term_bonus=bonus,
                            sentence_heading_weight=heading)
                summary = summarise([r for i, r in enumerate(ask_all(s)) if i in set(tune)])
                grid.append(((summary.citation_precision + summary.answer_support) / 2,
                             -margin, -heading, bonus, s))
    # ties: smaller margin, smaller heading weight, larger bonus
    grid.sort(key=lambda g: (-g[0], -g[1], -g[2], -g[3]))
    chosen = grid[0][4]
    print("Sentence selection on the tuning half (mean of citation precision and support):")
    for value, _, _, _, s in grid[:6]:
        print(f"  {value:.3f}  margin {s.sentence_margin:g}, term bonus "
              f"{s.sentence_term_bonus:g}, heading weight {s.sentence_heading_weight:g}")
    for value, _, _, _, s in grid:
        if (s.sentence_margin, s.sentence_term_bonus) == (
                chosen.sentence_margin, chosen.sentence_term_bonus):
            print(f"  at that margin and bonus, heading weight "
                  f"{s.sentence_heading_weight:g}: {value:.3f}")
    knobs = ("sentence_margin", "sentence_term_bonus", "sentence_heading_weight")
    same = all(getattr(chosen, k) == getattr(base, k) for k in knobs)
    print(f"Shipped: margin {base.sentence_margin:g}, term bonus {base.sentence_term_bonus:g}, "
          f"heading weight {base.sentence_heading_weight:g} "
          f"({'the tuning-half choice' if same else 'DIFFERENT from the tuning-half choice'})\n")

    # 3. Figures for the shipped defaults, beside the previous defaults and the choices.
    systems = [("shipped defaults (Settings())", ask_all(base)),
               ("shipped, without heading evidence",
                ask_all(replace(base, sentence_heading_weight=0.0))),
               ("cosine only, threshold calibrated",
                ask_all(replace(base, abstain_topic_weight=0.0,
                                abstain_below=[c for c in calib if c[1] == 0][0][2]))),
               ("previous defaults (0.40, margin 0.12)",
                ask_all(replace(base, abstain_below=0.40, abstain_topic_weight=0.0,
                                sentence_margin=0.12, sentence_term_bonus=0.1,
                                sentence_heading_weight=0.0)))]
    if not (same and same_t):
        systems.append(("tuning-half choices", ask_all(chosen)))
    header = ["settings", "part", *FIGURES]
    rows = []
    for name, results in systems:
        for part, idx in (("tune", tune), ("held-out", held), ("all", range(len(gold)))):
            rows.append([name, part, *figures([results[i] for i in idx])])
    print(table(header, rows))
    if args.verbose:
        print()
        print(format_report(systems[0][1], summarise(systems[0][1])))
    print(f"\n{time.perf_counter() - t0:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
