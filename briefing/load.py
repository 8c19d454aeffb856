"""YAML with line marks → typed model. The only module that imports `yaml`.

Loading is defensive because analysts edit these files by hand and some inputs are not
trusted: a size cap, UTF-8 only, safe tags only, no anchors or aliases (rejected from the
event stream, before anything can expand), no duplicate keys, one document per file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
import stat
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from briefing import cache
from briefing.errors import Problem
from briefing.locate import Path_, SourceMap, dotted
from briefing.model import (
    BRIEFINGS_DIR,
    FILES,
    ID_PATTERN,
    RESERVED_BRIEFING_IDS,
    ROOT_MODELS,
    TEMPLATE_PATTERN,
    Briefing,
    DiscrepancyList,
    EntityList,
    FactBase,
    FactList,
    Marking,
    Settings,
    SourceRegister,
    Strict,
)

# 100,000 facts of some 600 bytes and 20 values each fit, with room (issue 15); each bound
# keeps a hostile file to a few GiB of memory (100,000 facts take about 1.3 GiB).
MAX_FILE_BYTES = 96 * 1024 * 1024
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a news article is some 10 KiB; 2 MiB is a short book
MAX_NODES = 4_000_000
MAX_DEPTH = 64  # libyaml's composer recurses in C: very deep nesting would crash the process
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_SCALARS = yaml.constructor.SafeConstructor()


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    absolute = path.absolute()
    return (
        str(absolute.relative_to(Path.cwd()))
        if absolute.is_relative_to(Path.cwd())
        else str(absolute)
    )


class _Reader:
    """Reads one YAML file into plain data and a SourceMap, collecting problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.map = SourceMap(display_path(path))
        self.problems: list[Problem] = []
        self.nodes = 0
        self.text = ""

    def problem(self, line: int, column: int, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(self.map.file, line, column, code, message, hint))

    def read(self) -> Any:
        try:
            raw = _read_regular(self.path, MAX_FILE_BYTES, follow=True)
        except FileNotFoundError as error:
            self.problem(
                1,
                1,
                "file-missing",
                f"cannot read: {error.strerror}",
                "create the file or fix the fact-base folder",
            )
            return None
        except _TooLarge as error:
            self.problem(
                1,
                1,
                "file-too-large",
                f"file is {error.size:,} bytes, over the {MAX_FILE_BYTES:,}-byte cap",
                "split the file or remove what does not belong in a fact base",
            )
            return None
        except _NotRegular:
            self.problem(
                1,
                1,
                "file-not-regular",
                "not a regular file (a folder, a FIFO or a device)",
                "make it a YAML file",
            )
            return None
        except OSError as error:
            self.problem(
                1,
                1,
                "file-unreadable",
                f"cannot read: {error.strerror}",
                "make it a readable YAML file",
            )
            return None
        text = self._decode(raw)
        self.text = text or ""
        if text is None:
            return None
        if not text.strip() or all(
            not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
        ):
            self.problem(
                1,
                1,
                "empty-file",
                "file is empty",
                "add the content this file should hold (see `briefing schema`)",
            )
            return None
        hit, data = cache.get(raw)
        if hit:
            self.map.locate = self._relocate
            return data
        try:
            data = self._build(text)
        except yaml.YAMLError as error:
            if not self._own_limit_first(text, error):
                self._yaml_error(error)
            return None
        if not self.problems:
            cache.put(raw, data)
        return data

    def _own_limit_first(self, text: str, error: yaml.YAMLError) -> bool:
        """Report our own located limit when libyaml stopped on one of its own first.

        Some libyaml releases refuse deep flow nesting while scanning ahead, before a single
        event reaches `_build`, with wording that differs between releases. Parsing the text
        up to libyaml's stopping point with the pure-Python parser, which has no such limit,
        lets the loader's own checks speak first, whichever libyaml is installed.
        """
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if _LOADER is yaml.SafeLoader or mark is None or mark.index is None:
            return False
        probe = _Reader(self.path)
        with contextlib.suppress(yaml.YAMLError, _TooBig):
            probe._build(text[: mark.index + 1], loader=yaml.SafeLoader)
        own = [p for p in probe.problems if p.code == "yaml-too-deep"]
        self.problems += own
        return bool(own)

    def _relocate(self, smap: SourceMap) -> None:
        """Parse again, for the line marks only: a cached file's marks are wanted after all."""
        marks = _Reader(self.path)
        marks.map = smap
        marks._build(self.text)

    def _decode(self, raw: bytes) -> str | None:
        if raw.startswith(b"\xef\xbb\xbf"):
            self.problem(
                1,
                1,
                "yaml-bom",
                "file starts with a byte-order mark",
                "save it as UTF-8 without BOM",
            )
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            before = raw[: error.start]
            line = before.count(b"\n") + 1
            column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
            self.problem(
                line,
                column,
                "not-utf8",
                f"byte 0x{raw[error.start]:02x} is not valid UTF-8",
                "save the file as UTF-8",
            )
            return None

    def _build(self, text: str, loader: type[Any] = _LOADER) -> Any:
        """Plain data from the event stream, in one pass, recording where each value stood.

        Anchors, aliases, foreign tags, deep nesting and too many values are rejected as their
        events arrive, before anything could expand. One pass over libyaml's events is about
        four times faster than composing nodes and converting them.
        """
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        event: Any  # libyaml's event classes carry marks, anchors and tags untyped
        for event in yaml.parse(text, Loader=loader):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line = event.start_mark.line + 1
                    self.problem(
                        line,
                        1,
                        "yaml-documents",
                        "a file must hold exactly one YAML document",
                        "remove the `---` separator and merge the documents",
                    )
                    return None
                continue
            if kind in _FRAMING_EVENTS:
                continue
            if kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                stack.pop()
                continue
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
            if kind is yaml.AliasEvent or event.anchor:
                self.problem(
                    *where,
                    "yaml-alias",
                    "anchors and aliases (& and *) are not allowed",
                    "write the value out in full",
                )
                return None
            tag = event.tag
            if tag and tag not in _STANDARD_TAGS and tag != "!":
                self.problem(
                    *where,
                    "yaml-tag",
                    f"tag {tag!r} is not allowed",
                    "remove the tag; plain YAML values only",
                )
                return None
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise _TooBig
            top = stack[-1] if stack else None
            if top is not None and top.mapping and top.key is _AWAITING:
                if kind is not yaml.ScalarEvent:
                    self.problem(
                        *where, "yaml-key", "a key must be a plain word", "write the key as text"
                    )
                    return None
                self._key(top, str(event.value), where)
                continue
            if kind is yaml.ScalarEvent:
                value = self._scalar(event, where)
            else:
                if len(stack) >= MAX_DEPTH:
                    self.problem(
                        *where,
                        "yaml-too-deep",
                        f"nesting is deeper than {MAX_DEPTH} levels",
                        "flatten the structure",
                    )
                    return None
                value = {} if kind is yaml.MappingStartEvent else []
            path = self._attach(top, value, where)
            if top is None:
                root = value
            if kind is not yaml.ScalarEvent:
                stack.append(_Frame(value, path, kind is yaml.MappingStartEvent))
        return root

    def _key(self, frame: _Frame, key: str, where: tuple[int, int]) -> None:
        assert isinstance(frame.container, dict)
        if key in frame.container:
            first = self.map.keys[(*frame.path, key)]
            self.problem(
                *where,
                "duplicate-key",
                f"duplicate key {key!r} (first at line {first[0]})",
                "remove one of the two",
            )
            frame.key = _DUPLICATE
            return
        self.map.keys[(*frame.path, key)] = where
        frame.key = key

    def _attach(self, frame: _Frame | None, value: Any, where: tuple[int, int]) -> Path_:
        """Put a value in its parent; return its path (a throwaway one for a duplicate)."""
        if frame is None:
            path: Path_ = ()
        elif frame.mapping:
            key = frame.key
            frame.key = _AWAITING
            if key is _DUPLICATE:
                return (*frame.path, "<duplicate>")
            assert isinstance(key, str) and isinstance(frame.container, dict)
            frame.container[key] = value
            path = (*frame.path, key)
        else:
            assert isinstance(frame.container, list)
            path = (*frame.path, len(frame.container))
            frame.container.append(value)
        self.map.values[path] = where
        return path

    def _scalar(self, event: Any, where: tuple[int, int]) -> Any:
        tag = event.tag
        if not tag or tag == "!":
            if not event.implicit[0]:
                return event.value  # quoted: always text
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
        if tag == _STR:
            return event.value
        node = yaml.ScalarNode(tag, event.value)
        try:
            value = _SCALARS.yaml_constructors[tag](_SCALARS, node)
        except (yaml.YAMLError, ValueError, LookupError, TypeError, ArithmeticError) as error:
            # `!!bool maybe` raises KeyError, `!!int ""` IndexError: every one is a bad value
            reason = (
                str(error)
                if isinstance(error, yaml.YAMLError | ValueError)
                else f"{event.value!r} is not a valid {tag.rsplit(':', 1)[-1]}"
            )
            self.problem(
                *where,
                "yaml-value",
                f"cannot read value: {reason}",
                "write a real date as YYYY-MM-DD"
                if tag.endswith(":timestamp")
                else "quote the value to keep it as text",
            )
            return None
        misread = _misread(tag, str(event.value), value)
        if misread is not None:
            self.problem(*where, "yaml-misread", *misread)
            return None
        return value

    def _yaml_error(self, error: yaml.YAMLError) -> None:
        if isinstance(error, yaml.reader.ReaderError):
            self._reader_error(error)
            return
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(
            str(p) for p in (getattr(error, "context", None), getattr(error, "problem", None)) if p
        ) or str(error)
        hint = "fix the YAML syntax here"
        lines = self.text.splitlines()
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        if "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or "tab" in what:
            hint = "indent with spaces, not tabs"
        self.problem(line, column, "yaml-syntax", f"YAML syntax: {what}", hint)

    def _reader_error(self, error: yaml.reader.ReaderError) -> None:
        """A character YAML does not allow (a control character, say), located.

        libyaml reports the offset in the UTF-8 bytes and the code point as an int; the pure
        Python reader the offset in characters and the character itself.
        """
        code = error.character if isinstance(error.character, int) else ord(error.character)
        text = self.text
        if isinstance(error.character, int):
            before = text.encode("utf-8")[: error.position].decode("utf-8", "replace")
        else:
            before = text[: error.position]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        self.problem(
            line,
            column,
            "yaml-character",
            f"character U+{code:04X} is not allowed in YAML",
            "delete it; to keep a control character, write it as an escape such as "
            "\\x07 in a double-quoted string",
        )


