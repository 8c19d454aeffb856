"""Plan targets, skip the unchanged, render the rest, write atomically, then the manifest.

Two phases, as in Pelican: everything is loaded, validated and rendered to Markdown first;
only then is anything written. A target's digest covers its rendered Markdown (which holds
every fact, quote and source field it shows), the templates and CSS, the options and the
tool version, so editing one fact rebuilds only the briefings that show it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from briefing import __version__
from briefing.checks import check
from briefing.errors import BriefingError, InvalidInput, Problem, RenderError, UsageError
from briefing.load import load_factbase
from briefing.model import Briefing, FactBase, Marking
from briefing.render.html import render_html
from briefing.render.markdown import MarkdownDocument, render_markdown
from briefing.render.templating import SHIPPED_TEMPLATES
from briefing.writing import OutputFolder

Format = Literal["md", "html", "fragment", "pdf"]
PdfVariant = Literal["ua", "a3b"]
FORMATS: tuple[Format, ...] = ("md", "html", "fragment", "pdf")
MANIFEST = "manifest.json"


def gather(root: Path) -> tuple[FactBase | None, list[Problem]]:
    """Load a fact base and run every check; all problems, errors and warnings, at once."""
    fb, problems = load_factbase(root)
    if fb is not None:
        problems += check(fb)
    return fb, sorted(problems)


def load_valid(root: Path, *, strict: bool = False) -> tuple[FactBase, list[Problem]]:
    """A fact base without errors (and without warnings when strict), plus its warnings."""
    fb, problems = gather(root)
    failing = [p for p in problems if p.severity == "error" or strict]
    if fb is None or failing:
        raise InvalidInput(problems)
    return fb, problems


@dataclass(frozen=True)
class Options:
    """What a build was asked for."""

    factbase: Path
    out: Path
    briefings: tuple[str, ...] = ()
    formats: tuple[Format, ...] = FORMATS
    templates: Path | None = None
    marking: Marking | None = None
    paper: Literal["a4", "letter"] = "a4"
    pdf_variants: tuple[PdfVariant, ...] = ("ua",)
    jobs: int = 1
    force: bool = False
    strict: bool = False


def output_names(briefing_id: str, fmt: Format, variants: Iterable[str]) -> list[str]:
    """Stable output paths, relative to the output folder (documented in the README)."""
    if fmt == "md":
        return [f"{briefing_id}.md"]
    if fmt == "html":
        return [f"{briefing_id}.html"]
    if fmt == "fragment":
        return [f"{briefing_id}.fragment.html"]
    return [f"{briefing_id}.pdf" if v == "ua" else f"{briefing_id}.pdfa.pdf" for v in variants]


@dataclass
class Target:
    """One briefing in one format: its outputs and the digest of everything it depends on."""

    briefing: str
    fmt: Format
    names: list[str]
    digest: str
    doc: MarkdownDocument


@dataclass
class Result:
    """What a build did, target by target."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return RenderError.exit_code if self.failed else 0


Report = Callable[[str, str, str], None]  # event, target, detail


