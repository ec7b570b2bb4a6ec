"""What kind of answer a question wants: its shape, aspect, actor and kind of fact.

Deterministic and offline: word patterns only, no model. Three shapes:

* ``list``: the question asks for every point the documents make on an *aspect*
  (benefits, challenges, recommendations, lessons, steps or ways): "What are the
  benefits of partnerships for mutuals?", "What should commissioners do?", "How can
  mutuals prepare for a joint bid?". A singular ("What was the clearest benefit?") is a
  fact question.
* ``record``: the question is about a document itself (who published it, when, under
  what licence, where it is): answered from the catalogue record, not from its text.
* ``fact``: everything else. Who/when/where/how many/how much questions also carry the
  *kind* of fact they ask for (``person``, ``date``, ``place``, ``number``), which the
  answer sentence must hold.

The vocabulary is written out here, in one place; ``assistant/points.py`` uses the same
aspect stems to recognise sentences that only name a topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Aspect families: the stems that name them (in questions, headings and sentences).
ASPECTS: dict[str, tuple[str, ...]] = {
    "benefits": ("benefit", "advantage", "gain", "upside", "opportunit", "positive",
                 "strength", "achiev", "went well", "what changed", "difference", "impact",
                 "outcome", "success"),
    "risks": ("risk", "danger", "threat", "liabilit", "could go wrong", "can go wrong",
              "might go wrong", "pitfall", "exposure"),
    "challenges": ("challeng", "barrier", "problem", "struggl", "difficult", "obstacle",
                   "drawback", "disadvantage", "pitfall", "hurdle", "weakness", "threat",
                   "concern", "constraint", "limitation", "downside", "issue", "friction",
                   "went wrong", "go wrong", "goes wrong", "did not work"),
    "recommendations": ("recommend", "advice", "advise", "suggest", "propos", "next step",
                        "action", "should"),
    "lessons": ("lesson", "learn", "what worked", "worked well", "work well", "good practice",
                "success factor", "tip", "differently", "next time", "would do"),
    "findings": ("finding", "conclusion", "key message", "summary", "what we found"),
    "steps": ("step", "way", "how to", "how can", "checklist", "before you", "getting",
              "ready", "readiness", "stage", "approach", "method", "prepar", "tip"),
}

#: Plural nouns (or their verb) that make "what are the ..." a list question.
_LIST_NOUNS = (
    r"benefits|advantages|gains|upsides|opportunities|positives|strengths|"
    r"challenges|barriers|risks|problems|difficulties|obstacles|drawbacks|disadvantages|"
    r"pitfalls|hurdles|weaknesses|threats|concerns|constraints|limitations|downsides|"
    r"issues|recommendations|suggestions|proposals|actions|lessons|steps|ways|"
    r"things|points|factors|measures|options|tips|key points|findings|achievements|"
    r"successes|outcomes|impacts|dangers|threats|priorities"
)

_NOUN_ASPECT = {
    "benefits": "benefits", "advantages": "benefits", "gains": "benefits",
    "upsides": "benefits", "opportunities": "benefits", "positives": "benefits",
    "strengths": "benefits",
    "recommendations": "recommendations", "suggestions": "recommendations",
    "proposals": "recommendations", "actions": "recommendations",
    "lessons": "lessons", "steps": "steps", "ways": "steps", "tips": "steps",
    "measures": "steps", "options": "steps", "achievements": "benefits",
    "challenges": "challenges", "barriers": "challenges", "problems": "challenges",
    "difficulties": "challenges", "obstacles": "challenges", "drawbacks": "challenges",
    "disadvantages": "challenges", "hurdles": "challenges", "weaknesses": "challenges",
    "concerns": "challenges", "constraints": "challenges", "limitations": "challenges",
    "downsides": "challenges", "issues": "challenges", "pitfalls": "risks", "risks": "risks",
    "findings": "findings", "lesson": "lessons", "recommendation": "recommendations",
    "opportunity": "benefits",
    "successes": "benefits", "outcomes": "benefits", "impacts": "benefits",
    "dangers": "risks", "threats": "risks",
}

#: Who a recommendation can be addressed to: the canonical name and its word forms.
ACTORS: dict[str, tuple[str, ...]] = {
    "commissioners": ("commissioner", "commissioning bod", "commissioning team",
                      "local authorit", "council", "procurement team", "buyer",
                      "integrated care board", "clinical commissioning group", "icb",
                      "nhs england"),
    "government": ("government", "dcms", "minister", "department for", "whitehall",
                   "cabinet office", "treasury"),
    "mutuals": ("mutual", "spin-out", "spin out", "board", "leader", "staff-owned",
                "employee-owned", "social enterprise", "provider", "each partner",
                "every partner", "both partners", "all partners", "consortium member"),
    "partners": ("partner organisation", "charit", "voluntary", "private firm",
                 "private sector"),
}

_DOC_NOUNS = (r"report|guidance|guide|document|publication|paper|review|page|study|"
              r"note|briefing|toolkit|research|evaluation|strategy|plan")

_RECORD = re.compile(
    rf"\b(who|which (organisation|organization|department|body))\s+(published|publishes|"
    rf"issued|issues|released|produced|is the publisher of|owns)\b"
    rf"|\bwho is the publisher\b"
    rf"|\bwhen (was|were|is|did)\b.*\b(published|released|issued|updated|come out|came out)\b"
    rf"|\b(publication|release) date\b"
    rf"|\bwhat (is the )?(licen[cs]e|copyright)\b|\bunder (what|which) licen[cs]e\b"
    rf"|\blicen[cs]ed\b|\bcan i (reuse|re-use|copy)\b"
    rf"|\b(where can i|where do i) (find|get|read|download)\b.*\b({_DOC_NOUNS})\b"
    rf"|\b(url|web address|link) (of|for|to)\b",
    re.IGNORECASE,
)

_ABOUT_DOC = re.compile(
    rf"\bwhat (is|was|are) (the|this|that)\s+(\w+\s+){{0,3}}?({_DOC_NOUNS})s?\s+(about|for)\b"
    rf"|\bwho (is|was|are) (the|this|that)\s+(\w+\s+){{0,3}}?({_DOC_NOUNS})s?\s+"
    rf"(for|aimed at|written for|intended for|meant for)\b"
    rf"|\bwhat (does|did) (the|this|that)\s+(\w+\s+){{0,3}}?({_DOC_NOUNS})s?\s+"
    rf"(cover|look at|examine|explore|describe)\b", re.IGNORECASE)

_WHO_WROTE = re.compile(
    rf"\bwho (wrote|authored|is the author of|were the authors of|commissioned|prepared)\b"
    rf".*\b({_DOC_NOUNS})\b", re.IGNORECASE)

_LIST_PATTERNS = (
    re.compile(rf"\b(what|which)\b.*\b({_LIST_NOUNS})\b", re.IGNORECASE),
    re.compile(rf"^\s*(list|name|give|summari[sz]e|outline|describe)\b.*\b({_LIST_NOUNS})\b",
               re.IGNORECASE),
    re.compile(r"\bwhat (does|do|did) (the|this|our|their|its)?\s*[\w\s'-]{0,40}?\b"
               r"(recommend|suggest|propose|advise)\b", re.IGNORECASE),
    re.compile(r"\bwhat (should|must|can|could|ought)\b.*\b(do|consider|change|ask|avoid|"
               r"check|know|prepare|agree|put in place|look for|think about)\b",
               re.IGNORECASE),
    re.compile(r"\bhow (can|could|should|might|do|does|to)\b.*\b(prepare|improve|overcome|"
               r"reduce|avoid|manage|mitigate|make|build|get|find|support|strengthen|start|"
               r"form|set up|succeed|work|deal|address|increase|encourage|help|choose)\b",
               re.IGNORECASE),
    re.compile(r"\bwhat (has |have |had )?(worked|went well|went wrong|goes wrong|"
               r"did not work|didn't work)\b|\bwhat (can|could|might|may) go wrong\b",
               re.IGNORECASE),
    re.compile(r"\bwhat (do|does|did|can|could|would|will) .{1,60}?\b(gain|get out of|"
               r"learn|teach|tell us|show|achieve)\b", re.IGNORECASE),
    re.compile(r"\bwhat (is|are|was|were) .{1,40}?\b(asked|expected|advised|encouraged|"
               r"told|urged|invited) to do\b", re.IGNORECASE),
    re.compile(r"\b(in )?what ways?\b|\bhow (can|could|might|would)\b.{1,60}?"
               r"\b(help|benefit|improve|strengthen|support)\b", re.IGNORECASE),
    re.compile(r"\bwhat (is|was) recommended\b", re.IGNORECASE),
    re.compile(r"\bwhat (advice|guidance)\b.*\b(give|gives|given|offer|offers|offered)\b|"
               r"\bwhat (advice|guidance|support|help)\b.*\b(for|to|given|offered)\b|"
               r"\b(advice|recommendations?) (for|to)\b", re.IGNORECASE),
    re.compile(r"\bwhat (do|does|did|will|would)\b.{1,40}?\bneed to do\b", re.IGNORECASE),
    re.compile(r"\bwhat (gets|got|stands|stood|comes|came) in the way\b|"
               r"\bwhat (holds?|held) .{1,40}?\bback\b|\bwhere (do|does|did) .{1,40}?\bstruggle|"
               r"\bwhat (stops|stopped|prevents|prevented|hinders|hindered|limits|limited)\b",
               re.IGNORECASE),
    re.compile(r"\bwhat makes? .{1,50}?\b(succeed|work|successful|effective)\b",
               re.IGNORECASE),
    re.compile(r"\bwhat (could|can|might|may|would) (threaten|harm|undermine|put .{1,30} at "
               r"risk)\b|\bwatch out for\b|\bbe (wary|careful) of\b|\bguard against\b",
               re.IGNORECASE),
    re.compile(r"\b(do|done) differently\b|\bwhat difference\b|\bwhat (has|have) .{1,60}?"
               r"\b(changed|achieved|improved)\b", re.IGNORECASE),
    re.compile(r"\bwhat (is|are|was|were) .{1,60}?\basked to (decide|agree|approve|do|note)\b|"
               r"\bwhat does .{1,60}?\bask (of|for)\b", re.IGNORECASE),
    re.compile(r"\bhow should\b", re.IGNORECASE),
    re.compile(r"\b(good|bad) things\b|\bplus points\b|\bkey (findings|messages)\b",
               re.IGNORECASE),
)

_SINGULAR = re.compile(
    r"\b(the|a|one|which|what)\s+(\w+\s+){0,2}?(main|biggest|largest|clearest|greatest|"
    r"first|second|third|last|hardest|most|key|single|only|best|top|primary)\s+"
    r"(benefit|advantage|challenge|barrier|risk|problem|recommendation|lesson|step|way)\b"
    r"(?!s)", re.IGNORECASE)

_FACT_KINDS = (
    ("number", re.compile(r"\bhow (many|much|long|often|big|large|far|old)\b|"
                          r"\bwhat (percentage|proportion|share|fraction|number|amount|"
                          r"sum|figure|total|cost|price|turnover|budget)\b|"
                          r"\bby how much\b|\bhow many\b", re.IGNORECASE)),
    ("date", re.compile(r"^\s*when\b|\bwhen (did|was|were|is|will|does|do)\b|"
                        r"\b(what|which) (year|date|month|day|decade)\b|\bin what year\b",
                        re.IGNORECASE)),
    ("person", re.compile(r"^\s*who\b|\bwho (is|was|are|were|wrote|leads|led|owns|runs|"
                          r"chairs|manages|pays|funds|decides|made)\b|\bwhom\b|\bwhose\b|"
                          r"\b(which|what) (organisation|organization|body|department|"
                          r"company|person|partner|firm|charity|council)\b",
                          re.IGNORECASE)),
    ("reason", re.compile(r"^\s*why\b|\bwhy (do|does|did|is|are|was|were|should|would|"
                          r"must|might)\b|\bfor what reason\b|\bwhat (is|was) the reason\b",
                          re.IGNORECASE)),
    ("place", re.compile(r"^\s*where\b|\bwhere (is|was|are|were|did|does|do)\b|"
                         r"\b(which|what) (region|area|town|city|county|country|place)\b",
                         re.IGNORECASE)),
)


@dataclass(frozen=True)
class QuestionShape:
    """What a question asks for.

    Attributes:
        shape: ``"list"``, ``"fact"`` or ``"record"``.
        aspect: for a list question, the aspect family (a key of ``ASPECTS``), or None
            when the list is about no particular aspect.
        actors: the actors the question is about ("commissioners"), canonical names.
        fact_kind: for a fact question, ``"person"``, ``"date"``, ``"place"``,
            ``"number"`` or None (any sentence may answer).
        about_document: the question is about a document itself (who wrote it, who
            published it): its catalogue record may answer when no sentence does.
    """

    shape: str
    aspect: str | None = None
    actors: tuple[str, ...] = field(default_factory=tuple)
    fact_kind: str | None = None
    about_document: bool = False
    aspect_word: str | None = None
    """The aspect as the question words it ("risk" for "What are the risks?"): headings
    naming it are preferred to those naming only its family ("Challenges")."""
    actor_words: str | None = None
    """The words naming the actor ("consortium board", "NHS commissioners" lower-cased):
    more than the actor's name when the question picks out one such actor."""


