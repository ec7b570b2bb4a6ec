"""What a document sentence does: name a topic, make a point, hold a kind of fact.

Deterministic word patterns over one sentence at a time, used by answer composition:

* ``is_topic_naming``: the sentence only describes the document or names a topic
  ("This chapter turns to the challenges of partnership.", "This report explores the
  need to partner, the benefits and challenges, and recommends ways...", "Our
  recommendations are addressed to commissioners, government and mutuals.", "Mutuals face
  a number of systemic challenges..."). Such a sentence stays searchable as passage text
  but is never an answer sentence.
* ``holds_kind``: the sentence holds the kind of fact a who/when/where/how-many question
  asks for (an organisation or person, a date, a place, a number).
* ``addressed_to``: the actors a recommendation sentence addresses ("Commissioners
  should...", "We recommend that government...").
* ``speaks_of``: the sentence states something of an aspect (a benefit, a challenge,
  a recommendation...), by its words.
"""

from __future__ import annotations

import re

from assistant.shapes import ACTORS, ASPECTS

_DOC = (r"report|guidance|guide|chapter|section|document|review|page|paper|publication|"
        r"table|figure|chart|box|list|toolkit|case study|board paper|"
        r"study|note|part|annex|appendix|summary|briefing|toolkit|research|evaluation|"
        r"analysis|article|booklet|handbook|framework|survey|this|we")

_META_VERBS = (
    r"sets? out|explores?|examines?|describes?|discuss(es)?|outlines?|summari[sz]es?|"
    r"covers?|looks? (at|back|into)|turns? (to|now)|considers?|presents?|introduces?|"
    r"provides? (an? )?(overview|summary|introduction|guidance|detail|information)|"
    r"is about|focus(es)? on|highlights?|reports? on|draws? (on|out)|brings? together|"
    r"pulls? together|sums? up|gives? (an? )?(overview|"
    r"summary|account)|explains?|address(es)?|(is|are) (intended|written|aimed|"
    r"structured|organised|organized|divided|grouped|addressed|set out|listed|"
    r"summari[sz]ed|described)|contains?|lists?|makes? (\w+ )?(recommendations?|"
    r"suggestions?)|reviews?|investigates?|assesses?|analyses?|identifies?"
)

# "This report explores...", "The following section sets out...", "In this chapter we..."
_META = re.compile(
    rf"^\W*(?:(?:in|within|throughout|across)\s+)?(?:this|the|our|these|the following|"
    rf"the next|the final|the rest of this|each|a|an)?\s*(?:\w+\s+){{0,3}}?(?:{_DOC})s?"
    rf"(?:\s+\d+(?:\.\d+)*)?\b[^.;:]*?\b(?:{_META_VERBS})\b",
    re.IGNORECASE,
)
# "1.2 It covers what the partners gained, the issues we faced..."
_IT_META = re.compile(
    rf"^\W*(?:\d+(?:\.\d+)*\.?\s+)?(?:it|this|these pages|below)\s+(?:{_META_VERBS})\b",
    re.IGNORECASE)
# "A research report into the need, benefits and challenges for ..."
_DESCRIBES_DOC = re.compile(
    rf"^\W*(?:a|an|the|this)\s+(?:[\w-]+\s+){{0,3}}?(?:{_DOC})s?\s+(?:into|on|about|of|"
    rf"for|looking at|examining|exploring)\b", re.IGNORECASE)
# "In this chapter, we ...", "We now turn to ...", "Below, we set out ..."
_WE_META = re.compile(
    rf"^\W*(?:(?:in|within)\s+(?:this|the next|the following)\s+(?:{_DOC})s?,?\s+|"
    rf"(?:below|here|next|now|finally),?\s+)?we\s+(?:now\s+|then\s+|first\s+|also\s+)?"
    rf"(?:set out|explore|examine|describe|discuss|outline|summari[sz]e|look at|turn to|"
    rf"consider|present|introduce|report on|focus on|highlight|review|include|list|"
    rf"give|begin|end|close|conclude|return to)\b",
    re.IGNORECASE,
)

