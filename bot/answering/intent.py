"""What kind of answer a question asks for: one entry, or several put together.

- **overview**: the essay's own question in any wording ("so was stalin consistent or not",
  "sum up the essay", "what's the conclusion");
- **side**: the arguments on one side ("arguments against", "evidence it was consistent");
- **historian** / **historians**: one historian's view, or what the historians say;
- **compare**: two named people, historians, events or terms side by side;
- **period**: a date or span and nothing else ("what happened in 1937", "aug 1939");
- **entry**: everything else, one entry.

A question is about the essay as a whole when its words are only the essay question's own
(Stalin, foreign policy, domestic ideology, consistent, read from the pack) and words about
arguing ("essay", "argument", "conclusion"): any other word names a topic, and then the
question is about that topic's entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.answering.dates import QueryDate, parse_iso
from bot.answering.engine import SOFT_WORDS, AnswerEngine
from bot.answering.reading import Reading
from bot.answering.text import GENERIC, META, META_TERMS, stem, terms
from knowledge.models import ArgumentEntry, Entry, EventEntry, PersonEntry, WorkEntry

IntentKind = Literal["entry", "overview", "side", "historian", "historians", "compare",
                     "period", "corrections"]

_BOTH = re.compile(r"\b(?:for and against|against and for|both sides|two sides|pros and cons|"
                   r"consistent (?:and|or) (?:in|not )consistent|consistent or not)\b")
_AGAINST = re.compile(r"\b(?:inconsisten\w*|not consistent|wasn ?t consistent|against|"
                      r"contradict\w*|hypocri\w*|betray\w*|broke with|break with|"
                      r"counter ?arguments?|counter)\b")
_QUALIFIED = re.compile(r"\b(?:qualif\w*|caveats?|nuance\w*|limits? to|limitations?|partly|"
                        r"partially|mixed|complicat\w*|on the other hand|middle ground)\b")
_FOR = re.compile(r"\b(?:consisten\w*|for|in favou?r|supports?)\b")
_CONSISTENCY = re.compile(r"\b(?:in)?consisten\w*|\bcontradict\w*|\bhypocri\w*")
#: Asking for the arguments themselves, not a verdict ("how was it consistent" vs "was it").
_LISTING = re.compile(r"\b(?:arguments?|evidence|points?|reasons?|ways?|examples?|case|"
                      r"factors?|show\w*|prove\w*|list|give|outline|what|which|how)\b")
_VERDICT = re.compile(r"\b(?:extent|how consistent|how inconsistent|overall|conclu\w*)\b")
_OVERVIEW = re.compile(r"\b(?:essay|summary|summari[sz]\w*|overview|gist|nutshell|thesis|"
                       r"conclu\w*|overall|main (?:argument|point|idea)s?|sum up|the question|"
                       r"extent|consisten\w*|inconsisten\w*|ideolog\w*)\b")
_VIEW = re.compile(r"\b(?:argue\w*|argument\w*|say\w*|said|think\w*|thought|views?|claim\w*|"
                   r"believe\w*|according|opinion|position|interpret\w*|perspective|stance|"
                   r"take|suggest\w*|conclu\w*|point|case|use|uses|cite\w*|mean)\b")
_WHO = re.compile(r"^(?:who|whos)\b")
_WORKS = re.compile(r"\b(?:book|books|wrote|write|written|publish\w*|work|works)\b")
_COMPARE = re.compile(r"\b(?:compare\w*|comparison|contrast\w*|versus|vs|differen\w*|differ\w*|"
                      r"similar\w*|alike|agree\w*|disagree\w*|same as|both|between)\b")
#: Asking whether the essay is right ("is 75% legit", "what does the essay get wrong").
_DOUBT = re.compile(r"\b(?:wrong|mistakes?|mistaken|errors?|erroneous|inaccura\w*|incorrect\w*|"
                    r"true|really|actually|accura\w*|reliab\w*|correct\w*|typos?|myths?|"
                    r"exaggerat\w*|mislead\w*|fact ?check\w*|right about|get right|"
                    r"misspel\w*|factual\w*)\b")
#: Asking how two things connect: answered by an argument that joins them, if one does.
_LINKING = re.compile(r"\b(?:links?|linked|linking|relationship|relations?|connect\w*|relate\w*|"
                      r"tie|ties|same hand)\b")
_HISTORIANS = re.compile(r"\b(?:historians|historiography|scholars|which historian|"
                         r"what historian)\b")


@dataclass(frozen=True, slots=True)
class Intent:
    kind: IntentKind = "entry"
    side: str = ""  # consistent, inconsistent or qualified: for "side", or to prefer in "entry"
    entries: tuple[Entry, ...] = ()  # the historian, or the things compared
    date: QueryDate | None = None  # for "period"
    doubt: bool = False  # "is that right": prefer an entry with a correction
    linking: bool = False  # "the link between X and Y": an argument joining them, if any


ENTRY = Intent()


def detect(reading: Reading, engine: AnswerEngine) -> Intent:
    words = [engine.spelled(w) for w in reading.words.words]
    text = " ".join(words)
    topical = topical_words(reading, engine)
    named = engine.mentions(reading)
    historians = [e for e in named if e.id in _historians(engine)]
    if _COMPARE.search(text) or _LINKING.search(text):
        compared = _compared(named, historians, engine.core_entries)
        if len(compared) >= 2:
            return Intent("compare", entries=tuple(compared),
                          linking=bool(_LINKING.search(text)))
    if len(historians) == 1 and _VIEW.search(text) and not _WHO.search(text) \
            and not _WORKS.search(text) and _about_them(engine, historians[0], topical):
        return Intent("historian", entries=(historians[0],))
    if not historians and _HISTORIANS.search(text) and len(topical) <= 1:
        return Intent("historians")
    between = _between(engine, text, named, topical)
    if between is not None:
        return Intent("period", date=between)
    doubt = bool(_DOUBT.search(text))
    if topical:  # "how does spain show consistency": that topic's argument on that side
        side = _side(text) if _CONSISTENCY.search(text) else ""
        return Intent(side=side, doubt=doubt)
    if doubt and "essay" in words:
        return Intent("corrections")
    whole = _whole_essay(text)
    if whole.kind == "entry" and reading.date is not None:
        return Intent("period", date=reading.date)
    return whole


def topical_words(reading: Reading, engine: AnswerEngine) -> list[str]:
    """The question's words that name a topic: not words of asking or arguing, not the
    essay question's own words (however misspelt), not numbers or single letters."""
    return [w for w in reading.words.content
            if w not in GENERIC and w not in META and w not in SOFT_WORDS and len(w) > 1
            and not w.isdigit() and engine.term_of(w) not in engine.core | META_TERMS]


