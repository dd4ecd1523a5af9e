"""Questions about terms: which term a definition describes, and what a term means.

A definition is the term's own text with its names made gaps. A sentence that would still
give the term away (another of its names, a word of it) is left out; when the first sentence
would, there is no question. A gap always stands for the whole name: never quotation marks
around nothing, never two gaps side by side.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from bot.quiz.makers.common import bare_title, make, names_of, reveals, title_forms
from bot.quiz.makers.people import GAP, boundary
from bot.quiz.question import Question, stable_rng
from knowledge.loader import collapse
from knowledge.models import TermEntry

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_TIDY = (
    (re.compile(r"[\"“']___[\"”']"), GAP),                # quotation marks around the gap
    (re.compile(r"___(\s*\(___\))+"), GAP),                # "___ (___)": one name given twice
    (re.compile(r"___(?:(?:\s+|\s*,\s*|\s+or\s+|\s+and\s+)___)+"), GAP),  # gaps side by side
)
_IS = re.compile(r"^\s*(?:is|was|are|were|means|meant|describes)\s+(.+)$", re.IGNORECASE)
MAX_MEANING = 220


def term_questions(term: TermEntry, terms: Sequence[TermEntry]) -> Iterator[Question]:
    yield from _which_term(term, terms)
    yield from _term_meaning(term, terms)


def _which_term(term: TermEntry, terms: Sequence[TermEntry]) -> Iterator[Question]:
    definition = masked_definition(term)
    if definition is None:
        return
    answer = bare_title(term.title)
    pool = [bare_title(t.title) for t in terms if t.id != term.id
            and not _near(t, term) and not reveals(definition, bare_title(t.title), names_of(t))]
    wrong = stable_rng("which_term", term.id).sample(sorted(set(pool)), min(3, len(set(pool))))
    if len(wrong) >= 2:
        yield make("which_term", term, f"Which term is this?\n{definition}", [answer, *wrong],
                   answer)


def _near(one: TermEntry, other: TermEntry) -> bool:
    """Terms too close to tell apart as options: one names, or shares a word with, the other."""
    return (reveals(bare_title(one.title), bare_title(other.title), names_of(other))
            or reveals(bare_title(other.title), bare_title(one.title), names_of(one)))


def masked_definition(term: TermEntry, limit: int = 320) -> str | None:
    """The term's text with its names made gaps, or None if it cannot be asked cleanly."""
    label = bare_title(term.title)
    names = names_of(term)
    kept: list[str] = []
    for index, sentence in enumerate(_SENTENCE_END.split(collapse(term.text))):
        masked = mask(sentence, title_forms(term))
        if reveals(masked, label, names):
            if index == 0:
                return None
            continue
        if kept and len(" ".join([*kept, masked])) > limit:
            break
        kept.append(masked)
    if not kept or GAP not in kept[0]:
        return None
    return " ".join(kept)


def mask(text: str, forms: Sequence[str]) -> str:
    """``text`` with every whole occurrence of ``forms`` made one gap, tidied."""
    for form in sorted(forms, key=len, reverse=True):
        if len(form) >= 2:
            text = boundary(form).sub(GAP, text)
    for pattern, replacement in _TIDY:
        text = pattern.sub(replacement, text)
    return text


def meaning(term: TermEntry) -> str | None:
    """The term's first sentence without its subject: "A state strong enough to ..."."""
    return _meaning(collapse(term.text), tuple(title_forms(term)))


@lru_cache(maxsize=4096)
def _meaning(text: str, forms: tuple[str, ...]) -> str | None:
    first = _SENTENCE_END.split(text)[0]
    for form in sorted(forms, key=len, reverse=True):
        head = re.match(rf"^(?:an?\s+|the\s+)?[\"“]?{re.escape(form)}[\"”]?(?:\s*\([^)]*\))?",
                        first, re.IGNORECASE)
        rest = _IS.match(first[head.end():]) if head else None
        if rest:
            text = rest.group(1).strip()
            return text[0].upper() + text[1:]
    return None


def _term_meaning(term: TermEntry, terms: Sequence[TermEntry]) -> Iterator[Question]:
    label = bare_title(term.title)
    right = meaning(term)
    if right is None or len(right) > MAX_MEANING or reveals(right, label, names_of(term)):
        return
    pool: list[str] = []
    for other in terms:
        text = meaning(other) if other.id != term.id else None
        if text and len(text) <= MAX_MEANING and not reveals(text, label, names_of(term)) \
                and not _near(other, term):
            pool.append(text)
    wrong = stable_rng("term_meaning", term.id).sample(sorted(pool), min(3, len(pool)))
    if len(wrong) >= 2:
        yield make("term_meaning", term, f"What does this term mean?\n{label}",
                   [right, *wrong], right)
