"""Benchmark of `briefing`: build, rebuild, start-up, PDF cost against its peers, scaling.

Run from the repository root:

    .venv/bin/python bench/run.py               # full run, about 15 minutes
    .venv/bin/python bench/run.py --quick       # fewer repetitions, no 100-briefing build
    .venv/bin/python bench/run.py --priority    # as root: nice -10, less disturbed by others

Prints one Markdown table (figure, CPU time, target, PASS/FAIL) and writes it to
`bench/latest.md`. Every measurement works on a snapshot of `factbase/` and `seeds/` in a
temporary folder, so the repository is never written to (apart from `bench/latest.md`).

Wall times are medians of the repetitions; CPU is user + system time of the process tree.
The machine is shared: before each timed run the benchmark waits (within a budget) for a
quiet spell, measures from /proc/stat how many CPUs other processes used meanwhile (the
"others" column), and repeats a repeatable run that others disturbed.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import itertools
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from briefing.build.options import FORMATS  # the build's own table: every format it makes

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
BRIEFING = VENV_BIN / "briefing"
PYTHON = VENV_BIN / "python"
LATEST = ROOT / "bench" / "latest.md"
WITHOUT_DOCX = ("md", "html", "fragment", "pdf")  # the build before Word output (issue 14)
MIB = 1024 * 1024
QUIET_CPUS = 0.25  # other processes' load below which the machine counts as quiet
DISTURBED_CPUS = 0.3  # other processes' load above which a repeatable run is repeated
RETRIES = 2  # extra attempts at a disturbed run

T = TypeVar("T")

# Runs the CLI like the console script does, then records the peak RSS of this process and
# of its reaped children (the PDF workers) into the file named by BENCH_RSS. The main process
# uses VmHWM, not RUSAGE_SELF: Linux carries ru_maxrss across exec, so a process spawned from
# a big parent (this benchmark, with WeasyPrint loaded) would report the parent's peak.
RSS_WRAPPER = """\
import atexit, json, os, resource, sys
def _report():
    with open("/proc/self/status") as status:
        own = next(int(ln.split()[1]) for ln in status if ln.startswith("VmHWM:"))
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["BENCH_RSS"], "w") as handle:
        json.dump({"main_kib": own, "children_kib": kids}, handle)
atexit.register(_report)
sys.argv = ["briefing", *sys.argv[1:]]
from briefing.cli import main
main()
"""

# Where `briefing validate` spends its time, in a fresh process (the code on disk now).
VALIDATE_BREAKDOWN = """\
import json, sys, time
from pathlib import Path
from briefing.checks import check
from briefing.load import load_factbase
begun = time.perf_counter()
fb, problems = load_factbase(Path(sys.argv[1]))
loaded = time.perf_counter()
if fb is not None:
    check(fb)
print(json.dumps({"load": loaded - begun, "check": time.perf_counter() - loaded,
                  "codes": sorted({p.code for p in problems})}))
"""

IMPORT_WEASYPRINT = """\
import time
import briefing.build.pipeline, briefing.render.pdf
begun = time.perf_counter()
import weasyprint
print(time.perf_counter() - begun)
"""


# --------------------------------------------------------------------------- results


@dataclass
class Figure:
    """One row of the results table."""

    section: str
    name: str
    value: float | None  # seconds for times; see `unit`
    unit: str  # s, ms (stored in seconds), MiB, x (ratio), n (count), bool
    cpu: float | None = None  # seconds, user + system
    others: float | None = None  # CPUs other processes used meanwhile, on average
    target: str = ""  # as printed, e.g. "≤ 150 ms"
    passed: bool | None = None  # None: no target
    note: str = ""

    def shown_value(self) -> str:
        value = self.value
        if value is None:
            return "n/a"
        if self.unit == "ms":
            return f"{value * 1000:.0f} ms"
        if self.unit == "s":
            return f"{value:.2f} s"
        if self.unit == "MiB":
            return f"{value:.0f} MiB"
        if self.unit == "x":
            return f"{value:.2f}×"
        if self.unit == "bool":
            return "yes" if value else "no"
        return f"{value:g}"

    def verdict(self) -> str:
        return "" if self.passed is None else "PASS" if self.passed else "**FAIL**"


@dataclass
class Sample:
    """One timed run: wall and CPU seconds, and the load other processes put on the machine."""

    wall: float
    cpu: float
    others: float  # CPUs, on average over the run


@dataclass
class Proc(Sample):
    """One finished subprocess."""

    returncode: int = 0
    stdout: str = ""
    stderr: str = ""

    def built(self) -> list[str]:
        """Targets the build reported as built (`--log-format json`)."""
        return [e["target"] for e in json_events(self.stdout) if e.get("event") == "built"]

    def failed(self) -> list[str]:
        return [e["target"] for e in json_events(self.stdout) if e.get("event") == "failed"]


class Machine:
    """Other processes' CPU use, from /proc/stat, and waiting for a quiet spell."""

    def __init__(self, wait_budget: float) -> None:
        self.wait_budget = wait_budget  # seconds of waiting left for the whole run
        self.waited = 0.0
        self.repeated = 0

    @staticmethod
    def busy_seconds() -> float:
        """CPU seconds the whole machine has spent busy since boot (all CPUs)."""
        try:
            with Path("/proc/stat").open(encoding="ascii") as stat:
                fields = [int(x) for x in stat.readline().split()[1:]]
        except OSError:
            return 0.0
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    def wait_quiet(self, longest: float = 30.0) -> None:
        """Wait until other processes use under QUIET_CPUS for half a second, within budget."""
        limit = min(longest, self.wait_budget)
        begun = time.monotonic()
        while time.monotonic() - begun < limit:
            before = self.busy_seconds()
            time.sleep(0.5)
            if self.busy_seconds() - before < QUIET_CPUS * 0.5:
                break
        spent = time.monotonic() - begun
        self.wait_budget -= spent
        self.waited += spent


