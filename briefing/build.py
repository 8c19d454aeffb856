"""Plan targets, skip the unchanged, render the rest, write atomically, then the manifest.

Two phases, as in Pelican: everything is loaded, validated and rendered to Markdown first;
only then is anything written. A target's digest covers its rendered Markdown (which holds
every fact, quote and source field it shows), the templates and CSS, the options and the
tool version, so editing one fact rebuilds only the briefings that show it.

PDFs are laid out in worker processes that import WeasyPrint once each, under a time limit
and a memory bound per target: a PDF that hangs or balloons fails alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from briefing import __version__, uptodate
from briefing.errors import BriefingError, InvalidInput, Problem, RenderError, UsageError
from briefing.events import Event, Report
from briefing.model import Briefing, FactBase, Marking
from briefing.render.markdown import MarkdownDocument, render_markdown
from briefing.render.templating import SHIPPED_TEMPLATES
from briefing.validation import load_valid
from briefing.writing import OutputFolder

Format = Literal["md", "html", "fragment", "pdf", "docx"]
PdfVariant = Literal["ua", "a3b"]
FORMATS: tuple[Format, ...] = ("md", "html", "fragment", "pdf", "docx")
MANIFEST = "manifest.json"
EDITIONS = "editions"


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
    edition: str | None = None  # YYYY-MM-DD; None: the fact base's as-of date
    wait_lock: float = 0.0
    timeout: float = 300.0  # seconds per PDF target
    memory_mib: int = 1024  # address-space bound per PDF worker


def output_names(briefing_id: str, fmt: Format, variants: Iterable[str]) -> list[str]:
    """Stable output paths, relative to the output folder (documented in the README)."""
    if fmt == "md":
        return [f"{briefing_id}.md"]
    if fmt == "html":
        return [f"{briefing_id}.html"]
    if fmt == "fragment":
        return [f"{briefing_id}.fragment.html"]
    if fmt == "docx":
        return [f"{briefing_id}.docx"]
    return [f"{briefing_id}.pdf" if v == "ua" else f"{briefing_id}.pdfa.pdf" for v in variants]


@dataclass
class Target:
    """One briefing in one format: its outputs and the digest of everything it depends on."""

    briefing: str
    fmt: Format
    names: list[str]  # stable names; each is also copied into the edition folder
    digest: str
    doc: MarkdownDocument

    @property
    def key(self) -> str:
        return f"{self.briefing}.{self.fmt}"


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


def fingerprint_of(options: Options) -> str:
    """The options fingerprint the no-op fast path compares (see `uptodate`)."""
    marking = options.marking
    return uptodate.options_fingerprint(
        factbase=options.factbase,
        briefings=options.briefings,
        formats=options.formats,
        templates=options.templates,
        marking=(marking.classification, marking.tlp.value if marking.tlp else None)
        if marking
        else None,
        paper=options.paper,
        pdf_variants=options.pdf_variants,
        edition=options.edition,
        strict=options.strict,
    )


def _input_folders(fb: FactBase, options: Options) -> list[Path]:
    folders = [fb.root.resolve(), fb.seeds_dir, SHIPPED_TEMPLATES]
    return folders + ([options.templates.resolve()] if options.templates else [])


def _input_files(fb: FactBase, options: Options) -> list[Path]:
    """Every file a build of this fact base can read."""
    files = [fb.seeds_dir / s.file for s in fb.sources]
    for folder in _input_folders(fb, options):
        if folder != fb.seeds_dir:
            files += [p for p in folder.rglob("*") if p.is_file()]
    return files


def factbase_digest(fb: FactBase) -> str:
    """Digest of every fact-base file and source file, for the manifest."""
    files = sorted(fb.root.rglob("*.yaml"))
    sources = [fb.source_bytes[s.id] or b"" for s in fb.sources]
    return _digest(
        *[str(p.relative_to(fb.root)) for p in files], *[p.read_bytes() for p in files], *sources
    )


def edition_of(fb: FactBase, options: Options) -> str:
    """The edition date: `--edition` (validated) or the fact base's as-of date."""
    if options.edition is None:
        return fb.settings.as_of.isoformat()
    try:
        return dt.date.fromisoformat(options.edition).isoformat()
    except ValueError:
        raise UsageError(f"--edition {options.edition!r} is not a date; use YYYY-MM-DD") from None


