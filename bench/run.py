"""Benchmark of `briefing`: build, rebuild, start-up, PDF cost against its peers, scaling.

Run from the repository root:

    .venv/bin/python bench/run.py            # full run, several minutes
    .venv/bin/python bench/run.py --quick    # fewer repetitions, no 100-briefing build

Prints one Markdown table (figure, CPU time, target, PASS/FAIL) and writes it to
`bench/latest.md`. Every measurement works on a snapshot of `factbase/` and `seeds/` in a
temporary folder, so the repository is never written to (apart from `bench/latest.md`).

Wall times are medians of the repetitions; CPU is user + system time of the process tree
(`getrusage(RUSAGE_CHILDREN)` deltas), which is far less sensitive than wall time to other
load on a shared machine. The load average at start and end is recorded in the header.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
BRIEFING = VENV_BIN / "briefing"
PYTHON = VENV_BIN / "python"
LATEST = ROOT / "bench" / "latest.md"
FORMATS = ("md", "html", "fragment", "pdf")
MIB = 1024 * 1024

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

IMPORT_WEASYPRINT = """\
import time
import briefing.build, briefing.render.pdf
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
class Proc:
    """One finished subprocess."""

    wall: float
    cpu: float
    returncode: int
    stdout: str
    stderr: str

    def built(self) -> list[str]:
        """Targets the build reported as built (`--log-format json`)."""
        return [e["target"] for e in json_events(self.stdout) if e.get("event") == "built"]

    def failed(self) -> list[str]:
        return [e["target"] for e in json_events(self.stdout) if e.get("event") == "failed"]


@dataclass
class Bench:
    """Configuration, shared intermediate results and the figures collected so far."""

    quick: bool
    work: Path  # temporary folder for everything written
    facts: Path  # snapshot of factbase/ (seeds/ beside it)
    env: dict[str, str]
    figures: list[Figure] = field(default_factory=list)
    briefing_ids: list[str] = field(default_factory=list)
    cold_wall: float | None = None
    cold_out: Path | None = None
    pdf_htmls: dict[str, str] = field(default_factory=dict)
    weasyprint_import: float | None = None
    warm_sum: float | None = None
    peer_sum: float | None = None

    def reps(self, full: int, quick: int = 1) -> int:
        return quick if self.quick else full

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
    return None if a is None or not b else a / b


# --------------------------------------------------------------------------- processes


