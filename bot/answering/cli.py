"""``studybot ask``: answer from the knowledge base without a database or a chat platform.

Imports stay inside the function so ``studybot --help`` and the other commands pay nothing,
and ``studybot ask`` loads only the packs and the engine.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from typing import Any, TextIO


def ask_main(args: argparse.Namespace) -> int:
    from bot.answering.answer import answer
    from bot.answering.engine import AnswerEngine
    from knowledge.loader import load_knowledge

    kb = load_knowledge()  # a bad pack: bot.cli.main refuses with every problem listed
    engine = AnswerEngine(kb.entries.values())
    gc.freeze()  # the knowledge base and index never change: the collector can skip them
    questions = _questions(args.question, sys.stdin)
    for number, question in enumerate(questions):
        started = time.perf_counter()
        result = answer(engine, question)
        elapsed = (time.perf_counter() - started) * 1000
        if args.json:
            print(json.dumps(_as_json(result, elapsed), ensure_ascii=False), flush=True)
        else:
            print(("\n" if number else "") + result.text, flush=True)
    return 0


def _questions(words: list[str], stdin: TextIO) -> Any:
    """The one question on the command line, or one per line from standard input for ``-``."""
    if words == ["-"]:
        return (line.rstrip("\n") for line in stdin)
    return [" ".join(words)]


def _as_json(result: Any, elapsed_ms: float) -> dict[str, Any]:
    return {
        "question": result.question,
        "answered": result.answered,
        "text": result.text,
        "entry_id": result.entry.id if result.entry else None,
        "score": result.score,
        "suggestions": [{"id": e.id, "title": e.title} for e in result.suggestions],
        "elapsed_ms": round(elapsed_ms, 3),
    }