def plan(fb: FactBase, options: Options) -> list[Target]:
    """Every target asked for, with its input digest. Renders Markdown, nothing heavier."""
    wanted = options.briefings or tuple(b.id for b in fb.briefings)
    known = {b.id: b for b in fb.briefings}
    unknown = [b for b in wanted if b not in known]
    if unknown:
        raise UsageError(f"unknown briefing {', '.join(unknown)}; known: {', '.join(known)}")
    shared = _template_digest(options.templates)
    targets = []
    for briefing_id in dict.fromkeys(wanted):
        briefing: Briefing = known[briefing_id]
        doc = render_markdown(fb, briefing, marking=options.marking, templates=options.templates)
        for fmt in dict.fromkeys(options.formats):
            pdf = fmt == "pdf"
            settings = json.dumps(
                [fmt, options.paper if pdf else "", sorted(options.pdf_variants) if pdf else []]
            )
            if fmt == "docx":  # its document properties carry the edition date
                settings += edition_of(fb, options)
            digest = _digest(__version__, shared, settings, doc.text)
            names = output_names(briefing_id, fmt, options.pdf_variants)
            targets.append(Target(briefing_id, fmt, names, digest, doc))
    return targets


def _render_small(target: Target, templates: Path | None, edition: str) -> dict[str, bytes]:
    if target.fmt == "md":
        return {target.names[0]: target.doc.text.encode()}
    if target.fmt == "docx":
        from briefing.render.docx import render_docx

        created = dt.date.fromisoformat(edition)
        return {target.names[0]: render_docx(target.doc, edition=created, templates=templates)}
    from briefing.render.html import render_html
    from briefing.render.inert import ensure_inert

    html = render_html(target.doc, fragment=target.fmt == "fragment", templates=templates)
    ensure_inert(html, target.names[0])
    return {target.names[0]: html.encode()}


