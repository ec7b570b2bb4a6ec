"""``assistant eval FILE``: a team's own gold questions, scored against the current index.

A gold file lists questions with the source that answers them (file name, document id,
title or URL), optionally the page (number or printed label) and the evidence (a
verbatim passage), or marks them unanswerable. YAML::

    questions:
      - question: How often does the steering group meet?
        source: riverside-review.pdf
        page: 6
        evidence: Each partnership is overseen by a joint steering group that meets every quarter.
      - question: Who is the chief executive?
        unanswerable: true

In YAML, ``page`` and ``evidence`` may also be lists, when any of several pages or
passages answers. Or CSV with the columns ``question,source,page,evidence`` (``source``
may be the word ``unanswerable``; several pages separated by ``;``). Metrics, per
question and overall:

* **Recall@5** (answerable questions): one of the top five passages is gold, i.e. from
  the expected source and covering the expected page (for unpaged sources with
  evidence: containing a sentence of the evidence).
* **citation precision**: cited passages that are gold.
* **answer support**: answer sentences that come from the evidence (or, without
  evidence, from a gold passage). A list answer's sentences are its bullets (each one
  sentence), so for a list question, list every point in ``evidence``.
* **answered** (answerable questions answered) and **false answers** (unanswerable
  questions answered instead of abstained).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from assistant.metrics import mean
from assistant.records import Answer, Passage


class GoldFileError(ValueError):
    """A gold-question file that cannot be used; the message says where and why."""


@dataclass
class GoldQuestion:
    """One gold question; ``source`` is None for an unanswerable question."""

    question: str
    source: str | None = None
    pages: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.source is not None


# -- reading gold files ---------------------------------------------------------------

_UNANSWERABLE = {"unanswerable", "none", "n/a", "-"}


def _item(raw: dict, where: str) -> GoldQuestion:
    if not isinstance(raw, dict):
        raise GoldFileError(f"{where}: expected a mapping with a 'question' key")
    raw = {str(k).strip().lower(): v for k, v in raw.items()}
    unknown = set(raw) - {"question", "source", "page", "evidence", "unanswerable", "id"}
    if unknown:
        raise GoldFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    question = " ".join(str(raw.get("question") or "").split())
    if not question:
        raise GoldFileError(f"{where}: the question is empty")
    source = raw.get("source")
    source = str(source).strip() if source not in (None, "") else None
    flag = raw.get("unanswerable")
    unanswerable = (flag is True or str(flag).strip().lower() in ("true", "yes", "1")
                    or (source or "").lower() in _UNANSWERABLE)
    if unanswerable:
        return GoldQuestion(question)
    if source is None:
        raise GoldFileError(f"{where}: give a source, or mark the question unanswerable")
    return GoldQuestion(question, source, _strings(raw.get("page"), split=";"),
                        _strings(raw.get("evidence")))


def _strings(value: object, split: str | None = None) -> tuple[str, ...]:
    """One value or a list of values as a tuple of whitespace-normalised strings."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        parts = str(item).split(split) if split else [str(item)]
        out += [" ".join(p.split()) for p in parts if p.strip()]
    return tuple(out)


def parse_gold(text: str, fmt: str) -> list[GoldQuestion]:
    """Gold questions from the text of a YAML (``fmt="yaml"``) or CSV (``"csv"``) file."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "question" not in [f.strip().lower()
                                                       for f in reader.fieldnames]:
            raise GoldFileError("CSV needs a header row with at least a 'question' column")
        items = [_item({k: v for k, v in row.items() if k is not None}, f"row {i}")
                 for i, row in enumerate(reader, start=2)]
    elif fmt == "yaml":
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise GoldFileError(f"not valid YAML: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("questions")
        if not isinstance(data, list):
            raise GoldFileError("YAML needs a list of questions (or a 'questions:' list)")
        items = [_item(raw, f"question {i}") for i, raw in enumerate(data, start=1)]
    else:
        raise GoldFileError(f"unknown format {fmt!r} (yaml or csv)")
    if not items:
        raise GoldFileError("the file has no questions")
    return items


def load_gold(path: str | Path) -> list[GoldQuestion]:
    """Read a gold file; the format follows the suffix (.csv, else YAML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"cannot read {path}: {exc}") from exc
    return parse_gold(text, "csv" if path.suffix.lower() == ".csv" else "yaml")


