"""One build, once the fast path found work: load → plan → skip → render → write.

Two phases, as in Pelican: the fact base is loaded and checked and every briefing rendered to
Markdown first; only then, under the output folder's lock, is anything written. Every
template and every PDF layout runs in a limited worker process (`workers`); this process
plans, writes and keeps the manifest. A failing target spares the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import logging
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from briefing import __version__
from briefing.build.editions import current_record, read_records, write_record
from briefing.build.manifest import (
    InputState,
    Manifest,
    OutputRecord,
    ShardRecord,
    manifest_name,
    record_name,
    regular_bytes,
)
from briefing.build.options import FORMATS, PAPERS, PDF_VARIANTS, Options, split_marking
from briefing.build.plan import (
    Target,
    edition_name,
    edition_of,
    factbase_digest,
    input_files,
    input_folders,
    plan,
    wanted_briefings,
)
from briefing.build.report import BuildEvent, Report, Result
from briefing.build.shard import select
from briefing.build.site import SITE_OUTPUTS, render_site, site_targets, site_view
from briefing.build.workers import Done, Failed, Job, Limits, Workers, shared
from briefing.errors import BriefingError, InvalidInput, Problem, UsageError
from briefing.model import FactBase, Marking
from briefing.record import Edition, EditionRecord
from briefing.render.job import Renderer, RenderJob
from briefing.render.markdown import MarkdownDocument
from briefing.resources import SHIPPED_TEMPLATES
from briefing.validation import load_valid
from briefing.writing import OutputFolder

log = logging.getLogger("briefing.build")


@dataclass(frozen=True)
class _Shared:
    """What every worker inherits from the build: enough to render any briefing's Markdown."""

    fb: FactBase
    marking: Marking | None
    templates: Path | None
    edition: Edition  # its number and date, and the previous edition's record


def _markdown_job(briefing_id: str) -> MarkdownDocument:
    """In a worker: one briefing's Markdown, through its (possibly user) template."""
    from briefing.render.markdown import render_markdown

    state: _Shared = shared()
    briefing = next(b for b in state.fb.briefings if b.id == briefing_id)
    return render_markdown(
        state.fb, briefing, marking=state.marking, templates=state.templates, edition=state.edition
    )


def _load_renderer(renderer: str) -> Renderer:
    """In a worker: the renderer a format names, its module imported and warmed up."""
    module_name, _, name = renderer.partition(":")
    module = importlib.import_module(module_name)
    warm_up = getattr(module, "warm_up", None)
    if callable(warm_up):
        warm_up()
    render: Renderer = getattr(module, name)
    return render


