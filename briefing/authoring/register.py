"""`briefing source add` and `briefing source update`: put an article on the register.

`add` copies the article into the seeds folder byte for byte, records its full sha256, and
writes a register entry with what `detect` proposes (origin fields, timing and date with their
evidence, exclusions with reasons). The entry is marked `curating: true`, so the fact base
stays valid (a warning) while facts are added. `update` re-registers a deliberately edited
article and lists the quotes the edit broke. Both edit `sources.yaml` by round trip: its
comments, order and layout stay as they were, and a change that would break it is undone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.authoring import yamledit
from briefing.authoring.detect import Findings, detect
from briefing.checks import Provenance, citation_sites
from briefing.errors import InvalidInput, Problem, UsageError
from briefing.load import display_path, load_factbase
from briefing.model import FILES, ID_PATTERN, FactBase, Timing
from briefing.text import shorten

TODO_GRADE = "TODO: grade the source A–F and say why in one line"
TODO_TIMING = "TODO: not clear from the text; set preview or report and quote the wording"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass
class Added:
    """What `source add` registered."""

    source_id: str
    seed: Path
    sha256: str
    findings: Findings
    timing: Timing
    copied: bool  # False when the seeds folder already held these exact bytes


@dataclass
class Updated:
    """What `source update` recorded, and what the edit broke."""

    source_id: str
    old_sha256: str
    sha256: str
    broken: list[Problem] = field(default_factory=list)
    exclusions: list[tuple[str, str, str]] = field(default_factory=list)  # lines, reason, text

    @property
    def changed(self) -> bool:
        return self.old_sha256 != self.sha256


# --------------------------------------------------------------------------- helpers


def _factbase(root: Path) -> FactBase:
    """The fact base, readable enough to edit its register (other files may be broken)."""
    fb, problems = load_factbase(root, partial=True)
    if fb is None or fb.broken.intersection(("settings", "sources")):
        raise InvalidInput([p for p in problems if p.severity == "error"])
    return fb


def article_text(raw: bytes, name: str) -> str:
    """The article as text; refuse what is not UTF-8 text, saying where and what to do."""
    if not raw.strip():
        raise UsageError(f"{name} is empty")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise UsageError(f"{name} starts with a byte-order mark: save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise UsageError(
            f"{name} is not UTF-8 text: byte 0x{raw[error.start]:02x} on line {line}; "
            "save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from None
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise UsageError(
            f"{name} is not plain text: control character U+{ord(control.group()):04X} on "
            f"line {line}; save the article as plain text"
        )
    return text


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64].strip("-")
    return slug if slug and re.match(ID_PATTERN, slug) else "source"


def _new_id(wanted: str | None, stem: str, taken: set[str]) -> str:
    if wanted is not None:
        if not re.match(ID_PATTERN, wanted):
            raise UsageError(
                f"--id {wanted!r} is not a valid id: use lower-case letters, digits and hyphens"
            )
        if wanted in taken:
            raise UsageError(f"a source with id {wanted!r} is already registered")
        return wanted
    base = _slug(stem)
    ident, n = base, 2
    while ident in taken:
        ident = f"{base[:60]}-{n}"
        n += 1
    return ident


def _write_sources(fb: FactBase, change: Any) -> tuple[Path, str]:
    """Apply `change` to the round-tripped `sources.yaml`; return its path and old text."""
    path = fb.root / FILES["sources"]
    old = path.read_text(encoding="utf-8")
    yaml, data = yamledit.load(old)
    change(yaml, data)
    yamledit.replace_file(path, yamledit.dump(yaml, data).encode("utf-8"))
    return path, old


def _new_errors(root: Path, before: list[Problem]) -> list[Problem]:
    """Errors in `sources.yaml` that were not there before the edit."""
    _, after = load_factbase(root, partial=True)
    known = {(p.code, p.message) for p in before}
    name = FILES["sources"]
    return [
        p
        for p in after
        if p.severity == "error" and p.file.endswith(name) and (p.code, p.message) not in known
    ]


# --------------------------------------------------------------------------- add


def add_source(
    root: Path,
    article: Path,
    *,
    source_id: str | None = None,
    timing: Timing | None = None,
    date: dt.date | None = None,
    origin: str | None = None,
) -> Added:
    """Copy `article` into the seeds folder and register it, with proposals to confirm."""
    fb = _factbase(root)
    try:
        raw = article.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {article}: {error.strerror}") from None
    text = article_text(raw, str(article))
    digest = hashlib.sha256(raw).hexdigest()
    for source in fb.sources:
        if source.sha256 == digest:
            raise UsageError(f"{article} is already registered as {source.id} ({source.file})")
        if source.file == article.name:
            raise UsageError(
                f"a source file named {article.name} is already registered as {source.id}; "
                f"if this is a new version of it, run `briefing source update {source.id} "
                f"{article}`, else rename the article"
            )
    seeds = fb.seeds_dir
    seed = seeds / article.name
    copied = True
    if seed.exists():
        if seed.read_bytes() != raw:
            raise UsageError(
                f"{display_path(seed)} already exists with other content; rename the article"
            )
        copied = False
    ident = _new_id(source_id, article.stem, {s.id for s in fb.sources})
    found = detect(text)
    chosen = timing or found.timing or Timing.REPORT
    if found.timing is None:
        evidence = TODO_TIMING
    elif chosen is found.timing:
        evidence = found.timing_evidence
    else:
        evidence = f"TODO: quote the wording that shows it is a {chosen.value}"
    date_evidence = found.date_evidence
    if date is not None and date != found.date:
        date_evidence = "given by the analyst (--date); the text does not give it"
    notes = list(found.notes)
    if origin:
        notes.insert(0, f"Obtained from: {origin}.")
    headline = found.headline if found.headline != "not stated" else None
    label = shorten(" — ".join(p for p in (origin, headline or article.name) if p), 100)
    entry = yamledit.mapping(
        [
            ("id", ident),
            ("label", label),
            ("file", article.name),
            ("sha256", digest),
            (
                "origin",
                yamledit.mapping(
                    [
                        ("headline", found.headline),
                        ("byline", found.byline),
                        ("credits", found.credits),
                        ("self_description", found.self_description),
                        ("footer", found.footer),
                    ]
                ),
            ),
            ("timing", chosen.value),
            ("timing_evidence", evidence),
            ("date", date or found.date),
            ("date_evidence", date_evidence),
            ("reliability", "F"),
            ("reliability_reason", TODO_GRADE),
            ("ai_generated", found.ai_generated),
            ("notes", yamledit.block_list(notes) if notes else []),
            (
                "exclude",
                yamledit.block_list(
                    [
                        yamledit.mapping([("lines", p.lines), ("reason", p.reason)])
                        for p in found.exclusions
                    ]
                )
                if found.exclusions
                else [],
            ),
            ("curating", True),
        ]
    )

    def append(yaml: Any, data: Any) -> None:
        sources = data["sources"]
        if not sources:
            sources.fa.set_block_style()
        sources.append(entry)
        sources.yaml_set_comment_before_after_key(
            len(sources) - 1,
            before="Added by `briefing source add`: check origin, timing, date and the proposed\n"
            "exclusions; grade reliability; delete `curating: true` when every sentence is\n"
            "cited or excluded.",
            indent=yaml.sequence_dash_offset,
        )

    _, before = load_factbase(root, partial=True)
    if copied:
        seeds.mkdir(parents=True, exist_ok=True)
        yamledit.replace_file(seed, raw)
    try:
        path, old = _write_sources(fb, append)
    except BaseException:
        if copied:
            seed.unlink(missing_ok=True)
        raise
    errors = _new_errors(root, before)
    if errors:  # undo: the register and the seeds folder as they were
        yamledit.replace_file(path, old.encode("utf-8"))
        if copied:
            seed.unlink(missing_ok=True)
        raise InvalidInput(errors)
    return Added(ident, seed, digest, found, chosen, copied)


# --------------------------------------------------------------------------- update


def update_source(root: Path, source_id: str, new_version: Path | None = None) -> Updated:
    """Record the sha256 of a deliberately edited article (optionally copying a new version
    over it first) and list the quotes the edit broke."""
    fb = _factbase(root)
    index = next((i for i, s in enumerate(fb.sources) if s.id == source_id), None)
    if index is None:
        known = ", ".join(s.id for s in fb.sources) or "none yet"
        raise UsageError(f"unknown source {source_id!r}; registered: {known}")
    source = fb.sources[index]
    seed = fb.seeds_dir / source.file
    if new_version is not None:
        try:
            raw = new_version.read_bytes()
        except OSError as error:
            raise UsageError(f"cannot read {new_version}: {error.strerror}") from None
        article_text(raw, str(new_version))
        yamledit.replace_file(seed, raw)
    try:
        raw = seed.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {display_path(seed)}: {error.strerror}") from None
    article_text(raw, display_path(seed))
    digest = hashlib.sha256(raw).hexdigest()
    result = Updated(source_id, source.sha256, digest)
    if result.changed:

        def record(_: Any, data: Any) -> None:
            data["sources"][index]["sha256"] = digest

        _write_sources(fb, record)
        fb = _factbase(root)
    result.broken = broken_quotes(fb, source_id)
    lines = (fb.source_text(source_id) or "").split("\n")
    for exclusion in fb.sources[index].exclude:
        first = exclusion.span.start
        now = lines[first - 1] if first <= len(lines) else "(past the end of the file)"
        result.exclusions.append((exclusion.lines, exclusion.reason, shorten(now, 80)))
    return result


def broken_quotes(fb: FactBase, source_id: str) -> list[Problem]:
    """Every citation of one source whose quote is no longer found in it, located."""
    provenance = Provenance(fb)
    text = fb.source_text(source_id) or ""
    file = next(s.file for s in fb.sources if s.id == source_id)
    found = []
    for site in citation_sites(fb):
        cit = site.citation
        if cit.source != source_id or provenance.spans(cit):
            continue
        smap = fb.maps[site.key]
        passage, line, score = provenance.closest(cit) if text else ("", 1, 0.0)
        hint = (
            f'closest passage now, line {line} ({score:.0f}% alike): "{shorten(passage, 100)}"'
            if passage
            else "find the passage again with `briefing quote`"
        )
        found.append(
            Problem(
                smap.file,
                *smap.value((*site.path, "quote")),
                "quote-not-found",
                f'{site.owner}: quote no longer found in {file}: "{shorten(cit.quote, 70)}"',
                hint,
            )
        )
    return sorted(found)


def describe_added(added: Added) -> list[str]:
    """What `source add` did and proposes, for the terminal."""
    found = added.findings
    lines = [
        f"registered {added.source_id}: {display_path(added.seed)} (sha256 {added.sha256})",
        f"  timing: {added.timing.value} — {found.timing_evidence or 'not clear from the text'}",
    ]
    if found.date:
        lines.append(f"  date: {found.date.isoformat()} ({found.date_evidence})")
    for name in ("headline", "byline", "credits", "self_description", "footer"):
        value = getattr(found, name)
        if value != "not stated":
            lines.append(f"  {name.replace('_', ' ')}: {shorten(value, 90)}")
    if found.ai_generated:
        lines.append("  the text says it was generated with AI: ai_generated: true")
    for p in found.exclusions:
        where = f"line {p.first}" if p.first == p.last else f"lines {p.first}-{p.last}"
        lines.append(f"  proposed exclusion, {where}: {p.reason}")
    lines.append(
        "check these in sources.yaml and grade reliability; then cite what "
        f"`briefing source text {added.source_id} --uncited` lists"
    )
    return lines


def describe_updated(updated: Updated) -> list[str]:
    """What `source update` recorded, for the terminal (broken quotes are printed apart)."""
    if updated.changed:
        lines = [
            f"{updated.source_id}: recorded sha256 {updated.sha256} (was {updated.old_sha256})"
        ]
    else:
        lines = [f"{updated.source_id}: unchanged (sha256 {updated.sha256})"]
    if updated.exclusions:
        lines.append("excluded lines as they read now; check they still fit:")
        lines += [f"  {lines_}: {now!r} — {reason}" for lines_, reason, now in updated.exclusions]
    return lines
