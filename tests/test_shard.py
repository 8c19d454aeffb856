"""`build --shard K/N` and `merge-manifests`: N shards make exactly the full build's files,
their merged manifest makes the next full build a no-op, shards share a folder safely, and
bad shard specs or mismatched manifests are refused with exit 2."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from briefing import build
from briefing.build.manifest import nothing_changed
from briefing.build.options import Options, Shard, parse_shard
from briefing.build.shard import assign
from briefing.cli import app
from briefing.errors import UsageError
from briefing.writing import OutputFolder

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
BRIEFINGS = ["c2", "c3", "c4", "c5", "c6", "c7"]
FORMATS = ("md", "pdf", "docx")  # Markdown, a paged format, a dated one
runner = CliRunner()


def cli(*args: object, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(map(str, args)), env=env)
    return result.exit_code, result.stdout, result.stderr


def six_briefings(root: Path) -> Path:
    """The mini fact base with six briefings (copies of c2 under other ids)."""
    shutil.copytree(MINI, root / "mini")
    factbase = root / "mini" / "factbase"
    c2 = (factbase / "briefings" / "c2.yaml").read_text(encoding="utf-8")
    for ident in BRIEFINGS[1:]:
        (factbase / "briefings" / f"{ident}.yaml").write_text(c2.replace("id: c2", f"id: {ident}"))
    return factbase


def files(out: Path) -> dict[str, str]:
    """Every output file (not manifests, not lock files) and its sha256."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith((".", "manifest"))
    }


def options(factbase: Path, out: Path, shard: Shard | None = None) -> Options:
    return Options(factbase=factbase, out=out, formats=FORMATS, jobs=2, shard=shard)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    """One full build and three shard builds, each into its own folder."""
    root = tmp_path_factory.mktemp("shards")
    factbase = six_briefings(root)
    full = root / "full"
    assert not build.run(options(factbase, full)).failed
    shards = []
    for index in (1, 2, 3):
        out = root / f"shard-{index}"
        result = build.run(options(factbase, out, Shard(index, 3)))
        assert not result.failed, result.failed
        shards.append(out)
    return factbase, full, shards


def test_three_shards_make_exactly_the_full_build(site: tuple[Path, Path, list[Path]]) -> None:
    _, full, shards = site
    parts = [files(out) for out in shards]
    assert all(parts), "every shard got some briefings"
    names = [name for part in parts for name in part]
    assert len(names) == len(set(names)), "the shards overlap"
    union = {name: sha for part in parts for name, sha in part.items()}
    assert union == files(full)
    assert any(name.startswith("editions/2024-07-28/") for name in union)
    site_outputs = {"index.html", "index.fragment.html", "feed.xml"}
    assert {n.split(".")[0] for n in union if "/" not in n} - {"index", "feed"} == set(BRIEFINGS)
    # The files that describe the whole fact base, and the edition's record, come from
    # shard 1 alone.
    assert site_outputs | {"editions/2024-07-28/record.json"} <= set(parts[0])
    assert not any(site_outputs & set(part) for part in parts[1:])


def test_a_shard_keeps_all_formats_of_a_briefing_and_its_own_manifest(
    site: tuple[Path, Path, list[Path]],
) -> None:
    _, _, shards = site
    for index, out in enumerate(shards, start=1):
        assert not (out / "manifest.json").exists()
        manifest = json.loads((out / f"manifest.shard-{index}-of-3.json").read_text())
        assert set(manifest["outputs"]) == set(files(out))
        assert manifest["shard"]["index"] == index and manifest["shard"]["count"] == 3
        site = ["index.html", "feed.xml"]  # the site outputs' target keys
        assert len(manifest["shard"]["targets"]) == len(BRIEFINGS) * len(FORMATS) + len(site)
        mine = {n.split(".")[0] for n in files(out) if "/" not in n} - {"index", "feed"}
        assert {f"{b}.{fmt}" for b in mine for fmt in FORMATS} | set(
            site if index == 1 else []
        ) == set(manifest["build_inputs"]["targets"])