_ASPECT_NOUN = (r"benefits?|advantages?|opportunit(?:y|ies)|challenges?|barriers?|risks?|"
                r"problems?|difficult(?:y|ies)|obstacles?|issues?|recommendations?|"
                r"lessons?|steps?|ways|findings?|themes?|drawbacks?|disadvantages?|"
                r"suggestions?|actions?|conclusions?|need")
_QUANTIFIED = re.compile(
    rf"\b(?:a number of|a range of|a series of|a set of|several|various|many|numerous|"
    rf"some|a few|two|three|four|five|six|seven|eight|nine|ten|\d+|key|main|"
    rf"the following|the remaining|the other|these|those|such|our|its|their)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{_ASPECT_NOUN})\b",
    re.IGNORECASE,
)
_COORDINATED = re.compile(
    rf"\b(?:{_ASPECT_NOUN})\b(?:\s*,\s*(?:the\s+)?(?:{_ASPECT_NOUN})\b)*\s*,?\s*"
    rf"(?:and|or|as well as)\s+(?:the\s+)?(?:{_ASPECT_NOUN})\b",
    re.IGNORECASE,
)
_VAGUE_PREDICATE = re.compile(
    r"\b(?:are|is|were|was)\s+(?:set out|described|listed|discussed|summari[sz]ed|"
    r"addressed|grouped|presented|considered|explored|covered|outlined)\b|"
    r"\b(?:fall|falls) into\b|\bbelow\b|\bin turn\b.*\bchapter\b|\bthe following\b|"
    r"\b(?:can be|could be|are|were) (?:managed|mitigated|overcome|addressed)\b|"
    r"\b(?:face|faces|faced|report|reported|identified|found|makes?|made|has|have|had|"
    r"bring|brings|offer|offers|told us about|spoke about|talked about|described|"
    r"mentioned|raised|listed|cited|named)\s+(?:a number of|a range of|several|various|"
    r"many|some|two|three|four|five|six|seven|\d+|key|both)\b|"
    r"^\W*(?:the remaining|the other|these|those|our|its|their)\s+(?:[\w-]+\s+)?"
    r"(?:benefits|challenges|recommendations|lessons|risks|barriers|steps)\s+(?:are|is|were)"
    r"\s+(?:for|about|to|on|aimed|addressed|set)\b|"
    r"\b(?:in|see) (?:chapter|section|part|annex|appendix) \d",
    re.IGNORECASE,
)
#: Where to get more of the document: "Contact ... for more information".
_CONTACT = re.compile(
    r"^\W*(?:please\s+)?(?:contact|email|e-mail|write to|call|phone|ring)\b[^.]*\b(?:for "
    r"(?:more |further )?(?:information|details|copies|the appendix|the appendices|"
    r"the annex(?:es)?)|with (?:any )?questions)\b", re.IGNORECASE)
#: A sentence whose subject is "everything", "nothing", "not all"... and says no more than
#: that things went well or badly.
_VAGUE_SUMMARY = re.compile(
    r"^\W*(?:\d+(?:\.\d+)*\.?\s+)?(?:not\s+|almost\s+|nearly\s+)?(?:everything|"
    r"nothing|all|much|little|some things|things|not all of it|most of it)\s+"
    r"(?:went|worked|has|have|had|was|were|did|is|are|goes|go)\b", re.IGNORECASE)
_SPECIFIC = re.compile(r"\d|%|£|\bper cent\b", re.IGNORECASE)


