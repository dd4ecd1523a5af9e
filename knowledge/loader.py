"""Load knowledge packs from folders and check them, reporting every problem as ``file:line``.

A pack is refused whole when it has any problem: the bot never starts on half a knowledge base.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.errors import PackError, Problem
from knowledge.models import (
    KIND_FILES,
    MODEL_BY_KIND,
    ArgumentEntry,
    Entry,
    EventEntry,
    PackInfo,
    QuestionSpec,
    WorkEntry,
)

BUILTIN_PACKS = Path(__file__).parent / "packs"
PACKS_ENV = "STUDYBOT_PACKS"


@dataclass(slots=True)
class Pack:
    info: PackInfo
    folder: Path
    essay: str
    entries: list[Entry] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass(slots=True)
class KnowledgeBase:
    """Every loaded pack's entries, by id. Read-only once built."""

    packs: list[Pack]
    entries: dict[str, Entry]
    pack_of: dict[str, str]
    questions: list[QuestionSpec]

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries.values() if getattr(e, "kind", None) == kind]

    def events(self) -> list[EventEntry]:
        return [e for e in self.entries.values() if isinstance(e, EventEntry)]

    def essay_for(self, entry_id: str) -> str:
        name = self.pack_of[entry_id]
        return next(p.essay for p in self.packs if p.info.name == name)

    def topics(self) -> list[str]:
        return sorted({t for e in self.entries.values() for t in e.tags})


def collapse(text: str) -> str:
    """Whitespace folded to single spaces: quotes are compared this way (the essay wraps)."""
    return " ".join(text.split())


def pack_folders(extra: Iterable[Path] = ()) -> list[Path]:
    """The built-in packs, then folders named in ``STUDYBOT_PACKS`` (os.pathsep-separated).

    A folder in the list may be a pack itself or hold several packs.
    """
    roots = [BUILTIN_PACKS, *extra]
    env = os.environ.get(PACKS_ENV, "")
    roots += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    folders: list[Path] = []
    for root in roots:
        if (root / "pack.yaml").exists():
            folders.append(root)
        elif root.is_dir():
            folders += sorted(p for p in root.iterdir() if (p / "pack.yaml").exists())
        else:
            folders.append(root)  # reported as missing by the loader
    return folders


# --- YAML with line numbers ---------------------------------------------------------------

LineMap = dict[tuple[Any, ...], int]


#: Caps on what a pack file may hold, far above any real pack (the shipped files are under
#: 32 KB and four levels deep), so a hostile or broken file costs milliseconds, not gigabytes.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20


class _Refused(yaml.YAMLError):
    def __init__(self, mark: Any, problem: str) -> None:
        super().__init__(problem)
        self.problem_mark, self.problem = mark, problem


