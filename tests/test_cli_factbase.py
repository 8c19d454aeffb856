"""The fact-base commands of the CLI: validate, sources, facts, schema, --version.

Run in-process with typer's CliRunner, plus real `python -m briefing` subprocesses for
what only a real process shows (exit codes, tracebacks, hash-seed stability).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from editing import edit
from typer.testing import CliRunner, Result

from briefing.cli import app

REPO = Path(__file__).resolve().parent.parent

MINI = Path(__file__).parent / "fixtures" / "mini"
PROBLEM_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): "
    r"(?P<message>.+) — (?P<hint>.+)$"
)


def where(path: Path, needle: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def run_module(*args: str | Path, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def break_credibility(factbase: Path) -> tuple[Path, int, int]:
    """Make one fact's credibility a word; return where the bad value stands."""
    facts = factbase / "facts.yaml"
    edit(facts, "event: talks\n    credibility: 3", "event: talks\n    credibility: seven")
    return facts, *where(facts, "seven")


# ----------------------------------------------------------------------------- validate


def test_validate_passes_the_fixture(mini: Path) -> None:
    result = run("validate", "--facts", mini)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("0 errors, 0 warnings in 2 facts, 1 sources")


def test_validate_fails_a_broken_copy_with_compiler_style_lines(mini: Path) -> None:
    facts, line, column = break_credibility(mini)
    result = run("validate", "--facts", mini)
    assert result.exit_code == 1
    *problem_lines, summary = result.stderr.splitlines()
    assert summary.startswith("1 error, 0 warnings")
    (only,) = problem_lines
    match = PROBLEM_LINE.match(only)
    assert match, only
    assert Path(match["file"]).resolve() == facts.resolve()
    assert (int(match["line"]), int(match["column"])) == (line, column)
    assert match["message"].startswith("facts[0].credibility: ")


def test_validate_lists_every_problem_not_just_the_first(mini: Path) -> None:
    break_credibility(mini)
    edit(mini / "entities.yaml", "kind: person", "kind: persn")
    result = run("validate", "--facts", mini)
    assert result.exit_code == 1
    matches = [PROBLEM_LINE.match(line) for line in result.stderr.splitlines()[:-1]]
    files = [Path(m["file"]).name for m in matches if m]
    assert sorted(files) == ["entities.yaml", "facts.yaml"]


