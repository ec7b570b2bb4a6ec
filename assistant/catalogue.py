"""Questions about a document itself, answered from its catalogue record.

"Who published the report?", "When was it published?", "Under what licence?": the
answer is the document's manifest entry (publisher, published date, licence, URL), shown
as a labelled record, never dressed up as a quoted sentence of the text.
"""

from __future__ import annotations

from assistant.records import Answer, CatalogueRecord, Passage
from index.bm25 import tokenize
from index.reader import IndexSnapshot
from index.store import DocumentRow

_GENERIC = set(tokenize("the a an this that report guidance guide document publication page "
                        "paper review who what when where which published publish publisher "
                        "wrote written licence license under is was were did do does it its "
                        "of for on in by and to"))


def record_of(doc: DocumentRow) -> CatalogueRecord:
    return CatalogueRecord(doc_id=doc.doc_id, title=doc.title, publisher=doc.publisher,
                           published=doc.published, licence=doc.licence, url=doc.url,
                           source=doc.source)


def pick_document(snap: IndexSnapshot, question: str,
                  passages: list[Passage]) -> DocumentRow | None:
    """The document a question about "the report" means.

    The one whose title shares most of the question's own words; ties (or no words in
    common) go to the document of the best-ranked passage, then to the only document.
    """
    docs = snap.documents_by_id
    if not docs:
        return None
    words = set(tokenize(question)) - _GENERIC
    rank = {}
    for p in passages:
        rank.setdefault(p.doc_id, p.rank)

    def key(d: DocumentRow) -> tuple[int, int, str]:
        overlap = len(words & set(tokenize(d.title))) if words else 0
        return (-overlap, rank.get(d.doc_id, 10**9), d.title)

    # Only documents with a catalogue entry can answer; the best of those.
    with_record = [d for d in docs.values()
                   if d.publisher or d.published or d.licence or d.url]
    if not with_record:
        return None
    best = min(with_record, key=key)
    if key(best)[0] == 0 and best.doc_id not in rank and len(docs) > 1:
        return None
    return best


def record_answer(snap: IndexSnapshot, question: str, passages: list[Passage],
                  answer: Answer | None = None) -> Answer | None:
    """The catalogue-record answer, or None when no document fits or its record is empty."""
    doc = pick_document(snap, question, passages)
    if doc is None:
        return None
    rec = record_of(doc)
    if not (rec.publisher or rec.published or rec.licence or rec.url):
        return None
    out = answer or Answer(question=question, passages=passages)
    out.shape = "record"
    out.records = [rec]
    out.abstained = False
    out.reason = ""
    out.sentences = []
    out.citations = []
    return out