@dataclass
class Bench:
    """Configuration, shared intermediate results and the figures collected so far."""

    quick: bool
    work: Path  # temporary folder for everything written
    facts: Path  # snapshot of factbase/ (seeds/ beside it)
    env: dict[str, str]
    machine: Machine
    figures: list[Figure] = field(default_factory=list)
    source_changes: list[str] = field(default_factory=list)  # steps before which code changed
    briefing_ids: list[str] = field(default_factory=list)
    cold_wall: float | None = None
    cold_out: Path | None = None
    pdf_htmls: dict[str, str] = field(default_factory=dict)
    weasyprint_import: float | None = None
    warm_sum: float | None = None
    peer_sum: float | None = None
    folders: itertools.count[int] = field(default_factory=itertools.count)

    def reps(self, full: int, quick: int = 1) -> int:
        return quick if self.quick else full

    def fresh(self, name: str) -> Path:
        """A new, not yet existing folder in the work folder."""
        return self.work / f"{name}-{next(self.folders)}"

    def add(self, *figures: Figure) -> None:
        for figure in figures:
            self.figures.append(figure)
            print(f"  {figure.name}: {figure.shown_value()} {figure.verdict()}", file=sys.stderr)


class BenchError(Exception):
    """A measurement could not be made (a command failed)."""


def at_most(value: float | None, bound: float) -> bool | None:
    return None if value is None else value <= bound


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or not b else a / b


def summary(samples: Sequence[Sample]) -> dict[str, float]:
    """Median wall and CPU time, mean load of other processes: a Figure's keyword arguments."""
    return {
        "value": median([s.wall for s in samples]),
        "cpu": median([s.cpu for s in samples]),
        "others": statistics.fmean([s.others for s in samples]),
    }


# --------------------------------------------------------------------------- timing


def timed(bench: Bench, action: Callable[[], T], *, repeatable: bool = True) -> tuple[T, Sample]:
    """Run `action` in a quiet spell; wall and CPU time (this process and its children), and
    the load of other processes meanwhile. A repeatable run that others disturbed is redone."""
    attempts = 1 + (RETRIES if repeatable else 0)
    for attempt in range(attempts):
        bench.machine.wait_quiet()
        busy = Machine.busy_seconds()
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = time.process_time()
        begun = time.perf_counter()
        result = action()
        wall = time.perf_counter() - begun
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (
            time.process_time()
            - own
            + after.ru_utime
            - kids.ru_utime
            + after.ru_stime
            - kids.ru_stime
        )
        others = max(0.0, Machine.busy_seconds() - busy - cpu) / wall
        if others <= DISTURBED_CPUS or attempt == attempts - 1:
            break
        bench.machine.repeated += 1
    return result, Sample(wall, cpu, others)


def json_events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def run(
    bench: Bench,
    cmd: Sequence[str | Path],
    *,
    check: bool = True,
    env: dict[str, str] | None = None,
    repeatable: bool = True,
    timeout: float = 1800,
) -> Proc:
    """Run a command in the work folder, timed (see `timed`)."""

    def action() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(c) for c in cmd],
            cwd=bench.work,
            env=env or bench.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    done, sample = timed(bench, action, repeatable=repeatable)
    proc = Proc(sample.wall, sample.cpu, sample.others, done.returncode, done.stdout, done.stderr)
    if check and done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BenchError(f"{' '.join(map(str, cmd))} exited {done.returncode}: {tail}")
    return proc


def untimed(bench: Bench, cmd: Sequence[str | Path], env: dict[str, str] | None = None) -> int:
    """Run a command that is not measured (installing, tracing imports); its exit code."""
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=bench.work,
        env=env or bench.env,
        capture_output=True,
        check=False,
    ).returncode


def build_args(out: Path, facts: Path, *args: str) -> list[str | Path]:
    return ["build", "--out", out, "--facts", facts, "--log-format", "json", *args]


def build(
    bench: Bench, out: Path, *args: str, facts: Path | None = None, repeatable: bool = True
) -> Proc:
    """`briefing build` with JSON log lines; fails unless every target built or was skipped."""
    cmd = [BRIEFING, *build_args(out, facts or bench.facts, *args)]
    proc = run(bench, cmd, repeatable=repeatable)
    if proc.failed():
        raise BenchError(f"targets failed: {proc.failed()}")
    return proc


def build_with_rss(
    bench: Bench, out: Path, *args: str, facts: Path
) -> tuple[Proc, dict[str, float]]:
    """A build through RSS_WRAPPER: also the peak RSS (MiB) of the main process and workers."""
    rss_file = bench.work / "rss.json"
    env = {**bench.env, "BENCH_RSS": str(rss_file)}
    cmd = [PYTHON, "-c", RSS_WRAPPER, *build_args(out, facts, *args)]
    proc = run(bench, cmd, env=env, repeatable=False)  # long: measured once, disturbed or not
    if proc.failed():
        raise BenchError(f"targets failed: {proc.failed()}")
    rss = json.loads(rss_file.read_text())
    return proc, {"main": rss["main_kib"] / 1024, "worker": rss["children_kib"] / 1024}


def repeat(count: int, action: Callable[[], T]) -> list[T]:
    return [action() for _ in range(count)]


# --------------------------------------------------------------------------- fact bases


def copy_factbase(source: Path, dest: Path) -> Path:
    """Copy a fact-base folder and the seeds folder beside it; return the new fact base."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, dest / "factbase")
    shutil.copytree(source.parent / "seeds", dest / "seeds")
    return dest / "factbase"


def edit_fact_statement(factbase: Path, fact_id: str, words: str) -> None:
    """Add `words` to one fact's statement: a line folded into its `>-` block scalar."""
    path = factbase / "facts.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"\s*- id: {fact_id}\s*", line))
    at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("statement:"))
    if not lines[at].rstrip().endswith((">-", ">")):
        raise BenchError(f"statement of {fact_id} is not a folded block scalar")
    content = lines[at + 1]
    indent = content[: len(content) - len(content.lstrip())]
    lines.insert(at + 2, f"{indent}{words}\n")
    path.write_text("".join(lines), encoding="utf-8")


