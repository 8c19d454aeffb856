"""The `briefing` command line: parse options, call the stages, turn errors into exit codes.

Heavy modules are imported inside the commands that need them so `--help` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from briefing import __version__
from briefing.build.options import (
    DEFAULT_PAPER,
    DEFAULT_PDF_VARIANT,
    FORMATS,
    PAPERS,
    PDF_VARIANTS,
    default_jobs,
)
from briefing.errors import BriefingError, InvalidInput, Problem, UsageError

EXIT_CODES = (
    "Exit codes: 0 done (built, or already up to date); 1 the fact base (or a Markdown "
    "template) is invalid, nothing written; 2 usage or environment error: a bad option, or an "
    "output folder that cannot be created, written or locked, nothing attempted; 3 some "
    "targets failed, the others built, failed ones keep their previous output; 4 another "
    "build holds the output folder's lock; 130 interrupted."
)

app = typer.Typer(
    name="briefing",
    help="Structured policy briefings from a verified, source-graded YAML fact base.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def default_factbase() -> Path:
    """`./factbase`: the tool needs no fact base of its own."""
    return Path("factbase")


FactsOption = Annotated[
    Path | None,
    typer.Option(
        "--facts",
        help="Fact-base folder, e.g. --facts factbase/. Default: ./factbase.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefing {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Structured policy briefings from a verified, source-graded YAML fact base."""


def _print_problems(problems: list[Problem], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([p.as_json() for p in problems], indent=2, ensure_ascii=False))
        return
    for problem in problems:
        typer.echo(str(problem), err=True)


def _fail(error: BriefingError) -> typer.Exit:
    if isinstance(error, InvalidInput):
        _print_problems(error.problems, as_json=False)
    typer.echo(f"briefing: {error}", err=True)
    return typer.Exit(error.exit_code)


def _load(facts: Path | None) -> Any:
    from briefing.validation import load_valid

    try:
        fb, _ = load_valid(facts or default_factbase())
    except BriefingError as error:
        raise _fail(error) from None
    return fb