def actors_in(text: str) -> tuple[str, ...]:
    """Canonical actors named in ``text``, in ``ACTORS`` order."""
    low = text.lower()
    return tuple(a for a, forms in ACTORS.items() if any(f in low for f in forms))


#: Nouns that only say "a list" ("In what ways...", "What options..."), not which aspect.
_FORM_NOUNS = {"ways", "things", "points", "options", "measures", "actions", "tips", "steps"}


def _aspect(question: str) -> str | None:
    low = question.lower()
    if re.search(r"\b(could|can|might|may|would) go wrong\b|\brisks?\b|\bdangers?\b", low):
        return "risks"
    # An aspect the question names as a noun decides ("What lessons...", "What issues...").
    m = re.search(rf"\b({_LIST_NOUNS}|lesson|recommendation|opportunity)\b", low)
    if m and m.group(1) in _NOUN_ASPECT and m.group(1) not in _FORM_NOUNS:
        return _NOUN_ASPECT[m.group(1)]
    if re.search(r"\b(threaten|harm|undermine)\b|\bwatch out for\b|\bbe (wary|careful) of\b|"
                 r"\bguard against\b", low):
        return "risks"
    if re.search(r"\b(do|done) differently\b", low):
        return "lessons"
    if re.search(r"\bwent well\b|\bwhat difference\b|\bachievements?\b|"
                 r"\bwhat (has|have) .{1,60}?\b(changed|achieved|improved)\b", low):
        return "benefits"
    if re.search(r"\basked to (decide|agree|approve|do|note)\b|\bask (of|for)\b", low):
        return "recommendations"
    if re.search(r"\b(go|goes|went|gone) wrong\b|\bdid not work\b|\bdidn't work\b|"
                 r"\bin the way\b|\bholds? .{1,40}?\bback\b|\bstruggle|\bbad things\b|"
                 r"\b(stops|stopped|prevents|prevented|hinders|hindered|limits)\b", low):
        return "challenges"
    if re.search(r"\bgood things\b|\bplus points\b", low):
        return "benefits"
    if re.search(r"\bwhat makes? .{1,50}?\b(succeed|work|successful|effective)\b", low):
        return "lessons"
    if re.search(r"\b(advice|guidance)\b.*\b(for|to|give|gives|given)\b|\bneed to do\b|"
                 r"\bhow should\b", low):
        return "recommendations"
    if (re.search(r"\b(what|how) .{0,60}?\b(gain|gained|get out of|benefit from|benefited)\b",
                  low)
            or re.search(r"\b(how|(in )?what ways?) (can|could|does|do|did|might|would) "
                         r".{1,60}?\b(help|benefit|improve|strengthen)\b", low)
            ) and not re.search(r"\bshould\b", low):
        return "benefits"
    if re.search(r"\b(worked|work well|teach|learn|learnt|learned|lessons?)\b", low):
        return "lessons"
    m = re.search(rf"\b({_LIST_NOUNS})\b", low)
    if m and m.group(1) in _NOUN_ASPECT:
        return _NOUN_ASPECT[m.group(1)]
    for name in ("risks", "challenges", "recommendations", "benefits", "lessons", "findings",
                 "steps"):
        if any(re.search(rf"\b{re.escape(stem)}", low) for stem in ASPECTS[name]
               if stem not in ("should", "action", "issue", "way", "getting", "tip")):
            return name
    if re.search(r"\bwhat (should|must|ought)\b|\b(asked|expected|advised|encouraged|"
                 r"told|urged|invited) to do\b", low):
        return "recommendations"
    if re.search(r"\bhow (can|could|should|might|do|does|to)\b", low):
        return "steps"
    return None


