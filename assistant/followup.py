"""Follow-up questions: a short or referring question resolved against the previous one.

``resolve(question, previous)`` returns the question to answer instead, or None when
``question`` is not a follow-up (it is then answered as asked). It is pure, deterministic
and conservative: only these shapes are rewritten, and only when the previous question
has exactly one thing the follow-up can replace or refer to.

- ``And the risks?`` / ``What about the challenges?`` / ``How about barriers?``: an
  *aspect* (benefits, risks, recommendations, ...) replaces the previous question's aspect:
  "What are the benefits of partnerships for mutuals?" -> "What are the risks of
  partnerships for mutuals?".
- ``What about commissioners?`` / ``And for government?`` / ``Same for councils?``: an
  *actor* (or a name: "What about Northgate?") replaces who the previous question was
  about: "... for mutuals?" -> "... for commissioners?"; ``What about procurement?``
  replaces its topic ("the benefits of partnerships" -> "the benefits of procurement").
- ``Why?`` / ``How?`` / ``When?`` / ``Where?``: the same question asked another way:
  "Do mutuals need to partner?" -> "Why do mutuals need to partner?", "What are the
  benefits of partnerships for mutuals?" -> "Why are partnerships beneficial for mutuals?".
- Pronouns near the start (``Who wrote it?``, ``What do they recommend?``, ``What does it
  say about procurement?``): "it" is the one document (or name) of the previous question,
  "they" its one group of people: "Who wrote the governance note?".

A self-contained question is never rewritten: anything longer than a short noun phrase
after "And"/"What about", any clause (a verb, a question word, "that"), "this"/"that"
(which point at the answer, not the question), an impersonal "it" ("Is it true that ..."),
or a previous question with two candidates leaves the question as it is.
"""

from __future__ import annotations

import re

# -- vocabulary --------------------------------------------------------------------------
_POSITIVE = {"benefits": "benefit", "advantages": "advantage", "strengths": "strength",
             "opportunities": "opportunity", "gains": "gain", "upsides": "upside"}
_NEGATIVE = {"challenges": "challenge", "barriers": "barrier", "risks": "risk",
             "problems": "problem", "difficulties": "difficulty", "obstacles": "obstacle",
             "issues": "issue", "disadvantages": "disadvantage", "drawbacks": "drawback",
             "weaknesses": "weakness", "threats": "threat", "costs": "cost",
             "pitfalls": "pitfall", "limitations": "limitation", "downsides": "downside",
             "concerns": "concern"}
_GUIDANCE = {"recommendations": "recommendation", "lessons": "lesson", "steps": "step",
             "ways": "way", "actions": "action", "options": "option",
             "priorities": "priority", "principles": "principle", "tips": "tip",
             "requirements": "requirement", "examples": "example", "findings": "finding",
             "outcomes": "outcome", "suggestions": "suggestion"}
#: plural -> singular, for every list aspect
ASPECTS: dict[str, str] = {**_POSITIVE, **_NEGATIVE, **_GUIDANCE}
_SINGULAR_TO_PLURAL = {s: p for p, s in ASPECTS.items()}
_CLASS = {**{w: "positive" for w in _POSITIVE}, **{w: "negative" for w in _NEGATIVE},
          **{w: "guidance" for w in _GUIDANCE}}
#: "Why?" after "What are the benefits of X for Y?" -> "Why is X beneficial for Y?"
_ADJECTIVE = {"benefits": "beneficial", "advantages": "advantageous", "risks": "risky",
              "challenges": "challenging", "costs": "costly", "problems": "problematic",
              "difficulties": "difficult"}
#: Modifiers of an aspect ("the main benefits"): dropped when the follow-up brings its own.
_ASPECT_MODIFIERS = {"main", "key", "biggest", "greatest", "major", "principal", "common",
                     "typical", "potential", "possible", "most", "important", "top"}

