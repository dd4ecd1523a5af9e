"""Questions about who: who was this, who wrote this, which historian argues this.

Distractors are people of the same kind (historians for a historian), and a question is left
out when its prompt would name the person it asks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from bot.quiz.makers.common import (
    bare_title,
    make,
    names_of,
    person_label,
    reveals,
    sample_titles,
    surname,
)
from bot.quiz.question import Question, stable_rng
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import ArgumentEntry, PersonEntry, WorkEntry

GAP = "___"


def who_was(person: PersonEntry, people: Sequence[PersonEntry],
            historians: set[str]) -> Iterator[Question]:
    """"Who was this: <role>?" with names as options."""
    if not _asks_role(person, people, historians):
        return
    role, label = collapse(person.role), person_label(person)
    pool = [person_label(p) for p in people if p.id != person.id and p.id not in historians]
    wrong = sample_titles(pool, label, stable_rng("who_was", person.id))
    if len(wrong) >= 2:
        yield make("who_was", person, f"Who was this: {role}?", [label, *wrong], label)


def role_of(person: PersonEntry, people: Sequence[PersonEntry],
            historians: set[str]) -> Iterator[Question]:
    """"Who was <name>?" with roles as options: the reverse of :func:`who_was`."""
    if not _asks_role(person, people, historians):
        return
    role, label = collapse(person.role), person_label(person)
    pool = [collapse(p.role) for p in people if p.id != person.id and p.id not in historians
            and not reveals(collapse(p.role), label, names_of(person))]
    wrong = sample_titles(pool, role, stable_rng("role_of", person.id))
    if len(wrong) >= 2:
        yield make("role_of", person, f"Who was {label}?", [role, *wrong], role)


def _asks_role(person: PersonEntry, people: Sequence[PersonEntry], historians: set[str]) -> bool:
    """Whether a role question about ``person`` has one right answer and no giveaway.

    Never for historians, whose roles overlap ("historian of Russia"), nor for a role another
    person shares, nor when the role names the person ("one of the Marx Brothers").
    """
    role = collapse(person.role)
    if person.id in historians or reveals(role, person_label(person), names_of(person)):
        return False
    return not any(p.id != person.id and _overlaps(collapse(p.role).lower(), role.lower())
                   for p in people)


def _overlaps(one: str, other: str) -> bool:
    return one.startswith(other) or other.startswith(one)


def who_wrote(kb: KnowledgeBase, work: WorkEntry, historians: set[str]) -> Iterator[Question]:
    author = kb.entries.get(work.author)
    if author is None:
        return
    title = bare_title(work.title)
    authors = {e.author for e in kb.entries.values() if isinstance(e, WorkEntry)}
    same_kind = historians if author.id in historians else authors - historians
    pool = [kb.entries[h].title for h in sorted(same_kind) if h != author.id and h in kb.entries]
    wrong = sample_titles(pool, author.title, stable_rng("who_wrote", work.id))
    if len(wrong) >= 2 and not reveals(title, author.title, names_of(author)):
        yield make("who_wrote", work, f"Who wrote {title}?", [author.title, *wrong],
                   author.title)


def who_argued(kb: KnowledgeBase, arg: ArgumentEntry,
               historians: set[str]) -> Iterator[Question]:
    """From the argument's claim, and from the essay's sentence with the historian's name gapped.

    Historians cited for the same claim are never distractors.
    """
    author = kb.entries.get(arg.historian) if arg.historian else None
    if author is None:
        return
    claim = collapse(arg.claim)
    same_claim = {a.historian for a in kb.entries.values()
                  if isinstance(a, ArgumentEntry) and collapse(a.claim).lower() == claim.lower()}
    pool = [kb.entries[h].title for h in sorted(historians - same_claim) if h in kb.entries]
    wrong = sample_titles(pool, author.title, stable_rng("who_argued", arg.id))
    if len(wrong) < 2:
        return
    names = names_of(author)
    if not reveals(claim, author.title, names):
        yield make("who_argued", arg, f'Which historian argues this?\n"{claim}"',
                   [author.title, *wrong], author.title)
    for quote in arg.quotes:
        gapped = gap(collapse(quote), [author.title, surname(author.title)])
        if gapped and not reveals(gapped, author.title, names):
            yield make("who_argued", arg,
                       f'Which historian does the essay cite here?\n"{gapped}"',
                       [author.title, *wrong], author.title, variant="quote", quote=quote)
            return


def gap(text: str, forms: Sequence[str]) -> str | None:
    """``text`` with the first of ``forms`` found (a whole word or phrase) made a gap."""
    for form in sorted(forms, key=len, reverse=True):
        match = boundary(form).search(text)
        if match:
            return text[:match.start()] + GAP + text[match.end():]
    return None


@lru_cache(maxsize=4096)
def boundary(form: str) -> re.Pattern[str]:
    """``form`` as a whole phrase: not inside a longer word or a hyphenated compound."""
    return re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])", re.IGNORECASE)
