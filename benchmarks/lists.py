"""List-question benchmark: every point the documents state, and nothing that only names a topic.

Run from the repository root::

    python benchmarks/lists.py [-v] [--no-factoid] [--fixtures DIR]

The fixture documents of ``tests/fixtures/lists/`` (a nine-page guidance PDF rendered
from YAML, a GOV.UK-style HTML guide, a Markdown note) and the bundled
``corpus/documents`` folder (its page and ``manifest.toml``, which every user has) are
written to ``.bench/lists/docs`` and indexed afresh with the real model. Every question
of ``tests/fixtures/lists/questions.yaml`` is asked through ``Assistant.ask`` with the
shipped settings.

``--fixtures DIR`` measures another fixture folder of the same layout instead (documents
plus a ``questions.yaml`` in the same format), e.g. ``tests/fixtures/lists2``, a second,
independently written set used only for tuning; its documents and index then live in
``.bench/<folder name>`` unless ``--work`` says otherwise.

Printed, on the tuning half (odd question numbers), the held-out half (even) and all:

- point recall: per question with gold points, the share of its points found among the
  answer sentences, averaged over questions (an abstention finds none). Text is compared
  whitespace-normalised; a point is found when an answer sentence equals one of its
  sentences, contains it, or is contained in it with at least 6 words;
- topic-naming sentences: answer sentences (any question) that are, by the same match,
  one of the file's ``topic_naming`` sentences ("This chapter turns to the challenges...");
- actor precision: for questions with an ``actor``, the answer sentences that are gold
  points of that question / the answer sentences, pooled over the questions answered;
  wrong actor counts answer sentences that are another actor's gold points;
- abstained (uncovered): the share of questions on topics no document covers that abstain;
- shape list: the share of questions answered with ``answer.shape == "list"``;
- bullets: the mean number of answer sentences of the covered questions answered;
- answered (covered): the share of covered questions that did not abstain.

Then, from the same run, today's factoid figures of ``benchmarks/answers.py`` on
``tests/fixtures/quality/questions.yaml`` with the shipped settings only (held-out and
all), so a change for list questions can be seen not to cost single-fact questions.
With ``-v`` every list answer is printed with the points it missed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, ROOT, fresh_build, real_embedder, table  # noqa: E402
from make_quality_corpus import make_corpus  # noqa: E402

LISTS_DIR = ROOT / "tests" / "fixtures" / "lists"
LIST_QUESTIONS = LISTS_DIR / "questions.yaml"
BUNDLED = ROOT / "corpus" / "documents"
MIN_CONTAINED_WORDS = 6


# -- gold ------------------------------------------------------------------------------

@dataclass
class ListQuestion:
    n: int
    question: str
    points: list[list[str]] = field(default_factory=list)
    """Each point: the sentences that state it (any one of them finds it)."""
    actor: str | None = None
    uncovered: bool = False


@dataclass
class ListGold:
    questions: list[ListQuestion]
    topic_naming: dict[str, list[str]]
    """File name -> sentences that only name a topic or describe the document."""

    @property
    def all_topic_naming(self) -> list[str]:
        return [s for sents in self.topic_naming.values() for s in sents]

    def actor_points(self) -> dict[str, list[list[str]]]:
        """Every actor's gold points (from all questions that name that actor)."""
        out: dict[str, list[list[str]]] = {}
        for q in self.questions:
            if q.actor:
                for p in q.points:
                    if p not in out.setdefault(q.actor, []):
                        out[q.actor].append(p)
        return out


def load_list_gold(path: Path = LIST_QUESTIONS) -> ListGold:
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for item in raw["questions"]:
        points = [[p] if isinstance(p, str) else list(p) for p in item.get("points") or []]
        q = ListQuestion(n=int(item["n"]), question=item["question"], points=points,
                         actor=item.get("actor"), uncovered=bool(item.get("uncovered")))
        if q.uncovered == bool(q.points):
            raise ValueError(f"question {q.n}: give either points or `uncovered: true`")
        questions.append(q)
    numbers = [q.n for q in questions]
    if numbers != list(range(1, len(questions) + 1)):
        raise ValueError(f"questions must be numbered 1..N in order, got {numbers}")
    return ListGold(questions, {k: list(v) for k, v in raw["topic_naming"].items()})