# -- matching -------------------------------------------------------------------------

def norm(text: str) -> str:
    """Lower-case, curly quotes straightened, whitespace collapsed: for text comparison."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def source_matches(expected: str, doc_id: str, title: str, source: str,
                   url: str | None) -> bool:
    """Does ``expected`` name this document (id, title, file name or stem, path or URL)?"""
    e = expected.strip().lower()
    name = Path(source).name.lower()
    names = {doc_id.lower(), norm(title), name, Path(name).stem, source.lower()}
    if url:
        names.add(url.lower().rstrip("/"))
    return e in names or e.rstrip("/") in names or source.lower().endswith("/" + e)


def page_matches(expected: str | None, first: int, last: int, paged: bool,
                 labels: Sequence[str] = ()) -> bool:
    """Is the expected page (number or printed label) within pages ``first``..``last``?"""
    if expected is None or not paged:
        return True
    exp = expected.strip().lower().removeprefix("p.").strip()
    for n in range(first, last + 1):
        if exp == str(n):
            return True
        if 0 < n <= len(labels) and labels[n - 1] and exp == str(labels[n - 1]).lower():
            return True
    return False


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?:;])\s+")


def evidence_sentences(evidence: str) -> list[str]:
    """The evidence's sentences of at least four words, normalised."""
    return [norm(s) for s in _SENTENCE_SPLIT.split(evidence) if len(s.split()) >= 4]


def text_has_evidence(text: str, evidence: str) -> bool:
    """Does ``text`` contain (a sentence of) the evidence?"""
    t = norm(text)
    sentences = evidence_sentences(evidence) or [norm(evidence)]
    return any(s in t for s in sentences)


def sentence_supported(sentence: str, evidence: str) -> bool:
    """Is the answer sentence part of the evidence (or the evidence part of it)?"""
    s, e = norm(sentence), norm(evidence)
    return bool(s) and (s in e or e in s)


@dataclass
class Labels:
    """Printed page labels per document id (from the index), for page matching."""

    by_doc: dict[str, list[str]] = field(default_factory=dict)


def passage_is_gold(g: GoldQuestion, p: Passage, labels: Labels) -> bool:
    """Is this retrieved passage a gold passage for ``g``?"""
    if g.source is None or not source_matches(g.source, p.doc_id, p.title, p.source, p.url):
        return False
    if p.paged and g.pages:
        doc_labels = labels.by_doc.get(p.doc_id, ())
        return any(page_matches(page, p.page_start, p.page_end, True, doc_labels)
                   for page in g.pages)
    if g.evidence:
        return any(text_has_evidence(p.text, e) for e in g.evidence)
    return True


# -- scoring --------------------------------------------------------------------------

@dataclass
class QuestionResult:
    """How one gold question fared."""

    question: str
    answerable: bool
    answered: bool
    gold_rank: int | None = None  # rank of the first gold passage in the top 5
    citations: int = 0
    gold_citations: int = 0
    sentences: int = 0
    supported_sentences: int = 0
    confidence: float | None = None
    answer: str = ""
    record: bool | None = None
    """A catalogue-record answer: whether its document is the gold source (None: not one)."""
    shape: str = "fact"
    """The answer's shape: "list" (its sentences are bullets), "fact" or "record"."""

    @property
    def verdict(self) -> str:
        if not self.answerable:
            return "ok: abstained" if not self.answered else "FALSE ANSWER"
        if not self.answered:
            return "MISSED: abstained"
        if self.record is not None:
            return "ok: catalogue record" if self.record else "WRONG DOCUMENT (record)"
        if self.sentences and self.supported_sentences == self.sentences:
            return "ok"
        if self.gold_citations:
            return "partly supported"
        return "WRONG PASSAGE"

    def as_json(self) -> dict:
        out = asdict(self)
        out["verdict"] = self.verdict
        return out


