"""Turning any text (a student's question, an entry's title) into comparable search terms.

Questions and entries go through the same folding, tokenising and stemming, so "Stalin's",
"stalins" and "STALIN" meet, and "collectivization" meets "collectivisation".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Questions are cut to this many characters before any matching work: a pasted essay
#: costs no more than a sentence.
MAX_QUESTION = 300

_MARKUP = re.compile(r"<[^>\n]{0,200}>|&[a-z]{2,8};|[*_~`|>#\[\](){}]")
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE_S = re.compile(r"(\w)['’]s\b")
_SPELLING = (("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("ize", "ise"))
#: "Franco-Soviet", "Anglo-French": a compound's first half names a country.
_COMBINING = {"anglo": "britain", "franco": "france", "russo": "russia", "sino": "china",
              "italo": "italy", "germano": "germany"}
_COMBINING_FORM = re.compile(r"\b(" + "|".join(_COMBINING) + r")-(?=[a-z])")
#: A nation's adjective and its name are one search term: "German" finds "Germany".
DEMONYMS = {"russian": "russia", "german": "germany", "spanish": "spain", "french": "france",
            "british": "britain", "english": "england", "american": "america", "polish": "poland",
            "finnish": "finland", "italian": "italy", "czechoslovak": "czechoslovakia",
            "czech": "czechoslovakia", "japanese": "japan", "chinese": "china", "uk": "britain",
            "usa": "america", "catalan": "catalonia", "moroccan": "morocco"}
#: Irregular verbs, so "built" meets "build" and "fought" meets "fight".
IRREGULAR = {"built": "build", "began": "begin", "begun": "begin", "fought": "fight",
             "led": "lead", "took": "take", "taken": "take", "won": "win", "wrote": "write",
             "written": "write", "made": "make", "brought": "bring", "gave": "give",
             "given": "give", "fell": "fall", "fallen": "fall", "met": "meet", "sent": "send",
             "shot": "shoot", "sought": "seek", "thought": "think", "threw": "throw",
             "thrown": "throw", "came": "come", "went": "go", "gone": "go", "saw": "see",
             "seen": "see", "became": "become", "broke": "break", "broken": "break",
             "chose": "choose", "chosen": "choose", "drove": "drive", "held": "hold",
             "kept": "keep", "left": "leave", "lost": "lose", "paid": "pay", "sold": "sell",
             "told": "tell", "understood": "understand", "spoke": "speak", "spoken": "speak"}

def word_set(text: str) -> frozenset[str]:
    """A set of words written as one block of text (long word lists stay readable)."""
    return frozenset(text.split())


#: Words that carry no topic: ignored for matching (some still hint at the kind of entry).
STOP_WORDS = word_set("""
a about above after again against all am an and any are aren as at be because been before
being below between both but by can could did didn do does doesn doing don down during each
explain explained few for from further had has have having he her here hers herself him
himself his how i if in into is isn it its itself just know let like me mean means meant
more most much my myself no nor not now of off on once only or other our ours out over own
please same she should so some such tell than that the their theirs them themselves then
there these they this those through to too under until up us very was wasn we were weren
what whats when where which while who whom whose why will with would you your yours yourself
define definition describe happen happened happens info information give talk summary
summarise summarize say said says did does role significance significant important
thing things stuff anything something someone somebody quick quickly briefly brief
ok okay hi hello hey thanks thank pls plz bot date dates year years
""")

#: Question words and the kind of entry they ask for: a hint that breaks near ties.
KIND_HINTS: dict[str, str] = {
    "who": "person", "whom": "person", "whose": "person",
    "when": "event", "date": "event", "year": "event", "happened": "event", "happen": "event",
    "why": "argument", "argue": "argument", "argues": "argument", "argued": "argument",
    "argument": "argument", "arguments": "argument", "extent": "argument",
    "consistent": "argument", "inconsistent": "argument", "view": "argument",
    "say": "argument", "said": "argument", "says": "argument", "think": "argument",
    "thinks": "argument", "claim": "argument", "claims": "argument",
    "define": "term", "definition": "term", "meaning": "term", "mean": "term", "means": "term",
    "term": "term",
    "book": "work", "wrote": "work", "written": "work", "write": "work",
    "motive": "argument", "motives": "argument", "reason": "argument", "reasons": "argument",
    "link": "argument", "links": "argument", "linked": "argument", "connect": "argument",
    "connection": "argument", "relationship": "argument", "shape": "argument",
    "shaped": "argument", "influence": "argument", "influenced": "argument",
    "justify": "argument", "justified": "argument",
    "many": "fact", "much": "fact", "figures": "fact", "number": "fact", "percent": "fact",
}


def clean(raw: str) -> str:
    """The question as safe, readable text: no control characters or markup, sane length."""
    text = unicodedata.normalize("NFKC", raw[: MAX_QUESTION * 4])
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = _MARKUP.sub(" ", text)
    return " ".join(text.split())[:MAX_QUESTION].strip()


def fold(text: str) -> str:
    """Lower case, accents and apostrophes folded, so spelling variants compare equal."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _COMBINING_FORM.sub(lambda m: _COMBINING[m.group(1)] + " ", text)
    return _APOSTROPHE_S.sub(r"\1", text).replace("'", "").replace("’", "")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stemmer: plurals and -ed/-ing/-e endings, British spelling of -ize.

    Cached: an index repeats the same words, and sharing one string per term keeps it small.
    """
    word = DEMONYMS.get(word, word)
    word = IRREGULAR.get(word, word)
    if word.isdigit() or len(word) <= 3:
        return word
    for american, british in _SPELLING:
        if word.endswith(american):
            word = word[: -len(american)] + british
            break
    for noun, verb in (("usion", "ud"), ("asion", "ad"), ("ision", "id")):
        if word.endswith(noun) and len(word) > 6:
            return word[: -len(noun)] + verb  # "conclusion" meets "conclude"
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 4:
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Folded words in order, stop words included (question words are hints)."""
    return _WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """The stemmed content words of a text: what the index stores and queries match."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


#: Text-speak and fillers, read as the word they stand for; "" marks a filler, dropped.
SLANG: dict[str, str] = {
    "wat": "what", "wot": "what", "wht": "what", "wut": "what", "wats": "what is",
    "wha": "what", "wen": "when", "wn": "when", "whn": "when", "y": "why", "hw": "how",
    "wer": "where", "abt": "about", "bout": "about", "ppl": "people",
    "u": "you", "ur": "your", "r": "are", "b4": "before", "bc": "because", "cuz": "because",
    "coz": "because", "cos": "because", "tho": "though", "thru": "through", "w": "with",
    "wiv": "with", "wud": "would", "cud": "could", "shud": "should", "smth": "something",
    "gimme": "give", "tldr": "summary", "eli5": "explain", "ussrs": "ussr", "twe": "extent",
    "para": "paragraph", "legit": "true", "convo": "conversation", "info": "information",
    "q": "question", "qs": "questions", "whats": "what is", "whos": "who is", "hows": "how is",
    "wheres": "where is", "whens": "when is", "whys": "why is", "thats": "that is",
    "theres": "there is", "im": "i am", "ive": "i have", "dont": "do not", "doesnt": "does not",
    "didnt": "did not", "isnt": "is not", "wasnt": "was not", "werent": "were not",
    "arent": "are not", "cant": "can not", "couldnt": "could not", "wouldnt": "would not",
    "shouldnt": "should not", "wont": "will not", "hasnt": "has not", "havent": "have not",
    "hadnt": "had not", "youre": "you are", "theyre": "they are", "hes": "he is",
    "shes": "she is", "lets": "let us",
    "pls": "", "plz": "", "plez": "", "yo": "", "lol": "", "lmao": "", "omg": "", "bruh": "",
    "bro": "", "ok": "", "okay": "", "k": "", "kk": "", "hmm": "", "um": "", "uh": "",
    "idk": "", "dunno": "", "rn": "", "asap": "", "fr": "", "ngl": "", "tbh": "", "srsly": "",
    "thx": "", "ty": "", "ya": "", "yeah": "", "yep": "", "nah": "", "like": "", "bit": "",
    "lil": "", "guys": "", "fam": "", "mate": "", "pal": "", "innit": "", "tbf": "",
    "tea": "", "legend": "", "vibe": "", "vibes": "", "lowkey": "", "highkey": "",
}

#: Words that ask rather than name: exam command words and the language of argument,
#: cause and comparison. A question is never out of scope for using them, and where the
#: packs never use them they do not count in matching ("Assess the significance of ..." is
#: about the rest of the sentence).
GENERIC = word_set("""
assess evaluate explain describe discuss analyse analyze examine outline identify consider
justify compare contrast summarise summarize account illustrate interpret comment review
investigate suggest state list show prove demonstrate determine estimate debate criticise
criticize judge weigh agree disagree agreed extent far degree importance important
significance significant relevance relevant valid validity accurate accuracy reliable
reliability convincing convince view views statement interpretation interpretations claim
claims claimed opinion opinions perspective perspectives position stance verdict judgement
judgment answer answers question questions essay essays paragraph paragraphs conclusion conclusions
conclude concluded point points evidence example
examples factor factors reason reasons cause causes caused consequence consequences effect
effects impact impacts result results outcome outcomes aim aims motive motives motivation
motivations purpose purposes goal goals role roles part parts nature aspect aspects feature
features key main major chief primary principal central overall general generally mostly
mainly largely primarily fully entirely totally partly partially really actually basically
simply exactly involvement involve involved involving influence influenced influences affect
affected shape shaped contribute contributed contribution link links linked connection
connections connect connected relationship relationships relation similar similarity
similarities difference differences different differ differed differently change changes
changed continuity development developments develop developed approach approaches attitude
attitudes response responses reaction reactions react reacted success successful
succeeded failure failures fail failed strength strengths weakness weaknesses limitation
limitations limit problem problems issue issues challenge challenges benefit benefits
advantage advantages disadvantage disadvantages useful usefulness value way ways method
methods mean means meaning meant understand understanding explanation explanations
description overview summary summarising details detail detailed context background
happen happened happening happens occur occurred event events thing things stuff fact facts
topic topics subject idea ideas concept concepts theme themes term terms word words
definition define defined notes note revision revise exam exams test mark marks grade
help helped helps need needed needs want wanted wants try tried tries trying seem seemed
seems appear appeared suggests suggested show shows showed shown reveal reveals revealed
mention mentions mentioned refer refers referred discuss discussed discusses say says
said tell tells told write wrote written writes writing read reading author writer
historian historians historiography source sources according argue argues argued arguing
argument arguments believe believed believes think thinks thought feel felt consider
considered regard regarded see seen saw look looked case cases
why how what when where who which whom whose whether
much many more most less least few several some any every each both either neither
good bad better worse best worst bigger biggest small smaller
higher lower longer shorter earlier later last next previous same other another own whole
full wrong possible likely unlikely clear clearly obvious obviously certain
certainly simple complex true truly indeed quite rather very too also just even still
so such then thus therefore hence however although though despite whereas while yet
ever never always often sometimes usually really especially particularly specifically
instead rather overall together apart mainly finally initially originally eventually
bullet bullets structure structured paragraph typo typos mistake mistakes error errors
inaccuracy inaccuracies inaccurate factual factually chronology treatment counterargument
counterarguments counter timeline timelines drive driven drove driving motivate motivated
pursuit pursue pursued pursuing worth worthwhile favour favor favourable favorable
""")

#: Words about the essay and arguing, not about a topic of it: an essay's question in its
#: own words is about the whole essay.
META = word_set("""
essay essays author writer text piece argue argues argued argument arguments arguing claim
claims conclusion conclusions conclude concludes concluded overall summary summarise
summarize summarising overview gist nutshell main point points thesis side sides case
evidence view views answer question title whole basic idea ideas key theme themes judgement
judgment verdict line stance position opinion consistent inconsistent consistency
inconsistency inconsistencies consistently ideology ideological ideologically foreign
domestic policy policies events event happened timeline important key things way ways
example examples reason reasons show shows prove proves support supports sum total answering
hypocrite hypocrites hypocrisy hypocritical pragmatic pragmatism pragmatist ideologue
realist realism opportunist opportunism principled principle principles cynical reactive
proactive planned planning end ending
beginning structure middle ground qualified qualify qualification qualifications caveat
caveats counterargument counterarguments counter diplomacy diplomatic relations strongest
weakest deal book books
""")

#: The same words as index terms (stemmed), for words read through spelling correction.
META_TERMS = frozenset(stem(w) for w in META)

#: Phrasings that mean one word the entries use: "who took over from Litvinov".
PHRASES = ((re.compile(r"\btl\W{0,2}dr\b"), "summary"),
           (re.compile(r"\b(?:took|take|takes|taken|taking) over\b"), "replaced"),
           (re.compile(r"\b(?:kicked|thrown|threw|throw|kick) out\b"), "expelled"),
           (re.compile(r"\b(?:broke|break|breaks) out\b"), "began"),
           (re.compile(r"\bworld war (?:two|2|ii)\b"), "second world war"),
           (re.compile(r"\bsoviet (?:union|russia)\b"), "ussr"),
           (re.compile(r"\b(?:the )?united states(?: of america)?\b|\bu\.?s\.?a?\.? "), "america "),
           (re.compile(r"\bww ?(?:2|ii)\b"), "second world war"),
           # wars the name of one word could confuse with the packs' own: one name each
           (re.compile(r"\b(?:first world war|world war (?:one|1|i)|ww ?(?:1|i|one))\b"),
            "worldwarone"),
           (re.compile(r"\bcold war\b"), "coldwar"),
           (re.compile(r"\bto what (?:extent|degree)\b|\bhow far\b"), "extent"))


@dataclass(frozen=True, slots=True)
class QueryWords:
    """A question read as words: all of them (stop words kept, text-speak read), the words
    that may name its topic, the generic words that only ask, and the kinds of entry its
    wording hints at."""

    words: list[str]
    content: list[str]
    generic: list[str]
    hints: frozenset[str]


def read_question(text: str) -> QueryWords:
    folded = fold(text)
    for pattern, meaning in PHRASES:
        folded = pattern.sub(meaning, folded)
    raw = [SLANG.get(w, w) for w in _WORD.findall(folded)]
    raw = [w for part in raw for w in part.split()]
    hints = {KIND_HINTS[w] for w in raw if w in KIND_HINTS}
    if "how" in raw and ("many" in raw or "much" in raw):
        hints.add("fact")
    if raw[:2] in (["what", "is"], ["what", "was"], ["what", "were"], ["what", "are"]):
        hints.add("term")
    if raw[:1] in (["did"], ["was"], ["were"], ["is"], ["does"], ["could"], ["had"]):
        hints.add("fact")  # a yes/no question checks a claim
    content = [w for w in raw if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]
    return QueryWords(raw, content, [w for w in content if w in GENERIC], frozenset(hints))
