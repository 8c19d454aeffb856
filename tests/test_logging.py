"""The renderers' warnings (WeasyPrint's) are captured per target in the worker that laid the
PDF out: counted in the summary and the JSON log, shown with --verbose, fatal under --strict.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
IGNORED = "Ignored `colr: red ` at 1:5, unknown property."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two briefings; a user template whose CSS WeasyPrint ignores, in c2's pages only."""
    root = tmp_path_factory.mktemp("logging")
    shutil.copytree(MINI, root / "mini")
    factbase = root / "mini" / "factbase"
    c2 = (factbase / "briefings" / "c2.yaml").read_text(encoding="utf-8")
    (factbase / "briefings" / "c3.yaml").write_text(c2.replace("id: c2", "id: c3"))
    templates = root / "templates"
    templates.mkdir()
    (templates / "_toc.html.j2").write_text(
        '{% if doc.id == "c2" %}<style>p { colr: red }</style>{% endif %}\n'
    )
    return factbase, templates


def build(site: tuple[Path, Path], out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    factbase, templates = site
    command = ["build", "--facts", str(factbase), "--templates", str(templates), "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", *command, "-f", "pdf", "-j", "2", "--force", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
        check=False,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def json_verbose(site: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    proc = build(site, tmp_path_factory.mktemp("out"), "--log-format", "json", "--verbose")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_json_counts_the_warnings_of_each_target(json_verbose: list[dict]) -> None:
    built = {e["target"]: e["warnings"] for e in json_verbose if e["event"] == "built"}
    assert built == {"c2.pdf": 1, "c3.pdf": 0, "index.html": 0, "feed.xml": 0}
    (finish,) = [e for e in json_verbose if e["event"] == "finish"]
    assert finish["warnings"] == 1
    assert finish["detail"] == "4 built, 0 skipped, 0 failed, 1 warning"


def test_json_verbose_shows_each_warning_with_its_target(json_verbose: list[dict]) -> None:
    warnings = [e for e in json_verbose if e["event"] == "warning"]
    assert [(e["target"], e["detail"]) for e in warnings] == [("c2.pdf", IGNORED)]


def test_text_counts_warnings_and_shows_them_only_with_verbose(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    plain = build(site, tmp_path / "plain")
    assert plain.returncode == 0, plain.stderr
    assert "4 built, 0 skipped, 0 failed, 1 warning in " in plain.stdout
    assert IGNORED not in plain.stdout + plain.stderr
    verbose = build(site, tmp_path / "verbose", "--verbose")
    assert f"warning c2.pdf: {IGNORED}" in verbose.stdout.splitlines()
    quiet = build(site, tmp_path / "quiet", "--quiet")
    assert quiet.returncode == 0
    assert quiet.stdout == ""


def test_strict_fails_the_target_with_warnings_only(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    proc = build(site, tmp_path / "out", "--strict")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert f"failed  c2.pdf: 1 renderer warning under --strict: {IGNORED}" in proc.stdout
    assert "built   c3.pdf" in proc.stdout
    assert not (tmp_path / "out" / "c2.pdf").exists()


def test_shipped_templates_build_every_format_under_strict(tmp_path: Path) -> None:
    """The shipped stylesheets give WeasyPrint nothing to warn about, in any format: a
    scheduler running `--strict` must not fail on our own CSS (media features in the summary
    once warned on every summary PDF)."""
    shutil.copytree(MINI, tmp_path / "mini")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "build", "--facts", str(tmp_path / "mini" / "factbase"),
         "--out", str(out), "--strict", "--log-format", "json", "--verbose", "-j", "2"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    built = {e["target"] for e in events if e["event"] == "built"}
    assert {"c2.pdf", "c2.summary"} <= built
    assert [e for e in events if e.get("warnings")] == []
