"""The command line on its own, with the build mocked out (as MkDocs tests its CLI): each
option reaches `Options`, each outcome its exit code; plus `list` and `new` for real.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from briefing import build
from briefing.build.options import FORMATS, OutputFormat, Shard, default_jobs
from briefing.build.report import BuildEvent, Report, Result
from briefing.cli import app
from briefing.errors import InvalidInput, LockHeld, OutputFolderError, Problem, UsageError

runner = CliRunner()


class FakeRun:
    """Stands in for `build.run`: records the options, reports, returns what it is told."""

    def __init__(self, result: Result | None = None, error: Exception | None = None) -> None:
        self.result = result or Result(built=["c2.md"])
        self.error = error
        self.options: list[build.Options] = []

    def __call__(self, options: build.Options, report: Report) -> Result:
        self.options.append(options)
        if self.error is not None:
            raise self.error
        report(BuildEvent("start", total=1))
        report(BuildEvent("finish", detail=self.result.summary()))
        return self.result


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeRun:
    fake = FakeRun()
    monkeypatch.setattr(build, "run", fake)
    return fake


def invoke(*args: object) -> Any:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr
    return result


# --------------------------------------------------------------------------- build options


def test_build_defaults(fake: FakeRun) -> None:
    result = invoke("build")
    assert result.exit_code == 0, result.stdout + result.stderr
    (options,) = fake.options
    assert options == build.Options(factbase=Path("factbase"), out=Path("out"), jobs=default_jobs())
    assert options.formats == tuple(FORMATS)
    assert options.pdf_variants == ("ua",)
    assert options.paper == "a4"


def test_every_build_option_reaches_the_options(fake: FakeRun, tmp_path: Path) -> None:
    result = invoke(
        "build", "c2", "c3", "-f", "pdf", "--format", "md", "--out", tmp_path / "site",
        "--facts", tmp_path / "fb", "--templates", tmp_path / "tpl", "--marking", "TLP:RED",
        "--paper", "letter", "--pdf-variant", "a3b", "--pdf-variant", "ua", "-j", 3, "--force",
        "--strict", "--edition", "2024-07-29", "--wait-lock", 7, "--timeout", 9,
        "--memory", 256, "--shard", "2/3", "--worker-tasks", 5,
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    assert fake.options == [
        build.Options(
            factbase=tmp_path / "fb",
            out=tmp_path / "site",
            briefings=("c2", "c3"),
            formats=("pdf", "md"),
            templates=tmp_path / "tpl",
            marking="TLP:RED",
            paper="letter",
            pdf_variants=("a3b", "ua"),
            jobs=3,
            force=True,
            strict=True,
            edition="2024-07-29",
            wait_lock=7.0,
            timeout=9.0,
            memory_mib=256,
            shard=Shard(2, 3),
            worker_tasks=5,
        )
    ]


@pytest.mark.parametrize(
    ("option", "value", "choices"),
    [
        ("--format", "epub", "'md', 'html', 'fragment', 'pdf', 'summary', 'docx', 'json'"),
        ("--paper", "a5", "'a4', 'letter'"),
        ("--pdf-variant", "x1a", "'ua', 'a3b'"),
        ("--log-format", "xml", "'text', 'json'"),
    ],
)
def test_a_choice_outside_the_tables_is_a_usage_error(
    fake: FakeRun, option: str, value: str, choices: str
) -> None:
    result = invoke("build", option, value)
    assert result.exit_code == 2
    assert f"{value!r} is not one of {choices}." in result.stderr
    assert fake.options == []


def test_a_bad_edition_is_a_usage_error_before_any_build(fake: FakeRun) -> None:
    result = invoke("build", "--edition", "July")
    assert result.exit_code == 2
    assert "--edition 'July' is not a date; use YYYY-MM-DD" in result.stderr
    assert fake.options == []


def test_the_format_choices_come_from_the_table_of_formats(
    fake: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(FORMATS, "txt", OutputFormat("txt", ".txt", "x:y", "plain text"))
    result = invoke("build", "-f", "txt")
    assert result.exit_code == 0, result.stderr
    assert fake.options[0].formats == ("txt",)


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("outcome", "code", "message"),
    [
        (Result(built=["c2.md"]), 0, ""),
        (Result(skipped=["c2.md"]), 0, ""),
        (Result(built=["c2.md"], failed={"c2.pdf": "layout failed"}), 3, ""),
        (InvalidInput([Problem("facts.yaml", 3, 1, "x", "bad fact")]), 1, "facts.yaml:3:1"),
        (UsageError("unknown briefing c9"), 2, "briefing: unknown briefing c9"),
        (OutputFolderError("cannot use output folder out"), 2, "cannot use output folder"),
        (LockHeld("another build holds the lock"), 4, "another build holds the lock"),
    ],
    ids=["built", "up to date", "a target failed", "invalid", "usage", "folder", "lock"],
)
def test_each_outcome_has_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, outcome: Result | Exception, code: int, message: str
) -> None:
    if isinstance(outcome, Result):
        monkeypatch.setattr(build, "run", FakeRun(result=outcome))
    else:
        monkeypatch.setattr(build, "run", FakeRun(error=outcome))
    result = invoke("build")
    assert result.exit_code == code, result.stdout + result.stderr
    assert message in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_help_documents_every_exit_code(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for code, meaning in [
        (0, "done"),
        (1, "invalid"),
        (2, "usage or environment error"),
        (3, "some targets failed"),
        (4, "another build holds"),
    ]:
        assert f"{code} " in text and meaning in text, (code, text)
    assert "cannot be created, written or locked" in text


def test_fact_base_warnings_are_printed_unless_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    warning = Problem("facts.yaml", 1, 1, "todo-left", "TODO left", severity="warning")
    monkeypatch.setattr(build, "run", FakeRun(Result(built=["c2.md"], warnings=[warning])))
    assert "TODO left" in invoke("build").stderr
    assert "TODO left" not in invoke("build", "--quiet").stderr


def test_renderer_warnings_are_counted_in_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = Result(built=["c2.pdf"], render_warnings={"c2.pdf": ["Ignored x", "Ignored y"]})
    monkeypatch.setattr(build, "run", FakeRun(outcome))
    assert "1 built, 0 skipped, 0 failed, 2 warnings" in invoke("build").stdout


def test_watch_builds_through_build_run(monkeypatch: pytest.MonkeyPatch, mini: Path) -> None:
    """`watch` builds with `build.run`, so it gets the fast path like any build."""
    from briefing.watch import watch

    stop = threading.Event()
    seen: list[build.Options] = []

    def run(options: build.Options, report: Report) -> Result:
        seen.append(options)
        stop.set()  # one build is enough
        return Result()

    monkeypatch.setattr(build, "run", run)
    options = build.Options(factbase=mini, out=mini.parent / "out")
    watch(options, lambda event: None, lambda problems, message: None, stop)
    assert seen == [options]


# --------------------------------------------------------------------------- list and new


def test_list_shows_each_briefing_with_its_outputs(mini: Path, tmp_path: Path) -> None:
    result = invoke("list", "--facts", mini, "--out", tmp_path / "site")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "c2: Command and control [c2, context] — 2 facts"
    site = tmp_path / "site"
    assert lines[1].split() == [
        str(site / name)
        for name in (
            "c2.md", "c2.html", "c2.fragment.html", "c2.pdf", "c2.summary.pdf",
            "c2.summary.html", "c2.docx", "c2.json",
        )
    ]


def test_list_json(mini: Path) -> None:
    result = invoke("list", "--facts", mini, "--json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["id"] == "c2"
    assert row["title"] == "Command and control"
    assert row["topics"] == ["c2", "context"]
    assert row["includes"] == []
    assert row["facts"] == 2
    assert row["outputs"] == [
        "out/c2.md", "out/c2.html", "out/c2.fragment.html", "out/c2.pdf", "out/c2.summary.pdf",
        "out/c2.summary.html", "out/c2.docx", "out/c2.json",
    ]  # fmt: skip


def test_list_refuses_an_invalid_fact_base(mini: Path) -> None:
    (mini / "facts.yaml").write_text("facts: [", encoding="utf-8")
    result = invoke("list", "--facts", mini)
    assert result.exit_code == 1
    assert "facts.yaml:2:1: error: YAML syntax" in result.stderr


def test_new_writes_a_briefing_that_validates_with_todo_warnings(mini: Path) -> None:
    result = invoke("new", "okinawa-incidents", "--facts", mini)
    assert result.exit_code == 0, result.stderr
    path = mini / "briefings" / "okinawa-incidents.yaml"
    assert f"wrote {path}" in result.stdout
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["id"] == "okinawa-incidents"
    assert data["topics"] == ["c2"]
    checked = invoke("validate", "--facts", mini)
    assert checked.exit_code == 0, checked.stderr
    assert "warning: placeholder text still says TODO" in checked.stderr
    assert invoke("validate", "--facts", mini, "--strict").exit_code == 1


def test_new_refuses_an_existing_briefing(mini: Path) -> None:
    before = (mini / "briefings" / "c2.yaml").read_bytes()
    result = invoke("new", "c2", "--facts", mini)
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (mini / "briefings" / "c2.yaml").read_bytes() == before


def test_new_refuses_an_unknown_topic(mini: Path) -> None:
    result = invoke("new", "x1", "--topic", "nope", "--facts", mini)
    assert result.exit_code == 2
    assert "unknown topic 'nope'" in result.stderr
    assert not (mini / "briefings" / "x1.yaml").exists()


@pytest.mark.parametrize("bad", ["name\n", "Name", "../name", "a b", "-name", "x" * 65, ""])
def test_new_refuses_an_id_that_is_not_an_id(mini: Path, bad: str) -> None:
    before = sorted(p.name for p in (mini / "briefings").iterdir())
    result = invoke("new", "--facts", mini, "--", bad)
    assert result.exit_code == 2, result.stdout
    assert "is not a valid id" in result.stderr
    assert sorted(p.name for p in (mini / "briefings").iterdir()) == before