def _aspect_word(question: str, aspect: str | None) -> str | None:
    """The stem of the aspect noun the question itself uses ("risks", "opportunities"),
    if it names one (a verb like "gain" or a form noun like "steps" does not count)."""
    if aspect is None:
        return None
    low = question.lower()
    m = re.search(rf"\b({_LIST_NOUNS}|lesson|recommendation|opportunity)\b", low)
    if m is None or m.group(1) in _FORM_NOUNS:
        return None
    low = m.group(1)
    for stem in ASPECTS[aspect]:
        if " " not in stem and len(stem) > 3 and re.search(rf"\b{re.escape(stem)}", low):
            return stem
    return None


def classify(question: str) -> QuestionShape:
    """The shape of ``question`` (see the module docstring)."""
    q = " ".join(question.split())
    who_wrote = bool(_WHO_WROTE.search(q))
    if _RECORD.search(q) and not who_wrote:
        return QuestionShape("record", about_document=True)
    if not _SINGULAR.search(q) and not re.search(r"\bhow (many|much)\b", q, re.IGNORECASE):
        for pattern in _LIST_PATTERNS:
            if pattern.search(q):
                # The actor the question is about, not the one it names as a topic:
                # "What should commissioners do?" -> commissioners; "What are the
                # benefits of partnerships for mutuals?" -> none (mutuals are the topic).
                aspect = _aspect(q)
                if aspect is None:  # a list of nothing in particular: a fact question
                    break
                actors, actor_words = _addressed(q)
                return QuestionShape("list", aspect=aspect, actors=actors,
                                     actor_words=actor_words,
                                     aspect_word=_aspect_word(q, aspect))
    kind = None
    for name, pattern in _FACT_KINDS:
        if pattern.search(q):
            kind = name
            break
    return QuestionShape("fact", fact_kind=kind,
                         about_document=who_wrote or bool(_ABOUT_DOC.search(q)))


