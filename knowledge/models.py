"""The knowledge pack format.

A pack is a folder: ``pack.yaml`` describes it and one YAML file per kind holds a list of
entries. These pydantic models are the single definition of that format: the loader validates
against them and ``knowledge/schema/`` holds the JSON Schema generated from them for editors.
"""

from __future__ import annotations

import calendar
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

Kind = Literal["event", "fact", "argument", "person", "term", "work"]
Side = Literal["consistent", "inconsistent", "qualified"]
About = Literal["foreign", "domestic"]
Verdict = Literal["right", "corrected", "unverified"]

#: The file each kind of entry lives in, inside a pack folder.
KIND_FILES: dict[str, Kind] = {
    "events.yaml": "event",
    "facts.yaml": "fact",
    "arguments.yaml": "argument",
    "people.yaml": "person",
    "terms.yaml": "term",
    "works.yaml": "work",
}


def check_partial_date(value: str) -> str:
    """Accept ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real calendar date."""
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month}")
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(
                f"{value!r} is not a real date: month {month} of {year} has {last} days"
            )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackInfo(_Strict):
    """``pack.yaml``: what the pack is and which essay its quotes come from."""

    name: Slug
    title: NonEmpty
    description: NonEmpty
    essay: NonEmpty = Field(description="The essay's file, relative to the pack folder.")
    subject: str = "history"
    question: Slug | None = Field(
        default=None, description="Id of the entry that states the essay's own question: an "
        "overview of the essay starts from it.")
    conclusion: list[Slug] = Field(
        default_factory=list, description="Ids of the entries that give the essay's conclusion, "
        "the main one first.")


class EssayCheck(_Strict):
    """One claim of the essay and what checked sources make of it."""

    essay: NonEmpty = Field(
        description="The essay's words, copied verbatim from one of the entry's quotes.")
    verdict: Verdict = Field(
        description="right: the entry's sources confirm it; corrected: the entry's note "
                    "corrects it; unverified: no source was found, as the note says.")


class Entry(_Strict):
    """Fields every entry has, whatever its kind."""

    id: Slug = Field(description="Stable identifier, unique across every loaded pack.")
    title: NonEmpty
    aliases: list[NonEmpty] = Field(
        default_factory=list, description="How students name it, misspellings included."
    )
    text: NonEmpty = Field(description="A self-contained answer of one to four sentences.")
    tags: list[Slug] = Field(default_factory=list, description="Topics, e.g. spain, purges.")
    quotes: list[NonEmpty] = Field(
        default_factory=list, description="Passages copied verbatim from the pack's essay."
    )
    sources: list[NonEmpty] = Field(
        default_factory=list, description="References for facts from outside the essay."
    )
    note: NonEmpty | None = Field(
        default=None, description="A correction where the essay is wrong or contested."
    )
    checks: list[EssayCheck] = Field(
        default_factory=list,
        description="The essay's claims this entry fact-checks, each with its verdict.")

    @model_validator(mode="after")
    def _has_provenance(self) -> Entry:
        if not self.quotes and not self.sources:
            raise ValueError("an entry needs at least one quote from the essay or one source")
        return self

    @model_validator(mode="after")
    def _checks_are_quoted_and_explained(self) -> Entry:
        quoted = [" ".join(q.split()) for q in self.quotes]
        for check in self.checks:
            if not any(" ".join(check.essay.split()) in q for q in quoted):
                raise ValueError(f"checks: {check.essay!r} is not inside one of the entry's quotes")
            if check.verdict == "right" and not self.sources:
                raise ValueError("checks: a claim checked as right needs the entry's sources")
            if check.verdict != "right" and not self.note:
                raise ValueError(f"checks: a claim checked as {check.verdict} needs a note "
                                 "saying why")
        return self

    @field_validator("text")
    @classmethod
    def _short_answer(cls, value: str) -> str:
        if len(value) > 900:
            raise ValueError(f"text is {len(value)} characters; keep an answer under 900")
        return value


class EventEntry(Entry):
    kind: Literal["event"] = "event"
    date: str
    end_date: str | None = None
    date_note: NonEmpty | None = Field(
        default=None, description="Where sources disagree on the date, say how."
    )

    @field_validator("date", "end_date")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        return None if value is None else check_partial_date(value)

    @model_validator(mode="after")
    def _end_after_start(self) -> EventEntry:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        return self


class FactEntry(Entry):
    kind: Literal["fact"] = "fact"


class ArgumentEntry(Entry):
    kind: Literal["argument"] = "argument"
    side: Side = Field(description="Does this show foreign policy consistent with ideology?")
    about: About = Field(
        default="foreign",
        description="domestic: the claim is about domestic policy only, so no quiz asks whether "
                    "it shows foreign policy consistent.")
    claim: NonEmpty = Field(description="The argument in one sentence.")
    evidence: list[Slug] = Field(default_factory=list, description="Ids of supporting entries.")
    historian: Slug | None = Field(default=None, description="Id of the person who argues it.")


class PersonEntry(Entry):
    kind: Literal["person"] = "person"
    role: NonEmpty


class TermEntry(Entry):
    kind: Literal["term"] = "term"


class WorkEntry(Entry):
    kind: Literal["work"] = "work"
    author: Slug = Field(description="Id of the person who wrote it.")
    year: int = Field(ge=1800, le=2100)


AnyEntry = EventEntry | FactEntry | ArgumentEntry | PersonEntry | TermEntry | WorkEntry

MODEL_BY_KIND: dict[Kind, type[Entry]] = {
    "event": EventEntry,
    "fact": FactEntry,
    "argument": ArgumentEntry,
    "person": PersonEntry,
    "term": TermEntry,
    "work": WorkEntry,
}

QuestionType = Literal["multiple_choice", "true_false", "order"]


class QuestionSpec(_Strict):
    """A hand-written quiz question in ``questions.yaml``."""

    id: Slug
    type: QuestionType
    prompt: NonEmpty
    choices: list[NonEmpty] = Field(min_length=2, max_length=5)
    answer: NonEmpty | list[NonEmpty] = Field(
        description="One of the choices; for an ordering question, the choices in order."
    )
    explanation: NonEmpty
    entry: Slug = Field(description="Id of the entry the question tests.")
    topic: Slug | None = None

    @model_validator(mode="after")
    def _answer_among_choices(self) -> QuestionSpec:
        if self.type == "order":
            if not isinstance(self.answer, list) or sorted(self.answer) != sorted(self.choices):
                raise ValueError("an ordering question's answer lists every choice once, in order")
        elif not isinstance(self.answer, str) or self.answer not in self.choices:
            raise ValueError(f"answer {self.answer!r} is not one of the choices")
        if self.type == "true_false" and sorted(self.choices) != ["False", "True"]:
            raise ValueError("a true/false question has the choices True and False")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("choices repeat")
        return self
