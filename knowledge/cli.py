"""``studybot kb ...``: validate, export, count and describe knowledge packs."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from knowledge.loader import check_packs, pack_folders
from knowledge.models import EventEntry
from knowledge.schema import file_schemas


def kb_main(args: argparse.Namespace) -> int:
    if args.kb_command == "validate":
        folders = [Path(p) for p in args.paths] or pack_folders()
        _, problems = check_packs(folders)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return 1
        print(f"OK: {len(folders)} pack(s) valid.")
        return 0
    if args.kb_command == "schema":
        print(json.dumps(file_schemas(), indent=2))
        return 0
    kb, problems = check_packs(pack_folders())
    if kb is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    if args.kb_command == "export":
        print(json.dumps([export_entry(e, kb.pack_of[e.id]) for e in kb.entries.values()],
                         ensure_ascii=False, indent=1))
        return 0
    counts = Counter((kb.pack_of[e.id], getattr(e, "kind", "?")) for e in kb.entries.values())
    for pack in kb.packs:
        name = pack.info.name
        total = sum(n for (p, _), n in counts.items() if p == name)
        dated = sum(1 for e in pack.entries if isinstance(e, EventEntry))
        print(f"{name}: {total} entries, {len(pack.questions)} hand-written questions, "
              f"{dated} dated events")
        for (p, kind), n in sorted(counts.items()):
            if p == name:
                print(f"  {kind:<9} {n}")
    return 0


def export_entry(entry: Any, pack: str) -> dict[str, Any]:
    data: dict[str, Any] = {key: None for key in ("date", "end_date", "side")}
    data.update(entry.model_dump())
    data["pack"] = pack
    return data