@app.command(name="validate")
def validate_factbase(
    facts: FactsOption = None,
    as_json: JsonOption = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Check the fact base: schema, ids, references, quotes, source files, coverage.

    Prints every problem as file:line:col, e.g. `briefing validate --facts factbase/`.
    Exit 0 when valid, 1 when not.
    """
    from briefing.validation import gather

    fb, problems = gather(facts or default_factbase())
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    _print_problems(problems, as_json)
    if not as_json:
        summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        if fb is not None:
            summary += f" in {len(fb.facts)} facts, {len(fb.sources)} sources"
        typer.echo(summary, err=True)
    if errors or (strict and warnings):
        raise typer.Exit(1)


@app.command()
def sources(facts: FactsOption = None, as_json: JsonOption = False) -> None:
    """The source register: grade, timing, facts citing each source, coverage.

    Example: `briefing sources --json | jq '.[].coverage'`.
    """
    from briefing.views import source_rows

    rows = source_rows(_load(facts))
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Source register")
    for column in ("id", "file", "timing", "date", "grade", "AI", "facts", "coverage"):
        table.add_column(column, justify="right" if column in ("facts", "coverage") else "left")
    for row in rows:
        table.add_row(
            row["id"],
            row["file"],
            row["timing"],
            row["date"] or "not stated",
            row["reliability"],
            "yes" if row["ai_generated"] else "",
            str(row["facts"]),
            f"{row['sentences_cited']}/{row['sentences']} ({row['coverage']:.0%})",
        )
    Console(width=120).print(table)


@app.command(name="facts")
def list_facts(
    facts: FactsOption = None,
    topic: Annotated[
        str | None,
        typer.Option("--topic", help="Only facts of this topic, e.g. --topic background."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List facts; `--json` prints the resolved fact base for downstream tools."""
    from briefing.views import resolved_facts

    fb = _load(facts)
    if topic and topic not in {t.id for t in fb.settings.topics}:
        known = ", ".join(t.id for t in fb.settings.topics)
        typer.echo(f"briefing: unknown topic {topic!r}; known topics: {known}", err=True)
        raise typer.Exit(2)
    rows = resolved_facts(fb, topic)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        cited = ", ".join(c["source"] for c in row["citations"])
        typer.echo(f"{row['id']}  [{row['kind']}, {row['credibility']}; {cited}]")
        typer.echo(f"    {row['statement']}")


@app.command()
def schema(
    kind: Annotated[
        str,
        typer.Argument(
            help="File kind: settings, sources, entities, facts, discrepancies or briefing; "
            "or an output: diff (briefing diff --json) or briefing-output (out/<id>.json)."
        ),
    ] = "facts",
    write: Annotated[
        Path | None,
        typer.Option(
            "--write", help="Write every kind's schema into this folder, e.g. --write schema/."
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of a fact-base file, for editors (yaml-language-server), or of
    an output: `diff` (`briefing diff --json`), `briefing-output` (`out/<id>.json`)."""
    from briefing.schema import ALL_KINDS, WRITTEN_KINDS, file_name, schema_text

    if write is not None:
        write.mkdir(parents=True, exist_ok=True)
        for each in WRITTEN_KINDS:
            (write / file_name(each)).write_text(schema_text(each), encoding="utf-8")
        typer.echo(f"wrote {len(WRITTEN_KINDS)} schemas to {write}", err=True)
        return
    if kind not in ALL_KINDS:
        typer.echo(f"briefing: unknown kind {kind!r}; choose from {', '.join(ALL_KINDS)}", err=True)
        raise typer.Exit(2)
    typer.echo(schema_text(kind), nl=False)


def _one_of(table: Iterable[str]) -> Callable[[str], str]:
    """A parser accepting only the names in `table` (the build's own tables of choices)."""

    def parse(value: str) -> str:
        if value not in table:
            known = ", ".join(map(repr, table))
            raise typer.BadParameter(f"{value!r} is not one of {known}.")
        return value

    return parse


def _metavar(table: Iterable[str]) -> str:
    return "[" + "|".join(table) + "]"


FormatsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        parser=_one_of(FORMATS),
        metavar=_metavar(FORMATS),
        show_default=False,
        help="Output format, repeatable, e.g. -f pdf -f md. Default: all. "
        + "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())
        + ".",
    ),
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder, e.g. --out site/.")]
TemplatesOption = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        show_default=False,
        help="Your templates folder, searched before the shipped one, "
        "e.g. --templates mytemplates/.",
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        show_default=False,
        help="Worker processes for templates and PDFs, e.g. -j 2. Default: CPUs.",
    ),
]


@app.command(epilog=EXIT_CODES)
def build(
    briefings: Annotated[
        list[str] | None,
        typer.Argument(
            help="Briefing ids to build, e.g. `briefing build read-ahead`. Default: all.",
            show_default=False,
        ),
    ] = None,
    formats: FormatsOption = None,
    out: OutOption = Path("out"),
    facts: FactsOption = None,
    templates: TemplatesOption = None,
    marking: Annotated[
        str | None,
        typer.Option(
            "--marking",
            help="Override the handling marking, e.g. --marking "
            "'UNCLASSIFIED//FOR OFFICIAL USE ONLY|TLP:AMBER'.",
            show_default=False,
        ),
    ] = None,
    paper: Annotated[
        str,
        typer.Option(
            "--paper",
            parser=_one_of(PAPERS),
            metavar=_metavar(PAPERS),
            help="PDF paper size, e.g. --paper letter. "
            + "; ".join(f"{p.name}: {p.description}" for p in PAPERS.values())
            + ".",
        ),
    ] = DEFAULT_PAPER,
    pdf_variants: Annotated[
        list[str] | None,
        typer.Option(
            "--pdf-variant",
            parser=_one_of(PDF_VARIANTS),
            metavar=_metavar(PDF_VARIANTS),
            help="; ".join(f"{v.name}: {v.description}" for v in PDF_VARIANTS.values())
            + ". Repeatable; all come from one layout. Default: "
            + DEFAULT_PDF_VARIANT
            + ".",
            show_default=False,
        ),
    ] = None,
    jobs: JobsOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even what is up to date.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Warnings fail: the fact base's (exit 1), a renderer's (its target)."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures.")] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Print timings and the renderers' warnings too."),
    ] = False,
    log_format: Annotated[
        str,
        typer.Option(
            "--log-format",
            parser=_one_of(("text", "json")),
            metavar=_metavar(("text", "json")),
            help="text: a progress bar on a terminal, one line per target "
            "elsewhere; json: one JSON object per event, e.g. --log-format json.",
        ),
    ] = "text",
    edition: Annotated[
        str | None,
        typer.Option(
            "--edition",
            help="Edition date; a copy goes to out/editions/DATE/, e.g. "
            "--edition 2025-03-14. Default: the fact base's as-of date.",
            show_default=False,
        ),
    ] = None,
    wait_lock: Annotated[
        float,
        typer.Option(
            "--wait-lock",
            min=0,
            help="Seconds to wait for another build's lock, e.g. --wait-lock 60; then exit 4.",
        ),
    ] = 0.0,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=1,
            help="Seconds one target's templates or PDF layout may take before it fails, "
            "e.g. --timeout 120.",
        ),
    ] = 300.0,
    memory: Annotated[
        int,
        typer.Option(
            "--memory",
            min=64,
            help="MiB of address space one worker (templates, PDF layout) may add to what it "
            "starts with before its target fails, e.g. --memory 2048.",
        ),
    ] = 1024,
    worker_tasks: Annotated[
        int,
        typer.Option(
            "--worker-tasks",
            min=1,
            help="Targets a render worker handles before a fresh one replaces it, which "
            "bounds its memory in large builds, e.g. --worker-tasks 20.",
        ),
    ] = 40,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="K/N|auto",
            help="Build only shard K of N (1-based), e.g. --shard 2/4; auto: a Kubernetes "
            "indexed Job's JOB_COMPLETION_INDEX (0-based) and JOB_COMPLETION_COUNT. The shard "
            "writes manifest.shard-K-of-N.json; see docs/scaling.md and `merge-manifests`.",
            show_default=False,
        ),
    ] = None,
    site_url: Annotated[
        str | None,
        typer.Option(
            "--site-url",
            help="Where the output folder is served, e.g. https://intranet.example/briefings/: "
            "the feed and the catalogue fragment then link absolutely (else relatively).",
        ),
    ] = None,
) -> None:
    """Render briefings to Markdown, HTML, fragment, PDF, Word (docx) and JSON in the output
    folder, with the catalogue (index.html) and the Atom feed (feed.xml) of every briefing."""
    from briefing import build as builder
    from briefing.build.options import parse_shard
    from briefing.progress import Reporter

    try:
        options = builder.Options(
            shard=parse_shard(shard) if shard is not None else None,
            worker_tasks=worker_tasks,
            factbase=facts or default_factbase(),
            out=out,
            briefings=tuple(briefings or ()),
            formats=tuple(formats or FORMATS),
            templates=templates,
            marking=marking,
            paper=paper,
            pdf_variants=tuple(pdf_variants or (DEFAULT_PDF_VARIANT,)),
            jobs=jobs or default_jobs(),
            force=force,
            strict=strict,
            edition=edition,
            wait_lock=wait_lock,
            timeout=timeout,
            memory_mib=memory,
            site_url=site_url,
        )
        with Reporter("json" if log_format == "json" else "text", verbosity(quiet, verbose)) as r:
            result = builder.run(options, r)
    except BriefingError as error:
        raise _fail(error) from None
    if not quiet:
        for warning in result.warnings:
            typer.echo(str(warning), err=True)
    raise typer.Exit(result.exit_code)


