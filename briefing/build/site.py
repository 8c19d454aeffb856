"""Site-level outputs: the files that describe the whole fact base rather than one briefing.

`out/index.html` and `out/index.fragment.html` (the catalogue, `render/catalogue.py`) and
`out/feed.xml` (the Atom feed, `render/feed.py`). They are gathered here from the fact base,
the options and what the output folder's manifest records of earlier editions, and then go
through the build like any target: a digest of what they show decides whether they are
rebuilt, a worker renders them (the catalogue runs templates, possibly the user's), the
writer writes them atomically and records them in the manifest.

A build of some briefings (`briefing build ID`) still lists every briefing: the catalogue
describes the fact base as a full build with the same options would, so its links name the
stable paths of every briefing and format; those of briefings not built yet are there after
the next full build. Earlier editions come from the manifest: an edition folder is listed
for a briefing when the manifest records its files there; its number, title, BLUF and "What
changed" headline from its JSON output there (when the JSON format was built), else its
number is counted from the edition records the manifest lists, as the build counts it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

from briefing import __version__
from briefing.build.editions import RECORD_FORMAT
from briefing.build.manifest import Manifest, regular_bytes
from briefing.build.options import FORMATS, Options, output_names
from briefing.build.plan import Target, digest, edition_name, template_digest
from briefing.model import Briefing, FactBase, Marking
from briefing.record import Edition
from briefing.render.catalogue import (
    CatalogueEntry,
    EditionEntry,
    Link,
    MarkingText,
    SiteView,
)
from briefing.render.context import document_view, format_date
from briefing.render.document_json import read_output

INDEX = "index"
FEED = "feed"
# Each site output: its names in the output folder and its renderer, a function
# `(SiteView, templates, names) -> tuple[bytes, ...]`, imported in the worker.
SITE_OUTPUTS: dict[str, tuple[tuple[str, ...], str]] = {
    INDEX: (("index.html", "index.fragment.html"), "briefing.render.catalogue:index_files"),
    FEED: (("feed.xml",), "briefing.render.feed:feed_files"),
}
TEMPLATED = {INDEX}  # rendered through templates (the user's first); the feed is not
_EDITION_FILE = re.compile(r"^editions/(\d{4}-\d{2}-\d{2})/(.+)$")
# What a file is, by how its name ends (longest first): its link text and media type.
_KINDS = (
    (".fragment.html", "HTML fragment", "text/html"),
    (".summary.pdfa.pdf", "Summary (PDF/A)", "application/pdf"),
    (".summary.pdf", "Summary (PDF)", "application/pdf"),
    (".summary.html", "Summary (HTML)", "text/html"),
    (".pdfa.pdf", "PDF/A", "application/pdf"),
    (".pdf", "PDF", "application/pdf"),
    (".html", "HTML", "text/html"),
    (".md", "Markdown", "text/markdown"),
    (
        ".docx",
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (".json", "JSON", "application/json"),
)


def link(name: str) -> Link:
    """A link to an output, named by what it is."""
    base = name.rsplit("/", 1)[-1]
    for ending, label, media_type in _KINDS:
        if base.endswith(ending):
            return Link(name, label, media_type)
    return Link(name, base.partition(".")[2] or base, "application/octet-stream")


def _marking(marking: Marking) -> MarkingText:
    """The marking a briefing's own outputs print (`--marking`, its own, the fact base's)."""
    return MarkingText(marking.classification or "", marking.tlp.value if marking.tlp else "")


def _bluf(briefing: Briefing) -> str:
    return " ".join(item.text for item in briefing.bluf)


def _format_order(name: str, record_format: str) -> tuple[int, str]:
    order = list(FORMATS)
    return (order.index(record_format) if record_format in order else len(order), name)


class _History:
    """What the manifest records of earlier editions, per briefing and date."""

    def __init__(self, manifest: Manifest, out: Path, before: str) -> None:
        self.out = out
        self.manifest = manifest
        self.files: dict[str, dict[str, list[str]]] = {}  # briefing -> date -> names
        for name, record in manifest.outputs.items():
            match = _EDITION_FILE.match(name)
            if match and match.group(1) < before and record.briefing:
                dated = self.files.setdefault(record.briefing, {})
                dated.setdefault(match.group(1), []).append(name)
        self.records = sorted(
            name.split("/")[1]
            for name, record in manifest.outputs.items()
            if record.format == RECORD_FORMAT and _EDITION_FILE.match(name)
        )
        self.dates = sorted({d for dated in self.files.values() for d in dated})

    def number(self, date: str) -> str:
        """An earlier edition's number: 1 + the editions recorded before it (or, in a folder
        from before edition records, before it among the edition folders)."""
        if self.records:
            return str(1 + sum(d < date for d in self.records))
        return str(self.dates.index(date) + 1)

    def editions(self, briefing: Briefing) -> tuple[EditionEntry, ...]:
        """The briefing's earlier editions, newest first."""
        found = []
        for date, names in sorted(self.files.get(briefing.id, {}).items(), reverse=True):
            names.sort(key=lambda n: _format_order(n, self.manifest.outputs[n].format))
            links = tuple(link(n) for n in names)
            recorded = self._recorded(edition_name(date, f"{briefing.id}.json"))
            found.append(
                EditionEntry(
                    number=recorded[0] if recorded else self.number(date),
                    date_iso=date,
                    date=format_date(date),
                    title=recorded[1] if recorded else briefing.title,
                    summary=recorded[2] if recorded else "",
                    headline=recorded[3] if recorded else "",
                    links=links,
                    permanent=links,
                )
            )
        return tuple(found)

    def _recorded(self, name: str) -> tuple[str, str, str, str] | None:
        """Number, title, BLUF and "What changed" headline of an earlier edition, from its
        JSON output, when the manifest records it and the file still holds those bytes."""
        record = self.manifest.outputs.get(name)
        if record is None:
            return None
        data = regular_bytes(self.out / name, follow=False)
        if data is None or hashlib.sha256(data).hexdigest() != record.sha256:
            return None
        output = read_output(data)
        if output is None:
            return None
        bluf = " ".join(b.text for b in output.bluf)
        return output.edition.number, output.title, bluf, output.changes.headline