def json_events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def run(
    bench: Bench,
    cmd: Sequence[str | Path],
    *,
    check: bool = True,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
) -> Proc:
    """Run a command in the work folder; wall time and CPU time of its whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begun = time.perf_counter()
    done = subprocess.run(
        [str(c) for c in cmd],
        cwd=bench.work,
        env=env or bench.env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - begun
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    proc = Proc(wall, cpu, done.returncode, done.stdout, done.stderr)
    if check and done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BenchError(f"{' '.join(map(str, cmd))} exited {done.returncode}: {tail}")
    return proc


def build_args(out: Path, facts: Path, *args: str) -> list[str | Path]:
    return ["build", "--out", out, "--facts", facts, "--log-format", "json", *args]


def build(bench: Bench, out: Path, *args: str, facts: Path | None = None) -> Proc:
    """`briefing build` with JSON log lines; fails unless every target built or was skipped."""
    proc = run(bench, [BRIEFING, *build_args(out, facts or bench.facts, *args)])
    if proc.failed():
        raise BenchError(f"targets failed: {proc.failed()}")
    return proc


def build_with_rss(
    bench: Bench, out: Path, *args: str, facts: Path
) -> tuple[Proc, dict[str, float]]:
    """A build through RSS_WRAPPER: also the peak RSS (MiB) of the main process and workers."""
    rss_file = bench.work / "rss.json"
    env = {**bench.env, "BENCH_RSS": str(rss_file)}
    proc = run(bench, [PYTHON, "-c", RSS_WRAPPER, *build_args(out, facts, *args)], env=env)
    if proc.failed():
        raise BenchError(f"targets failed: {proc.failed()}")
    rss = json.loads(rss_file.read_text())
    return proc, {"main": rss["main_kib"] / 1024, "worker": rss["children_kib"] / 1024}


def repeat(count: int, action: Callable[[], Proc]) -> list[Proc]:
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
    for n in range(bench.reps(3)):
        out = bench.work / f"cold-{n}"
        procs.append(build(bench, out, "--force"))
        bench.cold_out = out
    built = len(procs[-1].built())
    bench.cold_wall = median([p.wall for p in procs])
    bench.add(
        Figure(
            "build",
            "cold full build, all briefings × all formats",
            bench.cold_wall,
            "s",
            cpu=median([p.cpu for p in procs]),
            note=f"{built} targets ({len(bench.briefing_ids)} briefings × {len(FORMATS)} "
            f"formats), fresh --out, median of {len(procs)}",
        )
    )


def measure_noop_rebuild(bench: Bench) -> None:
    """2. The same build again into the same folder: everything should be skipped."""
    assert bench.cold_out is not None
    procs = repeat(bench.reps(5, 3), lambda: build(bench, bench.cold_out))  # type: ignore[arg-type]
    rebuilt = max(len(p.built()) for p in procs)
    wall = median([p.wall for p in procs])
    bench.add(
        Figure(
            "build",
            "no-op rebuild (same --out)",
            wall,
            "ms",
            cpu=median([p.cpu for p in procs]),
            target="≤ 150 ms",
            passed=at_most(wall, 0.150),
            note=f"median of {len(procs)}; targets rebuilt: {rebuilt}"
            + ("" if rebuilt == 0 else " (inputs changed under the benchmark?)"),
        )
    )


def markdown_by_briefing(factbase: Path) -> dict[str, str]:
    """Each briefing's Markdown file, rendered in this process (what the target digest covers)."""
    from briefing.build import load_valid
    from briefing.render.markdown import render_markdown

    fb, _ = load_valid(factbase)
    return {b.id: render_markdown(fb, b).text for b in fb.briefings}


def pick_fact(factbase: Path) -> str:
    """A fact shown by the fewest briefings (a topic briefing and the read-ahead, typically)."""
    from briefing.build import load_valid
    from briefing.render.context import document_view

    fb, _ = load_valid(factbase)
    shown = {b.id: {v.id for v in document_view(fb, b).all_facts} for b in fb.briefings}
    counts = {f.id: sum(f.id in ids for ids in shown.values()) for f in fb.facts}
    return min((n, i, fid) for i, (fid, n) in enumerate(counts.items()) if n > 0)[2]