def is_topic_naming(text: str) -> bool:
    """Whether the sentence only describes the document or names a topic.

    Three signs, any of which is enough:

    * the document (or a part of it) is the subject of a verb of saying or structure
      ("This chapter turns to...", "The following section sets out...", "In this
      report we explore..."), or the sentence is a noun phrase describing a document
      ("A research report into...");
    * aspects are named as a list ("the benefits and challenges", "benefits, risks and
      recommendations");
    * an aspect is named with a vague quantifier and a vague predicate, and nothing
      specific (no figure): "Mutuals face a number of systemic challenges that can be
      managed...", "Our recommendations are addressed to...", "The review makes five
      recommendations to the board.".
    """
    s = " ".join(text.split())
    if (_META.search(s) or _DESCRIBES_DOC.search(s) or _WE_META.search(s)
            or _IT_META.search(s)):
        return True
    if _COORDINATED.search(s):
        return True
    if _CONTACT.match(s):
        return True  # "Contact the company secretary for the appendices."
    # (a directive citing a section still asks for something: "The board is asked to
    # note the issues in section 4")
    if not _MODAL.search(s) and re.search(
            r"\b(?:in|see|from) (?:chapter|section|part|annex|appendix) \d", s, re.IGNORECASE):
        return True
    if re.match(r"^\W*how to\b", s, re.IGNORECASE):  # a title-like description
        return True
    if _VAGUE_SUMMARY.match(s) and len(s.split()) <= 8:
        return True  # "4.1 Not everything went to plan."
    words = s.rstrip(" .!").split()
    if len(words) <= 8 and re.fullmatch(rf"(?:{_ASPECT_NOUN})", words[-1] if words else "",
                                        re.IGNORECASE) and words[-1].lower().endswith("s"):
        return True  # "Joint bidding also carries risks."
    if _QUANTIFIED.search(s) and _VAGUE_PREDICATE.search(s) and not _SPECIFIC.search(s):
        return True
    return False


# -- kinds of fact --------------------------------------------------------------------

_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|"
           r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DATE = re.compile(
    rf"\b(?:1[5-9]\d\d|20\d\d)s?\b|\b(?:{_MONTHS})\b|\b(?:monday|tuesday|wednesday|"
    rf"thursday|friday|saturday|sunday)\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|"
    rf"\b(?:spring|summer|autumn|winter)\b|\b(?:century|decade|today|yesterday|"
    rf"since|until|ago|weeks?|months?|years?|quarter|annually|daily|weekly|monthly)\b",
    re.IGNORECASE)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|"
    r"dozen|half|third|quarter|quarterly|twice|once|double|treble|triple|single|"
    r"none|all|every|each|most|few|several|majority|minority|per cent|percent)\b",
    re.IGNORECASE)
_PLACE = re.compile(
    r"\b(?:in|at|near|from|across|throughout|to|based in|located in)\s+(?:the\s+)?"
    r"[A-Z][\w'-]+|\b(?:england|scotland|wales|northern ireland|london|uk|britain|"
    r"region|county|city|town|village|borough|district|north|south|east|west|"
    r"street|road|office|building|headquarters|site|centre|center|hospital|online)\b")
_ORG_WORDS = (r"council|government|department|ministry|trust|board|committee|authority|"
              r"agency|association|society|company|charity|university|college|school|"
              r"hospital|nhs|team|group|network|partnership|firm|ltd|limited|plc|cic|"
              r"office|service|evaluator|consultant|researcher|author|director|manager|"
              r"chief|officer|minister|secretary|chair|staff|employees?|members?|"
              r"owners?|residents|people|commissioners?|mutuals?|institute|centre|"
              r"foundation|bank|union|dcms|cabinet|charities|councils|trusts|partners?|"
              r"organisations?|organizations?|providers?|firms|companies|groups|"
              r"authorities|departments|boards|businesses|employers?|volunteers?|"
              r"audiences?|attendees|players?|fans|critics?|reviewers?|viewers|readers|"
              r"scholars?|historians?|writers?|scientists?|doctors?|physicians?|patients|"
              r"soldiers|citizens|victims|perpetrators|journalists?|actors?|actress|"
              r"composers?|designers?|developers?|publishers?|producers?|king|queen|"
              r"president|judges?|court|tribunal|army|police|leaders?|founders?|inventors?")
_PERSON = re.compile(
    rf"\b(?:by|from|with|led by|written by|chaired by)\s+(?:an?\s+|the\s+)?"
    rf"(?:[\w-]+\s+){{0,3}}?(?:{_ORG_WORDS}|[A-Z][a-z]+)\b|"
    rf"\b[A-Z][a-z]+(?:\s+(?:[A-Z][a-z]+|of|for|and|&))*\s+(?:{_ORG_WORDS})\b|"
    rf"(?i:\b(?:{_ORG_WORDS})\b)|\b(?:Mr|Mrs|Ms|Dr|Professor|Sir|Dame|Lord|Lady)\b|"
    rf"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\s+[A-Z][a-z]+\b|"
    # a full name opening the sentence ("Ervin Staub showed..."), a name in CamelCase
    rf"^\W*(?!(?:The|A|An|In|On|At|As|This|That|These|Those|It|Its|After|Before|During|"
    rf"When|While|For|With|By|From|However|But|And|Although|Because|If|Each|Every|Some|"
    rf"Many|Most|All|Both|Other|Such|Their|There|Our|We|They)\b)[A-Z][a-z]+\s+[A-Z][a-z]+\b|"
    rf"\b[A-Z][a-z]+[A-Z][a-z]\w*\b",
)


