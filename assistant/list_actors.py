"""Whom a sentence of a list answer tells to act (``for_actors``).

Used by ``assistant.lists`` for questions about an actor ("What should commissioners
do?"); word rules from ``assistant.points`` over the sentence, its headings and the names
its document gives to organisations.
"""

from __future__ import annotations

import re
import weakref

from assistant.points import (
    able_actors,
    addressed_to,
    addresses_reader,
    is_directive,
    mentions_actor,
    organisation_actors,
    recommends_passively,
    subject_before_directive,
)
from assistant.shapes import ACTORS
from index.reader import IndexSnapshot
from index.store import StoredChunk

_ORG_ACTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _organisations(snap: IndexSnapshot, doc_id: str) -> dict[str, str]:
    """The organisations a document says are one of the actors (once per snapshot)."""
    per_snap = _ORG_ACTORS.setdefault(snap, {})
    if doc_id not in per_snap:
        rows = snap.store.doc_chunk_rows(doc_id)
        chunks = sorted(snap.store.chunks(rows).values(), key=lambda c: c.chunk.ordinal)
        per_snap[doc_id] = organisation_actors(" ".join(c.chunk.text for c in chunks))
    return per_snap[doc_id]


def names_all(words: list[str], text: str) -> bool:
    """Whether ``text`` holds each of ``words`` (a plural's singular counts)."""
    low = text.lower()
    return all(re.search(rf"\b{re.escape(w[:-1] if len(w) > 3 and w.endswith('s') else w)}",
                         low) for w in words)


def for_actors(snap: IndexSnapshot, sc: StoredChunk, index: int,
               actors: tuple[str, ...], ways: bool = False) -> bool:
    """Whether the sentence tells one of ``actors`` to act.

    Its addressee decides: the one its modal verb or recommendation names ("Commissioners
    should...", "We recommend that the council..."), also by an organisation's name the
    document says is such an actor ("Lanterns should..." where Lanterns is "a public
    service mutual"). An instruction naming no one ("Agree a ...", "Do not ask ...")
    is for the reader of guidance for mutuals, or for the actor its heading names
    ("Advice for commissioners"). With ``ways`` (the question asks how an actor can do
    something), a sentence saying what the actor can do is for it too ("A mutual can
    avoid lock-in by ..."). A sentence that tells no one to act (a lesson, an
    example, a risk) is not for an actor, whatever its heading.
    """
    text = sc.chunk.sentences[index].text
    named = addressed_to(text)
    if named:
        return bool(set(named) & set(actors))
    if not is_directive(text):
        able = able_actors(text) if ways else ()
        return bool(set(able) & set(actors))
    subject = subject_before_directive(text)
    if subject:
        for name, actor in _organisations(snap, sc.chunk.doc_id).items():
            first = name.split()[0]
            if re.search(rf"\b(?:{re.escape(name)}|{re.escape(first)})\b", subject):
                return actor in actors
    # An instruction under a heading naming an actor ("Advice for commissioners") is for
    # that actor; elsewhere guidance for mutuals speaks to its reader ("Agree a ...").
    section = snap.documents_by_id[sc.chunk.doc_id].section_at(sc.chunk.sentences[index].start)
    for heading in reversed(section):
        named_there = [a for a in ACTORS if mentions_actor(heading, a)]
        if named_there:
            return bool(set(named_there) & set(actors))
    return "mutuals" in actors and (addresses_reader(text) or recommends_passively(text))
