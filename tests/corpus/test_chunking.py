from corpus.chunking import ChunkingParams, chunk_document, estimate_tokens, split_sentences
from corpus.records import Document, Heading, Page


def _doc(pages: list[str], headings: list[Heading] | None = None) -> Document:
    return Document(
        doc_id="d", title="T", source="s",
        pages=[Page(i + 1, t) for i, t in enumerate(pages)], headings=headings or [],
    )


def test_sentences_respect_abbreviations_and_bullets():
    text = "Mutuals grow, e.g. by partnering. Dr. Jones agrees.\n\n• first point\n• second point"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["Mutuals grow, e.g. by partnering.", "Dr. Jones agrees.",
                   "first point", "second point"]


def test_sentence_cut_by_page_break_is_rejoined():
    doc = _doc(["Partnerships help mutuals reach", "new markets quickly. Next one."])
    chunks = chunk_document(doc)
    sents = [s.text for c in chunks for s in c.sentences]
    assert sents[0].startswith("Partnerships help") and sents[0].endswith("quickly.")
    assert chunks[0].page_start == 1 and chunks[0].page_end == 2


def _long_doc() -> Document:
    body = " ".join(
        f"Sentence number {i} talks about partnership benefit {i}." for i in range(120)
    )
    intro = "Intro\n\nA short opening paragraph about mutuals and why they matter a great deal."
    text2 = "Challenges\n\n" + " ".join(
        f"Challenge {i} is described here at some length." for i in range(60)
    )
    page1 = intro + "\n\nBenefits\n\n" + body
    headings = [Heading(1, "Intro", 0), Heading(1, "Benefits", page1.index("Benefits"))]
    pages = [page1, text2]
    doc = _doc(pages, headings)
    doc.headings.append(Heading(1, "Challenges", len(page1) + 2))
    return doc


def test_chunk_invariants():
    doc = _long_doc()
    params = ChunkingParams(max_tokens=120, overlap_tokens=20)
    chunks = chunk_document(doc, params)
    text = doc.text
    assert len(chunks) > 5
    for c in chunks:
        assert c.text == text[c.start : c.end]  # verbatim slice of the clean text
        assert estimate_tokens(c.text) <= params.max_tokens
        assert c.doc_id == "d"
        for s in c.sentences:
            assert s.text == text[s.start : s.end]
            assert c.start <= s.start < s.end <= c.end
    # Every sentence of the document lands in some chunk.
    covered = {(s.start, s.end) for c in chunks for s in c.sentences}
    assert {(s, e) for s, e in split_sentences(text)} <= covered
    # Never across sections: every chunk has one section path and its text stays inside it.
    challenge_chunks = [c for c in chunks if c.section == ["Challenges"]]
    assert challenge_chunks and all("partnership benefit" not in c.text for c in challenge_chunks)
    assert all(c.page_start == 2 for c in challenge_chunks)


def test_consecutive_chunks_overlap_by_a_sentence():
    doc = _long_doc()
    chunks = [c for c in chunk_document(doc, ChunkingParams(max_tokens=120, overlap_tokens=20))
              if c.section == ["Benefits"]]
    assert len(chunks) >= 3
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert b.start < a.end  # overlap
        assert b.sentences[0] in a.sentences and a.sentences[-1] in b.sentences


def test_tiny_section_merges_forward_but_keeps_chunks_in_one_document():
    doc = _long_doc()
    first = chunk_document(doc)[0]
    assert "A short opening paragraph" in first.text
    assert first.chunk_id == "d:0"


def test_heading_lines_are_never_glued_to_the_sentence_after_them():
    page = ("2. Governance of joint ventures\nA joint venture board should include staff. "
            "The lead partner chairs the board.\n\n3. Financial risk\nKeep a reserve.")
    headings = [Heading(1, "2. Governance of joint ventures", 0),
                Heading(1, "3. Financial risk", page.index("3. Financial"))]
    chunks = chunk_document(_doc([page], headings))
    sents = [s.text for c in chunks for s in c.sentences]
    assert "A joint venture board should include staff." in sents
    assert "The lead partner chairs the board." in sents
    assert "Keep a reserve." in sents
    assert not any("\n" in s for s in sents)


def test_numbered_lines_do_not_end_a_sentence():
    text = "Intro text here.\n2. Governance matters a lot. Next sentence."
    got = [text[s:e] for s, e in split_sentences(text)]
    assert "2. Governance matters a lot." in got