@app.command(
    name="merge-manifests",
    epilog="Exit codes: 0 merged; 2 refused, or a folder that cannot be used, manifest.json "
    "not written; 4 a build holds the lock on --into.",
)
def merge_manifests(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Folders the shards wrote into (their manifest.shard-K-of-N.json), or the "
            "shard manifests themselves, e.g. `briefing merge-manifests shard-1 shard-2`.",
            show_default=False,
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into",
            help="Folder holding (or to receive) every shard's files; gets manifest.json, "
            "e.g. --into out/.",
        ),
    ] = Path("out"),
    wait_lock: Annotated[
        float,
        typer.Option("--wait-lock", min=0, help="Seconds to wait for a build's lock; then exit 4."),
    ] = 0.0,
) -> None:
    """Merge the shards' manifests into one that the next full build finds up to date.

    Every file a shard recorded is checked against its sha256; files found only in a
    shard's own folder are copied into --into. Refuses (exit 2), writing nothing, shards of
    another tool version, fact base or options, a missing or doubled shard, and overlapping
    files that differ.
    """
    from briefing.build.merge import merge

    try:
        merged = merge(list(sources), into, wait_lock)
    except BriefingError as error:
        raise _fail(error) from None
    state = (
        "the next full build with the same options is a no-op"
        if merged.complete
        else ("a shard had failed targets: the next full build rebuilds them")
    )
    typer.echo(
        f"merged {merged.shards} shard manifests: {merged.outputs} files, {merged.copied} "
        f"copied into {into}; wrote {into / 'manifest.json'} ({state})",
        err=True,
    )


