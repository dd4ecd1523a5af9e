"""Answer quality on the development sets stays near what the engine reached.

The floors sit a little under the measured figures (README, "Answering questions"), so a
change that makes answers worse fails here instead of passing silently. Only development
sets appear here: the frozen blind test set (benchmarks/blind-test.yaml) is never a gate, so
nothing is ever tuned to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.answer_quality import HERE, bot_asker, evaluate, load_set, report

#: set -> (answered right at least, answered wrong at most, off-topic refused at least)
FLOORS = {
    "blind-dev.yaml": (0.82, 0.12, 0.89),
    "devset.yaml": (0.95, 0.03, 0.93),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_answer_quality_stays_above_its_floor(name: str) -> None:
    questions = load_set(Path(HERE / name))
    quality = evaluate(bot_asker(), questions)
    summary = report(quality) + "\n" + "\n".join(quality.misses)
    right, wrong, refused = FLOORS[name]
    assert quality.in_scope.share("right") >= right, summary
    assert quality.in_scope.share("wrong") <= wrong, summary
    assert quality.abstention >= refused, summary
