"""What a build can be asked for: output formats, PDF variants, papers, and the options.

The one definition of each. The CLI builds its choices and help from these tables, the plan
its output names, the workers their renderers. Imports nothing heavy (no pydantic, Jinja or
WeasyPrint), so `--help` and the no-op fast path stay fast.

Adding an output format is one `OutputFormat` line in `FORMATS` plus its renderer in
`briefing/render/`: a function `(MarkdownDocument, RenderJob) -> tuple[bytes, ...]`, one
`bytes` per output name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.errors import UsageError


@dataclass(frozen=True)
class OutputFormat:
    """One output format: its name on the command line, its file name, its renderer."""

    name: str
    suffix: str  # after the briefing id, e.g. ".fragment.html"; paged formats: per variant
    renderer: str  # "module:function", imported only in the worker that renders it
    description: str
    paged: bool = False  # laid out on --paper, one file per --pdf-variant
    dated: bool = False  # its bytes carry the edition date (document properties)
    with_page: bool = False  # a paged format that also writes `<id><suffix>.html`


@dataclass(frozen=True)
class PdfVariant:
    """One PDF standard a paged format is written in; all come from one layout."""

    name: str
    suffix: str
    standard: str  # WeasyPrint's `pdf_variant`
    description: str


@dataclass(frozen=True)
class Paper:
    """A paper size for paged formats."""

    name: str
    css_size: str  # the CSS `@page { size }` value
    description: str


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat(
            "md", ".md", "briefing.render.markdown:markdown_file", "GitHub-flavoured Markdown"
        ),
        OutputFormat(
            "html", ".html", "briefing.render.html:page_file", "standalone page, CSS inline"
        ),
        OutputFormat(
            "fragment",
            ".fragment.html",
            "briefing.render.html:fragment_file",
            "fragment to embed, ids prefixed",
        ),
        OutputFormat(
            "pdf", "", "briefing.render.pdf:pdf_files", "PDF, one per --pdf-variant", paged=True
        ),
        OutputFormat(
            "summary",
            ".summary",
            "briefing.render.pdf:summary_files",
            "one-page summary: <id>.summary.pdf (one per --pdf-variant) and <id>.summary.html",
            paged=True,
            with_page=True,
        ),
        OutputFormat(
            "docx",
            ".docx",
            "briefing.render.docx:docx_file",
            "Word document from the reference template",
            dated=True,
        ),
        OutputFormat(
            "json",
            ".json",
            "briefing.render.document_json:json_file",
            "the document view as JSON (schema: briefing schema briefing-output)",
            dated=True,
        ),
    )
}
PDF_VARIANTS: dict[str, PdfVariant] = {
    v.name: v
    for v in (
        PdfVariant("ua", ".pdf", "pdf/ua-1", "tagged PDF/UA-1 (<id>.pdf)"),
        PdfVariant("a3b", ".pdfa.pdf", "pdf/a-3b", "PDF/A-3b (<id>.pdfa.pdf)"),
    )
}
PAPERS: dict[str, Paper] = {
    p.name: p for p in (Paper("a4", "A4", "ISO A4"), Paper("letter", "letter", "US Letter"))
}
DEFAULT_PDF_VARIANT = "ua"
DEFAULT_PAPER = "a4"
EDITIONS = "editions"  # out/editions/<date>/ keeps each edition's copy
EDITION_RECORD = "record.json"  # out/editions/<date>/record.json: what the edition was made from


def output_names(briefing_id: str, fmt: str, variants: Iterable[str] = ()) -> list[str]:
    """Stable output paths, relative to the output folder (documented in the README)."""
    spec = FORMATS[fmt]
    if spec.paged:
        pages = [
            f"{briefing_id}{spec.suffix}{PDF_VARIANTS[v].suffix}" for v in dict.fromkeys(variants)
        ]
        return pages + ([f"{briefing_id}{spec.suffix}.html"] if spec.with_page else [])
    return [f"{briefing_id}{spec.suffix}"]


def split_marking(text: str | None) -> tuple[str | None, str | None]:
    """`UNCLASSIFIED|TLP:AMBER` → (`UNCLASSIFIED`, `TLP:AMBER`); either part may be absent."""
    classification, tlp = None, None
    for part in (p.strip() for p in (text or "").split("|")):
        if part.upper().startswith("TLP:"):
            tlp = part
        elif part:
            classification = part
    return classification, tlp


def site_url(text: str) -> str:
    """`--site-url`: an http(s) URL of the folder out/ is served from, ending in `/`."""
    import urllib.parse  # only when given: `--help` and the fast path stay light

    parts = urllib.parse.urlsplit(text.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() or c in "\"'<>\\" for c in text.strip())
    ):
        raise UsageError(
            f"--site-url {text!r} is not the http(s) address of a folder; "
            "use e.g. --site-url https://intranet.example/briefings/"
        )
    return urllib.parse.urlunsplit(parts).rstrip("/") + "/"


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based): a build of only the briefings assigned to it."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.count:
            raise UsageError(
                f"--shard {self.index}/{self.count}: K must be between 1 and N; "
                "use --shard K/N, e.g. --shard 2/4"
            )

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def tag(self) -> str:
        """`shard-2-of-4`: in the names of this shard's manifest and lock."""
        return f"shard-{self.index}-of-{self.count}"


_SHARD = re.compile(r"^\s*([0-9]{1,9})\s*/\s*([0-9]{1,9})\s*$")
_WHOLE = re.compile(r"^\s*[0-9]{1,9}\s*$")
JOB_INDEX, JOB_COUNT = "JOB_COMPLETION_INDEX", "JOB_COMPLETION_COUNT"