def scale_facts(factbase: Path, total: int) -> None:
    """Grow facts.yaml to `total` facts: copies with new ids, the same citations and quotes."""
    import yaml

    path = factbase / "facts.yaml"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    facts = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["facts"]
    grown = list(facts)
    round_ = 0
    while len(grown) < total:
        round_ += 1
        for fact in facts[: total - len(grown)]:  # deep copies: no YAML anchors on dumping
            grown.append({**copy.deepcopy(fact), "id": f"{fact['id']}-x{round_}"})
    text = yaml.dump(
        {"facts": grown}, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=4096
    )
    path.write_text(f"{header}\n{text}", encoding="utf-8")


def topic_briefings(factbase: Path) -> list[Path]:
    """Briefing files that gather no other briefing (the read-ahead does)."""
    return [
        p
        for p in sorted((factbase / "briefings").glob("*.yaml"))
        if not re.search(r"^includes:\s*\[\s*\S", p.read_text(encoding="utf-8"), re.MULTILINE)
    ]


def scale_briefings(factbase: Path, count: int) -> None:
    """Replace the briefings by `count` topic briefings: the originals, then copies."""
    originals = topic_briefings(factbase)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in originals}
    for path in (factbase / "briefings").glob("*.yaml"):
        path.unlink()
    for n in range(count):
        stem = originals[n % len(originals)].stem
        new_id = stem if n < len(originals) else f"{stem}-c{n // len(originals)}"
        text = re.sub(rf"^id: {stem}$", f"id: {new_id}", texts[stem], flags=re.MULTILINE)
        (factbase / "briefings" / f"{new_id}.yaml").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- 1-3 builds


def measure_cold_build(bench: Bench) -> None:
    """1. `briefing build --force` of every briefing in every format into a fresh folder."""
    procs = []
    for _ in range(bench.reps(3)):
        out = bench.fresh("cold")
        procs.append(build(bench, out, "--force"))  # a repeat rewrites the same new folder
        bench.cold_out = out
    built = len(procs[-1].built())
    stats = summary(procs)
    bench.cold_wall = stats["value"]
    bench.add(
        Figure(
            "build",
            "cold full build, all briefings × all formats",
            unit="s",
            **stats,
            note=f"{built} targets ({len(bench.briefing_ids)} briefings × {len(FORMATS)} "
            f"formats), fresh --out, default --jobs ({os.cpu_count()}), median of {len(procs)}",
        )
    )


def measure_docx_share(bench: Bench) -> None:
    """1b. Cold full builds with and without the Word files, interleaved: what docx adds."""
    with_docx, without = [], []
    formats = [arg for fmt in WITHOUT_DOCX for arg in ("-f", fmt)]
    for _ in range(bench.reps(5, 3)):  # interleaved, so both see the same load
        with_docx.append(build(bench, bench.fresh("cold-docx"), "--force"))
        without.append(build(bench, bench.fresh("cold-no-docx"), "--force", *formats))
    a, b = summary(with_docx), summary(without)
    wall, cpu = ratio(a["value"], b["value"]), ratio(a["cpu"], b["cpu"])
    from briefing.render.docx import render_docx
    from briefing.render.markdown import render_markdown
    from briefing.validation import load_valid

    fb, _ = load_valid(bench.facts)
    docs = [render_markdown(fb, briefing) for briefing in fb.briefings]
    render_docx(docs[0], edition=fb.settings.as_of)  # imports and the template, once
    begun = time.process_time()
    for doc in docs:
        render_docx(doc, edition=fb.settings.as_of)
    render_cpu = time.process_time() - begun
    bench.add(
        Figure(
            "docx",
            "cold full build, all formats",
            unit="s",
            **a,
            note=f"{len(with_docx[-1].built())} targets, median of {len(with_docx)}, "
            "interleaved with the build below",
        ),
        Figure(
            "docx",
            "cold full build without docx",
            unit="s",
            **b,
            note=f"{len(without[-1].built())} targets, -f "
            + " -f ".join(WITHOUT_DOCX)
            + f", median of {len(without)}",
        ),
        Figure(
            "docx",
            "cold full build / the same without docx",
            wall,
            "x",
            target="≤ 1.15",
            passed=at_most(wall, 1.15),
            note=f"wall time; CPU ratio {cpu:.2f}" if cpu else "wall time",
        ),
        Figure(
            "docx",
            "`render_docx`, in process, warm, Σ all briefings",
            render_cpu,
            "s",
            cpu=render_cpu,
            note=f"{len(docs)} briefings; CPU time of the Word renderer alone",
        ),
    )


def measure_noop_rebuild(bench: Bench) -> None:
    """2. The same build again into the same folder: everything should be skipped."""
    out = bench.cold_out
    assert out is not None
    procs = repeat(bench.reps(5, 3), lambda: build(bench, out))
    rebuilt = max(len(p.built()) for p in procs)
    stats = summary(procs)
    bench.add(
        Figure(
            "build",
            "no-op rebuild (same --out)",
            unit="ms",
            **stats,
            target="≤ 150 ms",
            passed=at_most(stats["value"], 0.150),
            note=f"median of {len(procs)}; targets rebuilt: {rebuilt}"
            + ("" if rebuilt == 0 else " (inputs changed under the benchmark?)"),
        )
    )


def markdown_by_briefing(factbase: Path) -> dict[str, str]:
    """Each briefing's Markdown file, rendered in this process (what the target digest covers)."""
    from briefing.render.markdown import render_markdown
    from briefing.validation import load_valid

    fb, _ = load_valid(factbase)
    return {b.id: render_markdown(fb, b).text for b in fb.briefings}


def pick_fact(factbase: Path) -> str:
    """A fact shown by the fewest briefings (a topic briefing and the read-ahead, typically)."""
    from briefing.render.context import document_view
    from briefing.validation import load_valid

    fb, _ = load_valid(factbase)
    shown = {b.id: {v.id for v in document_view(fb, b).all_facts} for b in fb.briefings}
    counts = {f.id: sum(f.id in ids for ids in shown.values()) for f in fb.facts}
    return min((n, i, fid) for i, (fid, n) in enumerate(counts.items()) if n > 0)[2]