# -- matching --------------------------------------------------------------------------

def norm(text: str) -> str:
    return " ".join(text.split())


def same_sentence(answer_sentence: str, gold: str) -> bool:
    """The answer sentence is the gold sentence, holds it, or is a >= 6-word part of it."""
    a, g = norm(answer_sentence), norm(gold)
    return a == g or g in a or (a in g and len(a.split()) >= MIN_CONTAINED_WORDS)


def point_found(point: list[str], answer_sentences: list[str]) -> bool:
    return any(same_sentence(a, s) for a in answer_sentences for s in point)


def is_point_of(sentence: str, points: list[list[str]]) -> bool:
    return any(same_sentence(sentence, s) for p in points for s in p)


# -- scoring ---------------------------------------------------------------------------

@dataclass
class ListResult:
    q: ListQuestion
    answer: object  # assistant.records.Answer
    sentences: list[str]
    found: list[bool]
    topic_naming: list[str]
    on_actor: int = 0
    wrong_actor: list[str] = field(default_factory=list)

    @property
    def abstained(self) -> bool:
        return bool(self.answer.abstained)

    @property
    def shape(self) -> str:
        return getattr(self.answer, "shape", "fact")

    @property
    def recall(self) -> float:
        return sum(self.found) / len(self.found) if self.found else float("nan")


def score(q: ListQuestion, answer, gold: ListGold) -> ListResult:  # noqa: ANN001
    sentences = [] if answer.abstained else [s.text for s in answer.sentences]
    found = [point_found(p, sentences) for p in q.points]
    naming = [s for s in sentences if is_point_of(s, [[t] for t in gold.all_topic_naming])]
    r = ListResult(q, answer, sentences, found, naming)
    if q.actor:
        others = [p for actor, pts in gold.actor_points().items() if actor != q.actor
                  for p in pts if p not in q.points]
        r.on_actor = sum(is_point_of(s, q.points) for s in sentences)
        r.wrong_actor = [s for s in sentences
                         if not is_point_of(s, q.points) and is_point_of(s, others)]
    return r


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


HEADER = ["part", "questions", "point recall", "topic-naming sents", "actor precision",
          "wrong-actor sents", "abstained (uncovered)", "shape list", "bullets",
          "answered (covered)"]


def summary_row(part: str, results: list[ListResult]) -> list[str]:
    covered = [r for r in results if not r.q.uncovered]
    uncovered = [r for r in results if r.q.uncovered]
    actor = [r for r in results if r.q.actor and not r.abstained]
    actor_sents = sum(len(r.sentences) for r in actor)
    answered = [r for r in covered if not r.abstained]
    return [
        part, str(len(results)),
        f"{_mean([r.recall for r in covered]):.3f}",
        str(sum(len(r.topic_naming) for r in results)),
        f"{sum(r.on_actor for r in actor) / actor_sents:.3f}" if actor_sents else "n/a",
        str(sum(len(r.wrong_actor) for r in results)),
        f"{_mean([float(r.abstained) for r in uncovered]):.3f}",
        f"{_mean([float(r.shape == 'list') for r in results]):.3f}",
        f"{_mean([float(len(r.sentences)) for r in answered]):.1f}",
        f"{len(answered) / len(covered):.3f}" if covered else "n/a",
    ]


def describe(r: ListResult) -> str:
    head = (f"Q{r.q.n} [{'tune' if r.q.n % 2 else 'held-out'}] {r.q.question}"
            + (f"  (actor: {r.q.actor})" if r.q.actor else "")
            + ("  (uncovered: must abstain)" if r.q.uncovered else ""))
    lines = [head, f"  shape {r.shape}, {'abstained' if r.abstained else 'answered'}"
             + ("" if r.q.uncovered else f", recall {sum(r.found)}/{len(r.found)}")]
    lines += ["  | " + line for line in r.answer.text.splitlines()]
    for p, ok in zip(r.q.points, r.found, strict=True):
        if not ok:
            lines.append(f"  MISSED: {p[0]}")
    lines += [f"  TOPIC-NAMING: {s}" for s in r.topic_naming]
    lines += [f"  WRONG ACTOR: {s}" for s in r.wrong_actor]
    return "\n".join(lines)


