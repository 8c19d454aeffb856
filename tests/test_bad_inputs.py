"""Hostile and broken fact-base inputs: every one a located error, exit 1, no traceback.

The corpus is tests/bad_inputs/ (see its README): one broken file per case and the lines
`briefing validate` must print for it. Each case is also built into a folder holding a
previous build, which must come out byte for byte unchanged.

Cases too large to keep in the repository (a 50 MB file, 100,000 levels of nesting, half a
million values) are generated here in a temporary folder. So are the checks that no id can
turn into a path outside the output folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from briefing.build.options import FORMATS, output_names
from briefing.cli import app
from briefing.errors import UsageError
from briefing.load import MAX_FILE_BYTES, load_factbase
from briefing.model import ID_PATTERN
from briefing.writing import OutputFolder

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
CORPUS = REPO / "tests" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
PROBLEM_LINE = re.compile(
    r"^(?P<where>.+?:\d+:\d+): (?P<severity>error|warning): (?P<message>.+) — (?P<hint>.+)$"
)
PWNED = Path("/tmp/briefing-pwned")  # what yaml-python-apply would create if it ran


# --------------------------------------------------------------------------- helpers


def overlay(case: str, root: Path) -> Path:
    """A copy of the mini fixture with the case's files dropped in; returns factbase/."""
    shutil.copytree(MINI, root)
    source = CORPUS / case
    for path in source.rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return root / "factbase"