def measure_edit_rebuild(bench: Bench) -> None:
    """3. Edit one fact's statement in a copy of the fact base, rebuild, count what rebuilt."""
    assert bench.cold_out is not None
    factbase = copy_factbase(bench.facts, bench.work / "edited")
    out = bench.work / "edit-out"
    shutil.copytree(bench.cold_out, out)  # a built folder, digests are path-independent
    fact_id = pick_fact(factbase)
    procs, expected, mismatches = [], 0, 0
    for n in range(bench.reps(3)):
        before = markdown_by_briefing(factbase)
        edit_fact_statement(factbase, fact_id, f"Benchmark edit number {n + 1}.")
        after = markdown_by_briefing(factbase)
        changed = sorted(b for b in before if before[b] != after[b])
        expected = len(changed) * len(FORMATS)
        proc = build(bench, out, facts=factbase)
        procs.append(proc)
        if sorted(proc.built()) != sorted(f"{b}.{f}" for b in changed for f in FORMATS):
            mismatches += 1
    wall = median([p.wall for p in procs])
    built = len(procs[-1].built())
    bench.add(
        Figure(
            "build",
            f"rebuild after editing fact `{fact_id}`",
            wall,
            "s",
            cpu=median([p.cpu for p in procs]),
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
    proc = run(bench, [PYTHON, "-X", "importtime", "-m", "briefing", *args], check=False)
    names, top = [], []
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            names.append(match[4])
            if len(match[3]) == 1:  # one space: imported by the command itself
                top.append((int(match[2]) / 1e6, match[4]))
    return names, sorted(top, reverse=True)


def measure_startup(bench: Bench) -> None:
    """4. `briefing --help` wall time; which commands import WeasyPrint."""
    procs = repeat(bench.reps(7, 5), lambda: run(bench, [BRIEFING, "--help"]))
    wall = median([p.wall for p in procs])
    _, top = imported_modules(bench, "--help")
    heaviest = ", ".join(f"{name} {secs * 1000:.0f} ms" for secs, name in top[:4])
    bench.add(
        Figure(
            "start-up",
            "`briefing --help`",
            wall,
            "ms",
            cpu=median([p.cpu for p in procs]),
            target="≤ 150 ms",
            passed=at_most(wall, 0.150),
            note=f"median of {len(procs)}; heaviest imports (-X importtime): {heaviest}",
        )
    )
    assert bench.cold_out is not None
    commands: list[tuple[str, list[str | Path]]] = [
        ("--help", ["--help"]),
        ("validate", ["validate", "--facts", bench.facts]),
        ("no-op build", ["build", "--out", bench.cold_out, "--facts", bench.facts, "-q"]),
    ]
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
    from briefing.build import Options, load_valid, plan
    from briefing.render.pdf import pdf_html

    fb, _ = load_valid(bench.facts)
    targets = plan(fb, Options(factbase=bench.facts, out=bench.work / "unused", formats=("pdf",)))
    bench.pdf_htmls = {t.briefing: pdf_html(t.doc) for t in targets}


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
            note=f"fresh process, median of {len(imports)}",
        )
    )

    from weasyprint import HTML

    from briefing.render.pdf import render_pdf

    HTML(string=next(iter(bench.pdf_htmls.values()))).write_pdf()  # fonts, caches: warm up
    bare: dict[str, list[float]] = {doc: [] for doc in bench.pdf_htmls}
    tool: dict[str, list[float]] = {doc: [] for doc in bench.pdf_htmls}
    cpu_bare: list[float] = []
    for _ in range(bench.reps(3)):
        cpu_begun = time.process_time()
        for doc, html in bench.pdf_htmls.items():
            begun = time.perf_counter()
            HTML(string=html).write_pdf()
            bare[doc].append(time.perf_counter() - begun)
        cpu_bare.append(time.process_time() - cpu_begun)
    for _ in range(bench.reps(2)):
        for doc, html in bench.pdf_htmls.items():
            begun = time.perf_counter()
            render_pdf(html, variants=("ua",))
            tool[doc].append(time.perf_counter() - begun)
    bench.warm_sum = sum(median(times) for times in bare.values())
    tool_sum = sum(median(times) for times in tool.values())
    per_doc = ", ".join(f"{doc} {median(times):.2f}" for doc, times in bare.items())
    bench.add(
        Figure(
            "PDF",
            "bare WeasyPrint, warm: Σ `HTML(string).write_pdf()`",
            bench.warm_sum,
            "s",
            cpu=median(cpu_bare),
            note=f"in process, median per document (s): {per_doc}",
        ),
        Figure(
            "PDF",
            "briefing `render_pdf(html, ua)`, warm, Σ",
            tool_sum,
            "s",
            note=f"same HTML, PDF/UA-1 + fetcher; {ratio(tool_sum, bench.warm_sum):.2f}× bare",
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
    if run(bench, install, check=False, env=env).returncode != 0:
        run(bench, ["apt-get", "update"], check=False, env=env)
        run(bench, install, check=False, env=env)
    return shutil.which("pandoc")


def measure_naive_peer(bench: Bench) -> None:
    """5b. `pandoc <id>.md -o <id>.pdf --pdf-engine=weasyprint`, one process per document."""
    pandoc = ensure_pandoc(bench)
    if pandoc is None:
        bench.add(Figure("PDF", "naive peer: pandoc + weasyprint", None, "s", note="no pandoc"))
        return
    assert bench.cold_out is not None
    peer = bench.work / "peer"
    peer.mkdir()
    totals, cpus = [], []
    for _ in range(bench.reps(2)):
        procs = [
            run(
                bench,
                [
                    pandoc,
                    bench.cold_out / f"{doc}.md",
                    "-o",
                    peer / f"{doc}.pdf",
                    "--pdf-engine=weasyprint",
                ],
            )
            for doc in bench.briefing_ids
        ]
        totals.append(sum(p.wall for p in procs))
        cpus.append(sum(p.cpu for p in procs))
    bench.peer_sum = median(totals)
    bench.add(
        Figure(
            "PDF",
            "naive peer: Σ `pandoc <id>.md -o <id>.pdf --pdf-engine=weasyprint`",
            bench.peer_sum,
            "s",
            cpu=median(cpus),
            note=f"{len(bench.briefing_ids)} processes in sequence, median of {len(totals)}",
        )
    )


# --------------------------------------------------------------------------- 6 ratios


def measure_pdf_builds(bench: Bench) -> None:
    """6. PDF-only forced builds: --jobs 1 against --jobs 2, one variant against both."""
    out = bench.work / "pdf-out"
    runs: dict[str, list[Proc]] = {"j1": [], "j2": [], "ua": [], "both": []}
    args = {
        "j1": ("--jobs", "1"),
        "j2": ("--jobs", "2"),
        "ua": ("--pdf-variant", "ua"),
        "both": ("--pdf-variant", "ua", "--pdf-variant", "a3b"),
    }
    for _ in range(bench.reps(2)):  # interleaved, so slow spells of the machine hit both sides
        for key, extra in args.items():
            runs[key].append(build(bench, out, "--force", "-f", "pdf", *extra))
    wall = {key: median([p.wall for p in procs]) for key, procs in runs.items()}
    cpu = {key: median([p.cpu for p in procs]) for key, procs in runs.items()}
    reps = f"median of {len(runs['j1'])}"
    bench.add(
        Figure("PDF", "PDF-only forced build, --jobs 1", wall["j1"], "s", cpu=cpu["j1"], note=reps),
        Figure("PDF", "PDF-only forced build, --jobs 2", wall["j2"], "s", cpu=cpu["j2"], note=reps),
        Figure(
            "PDF",
            "PDF-only forced build, both variants (ua + a3b)",
            wall["both"],
            "s",
            cpu=cpu["both"],
            note=f"{reps}; the one-variant run: {wall['ua']:.2f} s",
        ),
    )
    bench.add(
        Figure(
            "ratio",
            "--jobs 2 / --jobs 1 (PDF-only)",
            ratio(wall["j2"], wall["j1"]),
            "x",
            target="≤ 0.8",
            passed=at_most(ratio(wall["j2"], wall["j1"]), 0.8),
            note=f"CPU ratio {ratio(cpu['j2'], cpu['j1']):.2f}",
        ),
        Figure(
            "ratio",
            "both PDF variants / one variant",
            ratio(wall["both"], wall["ua"]),
            "x",
            target="≤ 1.2",
            passed=at_most(ratio(wall["both"], wall["ua"]), 1.2),
            note=f"CPU ratio {ratio(cpu['both'], cpu['ua']):.2f}",
        ),
    )


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


# --------------------------------------------------------------------------- 8 scaling


def measure_validate_scaling(bench: Bench) -> None:
    """8a. `briefing validate` on fact bases with ×10, ×100 and 10,000 facts."""
    base = len(re.findall(r"^  - id: ", (bench.facts / "facts.yaml").read_text(), re.MULTILINE))
    sizes = [("shipped", base), ("×10", base * 10), ("×100", base * 100), ("10,000", 10_000)]
    for label, total in sizes:
        factbase = copy_factbase(bench.facts, bench.work / f"facts-{total}")
        if total != base:
            scale_facts(factbase, total)
        size = (factbase / "facts.yaml").stat().st_size
        procs = repeat(
            bench.reps(3),
            lambda fb=factbase: run(bench, [BRIEFING, "validate", "--facts", fb], check=False),
        )
        wall = median([p.wall for p in procs])
        valid = procs[0].returncode == 0
        summary = procs[0].stderr.strip().splitlines()[-1] if procs[0].stderr.strip() else ""
        target = total == 10_000
        bench.add(
            Figure(
                "scaling",
                f"validate, {total:,} facts ({label})",
                wall,
                "s",
                cpu=median([p.cpu for p in procs]),
                target="≤ 1 s, valid" if target else "",
                passed=(valid and wall <= 1.0) if target else None,
                note=f"facts.yaml {size / MIB:.1f} MiB; exit {procs[0].returncode}: "
                f"{summary[:140]}; median of {len(procs)}",
            )
        )
        if target:
            validate_breakdown(bench, factbase)


def validate_breakdown(bench: Bench, factbase: Path) -> None:
    """Where validation time goes, in process: reading + schema, then the checks."""
    from briefing.checks import check
    from briefing.load import load_factbase

    begun = time.perf_counter()
    fb, problems = load_factbase(factbase)
    loaded = time.perf_counter() - begun
    checked = None
    if fb is not None:
        begun = time.perf_counter()
        check(fb)
        checked = time.perf_counter() - begun
    codes = sorted({p.code for p in problems})
    bench.add(
        Figure(
            "scaling",
            "  in process: load (YAML + schema)",
            loaded,
            "s",
            note=f"problems while loading: {', '.join(codes) or 'none'}",
        ),
        Figure("scaling", "  in process: checks (ids, refs, quotes, coverage)", checked, "s"),
    )


def measure_build_scaling(bench: Bench) -> None:
    """8b. Cold full builds of 4, 20 and 100 topic briefings; peak memory; no-op rebuild."""
    counts = [4, 20] if bench.quick else [4, 20, 100]
    points: list[tuple[int, float]] = []
    for count in counts:
        factbase = copy_factbase(bench.facts, bench.work / f"briefings-{count}")
        scale_briefings(factbase, count)
        out = bench.work / f"briefings-{count}-out"
        proc, rss = build_with_rss(bench, out, "--force", facts=factbase)
        noop = build(bench, out, facts=factbase)
        points.append((count, proc.wall))
        bench.add(
            Figure(
                "scaling",
                f"cold full build, {count} briefings",
                proc.wall,
                "s",
                cpu=proc.cpu,
                note=f"{proc.wall / count:.2f} s per briefing; {len(proc.built())} targets; "
                f"no-op rebuild {noop.wall * 1000:.0f} ms",
            ),
            Figure("scaling", f"  peak RSS, main process ({count} briefings)", rss["main"], "MiB"),
            Figure(
                "scaling",
                f"  peak RSS, a PDF worker ({count} briefings)",
                rss["worker"],
                "MiB",
                target="≤ 150 MiB",
                passed=at_most(rss["worker"], 150),
                note="largest child (ru_maxrss of RUSAGE_CHILDREN, forked pages included)",
            ),
        )
    pairs = list(itertools.pairwise(points))
    slopes = [(t2 - t1) / (n2 - n1) for (n1, t1), (n2, t2) in pairs]
    shown = ", ".join(
        f"{n1}→{n2}: {slope:.2f} s" for ((n1, _), (n2, _)), slope in zip(pairs, slopes, strict=True)
    )
    growth = ratio(slopes[-1], slopes[0]) if len(slopes) > 1 else None
    bench.add(
        Figure(
            "scaling",
            "build time linear in briefings: last / first marginal s per briefing",
            growth,
            "x",
            target="≤ 1.3" if growth is not None else "",
            passed=at_most(growth, 1.3),
            note=f"marginal cost per briefing {shown}",
        )
    )


# --------------------------------------------------------------------------- report


def table(figures: list[Figure]) -> str:
    rows = [
        "| section | measurement | value | CPU | target | result | notes |",
        "| --- | --- | ---: | ---: | --- | --- | --- |",
    ]
    for f in figures:
        cpu = f"{f.cpu:.2f} s" if f.cpu is not None else ""
        note = f.note.replace("|", "\\|")
        rows.append(
            f"| {f.section} | {f.name} | {f.shown_value()} | {cpu} | {f.target} | "
            f"{f.verdict()} | {note} |"
        )
    return "\n".join(rows)


def git_state() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = (
        " (working tree modified)"
        if git("status", "--porcelain", "--", "briefing", "factbase", "templates")
        else ""
    )
    return git("rev-parse", "--short", "HEAD") + dirty


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


def report(bench: Bench, load_start: tuple[float, ...], seconds: float) -> str:
    failing = [f.name for f in bench.figures if f.passed is False]
    load_end = os.getloadavg()
    header = [
        "# briefing benchmark",
        "",
        f"- run: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"{'quick' if bench.quick else 'full'} mode, {seconds / 60:.1f} min in all, "
        f"nice {os.getpriority(os.PRIO_PROCESS, 0)}",
        f"- commit {git_state()}; {versions()}",
        f"- machine: {os.cpu_count()} CPUs, {platform.platform()}; load average "
        f"{load_start[0]:.2f} at start, {load_end[0]:.2f} at end (shared machine: wall times "
        "are noisy, CPU times much less so)",
        "- `.venv/bin/python bench/run.py [--quick]`; shipped fact base copied to a temporary "
        "folder; wall times are medians of the stated repetitions",
        "",
        table(bench.figures),
        "",
        f"**{len(failing)} target(s) failing**" + (": " + "; ".join(failing) if failing else ""),
        "",
    ]
    return "\n".join(header)


# --------------------------------------------------------------------------- main


def snapshot(work: Path) -> Path:
    """Copy the shipped fact base (and seeds) out of the repository, and check it is valid."""
    from briefing.build import load_valid

    factbase = copy_factbase(ROOT / "factbase", work / "shipped")
    load_valid(factbase)
    return factbase


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller scaling")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--priority",
        action="store_true",
        help="run at nice -10 (root only), so other load on a shared machine disturbs less",
    )
    args = parser.parse_args(argv)
    if args.priority:
        os.setpriority(os.PRIO_PROCESS, 0, -10)  # inherited by every command it runs
    if Path(sys.executable).resolve() != PYTHON.resolve() and not (ROOT / ".venv").exists():
        print("run with .venv/bin/python bench/run.py", file=sys.stderr)
        return 2

    load_start = os.getloadavg()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    bench = Bench(args.quick, work, snapshot(work), env)
    bench.briefing_ids = sorted(p.stem for p in (bench.facts / "briefings").glob("*.yaml"))
    steps: list[Callable[[Bench], None]] = [
        measure_cold_build,
        measure_noop_rebuild,
        measure_edit_rebuild,
        measure_startup,
        measure_weasyprint_warm,
        measure_naive_peer,
        peer_ratios,
        measure_pdf_builds,
        measure_validate_scaling,
        measure_build_scaling,
    ]
    try:
        for number, step in enumerate(steps, start=1):
            print(
                f"[{number}/{len(steps)}] {(step.__doc__ or '').splitlines()[0]}", file=sys.stderr
            )
            try:
                step(bench)
            except (BenchError, subprocess.TimeoutExpired, OSError, AssertionError) as error:
                traceback.print_exc()
                bench.add(Figure("error", step.__name__, None, "s", passed=False, note=str(error)))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = report(bench, load_start, time.perf_counter() - started)
    LATEST.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
