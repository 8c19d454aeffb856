"""The one owner of `manifest.json`: read and validate it, say what is up to date, record
what was built, and decide a no-op build before the pipeline loads.

The manifest records, per output, its briefing, format, the digest of its inputs, its sha256
and size; and, after a build where every target succeeded, the state of every input file it
read (fact base, sources, templates, assets) with the options' fingerprint. The next build
with the same options compares those digests and the outputs' own; when all match, it is done
in milliseconds without importing YAML, pydantic, Jinja or WeasyPrint.

The file may have been edited by hand: everything read from it is validated, paths are
confined to the output folder or to the folders a build reads, and only regular files are
ever read (a FIFO or a device named there is treated as a changed file, never opened for
reading). A manifest that does not validate only means a rebuild.

A shard (`--shard K/N`) keeps its own manifest, `manifest.shard-K-of-N.json`, recording only
its own outputs, so shards sharing one folder never overwrite each other's. It also records
what the full build would: the unsharded options' fingerprint and every target of the full
build, so `merge` can check that the shards fit together and write the `manifest.json` that
makes the next full build a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.build.options import EDITION_RECORD, EDITIONS, Options, Shard
from briefing.resources import SHIPPED_TEMPLATES
from briefing.writing import journal_pending

MANIFEST = "manifest.json"
STATE = "build_inputs"
SHARD = "shard"
SHARD_MANIFEST = re.compile(r"^manifest\.shard-(\d{1,9})-of-(\d{1,9})\.json$")
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Every name a build writes: <id><suffix>, optionally under editions/<date>/.
_OUTPUT_NAME = re.compile(
    r"^(?:editions/\d{4}-\d{2}-\d{2}/)?[a-z0-9][a-z0-9-]{0,63}(?:\.[a-z0-9]{1,16}){1,3}$"
)


# --------------------------------------------------------------------------- safe reading


def regular_bytes(path: Path, *, follow: bool = True, limit: int | None = None) -> bytes | None:
    """The bytes of a regular file, or None: never blocks on a FIFO, never reads a device."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def digest_file(path: Path, *, follow: bool = True) -> str | None:
    data = regular_bytes(path, follow=follow)
    return hashlib.sha256(data).hexdigest() if data is not None else None


def files_under(folder: Path) -> list[Path]:
    """Every file under `folder`, through symlinked folders too (each real folder once), in
    a stable order; what a build reads from a folder is what the fast path must watch."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for top, dirs, names in os.walk(folder, followlinks=True):
        try:
            info = Path(top).stat()
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs.sort()
        found += [Path(top, n) for n in names if Path(top, n).is_file()]
    return sorted(found)


def listing(folders: Iterable[Path]) -> list[str]:
    """Every file under the folders, so an added or removed file is noticed too."""
    found: list[str] = []
    for folder in folders:
        if folder.is_dir():
            found += sorted(str(p) for p in files_under(folder))
    return found


def record_name(date: str) -> str:
    """`editions/2024-07-28/record.json`: an edition's record, relative to the output folder."""
    return f"{EDITIONS}/{date}/{EDITION_RECORD}"


def record_names(out: Path) -> list[str]:
    """The edition records present in the output folder, by name, whatever their content."""
    try:
        folders = sorted(p.name for p in (out / EDITIONS).iterdir())
    except OSError:
        return []
    names = [record_name(d) for d in folders if _DATE.match(d)]
    return [n for n in names if os.path.lexists(out / n)]
def manifest_name(shard: Shard | None) -> str:
    """`manifest.json`, or a shard's own `manifest.shard-K-of-N.json`."""
    return MANIFEST if shard is None else f"manifest.{shard.tag}.json"


# --------------------------------------------------------------------------- the records


@dataclass(frozen=True)
class OutputRecord:
    """One output file as the build that wrote it left it."""

    briefing: str
    format: str
    inputs: str  # digest of everything the target depends on
    sha256: str
    size: int