_REASON = re.compile(
    r"\b(?:because|since|as a result|result(?:s|ed)? in|due to|owing to|so that|"
    r"in order to|so as to|needs?|needed|helps?|helped|allows?|allowed|enables?|enabled|"
    r"offers?|means|meant|leads? to|led to|caus\w*|reasons?|thanks to|concluded|"
    r"therefore|thus|hence|which meant|associated with|could only|only by|"
    r"by (?!the\b|a\b|an\b)\w+ing)\b|,\s+so\b", re.IGNORECASE)


def holds_kind(text: str, kind: str | None) -> bool:
    """Whether ``text`` holds the kind of fact ``kind`` (None: any sentence does)."""
    if kind is None:
        return True
    if kind == "reason":
        return bool(_REASON.search(text))
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "number":
        return bool(_NUMBER.search(text))
    if kind == "place":
        return bool(_PLACE.search(text))
    if kind == "person":
        return bool(_PERSON.search(text))
    return True


# -- actors and aspects ----------------------------------------------------------------

#: Verbs that tell someone what to do ("Commissioners should...", "The board is asked to
#: agree..."). Not "can" or "could": "a staff-owned organisation can carry contract risk"
#: states what is possible, it asks no one to act.
_MODAL = re.compile(r"\b(?:should|must|ought to|needs? to|will need to|are encouraged to|"
                    r"is encouraged to|may wish to|would benefit from|could consider|"
                    r"(?:is|are) (?:asked|invited|urged|advised) to)\b", re.IGNORECASE)
_RECOMMEND_THAT = re.compile(r"\b(?:recommend|suggest|propose|advise|urge|ask|call on|"
                             r"invite|encourage)s?\s+(?:that\s+)?(?P<who>[^,;:]{2,60}?)\s+"
                             r"(?:should|must|to|will|need|could|consider|review|set|"
                             r"publish|agree|use|adopt|make|create|fund|ensure|take|"
                             r"allow|build|give|provide)(?:e?s)?\b", re.IGNORECASE)


def addressed_to(text: str) -> tuple[str, ...]:
    """Actors a sentence addresses as the ones to act: the subject of its modal verb
    ("Commissioners should...", "Government must..."), or whom it recommends to ("We
    recommend that councils..."). Empty when the sentence names no one to act."""
    m = _RECOMMEND_THAT.search(text)
    if m:
        found = _actors(m.group("who"))
        if found:
            return found
    m = _MODAL.search(text)
    if m:
        return _actors(text[max(0, m.start() - 80): m.start()], last=True)
    return ()


#: "A mutual can avoid lock-in by ...": what an actor is able to do, a way for it to act
#: (not what it cannot or finds hard: "Mutuals can struggle to ...").
_ABLE = re.compile(r"\b(?:can|could|may|are able to|is able to)\s+(?!not\b|never\b|be\b|"
                   r"struggle|find\b|face\b|lack|lose\b|fail|suffer|feel\b|seem)"
                   r"(?:also\s+|often\s+|then\s+)?[a-z]+", re.IGNORECASE)


def able_actors(text: str) -> tuple[str, ...]:
    """The actor a sentence says can do something ("A mutual can avoid lock-in by ...",
    "Commissioners could ask for ..."): the one named just before its first "can"."""
    m = _ABLE.search(text)
    if not m or m.start() > 120:
        return ()
    before = text[: m.start()]
    named = _actors(before, last=True)
    if not named:
        return ()
    # the actor is the modal's subject: at most a few words come between them ("A mutual
    # can", "Smaller mutuals in a consortium could"), not a clause ("Commissioners are
    # unfamiliar with the mutual model and may doubt")
    end = max(before.lower().rfind(f) + len(f) for f in ACTORS[named[0]]
              if f in before.lower())
    between = re.sub(r"^[\w'-]*", "", before[end:]).lower().split()  # past the word's end
    return named if len(between) <= 3 and not {"and", "but", "or", "which", "who", "that",
                                               "whether"} & set(between) else ()


