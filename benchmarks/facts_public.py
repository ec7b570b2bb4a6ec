"""Fact questions over prose nobody here wrote: SQuAD training-split articles.

Run from the repository root::

    python benchmarks/facts_public.py       # about 5 minutes on 2 cores (8 the first time)
    python benchmarks/facts_public.py -v    # also every held-out miss

The articles and their questions are ``benchmarks/data/squad-train/articles.json``
(SQuAD v1.1 and v2.0 *training* split, CC BY-SA 4.0; see the README beside it). The
SQuAD dev split is deliberately not in this repository: it is used to check us.

Each article is written as one Markdown document (its title as the ``#`` heading, its
paragraphs as paragraphs) to ``.bench/public/docs``; a fresh index is built with the real
model, and every question is asked through ``Assistant.ask``, plus 30 off-topic
questions of our own (cooking, tax, football, gardening, ...) that no article covers.

Halves: questions are numbered in file order (articles, paragraphs, questions as SQuAD
lists them); odd numbers (1st, 3rd, ...) are the tuning half, even numbers the held-out
half. The off-topic questions are split the same way.

Measured, per half and for all, for

* the shipped settings (``Settings()``, or the settings passed to :func:`measure`), and
* a plain baseline in the same run, "top two sentences, fixed threshold": the top
  passages of ``Assistant.search``, their stored sentences (of 4 words or more; each
  sentence once), the two with the highest cosine to the question vector are the answer;
  it abstains when the best cosine is below a threshold T chosen on the tuning half as
  the highest value that abstains on at most 7% of the tuning half's answerable
  questions (the 7% the issue measured for this baseline).

Figures: answered (share of answerable questions not abstained), held fact / answerable
(an answer holds the fact when a gold answer, normalised as the SQuAD evaluation script
does — lower case, punctuation and the articles a/an/the removed, whitespace collapsed —
occurs in the normalised text of the answer's sentences), held fact / answered
(precision), abstained on SQuAD v2.0's unanswerable ("impossible") questions about the
same articles, and abstained on the off-topic questions (must be 100%).

The sweep: every question is asked once more with abstention off (``abstain_below``
-9), recording the answer's confidence (its evidence score) and whether its sentences
hold the fact; for each threshold the tuning-half figures are what that threshold would
give (the off-topic figure also over all 30 off-topic questions: the hardest of them
fell in the held-out half). The script checks that at the shipped threshold this matches
the shipped run. A second table tries a joint rule on the same answers: abstain when the
best sentence's plain cosine (the baseline's score, from the same retrieval) is below c
OR the evidence score is below e.

Import :func:`measure` from a calibration script::

    from benchmarks.facts_public import measure
    figures = measure(Settings(abstain_below=0.1), embedder=emb)
    figures.shipped["held-out"].held_all
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, fresh_build, real_embedder, table  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "squad-train" / "articles.json"
WORK = BENCH_DIR / "public"
BASELINE_MAX_ABSTAIN = 0.07
BASELINE_SENTENCES = 2
MIN_WORDS = 4
SWEEP = (-0.05, 0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.174, 0.2, 0.225, 0.25, 0.3)
JOINT_COSINE = (0.3, 0.35, 0.4, 0.45)
JOINT_EVIDENCE = (-9.0, 0.0, 0.05, 0.1)
PARTS = ("tune", "held-out", "all")

# Questions about things none of the articles (genocide law, antibiotics, a Zelda video
# game) covers. Written for this benchmark; they must all abstain.
OFF_TOPIC = (
    "How long should I boil an egg for a soft yolk?",
    "What temperature should I bake sourdough bread at?",
    "What is the UK personal allowance for income tax?",
    "When is the deadline for filing a self-assessment tax return?",
    "Who won the FA Cup final in 1995?",
    "What was the score in the last Manchester derby?",
    "How often should I water tomato plants in summer?",
    "When should I prune apple trees?",
    "How do I fix a puncture on a bicycle tyre?",
    "What oil grade does a diesel van engine need?",
    "How many teaspoons are in a tablespoon?",
    "What is the recipe for a classic Victoria sponge cake?",
    "How do I claim a refund of overpaid council tax?",
    "What is the VAT rate on children's clothing?",
    "Which team won the Rugby World Cup in 2003?",
    "Who has scored the most Premier League goals?",
    "How far is the Moon from the Earth?",
    "What causes the tides in the ocean?",
    "How do I knit a cable stitch?",
    "What is the best way to teach a puppy to sit?",
    "How do I renew a British passport?",
    "What is the current Bank of England base rate?",
    "How many calories are in a banana?",
    "How do I remove red wine stains from a carpet?",
    "What time does the sun set in Edinburgh in December?",
    "Which airline flies direct from London to Reykjavik?",
    "How do I descale a kettle?",
    "What is the offside rule in football?",
    "How long does it take to cycle from London to Brighton?",
    "What should I plant in a shady garden border?",
)


# -- data -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicQuestion:
    """One question: from SQuAD (answerable or not) or off-topic (ours)."""

    qid: str
    text: str
    article: str  # "" for off-topic questions
    answers: tuple[str, ...]
    kind: str  # "answerable", "impossible" (SQuAD v2.0) or "off-topic"
    half: str  # "tune" or "held-out"


def load_articles(path: Path = DATA) -> list[dict]:
    """The stored articles, as in the JSON file (title, paragraphs, qas)."""
    return json.loads(path.read_text(encoding="utf-8"))["articles"]


def load_questions(path: Path = DATA, off_topic: Sequence[str] = OFF_TOPIC
                   ) -> list[PublicQuestion]:
    """Every question in file order, each assigned to its half (odd numbers tune)."""
    out: list[PublicQuestion] = []
    n = 0
    for art in load_articles(path):
        for para in art["paragraphs"]:
            for qa in para["qas"]:
                n += 1
                kind = "impossible" if qa.get("is_impossible") else "answerable"
                out.append(PublicQuestion(
                    qa["id"], " ".join(qa["question"].split()), art["title"],
                    tuple(a["text"] for a in qa["answers"]), kind,
                    "tune" if n % 2 == 1 else "held-out"))
    for i, q in enumerate(off_topic, start=1):
        out.append(PublicQuestion(f"off-{i:02d}", q, "", (), "off-topic",
                                  "tune" if i % 2 == 1 else "held-out"))
    return out


def doc_title(article_title: str) -> str:
    return article_title.replace("_", " ")


def write_docs(folder: Path, path: Path = DATA) -> list[Path]:
    """One Markdown file per article; rewritten only when its text changes."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for art in load_articles(path):
        slug = re.sub(r"[^a-z0-9]+", "-", art["title"].lower()).strip("-")
        body = "\n\n".join([f"# {doc_title(art['title'])}",
                            *(p["context"].strip() for p in art["paragraphs"])]) + "\n"
        f = folder / f"{slug}.md"
        if not f.exists() or f.read_text(encoding="utf-8") != body:
            f.write_text(body, encoding="utf-8")
        files.append(f)
    return files