def _render_job(renderer: str, doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """In a worker: one target's files, by the renderer its format names."""
    return _load_renderer(renderer)(doc, job)


def build(options: Options, report: Report) -> Result:
    """Build what changed; skip the rest."""
    started = time.perf_counter()
    fb, warnings = load_valid(options.factbase, strict=options.strict)
    inputs = _input_state(fb, options)  # as read: compared again once the build is done
    result = Result(warnings=warnings)
    marking = _marking(options.marking)
    edition = edition_of(fb, options)
    wanted = wanted_briefings(fb, options)
    mine = select(fb, wanted, options.shard)
    numbered = _edition(fb, options, edition)
    limits = Limits(options.timeout, options.memory_mib)
    state = _Shared(fb, marking, options.templates, numbered)
    with Workers(options.jobs, limits, state) as workers:
        docs = _render_markdown(workers, fb, mine, options)
    targets = plan({b: doc.text for b, doc in docs.items()}, options, edition)
    shard_tag = options.shard.tag if options.shard else None
    with OutputFolder(options.out, options.wait_lock, shard_tag) as folder:
        writer = _Writer(folder, options, edition, report, result)
        site = _site_outputs(fb, options, numbered, marking, writer.manifest)
        targets += [target for target, _ in site]
        todo = writer.skip_current(targets)
        if todo:
            folder.ensure_writable()
        jobs = [
            _job(target, docs[target.briefing], options, edition)
            for target in _in_order([t for t in todo if not t.site])
        ]
        jobs += [job for target, job in site if target in todo]
        by_key = {target.key: target for target in todo}
        # Render workers are replaced after `worker_tasks` targets each: WeasyPrint keeps a
        # little of every document it lays out, so a worker living through a whole large
        # build would grow without bound. A fork server, when one is needed, imports what
        # these targets' renderers need, and nothing more.
        renderers = dict.fromkeys(
            (SITE_OUTPUTS[t.fmt][1] if t.site else FORMATS[t.fmt].renderer).partition(":")[0]
            for t in todo
        )
        preload = (__name__, *renderers)
        with Workers(
            options.jobs, limits, recycle_after=options.worker_tasks, preload=preload
        ) as workers:
            for job, outcome in workers.run(jobs):
                writer.finish(by_key[job.key], outcome)
        if options.writes_site_outputs:
            assert numbered.record is not None
            writer.write_edition_record(numbered.record)
        writer.write_manifest(fb, targets, inputs, wanted)
    result.seconds = time.perf_counter() - started
    report(
        BuildEvent(
            "finish", detail=result.summary(), seconds=result.seconds, warnings=result.warning_count
        )
    )
    return result


def _site_outputs(
    fb: FactBase, options: Options, edition: Edition, marking: Marking | None, manifest: Manifest
) -> list[tuple[Target, Job]]:
    """The site-level outputs (catalogue, feed; `build/site.py`), each with its render job:
    the one place a build adds what describes the whole fact base rather than a briefing.
    Of N shards only the first writes them; it lists earlier editions from the merged
    `manifest.json`, as the full build does, not from its own shard manifest."""
    if not options.writes_site_outputs:
        return []
    if options.shard is not None:
        manifest = Manifest.read(options.out)
    site = site_view(fb, options, edition, marking, manifest)
    return [
        (target, Job(target.key, render_site, (target.fmt, site, options.templates)))
        for target in site_targets(site, options)
    ]


def _edition(fb: FactBase, options: Options, date: str) -> Edition:
    """This edition: its record, and its number and previous edition from the records in the
    output folder (read before the lock is taken: each was written atomically)."""
    recorded = read_records(options.out)
    for problem in recorded.problems:
        log.warning("%s", problem)
    record = current_record(fb, dt.date.fromisoformat(date))
    return recorded.edition(record.date, record)


def _full_plan(wanted: list[str], options: Options) -> tuple[str, ...]:
    """Every target key of the full (unsharded) build, in its order: what a shard's
    manifest records so the merge can check that the shards add up."""
    briefings = tuple(f"{b}.{fmt}" for b in wanted for fmt in options.formats)
    return briefings + tuple(names[0] for names, _ in SITE_OUTPUTS.values())


def _input_state(fb: FactBase, options: Options) -> InputState:
    return InputState.record(
        files=input_files(fb, options),
        folders=input_folders(fb, options),
        options=options.fingerprint(),
        targets=[],
    )


def _marking(text: str | None) -> Marking | None:
    """`--marking` as the model's Marking; a bad one is a usage error."""
    if text is None:
        return None
    classification, tlp = split_marking(text)
    try:
        return Marking(classification=classification, tlp=tlp)
    except ValidationError:
        raise UsageError(
            "--marking: use a classification such as UNCLASSIFIED and/or a TLP 2.0 label "
            "(TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED), e.g. "
            "--marking 'UNCLASSIFIED|TLP:GREEN'"
        ) from None


def _render_markdown(
    workers: Workers, fb: FactBase, wanted: list[str], options: Options
) -> dict[str, MarkdownDocument]:
    """Every wanted briefing's Markdown, rendered in the workers. A template problem stops
    the build (exit 1): the Markdown is what every format is made from."""
    docs: dict[str, MarkdownDocument] = {}
    problems: list[Problem] = []
    jobs = [Job(b, _markdown_job, (b,)) for b in wanted]
    for job, outcome in workers.run(jobs):
        if isinstance(outcome, Done):
            docs[job.key] = outcome.value
        elif outcome.problems:
            problems += outcome.problems
        else:  # over a limit, or its worker died
            template = next(b.template for b in fb.briefings if b.id == job.key)
            problems.append(
                Problem(
                    _template_path(template, options),
                    1,
                    1,
                    "template-limit",
                    f"briefing {job.key}: {outcome.message}",
                    "simplify the template, or raise --timeout or --memory",
                )
            )
    if problems:
        raise InvalidInput(problems)
    return {b: docs[b] for b in wanted}


def _template_path(name: str, options: Options) -> str:
    """Where the template a briefing names is found: the user's folder first."""
    if options.templates is not None and (options.templates / name).is_file():
        return str(options.templates / name)
    return str(SHIPPED_TEMPLATES / name)


def _in_order(todo: list[Target]) -> list[Target]:
    """PDFs first, longest first: the slowest layouts start while the rest is rendered."""
    return sorted(todo, key=lambda t: (not FORMATS[t.fmt].paged, -t.size))


def _job(target: Target, doc: MarkdownDocument, options: Options, edition: str) -> Job:
    spec = FORMATS[target.fmt]
    render = RenderJob(
        names=target.names,
        templates=options.templates,
        page_size=PAPERS[options.paper].css_size,
        pdf_standards=tuple(PDF_VARIANTS[v].standard for v in options.pdf_variants),
        edition=edition,
    )
    args = (spec.renderer, doc, render)
    prepare = (_load_renderer, (spec.renderer,))
    if spec.paged:
        return Job(target.key, _render_job, args, "PDF layout", "PDF", prepare)
    return Job(target.key, _render_job, args, prepare=prepare)


class _Writer:
    """Skips what is current, writes what was rendered, and keeps the manifest up to date."""

    def __init__(
        self, folder: OutputFolder, options: Options, edition: str, report: Report, result: Result
    ) -> None:
        self.folder = folder
        self.options = options
        self.edition = edition
        self.report = report
        self.result = result
        self.name = manifest_name(options.shard)
        self.manifest = Manifest.read(options.out, self.name)
        if self.manifest.problems:
            log.warning(
                "%s was not as this tool writes it (%s); the outputs it named are rebuilt",
                self.name,
                "; ".join(self.manifest.problems[:5]),
            )
        if options.shard is not None and not os.path.lexists(options.out / self.name):
            # A shard's first build into a folder a full build (or a merge) made: what that
            # manifest records is as good a witness of what is current.
            self.manifest.outputs = Manifest.read(options.out).outputs

    def skip_current(self, targets: list[Target]) -> list[Target]:
        """Report the targets that are up to date; return the others."""
        self.report(BuildEvent("start", total=len(targets)))
        todo = []
        for target in targets:
            names = target.all_names(self.edition)
            if not self.options.force and self.manifest.is_current(
                self.options.out, names, target.digest
            ):
                self.result.skipped.append(target.key)
                self.report(BuildEvent("skipped", target.key, "up to date"))
            else:
                todo.append(target)
        return todo

    def finish(self, target: Target, outcome: Done | Failed) -> None:
        """Write a rendered target, or report why it failed."""
        if isinstance(outcome, Failed):
            self._fail(target, outcome.message)
            return
        for message in outcome.warnings:
            log.warning("%s: %s", target.key, message, extra={"target": target.key})
        if outcome.warnings:
            self.result.render_warnings[target.key] = list(outcome.warnings)
        if outcome.warnings and self.options.strict:
            count = len(outcome.warnings)
            self._fail(
                target,
                f"{count} renderer warning{'s' * (count != 1)} under --strict: "
                f"{outcome.warnings[0]}",
            )
            return
        files = dict(zip(target.names, outcome.value, strict=True))
        try:
            for name, data in files.items():
                self._write(target, name, data)
        except BriefingError as error:
            self._fail(target, str(error))
            return
        self.result.built.append(target.key)
        self.report(
            BuildEvent(
                "built",
                target.key,
                ", ".join(files),
                outcome.seconds,
                warnings=len(outcome.warnings),
            )
        )

    def _write(self, target: Target, name: str, data: bytes) -> None:
        record = OutputRecord(
            briefing=target.briefing,
            format=target.fmt,
            inputs=target.digest,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )
        for path in (name,) if target.site else (name, edition_name(self.edition, name)):
            self.folder.write(path, data)
            self.manifest.outputs[path] = record

    def _fail(self, target: Target, detail: str) -> None:
        self._fail_named(target.key, detail)

    def _fail_named(self, key: str, detail: str) -> None:
        self.result.failed[key] = detail
        self.report(BuildEvent("failed", key, detail))

    def write_edition_record(self, record: EditionRecord) -> None:
        """The edition's record (a site-level output: it describes the whole fact base).
        A record that cannot be written fails like a target: exit 3, the rest is kept."""
        try:
            write_record(self.folder, self.manifest, record)
        except BriefingError as error:
            name = record_name(record.date.isoformat())
            self.manifest.outputs.pop(name, None)
            self._fail_named(name, str(error))

    def write_manifest(
        self, fb: FactBase, targets: list[Target], inputs: InputState, wanted: list[str]
    ) -> None:
        """The manifest last. `inputs` is the state of the inputs as the build read them; it
        is recorded only when every target succeeded and no input changed meanwhile (a file
        saved during the build must not pass for built). Otherwise the manifest keeps the
        last full success's state: if those inputs are back, the outputs kept are right.

        A shard's manifest records none of the other shards' outputs (a full build's manifest
        may have named them), and what the full build would be, for `merge-manifests`."""
        manifest = self.manifest
        shard = self.options.shard
        if shard is not None:
            others = set(wanted) - {t.briefing for t in targets}
            site = self.options.writes_site_outputs  # else its site outputs are shard 1's
            manifest.outputs = {
                n: r
                for n, r in manifest.outputs.items()
                if r.briefing not in others and (r.briefing or site)
            }
            manifest.shard = ShardRecord(
                shard.index,
                shard.count,
                self.options.full_fingerprint(),
                _full_plan(wanted, self.options),
            )
        if not self.result.failed:
            now = _input_state(fb, self.options)
            unchanged = (now.folders, now.listing, now.files) == (
                inputs.folders,
                inputs.listing,
                inputs.files,
            )
            targets_built = tuple(t.key for t in targets)
            manifest.inputs = replace(inputs, targets=targets_built) if unchanged else None
        manifest.tool_version = __version__
        manifest.factbase_digest = factbase_digest(fb)
        data = manifest.to_bytes()
        if regular_bytes(self.options.out / self.name, follow=False) != data:  # else unchanged
            self.folder.write(self.name, data)
