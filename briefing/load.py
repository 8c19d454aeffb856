"""YAML with line marks → typed model. The only module that imports `yaml`.

Loading is defensive because analysts edit these files by hand and some inputs are not
trusted: a size cap, UTF-8 only, safe tags only, no anchors or aliases (rejected from the
event stream, before anything can expand), no duplicate keys, one document per file.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from briefing.errors import InvalidInput, Problem
from briefing.locate import Path_, SourceMap, dotted
from briefing.model import (
    BRIEFINGS_DIR,
    FILES,
    ID_PATTERN,
    ROOT_MODELS,
    Briefing,
    DiscrepancyList,
    EntityList,
    FactBase,
    FactList,
    Settings,
    SourceRegister,
    Strict,
)

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NODES = 500_000
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
        self.lines: list[str] = []
        self.text = ""

    def problem(self, line: int, column: int, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(self.map.file, line, column, code, message, hint))

    def read(self) -> Any:
        try:
            size = self.path.stat().st_size
        except OSError as error:
            self.problem(
                1,
                1,
                "file-missing",
                f"cannot read: {error.strerror}",
                "create the file or fix the fact-base folder",
            )
            return None
        if size > MAX_FILE_BYTES:
            self.problem(
                1,
                1,
                "file-too-large",
                f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte cap",
                "split the file or remove what does not belong in a fact base",
            )
            return None
        try:
            raw = self.path.read_bytes()
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
        self.lines = text.splitlines() if text is not None else []
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
        if not self._events_are_safe(text):
            return None
        try:
            documents = list(yaml.compose_all(text, Loader=_LOADER))
        except yaml.YAMLError as error:
            self._yaml_error(error)
            return None
        if len(documents) != 1:
            line = documents[1].start_mark.line + 1 if len(documents) > 1 else 1
            self.problem(
                line,
                1,
                "yaml-documents",
                "a file must hold exactly one YAML document",
                "remove the `---` separator and merge the documents",
            )
            return None
        return self._convert(documents[0], ())

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

    def _events_are_safe(self, text: str) -> bool:
        """Reject anchors, aliases, foreign tags, deep nesting and too many values.

        All from the event stream, before anything is composed or expanded.
        """
        depth = 0
        nodes = 0
        try:
            for event in yaml.parse(text, Loader=_LOADER):
                mark = event.start_mark
                assert mark is not None  # the parser marks every event
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    self.problem(
                        mark.line + 1,
                        mark.column + 1,
                        "yaml-alias",
                        "anchors and aliases (& and *) are not allowed",
                        "write the value out in full",
                    )
                    return False
                tag = getattr(event, "tag", None)
                if tag and tag not in _STANDARD_TAGS and tag != "!":
                    self.problem(
                        mark.line + 1,
                        mark.column + 1,
                        "yaml-tag",
                        f"tag {tag!r} is not allowed",
                        "remove the tag; plain YAML values only",
                    )
                    return False
                if isinstance(event, yaml.NodeEvent):
                    nodes += 1
                    if nodes > MAX_NODES:
                        raise _TooBig
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        self.problem(
                            mark.line + 1,
                            mark.column + 1,
                            "yaml-too-deep",
                            f"nesting is deeper than {MAX_DEPTH} levels",
                            "flatten the structure",
                        )
                        return False
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
        except yaml.YAMLError as error:
            self._yaml_error(error)
            return False
        return True

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
        source_line = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
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

    def _convert(self, node: yaml.Node, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig
        self.map.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key_line = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(
                        *key_line, "yaml-key", "a key must be a plain word", "write the key as text"
                    )
                    continue
                key = str(key_node.value)
                if key in result:
                    first = self.map.keys[(*path, key)]
                    self.problem(
                        *key_line,
                        "duplicate-key",
                        f"duplicate key {key!r} (first at line {first[0]})",
                        "remove one of the two",
                    )
                    continue
                self.map.keys[(*path, key)] = key_line
                result[key] = self._convert(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self._convert(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return _SCALARS.construct_object(node)
        except (yaml.YAMLError, ValueError, LookupError, TypeError, ArithmeticError) as error:
            # `!!bool maybe` raises KeyError, `!!int ""` IndexError: every one is a bad value
            reason = (
                str(error)
                if isinstance(error, yaml.YAMLError | ValueError)
                else f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}"
            )
            self.problem(
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                "yaml-value",
                f"cannot read value: {reason}",
                "write a real date as YYYY-MM-DD"
                if node.tag.endswith(":timestamp")
                else "quote the value to keep it as text",
            )
            return None


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
    if kind == "string_pattern_mismatch":
        if error.get("ctx", {}).get("pattern") == ID_PATTERN:
            return "ids use lower-case letters, digits and hyphens only, e.g. `usfj-jfhq`"
        return "see `briefing schema` for the accepted format"
    if kind.startswith("date"):
        return "write a date as YYYY-MM-DD"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return "write a plain number, without units or commas"
    return "see `briefing schema` for what this field takes"


def validate(model: type[Strict], data: Any, smap: SourceMap) -> tuple[Any, list[Problem]]:
    """Validate plain data against a root model; every error located in its file."""
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


def load_factbase(root: Path) -> tuple[FactBase | None, list[Problem]]:
    """Read and validate every file of a fact-base folder; read the source files it names.

    Returns the fact base (None when the schema is broken) and every problem met.
    """
    problems: list[Problem] = []
    maps: dict[str, SourceMap] = {}
    parsed: dict[str, Any] = {}
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
    for key, name in FILES.items():
        data, smap, found = read_yaml(root / name)
        maps[key] = smap
        problems += found
        if not found:
            value, found = validate(ROOT_MODELS[key], data, smap)
            problems += found
            parsed[key] = value
    briefings: list[Briefing] = []
    for path in sorted((root / BRIEFINGS_DIR).glob("*.yaml")):
        data, smap, found = read_yaml(path)
        problems += found
        if not found:
            value, found = validate(Briefing, data, smap)
            problems += found
            if value is not None and value.id != path.stem:
                line, column = smap.value(("id",))
                problems.append(
                    Problem(
                        smap.file,
                        line,
                        column,
                        "briefing-id-file",
                        f"id {value.id!r} does not match the file name",
                        f"rename the file to {value.id}.yaml or change the id",
                    )
                )
            elif value is not None:
                maps[f"briefing:{value.id}"] = smap
                briefings.append(value)
    if any(parsed.get(key) is None for key in FILES):
        return None, problems
    settings: Settings = parsed["settings"]
    register: SourceRegister = parsed["sources"]
    facts: FactList = parsed["facts"]
    entities: EntityList = parsed["entities"]
    discrepancies: DiscrepancyList = parsed["discrepancies"]
    seeds = (root / settings.seeds).resolve()
    source_bytes: dict[str, bytes | None] = {}
    for source in register.sources:
        path = (seeds / source.file).resolve()
        inside = path.is_relative_to(seeds)
        source_bytes[source.id] = path.read_bytes() if inside and path.is_file() else None
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
    )
    return fb, problems


def load_or_raise(root: Path) -> FactBase:
    """Load a fact base; raise InvalidInput listing every problem if it cannot be loaded."""
    fb, problems = load_factbase(root)
    if fb is None or problems:
        raise InvalidInput(problems)
    return fb