# -- scoring --------------------------------------------------------------------------

_PUNCT = set(string.punctuation)


def normalise(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def holds_fact(answer_text: str, gold: Sequence[str]) -> bool:
    """A gold answer (normalised) occurs, on word boundaries, in the normalised answer."""
    hay = f" {normalise(answer_text)} "
    return any(g and f" {g} " in hay for g in (normalise(a) for a in gold))


def answer_sentences(answer) -> str:  # noqa: ANN001 - assistant.records.Answer
    """The answer's own words: its sentences (no citation markers), or record fields."""
    if answer.abstained:
        return ""
    parts = [s.text for s in answer.sentences]
    for r in getattr(answer, "records", []) or []:
        parts.extend(v for _, v in r.fields())
    return " ".join(parts)


@dataclass
class Result:
    """What one system did with one question."""

    question: PublicQuestion
    abstained: bool
    text: str
    held: bool
    confidence: float | None = None


@dataclass
class Summary:
    """Figures of one system on one part of the questions."""

    answerable: int
    answered: float  # share of answerable questions answered
    held_all: float  # held fact / answerable
    held_answered: float  # held fact / answered (precision)
    impossible: int
    impossible_abstained: float
    off_topic: int
    off_topic_abstained: float

    def row(self) -> list[str]:
        pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
        return [str(self.answerable), pct(self.answered), pct(self.held_all),
                pct(self.held_answered),
                pct(self.impossible_abstained) if self.impossible else "-",
                pct(self.off_topic_abstained) if self.off_topic else "-"]


def summarise(results: Sequence[Result]) -> Summary:
    ans = [r for r in results if r.question.kind == "answerable"]
    imp = [r for r in results if r.question.kind == "impossible"]
    off = [r for r in results if r.question.kind == "off-topic"]
    answered = [r for r in ans if not r.abstained]
    held = sum(r.held for r in answered)
    share = lambda k, n: k / n if n else 0.0  # noqa: E731
    return Summary(len(ans), share(len(answered), len(ans)), share(held, len(ans)),
                   share(held, len(answered)), len(imp),
                   share(sum(r.abstained for r in imp), len(imp)), len(off),
                   share(sum(r.abstained for r in off), len(off)))


def by_part(results: Sequence[Result]) -> dict[str, Summary]:
    return {"tune": summarise([r for r in results if r.question.half == "tune"]),
            "held-out": summarise([r for r in results if r.question.half == "held-out"]),
            "all": summarise(results)}


# -- the systems ----------------------------------------------------------------------

def ask_all(assistant, questions: Sequence[PublicQuestion]) -> list[Result]:  # noqa: ANN001
    """Every question through ``Assistant.ask``."""
    out = []
    for q in questions:
        a = assistant.ask(q.text)
        text = answer_sentences(a)
        out.append(Result(q, a.abstained, text, bool(text) and holds_fact(text, q.answers),
                          a.confidence))
    return out


@dataclass
class BaselineCandidate:
    """The baseline's answer before its threshold: the top sentences and best cosine."""

    question: PublicQuestion
    best: float | None
    text: str


def baseline_candidates(assistant, questions: Sequence[PublicQuestion],  # noqa: ANN001
                        n_sentences: int = BASELINE_SENTENCES) -> list[BaselineCandidate]:
    """Top passages of ``Assistant.search``; their stored sentences by cosine."""
    from assistant.answer import sentence_vectors

    snap = assistant.snapshot()
    out = []
    for q in questions:
        qv = assistant.encode_query(q.text, snap)
        passages = assistant.search(q.text)
        rows = [r for r in (snap.store.chunk_row(p.chunk_id) for p in passages)
                if r is not None]
        stored = snap.store.chunks(rows)
        seen: set[tuple[str, int, int]] = set()
        texts: list[str] = []
        srows: list[int] = []
        for row in rows:
            sc = stored[row]
            for sent, srow in zip(sc.chunk.sentences, sc.sentence_rows, strict=True):
                key = (sc.chunk.doc_id, sent.start, sent.end)
                if key in seen or len(sent.text.split()) < MIN_WORDS:
                    continue
                seen.add(key)
                texts.append(sent.text)
                srows.append(srow)
        if not srows:
            out.append(BaselineCandidate(q, None, ""))
            continue
        cos = sentence_vectors(snap, srows) @ qv
        top = sorted(range(len(srows)), key=lambda i: -float(cos[i]))[:n_sentences]
        out.append(BaselineCandidate(q, float(cos[top[0]]),
                                     " ".join(texts[i] for i in top)))
    return out


def baseline_threshold(cands: Sequence[BaselineCandidate],
                       max_abstain: float = BASELINE_MAX_ABSTAIN) -> float:
    """The highest threshold abstaining on at most ``max_abstain`` of the tuning half's
    answerable questions."""
    best = sorted(c.best if c.best is not None else -1.0 for c in cands
                  if c.question.kind == "answerable" and c.question.half == "tune")
    return best[int(max_abstain * len(best))]


def baseline_results(cands: Sequence[BaselineCandidate], threshold: float) -> list[Result]:
    out = []
    for c in cands:
        abstained = c.best is None or c.best < threshold
        text = "" if abstained else c.text
        out.append(Result(c.question, abstained, text,
                          bool(text) and holds_fact(text, c.question.answers), c.best))
    return out


def _gate(r: Result, keep: bool) -> Result:
    """``r`` (made with abstention off) as it is when a rule keeps it or abstains."""
    return Result(r.question, not keep, r.text if keep else "", r.held and keep,
                  r.confidence)


def sweep(never: Sequence[Result], thresholds: Sequence[float] = SWEEP,
          half: str = "tune") -> list[tuple[float, Summary, Summary]]:
    """Figures each threshold would give, from answers made with abstention off: on
    ``half``, and (second) on every question, for the off-topic figure over all of them."""
    out = []
    for t in thresholds:
        res = [_gate(r, r.confidence is not None and r.confidence >= t) for r in never]
        out.append((t, summarise([r for r in res if half == "all" or r.question.half == half]),
                    summarise(res)))
    return out


def joint_sweep(never: Sequence[Result], cands: Sequence[BaselineCandidate],
                cosines: Sequence[float] = JOINT_COSINE,
                evidences: Sequence[float] = JOINT_EVIDENCE, half: str = "tune",
                ) -> list[tuple[float, float, Summary, Summary]]:
    """A rule the shipped system could use: abstain when the best sentence's plain cosine
    (the baseline's score, same retrieval) is below one threshold OR the evidence score
    is below another. Figures on ``half`` and on every question."""
    out = []
    for c_min in cosines:
        for e_min in evidences:
            res = [_gate(r, r.confidence is not None and r.confidence >= e_min
                         and c.best is not None and c.best >= c_min)
                   for r, c in zip(never, cands, strict=True)]
            out.append((c_min, e_min,
                        summarise([r for r in res if half == "all" or r.question.half == half]),
                        summarise(res)))
    return out


# -- the whole measurement ------------------------------------------------------------

@dataclass
class Figures:
    """Everything one run measured (see the module docstring)."""

    settings: object
    shipped: dict[str, Summary]
    baseline: dict[str, Summary]
    baseline_threshold: float
    sweep: list[tuple[float, Summary, Summary]]
    joint: list[tuple[float, float, Summary, Summary]]
    shipped_results: list[Result] = field(repr=False, default_factory=list)
    baseline_results: list[Result] = field(repr=False, default_factory=list)
    never_results: list[Result] = field(repr=False, default_factory=list)
    sweep_mismatches: int = 0


def prepare(work: Path = WORK, embedder=None) -> Path:  # noqa: ANN001
    """Write the documents and build a fresh index; return the index folder."""
    embedder = embedder or real_embedder()
    docs = work / "docs"
    write_docs(docs)
    fresh_build(work / "index", embedder, [docs])
    return work / "index"


def measure(
    settings=None,  # noqa: ANN001 - assistant.config.Settings
    *,
    embedder=None,  # noqa: ANN001
    work: Path = WORK,
    index_dir: Path | None = None,
    assistant_factory: Callable | None = None,
    questions: Sequence[PublicQuestion] | None = None,
    thresholds: Sequence[float] = SWEEP,
) -> Figures:
    """Run the benchmark and return its figures.

    Args:
        settings: the settings to measure (default ``Settings()``); their ``index_dir``
            is replaced by this benchmark's index.
        embedder: a loaded embedder (default: the bundled model, loaded here).
        work: folder for the documents and the index.
        index_dir: an index already built by :func:`prepare` (skips the build).
        assistant_factory: ``f(settings, embedder) -> Assistant`` to measure something
            other than ``assistant.service.Assistant``.
        questions: default :func:`load_questions`.
        thresholds: the ``abstain_below`` values of the sweep.
    """
    from assistant.config import Settings
    from assistant.service import Assistant

    embedder = embedder or real_embedder()
    index_dir = index_dir or prepare(work, embedder)
    settings = replace(settings or Settings(), index_dir=index_dir)
    factory = assistant_factory or Assistant
    questions = list(questions or load_questions())

    shipped_asst = factory(settings, embedder)
    if hasattr(shipped_asst, "warm_up"):
        shipped_asst.warm_up()
    shipped = ask_all(shipped_asst, questions)
    never = ask_all(factory(replace(settings, abstain_below=-9.0), embedder), questions)
    cands = baseline_candidates(shipped_asst, questions)
    t = baseline_threshold(cands)
    base = baseline_results(cands, t)
    # At the shipped threshold the sweep must reproduce the shipped run.
    mismatches = sum(
        (s.abstained != (n.confidence is None or n.confidence < settings.abstain_below))
        or (not s.abstained and s.text != n.text)
        for s, n in zip(shipped, never, strict=True))
    return Figures(settings, by_part(shipped), by_part(base), t,
                   sweep(never, thresholds), joint_sweep(never, cands),
                   shipped, base, never, mismatches)


# -- printing -------------------------------------------------------------------------

HEADER = ["system", "part", "answerable", "answered", "held fact / answerable",
          "held fact / answered", "impossible abstained", "off-topic abstained"]


def report(fig: Figures, verbose: bool = False) -> str:
    lines = []
    rows = []
    s = fig.settings
    name = f"shipped (abstain_below {s.abstain_below:g})"
    for label, parts in ((name, fig.shipped),
                         (f"baseline: top {BASELINE_SENTENCES} sentences, cosine >= "
                          f"{fig.baseline_threshold:.3f}", fig.baseline)):
        for part in PARTS:
            rows.append([label, part, *parts[part].row()])
    lines.append(table(HEADER, rows))

    arts = sorted({r.question.article for r in fig.shipped_results if r.question.article})
    rows = []
    for art in arts:
        sh = summarise([r for r in fig.shipped_results if r.question.article == art])
        ba = summarise([r for r in fig.baseline_results if r.question.article == art])
        rows.append([doc_title(art), str(sh.answerable), f"{100 * sh.answered:.1f}%",
                     f"{100 * sh.held_all:.1f}%", f"{100 * ba.answered:.1f}%",
                     f"{100 * ba.held_all:.1f}%"])
    lines += ["", "Per article (all questions):",
              table(["article", "answerable", "shipped answered", "shipped held",
                     "baseline answered", "baseline held"], rows)]

    sweep_header = ["answerable", "answered", "held fact / answerable",
                    "held fact / answered", "impossible abstained",
                    "off-topic abstained", "off-topic abstained (all 30)"]
    pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
    rows = [[f"{t:g}", *sm.row(), pct(every.off_topic_abstained)]
            for t, sm, every in fig.sweep]
    lines += ["", "Sweep of abstain_below for the shipped system, tuning half "
              "(from answers made with abstention off; the last column counts the "
              "off-topic questions of both halves):",
              table(["abstain_below", *sweep_header], rows)]
    rows = [[f"{c:g}", "off" if e < -1 else f"{e:g}", *sm.row(),
             pct(every.off_topic_abstained)] for c, e, sm, every in fig.joint]
    lines += ["", "A joint rule for the shipped system, tuning half: abstain when the best "
              "sentence's plain cosine (the baseline's score) < c OR its evidence < e:",
              table(["c", "e", *sweep_header], rows),
              f"Sweep check: {fig.sweep_mismatches} questions where the shipped run "
              f"differs from the sweep at abstain_below {s.abstain_below:g} (0 expected)."]

    conf = sorted(r.confidence for r in fig.never_results
                  if r.question.kind == "off-topic" and r.confidence is not None)
    if conf:
        lines.append(f"Evidence of off-topic questions: max {conf[-1]:.3f}, median "
                     f"{conf[len(conf) // 2]:.3f}; of answerable questions whose answer "
                     f"holds the fact, median "
                     f"{_median([r.confidence for r in fig.never_results if r.held]):.3f}.")
    if verbose:
        lines += ["", "Held-out answerable questions the shipped system missed:"]
        for r, b in zip(fig.shipped_results, fig.baseline_results, strict=True):
            q = r.question
            if q.half != "held-out" or q.kind != "answerable" or r.held:
                continue
            what = "abstained" if r.abstained else f"answered: {r.text[:160]!r}"
            lines.append(f"  [{q.qid}] {q.text}  gold {q.answers[0]!r}; {what}; "
                         f"baseline {'held' if b.held else 'missed'}")
    return "\n".join(lines)


def _median(values: Sequence[float | None]) -> float:
    vals = sorted(v for v in values if v is not None)
    return vals[len(vals) // 2] if vals else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also list every held-out answerable question the shipped "
                         "system missed")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    questions = load_questions()
    kinds = {k: sum(q.kind == k for q in questions)
             for k in ("answerable", "impossible", "off-topic")}
    arts = load_articles()
    print(f"{len(arts)} SQuAD training-split articles "
          f"({', '.join(doc_title(a['title']) for a in arts)}): {kinds['answerable']} "
          f"answerable and {kinds['impossible']} unanswerable questions; "
          f"{kinds['off-topic']} off-topic questions of our own. Tuning half = odd "
          f"question numbers in file order, held-out = even.\n")
    fig = measure(work=args.work)
    print(report(fig, args.verbose))
    print(f"\n{time.perf_counter() - t0:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