#: "We recommend that staff are consulted ...": a recommendation naming no one to act,
#: addressed to whoever the document is for.
_PASSIVE_RECOMMENDATION = re.compile(r"\brecommend(?:s|ed)?\s+that\s+[^,;]{1,60}?\b(?:is|are|be|"
                                     r"should be)\s+\w+ed\b", re.IGNORECASE)


def recommends_passively(text: str) -> bool:
    """A recommendation in the passive ("We recommend that staff are consulted")."""
    return bool(_PASSIVE_RECOMMENDATION.search(text))


def is_directive(text: str) -> bool:
    """Whether the sentence tells someone to act: a modal of obligation or advice
    ("should", "is asked to"), a recommendation ("We recommend that..."), or an
    instruction to the reader ("Agree a ...", "Do not wait ...", "your")."""
    return bool(_MODAL.search(text) or _RECOMMEND_THAT.search(text)
                or re.search(r"\brecommend", text, re.IGNORECASE)
                or re.match(r"^\W*(?:\d+(?:\.\d+)*\.?\s+)?(?:do not|don't|never|always)\s+\w+",
                            text, re.IGNORECASE)
                or addresses_reader(text))


#: "Lanterns Children and Family Services, a public service mutual", "Ashby Community
#: Health is a community interest company owned by its staff": a document names an
#: organisation and says what it is.
_NAME = r"(?P<name>[A-Z][\w'’&-]*(?:\s+(?:[A-Z][\w'’&-]*|and|of|for|&))*)"
_APPOSITION = re.compile(
    rf"{_NAME}(?:,\s+(?:itself\s+)?|\s+(?:is|was|became|has become)\s+)(?:a|an|the|our)\s+"
    rf"(?P<what>[^,.;:]{{0,60}})")
_OWNED = re.compile(rf"{_NAME}\s+(?:[^.;:]{{0,80}}?\s)?(?:owned|run) by its "
                    rf"(?:\d[\d,]*\s+)?(?:staff|employees|members of staff)")


def organisation_actors(text: str) -> dict[str, str]:
    """Names of organisations a document says are one of ``ACTORS`` -> that actor
    ("Lanterns Children and Family Services" -> "mutuals"), so that a sentence addressed
    to one by name ("Lanterns should simplify ...") is seen as addressed to that actor."""
    out: dict[str, str] = {}
    for m in _APPOSITION.finditer(text):
        found = _actors(m.group("what"))
        if found and m.group("name").lower() not in ("it", "this", "the"):
            out.setdefault(m.group("name"), found[0])
    for m in _OWNED.finditer(text):
        out.setdefault(m.group("name"), "mutuals")
    return out


def subject_before_directive(text: str) -> str:
    """The words before the sentence's modal verb ("Lanterns" in "Lanterns should
    simplify..."), or '' when it has none."""
    m = _MODAL.search(text)
    return text[: m.start()] if m else ""


def addressee_words(text: str) -> str:
    """The words naming whom a sentence tells to act: whom it recommends to ("the
    council" in "We recommend that the council agrees..."), else the words before its
    modal verb; '' when it names no one."""
    m = _RECOMMEND_THAT.search(text)
    if m:
        return m.group("who")
    return subject_before_directive(text)


def _actors(text: str, last: bool = False) -> tuple[str, ...]:
    """Actors named in ``text``; with ``last``, only the one named nearest its end."""
    low = text.lower()
    hits: list[tuple[int, int, str]] = []  # (end of the form, its length, actor)
    for actor, forms in ACTORS.items():
        for f in forms:
            pos = low.rfind(f)
            if pos >= 0:
                hits.append((pos + len(f), len(f), actor))
    if not hits:
        return ()
    if last:  # the actor named nearest the end; "integrated care board" over "board"
        return (max(hits)[2],)
    return tuple(dict.fromkeys(a for _, _, a in sorted(hits)))