def build(options: Options, report: Report | None = None) -> Result:
    """Build what changed; skip the rest. A failing target spares the others."""
    started = time.perf_counter()
    say = report or (lambda event: None)
    fb, warnings = load_valid(options.factbase, strict=options.strict)
    result = Result(warnings=warnings)
    edition = edition_of(fb, options)
    targets = plan(fb, options)
    with OutputFolder(options.out, options.wait_lock) as folder:
        manifest = folder.read_manifest(MANIFEST)
        outputs: dict[str, dict[str, Any]] = dict(manifest.get("outputs", {}))
        say(Event("start", total=len(targets)))

        def all_names(target: Target) -> list[str]:
            return [*target.names, *(f"{EDITIONS}/{edition}/{n}" for n in target.names)]

        def record(target: Target, files: dict[str, bytes], seconds: float) -> None:
            for name, data in files.items():
                entry = {
                    "briefing": target.briefing,
                    "format": target.fmt,
                    "inputs": target.digest,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
                for path in (name, f"{EDITIONS}/{edition}/{name}"):
                    folder.write(path, data)
                    outputs[path] = entry
            result.built.append(target.key)
            say(Event("built", target.key, ", ".join(files), seconds))

        def fail(target: Target, error: BaseException) -> None:
            detail = str(error) or type(error).__name__
            if isinstance(error, InvalidInput):
                detail = "; ".join(str(p) for p in error.problems)
            result.failed[target.key] = detail
            say(Event("failed", target.key, detail))

        todo: list[Target] = []
        for target in targets:
            if not options.force and folder.up_to_date(manifest, all_names(target), target.digest):
                result.skipped.append(target.key)
                say(Event("skipped", target.key, "up to date"))
            else:
                todo.append(target)

        def render_small() -> None:
            for target in todo:
                if target.fmt != "pdf":
                    begun = time.perf_counter()
                    try:
                        files = _render_small(target, options.templates, edition)
                        record(target, files, time.perf_counter() - begun)
                    except (BriefingError, OSError) as error:
                        fail(target, error)

        # The PDF workers start first; Markdown and HTML are rendered while they lay out.
        _build_pdfs([t for t in todo if t.fmt == "pdf"], options, record, fail, render_small)
        # The inputs of the last build that fully succeeded. A failure keeps the previous
        # state: if these inputs are the same, the outputs kept are the right ones.
        state = manifest.get(uptodate.STATE)
        if not result.failed:
            state = uptodate.record(
                files=_input_files(fb, options),
                folders=_input_folders(fb, options),
                options=fingerprint_of(options),
                targets=[t.key for t in targets],
            )
        folder.write_manifest(
            MANIFEST,
            {
                "tool_version": __version__,
                "factbase_digest": factbase_digest(fb),
                "outputs": dict(sorted(outputs.items())),
                uptodate.STATE: state,
            },
        )
    result.seconds = time.perf_counter() - started
    say(
        Event(
            "finish",
            detail=f"{len(result.built)} built, {len(result.skipped)} skipped, "
            f"{len(result.failed)} failed",
            seconds=result.seconds,
        )
    )
    return result


# --------------------------------------------------------------------------- PDF workers


def _worker_init(memory_mib: int) -> None:
    """Bound the worker's memory, then pay the WeasyPrint import once."""
    import resource

    limit = memory_mib * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or limit < hard:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    from briefing.render.pdf import warm_up

    with contextlib.suppress(ImportError, MemoryError):
        warm_up()  # if this fails, each job reports it as its target's failure, no traceback


WATCHDOG_GRACE = 2.0  # seconds past the time limit before a stuck worker is ended


class _TimedOut(Exception):
    pass


def _render_pdf_job(
    html: str, variants: tuple[PdfVariant, ...], names: list[str], timeout: float
) -> tuple[dict[str, bytes], float]:
    """Runs in a worker: lay out once, write each variant, within the time limit."""
    import signal

    try:
        from briefing.render.pdf import render_pdf, warm_up

        warm_up()
    except (ImportError, MemoryError) as error:
        raise RenderError(
            f"the PDF worker could not load WeasyPrint within its memory bound ({error})"
        ) from None

    message = f"PDF layout took longer than {timeout:g} s"
    expired: list[bool] = []

    def expire(signum: int, frame: object) -> None:
        expired.append(True)
        raise _TimedOut(message)

    # The alarm interrupts Python code; WeasyPrint swallows exceptions in places (drawing an
    # SVG), so a watchdog thread also ends the whole worker a little later. The parent then
    # sees the worker die and fails the target.
    watchdog = threading.Timer(timeout + WATCHDOG_GRACE, os._exit, args=(70,))
    watchdog.daemon = True
    begun = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    watchdog.start()
    try:
        pdfs = render_pdf(html, variants=variants)
    except MemoryError:
        raise RenderError("PDF layout ran out of its memory bound") from None
    finally:
        watchdog.cancel()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:  # the alarm fired but something caught it: the PDF may be incomplete
        raise _TimedOut(message)
    files = {name: pdfs[variant] for name, variant in zip(names, variants, strict=True)}
    return files, time.perf_counter() - begun


def _build_pdfs(
    targets: list[Target],
    options: Options,
    record: Callable[[Target, dict[str, bytes], float], None],
    fail: Callable[[Target, BaseException], None],
    meanwhile: Callable[[], None],
) -> None:
    """Lay out PDFs in worker processes, at most `jobs` at a time, longest first; run
    `meanwhile` in this process while they work."""
    if not targets:
        meanwhile()
        return
    from briefing.render.pdf import pdf_html

    jobs: list[tuple[Target, str]] = []
    for target in targets:
        try:
            jobs.append((target, pdf_html(target.doc, options.paper, options.templates)))
        except BriefingError as error:
            fail(target, error)
    jobs.sort(key=lambda job: len(job[1]), reverse=True)  # the longest layout starts first
    variants = tuple(dict.fromkeys(options.pdf_variants))
    workers = max(1, min(options.jobs, len(jobs)))
    broken = _run_pool(jobs, variants, options, workers, record, fail, meanwhile)
    # A worker that dies (memory bound, a crash) breaks its whole pool. Retry each target it
    # took down in a pool of its own, so only the target that kills its worker fails.
    for job in broken:
        for target, _ in _run_pool([job], variants, options, 1, record, fail):
            fail(
                target,
                RenderError(
                    "the PDF worker died (past its time limit, over its memory bound, or killed)"
                ),
            )


def _run_pool(
    jobs: list[tuple[Target, str]],
    variants: tuple[PdfVariant, ...],
    options: Options,
    workers: int,
    record: Callable[[Target, dict[str, bytes], float], None],
    fail: Callable[[Target, BaseException], None],
    meanwhile: Callable[[], None] = lambda: None,
) -> list[tuple[Target, str]]:
    """Run PDF jobs in one pool; return the jobs lost to a broken pool."""
    broken: list[tuple[Target, str]] = []
    if not jobs:
        meanwhile()
        return broken
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_init, initargs=(options.memory_mib,)
    ) as pool:
        futures = [
            (job, pool.submit(_render_pdf_job, job[1], variants, job[0].names, options.timeout))
            for job in jobs
        ]
        meanwhile()
        for job, future in futures:
            try:
                files, seconds = future.result()
                record(job[0], files, seconds)
            except BrokenProcessPool:
                broken.append(job)
            except Exception as error:  # a worker's failure fails its target only
                fail(job[0], error)
    return broken


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
