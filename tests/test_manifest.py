"""The output folder as something a user or another tool may have touched: a hand-edited or
hostile `manifest.json`, a FIFO or device where a file should be, a symlinked briefings
folder, a restrictive umask. None gives a traceback, a hang or a missed rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
SHA = "0" * 64


def run_build(
    *args: object, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "build", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,  # a FIFO read would hang far longer
        check=False,
        preexec_fn=preexec_fn,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The mini fact base built once in Markdown and HTML: (fact base, output folder)."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(MINI, root / "mini")
    factbase, out = root / "mini" / "factbase", root / "out"
    proc = run_build("--facts", factbase, "--out", out, "-f", "md", "-f", "html")
    assert proc.returncode == 0, proc.stderr
    return factbase, out


@pytest.fixture
def site(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A fresh copy of the built output folder: (fact base, output folder)."""
    factbase, out = built
    shutil.copytree(out, tmp_path / "out", symlinks=True)
    return factbase, tmp_path / "out"


def assert_manifest_matches(out: Path) -> None:
    """The manifest names exactly the outputs on disk, each with its digest and size."""
    outputs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    found = [*out.rglob("c2.*"), *out.rglob("record.json")]  # the outputs and edition records
    on_disk = {str(p.relative_to(out)) for p in found}
    on_disk |= {n for n in ("index.html", "index.fragment.html", "feed.xml") if (out / n).exists()}
    assert set(outputs) == on_disk
    for name, entry in outputs.items():
        data = (out / name).read_bytes()
        assert entry == {**entry, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def record(**changes: Any) -> dict[str, Any]:
    return {"briefing": "c2", "format": "md", "inputs": SHA, "sha256": SHA, "size": 3, **changes}


def state(**changes: Any) -> dict[str, Any]:
    return {"options": "x", "folders": [], "listing": [], "files": {}, "targets": [], **changes}


HAND_EDITED: dict[str, object] = {
    "not JSON": "{",
    "a list": [],
    "outputs a list": {"outputs": []},
    "an output a string": {"outputs": {"c2.md": "edited"}},
    "an output missing fields": {"outputs": {"c2.md": {"sha256": SHA}}},
    "an output with extra fields": {"outputs": {"c2.md": record(extra=1)}},
    "a size that is text": {"outputs": {"c2.md": record(size="3")}},
    "a digest that is a number": {"outputs": {"c2.md": record(sha256=1)}},
    "an absolute name": {"outputs": {"/dev/zero": record()}},
    "a name outside": {"outputs": {"../../../../dev/zero": record()}},
    "a NUL in a name": {"outputs": {"c2\u0000.md": record()}},
    "inputs a string": {"build_inputs": "x"},
    "inputs naming a device": {"build_inputs": state(files={"/dev/zero": SHA})},
    "inputs naming a folder outside": {"build_inputs": state(folders=["/"], files={})},
    "inputs with relative paths": {"build_inputs": state(folders=["x"], listing=["x/y"])},
    "targets a number": {"build_inputs": state(targets=3)},
    "deep nesting": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("force", [False, True], ids=["", "--force"])
@pytest.mark.parametrize("content", list(HAND_EDITED.values()), ids=list(HAND_EDITED))
def test_a_hand_edited_manifest_means_a_rebuild_never_a_traceback(
    site: tuple[Path, Path], content: object, force: bool
) -> None:
    factbase, out = site
    good = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("c2.")}
    text = content if isinstance(content, str) else json.dumps(content)
    (out / "manifest.json").write_text(text, encoding="utf-8")
    extra = ("--force",) if force else ()
    proc = run_build("--facts", factbase, "--out", out, "-f", "md", "-f", "html", *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("c2.")} == good
    assert_manifest_matches(out)
    again = run_build("--facts", factbase, "--out", out, "-f", "md", "-f", "html")
    assert "0 built, 4 skipped" in again.stdout  # and the next build is a no-op again


def test_a_fifo_for_a_manifest_neither_hangs_nor_stays(site: tuple[Path, Path]) -> None:
    factbase, out = site
    (out / "manifest.json").unlink()
    os.mkfifo(out / "manifest.json")
    proc = run_build("--facts", factbase, "--out", out, "-f", "md", "-f", "html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert stat.S_ISREG((out / "manifest.json").lstat().st_mode)
    assert_manifest_matches(out)


def test_a_fifo_for_an_output_is_replaced_not_read(site: tuple[Path, Path]) -> None:
    factbase, out = site
    (out / "c2.md").unlink()
    os.mkfifo(out / "c2.md")
    proc = run_build("--facts", factbase, "--out", out, "-f", "md", "-f", "html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "built   c2.md" in proc.stdout
    assert stat.S_ISREG((out / "c2.md").lstat().st_mode)


@pytest.mark.parametrize("special", ["a FIFO in the project", "/dev/zero"])
def test_inputs_naming_a_fifo_or_a_device_neither_hang_nor_exhaust_the_fast_path(
    site: tuple[Path, Path], special: str
) -> None:
    """The recorded input state, with the right options fingerprint, names a file that would
    block or never end: the fast path must not read it (a 2 GiB cap keeps a failure cheap)."""
    factbase, out = site
    if special == "/dev/zero":
        path, folder = Path("/dev/zero"), Path("/dev")
    else:
        path, folder = factbase.parent / "pipe", factbase.parent
        os.mkfifo(path)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["build_inputs"]["files"][str(path)] = SHA
    manifest["build_inputs"]["folders"].append(str(folder))
    (out / "manifest.json").write_text(json.dumps(manifest))

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    try:
        proc = run_build(
            "--facts", factbase, "--out", out, "-f", "md", "-f", "html", preexec_fn=cap
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "0 built, 4 skipped" in proc.stdout  # the full path found the outputs current
    finally:
        if special != "/dev/zero":
            path.unlink()


@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_outputs_are_written_with_the_process_umask(
    built: tuple[Path, Path], tmp_path: Path, umask: int, mode: int
) -> None:
    """A TLP:RED briefing built under `umask 077` must not come out world-readable."""
    factbase, _ = built
    out = tmp_path / "out"
    proc = run_build(
        "--facts", factbase, "--out", out, "-f", "md", "--marking", "TLP:RED",
        preexec_fn=lambda: os.umask(umask) and None,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for path in (out / "c2.md", out / "editions" / "2024-07-28" / "c2.md", out / "manifest.json"):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


def test_a_symlinked_briefings_folder_does_not_hide_edits_from_the_fast_path(
    tmp_path: Path,
) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    factbase = tmp_path / "mini" / "factbase"
    shared = tmp_path / "mini" / "shared-briefings"
    (factbase / "briefings").rename(shared)
    (factbase / "briefings").symlink_to(shared, target_is_directory=True)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-f", "md").returncode == 0
    assert "0 built, 3 skipped" in run_build("--facts", factbase, "--out", out, "-f", "md").stdout
    c2 = shared / "c2.yaml"
    c2.write_text(c2.read_text().replace("title: ", "title: Edited ", 1))
    proc = run_build("--facts", factbase, "--out", out, "-f", "md")
    assert proc.returncode == 0, proc.stderr
    assert "built   c2.md" in proc.stdout, proc.stdout
    assert "Edited " in (out / "c2.md").read_text()


def test_a_file_saved_during_a_build_is_not_taken_for_built(tmp_path: Path) -> None:
    """The build records the inputs as it read them: a save while it runs (the Markdown
    stage is slowed here) makes the next build render again, never a no-op."""
    shutil.copytree(MINI, tmp_path / "mini")
    factbase = tmp_path / "mini" / "factbase"
    templates = tmp_path / "templates"
    templates.mkdir()
    busy = "{% for i in range(150) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    (templates / "topic.md.j2").write_text(
        (REPO / "templates" / "topic.md.j2")
        .read_text()
        .replace("{% block body %}\n", "{% block body %}\n" + busy + "\n")
    )
    out = tmp_path / "out"
    args = ("--facts", factbase, "--out", out, "-f", "md", "--templates", templates)
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing", "build", *map(str, args)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    while not children.read_text().split():  # the workers start once the fact base is read
        assert time.monotonic() < deadline, "the build never started its workers"
        time.sleep(0.05)
    time.sleep(0.3)  # inside the slowed Markdown stage: the fact base was read
    facts = factbase / "facts.yaml"
    facts.write_text(facts.read_text().replace("about 54,000", "nearly 54,000"))
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, output
    assert "nearly 54,000" not in (out / "c2.md").read_text(), "the save came too early"
    again = run_build(*args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "built   c2.md" in again.stdout, again.stdout
    assert "nearly 54,000" in (out / "c2.md").read_text()