def site_view(
    fb: FactBase, options: Options, edition: Edition, marking: Marking | None, manifest: Manifest
) -> SiteView:
    """Every briefing of the fact base as the catalogue and the feed show it, at `edition`
    (its counted number and date; `marking` is `--marking`, overriding every other)."""
    date = edition.date.isoformat()
    history = _History(manifest, options.out, date)
    entries = []
    for briefing in sorted(fb.briefings, key=lambda b: (b.title.casefold(), b.id)):
        variants = options.pdf_variants
        stable = [n for f in options.formats for n in output_names(briefing.id, f, variants)]
        view = document_view(fb, briefing, marking, edition)
        current = EditionEntry(
            number=view.edition,
            date_iso=view.edition_date_iso,
            date=view.edition_date,
            title=briefing.title,
            summary=_bluf(briefing),
            headline=view.changes.headline,
            links=tuple(link(n) for n in stable),
            permanent=tuple(link(edition_name(date, n)) for n in stable),
        )
        entries.append(
            CatalogueEntry(
                id=briefing.id,
                title=briefing.title,
                subject=briefing.subject,
                marking=_marking(view.marking),
                current=current,
                earlier=history.editions(briefing),
            )
        )
    return SiteView(
        title=fb.settings.title,
        subject=fb.settings.subject,
        organisation=fb.settings.organisation,
        language=fb.settings.language,
        edition_number=str(edition.number),
        edition_date_iso=date,
        edition_date=format_date(date),
        entries=tuple(entries),
        site_url=options.site_url or "",
    )


def site_targets(site: SiteView, options: Options) -> list[Target]:
    """One target per site output, its digest over everything it shows."""
    shown = json.dumps(dataclasses.asdict(site), sort_keys=True, ensure_ascii=False)
    templates = template_digest(options.templates)
    return [
        Target(
            "",
            kind,
            names,
            digest(__version__, templates if kind in TEMPLATED else "", kind, shown),
            0,
            site=True,
        )
        for kind, (names, _) in SITE_OUTPUTS.items()
    ]


def render_site(kind: str, site: SiteView, templates: Path | None) -> tuple[bytes, ...]:
    """In a worker: one site output's files, by its renderer."""
    import importlib

    names, renderer = SITE_OUTPUTS[kind]
    module_name, _, function = renderer.partition(":")
    render = getattr(importlib.import_module(module_name), function)
    files: tuple[bytes, ...] = render(site, templates, names)
    return files