def expectations(case: str) -> list[tuple[str, str]]:
    """(file:line:col, fragment) pairs from the case's expected.txt."""
    found = []
    for line in (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.match(r"^(.+?:\d+:\d+): (.+)$", line)
        assert match, f"{case}/expected.txt: bad line {line!r}"
        found.append((match[1], match[2]))
    assert found, f"{case}/expected.txt expects nothing"
    return found


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.exit_code, result.stdout, result.stderr


def run_module(
    *args: object, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def built_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid mini fixture built once, every format: the 'previous build'."""
    root = tmp_path_factory.mktemp("good")
    shutil.copytree(MINI, root / "mini")
    out = root / "out"
    code, _, err = invoke("build", "--facts", root / "mini" / "factbase", "--out", out, "-j", 1)
    assert code == 0, err
    return out


# --------------------------------------------------------------------------- the corpus


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 90
    kinds = {c.split("-")[0] for c in CASES}
    assert {"yaml", "schema", "id", "ref", "quote", "source"} <= kinds


@pytest.mark.parametrize("case", CASES)
def test_validate_locates_the_problem(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    PWNED.unlink(missing_ok=True)
    factbase = overlay(case, tmp_path / "mini")
    monkeypatch.chdir(factbase)  # problems name files relative to the working folder
    code, _, err = invoke("validate", "--facts", ".")
    assert code == 1, err
    lines = err.splitlines()
    assert re.match(r"^\d+ errors?, \d+ warnings?", lines[-1]), lines[-1]
    for line in lines[:-1]:
        assert PROBLEM_LINE.match(line), f"not file:line:col: error: message — hint: {line!r}"
    for where, fragment in expectations(case):
        hits = [ln for ln in lines if ln.startswith(where + ": ")]
        assert hits, f"{case}: nothing reported at {where}; got:\n{err}"
        assert any(fragment in ln for ln in hits), f"{case}: {fragment!r} not in {hits}"
    assert not PWNED.exists(), "a YAML tag ran code"


@pytest.mark.parametrize("case", CASES)
def test_build_refuses_and_leaves_the_output_folder_as_it_was(
    case: str, tmp_path: Path, built_out: Path
) -> None:
    factbase = overlay(case, tmp_path / "mini")
    out = tmp_path / "out"
    shutil.copytree(built_out, out)
    before = snapshot(out)
    code, _, err = invoke("build", "--facts", factbase, "--out", out, "--force", "-j", 1)
    assert code == 1, err
    assert "problem" in err.splitlines()[-1]
    assert snapshot(out) == before


# --------------------------------------------------------------------------- too big to keep


def test_a_file_over_the_cap_is_refused_by_size_before_it_is_read(tmp_path: Path) -> None:
    factbase = overlay("yaml-empty", tmp_path / "mini")
    facts = factbase / "facts.yaml"
    line = b"  - just some filler text to make the file big\n"
    with facts.open("wb") as handle:
        handle.write(b"facts:\n")
        handle.write(line * 20_000)
        handle.truncate(MAX_FILE_BYTES + 1024 * 1024)  # the rest sparse: never read anyway
    assert facts.stat().st_size > MAX_FILE_BYTES
    started = time.perf_counter()
    proc = run_module("validate", "--facts", factbase)
    assert time.perf_counter() - started < 20
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{facts}:1:1: error: file is " in proc.stderr
    assert f"over the {MAX_FILE_BYTES:,}-byte cap" in proc.stderr
    assert "split the file" in proc.stderr


def test_the_size_caps_admit_a_fact_base_of_100000_facts() -> None:
    """Issue 15: validation scales to 100,000 facts, some 55 MiB and 1.8 million values in
    the synthetic base of bench/synthetic.py."""
    from briefing.load import MAX_NODES

    assert MAX_FILE_BYTES >= 80 * 1024 * 1024
    assert MAX_NODES >= 3_000_000


def test_deep_nesting_is_refused_before_the_c_composer_can_crash(tmp_path: Path) -> None:
    """libyaml's composer recurses in C: 100,000 `[` used to kill the process (SIGSEGV)."""
    factbase = overlay("yaml-empty", tmp_path / "mini")
    (factbase / "facts.yaml").write_text("facts: " + "[" * 100_000 + "]" * 100_000 + "\n")
    proc = run_module("validate", "--facts", factbase)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    assert re.search(r"facts\.yaml:1:\d+: error: nesting is deeper than 64 levels", proc.stderr)


@pytest.mark.parametrize("parser", ["libyaml", "pure-python"])
def test_deep_nesting_reads_the_same_whichever_yaml_parser_runs(
    tmp_path: Path, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some libyaml releases stop deep flow nesting themselves, in their own words, before any
    event arrives; others (and the pure-Python parser) do not. The message must not depend on it."""
    import yaml

    from briefing import load

    if parser == "pure-python":
        monkeypatch.setattr(load, "_LOADER", yaml.SafeLoader)
        monkeypatch.setattr(load._Reader._build, "__defaults__", (yaml.SafeLoader,))
    path = tmp_path / "facts.yaml"
    path.write_text("facts: " + "[" * 5_000 + "]" * 5_000 + "\n")
    data, _, problems = load.read_yaml(path)
    assert data is None
    assert [(p.line, p.column, p.code) for p in problems] == [(1, 71, "yaml-too-deep")]
    assert problems[0].message == "nesting is deeper than 64 levels"


def test_values_over_the_cap_are_refused_quickly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing import load

    monkeypatch.setattr(load, "MAX_NODES", 500_000)  # the mechanism, at a size quick to write
    factbase = overlay("yaml-empty", tmp_path / "mini")
    (factbase / "facts.yaml").write_text("facts: [" + ",".join(["1"] * 500_001) + "]\n")
    started = time.perf_counter()
    fb, problems = load_factbase(factbase)
    assert time.perf_counter() - started < 10  # counted from the events, before composing
    assert fb is None
    assert [p.code for p in problems if p.file.endswith("facts.yaml")] == ["yaml-too-many-nodes"]


# --------------------------------------------------------------------------- quote edges


def test_a_quote_cut_at_a_word_boundary_is_still_verbatim(tmp_path: Path) -> None:
    """Decision: a strict prefix (or suffix) of a passage, in whole words, is verbatim.

    "The ministers agreed on Sunday" quotes exactly what the source says; whether a shorter
    quote changes the meaning is the analyst's judgment, not something text matching knows.
    A quote that cuts a word ("troo", "54,00") is refused: see the quote-cut-* cases.
    """
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    facts = root / "factbase" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    full = (
        "quote: The ministers agreed on Sunday that U.S. Forces Japan will become a joint "
        "force headquarters."
    )
    for shorter in ("The ministers agreed on Sunday", "agreed on Sunday", "headquarters."):
        facts.write_text(text.replace(full, f"quote: {shorter}"), encoding="utf-8")
        code, _, err = invoke("validate", "--facts", root / "factbase")
        assert code == 0, err


# --------------------------------------------------------------------------- ids and paths


def test_a_briefing_id_cannot_name_a_path_outside_the_output_folder(tmp_path: Path) -> None:
    """`../evil` is refused at validation; nothing is written anywhere."""
    factbase = overlay("id-briefing-dotdot", tmp_path / "mini")
    out = tmp_path / "site" / "out"
    code, _, err = invoke("build", "--facts", factbase, "--out", out)
    assert code == 1
    assert "lower-case letters, digits and hyphens" in err
    assert not out.exists()
    assert not (tmp_path / "site" / "evil.md").exists()


@settings(max_examples=200, deadline=None)
@given(st.from_regex(ID_PATTERN, fullmatch=True))
def test_every_valid_id_names_files_inside_the_output_folder(briefing_id: str) -> None:
    root = Path("/tmp/briefing-out-root")
    folder = OutputFolder(root)
    for fmt in FORMATS:
        for name in output_names(briefing_id, fmt, ["ua", "a3b"]):
            assert "/" not in name and "\\" not in name and not name.startswith(".")
            path = folder.path(name)
            assert path.parent == root.resolve()
            assert folder.path(f"editions/2024-07-28/{name}").parent.parent.parent == path.parent


@pytest.mark.parametrize(
    "name",
    ["../x", "../../etc/passwd", "/abs", "/etc/passwd", "a/../../x", "", ".", "a/..", "x\0y"],
)
def test_output_folder_refuses_a_path_outside(tmp_path: Path, name: str) -> None:
    folder = OutputFolder(tmp_path / "out")
    with pytest.raises(UsageError, match="refusing to write"):
        folder.path(name)


def test_output_folder_refuses_symlink_escapes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("keep me")
    (out / "dir-link").symlink_to(outside, target_is_directory=True)
    (out / "c2.md").symlink_to(victim)
    (out / "editions").symlink_to("/etc", target_is_directory=True)
    with OutputFolder(out) as folder:
        for name in ("dir-link/x.md", "c2.md", "editions/passwd", "dir-link/victim.txt"):
            with pytest.raises(UsageError, match="refusing to write"):
                folder.write(name, b"overwritten")
        folder.write("inside.md", b"ok")
    assert victim.read_text() == "keep me"
    assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]
    assert (out / "inside.md").read_bytes() == b"ok"


def test_a_symlinked_output_is_a_failed_target_not_a_write_elsewhere(
    tmp_path: Path, built_out: Path
) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    out = tmp_path / "out"
    shutil.copytree(built_out, out)
    victim = tmp_path / "victim.md"
    victim.write_text("keep me")
    (out / "c2.md").unlink()
    (out / "c2.md").symlink_to(victim)
    code, stdout, _ = invoke(
        "build", "--facts", root / "factbase", "--out", out, "-f", "md", "-f", "html", "--force"
    )
    assert code == 3
    assert re.search(r"failed\s+c2\.md: refusing to write 'c2\.md' outside", stdout), stdout
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize(
    "template",
    [
        "/etc/passwd",
        "../../../../../../etc/passwd",
        "../templates/page.html.j2",
        "assets/pdf.css",
        "page.html.j2",
        "_sections.md.j2",
    ],
)
def test_a_briefing_template_outside_the_template_folders_is_refused(
    tmp_path: Path, built_out: Path, template: str
) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    briefing = root / "factbase" / "briefings" / "c2.yaml"
    briefing.write_text(
        briefing.read_text().replace("template: topic.md.j2", f'template: "{template}"')
    )
    out = tmp_path / "out"
    shutil.copytree(built_out, out)
    before = snapshot(out)
    code, _, err = invoke("build", "--facts", root / "factbase", "--out", out, "--force")
    assert code == 1
    assert re.search(r"c2\.yaml:5:11: error: template: String should match pattern", err), err
    assert "name a Markdown briefing template such as topic.md.j2" in err
    assert "root:x:0" not in err
    assert snapshot(out) == before


def test_case_files_are_what_they_claim(tmp_path: Path) -> None:
    """Guard the corpus against an editor 'fixing' it: the odd bytes are still there."""
    raw = {c: b"".join(p.read_bytes() for p in (CORPUS / c).rglob("*.yaml")) for c in CASES}
    assert raw["yaml-bom"].startswith(b"\xef\xbb\xbf")
    assert b"\xe9" in raw["yaml-latin1"]
    assert b"\x00" in raw["yaml-nul-byte"]
    assert b"\x07" in raw["yaml-control-char"]
    assert b"\t" in raw["yaml-tab-indent"]
    assert raw["yaml-utf16"][:2] in (b"\xff\xfe", b"\xfe\xff")
    assert "\u202e".encode() in raw["schema-facts-statement-bidi"]
    assert "\u200b".encode() in raw["schema-facts-statement-zwsp"]
    seed = (CORPUS / "source-edited" / "seeds" / "mini.txt").read_bytes()
    assert (
        hashlib.sha256(seed).hexdigest()
        != hashlib.sha256((MINI / "seeds" / "mini.txt").read_bytes()).hexdigest()
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Zs", "Po", "Ll", "Lu", "Sm"]),
        min_size=1,
        max_size=30,
    )
)
def test_any_briefing_id_that_is_not_an_id_is_refused(tmp_path: Path, bad: str) -> None:
    if re.fullmatch(ID_PATTERN, bad):
        return
    root = tmp_path / f"m{hashlib.sha256(bad.encode()).hexdigest()[:12]}"
    shutil.copytree(MINI, root)
    briefing = root / "factbase" / "briefings" / "c2.yaml"
    quoted = bad.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    briefing.write_text(briefing.read_text().replace("id: c2", f'id: "{quoted}"'))
    fb, problems = load_factbase(root / "factbase")
    assert fb is None or "c2" not in [b.id for b in fb.briefings] or problems
    assert any(
        p.code in ("schema-string-pattern-mismatch", "briefing-id-file", "schema-string-type")
        for p in problems
    ), [str(p) for p in problems]
    shutil.rmtree(root)