#: Who a question can be about (longest first when matched).
ACTORS = (
    "public service mutuals", "mutuals", "mutual", "spin-outs", "spin outs",
    "commissioners", "commissioner", "local authorities", "local authority",
    "councils", "council", "central government", "local government", "government",
    "government departments", "departments", "ministers", "the nhs", "nhs trusts",
    "clinical commissioning groups", "ccgs", "charities", "social enterprises",
    "voluntary organisations", "the voluntary sector", "the private sector",
    "the public sector", "private providers", "providers", "partners", "staff",
    "employees", "members", "boards", "trustees", "leaders", "managers", "service users",
    "users", "citizens", "the public", "communities", "investors", "funders", "dcms",
    "the cabinet office", "smaller mutuals", "small mutuals", "larger mutuals",
    "large mutuals", "new mutuals", "employee-owned mutuals",
)
_DOC_NOUNS = ("report", "reports", "guidance", "document", "documents", "note", "paper",
              "review", "study", "toolkit", "handbook", "guide", "strategy", "framework",
              "survey", "publication", "evaluation", "consultation", "briefing", "page",
              "policy", "article")
_PLURAL_WORDS = {"staff", "people", "consortia", "police", "documents", "reports",
                 "ccgs", "spin-outs"}
_AUX = ("do", "does", "did", "is", "are", "was", "were", "can", "could", "should",
        "would", "will", "must", "may", "might", "has", "have", "had", "shall")
_AGREE = {"does": "do", "do": "does", "is": "are", "are": "is", "has": "have",
          "have": "has", "was": "were", "were": "was"}
_SINGULAR_AUX = {"does", "is", "has", "was"}
#: Words that make a phrase a clause or a question of its own, not a noun phrase.
_CLAUSE_WORDS = set(_AUX) | {
    "what", "how", "why", "when", "where", "who", "whom", "whose", "which", "that",
    "it", "its", "they", "them", "their", "i", "we", "you", "he", "she", "this", "these",
    "those", "if", "whether", "because", "not", "don't", "doesn't", "isn't", "aren't",
    "can't", "won't", "say", "says", "said", "tell", "recommend", "think", "mean",
    "me", "us", "him", "her", "my", "our", "your", "now", "then", "today", "later",
    "else", "instead", "too", "also", "yet", "still", "here", "there", "so", "please",
    "year", "years", "month", "months", "week", "weeks", "future", "past", "ago",
}
_QUANTITY = {"many", "much", "few", "fewer", "more", "most", "several"}
_DETERMINERS = {"the", "a", "an", "any", "some", "all"}
_LEAD_IN = r"(?:(?:and|but|so|ok|okay|then|also|right|now)\b,?\s+)*"
_WH_BARE = {"why", "how", "when", "where"}
_PREPOSITIONS = {"of", "for", "to", "in", "with", "from", "on", "by", "at", "about", "into"}
_MAX_PHRASE_WORDS = 7

_WORD = re.compile(r"[A-Za-z0-9][\w'-]*")