def parse_shard(text: str, environ: Mapping[str, str] | None = None) -> Shard:
    """`K/N` (1-based), or `auto`: a Kubernetes indexed Job's JOB_COMPLETION_INDEX (0-based)
    and JOB_COMPLETION_COUNT. Anything else is a usage error saying what to write."""
    if text.strip().lower() == "auto":
        env = os.environ if environ is None else environ
        index, count = env.get(JOB_INDEX), env.get(JOB_COUNT)
        if index is None or count is None:
            missing = " and ".join(
                n for n, v in ((JOB_INDEX, index), (JOB_COUNT, count)) if v is None
            )
            raise UsageError(
                f"--shard auto: {missing} not set; in a Kubernetes indexed Job set "
                f"{JOB_COUNT} to the Job's completions (see docs/scaling.md), or use --shard K/N"
            )
        if not (_WHOLE.match(index) and _WHOLE.match(count)):
            raise UsageError(
                f"--shard auto: {JOB_INDEX}={index!r} and {JOB_COUNT}={count!r} must be whole "
                "numbers (the index counts from 0)"
            )
        if int(count) < 1 or int(index) >= int(count):
            raise UsageError(
                f"--shard auto: {JOB_INDEX}={index} is not below {JOB_COUNT}={count} "
                "(the index counts from 0)"
            )
        return Shard(int(index) + 1, int(count))
    match = _SHARD.match(text)
    if match is None:
        raise UsageError(
            f"--shard {text!r}: write K/N, shard K of N counting from 1 (e.g. --shard 2/4), "
            "or auto (a Kubernetes indexed Job)"
        )
    if int(match[2]) < 1:
        raise UsageError(f"--shard {text}: N must be at least 1")
    return Shard(int(match[1]), int(match[2]))


def _known(kind: str, chosen: Iterable[str], table: dict[str, Any]) -> tuple[str, ...]:
    """The choices in order, each once; an unknown one is a usage error naming the known."""
    choices = tuple(dict.fromkeys(chosen))
    unknown = [c for c in choices if c not in table]
    if unknown:
        raise UsageError(f"unknown {kind} {', '.join(unknown)}; choose from {', '.join(table)}")
    return choices


@dataclass(frozen=True)
class Options:
    """What a build was asked for. Formats, variants and paper are checked on creation."""

    factbase: Path
    out: Path
    briefings: tuple[str, ...] = ()  # empty: every briefing
    formats: tuple[str, ...] = tuple(FORMATS)
    templates: Path | None = None  # searched before the shipped templates
    marking: str | None = None  # e.g. "UNCLASSIFIED|TLP:AMBER"; None: the fact base's own
    paper: str = DEFAULT_PAPER
    pdf_variants: tuple[str, ...] = (DEFAULT_PDF_VARIANT,)
    jobs: int = 1  # worker processes
    force: bool = False
    strict: bool = False  # warnings (the fact base's, the renderers') fail
    edition: str | None = None  # YYYY-MM-DD; None: the fact base's as-of date
    wait_lock: float = 0.0  # seconds to wait for another build's lock
    timeout: float = 300.0  # seconds one target's templates and layout may take
    memory_mib: int = 1024  # address space one worker may use
    site_url: str | None = None  # where out/ is served, for absolute links in feed and fragment
    shard: Shard | None = None  # build only this shard's briefings (see build/shard.py)
    # Render targets a worker handles before a fresh one replaces it (build/workers.py).
    worker_tasks: int = 40

    def __post_init__(self) -> None:
        if self.site_url is not None:
            object.__setattr__(self, "site_url", site_url(self.site_url))
        object.__setattr__(self, "formats", _known("format", self.formats, FORMATS))
        object.__setattr__(
            self, "pdf_variants", _known("PDF variant", self.pdf_variants, PDF_VARIANTS)
        )
        _known("paper", [self.paper], PAPERS)
        if self.worker_tasks < 1:
            raise UsageError("--worker-tasks must be at least 1")
        if not self.pdf_variants:
            raise UsageError("choose at least one PDF variant")
        if self.edition is not None:
            try:
                dt.date.fromisoformat(self.edition)
            except ValueError:
                raise UsageError(
                    f"--edition {self.edition!r} is not a date; use YYYY-MM-DD"
                ) from None

    @property
    def writes_site_outputs(self) -> bool:
        """Whether this build writes the files that describe the whole fact base (not one
        briefing): a full build does, and of N shards only shard 1, so that the union of the
        shards' files is the full build's."""
        return self.shard is None or self.shard.index == 1

    def full_fingerprint(self) -> str:
        """The fingerprint of the same build unsharded: what merged shard manifests record,
        so that the next full build finds itself up to date."""
        return replace(self, shard=None).fingerprint()

    def fingerprint(self) -> str:
        """Digest of the options that shape the outputs, and of the tool version: what the
        no-op fast path compares with the last build's. A shard's includes its place (K/N):
        another shard, or the full build, is not the same build."""
        marking = split_marking(self.marking) if self.marking is not None else None
        canonical: dict[str, object] = {
            "version": __version__,
            "factbase": str(self.factbase.resolve()),
            "briefings": list(self.briefings),
            "formats": list(self.formats),
            "templates": str(self.templates.resolve()) if self.templates else None,
            "marking": list(marking) if marking else None,
            "paper": self.paper,
            "pdf_variants": sorted(set(self.pdf_variants)),
            "edition": self.edition,
            "strict": self.strict,
            "site_url": self.site_url,
        }
        if self.shard is not None:
            canonical["shard"] = [self.shard.index, self.shard.count]
        text = json.dumps(canonical, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()