def _about_them(engine: AnswerEngine, person: Entry, topical: list[str]) -> bool:
    """Whether the question's other topic words are in the historian's own entries
    ("what did preston say about spain"), not about something else ("preston north end")."""
    own = set(terms(person.title)) | {t for a in person.aliases for t in terms(a)}
    theirs = [e for e in engine.by_id.values()
              if (isinstance(e, ArgumentEntry) and e.historian == person.id)
              or (isinstance(e, WorkEntry) and e.author == person.id) or e is person]
    said = {t for e in theirs for t in terms(f"{e.title} {e.text} {' '.join(e.quotes)}")}
    rest = {engine.term_of(w) for w in topical} - own
    return len(rest - said) <= len(rest) // 2


_BETWEEN = re.compile(r"\b(?:between|from)\b")
_AFTER = re.compile(r"\b(?:after|since|following)\b")
_BEFORE = re.compile(r"\b(?:before|leading up to|up to|until|prior to)\b")
_HAPPENED = re.compile(r"\b(?:happen\w*|events?|timeline|going on|went on|what did)\b")


def _between(engine: AnswerEngine, text: str, named: list[Entry],
             topical: list[str]) -> QueryDate | None:
    """"What happened between Munich and the Pact", "after the pact": the span two events
    (or one and the story's end) mark."""
    events = [e for e in named if isinstance(e, EventEntry)]
    if not events or not _HAPPENED.search(text):
        return None
    names = {t for e in events for t in terms(" ".join([e.title, *e.aliases]))}
    if any(stem(w) not in names for w in topical):
        return None
    first = parse_iso(events[0].date)
    if len(events) >= 2 and _BETWEEN.search(text):
        last = parse_iso(events[1].end_date or events[1].date)
        return QueryDate(*first, until=QueryDate(*last))
    if len(events) == 1 and _AFTER.search(text):
        return QueryDate(*first, until=QueryDate(engine.years.stop - 1, None, None))
    if len(events) == 1 and _BEFORE.search(text):
        return QueryDate(engine.years.start, None, None, until=QueryDate(*first))
    return None

def _side(text: str) -> str:
    """The side of the essay's question a question's words take, if any."""
    if _BOTH.search(text):
        return ""
    return ("inconsistent" if _AGAINST.search(text) else "qualified" if _QUALIFIED.search(text)
            else "consistent" if _FOR.search(text) else "")


def _whole_essay(text: str) -> Intent:
    """A question in the essay question's own words: an overview, or one side's arguments."""
    if _BOTH.search(text) or _VERDICT.search(text):
        return Intent("overview")
    side = _side(text)
    if side and _LISTING.search(text):
        return Intent("side", side=side)
    if _OVERVIEW.search(text) or side:
        return Intent("overview")
    return ENTRY


def _compared(named: list[Entry], historians: list[Entry], core: frozenset[str]) -> list[Entry]:
    """What a comparison is between: the historians named, else the other things named
    (leaving out the essay question's own subject, "Stalin", unless there is nothing else)."""
    if len(historians) >= 2:
        return historians
    others = [e for e in named if e.id not in core]
    return others[:3] if len(others) >= 2 else named[:2] if len(named) == 2 else []


@lru_cache(maxsize=8)
def _historians(engine: AnswerEngine) -> frozenset[str]:
    """People who argue something in the packs or wrote a work they cite (by id)."""
    found = {e.historian for e in engine.by_id.values()
             if isinstance(e, ArgumentEntry) and e.historian}
    found |= {e.id for e in engine.by_id.values()
              if isinstance(e, PersonEntry) and "historians" in e.tags}
    found |= {e.author for e in engine.by_id.values() if isinstance(e, WorkEntry)
              and any(isinstance(a, ArgumentEntry) and a.historian == e.author
                      for a in engine.by_id.values())}
    return frozenset(found)


def historians_of(engine: AnswerEngine) -> list[PersonEntry]:
    """The historians, in the order the packs list them."""
    ids = _historians(engine)
    return [e for e in engine.by_id.values() if isinstance(e, PersonEntry) and e.id in ids]
