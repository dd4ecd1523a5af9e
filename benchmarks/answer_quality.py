"""Answer quality on a labelled question set: answered right, answered wrong, abstained.

    python -m benchmarks.answer_quality [--set benchmarks/devset.yaml] [--misses]
    python -m benchmarks.answer_quality --set benchmarks/testset.yaml   # the frozen blind set
    python -m benchmarks.answer_quality --explain "question"

Each in-scope question is asked as a student asks it (``studybot ask``'s own path, with the
conversation's earlier turns for follow-ups) and scored:

- **answered right**: the main entry is one the labels accept (``expect``), or the answer is
  composed the way the question asks (``compose``: overview, side, historian, historians,
  compare, period) and draws on the entries it ``needs``;
- **answered wrong**: any other answer, "closest the essay has" answers included;
- **abstained**: "I don't know that from this essay".

A wrong answer is worse than an honest "I don't know", so the three are reported apart.
Off-topic questions count as refused when the bot answers nothing (``confidence`` none).
Questions labelled ``unanswerable`` (in the essay's scope, but no entry answers them) are
reported apart: the right behaviour there is to abstain.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

HERE = Path(__file__).parent
DEVSET = HERE / "devset.yaml"


class Answered(Protocol):
    """What the scorer reads of an answer (``bot.answering.answer.Answer``)."""

    kind: str
    confidence: str
    topic: str

    @property
    def entry_ids(self) -> list[str]: ...


class Asker(Protocol):
    def __call__(self, question: str, earlier: list[str]) -> Answered: ...


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    abstained: int = 0

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.abstained

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def share(self, outcome: str) -> float:
        return getattr(self, outcome) / self.total if self.total else 0.0


@dataclass
class Quality:
    in_scope: Tally = field(default_factory=Tally)
    by_style: dict[str, Tally] = field(default_factory=dict)
    follow_ups: Tally = field(default_factory=Tally)
    composed_asked: Counter[str] = field(default_factory=Counter)
    composed_given: Counter[str] = field(default_factory=Counter)
    unanswerable: int = 0
    unanswerable_abstained: int = 0
    off_topic: int = 0
    refused: int = 0
    near: int = 0
    near_refused: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def answered_correctly(self) -> float:
        return self.in_scope.share("right")

    @property
    def answered_precision(self) -> float:
        answered = self.in_scope.right + self.in_scope.wrong
        return self.in_scope.right / answered if answered else 1.0

    @property
    def abstention(self) -> float:
        return self.refused / self.off_topic if self.off_topic else 1.0


def load_set(path: Path = DEVSET) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def outcome(item: dict[str, Any], got: Answered) -> str:
    """right, wrong or abstained, by the item's labels."""
    if got.confidence == "none":
        return "abstained"
    ids = got.entry_ids
    if item.get("expect") and ids and ids[0] in item["expect"]:
        return "right"
    kind = item.get("compose")
    if kind and got.kind == kind and _composed_fits(item, got):
        return "right"
    return "wrong"


def _composed_fits(item: dict[str, Any], got: Answered) -> bool:
    kind = item["compose"]
    if kind == "side":
        return got.topic == item.get("side")
    if kind == "period":
        return _period_fits(str(item.get("period", "")), got.topic)
    return set(item.get("needs", [])) <= set(got.entry_ids)


def _period_fits(wanted: str, given: str) -> bool:
    """The asked period ("1937", "1939-08", "1936/1938") is the one the answer lists."""
    return not wanted or wanted == given


def evaluate(ask: Asker, questions: dict[str, Any]) -> Quality:
    quality = Quality()
    for item in _normalised(questions.get("in_scope", [])):
        _score(quality, item, ask(item["q"], []), follow_up=False)
    for turns in questions.get("conversations", []) or []:
        earlier: list[str] = []
        for number, item in enumerate(_normalised(turns)):
            _score(quality, item, ask(item["q"], list(earlier)), follow_up=number > 0)
            earlier.append(item["q"])
    for item in _normalised(questions.get("out_of_scope", [])):
        got = ask(item["q"], [])
        quality.off_topic += 1
        quality.near += bool(item.get("near"))
        if got.confidence == "none":
            quality.refused += 1
            quality.near_refused += bool(item.get("near"))
        else:
            quality.misses.append(f"OUT {item['q']!r}: answered {got.kind} {got.entry_ids[:2]}"
                                  f" ({got.confidence})")
    return quality


