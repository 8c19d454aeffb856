"""A user template that runs too long or builds too much fails its own target within the
limits (`--timeout`, `--memory`), as a PDF does, and leaves the output folder free.

Every template runs in a worker process under an alarm and an address-space bound, so the
limits hold whichever door a template uses: nested loops, recursive macros, filters and
string methods that build huge text. Real `python -m briefing build` processes, each with a
subprocess timeout far below what the unbounded templates would take.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
GIB = 1024**3

NESTED_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
FAN_OUT_MACRO = (  # 2**40 calls, each within Python's recursion limit
    "{% macro grow(n) %}{% if n < 40 %}{{ grow(n + 1) }}{{ grow(n + 1) }}{% endif %}"
    "{% endmacro %}{{ grow(0) }}"
)
RECURSIVE_MACRO = "{% macro deeper(n) %}{{ deeper(n + 1) }}{% endmacro %}{{ deeper(0) }}"
HOSTILE: dict[str, str] = {
    "nested range loops": NESTED_LOOPS,
    "recursive macro fanning out": FAN_OUT_MACRO,
    "endless recursion": RECURSIVE_MACRO,
    "ljust": "{{ 'x'.ljust(600000000) }}",
    "center": "{{ 'x'|center(600000000) }}",
    "indent": "{{ ('x\\n' * 1000)|indent(600000) }}",
    "lipsum": "{{ lipsum(n=2000000) }}",
    "string doubling": (
        "{% set ns = namespace(s='xx') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    ),
}


def run_build(*args: object, seconds: float = 90) -> tuple[subprocess.CompletedProcess[str], float]:
    """A build with the whole process tree capped at 4 GiB of address space, so a template
    the tool fails to bound cannot take the machine's memory while the test runs."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 * GIB, 4 * GIB))

    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "build", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=seconds,
        check=False,
        preexec_fn=cap,
    )
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output
    return proc, time.perf_counter() - started


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(fact base, output folder, empty user templates folder)."""
    shutil.copytree(MINI, tmp_path / "mini")
    templates = tmp_path / "templates"
    templates.mkdir()
    return tmp_path / "mini" / "factbase", tmp_path / "out", templates


@pytest.mark.slow
@pytest.mark.parametrize("body", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_html_template_fails_its_target_within_the_limits(
    site: tuple[Path, Path, Path], body: str
) -> None:
    factbase, out, templates = site
    (templates / "_toc.html.j2").write_text(body + "\n")
    proc, seconds = run_build(
        "--facts", factbase, "--out", out, "--templates", templates,
        "-f", "md", "-f", "html", "--timeout", 3, "--memory", 512,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert re.search(r"built\s+c2\.md", proc.stdout), proc.stdout
    failed = [line for line in proc.stdout.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and failed[0].startswith("failed  c2.html: "), proc.stdout
    assert re.search(
        r"took longer than 3 s|memory bound|MemoryError|RecursionError|maximum recursion",
        failed[0],
    ), failed[0]
    assert seconds < 3 + 2 * 2 + 20  # the limit, the watchdog's grace, a retry, start-up
    assert not (out / "c2.html").exists()
    again, _ = run_build("--facts", factbase, "--out", out, "-f", "html", "--wait-lock", 0)
    assert again.returncode == 0, again.stdout + again.stderr  # the lock went with the build


@pytest.mark.slow
def test_a_markdown_template_over_its_time_limit_stops_the_build_with_a_located_problem(
    site: tuple[Path, Path, Path],
) -> None:
    """The Markdown is what every format is made from: as for any error in its template,
    nothing is written (exit 1), and the problem names the template."""
    factbase, out, templates = site
    template = templates / "topic.md.j2"
    template.write_text(NESTED_LOOPS + "\n")
    proc, seconds = run_build(
        "--facts", factbase, "--out", out, "--templates", templates, "--timeout", 2
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        f"{template}:1:1: error: briefing c2: template rendering took longer than 2 s"
        in proc.stderr
    ), proc.stderr
    assert "raise --timeout" in proc.stderr
    assert seconds < 2 + 2 * 2 + 20
    assert not out.exists() or not any(out.glob("c2.*"))


@pytest.mark.slow
def test_a_markdown_template_over_its_memory_bound_stops_the_build(
    site: tuple[Path, Path, Path],
) -> None:
    factbase, out, templates = site
    (templates / "topic.md.j2").write_text("{{ 'x'|center(600000000) }}\n")
    proc, seconds = run_build(
        "--facts", factbase, "--out", out, "--templates", templates, "--memory", 512
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "topic.md.j2" in proc.stderr
    assert re.search(r"MemoryError|memory bound", proc.stderr), proc.stderr
    assert seconds < 30