def mentions_actor(text: str, actor: str) -> bool:
    low = text.lower()
    return any(f in low for f in ACTORS.get(actor, ()))


def speaks_of(text: str, aspect: str | None) -> bool:
    """Whether the sentence's own words name ``aspect`` (or, for recommendations, say
    what someone should do)."""
    if aspect is None:
        return False
    low = text.lower()
    if aspect == "recommendations":
        return bool(_MODAL.search(text) or _RECOMMEND_THAT.search(text)
                    or re.search(r"\brecommend", low))
    return any(stem in low for stem in ASPECTS.get(aspect, ()))


#: Words that state a point of an aspect without naming it: a gain ("can offer ... new
#: routes", "greater engagement", "cut costs"), a difficulty ("face staff shortages",
#: "took too long"), an action ("should", "agree a template").
_CUES = {
    "benefits": re.compile(
        r"\b(?:offers?|offered|offering|improv\w*|better|greater|higher|more effective|"
        r"increase[ds]?|increasing (?:their|its|the)|reduc\w*|cut|cuts|sav(?:e|es|ed|ing)s?|"
        r"enabl\w*|allow\w*|help(?:s|ed)?|new routes?|access to|reach|innovat\w*|"
        r"cost-effective|efficien\w*|economies|bulk|shared|pool\w*|stronger|faster|"
        r"fewer|lower|resilien\w*|sustainab\w*|win|won|grow\w*|scale|expertise|"
        r"associated with (?:higher|better|greater|improved))\b", re.IGNORECASE),
    "challenges": re.compile(
        r"\b(?:face[ds]?|facing|lack\w*|shortages?|constraints?|uncertain\w*|slow\w*|"
        r"hard\w*|unable|cannot|could not|can't|limit\w*|burden\w*|costly|expensive|"
        r"delay\w*|too (?:long|slow|little|small|few)|struggl\w*|tension\w*|conflict\w*|"
        r"mistrust|distrust|unclear|confus\w*|friction|fail\w*|los[se]|threat\w*|"
        r"pressure\w*|gaps?|weak\w*|insufficient|fragment\w*|complex\w*|resist\w*|"
        r"reluctan\w*|exclud\w*|disadvantag\w*|liab\w*|loss(?:es)?|disputes?|damag\w*|"
        r"expos\w*|harm\w*|ended early|taken over|unaware|not guaranteed|withdraw\w*|"
        r"warned)\b|\b(?:if|unless)\b[^.]*\b(?:would|could|may|might)\b", re.IGNORECASE),
    "lessons": re.compile(
        r"\b(?:learn\w*|lesson\w*|worked|found that|realised|realized|in hindsight|"
        r"should have|would have|next time|key to|depend\w* on|made the difference)\b",
        re.IGNORECASE),
    "steps": re.compile(
        r"^\W*(?:first|then|next|finally|start|begin|agree|check|ask|make|set|write|"
        r"identify|choose|map|talk|speak|seek|get|build|plan|review|decide|use|"
        r"consider|find|draw up|put|test|invest|record|publish|name|appoint)\b|"
        r"\b(?:should|must|need to|needs to|step|before)\b", re.IGNORECASE),
}


_OPPOSITE = {"benefits": "challenges", "challenges": "benefits", "risks": "benefits"}


_CUES["risks"] = _CUES["challenges"]


def cue_count(text: str, aspect: str | None) -> int:
    """How many words of ``text`` state a point of ``aspect`` (see ``_CUES``)."""
    cue = _CUES.get(aspect or "")
    return len(cue.findall(text)) if cue else 0


def leans_other_way(text: str, aspect: str | None) -> bool:
    """A sentence with more words of the opposite aspect than of its own ("allowed ...
    to reach people it could not reach alone" is a benefit, not a challenge)."""
    other = _OPPOSITE.get(aspect or "")
    if other is None or speaks_of(text, aspect):
        return False
    return cue_count(text, other) > cue_count(text, aspect)