def measure_edit_rebuild(bench: Bench) -> None:
    """3. Edit one fact's statement in a copy of the fact base, rebuild, count what rebuilt."""
    assert bench.cold_out is not None
    factbase = copy_factbase(bench.facts, bench.work / "edited")
    out = bench.work / "edit-out"
    shutil.copytree(bench.cold_out, out)  # a built folder; digests are path-independent
    untimed(bench, [BRIEFING, "build", "--out", out, "--facts", factbase, "-q"])  # up to date
    fact_id = pick_fact(factbase)
    procs, expected, mismatches, changed = [], 0, 0, []
    for n in range(bench.reps(3)):
        before = markdown_by_briefing(factbase)
        edit_fact_statement(factbase, fact_id, f"Benchmark edit number {n + 1}.")
        after = markdown_by_briefing(factbase)
        changed = sorted(b for b in before if before[b] != after[b])
        expected = len(changed) * len(FORMATS)
        proc = build(bench, out, facts=factbase, repeatable=False)
        procs.append(proc)
        if sorted(proc.built()) != sorted(f"{b}.{f}" for b in changed for f in FORMATS):
            mismatches += 1
    built = len(procs[-1].built())
    bench.add(
        Figure(
            "build",
            f"rebuild after editing fact `{fact_id}`",
            unit="s",
            **summary(procs),
            note=f"median of {len(procs)}; Markdown changed in {', '.join(changed)}",
        ),
        Figure(
            "build",
            "targets rebuilt after the edit",
            built,
            "n",
            target=f"= {expected} of {len(bench.briefing_ids) * len(FORMATS)}",
            passed=mismatches == 0,
            note="exactly the targets whose Markdown changed, in every repetition"
            if mismatches == 0
            else f"{mismatches} repetition(s) rebuilt another set",
        ),
    )


# --------------------------------------------------------------------------- 4 start-up


def imported_modules(bench: Bench, *args: str | Path) -> tuple[list[str], list[tuple[float, str]]]:
    """Every module `python -X importtime -m briefing ARGS` imports, and the top-level ones
    with their cumulative import time in seconds."""
    done = subprocess.run(
        [str(a) for a in (PYTHON, "-X", "importtime", "-m", "briefing", *args)],
        cwd=bench.work,
        env=bench.env,
        capture_output=True,
        text=True,
        check=False,
    )
    names, top = [], []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            names.append(match[4])
            if len(match[3]) == 1:  # one space: imported by the command itself
                top.append((int(match[2]) / 1e6, match[4]))
    return names, sorted(top, reverse=True)


def measure_startup(bench: Bench) -> None:
    """4. `briefing --help` wall time; which commands import WeasyPrint."""
    procs = repeat(bench.reps(7, 5), lambda: run(bench, [BRIEFING, "--help"]))
    stats = summary(procs)
    _, top = imported_modules(bench, "--help")
    heaviest = ", ".join(f"{name} {secs * 1000:.0f} ms" for secs, name in top[:3])
    bench.add(
        Figure(
            "start-up",
            "`briefing --help`",
            unit="ms",
            **stats,
            target="≤ 150 ms",
            passed=at_most(stats["value"], 0.150),
            note=f"median of {len(procs)}; heaviest imports (-X importtime): {heaviest}",
        )
    )
    assert bench.cold_out is not None
    commands: list[tuple[str, list[str | Path]]] = [
        ("--help", ["--help"]),
        ("validate", ["validate", "--facts", bench.facts]),
        ("no-op build", ["build", "--out", bench.cold_out, "--facts", bench.facts, "-q"]),
    ]
    untimed(bench, [BRIEFING, *commands[-1][1]])  # so the traced build is a no-op for sure
    for label, args in commands:
        names, _ = imported_modules(bench, *args)
        loaded = any(n.split(".")[0] == "weasyprint" for n in names)
        bench.add(
            Figure(
                "start-up",
                f"WeasyPrint imported by `{label}`",
                float(loaded),
                "bool",
                target="no",
                passed=not loaded,
                note=f"{len(names)} modules imported",
            )
        )


# --------------------------------------------------------------------------- 5 PDF peers


def load_pdf_htmls(bench: Bench) -> None:
    """The PDF-ready HTML of every briefing, exactly as a build hands it to a worker."""
    from briefing.render.markdown import render_markdown
    from briefing.render.pdf import pdf_html
    from briefing.validation import load_valid

    fb, _ = load_valid(bench.facts)
    bench.pdf_htmls = {b.id: pdf_html(render_markdown(fb, b)) for b in fb.briefings}