def score_answer(g: GoldQuestion, answer: Answer, labels: Labels, k: int = 5) -> QuestionResult:
    """Compare one answer with its gold question."""
    r = QuestionResult(question=g.question, answerable=g.answerable,
                       answered=not answer.abstained, confidence=answer.confidence,
                       answer=answer.text, shape=answer.shape)
    if not g.answerable:
        return r
    for p in answer.passages[:k]:
        if passage_is_gold(g, p, labels):
            r.gold_rank = p.rank
            break
    if answer.abstained:
        return r
    if answer.shape == "record":  # answered from a manifest, not from a sentence
        want = (g.source or "").strip().lower()
        r.record = any(want and want in {x.lower() for x in (
            rec.doc_id, rec.title, rec.url or "", rec.source, Path(rec.source).name) if x}
            or want in rec.doc_id.lower() for rec in answer.records)
        return r
    by_chunk = {p.chunk_id: p for p in answer.passages}
    gold_cites: set[int] = set()
    for c in answer.citations:
        p = by_chunk.get(c.chunk_id)
        if p is not None:
            cited = replace(p, page_start=c.page_start, page_end=c.page_end)
            if passage_is_gold(g, cited, labels):
                gold_cites.add(c.n)
    r.citations = len(answer.citations)
    r.gold_citations = len(gold_cites)
    r.sentences = len(answer.sentences)
    for s in answer.sentences:
        if g.evidence:
            ok = any(sentence_supported(s.text, e) for e in g.evidence)
        else:
            ok = s.citation in gold_cites
        r.supported_sentences += int(ok)
    return r


@dataclass
class Summary:
    """Overall figures for a list of question results."""

    answerable: int
    unanswerable: int
    recall_at_5: float
    citation_precision: float
    answer_support: float
    answered_rate: float
    abstained_rate: float
    false_answer_rate: float

    def as_json(self) -> dict:
        return asdict(self)


def summarise(results: Iterable[QuestionResult]) -> Summary:
    """Micro-averaged citation precision and support; rates over questions."""
    results = list(results)
    ans = [r for r in results if r.answerable]
    una = [r for r in results if not r.answerable]
    answered = [r for r in ans if r.answered]
    cites = sum(r.citations for r in answered)
    sents = sum(r.sentences for r in answered)
    false = mean([float(r.answered) for r in una])
    return Summary(
        answerable=len(ans),
        unanswerable=len(una),
        recall_at_5=mean([float(r.gold_rank is not None) for r in ans]),
        citation_precision=(sum(r.gold_citations for r in answered) / cites
                            if cites else float("nan")),
        answer_support=(sum(r.supported_sentences for r in answered) / sents
                        if sents else float("nan")),
        answered_rate=mean([float(r.answered) for r in ans]),
        abstained_rate=1 - false if una else float("nan"),
        false_answer_rate=false,
    )


def page_labels(assistant) -> Labels:  # noqa: ANN001 - assistant.service.Assistant
    """Printed page labels of every indexed document."""
    return Labels({d.doc_id: [d.page_label(n) for n in range(1, d.pages + 1)]
                   for d in assistant.sources()})


def evaluate(assistant, gold: Sequence[GoldQuestion], progress=None,  # noqa: ANN001
             ) -> list[QuestionResult]:
    """Ask every gold question of ``assistant`` and score the answers."""
    labels = page_labels(assistant)
    results = []
    for i, g in enumerate(gold):
        results.append(score_answer(g, assistant.ask(g.question), labels))
        if progress is not None:
            progress(i + 1, len(gold))
    return results