def verbosity(quiet: bool, verbose: bool) -> int:
    """0 quiet, 1 normal, 2 verbose."""
    return 0 if quiet else 2 if verbose else 1


@app.command()
def watch(
    formats: FormatsOption = None,
    out: OutOption = Path("out"),
    facts: FactsOption = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
) -> None:
    """Rebuild what changed whenever a fact, source or template is saved (Ctrl-C stops)."""
    from briefing.build import Options
    from briefing.progress import Reporter
    from briefing.watch import watch as run_watch

    try:
        options = Options(
            factbase=facts or default_factbase(),
            out=out,
            formats=tuple(formats or FORMATS),
            templates=templates,
            jobs=jobs or default_jobs(),
        )
    except BriefingError as error:
        raise _fail(error) from None

    def on_problems(problems: list[Problem], message: str) -> None:
        _print_problems(problems, as_json=False)
        typer.echo(f"briefing: {message}", err=True)

    typer.echo(f"watching {options.factbase} and the templates; Ctrl-C stops", err=True)
    try:
        with Reporter("text", 2) as reporter:
            run_watch(options, reporter, on_problems)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@app.command(name="diff")
def diff_editions(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="The older edition, by number or date, e.g. --since 2 or --since 2024-07-28. "
            "Default: the one before --to.",
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="The newer edition, by number or date, or `working`: the fact base as it "
            "stands, before it is built. Default: the newest recorded edition.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Output folder holding editions/, e.g. --out site/."),
    ] = Path("out"),
    facts: FactsOption = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print JSON (its schema: `briefing schema diff`)."),
    ] = False,
) -> None:
    """What changed in the whole fact base between two editions (default: the last two).

    Compares the records builds keep in out/editions/DATE/record.json: facts added,
    reworded and retired, figures changed, key judgments whose likelihood or confidence
    changed, disagreements opened or resolved, sources added. Exit 0; 1 when --to working
    finds the fact base invalid; 2 when no edition is recorded or one named is unknown.
    """
    from briefing.build.editions import diff, read_records
    from briefing.errors import printable

    recorded = read_records(out)
    for problem in recorded.problems:
        typer.echo(f"briefing: warning: {printable(problem)}", err=True)
    try:
        found = diff(recorded, since, to, facts or default_factbase())
    except BriefingError as error:
        raise _fail(error) from None
    if as_json:
        typer.echo(json.dumps(found.as_json(), indent=2, ensure_ascii=False, sort_keys=True))
        return
    typer.echo(printable(f"{found.title()}: {found.headline()}"))
    for line in found.lines():
        typer.echo(printable(line))


@app.command(name="list")
def list_briefings(
    facts: FactsOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder the paths are in, e.g. --out site/.")
    ] = Path("out"),
    as_json: JsonOption = False,
) -> None:
    """The briefings: topics, how many facts each shows, and their output paths."""
    from briefing.views import briefing_rows

    rows = briefing_rows(_load(facts), out)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        scope = ", ".join(row["topics"] + [f"+{i}" for i in row["includes"]])
        typer.echo(f"{row['id']}: {row['title']} [{scope}] — {row['facts']} facts")
        typer.echo("    " + "  ".join(row["outputs"]))


@app.command()
def new(
    briefing_id: Annotated[
        str, typer.Argument(help="Id of the new briefing, e.g. `briefing new water-supply`.")
    ],
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            help="Topic it covers, e.g. --topic water-supply. Default: the first topic; for a "
            "read-ahead, the shared context: topics with facts no included briefing covers.",
        ),
    ] = None,
    includes: Annotated[
        str | None,
        typer.Option(
            "--includes",
            help="Make a read-ahead gathering these briefings, e.g. --includes first,second.",
            show_default=False,
        ),
    ] = None,
    facts: FactsOption = None,
) -> None:
    """Scaffold factbase/briefings/ID.yaml: valid, with TODO text to replace."""
    from briefing.authoring.project import factbase_to_edit
    from briefing.scaffold import scaffold, scaffold_read_ahead

    try:
        root = factbase_to_edit(facts)
        fb = _load(root)
        if includes is not None:
            wanted = [i.strip() for i in includes.split(",") if i.strip()]
            path = scaffold_read_ahead(fb, root, briefing_id, wanted, topic)
        else:
            path = scaffold(fb, root, briefing_id, topic)
    except BriefingError as error:
        raise _fail(error) from None
    typer.echo(f"wrote {path}: replace every TODO, then run `briefing validate --strict`")


