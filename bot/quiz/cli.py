"""``studybot quiz export``: the question bank as JSON, for checking and for other tools."""

from __future__ import annotations

import argparse
import json
import sys

from bot.quiz.bank import QuestionBank
from knowledge.loader import load_knowledge


def quiz_main(args: argparse.Namespace) -> int:
    """Print ``--count`` distinct questions; ``--seed`` fixes the pick, ``--topic`` narrows it."""
    if args.quiz_command != "export":
        print(f"unknown quiz action {args.quiz_command!r}", file=sys.stderr)
        return 2
    if args.count < 1:
        print("--count must be at least 1", file=sys.stderr)
        return 2
    bank = QuestionBank.build(load_knowledge())
    topic = None
    if args.topic:
        topic = bank.match_topic(args.topic)
        if topic is None:
            print(f"no topic {args.topic!r}; topics: {', '.join(bank.topics())}", file=sys.stderr)
            return 2
    questions = bank.pick(args.count, args.seed, topic)
    if len(questions) < args.count:
        print(f"only {len(questions)} questions available", file=sys.stderr)
    rows = [q.to_json() | ({"topic": topic} if topic else {}) for q in questions]
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
