"""``studybot onthisday`` and ``studybot timeline``: the same results as the chat commands."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from bot.calendar.dates import parse_month_day
from bot.calendar.onthisday import on_this_day
from bot.calendar.timeline import ImageFormat, dated_events, draw_timeline
from bot.commands.registry import write_commands
from bot.files import check_output, write_pages
from bot.replies import plain_text
from knowledge.loader import load_knowledge


def onthisday_main(args: argparse.Namespace) -> int:
    """Print today's (or ``--date MM-DD``'s) events; today is this computer's local date."""
    today = datetime.now().astimezone().date()
    month, day = today.month, today.day
    if args.date:
        try:
            month, day = parse_month_day(args.date)
        except ValueError as problem:
            print(f"studybot onthisday: {problem}".replace("`", ""), file=sys.stderr)
            return 2
    kb = load_knowledge()  # a bad pack: bot.cli.main refuses with every problem listed
    result = on_this_day(kb, month, day, today)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        print(plain_text(write_commands(result.message(), "studybot ")))
    return 0


#: The picture formats ``--out`` may ask for, by the file name's ending.
IMAGE_FORMATS: dict[str, ImageFormat] = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}


def timeline_main(args: argparse.Namespace) -> int:
    """Write the timeline picture; a long span's further pages go beside it as NAME-2.png...
    (pages of an earlier, longer run are removed)."""
    if args.start is not None and args.end is not None and args.start > args.end:
        print("studybot timeline: --from must not be after --to", file=sys.stderr)
        return 2
    out = Path(args.out)
    check_output(out, tuple(IMAGE_FORMATS))  # before any drawing
    kb = load_knowledge()
    if not dated_events(kb, args.start, args.end):
        print("studybot timeline: no dated events in those years", file=sys.stderr)
        return 1
    pictures = draw_timeline(kb, args.start, args.end, IMAGE_FORMATS[out.suffix.lower()])
    for path in write_pages(out, pictures):
        print(path)
    return 0
