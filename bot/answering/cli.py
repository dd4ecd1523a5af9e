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
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from bot.answering.answer import Answer


def ask_main(args: argparse.Namespace) -> int:
    from bot.answering.conversation import Conversation
    from bot.answering.index_cache import load_indexed

    _, engine = load_indexed()  # a bad pack: bot.cli.main refuses with every problem listed
    gc.freeze()  # the knowledge base and index never change: the collector can skip them
    talk = Conversation(engine)
    for number, question in enumerate(_questions(args.question, sys.stdin)):
        if not args.conversation:
            talk = Conversation(engine)  # each question on its own
        started = time.perf_counter()
        result = talk.ask(question)
        elapsed = (time.perf_counter() - started) * 1000
        if args.json:
            print(json.dumps(as_json(result, elapsed), ensure_ascii=False), flush=True)
        else:
            print(("\n" if number else "") + result.text, flush=True)
    return 0


def _questions(words: list[str], stdin: TextIO) -> Any:
    """The one question on the command line, or one per line from standard input for ``-``."""
    if words == ["-"]:
        return (line.rstrip("\n") for line in stdin)
    return [" ".join(words)]


def as_json(result: Answer, elapsed_ms: float) -> dict[str, Any]:
    """One answer as ``studybot ask --json`` prints it."""
    return {
        "question": result.question,
        "answered": result.answered,
        "confidence": result.confidence,
        "kind": result.kind,
        "text": result.text,
        "entry_id": result.entry.id if result.entry else None,
        "entry_ids": result.entry_ids,
        "score": round(result.score, 4),
        "suggestions": [{"id": e.id, "title": e.title} for e in result.suggestions],
        "elapsed_ms": round(elapsed_ms, 3),
    }
