"""The question bank: quiz questions generated from the knowledge base, plus hand-written ones.

Every question is built from one entry (an ordering question from three or four events) and
explains itself with that entry's essay quote or source, so a quiz never teaches something the
knowledge base does not say. Distractors are of the same kind as the answer (a historian for a
historian, a nearby year for a year) and are checked to be false.

Ids are deterministic (``<type>:<entry id>``; ordering questions list their events), so the same
knowledge base rebuilds the same bank in every process and after a restart.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from typing import TYPE_CHECKING, Any

from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import (
    ArgumentEntry,
    Entry,
    EventEntry,
    PersonEntry,
    QuestionSpec,
    TermEntry,
    WorkEntry,
)

if TYPE_CHECKING:
    from bot.app import StudyBot

TRUE, FALSE = "True", "False"
CONSISTENT, INCONSISTENT = "Consistent", "Inconsistent"
LETTERS = "ABCDE"
#: Buttons longer than this become letters, with the choices spelled out in the prompt.
MAX_LABEL = 70
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def stable_rng(*parts: object) -> random.Random:
    """A generator seeded from text: the same parts give the same sequence in every process."""
    return random.Random(":".join(str(p) for p in parts))


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question. ``answer`` is one of ``choices``; for ``order`` the choices in order."""

    id: str
    type: str
    prompt: str
    choices: tuple[str, ...]
    answer: str | tuple[str, ...]
    explanation: str
    entry_id: str
    topic: str
    tags: tuple[str, ...] = field(default=())

    def options(self) -> tuple[tuple[str, ...], int]:
        """What the buttons offer, and the index of the right one.

        An ordering question is answered by choosing one of four orderings of the lettered
        events (buttons work the same on Discord, Slack and the terminal).
        """
        if self.type != "order":
            return self.choices, self.choices.index(str(self.answer))
        letter = {c: LETTERS[i] for i, c in enumerate(self.choices)}
        right = tuple(letter[c] for c in self.answer)
        others = [p for p in permutations(right) if p != right]
        rng = stable_rng("options", self.id)
        picked = [right, *rng.sample(others, min(3, len(others)))]
        rng.shuffle(picked)
        return tuple(" → ".join(p) for p in picked), picked.index(right)

    def choice_text(self, index: int) -> str:
        """The option at ``index`` as a student would read it."""
        labels, _ = self.options()
        return labels[index] if 0 <= index < len(labels) else "?"

    @property
    def answer_text(self) -> str:
        if isinstance(self.answer, tuple):
            return " → ".join(self.answer)
        return self.answer

    def to_json(self) -> dict[str, Any]:
        """The export form: id, type, prompt, choices, answer, explanation, entry_id, topic."""
        return {"id": self.id, "type": self.type, "prompt": self.prompt,
                "choices": list(self.choices),
                "answer": list(self.answer) if isinstance(self.answer, tuple) else self.answer,
                "explanation": self.explanation, "entry_id": self.entry_id, "topic": self.topic,
                "tags": list(self.tags)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        answer = data["answer"]
        return cls(id=data["id"], type=data["type"], prompt=data["prompt"],
                   choices=tuple(data["choices"]),
                   answer=tuple(answer) if isinstance(answer, list) else answer,
                   explanation=data["explanation"], entry_id=data["entry_id"],
                   topic=data["topic"], tags=tuple(data.get("tags", ())))


class QuestionBank:
    """All questions of a knowledge base, by id and by topic. Read-only once built."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions: dict[str, Question] = {}
        for question in questions:
            self.questions.setdefault(question.id, question)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> QuestionBank:
        return cls(generate(kb))

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, question_id: str) -> Question | None:
        return self.questions.get(question_id)

    def topics(self) -> list[str]:
        return sorted({t for q in self.questions.values() for t in q.tags})

    def match_topic(self, text: str) -> str | None:
        """The topic a typed word names ("Spain", "purge"), or None."""
        wanted = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        topics = self.topics()
        for topic in topics:
            if topic == wanted or topic.rstrip("s") == wanted.rstrip("s"):
                return topic
        starts = [t for t in topics if t.startswith(wanted)] if len(wanted) >= 3 else []
        return starts[0] if len(starts) == 1 else None

    def pick(self, count: int, seed: object, topic: str | None = None,
             avoid: Iterable[str] = ()) -> list[Question]:
        """``count`` distinct questions, mixing types and entries; the same seed, the same list.

        Questions in ``avoid`` (asked before) come last, so a class rarely sees a repeat.
        """
        pool = sorted((q for q in self.questions.values() if topic is None or topic in q.tags),
                      key=lambda q: q.id)
        rng = stable_rng("pick", seed)
        rng.shuffle(pool)
        avoided = set(avoid)
        fresh = [q for q in pool if q.id not in avoided]
        stale = [q for q in pool if q.id in avoided]
        chosen = _interleave(fresh, count, rng)
        if len(chosen) < count:
            chosen += _interleave(stale, count - len(chosen), rng)
        return chosen


def _interleave(pool: list[Question], count: int, rng: random.Random) -> list[Question]:
    """Take questions type by type in turn, preferring entries not used yet."""
    by_type: dict[str, list[Question]] = {}
    for question in pool:
        by_type.setdefault(question.type, []).append(question)
    types = sorted(by_type)
    rng.shuffle(types)
    chosen: list[Question] = []
    used_entries: set[str] = set()
    for allow_repeat in (False, True):
        progress = True
        while len(chosen) < count and progress:
            progress = False
            for kind in types:
                bucket = by_type[kind]
                pick = next((q for q in bucket if allow_repeat or q.entry_id not in used_entries),
                            None)
                if pick is None or len(chosen) >= count:
                    continue
                bucket.remove(pick)
                chosen.append(pick)
                used_entries.add(pick.entry_id)
                progress = True
    return chosen


# --- Generation -----------------------------------------------------------------------------

def generate(kb: KnowledgeBase) -> Iterator[Question]:
    """Every question the knowledge base supports, hand-written ones first."""
    yield from (_from_spec(kb, spec) for spec in kb.questions if spec.entry in kb.entries)
    people = [e for e in kb.entries.values() if isinstance(e, PersonEntry)]
    historians = _historian_ids(kb)
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        if isinstance(entry, EventEntry):
            yield from _event_questions(entry)
        elif isinstance(entry, WorkEntry):
            yield from _work_questions(kb, entry, historians)
        elif isinstance(entry, ArgumentEntry):
            yield from _argument_questions(kb, entry, historians)
        elif isinstance(entry, PersonEntry):
            yield from _person_questions(entry, people, historians)
        elif isinstance(entry, TermEntry):
            yield from _term_questions(kb, entry)
    yield from _order_questions(kb.events())


def explain(entry: Entry, lead: str | None = None) -> str:
    """The entry's answer, its evidence (an essay quote, else its source) and any correction."""
    parts = [collapse(lead or entry.text), evidence(entry)]
    if entry.note:
        parts.append(f"Note: {collapse(entry.note)}")
    return "\n".join(parts)


def evidence(entry: Entry) -> str:
    """Where the entry's claim comes from: the essay's words, else its source."""
    if entry.quotes:
        return f'The essay: "{collapse(entry.quotes[0])}"'
    return f"Source: {collapse(entry.sources[0])}"


def _make(qtype: str, entry: Entry, prompt: str, choices: Sequence[str], answer: str,
          variant: str = "", lead: str | None = None, shuffle: bool = True) -> Question:
    qid = f"{qtype}:{entry.id}" + (f":{variant}" if variant else "")
    ordered = list(choices)
    if shuffle:
        stable_rng("choices", qid).shuffle(ordered)
    return Question(id=qid, type=qtype, prompt=prompt, choices=tuple(ordered), answer=answer,
                    explanation=explain(entry, lead), entry_id=entry.id,
                    topic=_topic(entry.tags), tags=tuple(entry.tags))


def _topic(tags: Sequence[str]) -> str:
    return tags[0] if tags else "general"


def _from_spec(kb: KnowledgeBase, spec: QuestionSpec) -> Question:
    entry = kb.entries[spec.entry]
    explanation = explain(entry, spec.explanation)
    tags = tuple(dict.fromkeys([*([spec.topic] if spec.topic else []), *entry.tags]))
    answer = tuple(spec.answer) if isinstance(spec.answer, list) else spec.answer
    choices = list(spec.choices)
    rng = stable_rng("choices", spec.id)
    if spec.type != "true_false":  # authors tend to write the answer first
        rng.shuffle(choices)
    prompt = collapse(spec.prompt)
    if spec.type == "order":  # the buttons name orderings of these letters
        while tuple(choices) == answer:
            rng.shuffle(choices)
        prompt += "\n" + "\n".join(f"{LETTERS[i]}. {c}" for i, c in enumerate(choices))
    return Question(id=f"hand:{spec.id}", type=spec.type, prompt=prompt,
                    choices=tuple(choices), answer=answer, explanation=explanation,
                    entry_id=entry.id, topic=spec.topic or _topic(entry.tags), tags=tags)


# Years --------------------------------------------------------------------------------------

def _true_years(start: int, end: int, note: str | None) -> set[int]:
    """Years that would be right, or arguably right (another source's date in the note)."""
    years = set(range(start, end + 1))
    years |= {int(y) for y in _YEAR.findall(note or "")}
    return years


def _near_years(year: int, true_years: set[int], rng: random.Random, count: int = 3) -> list[int]:
    """Wrong years close to ``year``: the nearest few, picked at random."""
    candidates = sorted((y for y in range(year - 6, year + 7) if y not in true_years),
                        key=lambda y: (abs(y - year), y))
    return sorted(rng.sample(candidates[:6], count))


def _year_questions(entry: Entry, start: int, end: int, note: str | None, which: str,
                    statement: str) -> Iterator[Question]:
    """A "which year" question and a true/false one about the same date."""
    true_years = _true_years(start, end, note)
    rng = stable_rng("years", entry.id)
    wrong = _near_years(start, true_years, rng)
    choices = sorted([start, *wrong])
    yield _make("which_year", entry, which, [str(y) for y in choices], str(start), shuffle=False)
    stated_true = rng.random() < 0.5
    year = start if stated_true else rng.choice(wrong)
    yield _make("true_false", entry, f"True or false: {statement.format(year=year)}",
                [TRUE, FALSE], TRUE if stated_true else FALSE, variant="year", shuffle=False)


def _event_questions(event: EventEntry) -> Iterator[Question]:
    start = int(event.date[:4])
    end = int(event.end_date[:4]) if event.end_date else start
    verb = "begin" if end != start else "happen"
    past = "began" if end != start else "happened"
    yield from _year_questions(
        event, start, end, event.date_note,
        f"In which year did this {verb}: {event.title}?",
        f'"{event.title}" {past} in {{year}}.')


def bare_title(title: str) -> str:
    """"The Great Terror (Conquest)" -> "The Great Terror": no answer hidden in the prompt."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()


def _work_questions(kb: KnowledgeBase, work: WorkEntry,
                    historians: set[str]) -> Iterator[Question]:
    title = bare_title(work.title)
    yield from _year_questions(work, work.year, work.year, None,
                               f"In which year was {title} first published?",
                               f"{title} was first published in {{year}}.")
    author = kb.entries.get(work.author)
    if author is None:
        return
    authors = {e.author for e in kb.entries.values() if isinstance(e, WorkEntry)}
    same_kind = historians if author.id in historians else authors - historians
    pool = [kb.entries[h] for h in sorted(same_kind) if h != author.id and h in kb.entries]
    wrong = _distinct_titles(pool, author.title, stable_rng("who_wrote", work.id))
    if len(wrong) >= 2 and _surname(author.title) not in title.lower():
        yield _make("who_wrote", work, f"Who wrote {title}?", [author.title, *wrong],
                    author.title)


def _argument_questions(kb: KnowledgeBase, arg: ArgumentEntry,
                        historians: set[str]) -> Iterator[Question]:
    claim = collapse(arg.claim)
    if arg.side in ("consistent", "inconsistent"):
        answer = CONSISTENT if arg.side == "consistent" else INCONSISTENT
        yield _make("consistency", arg,
                    "Does this argument present Stalin's foreign policy as consistent or "
                    f'inconsistent with his domestic ideology?\n"{claim}"',
                    [CONSISTENT, INCONSISTENT], answer, shuffle=False)
    author = kb.entries.get(arg.historian) if arg.historian else None
    if author is None:
        return
    same_claim = {a.historian for a in kb.entries.values()
                  if isinstance(a, ArgumentEntry) and collapse(a.claim).lower() == claim.lower()}
    pool = [kb.entries[h] for h in sorted(historians - same_claim) if h in kb.entries]
    wrong = _distinct_titles(pool, author.title, stable_rng("who_argued", arg.id))
    if len(wrong) >= 2 and _surname(author.title) not in claim.lower():
        yield _make("who_argued", arg, f'Which historian argues this?\n"{claim}"',
                    [author.title, *wrong], author.title)


def _person_questions(person: PersonEntry, people: list[PersonEntry],
                      historians: set[str]) -> Iterator[Question]:
    role = collapse(person.role)
    if any(p.id != person.id and _overlaps(collapse(p.role).lower(), role.lower())
           for p in people):
        return  # two people share the role: the question would have two right answers
    if _surname(person.title) in role.lower() or person.id in historians:
        return  # historians' roles overlap ("historian of Russia"): asked by who argued/wrote
    pool = [p for p in people if p.id != person.id and p.id not in historians]
    wrong = _distinct_titles(pool, person.title, stable_rng("who_was", person.id))
    if len(wrong) >= 2:
        yield _make("who_was", person, f"Who was this: {role}?", [person.title, *wrong],
                    person.title)


def _overlaps(one: str, other: str) -> bool:
    return one.startswith(other) or other.startswith(one)


def _term_questions(kb: KnowledgeBase, term: TermEntry) -> Iterator[Question]:
    definition = _masked_definition(term)
    if definition is None:
        return
    names = {a.lower() for a in term.aliases}
    answer = bare_title(term.title)
    pool = {bare_title(e.title) for e in kb.entries.values()
            if isinstance(e, TermEntry) and e.id != term.id}
    pool = {t for t in pool if t.lower() not in names and t.lower() != answer.lower()}
    wrong = stable_rng("which_term", term.id).sample(sorted(pool), min(3, len(pool)))
    if len(wrong) >= 2:
        yield _make("which_term", term, f'Which term is this?\n"{definition}"',
                    [answer, *wrong], answer)


def _masked_definition(term: TermEntry, limit: int = 320) -> str | None:
    """The term's text with its name and aliases blanked out, or None if it would give it away."""
    names = sorted({term.title, *term.aliases, bare_title(term.title)}, key=len, reverse=True)
    text = collapse(term.text)
    sentences = re.split(r"(?<=[.!?])\s+", text)
    short = ""
    for sentence in sentences:
        if short and len(short) + len(sentence) > limit:
            break
        short = f"{short} {sentence}".strip()
    for name in names:
        if len(name) >= 2:
            short = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "___", short, flags=re.IGNORECASE)
    short = re.sub(r"___(\s*\(___\))+", "___", short)
    lowered = short.lower()
    if "___" not in short or any(n.lower() in lowered for n in names if len(n) >= 4):
        return None
    return short