def _misread(tag: str, text: str, value: Any) -> tuple[str, str] | None:
    """(message, hint) when YAML 1.1 reads a plain value as something it does not look like.

    `054000` is octal 22528, `1:30` is base-60 90, `1_000` drops its underscore, `0x1F` is
    hexadecimal, and `yes`, `no`, `on`, `off` are booleans. A figure, id or date silently
    misread is the worst failure for a briefing, so each is an error asking for the plain
    number (or `true`/`false`), or quotes to keep the text.
    """
    kind = tag.rsplit(":", 1)[-1]
    digits = text.lstrip("+-")
    reason = ""
    if kind == "bool" and text.lower() not in ("true", "false"):
        return (
            f"{text} would be read as {str(value).lower()} "
            "(YAML 1.1 reads yes, no, on and off as booleans)",
            f'write true or false, or quote it ("{text}") to keep it as text',
        )
    if kind not in ("int", "float"):
        return None
    if ":" in digits:
        reason = "YAML 1.1 reads a:b as a number in base 60"
    elif "_" in digits:
        reason = "YAML 1.1 drops the underscores"
    elif kind == "int" and digits[:2].lower() in ("0x", "0b"):
        reason = "YAML 1.1 reads 0x as hexadecimal and 0b as binary"
    elif kind == "int" and digits.startswith("0") and len(digits) > 1:
        reason = "YAML 1.1 reads a leading 0 as octal"
    if not reason:
        return None
    return (
        f"{text} would be read as {value:,} ({reason})",
        f'write the number in plain decimal digits, or quote it ("{text}") to keep it as text',
    )


