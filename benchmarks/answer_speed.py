"""Answer speed and memory: the engine against a naive rapidfuzz scan, at two sizes.

    python -m benchmarks.answer_speed [--size 100000] [--questions 1000] [--naive-large 300]

For the essay pack and for a generated pack of ``--size`` entries (the essay pack plus
synthetic entries, see :func:`synthetic_entries`) it prints, for the engine and for a naive
``rapidfuzz.process.extractOne(question, names, scorer=WRatio)`` scan over the same entries:
start-up time, memory, and p50/p99 latency over warm questions. It also times ``studybot ask``
from process start to printed answer. The naive scan at the large size gets fewer questions
(``--naive-large``) because each one takes long; the figures say how many.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from benchmarks.answer_quality import DEVSET, HERE, load_set
from bot.answering.engine import AnswerEngine, Outline
from bot.answering.respond import answer
from knowledge.loader import load_knowledge
from knowledge.models import Entry, FactEntry

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Figures:
    name: str
    startup_s: float
    memory_mb: float
    p50_ms: float
    p99_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float
    questions: int


def synthetic_entries(count: int, essay_words: Sequence[str], seed: int = 7) -> list[Entry]:
    """Entries shaped like the pack's: a title, aliases, 30-60 words of text, a quote.

    Words come from 40,000 made-up words (drawn Zipf-like, so some are common) mixed with
    the essay's own words, so real questions meet long posting lists as they would in a big
    pack on the same subject.
    """
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ra", "vos", "tan", "del", "gor", "shi", "pen", "ul", "zar",
                 "bek", "nov", "ste", "qua", "rim", "hel", "dro", "fen", "lu", "mas", "tri"]
    made_up = list({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
                    for _ in range(60_000)})[:40_000]
    vocabulary = made_up + list(essay_words)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))]
    rng.shuffle(vocabulary)
    cumulative = _cumulative(weights)

    def some(n: int) -> list[str]:
        return rng.choices(vocabulary, cum_weights=cumulative, k=n)

    entries: list[Entry] = []
    for number in range(count):
        title = " ".join(some(rng.randint(2, 4))).capitalize()
        entries.append(FactEntry.model_construct(
            id=f"synthetic-{number}", title=title,
            aliases=[" ".join(some(2)) for _ in range(rng.randint(1, 3))],
            text=" ".join(some(rng.randint(30, 60))) + ".", tags=["synthetic"],
            quotes=[" ".join(some(12))], sources=[], note=None, kind="fact"))
    return entries


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def questions_for(entries: Sequence[Entry], devset: dict[str, Any], count: int,
                  seed: int = 11) -> list[str]:
    """The development set's questions, then questions naming random entries (some misspelt)."""
    rng = random.Random(seed)
    asked = [item["q"] if isinstance(item, dict) else item
             for key in ("in_scope", "out_of_scope") for item in devset[key]]
    while len(asked) < count:
        entry = rng.choice(entries)
        name = rng.choice([entry.title, *entry.aliases]).lower()
        if rng.random() < 0.3 and len(name) > 5:  # a typo: two letters swapped
            at = rng.randrange(len(name) - 1)
            name = name[:at] + name[at + 1] + name[at] + name[at + 2:]
        asked.append(rng.choice(["what was {}", "who was {}", "{}", "tell me about {}",
                                 "when was {}"]).format(name))
    return asked[:count]


def measure_engine(name: str, entries: Sequence[Entry], asked: Sequence[str],
                   outline: Outline) -> Figures:
    started = time.perf_counter()
    engine = AnswerEngine(entries, outline)
    startup = time.perf_counter() - started
    memory = _memory_of(lambda: AnswerEngine(entries, outline))
    gc.collect()
    gc.freeze()  # as `studybot ask` does: the index is read-only, the collector skips it
    for question in asked[:50]:
        answer(engine, question)  # warm up
    timing = _latency(lambda q: answer(engine, q), asked)
    gc.unfreeze()
    return Figures(name, startup, memory, *timing, len(asked))


def measure_naive(name: str, entries: Sequence[Entry], asked: Sequence[str]) -> Figures:
    def build() -> list[str]:
        return [" ".join([e.title, *e.aliases]) for e in entries]

    started = time.perf_counter()
    names = build()
    startup = time.perf_counter() - started
    memory = _memory_of(build)
    timing = _latency(lambda q: process.extractOne(q, names, scorer=fuzz.WRatio), asked)
    return Figures(name, startup, memory, *timing, len(asked))


def _memory_of(build: Callable[[], object]) -> float:
    """Megabytes the built structure keeps (tracemalloc: Python allocations)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return (after - before) / 1e6


def _latency(run: Callable[[str], object],
             asked: Sequence[str]) -> tuple[float, float, float, float]:
    """p50 and p99 in milliseconds of wall-clock time, then of this process's CPU time.

    On a shared machine the wall clock also counts time other processes had the CPU; the
    CPU time is what the answering itself cost.
    """
    wall, cpu = [], []
    for question in asked:
        started, started_cpu = time.perf_counter(), time.process_time()
        run(question)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return (*_p50_p99(wall), *_p50_p99(cpu))


def _p50_p99(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def time_cli(runs: int = 5) -> float:
    """Seconds from starting ``studybot ask`` to its printed answer (median of runs)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "ask", "when was the nazi soviet pact"],
                       cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="Entries in the big pack.")
    parser.add_argument("--questions", type=int, default=1000, help="Warm questions per run.")
    parser.add_argument("--naive-large", type=int, default=300,
                        help="Questions for the naive scan on the big pack.")
    args = parser.parse_args()
    kb = load_knowledge()
    devset = load_set(DEVSET)
    blind = load_set(HERE / "blind-dev.yaml")  # exam-style and composed questions too
    for key in ("in_scope", "out_of_scope"):
        devset[key] = [*blind[key], *devset[key]]
    essay_entries = list(kb.entries.values())
    outline = AnswerEngine.for_knowledge(kb).outline
    rows = []
    asked = questions_for(essay_entries, devset, args.questions)
    rows.append(measure_engine(f"engine, essay pack ({len(essay_entries)})", essay_entries, asked,
                               outline))
    rows.append(measure_naive(f"naive,  essay pack ({len(essay_entries)})", essay_entries, asked))
    essay_words = sorted({w.strip(".,;:'\"()").lower() for p in kb.packs for w in p.essay.split()})
    if args.size > len(essay_entries):  # --size 0: the essay pack only
        big = essay_entries + synthetic_entries(args.size - len(essay_entries), essay_words)
        asked = questions_for(big, devset, args.questions)
        rows.append(measure_engine(f"engine, generated ({len(big):,})", big, asked, outline))
        rows.append(measure_naive(f"naive,  generated ({len(big):,})", big,
                                  asked[: args.naive_large]))
    print(f"{'':34} {'start-up':>9} {'memory':>9} {'p50':>9} {'p99':>9} {'cpu p50':>9} "
          f"{'cpu p99':>9} {'questions':>9}")
    for row in rows:
        print(f"{row.name:34} {row.startup_s:8.2f}s {row.memory_mb:7.1f}MB "
              f"{row.p50_ms:7.3f}ms {row.p99_ms:7.3f}ms {row.cpu_p50_ms:7.3f}ms "
              f"{row.cpu_p99_ms:7.3f}ms {row.questions:9}")
    print(f"studybot ask, process start to printed answer: {time_cli():.2f}s (median of 5)")
    print(f"load average during the run: {Path('/proc/loadavg').read_text().split()[:3]}, "
          f"CPUs: {os.cpu_count()}")


if __name__ == "__main__":
    main()