@dataclass(frozen=True)
class InputState:
    """What the last fully successful build read, for the no-op fast path."""

    options: str  # `Options.fingerprint()`
    folders: tuple[str, ...]
    listing: tuple[str, ...]
    files: dict[str, str | None]  # path -> sha256 (None: was missing)
    targets: tuple[str, ...]

    @classmethod
    def record(
        cls, files: Iterable[Path], folders: Iterable[Path], options: str, targets: list[str]
    ) -> InputState:
        """The state of every input now, after a successful build."""
        folders = list(folders)
        return cls(
            options=options,
            folders=tuple(str(f) for f in folders),
            listing=tuple(listing(folders)),
            files={str(p): digest_file(p) for p in sorted(set(files))},
            targets=tuple(targets),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "options": self.options,
            "folders": list(self.folders),
            "listing": list(self.listing),
            "files": dict(self.files),
            "targets": list(self.targets),
        }


@dataclass(frozen=True)
class ShardRecord:
    """In a shard's manifest: which shard, and what the full build it is part of would be."""

    index: int
    count: int
    options: str  # the unsharded options' fingerprint (`Options.full_fingerprint`)
    targets: tuple[str, ...]  # every target of the full build, in its order

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "count": self.count,
            "options": self.options,
            "targets": list(self.targets),
        }


def _shard_record(raw: object) -> ShardRecord | None:
    if not isinstance(raw, dict) or set(raw) != {"index", "count", "options", "targets"}:
        return None
    index, count, options, targets = (raw[k] for k in ("index", "count", "options", "targets"))
    if not (
        type(index) is int
        and type(count) is int
        and 1 <= index <= count
        and isinstance(options, str)
        and isinstance(targets, list)
        and all(isinstance(t, str) for t in targets)
    ):
        return None
    return ShardRecord(index, count, options, tuple(targets))


@dataclass
class Manifest:
    """The output folder's record of itself."""

    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    inputs: InputState | None = None
    factbase_digest: str = ""
    tool_version: str = __version__
    shard: ShardRecord | None = None  # a shard's manifest only
    problems: list[str] = field(default_factory=list)  # what reading it refused

    @classmethod
    def read(cls, out: Path, name: str = MANIFEST) -> Manifest:
        """The manifest `name` in `out`, validated; an empty one when absent or unusable."""
        return cls.read_file(out / name)

    @classmethod
    def read_file(cls, path: Path) -> Manifest:
        """The manifest at `path`, validated; an empty one when absent or unusable."""
        name = path.name
        data = regular_bytes(path, follow=False, limit=MAX_MANIFEST_BYTES)
        if data is None:
            exists = os.path.lexists(path)
            return cls(problems=[f"{name} is not a regular file"] if exists else [])
        try:
            raw = json.loads(data)
        except (ValueError, RecursionError):
            return cls(problems=[f"{name} is not valid JSON"])
        if not isinstance(raw, dict):
            return cls(problems=[f"{name} does not hold an object"])
        manifest = cls()
        if isinstance(raw.get("tool_version"), str):
            manifest.tool_version = raw["tool_version"]
        if isinstance(raw.get("factbase_digest"), str):
            manifest.factbase_digest = raw["factbase_digest"]
        if raw.get(SHARD) is not None:
            manifest.shard = _shard_record(raw[SHARD])
            if manifest.shard is None:
                manifest.problems.append(f"`{SHARD}` is not valid")
        outputs = raw.get("outputs", {})
        if not isinstance(outputs, dict):
            manifest.problems.append("`outputs` is not an object")
            outputs = {}
        for name, entry in outputs.items():
            record = _output_record(name, entry)
            if record is None:
                manifest.problems.append(f"outputs[{json.dumps(name)[:80]}] is not valid")
            else:
                manifest.outputs[name] = record
        state = raw.get(STATE)
        if state is not None:
            manifest.inputs = _input_state(state)
            if manifest.inputs is None:
                manifest.problems.append(f"`{STATE}` is not valid")
        return manifest

    def to_bytes(self) -> bytes:
        document = {
            "tool_version": self.tool_version,
            "factbase_digest": self.factbase_digest,
            "outputs": {name: vars(record).copy() for name, record in sorted(self.outputs.items())},
            STATE: self.inputs.as_json() if self.inputs else None,
        }
        if self.shard is not None:
            document[SHARD] = self.shard.as_json()
        return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    def is_current(self, out: Path, names: list[str], inputs: str) -> bool:
        """All these outputs exist as regular files, hold the bytes recorded, and were made
        from inputs with this digest."""
        for name in names:
            record = self.outputs.get(name)
            if record is None or record.inputs != inputs:
                return False
            path = out / name
            try:
                if path.lstat().st_size != record.size:
                    return False
            except OSError:
                return False
            if digest_file(path, follow=False) != record.sha256:
                return False
        return True