class _PackYamlLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases, nested at most :data:`MAX_DEPTH` deep.

    Aliases let a 1 KB file stand for billions of nodes ("billion laughs"), and PyYAML builds
    deep nesting by recursion; a pack needs neither, so both are refused while composing,
    before anything is built.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, f"YAML aliases are not allowed (*{event.anchor})")
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "YAML aliases are not allowed: remove the "
                                             f"anchor &{event.anchor}")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_text(path: Path, problems: list[Problem], what: str = "file") -> str | None:
    """A pack file's text, or None with a problem: unreadable, too big or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            cap = MAX_FILE_BYTES // 1024 // 1024
            problems.append(Problem(path, 0, f"{what} is {size / 1024 / 1024:.1f} MB; a pack "
                                             f"file may be at most {cap} MB"))
            return None
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        problems.append(Problem(path, 0, f"cannot read: {exc.strerror or exc}"))
    except UnicodeDecodeError:
        problems.append(Problem(path, 0, "not UTF-8 text"))
    return None


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, LineMap] | None:
    text = read_text(path, problems)
    if text is None:
        return None
    loader = _PackYamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        message = reason if isinstance(exc, _Refused) else f"YAML syntax error: {reason}"
        problems.append(Problem(path, line, message))
        return None
    finally:
        loader.dispose()
    lines: LineMap = {}
    if node is not None:
        _map_lines(node, (), lines)
    return data, lines


def _map_lines(node: yaml.Node, path: tuple[Any, ...], lines: LineMap) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            _map_lines(value, sub, lines)
            lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), lines)


def _line(lines: LineMap, loc: Sequence[Any]) -> int:
    """The line of the deepest part of ``loc`` the YAML has (a missing key: its mapping)."""
    loc = tuple(loc)
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines.get(loc, 1)


def _pydantic_problems(
    path: Path, lines: LineMap, prefix: tuple[Any, ...], exc: ValidationError
) -> Iterator[Problem]:
    for err in exc.errors():
        loc = (*prefix, *err["loc"])
        field_name = ".".join(str(p) for p in err["loc"]) or "entry"
        if err["type"] == "extra_forbidden":
            message = f"{err['loc'][-1]!r} is not a key that can be specified here"
        elif err["type"] == "missing":
            message = f"missing required key {err['loc'][-1]!r}"
        else:
            message = f"{field_name}: {err['msg'].removeprefix('Value error, ')}"
        yield Problem(path, _line(lines, loc), message)


# --- Loading one pack ---------------------------------------------------------------------


def _load_pack(folder: Path, problems: list[Problem], sites: Sites) -> Pack | None:
    """Check every file of the pack, even when ``pack.yaml`` or the essay is bad (so one run
    reports all the problems); a pack is returned only when its description and essay are."""
    if not folder.is_dir():
        problems.append(Problem(folder, 0, "no such pack folder"))
        return None
    info_path = folder / "pack.yaml"
    info, essay = None, None
    read = _read_yaml(info_path, problems) if _inside(folder, info_path, problems) else None
    if read is not None:
        data, lines = read
        try:
            info = PackInfo.model_validate(data)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(info_path, lines, (), exc))
        if info is not None:
            sites[id(info)] = (info_path, lines, None)
            essay = _read_essay(folder, info.essay, info_path, _line(lines, ("essay",)),
                                problems)
    entries: list[Entry] = []
    questions: list[QuestionSpec] = []
    found = False
    for filename, kind in KIND_FILES.items():
        path = folder / filename
        if path.exists():
            found = True
            if _inside(folder, path, problems):
                entries += _load_entries(path, kind, problems, sites)
    questions_path = folder / "questions.yaml"
    if questions_path.exists() and _inside(folder, questions_path, problems):
        questions = _load_models(questions_path, QuestionSpec, problems, sites)
    if not found:
        problems.append(Problem(info_path, 1, "the pack has no entry files (events.yaml, ...)"))
    known = set(KIND_FILES) | {"pack.yaml", "questions.yaml"}
    for stray in sorted(folder.glob("*.y*ml")):
        if stray.name not in known:
            problems.append(
                Problem(stray, 1, f"unknown file; entry files are: {', '.join(KIND_FILES)}")
            )
    if info is None or essay is None:
        return None
    return Pack(info=info, folder=folder, essay=essay, entries=entries, questions=questions)


def _inside(folder: Path, path: Path, problems: list[Problem]) -> bool:
    """Whether ``path``, symlinks followed, is in the pack folder: a pack can never make the
    bot read (and quote, and serve) another file on the machine."""
    if path.resolve().is_relative_to(folder.resolve()):
        return True
    problems.append(Problem(path, 0, "leads outside the pack folder (a symlink?); pack files "
                                     "must be inside it"))
    return False


def _read_essay(folder: Path, name: str, info_path: Path, line: int,
                problems: list[Problem]) -> str | None:
    """The essay named in ``pack.yaml``: a file inside the pack folder, within the size cap."""
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        problems.append(Problem(info_path, line,
                                f"essay {name!r} is outside the pack folder; put it inside"))
        return None
    if not path.is_file():
        problems.append(Problem(info_path, line, f"essay file {name!r} not found"))
        return None
    return read_text(path, problems, "the essay")


def _items(path: Path, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any], LineMap]]:
    read = _read_yaml(path, problems)
    if read is None:
        return
    data, lines = read
    if data is None:
        return
    if not isinstance(data, list):
        problems.append(
            Problem(path, 1, "the file must be a list of entries (each starting with '- id:')")
        )
        return
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(
                Problem(path, _line(lines, (index,)), "each entry must be a mapping of keys")
            )
            continue
        yield index, item, lines


#: Where each loaded entry or question came from, by ``id()``: valid for one check run, while
#: the objects are alive, and used to give later cross-entry problems their line.
Sites = dict[int, tuple[Path, LineMap, int | None]]  # None: the file is one mapping


M = TypeVar("M", bound=BaseModel)


def _load_entries(path: Path, kind: str, problems: list[Problem], sites: Sites) -> list[Entry]:
    def right_kind(index: int, item: dict[str, Any], lines: LineMap) -> bool:
        if "kind" in item and item["kind"] != kind:
            message = f"kind {item['kind']!r} does not belong in {path.name}"
            problems.append(Problem(path, _line(lines, (index, "kind")), message))
            return False
        return True

    model: type[Entry] = MODEL_BY_KIND[kind]  # type: ignore[index]
    return _load_models(path, model, problems, sites, right_kind)


def _load_models(path: Path, model: type[M], problems: list[Problem], sites: Sites,
                 accept: Callable[[int, dict[str, Any], LineMap], bool] | None = None) -> list[M]:
    """Validate each item of a list file as ``model``, remembering where each came from."""
    loaded: list[M] = []
    for index, item, lines in _items(path, problems):
        if accept is not None and not accept(index, item, lines):
            continue
        try:
            obj = model.model_validate(item)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(path, lines, (index,), exc))
            continue
        sites[id(obj)] = (path, lines, index)
        loaded.append(obj)
    return loaded


def _where(sites: Sites, obj: object, *loc: Any) -> tuple[Path, int]:
    path, lines, index = sites[id(obj)]
    return path, _line(lines, (*([] if index is None else [index]), *loc))


# --- Checks across entries and packs ------------------------------------------------------


def _check_pack_content(pack: Pack, problems: list[Problem], sites: Sites) -> None:
    essay = collapse(pack.essay)
    for entry in pack.entries:
        for i, quote in enumerate(entry.quotes):
            if collapse(quote) not in essay:
                path, line = _where(sites, entry, "quotes", i)
                problems.append(
                    Problem(
                        path,
                        line,
                        f"{entry.id}: quote not found verbatim in "
                        f"{pack.info.essay}: {_clip(quote)!r}",
                    )
                )


def _check_references(packs: list[Pack], problems: list[Problem], sites: Sites) -> dict[str, Entry]:
    by_id: dict[str, Entry] = {}
    for pack in packs:
        for entry in pack.entries:
            if entry.id in by_id:
                path, line = _where(sites, entry, "id")
                problems.append(Problem(path, line, f"duplicate id {entry.id!r}"))
            else:
                by_id[entry.id] = entry

    def need(obj: object, ref: str, loc: tuple[Any, ...], kinds: tuple[str, ...]) -> None:
        target = by_id.get(ref)
        path, line = _where(sites, obj, *loc)
        if target is None:
            problems.append(
                Problem(path, line, f"{'.'.join(map(str, loc))}: no entry with id {ref!r}")
            )
        elif kinds and getattr(target, "kind", "") not in kinds:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{'.'.join(map(str, loc))}: {ref!r} is not a "
                    f"{' or '.join(kinds)} but {_a(getattr(target, 'kind', '?'))}",
                )
            )

    for pack in packs:
        if pack.info.question:
            need(pack.info, pack.info.question, ("question",), ())
        for i, ref in enumerate(pack.info.conclusion):
            need(pack.info, ref, ("conclusion", i), ())
        for entry in pack.entries:
            if isinstance(entry, ArgumentEntry):
                for i, ref in enumerate(entry.evidence):
                    need(entry, ref, ("evidence", i), ())
                if entry.historian:
                    need(entry, entry.historian, ("historian",), ("person",))
            if isinstance(entry, WorkEntry):
                need(entry, entry.author, ("author",), ("person",))
        seen_questions: set[str] = set()
        for question in pack.questions:
            if question.id in seen_questions:
                path, line = _where(sites, question, "id")
                problems.append(Problem(path, line, f"duplicate question id {question.id!r}"))
            seen_questions.add(question.id)
            need(question, question.entry, ("entry",), ())
    return by_id


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _clip(text: str, limit: int = 60) -> str:
    text = collapse(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_packs(folders: Sequence[Path]) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and check ``folders``; return the knowledge base only when there is no problem."""
    problems: list[Problem] = []
    sites: Sites = {}
    packs: list[Pack] = []
    names: set[str] = set()
    for folder in folders:
        pack = _load_pack(folder, problems, sites)
        if pack is None:
            continue
        if pack.info.name in names:
            problems.append(
                Problem(
                    folder / "pack.yaml", 1, f"a pack named {pack.info.name!r} is already loaded"
                )
            )
            continue
        names.add(pack.info.name)
        _check_pack_content(pack, problems, sites)
        packs.append(pack)
    by_id = _check_references(packs, problems, sites)
    if problems:
        return None, problems
    pack_of = {e.id: p.info.name for p in packs for e in p.entries}
    questions = [q for p in packs for q in p.questions]
    return KnowledgeBase(packs=packs, entries=by_id, pack_of=pack_of, questions=questions), []


def load_knowledge(folders: Sequence[Path] | None = None) -> KnowledgeBase:
    """The knowledge base of every configured pack, or :class:`PackError` listing every problem."""
    kb, problems = check_packs(list(folders) if folders is not None else pack_folders())
    if kb is None:
        raise PackError(problems)
    return kb