# -- corpus ----------------------------------------------------------------------------

def make_list_corpus(out: Path, source: Path = LISTS_DIR) -> Path:
    """The list fixtures of ``source`` plus the bundled corpus folder (its page and
    manifest.toml)."""
    make_corpus(out, source)
    for src in sorted(BUNDLED.iterdir()):
        if src.is_file():
            target = out / src.name
            if not target.exists() or target.read_bytes() != src.read_bytes():
                shutil.copyfile(src, target)
    return out


def check_gold(gold: ListGold, docs: Path) -> list[str]:
    """Gold and topic-naming sentences that are not in any document's text (typos)."""
    from corpus.loaders import load

    texts = [norm(load(p).text) for p in sorted(docs.iterdir())
             if p.is_file() and p.name != "manifest.toml"]
    wanted = {s for q in gold.questions for p in q.points for s in p} | set(
        gold.all_topic_naming)
    return sorted(s for s in wanted if not any(norm(s) in t for t in texts))


# -- main ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", type=Path, default=LISTS_DIR,
                    help="fixture folder: documents and questions.yaml "
                         "(default tests/fixtures/lists)")
    ap.add_argument("--work", type=Path, default=None,
                    help="where documents and index are written "
                         "(default .bench/<fixture folder name>)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every question's answer and the points it missed")
    ap.add_argument("--no-factoid", action="store_true",
                    help="skip the factoid figures of benchmarks/answers.py")
    args = ap.parse_args(argv)

    from assistant.config import Settings
    from assistant.service import Assistant

    fixtures = args.fixtures.resolve()
    work = args.work if args.work is not None else BENCH_DIR / fixtures.name
    t0 = time.perf_counter()
    gold = load_list_gold(fixtures / "questions.yaml")
    docs = make_list_corpus(work / "docs", fixtures)
    missing = check_gold(gold, docs)
    for s in missing:
        print(f"WARNING: gold sentence not in any document: {s}")
    emb = real_embedder()
    settings = Settings(index_dir=work / "index")
    fresh_build(settings.index_dir, emb, [docs])
    assistant = Assistant(settings, emb)

    results = []
    for q in gold.questions:
        results.append(score(q, assistant.ask(q.question), gold))
    tune = [r for r in results if r.q.n % 2 == 1]
    held = [r for r in results if r.q.n % 2 == 0]
    n_unc = sum(q.uncovered for q in gold.questions)
    n_docs = len([p for p in docs.iterdir() if p.name != "manifest.toml"])
    if fixtures != LISTS_DIR.resolve():
        print(f"Fixtures: {fixtures}")
    print(f"{len(results)} list questions ({len(results) - n_unc} covered, {n_unc} on topics "
          f"no document covers) over {n_docs} documents; tuning half = odd numbers, "
          f"held-out half = even numbers\n")
    if args.verbose:
        for r in results:
            print(describe(r), end="\n\n")
    print("List questions, shipped settings:")
    print(table(HEADER, [summary_row("tune", tune), summary_row("held-out", held),
                         summary_row("all", results)]))

    if not args.no_factoid:
        from answers import FIGURES, figures, halves, prepare, run

        base, fgold, _ = prepare(BENCH_DIR / "quality", emb)
        fres = run(base, emb, fgold)
        _, fheld = halves(len(fgold))
        print("\nFactoid questions (benchmarks/answers.py, tests/fixtures/quality), "
              "shipped settings:")
        print(table(["part", *FIGURES[:5]],
                    [["held-out", *figures([fres[i] for i in fheld])[:5]],
                     ["all", *figures(fres)[:5]]]))
    print(f"\n{time.perf_counter() - t0:.0f} s in all")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