def calibrate_threshold(confidences: Sequence[float], answerable: Sequence[bool],
                        ) -> tuple[float, float]:
    """(threshold, balanced accuracy) for "answer when confidence >= threshold".

    Candidate thresholds lie midway between neighbouring observed confidences (and just
    outside both ends); the one maximising balanced accuracy (mean of the answered rate
    of answerable and the abstained rate of unanswerable questions) wins, and among
    equally good ones the median (the upper one of an even number).
    """
    values = sorted(set(confidences))
    if not values:
        raise ValueError("no confidences to calibrate on")
    cands = [values[0] - 1e-6]
    cands += [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    cands.append(values[-1] + 1e-6)
    pos = [c for c, a in zip(confidences, answerable, strict=True) if a]
    neg = [c for c, a in zip(confidences, answerable, strict=True) if not a]

    def bacc(t: float) -> float:
        tpr = sum(c >= t for c in pos) / len(pos) if pos else 1.0
        tnr = sum(c < t for c in neg) / len(neg) if neg else 1.0
        return (tpr + tnr) / 2

    scored = [(bacc(t), t) for t in cands]
    best = max(s for s, _ in scored)
    ties = [t for s, t in scored if s == best]
    return ties[len(ties) // 2], best


# -- printing -------------------------------------------------------------------------

def _pct(x: float) -> str:
    return "n/a" if x != x else f"{100 * x:.0f}%"


def format_report(results: Sequence[QuestionResult], summary: Summary) -> str:
    """Per-question lines, then the overall figures, as plain text."""
    lines = []
    for i, r in enumerate(results, start=1):
        where = ("unanswerable" if not r.answerable else
                 f"gold passage at rank {r.gold_rank}" if r.gold_rank else "gold not in top 5")
        extra = ""
        if r.answerable and r.answered and r.record is not None:
            extra = "; catalogue record" + ("" if r.record else " of another document")
        elif r.answerable and r.answered:
            unit = "bullets" if r.shape == "list" else "sentences"
            extra = (f"; citations {r.gold_citations}/{r.citations} gold"
                     f"; {unit} {r.supported_sentences}/{r.sentences} supported")
        lines.append(f"{i:3d}. [{r.verdict}] {r.question}")
        lines.append(f"     {where}{extra}")
    s = summary
    lines += [
        "",
        f"Questions: {s.answerable} answerable, {s.unanswerable} unanswerable",
        f"Recall@5 (gold passage in top 5):  {_pct(s.recall_at_5)}",
        f"Citation precision:                {_pct(s.citation_precision)}",
        f"Answer support:                    {_pct(s.answer_support)}",
        f"Answerable questions answered:     {_pct(s.answered_rate)}",
        f"Unanswerable questions abstained:  {_pct(s.abstained_rate)}",
        f"False-answer rate (unanswerable):  {_pct(s.false_answer_rate)}",
    ]
    return "\n".join(lines)


#: Fewest answerable and unanswerable questions each for a threshold worth trusting.
MIN_CALIBRATION = 10


def cli_eval(assistant, gold: Sequence[GoldQuestion], *, as_json: bool = False,  # noqa: ANN001
             calibrate: bool = False) -> int:
    """``assistant eval FILE``: print per-question results and the overall figures.

    With ``calibrate``, the questions are first answered without abstaining, the
    abstention threshold that maximises balanced accuracy on this file is found, and the
    figures are those at that threshold (in-sample: keep some questions back to check).
    """
    import json
    import sys

    suggestion = None
    if calibrate:
        if all(g.answerable for g in gold) or not any(g.answerable for g in gold):
            print("error: --calibrate needs both answerable and unanswerable questions",
                  file=sys.stderr)
            return 2
        from assistant.service import Assistant

        def with_threshold(t: float):  # noqa: ANN202
            return Assistant(replace(assistant.settings, abstain_below=t), assistant.embedder)

        never = evaluate(with_threshold(float("-inf")), gold)
        conf = [r.confidence if r.confidence is not None else float("-inf") for r in never]
        threshold, bacc = calibrate_threshold(conf, [g.answerable for g in gold])
        n_ans = sum(g.answerable for g in gold)
        n_unans = len(gold) - n_ans
        suggestion = {"abstain_below": round(threshold, 3), "balanced_accuracy": bacc,
                      "current": assistant.settings.abstain_below,
                      "answerable": n_ans, "unanswerable": n_unans,
                      "enough": min(n_ans, n_unans) >= MIN_CALIBRATION}
        assistant = with_threshold(round(threshold, 3))
    results = evaluate(assistant, gold)
    summary = summarise(results)
    if as_json:
        out = {"questions": [r.as_json() for r in results], "summary": summary.as_json()}
        if suggestion:
            out["calibration"] = suggestion
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(format_report(results, summary))
    if suggestion:
        from assistant.config import default_config_path

        config = os.environ.get("ASSISTANT_CONFIG") or str(default_config_path())
        print(f"\nCalibrated on this file ({suggestion['answerable']} answerable and "
              f"{suggestion['unanswerable']} unanswerable questions): abstain_below = "
              f"{suggestion['abstain_below']} (now {suggestion['current']}; balanced accuracy "
              f"{bacc:.2f}). The figures above use it, measured on the same questions.")
        if not suggestion["enough"]:
            print(f"Warning: fewer than {MIN_CALIBRATION} questions of each kind; a threshold "
                  f"chosen on so few is unreliable. Add more before changing it.")
        print(f"To keep it, set `abstain_below = {suggestion['abstain_below']}` in {config} "
              f"(or ASSISTANT_ABSTAIN_BELOW).")
    return 0