def test_merged_manifests_make_the_next_full_build_a_no_op(
    site: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    factbase, full, shards = site
    merged = tmp_path / "merged"
    code, _, err = cli("merge-manifests", *shards, "--into", merged)
    assert code == 0, err
    assert "merged 3 shard manifests" in err and "no-op" in err
    assert files(merged) == files(full)
    assert (merged / "manifest.json").read_bytes() == (full / "manifest.json").read_bytes()
    assert nothing_changed(options(factbase, merged)) is not None  # the fast path
    result = build.run(options(factbase, merged))
    site = 2  # the catalogue and the feed
    assert result.built == [] and len(result.skipped) == len(BRIEFINGS) * len(FORMATS) + site
    # and each shard, rebuilt into its own folder, is a no-op too
    for index, out in enumerate(shards, start=1):
        assert nothing_changed(options(factbase, out, Shard(index, 3))) is not None


def test_shard_options_are_part_of_the_fingerprint(site: tuple[Path, Path, list[Path]]) -> None:
    factbase, full, shards = site
    one = options(factbase, full, Shard(1, 3))
    assert one.fingerprint() != options(factbase, full, Shard(2, 3)).fingerprint()
    assert one.fingerprint() != options(factbase, full).fingerprint()
    assert one.full_fingerprint() == options(factbase, full).fingerprint()
    assert nothing_changed(options(factbase, shards[0], Shard(2, 3))) is None
    assert nothing_changed(options(factbase, shards[0])) is None  # a full build is not a shard


def test_site_outputs_are_written_by_a_full_build_and_shard_1_only() -> None:
    base = Path("f")
    assert Options(factbase=base, out=base).writes_site_outputs
    assert Options(factbase=base, out=base, shard=Shard(1, 4)).writes_site_outputs
    assert not Options(factbase=base, out=base, shard=Shard(2, 4)).writes_site_outputs


# --------------------------------------------------------------------------- the split


def test_the_split_is_balanced_by_cost_and_stable() -> None:
    costs = {f"b{i}": float(1 + (i * 7) % 13) for i in range(200)}
    shards = assign(costs, 4)
    assert assign(dict(reversed(costs.items())), 4) == shards  # order of input is irrelevant
    loads = [sum(c for b, c in costs.items() if shards[b] == k) for k in (1, 2, 3, 4)]
    assert max(loads) - min(loads) <= 2 * max(costs.values())
    grown = assign({**costs, "new": 5.0}, 4)
    moved = [b for b in costs if grown[b] != shards[b]]
    assert len(moved) <= 8, "one more briefing moves only its neighbours"


def test_one_heavy_briefing_gets_a_shard_to_itself() -> None:
    shards = assign({"heavy": 100.0, "a": 1.0, "b": 1.0, "c": 1.0}, 2)
    assert list(shards.values()).count(shards["heavy"]) == 1


# --------------------------------------------------------------------------- specs


def test_shard_auto_reads_an_indexed_jobs_environment(mini: Path, tmp_path: Path) -> None:
    assert parse_shard("auto", {"JOB_COMPLETION_INDEX": "0", "JOB_COMPLETION_COUNT": "3"}) == (
        Shard(1, 3)
    )
    out = tmp_path / "out"
    env = {"JOB_COMPLETION_INDEX": "1", "JOB_COMPLETION_COUNT": "2"}
    code, _, err = cli(
        "build", "--facts", mini, "--out", out, "-f", "md", "--shard", "auto", env=env
    )
    assert code == 0, err
    assert (out / "manifest.shard-2-of-2.json").exists()


@pytest.mark.parametrize(
    ("spec", "env", "message"),
    [
        ("0/3", {}, "K must be between 1 and N"),
        ("4/3", {}, "K must be between 1 and N"),
        ("1/0", {}, "N must be at least 1"),
        ("3", {}, "write K/N"),
        ("-1/3", {}, "write K/N"),
        ("a/b", {}, "write K/N"),
        ("1/3/2", {}, "write K/N"),
        ("auto", {}, "JOB_COMPLETION_INDEX and JOB_COMPLETION_COUNT not set"),
        ("auto", {"JOB_COMPLETION_INDEX": "0"}, "JOB_COMPLETION_COUNT not set"),
        ("auto", {"JOB_COMPLETION_INDEX": "3", "JOB_COMPLETION_COUNT": "3"}, "not below"),
        ("auto", {"JOB_COMPLETION_INDEX": "x", "JOB_COMPLETION_COUNT": "3"}, "whole numbers"),
    ],
)
def test_a_bad_shard_spec_is_a_usage_error(
    spec: str, env: dict[str, str], message: str, mini: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    for name in ("JOB_COMPLETION_INDEX", "JOB_COMPLETION_COUNT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(UsageError, match=message):
        parse_shard(spec, env)
    out = tmp_path / "out"
    code, _, err = cli("build", "--facts", mini, "--out", out, "--shard", spec, env=env)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not out.exists()


# --------------------------------------------------------------------------- one shared folder


def test_shards_into_one_shared_folder_run_side_by_side(tmp_path: Path) -> None:
    """Three shard processes at once into one folder: no lock conflict, each its own
    manifest; merged in place, the next full build is a no-op."""
    factbase = six_briefings(tmp_path)
    out = tmp_path / "shared"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefing",
                "build",
                "--facts",
                str(factbase),
                "--out",
                str(out),
                "-f",
                "md",
                "-f",
                "html",
                "-j",
                "1",
                "-q",
                "--shard",
                f"{k}/3",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in (1, 2, 3)
    ]
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stdout + stderr
    assert sorted(p.name for p in out.glob("manifest*.json")) == [
        f"manifest.shard-{k}-of-3.json" for k in (1, 2, 3)
    ]
    code, _, err = cli("merge-manifests", out, "--into", out)
    assert code == 0, err
    assert "0 copied" in err
    full = Options(factbase=factbase, out=out, formats=("md", "html"))
    assert nothing_changed(full) is not None
    # two formats, each with its edition copy; the catalogue (2 files), feed and record
    assert len(files(out)) == len(BRIEFINGS) * 2 * 2 + 4


def test_the_lock_keeps_a_full_build_and_the_same_shard_apart(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", "--facts", mini, "--out", out, "-f", "md")
    with OutputFolder(out, shard="shard-1-of-2"):  # shard 1 is writing
        assert cli(*args, "--shard", "2/2")[0] == 0  # another shard goes ahead
        code, _, err = cli(*args, "--shard", "1/2")
        assert code == 4 and "shard-1-of-2" in err
        code, _, err = cli(*args)  # a full build waits for every shard
        assert code == 4 and "another build holds the lock" in err
    with OutputFolder(out):  # a full build is writing
        code, _, err = cli(*args, "--shard", "2/2", "--force")
        assert code == 4


def test_a_shards_first_build_into_a_full_builds_folder_rebuilds_nothing(
    site: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    factbase, full, shards = site
    out = tmp_path / "out"
    shutil.copytree(full, out)
    result = build.run(options(factbase, out, Shard(2, 3)))
    assert result.built == [] and result.skipped
    recorded = json.loads((out / "manifest.shard-2-of-3.json").read_text())["outputs"]
    assert set(recorded) == set(files(shards[1]))  # its own outputs, and only those
    assert (out / "manifest.json").read_bytes() == (full / "manifest.json").read_bytes()


def test_a_shard_waits_only_for_its_own_journal_and_the_folders(tmp_path: Path) -> None:
    from briefing.writing import LOCK_NAME, journal_pending, shard_lock_name

    (tmp_path / shard_lock_name("shard-2-of-3")).write_text("c5.md.tmp\n")
    assert journal_pending(tmp_path)  # a full build sees a shard at work
    assert journal_pending(tmp_path, "shard-2-of-3")
    assert not journal_pending(tmp_path, "shard-1-of-3")
    (tmp_path / LOCK_NAME).write_text("c2.md.tmp\n")
    assert journal_pending(tmp_path, "shard-1-of-3")


# --------------------------------------------------------------------------- merge refusals


@pytest.fixture
def shard_copies(site: tuple[Path, Path, list[Path]], tmp_path: Path) -> list[Path]:
    _, _, shards = site
    copies = []
    for out in shards:
        shutil.copytree(out, tmp_path / out.name)
        copies.append(tmp_path / out.name)
    return copies


def edit_manifest(folder: Path, change: dict[str, object]) -> None:
    path = next(folder.glob("manifest.shard-*.json"))
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))


def refused(shards: list[Path], into: Path, message: str) -> None:
    code, _, err = cli("merge-manifests", *shards, "--into", into)
    assert code == 2, err
    assert message in err, err
    assert not (into / "manifest.json").exists()


def test_merge_refuses_a_missing_shard(shard_copies: list[Path], tmp_path: Path) -> None:
    refused(shard_copies[:2], tmp_path / "m", "shard 3 of 3 missing")


def test_merge_refuses_another_tool_version(shard_copies: list[Path], tmp_path: Path) -> None:
    edit_manifest(shard_copies[1], {"tool_version": "0.0.1"})
    refused(shard_copies, tmp_path / "m", "written by briefing 0.0.1")


def test_merge_refuses_another_fact_base(shard_copies: list[Path], tmp_path: Path) -> None:
    edit_manifest(shard_copies[2], {"factbase_digest": "1" * 64})
    refused(shard_copies, tmp_path / "m", "built from another fact base")


def test_merge_refuses_overlapping_outputs_that_differ(
    shard_copies: list[Path], tmp_path: Path
) -> None:
    first = next(shard_copies[0].glob("manifest.shard-*.json"))
    outputs = json.loads(first.read_text())["outputs"]
    name, record = next(iter(outputs.items()))
    second = next(shard_copies[1].glob("manifest.shard-*.json"))
    data = json.loads(second.read_text())
    data["outputs"][name] = {**record, "sha256": "2" * 64}
    second.write_text(json.dumps(data))
    refused(shard_copies, tmp_path / "m", "with different contents")


def test_merge_refuses_a_file_that_is_not_what_its_shard_recorded(
    shard_copies: list[Path], tmp_path: Path
) -> None:
    damaged = next(shard_copies[1].glob("*.md"))
    damaged.write_text("not what was built\n")
    refused(shard_copies, tmp_path / "m", f"{damaged.name}: missing from {shard_copies[1]}")
    assert files(tmp_path / "m") == {}  # every file is checked before any is copied


def test_merge_refuses_shards_built_from_other_inputs(
    shard_copies: list[Path], tmp_path: Path
) -> None:
    path = next(shard_copies[1].glob("manifest.shard-*.json"))
    data = json.loads(path.read_text())
    first = next(iter(data["build_inputs"]["files"]))
    data["build_inputs"]["files"][first] = "3" * 64
    path.write_text(json.dumps(data))
    refused(shard_copies, tmp_path / "m", "its input files (fact base, sources, templates) differ")


def test_merge_refuses_a_full_builds_manifest(
    site: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    _, full, _ = site
    refused([full / "manifest.json"], tmp_path / "m", "not a shard's manifest")


# --------------------------------------------------------------------------- worker recycling


def pid_file(doc: object, job: object) -> tuple[bytes, ...]:
    """A renderer for the test's `pid` format: the id of the worker process that ran it."""
    return (str(os.getpid()).encode(),)


def test_render_workers_are_replaced_after_their_share_of_targets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Through a real build: with one worker recycled after every two targets, six targets
    are rendered by three processes, two each; the outputs are the same as without."""
    from briefing.build.options import FORMATS as TABLE
    from briefing.build.options import OutputFormat

    factbase = six_briefings(tmp_path)
    monkeypatch.setitem(TABLE, "pid", OutputFormat("pid", ".pid", f"{__name__}:pid_file", "pid"))
    plain = build.run(Options(factbase=factbase, out=tmp_path / "a", formats=("html",), jobs=1))
    out = tmp_path / "b"
    result = build.run(
        Options(factbase=factbase, out=out, formats=("html", "pid"), jobs=1, worker_tasks=2)
    )
    assert not result.failed and not plain.failed
    pids = [int((out / f"{b}.pid").read_text()) for b in BRIEFINGS]
    assert os.getpid() not in pids
    assert len(set(pids)) == 6, "12 targets, 2 per worker: 6 workers"
    def pages(folder: Path) -> dict[str, str]:  # the briefings' pages; the catalogue lists formats
        return {n: s for n, s in files(folder).items() if n.endswith(".html") and "index" not in n}

    assert pages(out) == pages(tmp_path / "a")
    few = tmp_path / "c"  # as many targets as one generation takes: one worker throughout
    assert not build.run(Options(factbase=factbase, out=few, formats=("pid",), jobs=1)).failed
    assert len({(few / f"{b}.pid").read_text() for b in BRIEFINGS}) == 1


# --------------------------------------------------------------------------- the docs


def doc_blocks(language: str) -> list[str]:
    text = (REPO / "docs" / "scaling.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def test_the_scaling_docs_yaml_parses_and_the_job_is_indexed() -> None:
    documents = [d for block in doc_blocks("yaml") for d in yaml.safe_load_all(block)]
    assert len(doc_blocks("yaml")) == 3  # Kubernetes, GitHub Actions, GitLab CI
    jobs = [d for d in documents if d.get("kind") == "Job"]
    build_job = next(
        j for j in jobs if "--shard" in j["spec"]["template"]["spec"]["containers"][0]["command"]
    )
    spec = build_job["spec"]
    assert spec["completionMode"] == "Indexed"
    container = spec["template"]["spec"]["containers"][0]
    assert container["command"][container["command"].index("--shard") + 1] == "auto"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["JOB_COMPLETION_COUNT"] == str(spec["completions"])
    merge_job = next(j for j in jobs if j is not build_job)
    assert "merge-manifests" in merge_job["spec"]["template"]["spec"]["containers"][0]["command"]
    workflow = next(d for d in documents if "jobs" in d)
    shards = workflow["jobs"]["build"]["strategy"]["matrix"]["shard"]
    run = " ".join(step.get("run", "") for step in workflow["jobs"]["build"]["steps"])
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in run
    assert workflow["jobs"]["merge"]["needs"] == "build"


def test_the_scaling_docs_commands_use_real_options() -> None:
    """Every `briefing build`/`merge-manifests` line in the docs parses with the real CLI."""
    from typer.main import get_command

    command = get_command(app)
    text = "\n".join(doc_blocks("sh") + doc_blocks("yaml"))
    lines = re.findall(r"briefing (build|merge-manifests) ([^'\n\]]*)", text)
    assert len(lines) >= 6
    for name, rest in lines:
        args = [a for a in rest.replace("\\", " ").split() if not a.startswith("$")]
        args = [a.strip('",') for a in args if a not in ("&&",)]
        ctx = command.make_context("briefing", [name, "--help"], resilient_parsing=True)
        sub = command.get_command(ctx, name)  # type: ignore[attr-defined]
        known = {opt for p in sub.params for opt in p.opts}
        options = [a.split("=")[0] for a in args if a.startswith("-")]
        assert set(options) <= known, (name, set(options) - known)
