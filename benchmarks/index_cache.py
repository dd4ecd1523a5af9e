"""Start-up with a large knowledge base: checked and indexed from the files, then from the
cache.

    python -m benchmarks.index_cache [--size 100000] [--keep FOLDER]

Writes ``--size`` generated entries (the shape of benchmarks/answer_speed.py's synthetic
entries) as packs of 2,000 (a pack file may be at most 2 MB) beside the built-in one, then
starts fresh processes the way the bot starts: ``StudyBot.create()`` (load and check the
packs, build or load the answer index, open and migrate a SQLite database) and one question
answered. The first start has no cache; the second finds it. Each line gives the wall-clock
time from launching the process to the answer, the time ``StudyBot.create`` took in it, and
the whole process's time (exit included).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.answer_speed import synthetic_entries
from knowledge.loader import BUILTIN_PACKS

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import asyncio, json, os, sys, time
from bot.app import StudyBot
from bot.answering.respond import answer
from bot.commands.ask import answer_engine

async def main():
    t = time.perf_counter()
    bot = await StudyBot.create()
    ready = time.perf_counter() - t
    reply = answer(bot.service(answer_engine), "when was the nazi soviet pact")
    answered = time.time() - float(os.environ["LAUNCHED"])
    await bot.close()
    print(json.dumps({"create": ready, "answered_after": answered,
                      "entries": len(bot.kb.entries), "answered": reply.answered}))

asyncio.run(main())
"""


#: Entries per generated pack: a pack file may be at most 2 MB, so a large knowledge base is
#: many packs (the loader's limit), each well under it.
PER_PACK = 2_000


def write_packs(folder: Path, size: int) -> None:
    """Valid packs in ``folder``: generated facts (cited, so no essay quotes to check), each
    pack with the essay."""
    essay = (BUILTIN_PACKS / "stalin-foreign-policy" / "essay.txt").read_text()
    entries = synthetic_entries(size, essay.split())
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for number, start in enumerate(range(0, size, PER_PACK)):
        pack = folder / f"generated-{number:03d}"
        pack.mkdir(parents=True, exist_ok=True)
        (pack / "essay.txt").write_text(essay)
        (pack / "pack.yaml").write_text(f"name: generated-{number:03d}\n"
                                        "title: Generated entries\n"
                                        "description: For the start-up benchmark.\n"
                                        "essay: essay.txt\n")
        items = [{"id": e.id, "title": e.title, "aliases": e.aliases, "text": e.text,
                  "tags": e.tags, "sources": ["generated for the benchmark"]}
                 for e in entries[start:start + PER_PACK]]
        with (pack / "facts.yaml").open("w") as out:
            yaml.dump(items, out, Dumper=dumper, sort_keys=False, width=1000)


def start(packs: Path, cache: Path, data: Path) -> tuple[float, dict[str, object]]:
    env = os.environ | {"STUDYBOT_PACKS": str(packs), "STUDYBOT_CACHE_DIR": str(cache),
                        "STUDYBOT_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    env["LAUNCHED"] = repr(time.time())
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    took = time.perf_counter() - started
    return took, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the pack here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        pack = args.keep or Path(scratch) / "generated"
        if not pack.is_dir():
            started = time.perf_counter()
            write_packs(pack, args.size)
            size = sum(p.stat().st_size for p in pack.rglob("facts.yaml")) / 1e6
            print(f"{args.size:,} entries written in {len(list(pack.iterdir()))} packs "
                  f"({size:.0f} MB of YAML) in {time.perf_counter() - started:.0f} s")
        cache, data = Path(scratch) / "cache", Path(scratch) / "data"
        for label in ("first start (no cache)", "restart (cache)", "restart (cache)"):
            took, inside = start(pack, cache, data)
            print(f"{label}: answered {inside['answered_after']:.2f} s after launch "
                  f"(StudyBot.create {inside['create']:.2f} s; the process, exit included, "
                  f"{took:.2f} s); {inside['entries']:,} entries; answered: "
                  f"{inside['answered']}")
        size = sum(p.stat().st_size for p in cache.glob("*.pickle")) / 1e6
        print(f"cache: {size:.0f} MB on disk")


if __name__ == "__main__":
    main()