# -- small helpers -----------------------------------------------------------------------
def _clean(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = " ".join(text.split())
    return re.sub(r"[\s?.!\u2026]+$", "", text)


def _finish(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] + "?"


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _plural(phrase: str) -> bool:
    words = _words(phrase)
    if not words:
        return False
    last = words[-1]
    low = last.lower()
    if low in _PLURAL_WORDS:
        return True
    if last.isupper():  # NHS, DCMS
        return False
    return low.endswith("s") and not low.endswith(("ss", "us", "is"))


def _strip_determiner(phrase: str) -> str:
    words = phrase.split(" ")
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _is_noun_phrase(phrase: str) -> bool:
    """A short phrase with no clause in it ("the risks", "local authorities")."""
    if not phrase or re.search(r"[,;:()\"]", phrase):
        return False
    words = _words(phrase)
    if not words or len(words) > _MAX_PHRASE_WORDS or len(words) != len(phrase.split()):
        return False
    return not any(w.lower() in _CLAUSE_WORDS for w in words)


def _is_proper(phrase: str) -> bool:
    words = _strip_determiner(phrase).split()
    return bool(words) and all(w[:1].isupper() or w.lower() in {"of", "for", "and"}
                               for w in words) and words[0][:1].isupper()


def _aspect_of(phrase: str) -> tuple[str, str] | None:
    """(plural aspect, modifiers) when ``phrase`` is "[the] [modifiers] ASPECT"."""
    words = _strip_determiner(phrase).split()
    if not words or len(words) > 3:
        return None
    head = words[-1].lower()
    plural = head if head in ASPECTS else _SINGULAR_TO_PLURAL.get(head)
    if plural is None:
        return None
    return plural, " ".join(words[:-1])


def _is_actor(phrase: str) -> bool:
    low = phrase.lower()
    bare = _strip_determiner(low)
    return low in ACTORS or bare in ACTORS or f"the {bare}" in ACTORS


def _is_doc(phrase: str) -> bool:
    words = phrase.lower().split()
    return bool(words) and words[0] in {"the", "this", "that"} and words[-1] in _DOC_NOUNS


# -- what the previous question is about ---------------------------------------------------
class _Previous:
    """Spans of the previous question that a follow-up can replace or refer to."""

    def __init__(self, text: str) -> None:
        self.text = text
        # lower case, one character for one (the spans index both strings)
        self.low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        self.aspects = self._aspects()
        self.names = self._names()
        self.actors = self._actors()
        self.docs = self._docs()

    def _aspects(self) -> list[tuple[int, int, str]]:
        """(start, end, plural form) of each aspect noun (not a verb: "it costs")."""
        found = []
        words = list(_WORD.finditer(self.text))
        for i, m in enumerate(words):
            w = m.group().lower()
            before = words[i - 1].group().lower() if i else ""
            if w in ASPECTS and before not in {"it", "that", "which", "who", "this"}:
                found.append((m.start(), m.end(), w))
            elif w in _SINGULAR_TO_PLURAL and (
                    before in _DETERMINERS | _ASPECT_MODIFIERS
                    | {"one", "first", "next", "best", "each", "every", "which", "what"}):
                found.append((m.start(), m.end(), _SINGULAR_TO_PLURAL[w]))
        return found

    def _actors(self) -> list[tuple[int, int]]:
        """Spans of who the question is about ("for mutuals", "should commissioners")."""
        spans: list[tuple[int, int]] = []
        for actor in sorted(ACTORS, key=len, reverse=True):
            pattern = r"\b" + (r"(?:(?:the|a|an)\s+)?" if not actor.startswith("the ") else "")
            for m in re.finditer(pattern + re.escape(actor) + r"\b", self.low):
                if any(s < m.end() and m.start() < e for s, e in spans):
                    continue
                if any(n_s <= m.start() and m.end() <= n_e and " " in self.text[n_s:n_e]
                       for n_s, n_e in self.names):
                    continue  # "the Mutuals Support Programme" is a name, not mutuals
                before = self.low[:m.start()].split()
                if before and before[-1] in _QUANTITY:
                    continue  # "How many staff ..." counts them; it is not about them
                if before[-1:] == ["of"] and before[-2:-1] in (["number"], ["proportion"],
                                                               ["share"], ["percentage"]):
                    continue
                spans.append((m.start(), m.end()))
        return sorted(spans)

    def _docs(self) -> list[tuple[int, int]]:
        skip = r"(?!(?:of|the|for|to|and|in|on|a|an|with|about|by|from)\b)[\w'-]+\s+"
        nouns = "|".join(_DOC_NOUNS)
        pattern = rf"\b(?:the|this|that)\s+(?:{skip}){{0,3}}?(?:{nouns})\b"
        return [(m.start(), m.end()) for m in re.finditer(pattern, self.low)]

    def _names(self) -> list[tuple[int, int]]:
        """Runs of capitalised words after the first word (Riverside, Cabinet Office)."""
        spans = []
        for m in re.finditer(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*", self.text):
            if m.start() == 0:
                rest = m.group().split(" ", 1)
                if len(rest) == 1:
                    continue
                start = m.start() + len(rest[0]) + 1
                spans.append((start, m.end()))
            else:
                spans.append((m.start(), m.end()))
        return [(s, e) for s, e in spans if self.text[s:e] != "I"]

    def span(self, s: int, e: int) -> str:
        return self.text[s:e]

    def replace(self, s: int, e: int, new: str) -> str:
        """Replace a subject span; make a "does/is/has" just before it agree."""
        head, tail = self.text[:s], self.text[e:]
        old_plural, new_plural = _plural(self.text[s:e]), _plural(new)
        m = re.search(r"\b(\w+)\s+$", head)
        if m and old_plural != new_plural and m.group(1).lower() in _AGREE:
            aux = m.group(1)
            swapped = _AGREE[aux.lower()]
            if aux[:1].isupper():
                swapped = swapped.capitalize()
            if (aux.lower() in _SINGULAR_AUX) == old_plural:
                swapped = aux  # already agrees with the new subject
            head = head[:m.start(1)] + swapped + head[m.end(1):]
        return head + new + tail

    def aspect_frame(self) -> re.Match | None:
        """"What are the [main] ASPECT [of TOPIC] ..." (the list question's own form)."""
        return re.match(
            r"(?:what|which)\s+(?:are|is|were|was)\s+(?:the\s+)?(?:(?:\w+\s+){0,2})?"
            r"(?P<aspect>" + "|".join(list(ASPECTS) + list(_SINGULAR_TO_PLURAL)) + r")\b"
            r"(?:\s+(?P<prep>of|in|to|from|with|for)\s+(?P<rest>.+))?$", self.low)

    def topic_span(self) -> tuple[int, int] | None:
        """The topic of an aspect question: "partnerships" in "... of partnerships for ..."."""
        frame = self.aspect_frame()
        if frame is None or not frame.group("rest") or frame.group("prep") == "for":
            m = re.search(r"\babout\s+(.+)$", self.low)
            return (m.start(1), m.end(1)) if m else None
        s, e = frame.span("rest")
        for a_s, _ in self.actors:
            if a_s >= s and re.search(r"\bfor\s+$", self.low[s:a_s]):
                e = min(e, self.low.rindex("for", s, a_s))
        topic = self.low[s:e].strip()
        if not topic:
            return None
        return s, s + len(self.low[s:e].rstrip())

    def subject_actor(self) -> tuple[int, int] | None:
        return self.actors[0] if len(self.actors) == 1 else None


# -- the follow-up shapes ----------------------------------------------------------------
def _with_aspect(prev: _Previous, plural: str, modifiers: str) -> str | None:
    """The previous question asking about ``plural`` (an aspect) instead."""
    new_class = _CLASS[plural]
    if len(prev.aspects) == 1:
        s, e, old = prev.aspects[0]
        word = plural if prev.text[s:e].lower() in ASPECTS else ASPECTS[plural]
        same_frame = prev.aspect_frame() is not None or _CLASS[old] == new_class
        if same_frame:
            head = prev.text[:s]
            if modifiers:
                head_words = head.rstrip().split(" ")
                while head_words and head_words[-1].lower() in _ASPECT_MODIFIERS:
                    head_words.pop()
                head = " ".join(head_words) + " " + modifiers + " "
            return _finish(head + word + prev.text[e:])
        # "What challenges do mutuals face in forming partnerships?" + "And the benefits?"
        m = re.match(r"what\s+\w+\s+(?:" + "|".join(_AUX) + r")\s+", prev.low)
        actor = prev.subject_actor()
        if m and actor and actor[0] == m.end():
            rest = prev.text[actor[1]:].split(" ", 2)
            tail = ""
            if len(rest) == 3 and rest[2].split(" ")[0].lower() in {
                    "in", "when", "with", "from", "during", "after", "before", "by", "of"}:
                tail = " " + rest[2]
            noun = f"{modifiers} {plural}" if modifiers else plural
            return _finish(f"What are the {noun} for {prev.span(*actor)}{tail}")
        return None
    if prev.aspects:
        return None  # "benefits and risks": which one?
    noun = f"{modifiers} {plural}" if modifiers else plural
    if len(prev.docs) == 1:
        s, e = prev.docs[0]
        doc = prev.span(s, e)
        verb = "do" if _plural(doc) else "does"
        return _finish(f"What {verb} {doc} say about the {noun}")
    actor = prev.subject_actor()
    if actor is not None:
        return _finish(f"What are the {noun} for {prev.span(*actor)}")
    return None


def _with_actor(prev: _Previous, actor: str, *, allow_names: bool) -> str | None:
    """The previous question about ``actor`` (a group or a name) instead."""
    candidates = list(prev.actors)
    if allow_names:
        for n in prev.names:
            if not any(s < n[1] and n[0] < e for s, e in candidates):
                candidates.append(n)
    if len(candidates) == 1:
        return _finish(prev.replace(*candidates[0], actor))
    if candidates:
        return None
    if prev.aspect_frame() is not None or (len(prev.docs) == 1
                                          and prev.low.startswith("what")):
        return _finish(f"{prev.text} for {actor}")
    return None


def _with_topic(prev: _Previous, topic: str) -> str | None:
    """The previous aspect question about another ``topic`` ("What about procurement?")."""
    span = prev.topic_span()
    if span is not None:
        return _finish(prev.replace(*span, topic))
    frame = prev.aspect_frame()
    if frame is not None and not frame.group("rest"):
        return _finish(f"{prev.text} of {topic}")
    return None


def _with_phrase(prev: _Previous, phrase: str, prep: str | None) -> str | None:
    """"And X?" / "What about X?": X decides what it replaces."""
    if prep == "for" or (prep is None and phrase.lower().startswith("for ")):
        target = phrase[4:] if prep is None else phrase
        if not _is_noun_phrase(target) or _aspect_of(target):
            return None
        return _with_actor(prev, target, allow_names=True)
    if prep is not None:
        return None  # "And in Scotland?": not a shape we resolve
    split = re.fullmatch(r"(?P<a>.+?)\s+(?:for|to)\s+(?P<b>.+)", phrase)
    aspect, for_part = _aspect_of(phrase), ""
    if aspect is None and split is not None:  # "the risks for commissioners"
        aspect, for_part = _aspect_of(split.group("a")), split.group("b")
    if aspect is not None:
        plural, modifiers = aspect
        out = _with_aspect(prev, plural, modifiers)
        if out is None or not for_part:
            return out
        if not _is_noun_phrase(for_part):
            return None
        return _with_actor(_Previous(_clean(out)), for_part, allow_names=True)
    if any(w.lower() in ASPECTS or w.lower() in _SINGULAR_TO_PLURAL for w in _words(phrase)):
        return None  # "the benefits of partnerships for mutuals": a question of its own
    if _is_doc(phrase):
        if len(prev.docs) == 1:
            return _finish(prev.replace(*prev.docs[0], phrase))
        return None
    if _is_actor(phrase):
        return _with_actor(prev, phrase, allow_names=False)
    if _is_proper(phrase):
        return _with_actor(prev, phrase, allow_names=True)
    words = _words(phrase.lower())
    if len(words) > 4 or any(w in _PREPOSITIONS or _is_actor(w) for w in words):
        return None
    return _with_topic(prev, phrase)


def _bare_wh(prev: _Previous, wh: str) -> str | None:
    """"Why?" / "How?" / "When?" / "Where?" about the previous question."""
    words = prev.low.split()
    if len(words) < 3:
        return None
    if words[0] in _AUX:  # "Do mutuals need to partner?" -> "Why do mutuals need to partner?"
        return _finish(f"{wh} {prev.text[:1].lower()}{prev.text[1:]}")
    if words[0] in _WH_BARE and words[1] in _AUX:  # "How do mutuals ...?" -> "Why do ...?"
        return _finish(wh + prev.text[len(words[0]):])
    frame = prev.aspect_frame()
    if frame is None or len(prev.aspects) != 1:
        return None
    adjective = _ADJECTIVE.get(prev.aspects[0][2])
    span = prev.topic_span()
    if adjective is None or span is None or frame.group("prep") not in {"of", "in"}:
        return None
    topic = prev.span(*span)
    tail = prev.text[span[1]:]
    verb = "are" if _plural(topic) else "is"
    return _finish(f"{wh} {verb} {topic} {adjective}{tail}")


_IMPERSONAL_IT = re.compile(
    r"\b(?:is|was|isn't|wasn't|would|will|could|can|might|may)\s+it\s+(?:be\s+)?\w+\s+"
    r"(?:to|that|for|if|whether)\b"
    r"|\bit\s+(?:is|was|would be|will be|can be|could be|may be|might be|seems|seemed)\s+"
    r"\w+\s+(?:to|that|for|if|whether)\b"
    r"|\b(?:take|takes|took|cost|costs)\b.*\bto\b|\bit\s+takes?\b|\bdoes\s+it\s+take\b")
_PRONOUN = re.compile(r"\b(it|its|they|them|their)\b", re.I)


def _pronouns(prev: _Previous, question: str) -> str | None:
    """"Who wrote it?" / "What do they recommend?": the previous question's one referent."""
    question = re.sub(r"\bit's\b", "it is", question, flags=re.I)
    low = question.lower()
    words = _words(low)
    hits = [w for w in words if w in {"it", "its", "they", "them", "their"}]
    if not hits or len(words) > 12 or _IMPERSONAL_IT.search(low):
        return None
    first = words.index(hits[0])
    before = words[:first]
    if len(before) > 4 or any(_is_actor(w) or w in ASPECTS or w in _DOC_NOUNS
                              for w in before):
        return None  # "How does partnering help mutuals when it goes wrong?"
    if any(w[:1].isupper() for w in _words(question)[1:first]):
        return None
    if re.search(r"\b(?:this|that|these|those)\b", low):
        return None
    singular: str | None = None
    plural: str | None = None
    docs = [prev.span(*d) for d in prev.docs]
    if len(docs) == 1:
        if _plural(docs[0]):
            plural = docs[0]
        else:
            singular = docs[0]
    elif not docs and len(prev.names) == 1 and not prev.actors:
        singular = prev.span(*prev.names[0])
    actor = prev.subject_actor()
    if actor is not None and _plural(prev.span(*actor)) and plural is None:
        plural = prev.span(*actor)
    def swap(m: re.Match) -> str:
        w = m.group(1).lower()
        target = singular if w in {"it", "its"} else plural
        if target is None:
            raise LookupError(w)
        if w in {"its", "their"}:
            return target + ("'" if target.endswith("s") else "'s")
        return target

    try:
        return _finish(_clean(_PRONOUN.sub(swap, question)))
    except LookupError:
        return None


# -- the one entry point -----------------------------------------------------------------
def resolve(question: str, previous: str | None) -> str | None:
    """The question to answer when ``question`` follows up ``previous``, else None.

    ``previous`` is the question as it was answered (its own resolved form, so that
    follow-ups chain). None means ``question`` is not a follow-up: answer it as asked.
    """
    if not previous or not question:
        return None
    q = _clean(question)
    prev_text = _clean(previous)
    if not q or not prev_text or q.lower() == prev_text.lower():
        return None
    prev = _Previous(prev_text)
    low = q.lower()

    m = re.fullmatch(_LEAD_IN + r"(why|how|when|where)", low)
    if m:
        return _bare_wh(prev, m.group(1))
    m = re.fullmatch(_LEAD_IN + r"(?:what|how)\s+about\s+(?P<x>.+)", q, re.I)
    if m is None:
        m = re.fullmatch(_LEAD_IN + r"(?:and\s+)?(?:the\s+)?same(?:\s+question)?\s+"
                         r"(?P<x>for\s+.+)", q, re.I)
    if m is not None:
        phrase = m.group("x")
        check = phrase[4:] if phrase.lower().startswith("for ") else phrase
        if not _is_noun_phrase(check):
            return None
        return _with_phrase(prev, phrase, None)
    m = re.fullmatch(r"(?:(?:but|so|ok|okay)\b,?\s+)?and\s+(?:(?P<prep>for|in|to|with|from|on)"
                     r"\s+)?(?P<x>.+)", q, re.I)
    if m is not None:
        phrase = m.group("x")
        if not _is_noun_phrase(phrase):
            return None
        prep = m.group("prep")
        return _with_phrase(prev, phrase, prep.lower() if prep else None)
    return _pronouns(prev, q)
