"""Answer quality on the development set: ranking, answering and abstaining.

    python -m benchmarks.answer_quality [--devset benchmarks/devset.yaml] [--misses]

Prints top-1 accuracy and MRR of the ranking, how many in-scope questions are answered and
how many of those answers are right, and the share of out-of-scope questions abstained on.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answering.engine import AnswerEngine
from knowledge.loader import load_knowledge

DEVSET = Path(__file__).with_name("devset.yaml")


@dataclass
class Quality:
    in_scope: int = 0
    top1: int = 0
    reciprocal_rank: float = 0.0
    answered: int = 0
    answered_right: int = 0
    out_of_scope: int = 0
    abstained: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def top1_accuracy(self) -> float:
        return self.top1 / self.in_scope

    @property
    def mrr(self) -> float:
        return self.reciprocal_rank / self.in_scope

    @property
    def answered_precision(self) -> float:
        return self.answered_right / self.answered if self.answered else 1.0

    @property
    def answered_correctly(self) -> float:
        return self.answered_right / self.in_scope

    @property
    def abstention(self) -> float:
        return self.abstained / self.out_of_scope


def load_devset(path: Path = DEVSET) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def evaluate(engine: AnswerEngine, devset: dict[str, Any]) -> Quality:
    quality = Quality()
    for item in devset["in_scope"]:
        expected = set(item["expect"])
        found = engine.search(item["q"])
        ranked = [m.entry.id for m in found.matches]
        quality.in_scope += 1
        rank = next((i for i, entry_id in enumerate(ranked, 1) if entry_id in expected), None)
        quality.reciprocal_rank += 1 / rank if rank else 0.0
        quality.top1 += rank == 1
        if found.answered:
            quality.answered += 1
            quality.answered_right += rank == 1
        if rank != 1 or not found.answered:
            best = found.best
            got = f"{best.entry.id} {best.confidence:.2f}" if best else "nothing"
            state = "answered" if found.answered else "abstained"
            quality.misses.append(f"IN  {item['q']!r}: {state}, got {got}, want {item['expect']}")
    for question in devset["out_of_scope"]:
        found = engine.search(question)
        quality.out_of_scope += 1
        quality.abstained += not found.answered
        if found.answered and found.best is not None:
            quality.misses.append(f"OUT {question!r}: answered {found.best.entry.id} "
                                  f"{found.best.confidence:.2f}")
    return quality


def report(quality: Quality) -> str:
    return "\n".join([
        f"in-scope questions      {quality.in_scope}",
        f"top-1 accuracy          {quality.top1_accuracy:.1%}",
        f"MRR                     {quality.mrr:.3f}",
        f"answered                {quality.answered / quality.in_scope:.1%}",
        f"answered correctly      {quality.answered_correctly:.1%}",
        f"answered-precision      {quality.answered_precision:.1%}",
        f"out-of-scope questions  {quality.out_of_scope}",
        f"abstained out-of-scope  {quality.abstention:.1%}",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--misses", action="store_true", help="List every miss.")
    parser.add_argument("--explain", metavar="QUESTION", help="Show one question's top matches.")
    args = parser.parse_args()
    engine = AnswerEngine(load_knowledge().entries.values())
    if args.explain:
        found = engine.search(args.explain)
        print(f"corrected {found.corrected}, date {found.date}, answered {found.answered}")
        for m in found.matches[:6]:
            print(f"{m.score:6.3f} conf {m.confidence:.3f} cover {m.cover:.2f} "
                  f"name {m.name:.2f} date {m.date:.1f}  {m.entry.id}")
        return
    quality = evaluate(engine, load_devset(args.devset))
    print(report(quality))
    if args.misses:
        print("\n".join(quality.misses))


if __name__ == "__main__":
    main()
