"""Questions about when: which year, true or false on a year, which came first, timelines.

Two events are only ever compared when no year could belong to both (their spans and any
other year a source gives for them are apart), so every ordering has one right answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from bot.quiz.makers.common import (
    FALSE,
    TRUE,
    bare_title,
    evidence,
    make,
    near_years,
    spoken,
    topic_of,
    true_years,
)
from bot.quiz.question import LETTERS, Question, stable_rng
from knowledge.models import Entry, EventEntry, WorkEntry

#: Which-came-first pairs are drawn among events at most this many years apart.
PAIR_SPAN = 8


def year_questions(entry: Entry, start: int, right: set[int], which: str,
                   statement: str) -> Iterator[Question]:
    """A "which year" question and a true/false one about the same date.

    ``statement`` has a ``{year}`` slot; ``right`` holds every year that would be right or
    arguably right, so no distractor is one of them.
    """
    rng = stable_rng("years", entry.id)
    wrong = near_years(start, right, rng)
    choices = sorted([start, *wrong])
    yield make("which_year", entry, which, [str(y) for y in choices], str(start), shuffle=False)
    stated_true = rng.random() < 0.5
    year = start if stated_true else rng.choice(wrong)
    yield make("true_false", entry, f"True or false: {statement.format(year=year)}",
               [TRUE, FALSE], TRUE if stated_true else FALSE, variant="year", shuffle=False)


def event_year_questions(event: EventEntry) -> Iterator[Question]:
    start, end = _start(event), _end(event)
    verb, past = ("begin", "began") if end != start else ("happen", "happened")
    yield from year_questions(event, start, years_of(event),
                              f"In which year did this {verb}?\n{event.title}",
                              f"this {past} in {{year}}.\n{event.title}")


def work_year_questions(work: WorkEntry) -> Iterator[Question]:
    """"First published" only when no source gives the work another year."""
    title = bare_title(work.title)
    right = true_years(work.year, work.year, work.note)
    published = "first published" if right == {work.year} else "published"
    yield from year_questions(work, work.year, right,
                              f"In which year was {title} {published}?",
                              f"{title} was {published} in {{year}}.")


def years_of(event: EventEntry) -> set[int]:
    """Every year the event could be said to belong to: its span and its date note's years."""
    return true_years(_start(event), _end(event), event.date_note)


def _start(event: EventEntry) -> int:
    return int(event.date[:4])


def _end(event: EventEntry) -> int:
    return int(event.end_date[:4]) if event.end_date else _start(event)


def _apart(events: Sequence[EventEntry]) -> bool:
    """No year could belong to two of them."""
    seen: set[int] = set()
    for event in events:
        years = years_of(event)
        if years & seen:
            return False
        seen |= years
    return True


# Which came first ---------------------------------------------------------------------------

def which_first_questions(events: list[EventEntry], per_event: int = 4) -> Iterator[Question]:
    """Pairs of events a few years apart: which came (or began) first?"""
    pairs: set[tuple[str, str]] = set()
    by_id = {e.id: e for e in events}
    for event in sorted(events, key=lambda e: e.id):
        others = [o for o in sorted(events, key=lambda e: e.id) if o.id != event.id
                  and abs(_start(o) - _start(event)) <= PAIR_SPAN and _apart((event, o))]
        for other in stable_rng("first", event.id).sample(others, min(per_event, len(others))):
            pairs.add((min(event.id, other.id), max(event.id, other.id)))
    for one, two in sorted(pairs):
        yield _which_first(by_id[one], by_id[two])


def _which_first(one: EventEntry, two: EventEntry) -> Question:
    first, second = sorted((one, two), key=lambda e: e.date)
    qid = f"which_first:{one.id}+{two.id}"
    choices = [one.title, two.title]
    stable_rng("choices", qid).shuffle(choices)
    ranged = bool(one.end_date or two.end_date)
    shared = [t for t in first.tags if t in second.tags]
    return Question(id=qid, type="which_first",
                    prompt="Which began first?" if ranged else "Which came first?",
                    choices=tuple(choices), answer=first.title,
                    explanation=in_order((first, second)), entry_id=first.id,
                    topic=topic_of(shared or ["timeline"]), tags=(*shared, "timeline"))


def in_order(events: Sequence[EventEntry]) -> str:
    """The events in date order, each with its date and the source the date comes from."""
    lines = [f"{i + 1}. {e.title}: {_when(e)}. {evidence(e, source_first=True)}"
             for i, e in enumerate(events)]
    return "In order:\n" + "\n".join(lines)


def _when(event: EventEntry) -> str:
    return spoken(event.date) + (f" to {spoken(event.end_date)}" if event.end_date else "")


# Timelines ----------------------------------------------------------------------------------

def order_questions(events: list[EventEntry], per_group: int = 12) -> Iterator[Question]:
    """Timelines of three or four events apart in time: on the whole pack, and per topic."""
    groups: dict[str, tuple[EventEntry, ...]] = {}
    pools: list[tuple[str, list[EventEntry]]] = [("all", events)]
    tags = Counter(t for e in events for t in e.tags)
    pools += [(tag, [e for e in events if tag in e.tags]) for tag in sorted(tags)]
    for name, pool in pools:
        by_year: dict[int, list[EventEntry]] = {}
        for event in sorted(pool, key=lambda e: (e.date, e.id)):
            by_year.setdefault(_start(event), []).append(event)
        if len(by_year) < 3:
            continue
        rng = stable_rng("order", name)
        years = sorted(by_year)
        for _ in range(per_group if name == "all" else max(2, min(per_group, len(years) // 2))):
            size = min(len(years), rng.choice((3, 4)))
            picked = sorted(rng.sample(years, size))
            group = tuple(rng.choice(by_year[y]) for y in picked)
            if _apart(group):
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
    shared = [t for t in group[0].tags if all(t in e.tags for e in group)]
    return Question(id=qid, type="order", prompt=lines, choices=tuple(e.title for e in shuffled),
                    answer=tuple(e.title for e in group), explanation=in_order(group),
                    entry_id=group[0].id, topic=topic_of(shared or ["timeline"]),
                    tags=(*shared, "timeline"))