def bomb(factbase: Path) -> None:
    lines = ["facts: []", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    (factbase / "facts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


BREAKAGES = {
    "bomb": bomb,
    "bom": lambda fb: (fb / "facts.yaml").write_bytes(b"\xef\xbb\xbf" + b"facts: []\n"),
    "latin-1": lambda fb: (fb / "entities.yaml").write_bytes(b"entities: [caf\xe9]\n"),
    "python-tag": lambda fb: (fb / "facts.yaml").write_text("facts: !!python/object:os.Foo {}\n"),
    "top-level-list": lambda fb: (fb / "facts.yaml").write_text("- a\n- b\n"),
    "no-seeds": lambda fb: shutil.rmtree(fb.parent / "seeds"),
    "no-settings": lambda fb: (fb / "factbase.yaml").unlink(),
    "deep-nesting": lambda fb: (fb / "facts.yaml").write_text("facts: " + "[" * 5000 + "]" * 5000),
    "empty-seed": lambda fb: (fb.parent / "seeds" / "mini.txt").write_text(""),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_validate_never_shows_a_traceback(mini: Path, name: str) -> None:
    BREAKAGES[name](mini)
    result = run("validate", "--facts", mini)  # `run` asserts no traceback, no exception
    assert result.exit_code == 1
    assert all(PROBLEM_LINE.match(line) for line in result.stderr.splitlines()[:-1])


def test_validate_reports_a_missing_folder(tmp_path: Path) -> None:
    result = run("validate", "--facts", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "fact-base folder not found" in result.stderr


def test_validate_reports_a_directory_where_a_file_should_be(mini: Path) -> None:
    (mini / "facts.yaml").unlink()
    (mini / "facts.yaml").mkdir()
    result = run("validate", "--facts", mini)
    assert result.exit_code == 1


def test_validate_json_is_an_array_of_problem_objects(mini: Path) -> None:
    facts, line, column = break_credibility(mini)
    result = run("validate", "--facts", mini, "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert set(problem) == {"file", "line", "column", "code", "message", "hint", "severity"}
    assert Path(problem["file"]).resolve() == facts.resolve()
    assert (problem["line"], problem["column"]) == (line, column)
    assert problem["code"] == "schema-int-parsing"
    assert problem["severity"] == "error"
    assert all(isinstance(problem[k], str) for k in ("file", "code", "message", "hint"))


def test_validate_json_types_hold_for_warnings_too(mini: Path) -> None:
    edit(
        mini / "discrepancies.yaml",
        'quote: Japan is home to "more than 50,000" U.S. troops - a rounder figure.',
        "quote: the official said",
    )
    problems = json.loads(run("validate", "--facts", mini, "--json").stdout)
    assert {p["severity"] for p in problems} == {"error", "warning"}
    for problem in problems:
        assert type(problem["line"]) is int and type(problem["column"]) is int
        assert problem["line"] >= 1 and problem["column"] >= 1


def test_validate_json_on_the_fixture_is_an_empty_array(mini: Path) -> None:
    result = run("validate", "--facts", mini, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_validate_as_a_real_process(mini: Path) -> None:
    good = run_module("validate", "--facts", mini)
    assert (good.returncode, good.stdout) == (0, "")
    facts, line, column = break_credibility(mini)
    bad = run_module("validate", "--facts", mini)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    *problem_lines, summary = bad.stderr.splitlines()
    (match,) = [PROBLEM_LINE.match(x) for x in problem_lines]
    assert match and Path(match["file"]).resolve() == facts.resolve()
    assert (int(match["line"]), int(match["column"])) == (line, column)
    assert summary.startswith("1 error, 0 warnings")


# ----------------------------------------------------------------------------- sources


def test_sources_json_shape_and_values(mini: Path) -> None:
    result = run("sources", "--facts", mini, "--json")
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)
    seed = (mini.parent / "seeds" / "mini.txt").read_bytes()
    facts = yaml.safe_load((mini / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    citing = [f for f in facts if any(c["source"] == "mini" for c in f["citations"])]
    assert row["id"] == "mini"
    assert row["file"] == "mini.txt"
    assert row["sha256"] == hashlib.sha256(seed).hexdigest()
    assert row["timing"] == "report"
    assert row["reliability"] == "C"
    assert row["ai_generated"] is False
    assert row["facts"] == len(citing) == 2
    # mini.txt: line 1 (caption and credit) is excluded; lines 2, 3 and 4 are one
    # sentence each ("U.S." does not end one), and every one of them is quoted.
    assert (row["sentences"], row["sentences_cited"], row["coverage"]) == (3, 3, 1.0)
    assert row["excluded_lines"] == [{"lines": "1", "reason": "photo caption and credit"}]


def test_sources_refuses_an_invalid_fact_base(mini: Path) -> None:
    break_credibility(mini)
    result = run("sources", "--facts", mini, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "facts[0].credibility" in result.stderr
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- facts


def test_facts_json_resolves_every_citation(mini: Path) -> None:
    result = run("facts", "--facts", mini, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    written = yaml.safe_load((mini / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    assert [r["id"] for r in rows] == [f["id"] for f in written]
    for row, fact in zip(rows, written, strict=True):
        assert row["statement"] == fact["statement"]
        assert row["credibility"] == fact["credibility"]
        assert [c["quote"] for c in row["citations"]] == [c["quote"] for c in fact["citations"]]
        for citation in row["citations"]:
            assert {"source", "file", "quote"} <= set(citation)
            assert (citation["source"], citation["file"]) == ("mini", "mini.txt")


def test_facts_json_is_byte_identical_across_runs(mini: Path) -> None:
    first = run_module("facts", "--facts", mini, "--json", seed="1")
    second = run_module("facts", "--facts", mini, "--json", seed="2")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout == run("facts", "--facts", mini, "--json").stdout


def test_facts_topic_filter(mini: Path) -> None:
    rows = json.loads(run("facts", "--facts", mini, "--topic", "c2", "--json").stdout)
    assert [r["id"] for r in rows] == ["jfhq-agreed"]
    assert all("c2" in r["topics"] for r in rows)


def test_facts_unknown_topic_exits_2_and_names_the_known_ones(mini: Path) -> None:
    result = run("facts", "--facts", mini, "--topic", "c3")
    assert result.exit_code == 2
    assert "unknown topic 'c3'" in result.stderr
    assert "c2" in result.stderr and "context" in result.stderr


# ----------------------------------------------------------------------------- schema, version


def test_schema_facts_is_json_schema() -> None:
    result = run("schema", "facts")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "facts" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_schema_unknown_kind_exits_2() -> None:
    result = run("schema", "fatcs")
    assert result.exit_code == 2
    assert "unknown kind 'fatcs'" in result.stderr


def test_version_matches_the_package_metadata() -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"briefing {version}\n"