_AWAITING = object()  # a mapping waiting for its next key
_DUPLICATE = object()  # the value of a duplicate key: read, then dropped
_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_FRAMING_EVENTS = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)


class _Frame:
    """An open mapping or sequence while its events arrive."""

    __slots__ = ("container", "key", "mapping", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path_, mapping: bool) -> None:
        self.container = container
        self.path = path
        self.mapping = mapping
        self.key: object = _AWAITING


class _TooBig(Exception):
    pass


def read_yaml(path: Path) -> tuple[Any, SourceMap, list[Problem]]:
    """Plain data, its SourceMap and the problems met reading it."""
    reader = _Reader(path)
    try:
        data = reader.read()
    except _TooBig:
        reader.problem(
            1, 1, "yaml-too-many-nodes", f"more than {MAX_NODES:,} values", "split the file"
        )
        data = None
    except RecursionError:
        reader.problem(1, 1, "yaml-too-deep", "nesting is too deep", "flatten the structure")
        data = None
    return data, reader.map, reader.problems


# --------------------------------------------------------------------------- validation


def _field_model(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the last field of a pydantic error location."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        target = _model_in(current)
        if target is None or part not in target.model_fields:
            return target
        current = target.model_fields[part].annotation
    return _model_in(current)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _hint(model: type[BaseModel], error: Any) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "missing":
        return f"add `{loc[-1]}:`"
    if kind == "extra_forbidden":
        owner = _field_model(model, loc[:-1])
        allowed = sorted(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if close:
            return f"did you mean `{close[0]}`?"
        return "remove it; allowed here: " + ", ".join(allowed)
    if kind == "text_hidden_character":
        return (
            "delete it: control, bidi and zero-width characters reach the outputs unseen and "
            "can hide or reorder words"
        )
    if kind == "text_blank":
        return "write the text: white space and invisible characters alone say nothing"
    if kind == "string_pattern_mismatch":
        if error.get("ctx", {}).get("pattern") == ID_PATTERN:
            return "ids use lower-case letters, digits and hyphens only, e.g. `budget-approved`"
        if error.get("ctx", {}).get("pattern") == TEMPLATE_PATTERN:
            return (
                "name a Markdown briefing template such as topic.md.j2, found in templates/ "
                "or in --templates; stylesheets, HTML shells and _partials are not briefings"
            )
        return "see `briefing schema` for the accepted format"
    if kind.startswith("date"):
        return "write a date as YYYY-MM-DD"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return "write a plain number, without units or commas"
    return "see `briefing schema` for what this field takes"


def _yaml_kind(value: object) -> str:
    """What a YAML author wrote, in YAML's words rather than Python's."""
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return "a single value" if not isinstance(value, dict) else "fields"


def to_model(model: type[Strict], data: Any, smap: SourceMap) -> tuple[Any, list[Problem]]:
    """Plain data → a root model; every schema error located in its file."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if error["type"] == "missing":
                line, column = smap.value(loc[:-1])
            elif error["type"] == "extra_forbidden":
                line, column = smap.key(loc)
            else:
                line, column = smap.value(loc)
            where = dotted(loc) or "file"
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                message = "unknown field"
            elif error["type"] == "missing":
                message = "required field is missing"
            elif error["type"] in ("model_type", "dict_type"):
                message = f"expected fields (key: value), found {_yaml_kind(error['input'])}"
            problems.append(
                Problem(
                    smap.file,
                    line,
                    column,
                    f"schema-{error['type'].replace('_', '-')}",
                    f"{where}: {message}",
                    _hint(model, error),
                )
            )
        return None, problems


# --------------------------------------------------------------------------- fact base


def _briefing_id_problem(briefing: Briefing, path: Path, smap: SourceMap) -> Problem | None:
    """A briefing's id must name its file and must not be one the build writes itself."""
    if briefing.id != path.stem:
        code = "briefing-id-file"
        message = f"id {briefing.id!r} does not match the file name"
        hint = f"rename the file to {briefing.id}.yaml or change the id"
    elif briefing.id in RESERVED_BRIEFING_IDS:
        code = "briefing-id-reserved"
        writes = RESERVED_BRIEFING_IDS[briefing.id]
        message = f"id {briefing.id!r} is reserved: the build writes {writes}"
        hint = "choose another id and rename the file to match"
    else:
        return None
    line, column = smap.value(("id",))
    return Problem(smap.file, line, column, code, message, hint)


def load_factbase(root: Path, *, partial: bool = False) -> tuple[FactBase | None, list[Problem]]:
    """Read and validate every file of a fact-base folder; read the source files it names.

    Returns the fact base and every problem met. When a file is broken the fact base is None,
    unless `partial`: then empty content stands in for each broken file (named in
    `FactBase.broken`), so the other files can still be checked in the same pass.
    """
    problems: list[Problem] = []
    maps: dict[str, SourceMap] = {}
    parsed: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    broken: set[str] = set()
    if not root.is_dir():
        problem = Problem(
            display_path(root),
            1,
            1,
            "factbase-missing",
            "fact-base folder not found",
            "pass --facts with the folder path",
        )
        return None, [problem]
    if not (root / BRIEFINGS_DIR).exists() and not any((root / n).exists() for n in FILES.values()):
        problem = Problem(
            display_path(root),
            1,
            1,
            "factbase-empty",
            "no fact-base files in this folder",
            "start a project with `briefing init DIR`, or pass --facts with the folder path",
        )
        return None, [problem]
    for key, name in FILES.items():
        data, smap, found = read_yaml(root / name)
        maps[key] = smap
        raw[key] = data
        problems += found
        if not found:
            value, found = to_model(ROOT_MODELS[key], data, smap)
            problems += found
            parsed[key] = value
    briefings: list[Briefing] = []
    for path in sorted((root / BRIEFINGS_DIR).glob("*.yaml")):
        data, smap, found = read_yaml(path)
        problems += found
        if found:
            broken.add(f"briefing:{path.stem}")
        else:
            value, found = to_model(Briefing, data, smap)
            problems += found
            wrong_id = _briefing_id_problem(value, path, smap) if value is not None else None
            if value is None or wrong_id is not None:
                broken.add(f"briefing:{path.stem}")
                problems += [wrong_id] if wrong_id is not None else []
            else:
                maps[f"briefing:{value.id}"] = smap
                briefings.append(value)
    broken |= {key for key in FILES if parsed.get(key) is None}
    if broken.intersection(FILES) and not partial:
        return None, problems
    settings: Settings = parsed.get("settings") or _stand_in_settings(raw["settings"])
    register: SourceRegister = parsed.get("sources") or SourceRegister(sources=[])
    facts: FactList = parsed.get("facts") or FactList(facts=[])
    entities: EntityList = parsed.get("entities") or EntityList(entities=[])
    discrepancies: DiscrepancyList = parsed.get("discrepancies") or DiscrepancyList(
        discrepancies=[]
    )
    seeds_map, sources_map = maps["settings"], maps["sources"]
    seeds, found = seeds_folder(root, settings.seeds, seeds_map)
    problems += found
    if seeds is None:  # without its articles the fact base cannot be checked at all
        return None, problems
    source_bytes, found = read_sources(seeds, register, sources_map)
    problems += found
    fb = FactBase(
        root=root,
        settings=settings,
        sources=register.sources,
        entities=entities.entities,
        facts=facts.facts,
        discrepancies=discrepancies.discrepancies,
        briefings=briefings,
        source_bytes=source_bytes,
        maps=maps,
        broken=frozenset(broken),
    )
    return fb, problems


def _stand_in_settings(data: Any) -> Settings:
    """Empty settings for a broken factbase.yaml, keeping its seeds folder when readable."""
    seeds = data.get("seeds") if isinstance(data, dict) else None
    return Settings.model_construct(
        title="",
        subject="",
        as_of=dt.date(1970, 1, 1),
        organisation="",
        language="en",
        seeds=seeds if isinstance(seeds, str) else "../seeds",
        event_noun="event",
        marking=Marking(),
        topics=[],
        events=[],
    )


def seeds_folder(root: Path, seeds: str, smap: SourceMap) -> tuple[Path | None, list[Problem]]:
    """The seeds folder, resolved, if it is a dedicated folder inside the project.

    The project is the fact base's parent folder. The seeds folder must lie strictly inside
    it, after following links, and be neither the project itself nor the fact-base folder
    (or a folder holding it), nor a hidden folder (`.git`, `.ssh`): only then is every file a
    source names an article someone put there, and never `.env` or `/etc/passwd`.
    """
    line, column = smap.value(("seeds",))
    base = root.resolve()
    project = base.parent
    folder = (root / seeds).resolve()

    def refuse(code: str, message: str, hint: str) -> tuple[None, list[Problem]]:
        return None, [Problem(smap.file, line, column, code, message, hint)]

    keep = "keep the source articles in a folder of their own beside the fact base, e.g. ../seeds"
    if project == Path(project.anchor):
        return refuse(
            "seeds-project-root",
            f"the fact base {base} sits at the top of the file system, so no folder can be "
            "kept apart as the project",
            "move the fact base and its seeds into a project folder, e.g. "
            "/srv/briefing/factbase and /srv/briefing/seeds",
        )
    if not folder.is_relative_to(project) or folder == project:
        where = "is the project folder itself" if folder == project else "is outside the project"
        return refuse("seeds-outside", f"seeds folder {seeds!r} {where} ({project})", keep)
    if base.is_relative_to(folder):
        return refuse("seeds-outside", f"seeds folder {seeds!r} holds the fact base itself", keep)
    if any(part.startswith(".") for part in folder.relative_to(project).parts):
        return refuse("seeds-hidden", f"seeds folder {seeds!r} is a hidden folder", keep)
    if not folder.is_dir():
        return refuse(
            "seeds-missing",
            f"seeds folder {seeds!r} not found ({folder})",
            "create it and put the source articles in it, or fix `seeds`",
        )
    return folder, []


def read_sources(
    seeds: Path, register: SourceRegister, smap: SourceMap
) -> tuple[dict[str, bytes | None], list[Problem]]:
    """The bytes of every registered source, read only from regular, non-hidden files inside
    the seeds folder and at most MAX_SOURCE_BYTES each. A missing file is None (the checks
    report it); a refused one is left out, reported here."""
    found: dict[str, bytes | None] = {}
    problems: list[Problem] = []

    def problem(i: int, code: str, message: str, hint: str) -> None:
        line, column = smap.value(("sources", i, "file"))
        problems.append(Problem(smap.file, line, column, code, message, hint))

    for i, source in enumerate(register.sources):
        name = Path(source.file)
        if name.is_absolute() or any(p.startswith(".") for p in name.parts):
            problem(
                i,
                "source-file-name",
                f"{source.file!r} is not a plain file name inside the seeds folder "
                "(absolute paths, `..` and hidden files are refused)",
                "name an article in the seeds folder, e.g. 001_article.txt",
            )
            continue
        path = (seeds / name).resolve()
        if not path.is_relative_to(seeds):
            problem(
                i,
                "source-outside",
                f"{source.file} is a link that leads outside the seeds folder",
                "copy the article into the seeds folder instead of linking to it",
            )
            continue
        if not os.path.lexists(path):
            found[source.id] = None  # reported as source-missing by the checks
            continue
        try:
            found[source.id] = _read_regular(path, MAX_SOURCE_BYTES)
        except _NotRegular:
            problem(
                i,
                "source-not-file",
                f"{source.file} is not a regular file",
                "put the article itself in the seeds folder",
            )
        except _TooLarge as error:
            problem(
                i,
                "source-too-large",
                f"{source.file} is {error.size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte "
                "cap for a source article",
                "cite the article's text only, or split it into several sources",
            )
        except OSError as error:
            problem(
                i,
                "source-unreadable",
                f"cannot read {source.file}: {error.strerror}",
                "make it a readable file",
            )
    return found, problems


class _NotRegular(Exception):
    pass


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def _read_regular(path: Path, cap: int, *, follow: bool = False) -> bytes:
    """The bytes of a regular file, never blocking on a FIFO or a device, never reading more
    than `cap` bytes, and following a final link only when asked (fact-base files may be
    links; a source, resolved inside the seeds folder, may not become one)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular
        if info.st_size > cap:
            raise _TooLarge(info.st_size)
        chunks: list[bytes] = []
        size = 0
        while size <= cap:  # a file that grows while read stops at cap + 1 bytes
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > cap:
        raise _TooLarge(size)
    return b"".join(chunks)