_ADDRESSED = (
    re.compile(r"\bwhat (?:\w+ ){1,2}(?:should|must|can|could|ought to|do|does|need)\s+"
               r"(?P<who>.+?)\s+(?:to\s+)?(?:take|do|follow|consider|put|make|keep|check|"
               r"agree|use)\b", re.IGNORECASE),
    re.compile(r"\b(?:advice|guidance|recommendations?|lessons?|tips)\b.{0,60}?\b(?:give|gives|"
               r"offer|offers|have for)\s+(?:to\s+)?(?P<who>.+?)(?:\?|$)", re.IGNORECASE),
    re.compile(r"\bask (?:of|for)\s+(?P<who>.+?)(?:\?|$)", re.IGNORECASE),
    re.compile(r"\bwhat (?:is|are|was|were)\s+(?P<who>.+?)\s+asked to\b", re.IGNORECASE),
    re.compile(r"\b(?:advice|guidance|recommendations?|support|help)\b.{0,30}?\b(?:for|to)\s+"
               r"(?P<who>.+?)(?:\?|$|\bin\b|\bon\b|\bbefore\b|\bwhen\b)", re.IGNORECASE),
    re.compile(r"\bwhat (?:do|does|did|will|would)\s+(?P<who>.+?)\s+need to do\b",
               re.IGNORECASE),
    re.compile(r"\bhow should\s+(?P<who>(?:(?:a|an|the|our|my|your|their|its)\s+)?\S+)",
               re.IGNORECASE),
    re.compile(r"\bwhat (?:is|are|was|were)\s+(?P<who>.+?)\s+(?:asked|expected|advised|"
               r"encouraged|told|urged|invited) to do\b", re.IGNORECASE),
    re.compile(r"\bwhat (?:should|must|can|could|ought)\s+(?P<who>.+?)\s+(?:to\s+)?(?:do|"
               r"consider|change|ask|avoid|check|know|prepare|agree|put|look|think)\b",
               re.IGNORECASE),
    re.compile(r"\bhow (?:can|could|should|might)\s+(?P<who>(?:(?:a|an|the|our|my|your|"
               r"their|its)\s+)?\S+)", re.IGNORECASE),
    re.compile(r"\b(?:recommendations?|advice|suggestions?|actions?|steps?|lessons?) "
               r"(?:for|to)\s+(?P<who>.+?)(?:\?|$|\bin\b|\bon\b|\bbefore\b|\bwhen\b)",
               re.IGNORECASE),
    re.compile(r"\bwhat (?:does|do|did) .{0,40}?\b(?:recommend|suggest|propose|advise)\s+"
               r"(?:for|to)?\s*(?P<who>.+?)(?:\s+(?:to|do|should)\b|\?|$)", re.IGNORECASE),
)