def measure_weasyprint_warm(bench: Bench) -> None:
    """5a. One WeasyPrint import (fresh process), then warm in-process renders of the HTML."""
    load_pdf_htmls(bench)
    imports = repeat(bench.reps(3, 2), lambda: run(bench, [PYTHON, "-c", IMPORT_WEASYPRINT]))
    bench.weasyprint_import = median([float(p.stdout.strip()) for p in imports])
    bench.add(
        Figure(
            "PDF",
            "`import weasyprint` (after briefing's own imports)",
            bench.weasyprint_import,
            "s",
            others=statistics.fmean([p.others for p in imports]),
            note=f"fresh process, median of {len(imports)}",
        )
    )

    from weasyprint import HTML

    from briefing.render.pdf import UA, render_pdf

    HTML(string=next(iter(bench.pdf_htmls.values()))).write_pdf()  # fonts, caches: warm up
    bare: dict[str, list[Sample]] = {doc: [] for doc in bench.pdf_htmls}
    tool: dict[str, list[Sample]] = {doc: [] for doc in bench.pdf_htmls}
    for _ in range(bench.reps(3)):  # bare and briefing's renders interleaved, document by document
        for doc, html in bench.pdf_htmls.items():
            bare[doc].append(timed(bench, lambda h=html: HTML(string=h).write_pdf())[1])
            tool[doc].append(timed(bench, lambda h=html: render_pdf(h, variants=(UA,)))[1])

    def total(samples: dict[str, list[Sample]]) -> dict[str, float]:
        per_doc = [summary(runs) for runs in samples.values()]
        return {
            "value": sum(s["value"] for s in per_doc),
            "cpu": sum(s["cpu"] for s in per_doc),
            "others": statistics.fmean(s["others"] for s in per_doc),
        }

    bare_total, tool_total = total(bare), total(tool)
    bench.warm_sum = bare_total["value"]
    per_doc = ", ".join(f"{doc} {summary(runs)['value']:.2f}" for doc, runs in bare.items())
    bench.add(
        Figure(
            "PDF",
            "bare WeasyPrint, warm: Σ `HTML(string).write_pdf()`",
            unit="s",
            **bare_total,
            note=f"in process, median of {bench.reps(3)} per document (s): {per_doc}",
        ),
        Figure(
            "PDF",
            "briefing's `render_pdf(html, ua)`, warm, Σ",
            unit="s",
            **tool_total,
            note="same HTML; PDF/UA-1 tags, confined fetcher; "
            f"{ratio(tool_total['value'], bare_total['value']):.2f}× bare",
        ),
    )


def ensure_pandoc(bench: Bench) -> str | None:
    """pandoc's path; installs the Debian package when missing and running as root."""
    found = shutil.which("pandoc")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("  pandoc missing: apt-get install -y pandoc", file=sys.stderr)
    env = {**bench.env, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "pandoc"]
    if untimed(bench, install, env) != 0:
        untimed(bench, ["apt-get", "update"], env)
        untimed(bench, install, env)
    return shutil.which("pandoc")


def measure_naive_peer(bench: Bench) -> None:
    """5b. `pandoc <id>.md -o <id>.pdf --pdf-engine=weasyprint`, one process per document."""
    pandoc = ensure_pandoc(bench)
    if pandoc is None:
        bench.add(Figure("PDF", "naive peer: pandoc + weasyprint", None, "s", note="no pandoc"))
        return
    md = bench.cold_out
    assert md is not None
    peer = bench.work / "peer"
    peer.mkdir()

    def command(doc: str) -> list[str | Path]:
        return [pandoc, md / f"{doc}.md", "-o", peer / f"{doc}.pdf", "--pdf-engine=weasyprint"]

    rounds: list[Sample] = []
    for _ in range(bench.reps(2)):
        procs = [run(bench, command(doc)) for doc in bench.briefing_ids]
        rounds.append(
            Sample(
                sum(p.wall for p in procs),
                sum(p.cpu for p in procs),
                statistics.fmean(p.others for p in procs),
            )
        )
    stats = summary(rounds)
    bench.peer_sum = stats["value"]
    bench.add(
        Figure(
            "PDF",
            "naive peer: Σ `pandoc <id>.md -o <id>.pdf --pdf-engine=weasyprint`",
            unit="s",
            **stats,
            note=f"{len(bench.briefing_ids)} processes in sequence, median of {len(rounds)}",
        )
    )


# --------------------------------------------------------------------------- 6 ratios


def peer_ratios(bench: Bench) -> None:
    """6. The cold full build against the naive peer and against bare WeasyPrint."""
    vs_peer = ratio(bench.cold_wall, bench.peer_sum)
    floor = (
        None
        if bench.weasyprint_import is None or bench.warm_sum is None
        else bench.weasyprint_import + bench.warm_sum
    )
    vs_floor = ratio(bench.cold_wall, floor)
    bench.add(
        Figure(
            "ratio",
            "cold full build / naive peer",
            vs_peer,
            "x",
            target="≤ 0.5",
            passed=at_most(vs_peer, 0.5),
            note="the build also writes Markdown, HTML and fragments",
        ),
        Figure(
            "ratio",
            "cold full build / (1 WeasyPrint import + Σ warm renders)",
            vs_floor,
            "x",
            target="≤ 1.15",
            passed=at_most(vs_floor, 1.15),
            note=f"denominator {floor:.2f} s" if floor else "",
        ),
    )


def measure_pdf_builds(bench: Bench) -> None:
    """6. PDF-only forced builds: --jobs 1 against --jobs 2, one variant against both."""
    out = bench.work / "pdf-out"
    args = {
        "j1": ("--jobs", "1"),
        "j2": ("--jobs", "2"),
        "ua": ("--pdf-variant", "ua"),
        "both": ("--pdf-variant", "ua", "--pdf-variant", "a3b"),
    }
    runs: dict[str, list[Proc]] = {key: [] for key in args}
    for _ in range(bench.reps(2)):  # interleaved, so slow spells of the machine hit both sides
        for key, extra in args.items():
            runs[key].append(build(bench, out, "--force", "-f", "pdf", *extra))
    stats = {key: summary(procs) for key, procs in runs.items()}
    wall = {key: s["value"] for key, s in stats.items()}
    cpu = {key: s["cpu"] for key, s in stats.items()}
    reps = f"median of {len(runs['j1'])}"
    jobs, variants = ratio(wall["j2"], wall["j1"]), ratio(wall["both"], wall["ua"])
    bench.add(
        Figure("PDF", "PDF-only forced build, --jobs 1", unit="s", **stats["j1"], note=reps),
        Figure("PDF", "PDF-only forced build, --jobs 2", unit="s", **stats["j2"], note=reps),
        Figure(
            "PDF",
            "PDF-only forced build, both variants (ua + a3b)",
            unit="s",
            **stats["both"],
            note=f"{reps}; default --jobs; the one-variant run: {wall['ua']:.2f} s",
        ),
        Figure(
            "ratio",
            "--jobs 2 / --jobs 1 (PDF-only)",
            jobs,
            "x",
            target="≤ 0.8",
            passed=at_most(jobs, 0.8),
            note=f"CPU ratio {ratio(cpu['j2'], cpu['j1']):.2f}",
        ),
        Figure(  # CPU time: on a shared machine one disturbed build would decide the verdict
            "ratio",
            "both PDF variants / one variant (PDF-only build)",
            ratio(cpu["both"], cpu["ua"]),
            "x",
            target="≤ 1.08",
            passed=at_most(ratio(cpu["both"], cpu["ua"]), 1.08),
            note=f"CPU time; wall ratio {variants or 0:.2f}; the PDF/A-3b file is made from the "
            "PDF/UA-1 bytes (briefing/render/pdfa.py)",
        ),
    )


