"""What a build makes: its targets, their output names, the digest of each one's inputs, and
the edition. Pure bookkeeping: nothing here renders or writes.

A target's digest covers its rendered Markdown (which holds every fact, quote and source
field it shows), the templates and assets, the options that shape it and the tool version,
so editing one fact rebuilds only the briefings that show it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing import __version__
from briefing.build.manifest import files_under
from briefing.build.options import EDITIONS, FORMATS, Options, output_names
from briefing.errors import UsageError
from briefing.resources import SHIPPED_TEMPLATES

if TYPE_CHECKING:
    from briefing.model import FactBase


@dataclass(frozen=True)
class Target:
    """One briefing in one format: its outputs and the digest of everything it depends on."""

    briefing: str
    fmt: str
    names: tuple[str, ...]  # stable names; each is also copied into the edition folder
    digest: str
    size: int  # of its Markdown: the longest layouts start first
    site: bool = False  # a site-level output (`build/site.py`): no briefing, no edition copy

    @property
    def key(self) -> str:
        return self.names[0] if self.site else f"{self.briefing}.{self.fmt}"

    def all_names(self, edition: str) -> list[str]:
        """The stable names and their copies in the edition folder."""
        if self.site:
            return list(self.names)
        return [*self.names, *(edition_name(edition, n) for n in self.names)]


def edition_name(edition: str, name: str) -> str:
    return f"{EDITIONS}/{edition}/{name}"


def digest(*parts: str | bytes) -> str:
    """sha256 over length-prefixed parts, so no two different lists of parts collide."""
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


def template_digest(templates: Path | None) -> str:
    """Digest of every template and asset a build can use, user templates first."""
    parts: list[str | bytes] = []
    for folder in [p for p in (templates, SHIPPED_TEMPLATES) if p is not None]:
        for path in files_under(folder):
            parts += [str(path.relative_to(folder)), path.read_bytes()]
    return digest(*parts)


def wanted_briefings(fb: FactBase, options: Options) -> list[str]:
    """The briefing ids asked for, each once; an unknown one is a usage error."""
    known = [b.id for b in fb.briefings]
    wanted = list(dict.fromkeys(options.briefings or known))
    unknown = [b for b in wanted if b not in known]
    if unknown:
        raise UsageError(f"unknown briefing {', '.join(unknown)}; known: {', '.join(known)}")
    return wanted


def edition_of(fb: FactBase, options: Options) -> str:
    """The edition date: `--edition` (checked by `Options`) or the fact base's as-of date."""
    if options.edition is None:
        return fb.settings.as_of.isoformat()
    return dt.date.fromisoformat(options.edition).isoformat()


def plan(markdown: dict[str, str], options: Options, edition: str = "") -> list[Target]:
    """Every target asked for, from each briefing's rendered Markdown, with its digest."""
    shared = template_digest(options.templates)
    targets = []
    for briefing_id, text in markdown.items():
        for fmt in options.formats:
            paged, dated = FORMATS[fmt].paged, FORMATS[fmt].dated
            settings = json.dumps(
                [fmt, options.paper if paged else "", sorted(options.pdf_variants) if paged else []]
                + ([edition] if dated else [])
            )
            names = tuple(output_names(briefing_id, fmt, options.pdf_variants))
            targets.append(
                Target(
                    briefing_id, fmt, names, digest(__version__, shared, settings, text), len(text)
                )
            )
    return targets


def input_folders(fb: FactBase, options: Options) -> list[Path]:
    """Every folder a build of this fact base reads from."""
    folders = [fb.root.resolve(), fb.seeds_dir, SHIPPED_TEMPLATES]
    return folders + ([options.templates.resolve()] if options.templates else [])


def input_files(fb: FactBase, options: Options) -> list[Path]:
    """Every file a build of this fact base can read."""
    files = [fb.seeds_dir / s.file for s in fb.sources]
    for folder in input_folders(fb, options):
        if folder != fb.seeds_dir:
            files += files_under(folder)
    return files


def factbase_digest(fb: FactBase) -> str:
    """Digest of every fact-base file and source file, for the manifest."""
    files = sorted(p for p in files_under(fb.root) if p.suffix == ".yaml")
    sources = [fb.source_bytes[s.id] or b"" for s in fb.sources]
    return digest(
        *[str(p.relative_to(fb.root)) for p in files], *[p.read_bytes() for p in files], *sources
    )
