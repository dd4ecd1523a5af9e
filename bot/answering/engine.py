"""The answer engine: find the knowledge-base entry a student's question is about, or abstain.

Retrieval, never generation. A small BM25 index over each entry's names (title and aliases,
weighted up), text and essay quotes gives candidates; misspelled words are corrected against
the index vocabulary first. Candidates are reranked on how much of the question they cover,
how closely a name matches (rapidfuzz), dates, and the kind of entry the question words hint
at. Below a calibrated confidence the engine answers "I don't know" with its nearest entries.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.answering.dates import QueryDate, date_match, find_date, parse_iso
from bot.answering.text import clean, fold, read_question, stem, terms, word_set
from knowledge.models import ArgumentEntry, Entry, EventEntry, PersonEntry, WorkEntry

# Field weights of the BM25 pseudo-document: a word in a name says far more than one in text.
NAME_WEIGHT, TEXT_WEIGHT, QUOTE_WEIGHT = 3.0, 1.0, 0.5
K1, B = 1.2, 0.75
CANDIDATES = 30
#: A term in more than this share of entries is skipped when gathering candidates (it still
#: counts when scoring them): it would touch most of a large index and decide nothing.
COMMON_SHARE = 0.05

#: Everyday verbs and fillers students use that say little about the topic: they weigh less
#: in how much of a question an entry covers, but are not ignored like stop words.
SOFT_WORDS = word_set("""
took take taken takes make made makes get got start started begin began end ended cause
caused causes result results lead led main key big new old first last overall over
role part effect effects impact happen work way ways use used idea ideas point aim aims
reason reasons purpose view views think thought believe know known called name named
""")

# Rerank weights and the abstention threshold, calibrated on benchmarks/devset.yaml.
W_COVER, W_NAME, W_BM25, W_KIND, W_DATE = 0.5, 0.3, 0.2, 0.06, 0.45
ANSWER_AT = 0.62
SUGGEST_AT = 0.3
UNKNOWN_WEIGHT = 0.8  # share of the largest idf an unknown word weighs in coverage


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    score: float
    cover: float
    name: float
    date: float


@dataclass(frozen=True, slots=True)
class Search:
    """What the engine made of a question, and its ranked matches (best first)."""

    question: str
    matches: list[Match]
    corrected: dict[str, str] = field(default_factory=dict)
    date: QueryDate | None = None

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def answered(self) -> bool:
        return self.best is not None and self.best.score >= ANSWER_AT

    def suggestions(self, limit: int = 3) -> list[Entry]:
        """Entries close enough to offer as "did you mean" when the engine abstains."""
        return [m.entry for m in self.matches[:limit] if m.score >= SUGGEST_AT]


@dataclass(slots=True)
class _Doc:
    entry: Entry
    name_terms: frozenset[str]
    all_terms: frozenset[str]
    names: list[str]  # each name's terms joined, for rapidfuzz


class AnswerEngine:
    """An in-memory index over entries; build once per process, then ``search`` is read-only."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.docs: list[_Doc] = []
        self.by_id: dict[str, Entry] = {}
        weighted: list[dict[str, float]] = []
        for entry in entries:
            doc, counts = _index_entry(entry)
            self.docs.append(doc)
            self.by_id[entry.id] = entry
            weighted.append(counts)
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.idf: dict[str, float] = {}
        self._build_postings(weighted)
        self.max_idf = max(self.idf.values(), default=1.0)
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for term in self.idf:
            self.by_length[len(term)].append(term)
        self.events_by_year: dict[int, list[int]] = defaultdict(list)
        for number, doc in enumerate(self.docs):
            if isinstance(doc.entry, EventEntry):
                first = parse_iso(doc.entry.date)[0]
                last = parse_iso(doc.entry.end_date)[0] if doc.entry.end_date else first
                for year in range(first, last + 1):
                    self.events_by_year[year].append(number)
        self._links = _links(self.by_id)

    def _build_postings(self, weighted: list[dict[str, float]]) -> None:
        count = max(len(weighted), 1)
        lengths = [sum(c.values()) for c in weighted]
        average = sum(lengths) / count or 1.0
        df: Counter[str] = Counter()
        for counts in weighted:
            df.update(counts.keys())
        for term, n in df.items():
            self.idf[term] = math.log(1 + (count - n + 0.5) / (n + 0.5))
        for number, counts in enumerate(weighted):
            norm = K1 * (1 - B + B * lengths[number] / average)
            for term, tf in counts.items():
                self.postings[term].append((number, self.idf[term] * tf * (K1 + 1) / (tf + norm)))

    # --- the question ---------------------------------------------------------------------

    def search(self, question: str) -> Search:
        text = clean(question)
        asked, rest = find_date(fold(text))
        words = read_question(rest)
        query: list[tuple[str, float]] = []  # (term, weight in coverage), unknown terms too
        known: dict[str, float] = {}
        corrected: dict[str, str] = {}
        for word in dict.fromkeys(words.content):
            term = stem(word)
            if term not in self.idf and not word.isdigit():
                fixed = self.correct(term)
                if fixed is not None:
                    corrected[word] = fixed
                    term = fixed
            soft = 0.35 if word in SOFT_WORDS else 1.0
            if term in self.idf:
                known[term] = self.idf[term] * soft
                query.append((term, self.idf[term] * soft))
            else:
                query.append((term, self.max_idf * UNKNOWN_WEIGHT * soft))
        gathered = self._gather(known)
        if asked is not None:
            self._gather_dated(asked, gathered)
        top = heapq.nlargest(CANDIDATES, gathered.items(), key=lambda item: item[1])
        best_bm25 = max((score for _, score in top), default=0.0) or 1.0
        phrase = " ".join(term for term, _ in query)
        matches = [self._rank(number, score / best_bm25, query, phrase, asked, words.hints)
                   for number, score in top]
        matches.sort(key=lambda m: m.score, reverse=True)
        return Search(text, matches, corrected, asked)

    def correct(self, term: str) -> str | None:
        """The index word nearest a misspelt one (1 edit from 5 letters, 2 from 8), or None.

        Among equally near words the one in most entries wins (the likelier meaning).
        """
        if len(term) < 5:
            return None
        edits = 1 if len(term) < 8 else 2
        pool: list[str] = []
        for length in range(len(term) - edits, len(term) + edits + 1):
            pool += self.by_length.get(length, [])
        found = process.extract(term, pool, scorer=OSA.distance, score_cutoff=edits, limit=8)
        if not found:
            return None
        nearest = min(distance for _, distance, _ in found)
        choices = [word for word, distance, _ in found if distance == nearest]
        return min(choices, key=lambda word: self.idf[word])

    def _gather(self, known: dict[str, float]) -> dict[int, float]:
        limit = max(200, int(len(self.docs) * COMMON_SHARE))
        terms_ = list(known)
        rare = [t for t in terms_ if len(self.postings[t]) <= limit]
        scores: dict[int, float] = defaultdict(float)
        for term in rare or terms_:
            for number, weight in self.postings[term]:
                scores[number] += weight
        if rare:  # the common terms still add to the candidates the rare ones found
            for term in terms_:
                if term not in rare:
                    for number, weight in self.postings[term]:
                        if number in scores:
                            scores[number] += weight
        return scores

    def _gather_dated(self, asked: QueryDate, scores: dict[int, float]) -> None:
        years = [asked.year] if asked.year is not None else list(self.events_by_year)
        for year in years:
            for number in self.events_by_year.get(year, []):
                scores.setdefault(number, 0.0)

    def _rank(self, number: int, bm25: float, query: list[tuple[str, float]], phrase: str,
              asked: QueryDate | None, hints: frozenset[str]) -> Match:
        doc = self.docs[number]
        total = sum(weight for _, weight in query)
        got = sum(weight * (1.0 if term in doc.name_terms else 0.75)
                  for term, weight in query if term in doc.all_terms)
        cover = got / total if total else 0.0
        name = max(fuzz.token_sort_ratio(phrase, n) for n in doc.names) / 100 if phrase else 0.0
        dated = 0.0
        if asked is not None and isinstance(doc.entry, EventEntry):
            dated = date_match(asked, doc.entry.date, doc.entry.end_date)
        kind = getattr(doc.entry, "kind", "")
        score = W_COVER * cover + W_NAME * name + W_BM25 * bm25 + W_DATE * dated
        if kind in hints:
            score += W_KIND
        if asked is not None and not query:
            score = dated  # a bare date: the event on it, if any
        return Match(doc.entry, round(score, 4), cover, name, dated)

    # --- around an answer ------------------------------------------------------------------

    def related(self, entry: Entry, limit: int = 2) -> list[Entry]:
        """Entries worth reading next: those it cites or that cite it, else its nearest kin."""
        found = [self.by_id[i] for i in self._links.get(entry.id, []) if i in self.by_id]
        if len(found) < limit:
            seen = {entry.id, *(e.id for e in found)}
            tags = set(entry.tags)
            for match in self.search(entry.title).matches:
                if match.entry.id not in seen and tags & set(match.entry.tags):
                    found.append(match.entry)
                    seen.add(match.entry.id)
                if len(found) >= limit:
                    break
        return found[:limit]