def measure_pdf_variants(bench: Bench) -> None:
    """7. The PDF step alone, in process: layout, PDF/UA-1 write, PDF/A-3b from its bytes."""
    from briefing.render.pdf import UA, _layout, _srgb_profile, _write
    from briefing.render.pdfa import pdfa_from_ua

    if not bench.pdf_htmls:
        load_pdf_htmls(bench)
    icc = _srgb_profile()
    warm = _layout(next(iter(bench.pdf_htmls.values())))  # imports, fonts, caches
    pdfa_from_ua(_write(warm, UA, b"0" * 32), icc)
    parts: dict[str, list[Sample]] = {"layout": [], "ua": [], "pdfa": []}
    for _ in range(bench.reps(3)):  # each part timed on its own, document by document
        for doc_id, html in bench.pdf_htmls.items():
            pdf_id = doc_id.encode().ljust(32, b"0")[:32]
            document, sample = timed(bench, lambda h=html: _layout(h))
            parts["layout"].append(sample)
            ua, sample = timed(bench, lambda d=document, i=pdf_id: _write(d, UA, i))
            parts["ua"].append(sample)
            parts["pdfa"].append(timed(bench, lambda u=ua: pdfa_from_ua(u, icc))[1])
    rounds = bench.reps(3)
    cpu = {key: sum(s.cpu for s in samples) / rounds for key, samples in parts.items()}
    wall = {key: sum(s.wall for s in samples) / rounds for key, samples in parts.items()}
    one, both = cpu["layout"] + cpu["ua"], cpu["layout"] + cpu["ua"] + cpu["pdfa"]
    others = statistics.fmean(s.others for samples in parts.values() for s in samples)
    bench.add(
        Figure(
            "PDF",
            "PDF step, one variant: layout + PDF/UA-1 write, Σ briefings",
            wall["layout"] + wall["ua"],
            "s",
            cpu=one,
            others=others,
            note=f"layout {cpu['layout']:.2f} s + write {cpu['ua']:.2f} s CPU; "
            f"mean of {rounds} round(s)",
        ),
        Figure(
            "PDF",
            "  PDF/A-3b from the PDF/UA-1 bytes, Σ briefings",
            wall["pdfa"],
            "s",
            cpu=cpu["pdfa"],
            others=others,
            note="briefing/render/pdfa.py (pikepdf); bench/pdfa.py compares the other ways",
        ),
        Figure(
            "ratio",
            "both PDF variants / one variant (PDF step alone)",
            ratio(both, one),
            "x",
            target="≤ 1.08",
            passed=at_most(ratio(both, one), 1.08),
            note=f"CPU time; wall ratio {sum(wall.values()) / (wall['layout'] + wall['ua']):.3f}",
        ),
    )


# --------------------------------------------------------------------------- 8 scaling


def measure_validate_scaling(bench: Bench) -> None:
    """8a. `briefing validate` on fact bases with ×10, ×100 and 10,000 facts."""
    base = len(re.findall(r"^  - id: ", (bench.facts / "facts.yaml").read_text(), re.MULTILINE))
    sizes = [("shipped", base), ("×10", base * 10), ("×100", base * 100), ("", 10_000)]
    uncached = {**bench.env, "BRIEFING_CACHE": "off"}  # an edited facts.yaml misses the cache
    for label, total in sizes:
        factbase = copy_factbase(bench.facts, bench.work / f"facts-{total}")
        if total != base:
            scale_facts(factbase, total)
        size = (factbase / "facts.yaml").stat().st_size
        command = [BRIEFING, "validate", "--facts", factbase]
        procs = repeat(bench.reps(3), lambda c=command: run(bench, c, check=False, env=uncached))
        stats = summary(procs)
        valid = procs[0].returncode == 0
        result = procs[0].stderr.strip().splitlines()[-1] if procs[0].stderr.strip() else ""
        target = total == 10_000
        bench.add(
            Figure(
                "scaling",
                f"validate, {total:,} facts {f'({label})' if label else ''}".strip(),
                unit="s",
                **stats,
                target="≤ 1 s, valid" if target else "",
                passed=(valid and stats["value"] <= 1.0) if target else None,
                note=f"facts.yaml {size / MIB:.1f} MiB; parse cache off; exit "
                f"{procs[0].returncode}: {result[:90]}; median of {len(procs)}",
            )
        )
        if target:
            untimed(bench, command)  # fills the parse cache (BRIEFING_CACHE in bench.env)
            warm = repeat(bench.reps(3), lambda c=command: run(bench, c, check=False))
            bench.add(
                Figure(
                    "scaling",
                    f"validate, {total:,} facts, parse cache warm",
                    unit="s",
                    **summary(warm),
                    note="same files again: what an unchanged facts.yaml costs; "
                    f"median of {len(warm)}",
                )
            )
            validate_breakdown(bench, factbase, uncached)