#: Words that start a sentence without being a verb of command: determiners, pronouns,
#: prepositions, conjunctions, quantifiers and adverbs ("The", "Most", "Because", "Then").
_NOT_A_COMMAND = set("""a an the this that these those it its they them their there we our
us i my he she his her you your who which what when where why how if unless because since
although though while whilst after before once until as at by for from in into of on to
with without within between among across over under about through during one two three
four five six seven eight nine ten many most more much some several few fewer less all
every each both either neither no none not such other another only also even then now here
next first second third last finally overall yet so but and or nor however instead indeed
thus hence therefore still just too very""".split())
#: Words that follow a verb of command: its object's determiner or a preposition
#: ("Leave enough time...", "Say in the tender documents...", "Measure a small number...").
_AFTER_COMMAND = set("""a an the your our their his her its any every each all enough some
no which what how whether who that this these those them it him up out down off back in on
to for at from about between with into over as clear sure early""".split())
_FINITE = re.compile(r"^(?:is|are|was|were|has|have|had|will|would|can|could|may|might|"
                     r"should|must|does|did|do)$", re.IGNORECASE)


def is_imperative(text: str) -> bool:
    """Whether the sentence is a command: it starts with a verb and its object ("Agree a
    memorandum...", "Leave enough time...", "Put a GP on the board..."), not with a
    subject ("Staff may fear...", "Joint training helped...", "Starting with ... let").

    Without a part-of-speech tagger, the first word counts as a verb when it is not a
    function word, a plural or third-person form (-s), a participle (-ed, -ing) or an
    adverb (-ly), the next word is a determiner, pronoun or preposition, and no finite
    verb follows within four words (which would make the first words a subject:
    "Access to working capital is limited")."""
    words = re.sub(r"^\W*(?:\d+(?:\.\d+)*\.?\s+)?", "", text).split()
    if len(words) < 3:
        return False
    first = words[0].strip(",;:").lower()
    if not words[0][:1].isupper() or first in _NOT_A_COMMAND or not first.isalpha():
        return False
    if ((first.endswith("s") and not first.endswith("ss")) or first.endswith(("ed", "ing"))
            or (first.endswith("ly") and first not in ("apply", "supply", "rely", "reply",
                                                       "comply"))):
        return False
    if words[1].strip(",;:").lower() not in _AFTER_COMMAND:
        return False
    return not any(_FINITE.match(w.strip(",;:")) for w in words[1:5])


def addresses_reader(text: str) -> bool:
    """An instruction to whoever reads the document: an imperative or "you"/"your"."""
    if is_imperative(text):
        return True
    return bool(re.match(r"^\W*(?:(?:first|then|next|finally|also|before \w+ing[^,]*|"
                         r"once [^,]*),\s*)?(?:[A-Z][a-z]+)\b(?<!\bThe)(?<!\bA)", text)
                and re.match(r"^\W*(?:(?:first|then|next|finally|also|before \w+ing[^,]*|"
                             r"once [^,]*),\s*)?(?:agree|ask|build|check|choose|consider|"
                             r"decide|draw|find|get|identify|invite|keep|make|map|name|"
                             r"plan|publish|put|read|record|review|seek|set|share|speak|"
                             r"start|take|talk|tell|test|use|write|look|talk|appoint|"
                             r"budget|allow|avoid|involve|prepare|meet|list|work|give|"
                             r"include|involve)\b", text, re.IGNORECASE)
                or re.search(r"\b(?:you|your)\b", text, re.IGNORECASE))


#: What might happen: a modal of possibility, a condition, an exposure.
_POSSIBILITY = re.compile(r"\b(?:may|might|could|can|would)\b|\b(?:if|unless)\b|"
                          r"\bnot guaranteed\b|\bliab\w*|\brisks?\b|\bexpos\w*|"
                          r"\bvulnerab\w*", re.IGNORECASE)


def states_possibility(text: str) -> bool:
    """Whether the sentence says what might happen ("... may tender the work ...",
    "If a partner withdraws, ... would ..."): the way a risk is stated."""
    return bool(_POSSIBILITY.search(text))


def states_point(text: str, aspect: str | None) -> bool:
    """Whether a sentence outside the aspect's own section states such a point: it
    names the aspect, or uses words that state one (see ``_CUES``)."""
    if speaks_of(text, aspect):
        return True
    cue = _CUES.get(aspect or "")
    return bool(cue and cue.search(text))