def _score(quality: Quality, item: dict[str, Any], got: Answered, *, follow_up: bool) -> None:
    if item.get("unanswerable"):
        quality.unanswerable += 1
        quality.unanswerable_abstained += got.confidence == "none"
        return
    result = outcome(item, got)
    quality.in_scope.add(result)
    quality.bands[got.confidence] += 1
    quality.by_style.setdefault(item.get("style", "plain"), Tally()).add(result)
    if follow_up:
        quality.follow_ups.add(result)
    if item.get("compose"):
        quality.composed_asked[item["compose"]] += 1
        quality.composed_given[item["compose"]] += got.kind == item["compose"]
    if result != "right":
        want = item.get("compose") or ""
        want += f" {item.get('side') or item.get('period') or item.get('needs') or ''}"
        want += f" {item.get('expect') or ''}"
        quality.misses.append(f"IN  {item['q']!r}: {result}, got {got.kind}/{got.confidence} "
                              f"{got.topic} {got.entry_ids[:3]}, want {want.strip()}")


def _normalised(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Older sets list off-topic questions as plain strings."""
    return [item if isinstance(item, dict) else {"q": item} for item in items]


def report(quality: Quality) -> str:
    tally = quality.in_scope
    lines = [
        f"in-scope questions      {tally.total}",
        f"answered right          {tally.share('right'):.1%}",
        f"answered wrong          {tally.share('wrong'):.1%}",
        f"abstained               {tally.share('abstained'):.1%}",
        f"answered-precision      {quality.answered_precision:.1%}",
        f"off-topic questions     {quality.off_topic}",
        f"off-topic refused       {quality.abstention:.1%}",
    ]
    if quality.near:
        lines.append(f"near misses refused     {quality.near_refused}/{quality.near}")
    if quality.follow_ups.total:
        lines.append(f"follow-ups right        {quality.follow_ups.right}/"
                     f"{quality.follow_ups.total}")
    for kind, asked in sorted(quality.composed_asked.items()):
        lines.append(f"composed {kind:<14} {quality.composed_given[kind]}/{asked}")
    if quality.unanswerable:
        lines.append(f"unanswerable abstained  {quality.unanswerable_abstained}/"
                     f"{quality.unanswerable}")
    styles = ", ".join(f"{s} {t.right}/{t.total}" for s, t in sorted(quality.by_style.items())
                       if len(quality.by_style) > 1)
    if styles:
        lines.append(f"right by style          {styles}")
    lines.append("bands (in-scope)        " + ", ".join(
        f"{band} {count}" for band, count in sorted(quality.bands.items())))
    return "\n".join(lines)


def bot_asker() -> Asker:
    """The bot's own answering path over the shipped packs, one conversation per call."""
    from bot.answering.conversation import Conversation
    from bot.answering.engine import AnswerEngine
    from knowledge.loader import load_knowledge

    engine = AnswerEngine.for_knowledge(load_knowledge())

    def ask(question: str, earlier: list[str]) -> Answered:
        conversation = Conversation(engine)
        for turn in earlier:
            conversation.ask(turn)
        return conversation.ask(question)
    return ask


def explain(question: str) -> None:
    from bot.answering.conversation import Conversation
    from bot.answering.engine import AnswerEngine
    from knowledge.loader import load_knowledge

    engine = AnswerEngine.for_knowledge(load_knowledge())
    found = engine.search(question)
    print(f"corrected {found.corrected}, date {found.date}")
    for m in found.matches[:6]:
        print(f"{m.score:6.3f} conf {m.confidence:.3f} cover {m.cover:.2f} "
              f"name {m.name:.2f} date {m.date:.1f}  {m.entry.id}")
    got = Conversation(engine).ask(question)
    print(f"-> {got.kind}/{got.confidence} {got.topic} {got.entry_ids[:4]}\n{got.text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", "--devset", dest="path", type=Path, default=DEVSET,
                        help="The labelled question set (default: the development set).")
    parser.add_argument("--misses", action="store_true", help="List every miss.")
    parser.add_argument("--explain", metavar="QUESTION", help="Show one question's matches.")
    args = parser.parse_args()
    if args.explain:
        explain(args.explain)
        return
    quality = evaluate(bot_asker(), load_set(args.path))
    print(report(quality))
    if args.misses:
        print("\n".join(quality.misses))


if __name__ == "__main__":
    main()