def measure_validate_linear(bench: Bench) -> None:
    """8c. `briefing validate`, parse cache off, on 10,000 and 100,000 synthetic facts."""
    from synthetic import grow_facts  # bench/synthetic.py: real quotes, many facts per source

    sizes = (1_000, 10_000) if bench.quick else (10_000, 100_000)
    uncached = {**bench.env, "BRIEFING_CACHE": "off"}
    stats: dict[int, dict[str, float]] = {}
    for total in sizes:
        factbase = copy_factbase(bench.facts, bench.work / f"synthetic-{total}")
        size = grow_facts(factbase, total)
        command = [BRIEFING, "validate", "--facts", factbase]
        procs = repeat(bench.reps(2), lambda c=command: run(bench, c, check=False, env=uncached))
        stats[total] = summary(procs)
        result = (procs[0].stderr.strip().splitlines() or [""])[-1]
        bench.add(
            Figure(
                "scaling",
                f"validate, {total:,} synthetic facts, cache off",
                unit="s",
                **stats[total],
                note=f"facts.yaml {size / MIB:.1f} MiB, bench/synthetic.py; exit "
                f"{procs[0].returncode}: {result[:90]}; median of {len(procs)}",
            )
        )
    small, big = sizes
    growth = ratio(stats[big]["cpu"], stats[small]["cpu"])
    bench.add(
        Figure(
            "scaling",
            f"linear in facts: validate {big:,} / {small:,} facts",
            growth,
            "x",
            target="≤ 10",
            passed=at_most(growth, 10),
            note=f"CPU time; wall ratio {ratio(stats[big]['value'], stats[small]['value']):.2f}",
        )
    )


def validate_breakdown(bench: Bench, factbase: Path, env: dict[str, str]) -> None:
    """Where validation time goes: reading + schema, then the checks (fresh process)."""
    proc = run(bench, [PYTHON, "-c", VALIDATE_BREAKDOWN, factbase], env=env)
    parts = json.loads(proc.stdout)
    bench.add(
        Figure(
            "scaling",
            "  of which load (YAML + schema), cache off",
            parts["load"],
            "s",
            others=proc.others,
            note=f"problems while loading: {', '.join(parts['codes']) or 'none'}",
        ),
        Figure(
            "scaling",
            "  of which checks (ids, refs, quotes, coverage)",
            parts["check"],
            "s",
            others=proc.others,
        ),
    )


def measure_build_scaling(bench: Bench) -> None:
    """8b. Cold full builds of 4, 20 and 100 topic briefings; peak memory; no-op rebuild."""
    counts = [4, 20] if bench.quick else [4, 20, 100]
    points: list[tuple[int, Proc]] = []
    for count in counts:
        factbase = copy_factbase(bench.facts, bench.work / f"briefings-{count}")
        scale_briefings(factbase, count)
        out = bench.work / f"briefings-{count}-out"
        proc, rss = build_with_rss(bench, out, "--force", facts=factbase)
        noop = build(bench, out, facts=factbase)
        points.append((count, proc))
        bench.add(
            Figure(
                "scaling",
                f"cold full build, {count} briefings",
                unit="s",
                **summary([proc]),
                note=f"{proc.wall / count:.2f} s, {proc.cpu / count:.2f} s CPU per briefing; "
                f"{len(proc.built())} targets; no-op rebuild {noop.wall * 1000:.0f} ms",
            ),
            Figure("scaling", f"  peak RSS, main process ({count} briefings)", rss["main"], "MiB"),
            Figure(
                "scaling",
                f"  peak RSS, a PDF worker ({count} briefings)",
                rss["worker"],
                "MiB",
                target="≤ 150 MiB",
                passed=at_most(rss["worker"], 150),
                note="largest child: ru_maxrss of RUSAGE_CHILDREN, pages shared at fork included",
            ),
        )
    # CPU time, not wall time: one disturbed build would otherwise decide the verdict.
    pairs = list(itertools.pairwise(points))
    slopes = [(b.cpu - a.cpu) / (n2 - n1) for (n1, a), (n2, b) in pairs]
    shown = ", ".join(
        f"{n1}→{n2}: {slope:.2f} s" for ((n1, _), (n2, _)), slope in zip(pairs, slopes, strict=True)
    )
    growth = ratio(slopes[-1], slopes[0]) if len(slopes) > 1 else None
    bench.add(
        Figure(
            "scaling",
            "linear in briefings: last / first marginal CPU s per briefing",
            growth,
            "x",
            target="≤ 1.3" if growth is not None else "",
            passed=at_most(growth, 1.3),
            note=f"marginal CPU per briefing {shown}",
        )
    )


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children, their children, ...), from /proc."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            kids = [
                int(k)
                for task in Path(f"/proc/{parent}/task").iterdir()
                for k in (task / "children").read_text().split()
            ]
        except OSError:
            kids = []
        found += kids
        todo += kids
    return found


def peak_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM:")), 0)


def build_with_sampled_rss(
    bench: Bench, out: Path, *args: str, facts: Path
) -> tuple[int, float, float, float]:
    """A build whose processes' peak RSS (VmHWM) is sampled from /proc as it runs: (exit
    code, seconds, main MiB, largest other process MiB). Not getrusage: a process that the
    build forks and that then execs (the fork server, the resource tracker) inherits the
    build's peak in ru_maxrss, though it never used that memory."""
    cmd = [str(c) for c in (BRIEFING, *build_args(out, facts, *args))]
    begun = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=bench.work, env=bench.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    main = others = 0
    while proc.poll() is None:
        main = max(main, peak_kib(proc.pid))
        others = max([others, *(peak_kib(p) for p in descendants(proc.pid))])
        time.sleep(0.25)  # a worker's last quarter second of growth may be missed
    return proc.returncode, time.perf_counter() - begun, main / 1024, others / 1024


def measure_worker_memory(bench: Bench) -> None:
    """8c. Peak RSS of a render worker building the PDFs of 100, 300 and 1,000 briefings."""
    counts = [100] if bench.quick else [100, 300, 1000]
    for count in counts:
        factbase = copy_factbase(bench.facts, bench.work / f"memory-{count}")
        scale_briefings(factbase, count)
        out = bench.work / f"memory-{count}-out"
        code, seconds, main, worker = build_with_sampled_rss(
            bench, out, "--force", "-f", "pdf", facts=factbase
        )
        shutil.rmtree(out, ignore_errors=True)  # 1,000 PDFs and their edition copies
        if code != 0:
            raise BenchError(f"the {count}-briefing build exited {code}")
        bench.add(
            Figure(
                "memory",
                f"peak RSS, a render worker ({count} briefings, PDF)",
                worker,
                "MiB",
                target="≤ 150 MiB",
                passed=at_most(worker, 150),
                note=f"{count} PDFs in {seconds:.0f} s, default --jobs; VmHWM of the largest "
                f"process the build started, sampled from /proc; main process {main:.0f} MiB",
            )
        )