def _output_record(name: object, entry: object) -> OutputRecord | None:
    if not isinstance(name, str) or not _OUTPUT_NAME.match(name) or not isinstance(entry, dict):
        return None
    try:
        record = OutputRecord(**entry)
    except TypeError:
        return None
    texts = (record.briefing, record.format, record.inputs, record.sha256)
    if not all(isinstance(t, str) for t in texts):
        return None
    if not (_SHA256.match(record.inputs) and _SHA256.match(record.sha256)):
        return None
    if type(record.size) is not int or record.size < 0:
        return None
    return record


def _is_path(text: object) -> bool:
    """An absolute, normalised path: no `..`, nothing relative to the working folder."""
    return (
        isinstance(text, str)
        and "\0" not in text
        and Path(text).is_absolute()
        and os.path.normpath(text) == text
    )


def _input_state(state: object) -> InputState | None:
    if not isinstance(state, dict) or set(state) != {
        "options",
        "folders",
        "listing",
        "files",
        "targets",
    }:
        return None
    folders, names, files, targets = (state[k] for k in ("folders", "listing", "files", "targets"))
    if not (
        isinstance(state["options"], str)
        and isinstance(folders, list)
        and all(_is_path(f) for f in folders)
        and isinstance(names, list)
        and all(_is_path(n) for n in names)
        and isinstance(files, dict)
        and all(_is_path(p) for p in files)
        and all(v is None or (isinstance(v, str) and _SHA256.match(v)) for v in files.values())
        and isinstance(targets, list)
        and all(isinstance(t, str) for t in targets)
    ):
        return None
    inside = [Path(f) for f in folders]
    if not all(any(Path(p).is_relative_to(f) for f in inside) for p in files):
        return None  # every input file lies in a folder the build reads
    return InputState(
        options=state["options"],
        folders=tuple(folders),
        listing=tuple(names),
        files=dict(files),
        targets=tuple(targets),
    )


# --------------------------------------------------------------------------- fast path


def input_roots(options: Options) -> list[Path]:
    """Where a build of these options may read: the project folder around the fact base
    (its seeds lie inside it), the shipped templates and the user's templates."""
    roots = [options.factbase.resolve().parent, SHIPPED_TEMPLATES]
    return roots + ([options.templates.resolve()] if options.templates else [])


def nothing_changed(options: Options) -> list[str] | None:
    """The targets of the last build when nothing at all changed since; None otherwise.
    A shard compares with its own manifest."""
    manifest = Manifest.read(options.out, manifest_name(options.shard))
    state = manifest.inputs
    if manifest.problems or state is None or state.options != options.fingerprint():
        return None
    roots = input_roots(options)
    folders = [Path(f) for f in state.folders]
    if not all(any(f.is_relative_to(r) for r in roots) for f in folders):
        return None  # a hand-made state naming folders this build would never read
    if listing(folders) != list(state.listing):
        return None
    if any(digest_file(Path(p)) != sha for p, sha in state.files.items()):
        return None
    for name, record in manifest.outputs.items():
        if digest_file(options.out / name, follow=False) != record.sha256:
            return None  # an output, or an edition's record (a changed or missing one too)
    if not set(record_names(options.out)) <= set(manifest.outputs):
        return None  # an edition record this folder did not write: it may change the numbers
    if journal_pending(options.out, options.shard.tag if options.shard else None):
        return None  # a build is writing, or a killed one left temporary files
    return list(state.targets)
