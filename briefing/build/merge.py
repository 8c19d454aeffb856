"""`briefing merge-manifests`: the shards' manifests made into one `manifest.json` that the
next full build accepts as up to date.

Refuses, before writing anything, shards that do not belong together: another tool version,
another fact base, other options, a shard missing or given twice, targets that do not add up
to the full build's, two records of one file that disagree, a file missing or not holding the
bytes its manifest recorded. Files found in a shard's own folder are copied into the target
folder (atomically, under its lock); files already there are only checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from briefing import __version__
from briefing.build.manifest import (
    MANIFEST,
    SHARD_MANIFEST,
    InputState,
    Manifest,
    OutputRecord,
    digest_file,
    regular_bytes,
)
from briefing.errors import UsageError
from briefing.writing import OutputFolder


@dataclass(frozen=True)
class _Shard:
    """One shard's manifest and the folder holding the files it lists."""

    path: Path
    folder: Path
    manifest: Manifest


@dataclass(frozen=True)
class Merged:
    """What a merge did."""

    shards: int
    outputs: int
    copied: int
    complete: bool  # every shard recorded a fully successful build: the next one is a no-op


def find_manifests(sources: list[Path]) -> list[Path]:
    """Each source as shard manifest files: a file as it is, a folder's `manifest.shard-*`."""
    found: list[Path] = []
    for source in sources:
        if source.is_dir():
            names = sorted(p for p in source.iterdir() if SHARD_MANIFEST.match(p.name))
            if not names:
                raise UsageError(
                    f"{source}: no shard manifest (manifest.shard-K-of-N.json) in this folder; "
                    "name the folders that `briefing build --shard K/N` wrote into"
                )
            found += names
        elif source.is_file():
            found.append(source)
        else:
            raise UsageError(f"{source}: no such file or folder")
    return found


def _read(path: Path) -> _Shard:
    manifest = Manifest.read_file(path)
    if manifest.problems:
        raise UsageError(f"{path}: not a manifest this tool wrote ({'; '.join(manifest.problems)})")
    if manifest.shard is None:
        raise UsageError(f"{path}: not a shard's manifest; merge what `build --shard K/N` wrote")
    return _Shard(path, path.parent, manifest)


def _check_together(shards: list[_Shard]) -> None:
    """The shards are the N parts of one build, each once."""
    first = shards[0].manifest
    assert first.shard is not None
    for shard in shards:
        m, record = shard.manifest, shard.manifest.shard
        assert record is not None
        if m.tool_version != __version__ or m.tool_version != first.tool_version:
            raise UsageError(
                f"{shard.path}: written by briefing {m.tool_version}, this is {__version__}; "
                "build every shard, and merge, with one version"
            )
        if m.factbase_digest != first.factbase_digest:
            raise UsageError(
                f"{shard.path}: built from another fact base than {shards[0].path} "
                "(the fact-base digests differ); rebuild the shards from one fact base"
            )
        if record.options != first.shard.options or record.targets != first.shard.targets:
            raise UsageError(
                f"{shard.path}: built with other options (formats, paper, marking, edition, "
                f"fact-base path or briefings) than {shards[0].path}; build every shard alike"
            )
        if record.count != first.shard.count:
            raise UsageError(
                f"{shard.path}: shard {record.index} of {record.count}, but {shards[0].path} "
                f"is of {first.shard.count}; merge the shards of one split (name their "
                "manifest files, or remove the other split's manifest.shard-*.json)"
            )
    indexes = sorted(s.manifest.shard.index for s in shards if s.manifest.shard)
    count = first.shard.count
    twice = sorted({i for i in indexes if indexes.count(i) > 1})
    if twice:
        raise UsageError(f"shard {', '.join(map(str, twice))} of {count} given twice")
    missing = sorted(set(range(1, count + 1)) - set(indexes))
    if missing:
        raise UsageError(
            f"shard {', '.join(map(str, missing))} of {count} missing; merge all {count} shards"
        )


def _merged_inputs(shards: list[_Shard]) -> InputState | None:
    """The full build's input state, when every shard recorded one and they agree."""
    states = [s.manifest.inputs for s in shards]
    first = shards[0].manifest.shard
    assert first is not None
    if any(state is None for state in states):
        return None
    base = states[0]
    assert base is not None
    for shard, state in zip(shards, states, strict=True):
        assert state is not None
        if (state.folders, state.listing, state.files) != (base.folders, base.listing, base.files):
            raise UsageError(
                f"{shard.path}: its input files (fact base, sources, templates) differ from "
                f"{shards[0].path}'s; rebuild the shards from the same inputs"
            )
    built = [t for state in states if state is not None for t in state.targets]
    if sorted(built) != sorted(first.targets):
        extra = sorted(set(built) - set(first.targets)) or sorted(
            {t for t in built if built.count(t) > 1}
        )
        lacking = sorted(set(first.targets) - set(built))
        raise UsageError(
            "the shards' targets do not add up to the full build's"
            + (f": missing {', '.join(lacking[:5])}" if lacking else "")
            + (f": unexpected or twice {', '.join(extra[:5])}" if extra else "")
        )
    return replace(base, options=first.options, targets=first.targets)


def _merged_outputs(shards: list[_Shard]) -> dict[str, tuple[OutputRecord, _Shard]]:
    outputs: dict[str, tuple[OutputRecord, _Shard]] = {}
    for shard in shards:
        for name, record in shard.manifest.outputs.items():
            seen = outputs.get(name)
            if seen is not None and seen[0].sha256 != record.sha256:
                raise UsageError(
                    f"{name} is recorded by {seen[1].path} and {shard.path} with different "
                    "contents; the shards overlap: rebuild them with one --shard split"
                )
            outputs.setdefault(name, (record, shard))
    return outputs


def merge(sources: list[Path], into: Path, wait_seconds: float = 0.0) -> Merged:
    """Merge the shard manifests found in `sources` into `into/manifest.json`."""
    shards = [_read(path) for path in find_manifests(sources)]
    _check_together(shards)
    inputs = _merged_inputs(shards)
    outputs = _merged_outputs(shards)
    first = shards[0].manifest
    copied = 0
    with OutputFolder(into, wait_seconds) as folder:
        to_copy: list[tuple[str, Path]] = []
        for name, (record, shard) in sorted(outputs.items()):
            here = into / name
            if digest_file(here, follow=False) == record.sha256:
                continue
            there = shard.folder / name
            if here.resolve() == there.resolve() or digest_file(there, follow=False) != (
                record.sha256
            ):
                raise UsageError(
                    f"{name}: missing from {shard.folder}, or not the bytes {shard.path.name} "
                    "recorded (sha256 differs); collect the shards' files completely, or "
                    "rebuild that shard"
                )
            to_copy.append((name, there))
        for name, there in to_copy:  # every file checked first: nothing half-merged
            data = regular_bytes(there, follow=False)
            if data is None or hashlib.sha256(data).hexdigest() != outputs[name][0].sha256:
                raise UsageError(f"{there} changed while merging; run the merge again")
            folder.write(name, data)
            copied += 1
        merged = Manifest(
            outputs={name: record for name, (record, _) in outputs.items()},
            inputs=inputs,
            factbase_digest=first.factbase_digest,
            tool_version=first.tool_version,
        )
        folder.write(MANIFEST, merged.to_bytes())
    return Merged(len(shards), len(outputs), copied, inputs is not None)