def _addressed_actors(question: str) -> tuple[str, ...]:
    """Actors a list question asks about as the ones to act or be addressed."""
    return _addressed(question)[0]


def _addressed(question: str) -> tuple[tuple[str, ...], str | None]:
    """The actors a list question asks about, and the words naming them ("consortium
    board" in "What should the consortium board do?")."""
    for pattern in _ADDRESSED:
        m = pattern.search(question)
        if m:
            found = actors_in(m.group("who"))
            if found:
                words = re.sub(r"^(?:(?:that|the|a|an|our|my|your|their|its|this)\s+)+", "",
                               m.group("who").strip(" ?.,").lower())
                return found, words or None
    return (), None


# -- the focus of a fact question ------------------------------------------------------

_AUX = r"(?:is|was|are|were|do|does|did|has|have|had|can|could|will|would|should|must|" \
       r"might|may|shall)"
#: "What software does...", "In which movie was...", "What is the hourly pay of..."
_WHAT_FOCUS = re.compile(
    rf"^\W*(?:(?:in|on|at|for|from|by|with|of|to|during|under|against|into)\s+)?"
    rf"(?:what|which|whose)\s+(?:{_AUX}\s+(?:the|a|an)\s+)?"
    rf"(?P<np>(?:(?!{_AUX}\b)[\w'-]+\s+){{0,2}}?(?!{_AUX}\b)[\w'-]+)\s+"
    rf"(?:{_AUX}|of|in|on|for|that|to)\b", re.IGNORECASE)
