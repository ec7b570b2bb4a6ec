"""Where a document states the points of an aspect: its sections and named lists.

* ``aspect_sections``: the sections whose heading names the aspect ("2 Benefits of
  partnership", "4 Recommendations (continued)", "Barriers to partnering"), a
  "(continued)" heading of the same title continuing its section;
* ``cue_sections``: for risks, the sections under a heading naming no aspect most of
  whose sentences say what might happen ("7. Looking ahead");
* ``listed_points``: the bulleted lists a sentence next to them names as points of the
  aspect ("These advantages are much needed..." after a list).

Used by ``assistant.lists``; word rules only, over a document's headings and sentences.
"""

from __future__ import annotations

import re
import weakref

from assistant.points import is_topic_naming, mentions_actor, states_possibility
from assistant.shapes import ASPECTS
from index.reader import IndexSnapshot
from index.store import DocumentRow

_CONTINUED = re.compile(r"\(?\bcont(?:inued|'d|d)?\b\.?\)?", re.IGNORECASE)
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.|[ivxIVX]+\.)\s+")
_SECTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _heading_key(title: str) -> str:
    return " ".join(_CONTINUED.sub(" ", _NUMBERING.sub("", title)).lower().split())


def _stems_match(text: str, stems: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(re.search(rf"\b{re.escape(s)}", low) for s in stems)


_HEADING_STEMS = {a: tuple(s for s in stems if s not in ("should", "way", "getting"))
                  for a, stems in ASPECTS.items()}
_HEADING_STEMS["steps"] += ("ways to", "ways of", "what to do", "how to")


def aspect_sections(doc: DocumentRow, aspect: str | None, actors: tuple[str, ...] = (),
                    word: str | None = None) -> list[tuple[int, int, list[str]]]:
    """(start, end, heading path) of the sections of ``doc`` whose heading names ``aspect``.

    A section runs to the next heading of the same or a higher level, except that a
    "(continued)" heading of the same title continues it. A heading naming one of
    ``actors`` under a recommendations aspect counts too ("For commissioners").
    """
    if aspect is None:
        return []
    heads = sorted(doc.headings, key=lambda h: h.offset)
    title = doc.title.strip().lower()
    out: list[tuple[int, int, list[str]]] = []
    i = 0
    while i < len(heads):
        h = heads[i]
        if h.title.strip().lower() == title and h.level <= 1:
            i += 1
            continue
        stems = (word,) if word else _HEADING_STEMS[aspect]
        names = _stems_match(h.title, stems) or (
            aspect in ("recommendations", "steps") and actors
            and any(mentions_actor(h.title, a) for a in actors))
        if not names:
            i += 1
            continue
        key = _heading_key(h.title)
        j = i + 1
        while j < len(heads) and (heads[j].level > h.level
                                  or _heading_key(heads[j].title) == key):
            j += 1
        end = heads[j].offset if j < len(heads) else 1 << 60
        if h.end is not None:  # a table's caption covers its rows only
            end = min(end, h.end)
        out.append((h.offset, end, [h.title]))
        i = j
    return out


#: Aspects whose points a section states without its heading naming them, when most of
#: its sentences say what might happen: a section "Looking ahead" of "Renewal is not
#: guaranteed: ... may tender ...", "If Northfield Police withdraw, ... would lose ...".
_CONTENT_ASPECTS = ("benefits", "challenges", "risks", "recommendations", "lessons")


def cue_sections(doc: DocumentRow, sentences: list[tuple[int, str, bool]], aspect: str | None,
                 min_share: float = 0.5) -> list[tuple[int, int, list[str]]]:
    """(start, end, heading path) of the sections of ``doc`` that state points of
    ``aspect`` under a heading naming no aspect: at least two of their sentences, and
    ``min_share`` of them, state such a point by their words (``states_possibility``).
    Only for risks, whose points say what might happen; a heading naming another aspect
    ("Opportunities", "Barriers") keeps its section for that aspect."""
    if aspect != "risks":
        return []
    heads = sorted(doc.headings, key=lambda h: h.offset)
    title = doc.title.strip().lower()
    out: list[tuple[int, int, list[str]]] = []
    for k, h in enumerate(heads):
        if (h.title.strip().lower() == title and h.level <= 1) or h.end is not None:
            continue
        if any(_stems_match(h.title, _HEADING_STEMS[a]) for a in _CONTENT_ASPECTS):
            continue
        end = next((x.offset for x in heads[k + 1:] if x.level <= h.level), 1 << 60)
        inner = next((x.offset for x in heads[k + 1:]), end)
        if inner < end:
            continue  # a section with sub-sections: its parts are judged on their own
        texts = [t for st, t, _ in sentences if h.offset < st < end
                 and len(t.split()) >= 5 and not is_topic_naming(t)]
        said = sum(states_possibility(t) for t in texts)
        if said >= 2 and said >= min_share * len(texts):
            out.append((h.offset, end, [h.title]))
    return out


def cached_sections(snap: IndexSnapshot, doc: DocumentRow, aspect: str | None,
                     actors: tuple[str, ...], word: str | None = None,
                     ) -> list[tuple[int, int, list[str]]]:
    per_snap = _SECTIONS.setdefault(snap, {})
    key = (doc.doc_id, aspect, actors, word)
    if key not in per_snap:
        per_snap[key] = aspect_sections(doc, aspect, actors, word)
    return per_snap[key]


_DOC_SENTENCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BULLET = re.compile(r"\s*(?:[•▪◦●■‣*\-–]|\d{1,2}[.)])\s*")


def doc_sentences(snap: IndexSnapshot, doc_id: str) -> list[tuple[int, str, bool]]:
    """(start, text, is a list item) of every sentence of a document, in order (once per
    snapshot)."""
    per_snap = _DOC_SENTENCES.setdefault(snap, {})
    if doc_id not in per_snap:
        rows = snap.store.doc_chunk_rows(doc_id)
        out: dict[int, tuple[int, str, bool]] = {}
        for sc in snap.store.chunks(rows).values():
            c = sc.chunk
            for sent in c.sentences:
                pos = sent.start - c.start
                line = c.text[c.text.rfind("\n", 0, pos) + 1: pos]
                out.setdefault(sent.start, (sent.start, sent.text,
                                            pos > 0 and bool(_BULLET.fullmatch(line))))
        per_snap[doc_id] = sorted(out.values())
    return per_snap[doc_id]


def listed_points(sentences: list[tuple[int, str, bool]], aspect: str | None,
                  ) -> list[tuple[int, int, str]]:
    """(start, end, the naming sentence) of the bulleted lists that a sentence next to
    them names as points of ``aspect``: "These advantages are much needed..." right after
    a list of advantages, "Follow these steps." right before a list of steps. Such a list
    is an aspect section with no heading of its own."""
    if aspect is None:
        return []
    stems = "|".join(re.escape(s) for s in ASPECTS[aspect] if " " not in s and len(s) > 3)
    naming = re.compile(rf"\b(?:these|those|such|the following|the above)\s+(?:[\w-]+\s+)?"
                        rf"(?:{stems})", re.IGNORECASE)
    out = []
    for k, (_, text, bullet) in enumerate(sentences):
        if bullet or not naming.search(text):
            continue
        run: list[int] = []
        j = k - 1
        while j >= 0 and sentences[j][2]:  # the list just before it ...
            run.insert(0, j)
            j -= 1
        if not run:  # ... else the list just after it
            j = k + 1
            while j < len(sentences) and sentences[j][2]:
                run.append(j)
                j += 1
        if run:
            end = (sentences[run[-1] + 1][0] if run[-1] + 1 < len(sentences)
                   else sentences[run[-1]][0] + len(sentences[run[-1]][1]))
            out.append((sentences[run[0]][0], end, text))
    return out
