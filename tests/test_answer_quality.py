"""Answer quality on the development set stays near what the engine reached.

The floors sit a little under the measured figures (README, "Answering questions"), so a
change that makes answers worse fails here instead of passing silently.
"""

from __future__ import annotations

from benchmarks.answer_quality import evaluate, load_devset, report
from bot.answering.engine import AnswerEngine
from knowledge.loader import KnowledgeBase


def test_answer_quality_stays_above_its_floor(kb: KnowledgeBase) -> None:
    devset = load_devset()
    assert len(devset["in_scope"]) >= 150 and len(devset["out_of_scope"]) >= 40
    quality = evaluate(AnswerEngine(kb.entries.values()), devset)
    summary = report(quality) + "\n" + "\n".join(quality.misses)
    assert quality.top1_accuracy >= 0.96, summary
    assert quality.mrr >= 0.97, summary
    assert quality.answered_correctly >= 0.93, summary
    assert quality.answered_precision >= 0.96, summary
    assert quality.abstention >= 0.95, summary