def _index_entry(entry: Entry) -> tuple[_Doc, dict[str, float]]:
    names = [entry.title, *entry.aliases]
    name_terms = [terms(n) for n in names]
    body = [entry.text, " ".join(t.replace("-", " ") for t in entry.tags)]
    if isinstance(entry, ArgumentEntry):
        body.append(entry.claim)
    if isinstance(entry, PersonEntry):
        body.append(entry.role)
    if isinstance(entry, EventEntry):
        body.append(entry.date[:4] + (" " + entry.end_date[:4] if entry.end_date else ""))
    if isinstance(entry, WorkEntry):
        body.append(f"{entry.author} {entry.year}")
    counts: dict[str, float] = defaultdict(float)
    for group in name_terms:
        for term in group:
            counts[term] += NAME_WEIGHT / max(1, len(names)) ** 0.5
    body_terms = [t for part in body for t in terms(part)]
    quote_terms = [t for quote in entry.quotes for t in terms(quote)]
    for term in body_terms:
        counts[term] += TEXT_WEIGHT
    for term in quote_terms:
        counts[term] += QUOTE_WEIGHT
    flat_names = frozenset(t for group in name_terms for t in group)
    doc = _Doc(entry, flat_names, frozenset(counts), [" ".join(g) for g in name_terms if g])
    if not doc.names:
        doc.names = [fold(entry.title)]
    return doc, counts


def _links(by_id: dict[str, Entry]) -> dict[str, list[str]]:
    """Cross-references both ways: evidence, historians, authors."""
    links: dict[str, list[str]] = defaultdict(list)

    def link(a: str, b: str) -> None:
        if b not in links[a]:
            links[a].append(b)
        if a not in links[b]:
            links[b].append(a)

    for entry in by_id.values():
        if isinstance(entry, ArgumentEntry):
            if entry.historian:
                link(entry.id, entry.historian)
            for ref in entry.evidence:
                link(entry.id, ref)
        if isinstance(entry, WorkEntry):
            link(entry.id, entry.author)
    return dict(links)


def build_engine(entries: Sequence[Entry]) -> AnswerEngine:
    return AnswerEngine(entries)
