"""The answer index cached on disk: used when the packs and the code are unchanged, rebuilt
when either changes, and never in the way when the cache cannot be read or written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answering import index_cache
from bot.answering.index_cache import cache_key, load_indexed
from bot.answering.respond import answer
from knowledge.loader import BUILTIN_PACKS

PACK = BUILTIN_PACKS / "stalin-foreign-policy"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    return copy


def built(caplog: pytest.LogCaptureFixture) -> bool:
    """Whether the last load built the index (rather than reading the cache)."""
    messages = [r.getMessage() for r in caplog.records if r.name == index_cache.__name__]
    return "checked and indexed" in messages[-1]


def test_a_second_start_reads_the_index_from_the_cache(pack: Path, tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    cache = tmp_path / "cache"
    kb, engine = load_indexed([pack], cache)
    assert built(caplog)
    kb2, engine2 = load_indexed([pack], cache)
    assert not built(caplog)
    assert list(kb2.entries) == list(kb.entries)
    question = "when was the nazi soviet pact"
    assert answer(engine2, question).text == answer(engine, question).text
    # one set of entries in memory: the engine's are the knowledge base's own
    some = next(iter(kb2.entries))
    assert engine2.by_id[some] is kb2.entries[some]


def test_a_changed_pack_is_indexed_afresh(pack: Path, tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    cache = tmp_path / "cache"
    load_indexed([pack], cache)
    events = pack / "events.yaml"
    events.write_text(events.read_text().replace("title: Munich Agreement",
                                                 "title: The Munich Agreement", 1))
    kb, _ = load_indexed([pack], cache)
    assert built(caplog)
    assert kb.entries["munich-agreement"].title == "The Munich Agreement"
    assert len(list(cache.glob("index-*.pickle"))) == 2  # the other pack set's stays


def test_the_key_covers_the_packs_and_the_code(pack: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    key = cache_key([pack])
    (pack / "notes.txt").write_text("any file in the pack counts")
    assert cache_key([pack]) != key
    key = cache_key([pack])
    monkeypatch.setattr(index_cache, "CACHE_FORMAT", index_cache.CACHE_FORMAT + 1)
    assert cache_key([pack]) != key
    assert any(p.name == "engine.py" for p in index_cache.CODE)


def test_a_corrupt_cache_is_rebuilt(pack: Path, tmp_path: Path,
                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    cache = tmp_path / "cache"
    load_indexed([pack], cache)
    [stored] = cache.glob("index-*.pickle")
    stored.write_bytes(stored.read_bytes()[:1000])  # a crash mid-copy, a full disk
    kb, _ = load_indexed([pack], cache)
    assert built(caplog) and "unreadable" in caplog.text
    assert len(kb.entries) > 100


def test_an_unwritable_cache_only_costs_time(pack: Path, tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    _, engine = load_indexed([pack], blocker / "cache")
    assert answer(engine, "who was litvinov").answered
    assert "could not cache the answer index" in caplog.text


def test_only_a_few_indexes_are_kept(pack: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for n in range(index_cache.KEEP + 2):
        (pack / "notes.txt").write_text(f"version {n}")
        load_indexed([pack], cache)
    assert len(list(cache.glob("index-*.pickle"))) == index_cache.KEEP
