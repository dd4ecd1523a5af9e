"""The question makers: every question a knowledge base supports, hand-written ones first.

Each maker module builds one family of questions from the entries (``dates``: years and
order; ``people``: who; ``terms``: definitions and meanings; ``essay``: the argument's side,
gaps in the essay's sentences and fact-checks of its claims). Every question is checked as it
is made: one right answer, distractors of the same kind that are false, and a prompt that does
not give the answer away.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.quiz.makers.common import explain, historian_ids, topic_of
from bot.quiz.makers.dates import (
    event_year_questions,
    order_questions,
    which_first_questions,
    work_year_questions,
)
from bot.quiz.makers.essay import consistency, essay_checks, essay_gaps
from bot.quiz.makers.people import role_of, who_argued, who_was, who_wrote
from bot.quiz.makers.terms import term_questions
from bot.quiz.question import LETTERS, Question, stable_rng
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import (
    ArgumentEntry,
    EventEntry,
    PersonEntry,
    QuestionSpec,
    TermEntry,
    WorkEntry,
)


def generate(kb: KnowledgeBase) -> Iterator[Question]:
    """Every question the knowledge base supports, hand-written ones first."""
    yield from (from_spec(kb, spec) for spec in kb.questions if spec.entry in kb.entries)
    people = [e for e in kb.entries.values() if isinstance(e, PersonEntry)]
    terms = sorted((e for e in kb.entries.values() if isinstance(e, TermEntry)),
                   key=lambda e: e.id)
    historians = historian_ids(kb)
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        if isinstance(entry, EventEntry):
            yield from event_year_questions(entry)
        elif isinstance(entry, WorkEntry):
            yield from work_year_questions(entry)
            yield from who_wrote(kb, entry, historians)
        elif isinstance(entry, ArgumentEntry):
            yield from consistency(entry)
            yield from who_argued(kb, entry, historians)
        elif isinstance(entry, PersonEntry):
            yield from who_was(entry, people, historians)
            yield from role_of(entry, people, historians)
        elif isinstance(entry, TermEntry):
            yield from term_questions(entry, terms)
        yield from essay_checks(entry)
    events = kb.events()
    yield from order_questions(events)
    yield from which_first_questions(events)
    yield from essay_gaps(kb, historians)


def from_spec(kb: KnowledgeBase, spec: QuestionSpec) -> Question:
    """A hand-written question, explained by its author's words and its entry's evidence."""
    entry = kb.entries[spec.entry]
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
                    choices=tuple(choices), answer=answer,
                    explanation=explain(entry, spec.explanation), entry_id=entry.id,
                    topic=spec.topic or topic_of(entry.tags), tags=tags)