#: "Who is the chief executive of...", "Who are the trustees of..."
_WHO_FOCUS = re.compile(
    rf"^\W*who\s+{_AUX}\s+(?:the|a|an)\s+(?P<np>(?:[\w'-]+\s+){{0,2}}?[\w'-]+)\s+"
    rf"(?:of|for|at|in|on|to|that|who)\b", re.IGNORECASE)
#: "How many beds does...", "How much money did..."
_HOW_MANY_FOCUS = re.compile(
    rf"\bhow (?:many|much)\s+(?P<np>(?:[\w'-]+\s+)?[\w'-]+)\s+(?:{_AUX}|in|of|for|on|at|"
    rf"there)\b", re.IGNORECASE)
#: "How do I register a company...", "How can we reset...": the act asked about.
_HOW_TO_FOCUS = re.compile(
    r"^\W*how (?:do|does|did|can|could|should|would|might|must|may)\s+"
    r"(?:i|we|you|one|they|someone|people)\s+"
    r"(?:(?!(?:ap|sup|re|com|multi|im)ply\b|rely\b)\w+ly\s+)?(?P<np>[\w'-]+)", re.IGNORECASE)
#: Verbs of "How do I ...?" that name no particular act ("How do I get...", "find").
_VAGUE_ACTS = {"get", "make", "do", "go", "know", "find", "help", "start", "begin", "use",
               "deal", "handle", "manage", "work", "see", "become", "keep", "feel", "take",
               "set", "be", "have"}
#: Words that name no particular thing ("What type of...", "Which one...").
_VAGUE_FOCUS = {"type", "kind", "sort", "form", "name", "example", "one", "ones", "part",
                "piece", "group", "number", "amount", "thing", "things", "way", "ways"}


def focus_words(question: str) -> str:
    """The words naming what a fact question asks for ("software" in "What software does
    Riverside use?", "chief executive" in "Who is the chief executive of...?", "beds" in
    "How many beds..."), or "" when it names no such thing ("What does ELF stand for?").
    An answer sentence is expected to name it."""
    found = []
    for pattern in (_WHO_FOCUS, _WHAT_FOCUS, _HOW_MANY_FOCUS, _HOW_TO_FOCUS):
        m = pattern.search(question)
        if m:
            vague = _VAGUE_ACTS if pattern is _HOW_TO_FOCUS else _VAGUE_FOCUS
            found += [w for w in m.group("np").split() if w.lower() not in vague]
    return " ".join(found)