def _digest(*parts: str | bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


def _template_digest(templates: Path | None) -> str:
    """Digest of every template and asset a build can use, user templates first."""
    parts: list[str | bytes] = []
    for folder in [p for p in (templates, SHIPPED_TEMPLATES) if p is not None]:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts += [str(path.relative_to(folder)), path.read_bytes()]
    return _digest(*parts)


def plan(fb: FactBase, options: Options) -> list[Target]:
    """Every target asked for, with its input digest. Renders Markdown, nothing heavier."""
    wanted = options.briefings or tuple(b.id for b in fb.briefings)
    known = {b.id: b for b in fb.briefings}
    unknown = [b for b in wanted if b not in known]
    if unknown:
        raise UsageError(f"unknown briefing {', '.join(unknown)}; known: {', '.join(known)}")
    shared = _template_digest(options.templates)
    targets = []
    for briefing_id in wanted:
        briefing: Briefing = known[briefing_id]
        doc = render_markdown(fb, briefing, marking=options.marking, templates=options.templates)
        for fmt in options.formats:
            settings = json.dumps(
                [
                    fmt,
                    options.paper if fmt == "pdf" else "",
                    sorted(options.pdf_variants) if fmt == "pdf" else [],
                ]
            )
            digest = _digest(__version__, shared, settings, doc.text)
            names = output_names(briefing_id, fmt, options.pdf_variants)
            targets.append(Target(briefing_id, fmt, names, digest, doc))
    return targets


def _render_small(target: Target, templates: Path | None) -> dict[str, bytes]:
    if target.fmt == "md":
        return {target.names[0]: target.doc.text.encode()}
    fragment = target.fmt == "fragment"
    html = render_html(target.doc, fragment=fragment, templates=templates)
    return {target.names[0]: html.encode()}


def _render_pdf_job(
    html: str, variants: tuple[PdfVariant, ...], names: list[str]
) -> dict[str, bytes]:
    from briefing.render.pdf import render_pdf

    pdfs = render_pdf(html, variants=variants)
    return {name: pdfs[variant] for name, variant in zip(names, variants, strict=True)}


def _worker_init() -> None:
    from briefing.render.pdf import warm_up

    warm_up()  # pay the WeasyPrint import once per worker, not once per PDF


def build(options: Options, report: Report | None = None) -> Result:
    """Build what changed; the others are skipped. Errors in one target spare the rest."""
    started = time.perf_counter()
    say = report or (lambda event, target, detail: None)
    fb, warnings = load_valid(options.factbase, strict=options.strict)
    result = Result(warnings=warnings)
    with OutputFolder(options.out) as folder:
        manifest = folder.read_manifest(MANIFEST)
        fact_digest = _digest(
            *[str(p) for p in sorted(fb.maps)],
            *[p.read_bytes() for p in sorted(options.factbase.rglob("*.yaml"))],
        )
        targets = plan(fb, options)
        todo: list[Target] = []
        for target in targets:
            key = f"{target.briefing}.{target.fmt}"
            if not options.force and folder.up_to_date(manifest, target.names, target.digest):
                result.skipped.append(key)
                say("skipped", key, "up to date")
            else:
                todo.append(target)
        outputs: dict[str, dict[str, Any]] = dict(manifest.get("outputs", {}))

        def record(target: Target, files: dict[str, bytes]) -> None:
            for name, data in files.items():
                folder.write(name, data)
                outputs[name] = {
                    "briefing": target.briefing,
                    "format": target.fmt,
                    "inputs": target.digest,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
            key = f"{target.briefing}.{target.fmt}"
            result.built.append(key)
            say("built", key, ", ".join(files))

        def fail(target: Target, error: BaseException) -> None:
            key = f"{target.briefing}.{target.fmt}"
            detail = str(error) or type(error).__name__
            if isinstance(error, InvalidInput):
                detail = "; ".join(str(p) for p in error.problems)
            result.failed[key] = detail
            say("failed", key, detail)

        pdf_targets = [t for t in todo if t.fmt == "pdf"]
        for target in todo:
            if target.fmt == "pdf":
                continue
            try:
                record(target, _render_small(target, options.templates))
            except (BriefingError, OSError) as error:
                fail(target, error)
        _build_pdfs(pdf_targets, options, record, fail)
        folder.write_manifest(
            MANIFEST,
            {
                "tool_version": __version__,
                "factbase_digest": fact_digest,
                "outputs": dict(sorted(outputs.items())),
            },
        )
    result.seconds = time.perf_counter() - started
    return result


def _build_pdfs(
    targets: list[Target],
    options: Options,
    record: Callable[[Target, dict[str, bytes]], None],
    fail: Callable[[Target, BaseException], None],
) -> None:
    """Lay out PDFs, in worker processes when there are several and jobs allow it."""
    if not targets:
        return
    from briefing.render.pdf import pdf_html

    jobs: list[tuple[Target, str]] = []
    for target in targets:
        try:
            jobs.append((target, pdf_html(target.doc, options.paper, options.templates)))
        except BriefingError as error:
            fail(target, error)
    variants = tuple(dict.fromkeys(options.pdf_variants))
    workers = min(options.jobs, len(jobs))
    if workers <= 1:
        for target, html in jobs:
            try:
                record(target, _render_pdf_job(html, variants, target.names))
            except (BriefingError, OSError) as error:
                fail(target, error)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
        futures = [
            (target, pool.submit(_render_pdf_job, html, variants, target.names))
            for target, html in jobs
        ]
        for target, future in futures:
            try:
                record(target, future.result())
            except Exception as error:  # a worker's failure fails its target only
                fail(target, error)


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