def _surname(title: str) -> str:
    return bare_title(title).split()[-1].lower()


def _distinct_titles(pool: Sequence[Entry], answer: str, rng: random.Random,
                     count: int = 3) -> list[str]:
    """Up to ``count`` other entries' titles, none equal to the answer or to each other."""
    titles = sorted({e.title for e in pool if e.title.lower() != answer.lower()})
    return rng.sample(titles, min(count, len(titles)))


def _historian_ids(kb: KnowledgeBase) -> set[str]:
    """People who are historians: tagged or described so, or cited as arguing a claim.

    Authors of works are not all historians (a memoir's author is not), so they do not count.
    """
    ids = {e.id for e in kb.entries.values()
           if isinstance(e, PersonEntry) and ("historians" in e.tags or "historian" in e.tags
                                              or "historian" in e.role.lower())}
    ids |= {e.historian for e in kb.entries.values()
            if isinstance(e, ArgumentEntry) and e.historian}
    return {i for i in ids if isinstance(kb.entries.get(i), PersonEntry)}


# Ordering -----------------------------------------------------------------------------------

def _order_questions(events: list[EventEntry], per_group: int = 12) -> Iterator[Question]:
    """Timelines of three or four events in different years: on the whole pack, and per topic."""
    groups: dict[str, tuple[EventEntry, ...]] = {}
    pools: list[tuple[str, list[EventEntry]]] = [("all", events)]
    tags = Counter(t for e in events for t in e.tags)
    pools += [(tag, [e for e in events if tag in e.tags]) for tag in sorted(tags)]
    for name, pool in pools:
        by_year: dict[int, list[EventEntry]] = {}
        for event in sorted(pool, key=lambda e: (e.date, e.id)):
            by_year.setdefault(int(event.date[:4]), []).append(event)
        if len(by_year) < 3:
            continue
        rng = stable_rng("order", name)
        years = sorted(by_year)
        for _ in range(per_group if name == "all" else max(2, min(per_group, len(years) // 2))):
            size = min(len(years), rng.choice((3, 4)))
            picked = sorted(rng.sample(years, size))
            group = tuple(rng.choice(by_year[y]) for y in picked)
            groups.setdefault("+".join(e.id for e in group), group)
    for key, group in sorted(groups.items()):
        yield _order_question(key, group)


def _order_question(key: str, group: tuple[EventEntry, ...]) -> Question:
    qid = f"order:{key}"
    shuffled = list(group)
    rng = stable_rng("order-choices", qid)
    while [e.id for e in shuffled] == [e.id for e in group]:
        rng.shuffle(shuffled)
    ranged = any(e.end_date for e in group)
    prompt = "Put these events in order, earliest first" + (
        " (by when they began):" if ranged else ":")
    lines = prompt + "\n" + "\n".join(f"{LETTERS[i]}. {e.title}" for i, e in enumerate(shuffled))
    dated = "\n".join(f"{i + 1}. {e.title}: {_readable_date(e.date)}. {evidence(e)}"
                      for i, e in enumerate(group))
    shared = [t for t in group[0].tags if all(t in e.tags for e in group)]
    return Question(id=qid, type="order", prompt=lines, choices=tuple(e.title for e in shuffled),
                    answer=tuple(e.title for e in group),
                    explanation=f"In order:\n{dated}",
                    entry_id=group[0].id, topic=_topic(shared or ["timeline"]),
                    tags=(*shared, "timeline"))


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _readable_date(date: str) -> str:
    """"1939-08-23" -> "23 August 1939"; partial dates stay partial."""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def question_bank(bot: StudyBot) -> QuestionBank:
    """The bot's service factory: ``bot.service(question_bank)`` builds the bank once."""
    return QuestionBank.build(bot.kb)