# --------------------------------------------------------------------------- authoring
# From a new article to a rebuilt briefing. Each command parses its options and calls
# briefing.authoring (see docs/authoring.md).


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="New project folder, e.g. `briefing init flood`.")],
    title: Annotated[
        str | None, typer.Option("--title", help="What the fact base covers.", show_default=False)
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="Who prepares the briefings.", show_default=False),
    ] = None,
    event_noun: Annotated[
        str,
        typer.Option(
            "--event-noun",
            help="What headings call the event: before the hearing, after the summit.",
        ),
    ] = "event",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="As-of date, YYYY-MM-DD. Default: today.", show_default=False),
    ] = None,
) -> None:
    """Start a project: factbase/ (valid, commented), schema/, seeds/ and templates/."""
    from briefing.authoring.project import init_project

    try:
        written = init_project(
            folder,
            title=title,
            organisation=organisation,
            event_noun=event_noun,
            as_of=_date_option(as_of, "--as-of"),
        )
    except BriefingError as error:
        raise _fail(error) from None
    typer.echo(
        f"created {folder}/ with {len(written)} files: factbase/, schema/, seeds/, templates/"
    )
    typer.echo(f"next: cd {folder} && briefing source add ARTICLE.txt")


def _date_option(text: str | None, name: str) -> Any:
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date; use YYYY-MM-DD", param_hint=name
        ) from None