# --------------------------------------------------------------------------- report


def table(figures: list[Figure]) -> str:
    rows = [
        "| section | measurement | value | CPU | others | target | result | notes |",
        "| --- | --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for f in figures:
        cpu = f"{f.cpu:.2f} s" if f.cpu is not None else ""
        others = f"{f.others:.2f}" if f.others is not None else ""
        note = f.note.replace("|", "\\|")
        rows.append(
            f"| {f.section} | {f.name} | {f.shown_value()} | {cpu} | {others} | {f.target} | "
            f"{f.verdict()} | {note} |"
        )
    return "\n".join(rows)


def git_state() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", "briefing", "factbase", "templates", "seeds")
    return git("rev-parse", "--short", "HEAD") + (" (working tree modified)" if changed else "")


def versions() -> str:
    parts = [f"Python {platform.python_version()}"]
    try:
        import weasyprint

        parts.append(f"WeasyPrint {weasyprint.__version__}")
    except ImportError:
        pass
    pandoc = shutil.which("pandoc")
    if pandoc:
        done = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=False)
        parts.append(done.stdout.splitlines()[0] if done.stdout else "pandoc")
    return ", ".join(parts)


def report(bench: Bench, commit: str, load_start: float, seconds: float) -> str:
    failing = [f.name for f in bench.figures if f.passed is False]
    end_commit = git_state()
    commits = commit if end_commit == commit else f"{commit} at start, {end_commit} at end"
    lines = [
        "# briefing benchmark",
        "",
        f"- run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: "
        f"{'quick' if bench.quick else 'full'} mode, {seconds / 60:.1f} min in all, "
        f"nice {os.getpriority(os.PRIO_PROCESS, 0)}; commit {commits}",
        f"- {versions()}; {os.cpu_count()} CPUs, {platform.platform()}",
        f"- shared machine: load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at "
        f"end; {bench.machine.waited:.0f} s spent waiting for quiet spells, "
        f"{bench.machine.repeated} disturbed run(s) repeated",
        "- briefing/ or templates/ changed during the run, before step(s) "
        + ", ".join(bench.source_changes)
        + ": figures on either side measure different code"
        if bench.source_changes
        else "- briefing/ and templates/ unchanged during the run",
        "- value: median wall time of the stated repetitions (fact base copied to a temporary "
        "folder); CPU: user + system of the process tree; others: CPUs that other processes "
        "used meanwhile, on average (0 is a quiet machine, 2 a saturated one)",
        "",
        table(bench.figures),
        "",
        f"**{len(failing)} target(s) failing**" + (": " + "; ".join(failing) if failing else ""),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def source_digest() -> str:
    """Digest of the tool's code and shipped templates: a build digests these too, so a
    change during the run (a shared work tree) invalidates what was built before it."""
    sha = hashlib.sha256()
    for folder in (ROOT / "briefing", ROOT / "templates"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                sha.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return sha.hexdigest()


def snapshot(work: Path) -> Path:
    """Copy the shipped fact base (and seeds) out of the repository, and check it is valid."""
    from briefing.validation import load_valid

    factbase = copy_factbase(ROOT / "factbase", work / "shipped")
    load_valid(factbase)
    return factbase


STEPS: list[Callable[[Bench], None]] = [
    measure_cold_build,
    measure_docx_share,
    measure_noop_rebuild,
    measure_edit_rebuild,
    measure_startup,
    measure_weasyprint_warm,
    measure_naive_peer,
    peer_ratios,
    measure_pdf_builds,
    measure_pdf_variants,
    measure_validate_scaling,
    measure_validate_linear,
    measure_build_scaling,
    measure_worker_memory,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller scaling")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--priority",
        action="store_true",
        help="run at nice -10 (root only), so other load on a shared machine disturbs less",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=600,
        metavar="SECONDS",
        help="longest time, in all, to wait for quiet spells (default 600; 0: never wait)",
    )
    parser.add_argument(
        "--only",
        metavar="STEPS",
        help="comma-separated step names, e.g. measure_cold_build,measure_docx_share; "
        "prints the table without writing bench/latest.md",
    )
    args = parser.parse_args(argv)
    steps = STEPS
    if args.only:
        wanted = args.only.split(",")
        unknown = sorted(set(wanted) - {s.__name__ for s in STEPS})
        if unknown:
            parser.error(f"unknown step {', '.join(unknown)}")
        steps = [s for s in STEPS if s.__name__ in wanted]
    if not PYTHON.exists():
        print("no .venv: run `make build` first", file=sys.stderr)
        return 2
    if args.priority:
        os.setpriority(os.PRIO_PROCESS, 0, -10)  # inherited by every command it runs

    load_start, commit = os.getloadavg()[0], git_state()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "BRIEFING_CACHE": str(work / "cache"),  # a parse cache of its own, thrown away after
    }
    bench = Bench(args.quick, work, snapshot(work), env, Machine(args.wait))
    bench.briefing_ids = sorted(p.stem for p in (bench.facts / "briefings").glob("*.yaml"))
    try:
        source = source_digest()
        for number, step in enumerate(steps, start=1):
            title = (step.__doc__ or "").splitlines()[0]
            print(f"[{number}/{len(steps)}] {title}", file=sys.stderr)
            if source_digest() != source:
                source, title = source_digest(), title.split(" ", 1)[0].rstrip(".")
                bench.source_changes.append(title)
            try:
                step(bench)
            except (BenchError, subprocess.TimeoutExpired, OSError, AssertionError) as error:
                traceback.print_exc()
                bench.add(Figure("error", step.__name__, None, "s", passed=False, note=str(error)))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = report(bench, commit, load_start, time.perf_counter() - started)
    if not args.only:
        LATEST.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
