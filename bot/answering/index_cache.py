"""The checked knowledge base and its answer index, cached on disk between starts.

At 100,000 entries, reading and checking the packs takes minutes and building the index
12-23 s; both are pure functions of the pack files and of the code that reads them. So the
pair is pickled once into ``STUDYBOT_CACHE_DIR`` under a key made of

- the content of every file in every pack folder (names and bytes), in load order, and
- :data:`CACHE_FORMAT` plus the source of the code that shapes the result (the pack models and
  loader, and every module of ``bot/answering``) and the Python and pydantic versions,

and a start with the same key loads the pickle instead (about a second at 100,000 entries).
Any edit to a pack or to that code gives a new key, so a stale index is never used. The
knowledge base and the engine are stored together because the engine holds the same entry
objects: pickled as one, they stay shared in memory rather than loaded twice.

The cache is an optimisation only: an unreadable, corrupt or unwritable cache is logged and
the index is built as before. Only the bot's own user should be able to write the folder (a
pickle is loaded as code); the default, the per-user cache folder, is.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bot.answering.engine import AnswerEngine
from knowledge.loader import KnowledgeBase, load_knowledge, pack_folders

log = logging.getLogger(__name__)

#: Change when what is pickled changes shape in a way the source hash would not show.
CACHE_FORMAT = 1
PREFIX = "index-"
KEEP = 4  # indexes kept in the folder, most recently used first
_ROOT = Path(__file__).resolve().parents[2]
#: The code whose output is cached: the pack format and loader, and the answering package.
CODE = (_ROOT / "knowledge" / "models.py", _ROOT / "knowledge" / "loader.py",
        *sorted((_ROOT / "bot" / "answering").glob("*.py")))


def code_version() -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{sys.version}|".encode())
    import pydantic

    digest.update(pydantic.VERSION.encode())
    for path in CODE:
        if path.name != Path(__file__).name:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def packs_hash(folders: Sequence[Path]) -> str:
    """A digest of every file in the pack folders: relative names and contents, in order."""
    digest = hashlib.sha256()
    for folder in folders:
        digest.update(str(folder.resolve()).encode() + b"\0")
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if any(part.startswith(".") or part == "__pycache__"
                   for part in path.relative_to(folder).parts):
                continue
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            digest.update(b"\0")
    return digest.hexdigest()


def cache_key(folders: Sequence[Path]) -> str:
    return hashlib.sha256(f"{packs_hash(folders)}|{code_version()}".encode()).hexdigest()


def load_indexed(folders: Sequence[Path] | None = None, directory: Path | None = None
                 ) -> tuple[KnowledgeBase, AnswerEngine]:
    """The packs' knowledge base and answer engine: from the cache when the packs and the
    code are unchanged, else loaded, checked and built (and then cached).

    A bad pack raises :class:`knowledge.errors.PackError` exactly as ``load_knowledge`` does.
    """
    from bot import settings

    folders = list(folders) if folders is not None else pack_folders()
    directory = directory if directory is not None else settings.cache_dir()
    started = time.perf_counter()
    key = cache_key(folders)
    path = directory / f"{PREFIX}{key[:40]}.pickle"
    cached = _read(path, key)
    if cached is not None:
        _touch(path)
        log.info("answer index: %d entries loaded from the cache in %.1f s",
                 len(cached[0].entries), time.perf_counter() - started)
        return cached
    kb = load_knowledge(folders)
    engine = AnswerEngine.for_knowledge(kb)
    gc.freeze()  # as after a cached load: read-only from now on
    log.info("answer index: %d entries checked and indexed in %.1f s", len(kb.entries),
             time.perf_counter() - started)
    _write(path, key, kb, engine)
    return kb, engine


def _read(path: Path, key: str) -> tuple[KnowledgeBase, AnswerEngine] | None:
    try:
        data = path.read_bytes()  # then loads: twice as quick as unpickling from the file
        gc.disable()  # unpickling makes millions of objects; collecting meanwhile is waste
        try:
            stored = pickle.loads(data)
            # they live as long as the process and never change: the collector need not
            # scan them again (else its next full pass takes seconds at 100,000 entries)
            gc.freeze()
        finally:
            gc.enable()
            del data
    except FileNotFoundError:
        return None
    except Exception as error:  # a truncated or foreign file: build afresh
        log.warning("answer index cache %s unreadable (%s); building the index", path,
                    type(error).__name__)
        return None
    if (not isinstance(stored, dict) or stored.get("key") != key
            or not isinstance(stored.get("kb"), KnowledgeBase)
            or not isinstance(stored.get("engine"), AnswerEngine)):
        log.warning("answer index cache %s is not this index; building it", path)
        return None
    return stored["kb"], stored["engine"]


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache still serves
        os.utime(path)


def _write(path: Path, key: str, kb: KnowledgeBase, engine: AnswerEngine) -> None:
    """Write atomically (a reader never sees half a file), then drop older indexes."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as out:
            temporary = Path(out.name)
            pickle.dump({"key": key, "kb": kb, "engine": engine}, out,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
        log.warning("could not cache the answer index in %s (%s: %s); the next start builds "
                    "it again", path.parent, type(error).__name__, error)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return
    _prune(path.parent)


def _prune(directory: Path) -> None:
    """Keep the few most recently used indexes (several pack sets may share the folder)."""
    found = []
    for candidate in directory.glob(f"{PREFIX}*.pickle"):
        try:
            found.append((candidate.stat().st_mtime, candidate))
        except OSError:
            continue
    for _, old in sorted(found, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)