source_app = typer.Typer(
    help="Register articles and read them sentence by sentence.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(source_app, name="source")


class TimingChoice(StrEnum):
    preview = "preview"
    report = "report"


@source_app.command("add")
def source_add(
    article: Annotated[Path, typer.Argument(help="The article, UTF-8 text, e.g. report.txt.")],
    source_id: Annotated[
        str | None,
        typer.Option("--id", help="Source id. Default: from the file name.", show_default=False),
    ] = None,
    timing: Annotated[
        TimingChoice | None,
        typer.Option(
            "--timing",
            help="preview: written before the event; report: after it. Default: read from "
            "the wording.",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="The article's date, YYYY-MM-DD.", show_default=False),
    ] = None,
    origin: Annotated[
        str | None,
        typer.Option(
            "--origin", help="Where the article comes from (outlet, feed).", show_default=False
        ),
    ] = None,
    facts: FactsOption = None,
) -> None:
    """Copy an article into the seeds folder and register it, proposing what to exclude."""
    from briefing.authoring.project import factbase_to_edit
    from briefing.authoring.register import add_source, describe_added
    from briefing.model import Timing

    try:
        added = add_source(
            factbase_to_edit(facts),
            article,
            source_id=source_id,
            timing=Timing(timing.value) if timing else None,
            date=_date_option(date, "--date"),
            origin=origin,
        )
    except BriefingError as error:
        raise _fail(error) from None
    for line in describe_added(added):
        typer.echo(line)


@source_app.command("update")
def source_update(
    source_id: Annotated[str, typer.Argument(help="The source id, e.g. s003.")],
    new_version: Annotated[
        Path | None,
        typer.Argument(help="A new version to copy over the article first.", show_default=False),
    ] = None,
    facts: FactsOption = None,
) -> None:
    """Re-register a deliberately edited article: record its sha256, list the broken quotes.

    Exit 1 when some quote no longer matches the edited text.
    """
    from briefing.authoring.project import factbase_to_edit
    from briefing.authoring.register import describe_updated, update_source

    try:
        updated = update_source(factbase_to_edit(facts), source_id, new_version)
    except BriefingError as error:
        raise _fail(error) from None
    for line in describe_updated(updated):
        typer.echo(line)
    if updated.broken:
        count = len(updated.broken)
        typer.echo(f"{count} quote{'s' * (count != 1)} no longer match the text:", err=True)
        _print_problems(updated.broken, as_json=False)
        raise typer.Exit(1)


@source_app.command("text")
def source_text(
    source_id: Annotated[str, typer.Argument(help="The source id, e.g. s003.")],
    uncited: Annotated[
        bool, typer.Option("--uncited", help="Only sentences neither cited nor excluded.")
    ] = False,
    facts: FactsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The article as numbered sentences (line:column), each with the facts citing it or the
    reason its line is excluded."""
    from briefing.authoring.sentences import source_sentences, summary, text_lines
    from briefing.validation import gather

    fb, problems = gather(facts or default_factbase())
    if fb is None:
        raise _fail(InvalidInput(problems))
    try:
        rows = source_sentences(fb, source_id)
    except BriefingError as error:
        raise _fail(error) from None
    shown = [r for r in rows if r.uncited] if uncited else rows
    if as_json:
        typer.echo(json.dumps([r.as_json() for r in shown], indent=2, ensure_ascii=False))
        return
    for line in text_lines(shown):
        typer.echo(line)
    typer.echo(summary(source_id, rows), err=True)


@app.command()
def quote(
    source_id: Annotated[str, typer.Argument(help="The source id, e.g. s003.")],
    words: Annotated[
        str, typer.Argument(help='Approximate words, e.g. "board approved the dredging".')
    ],
    facts: FactsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The verbatim passage that best matches approximate words, as a citation to paste.

    Exit 1 when no passage matches closely enough; nothing is ever made up.
    """
    from briefing.authoring.quotes import NoMatch, citation_text, quote_in
    from briefing.validation import gather

    fb, problems = gather(facts or default_factbase())
    if fb is None:
        raise _fail(InvalidInput(problems))
    try:
        found = quote_in(fb, source_id, words)
    except BriefingError as error:
        raise _fail(error) from None
    if isinstance(found, NoMatch):
        if as_json:
            typer.echo(json.dumps({"source": source_id, "matches": []}))
        typer.echo(
            f"briefing: no passage of {source_id} matches {words!r} closely enough (the "
            f"nearest, line {found.line}, is {found.score:.0f}% alike); see "
            f"`briefing source text {source_id}`",
            err=True,
        )
        raise typer.Exit(1)
    if as_json:
        matches = [{"source": source_id, **m.as_json()} for m in found]
        typer.echo(json.dumps({"source": source_id, "matches": matches}, ensure_ascii=False))
        return
    best, *others = found
    typer.echo(citation_text(source_id, best))
    typer.echo(f"line {best.line}, column {best.column} ({best.score:.0f}% alike)", err=True)
    for other in others:
        typer.echo(f"also line {other.line} ({other.score:.0f}%): {other.quote}", err=True)


@app.command()
def serve(
    facts: FactsOption = None,
    templates: TemplatesOption = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1; 0 picks one.")
    ] = 8000,
) -> None:
    """Live preview on 127.0.0.1: pages rebuild and reload after each save (Ctrl-C stops)."""
    from briefing.authoring.serve import serve as run_serve

    def ready(url: str) -> None:
        typer.echo(f"serving {url} (Ctrl-C stops)", err=True)

    def rebuilt(version: int) -> None:
        typer.echo(f"rebuilt after a change (version {version})", err=True)

    try:
        run_serve(
            facts or default_factbase(),
            port=port,
            templates=templates,
            on_ready=ready,
            on_rebuilt=rebuilt,
        )
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    except OSError as error:
        raise _fail(UsageError(f"cannot serve on 127.0.0.1:{port}: {error.strerror}")) from None


@app.command()
def draft(
    source_id: Annotated[str, typer.Argument(help="The source id, e.g. s003.")],
    facts: FactsOption = None,
) -> None:
    """Draft a fact (status: draft) for each sentence of a source that no fact cites yet."""
    from briefing.authoring.project import factbase_to_edit
    from briefing.curation.draft import describe, plan_drafts, write_plan
    from briefing.validation import gather

    folder = factbase_to_edit(facts)
    fb, problems = gather(folder)
    if fb is None:
        raise _fail(InvalidInput(problems))
    try:
        plan = plan_drafts(fb, source_id)
        write_plan(folder, plan)
    except BriefingError as error:
        raise _fail(error) from None
    for line in describe(plan):
        typer.echo(line)


@app.command()
def suggest(facts: FactsOption = None, as_json: JsonOption = False) -> None:
    """Propose discrepancies and corroborations by comparing the sources, ready to paste."""
    from briefing.curation.show import suggestion_table
    from briefing.curation.suggest import suggest as find
    from briefing.validation import gather

    fb, problems = gather(facts or default_factbase())
    if fb is None:
        raise _fail(InvalidInput(problems))
    found = find(fb)
    if as_json:
        typer.echo(json.dumps([s.as_dict() for s in found], indent=2, ensure_ascii=False))
        return
    suggestion_table(found)


def main() -> None:
    """Console entry point: no traceback ever reaches the user."""
    try:
        app()
    except BriefingError as error:
        _fail(error)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
