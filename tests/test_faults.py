"""Faults during a build: killed processes, unwritable folders, rival builds, runaway PDFs.

Real `python -m briefing build` processes throughout (a SIGKILL or a file-size limit only means
something for a real process). The promise under test, from the README: every output is either
its previous version or its new one, never a part of either; a failed target keeps its previous
output; the next build repairs everything.

How the read-only folder is made when the tests run as root (root ignores permission bits):
`chattr +i` on every directory of the output folder, which refuses creating, renaming and
deleting entries in them even to root; as another user, plain `chmod 0555`. Without either the
test skips. A full disk is stood in for by RLIMIT_FSIZE in the child (writes past the limit
fail with EFBIG; Python ignores SIGXFSZ, so the process is not killed).
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing import build
from briefing.build import Options, pipeline
from briefing.writing import LOCK_NAME

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
TEMP = re.compile(r"^\..+\.tmp$")
ALL_VARIANTS = ("--pdf-variant", "ua", "--pdf-variant", "a3b")
OTHER_MARKING = ("--marking", "UNCLASSIFIED|TLP:RED")


# --------------------------------------------------------------------------- helpers


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "briefing", "build", *map(str, args)]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def run_build(
    *args: object, preexec_fn: Callable[[], None] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        env=environment(),
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def start_build(*args: object) -> subprocess.Popen[bytes]:
    """A build in its own session, so it and its PDF workers can be stopped by group id."""
    return subprocess.Popen(
        command(*args),
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a build started by `start_build` and any PDF worker it left behind."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def mini(tmp_path: Path, name: str = "mini") -> Path:
    shutil.copytree(MINI, tmp_path / name)
    return tmp_path / name / "factbase"


def files(folder: Path) -> dict[str, bytes]:
    """Every output at its final path: no lock file, no temporary file."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != LOCK_NAME and not TEMP.match(p.name)
    }


def temporaries(folder: Path) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*") if TEMP.match(p.name)]


def assert_manifest_matches(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outputs = manifest["outputs"]
    on_disk = set(files(out)) - {"manifest.json"}
    assert set(outputs) == on_disk
    for name, entry in outputs.items():
        data = (out / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert entry["size"] == len(data), name


def second_briefing(factbase: Path) -> None:
    """c3: the same briefing under another id, so one target can fail beside a good one."""
    c2 = (factbase / "briefings" / "c2.yaml").read_text(encoding="utf-8")
    (factbase / "briefings" / "c3.yaml").write_text(c2.replace("id: c2", "id: c3"))


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """Make every directory under `folder` refuse new, renamed and deleted entries."""
    dirs = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
    if os.geteuid() != 0:
        for d in dirs:
            d.chmod(0o555)
        try:
            yield "chmod 0555"
        finally:
            for d in dirs:
                d.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", *dirs], check=False).returncode:
        subprocess.run([chattr or "true", "-i", *dirs], check=False)
        pytest.skip("root without a working `chattr +i`: no way to make a folder read-only")
    try:
        probe = folder / "probe"
        with contextlib.suppress(PermissionError):
            probe.write_text("x")
            probe.unlink()
            pytest.skip("chattr +i did not make the folder read-only on this file system")
        yield "chattr +i"
    finally:
        subprocess.run([chattr, "-i", *dirs], check=False)


# --------------------------------------------------------------------------- SIGKILL


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_only_whole_files(
    tmp_path: Path, qpdf_check: Callable[[Path], str]
) -> None:
    factbase = mini(tmp_path)
    briefing = factbase / "briefings" / "c2.yaml"
    states = [briefing.read_bytes()]
    states.append(states[0].replace(b"some 54,000 US troops", b"about 54,000 US troops"))
    assert states[1] != states[0]
    common = ("--facts", factbase, "--force", "-j", 1, *ALL_VARIANTS, "--quiet")

    # Every version a final path may legitimately hold: what either state's build writes.
    good: dict[str, dict[bytes, int]] = defaultdict(dict)  # name -> bytes -> state
    manifests: list[bytes] = []
    for i, state in enumerate(states):
        briefing.write_bytes(state)
        ref = tmp_path / f"ref{i}"
        proc = run_build(*common, "--out", ref)
        assert proc.returncode == 0, proc.stderr
        for name, data in files(ref).items():
            if name == "manifest.json":
                manifests.append(data)
            else:
                good[name][data] = i
        for pdf in ref.rglob("*.pdf"):
            qpdf_check(pdf)
    # The edition's record holds no BLUF, the catalogue and the feed no fact statement: the
    # same in both states, the outputs not.
    site = ("record.json", "index.html", "index.fragment.html", "feed.xml")
    differ = {name: v for name, v in good.items() if not name.endswith(site)}
    assert all(len(versions) == 2 for versions in differ.values()), "the states must differ"

    out = tmp_path / "out"
    briefing.write_bytes(states[0])
    assert run_build(*common, "--out", out).returncode == 0

    rng = random.Random(20240728)
    interrupted = mixed = 0
    for i in range(15):
        briefing.write_bytes(states[(i + 1) % 2])
        proc = start_build(*common, "--out", out)
        time.sleep(rng.uniform(0, 2))
        interrupted += proc.poll() is None
        kill_group(proc)
        now = files(out)
        assert set(now) == set(good) | {"manifest.json"}, f"kill {i}: a file went missing"
        assert now["manifest.json"] in manifests, f"kill {i}: manifest.json is neither version"
        seen = set()
        for name, data in now.items():
            if name != "manifest.json":
                assert data in good[name], f"kill {i}: {name} is neither version (partial?)"
                if name in differ:
                    seen.add(good[name][data])
        mixed += len(seen) > 1  # killed between two renames: old and new files side by side
    assert interrupted >= 5, "the loop should interrupt builds, not only watch finished ones"
    print(f"{interrupted} of 15 builds killed mid-way, {mixed} left old and new files mixed")

    proc = run_build("--facts", factbase, "-j", 1, *ALL_VARIANTS, "--out", out)  # no --force
    assert proc.returncode == 0, proc.stderr
    assert temporaries(out) == []
    assert_manifest_matches(out)
    final_state = states.index(briefing.read_bytes())
    assert files(out) == files(tmp_path / f"ref{final_state}")


def test_the_next_build_removes_the_temporaries_a_killed_build_left_and_nothing_else(
    tmp_path: Path,
) -> None:
    """A killed build leaves its temporary files journalled in the lock file (as `write`
    journals each one before making it); look-alikes no build journalled are another tool's."""
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-f", "md").returncode == 0
    stale = [out / ".c2.md.k1ll3d_x.tmp", out / "editions" / "2024-07-28" / ".c2.pdf.abcdefgh.tmp"]
    kept = [
        out / "notes.tmp",
        out / ".keep.tmp",
        out / "readme.txt",
        out / ".c2.html.0a1b2c3d.tmp",  # named as this tool names them, but not journalled
        out / ".something.abcdefgh.tmp",
    ]
    for path in stale + kept:
        path.write_bytes(b"half a file")
    (out / LOCK_NAME).write_text("".join(f"{p.relative_to(out)}\n" for p in stale))
    assert run_build("--facts", factbase, "--out", out, "-f", "md").returncode == 0
    assert [p for p in stale if p.exists()] == []
    assert all(p.exists() for p in kept)
    assert (out / LOCK_NAME).read_bytes() == b"", "the journal is emptied once cleaned up"


def test_a_journal_cannot_make_a_build_delete_outside_its_temporaries(tmp_path: Path) -> None:
    """The journal is a file in the output folder: a hand-made one names no real output, no
    path outside, nothing through a symlinked folder."""
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-f", "md").returncode == 0
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    victim = outside / ".victim.abcdefgh.tmp"
    victim.write_text("keep me")
    (out / "link").symlink_to(outside)
    journal = ["c2.md", "../elsewhere/.victim.abcdefgh.tmp", "link/.victim.abcdefgh.tmp"]
    journal.append(str(victim))
    (out / LOCK_NAME).write_text("\n".join(journal) + "\n")
    assert run_build("--facts", factbase, "--out", out, "-f", "md").returncode == 0
    assert victim.read_text() == "keep me"
    assert (out / "c2.md").exists()


# --------------------------------------------------------------------------- unwritable folders


def test_read_only_output_folder_is_an_environment_error_and_keeps_previous_outputs(
    tmp_path: Path,
) -> None:
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-j", 1).returncode == 0
    before = files(out)
    with read_only(out) as how:
        proc = run_build("--facts", factbase, "--out", out, "-j", 1, "--force", *OTHER_MARKING)
        after = files(out)
        leftovers = temporaries(out)
    assert proc.returncode == 2, (how, proc.stdout, proc.stderr)  # nothing was attempted
    assert not [ln for ln in proc.stdout.splitlines() if ln.startswith("failed")], proc.stdout
    assert f"briefing: cannot write into output folder {out}" in proc.stderr
    assert after == before
    assert leftovers == []


def test_read_only_empty_output_folder_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).touch()
    with read_only(out):
        proc = run_build("--facts", factbase, "--out", out, "-f", "md")  # asserts no traceback
        assert files(out) == {}
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"briefing: cannot write into output folder {out}" in proc.stderr


def test_a_read_only_editions_folder_fails_the_targets_not_the_build(tmp_path: Path) -> None:
    """A folder the build can enter but not wholly write: each target fails alone (exit 3)."""
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-j", 1, "-f", "md").returncode == 0
    before = files(out)
    with read_only(out / "editions"):
        proc = run_build("--facts", factbase, "--out", out, "-f", "md", "--force", *OTHER_MARKING)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert re.search(r"failed\s+c2\.md: cannot write .*c2\.md: ", proc.stdout), proc.stdout
    assert files(out)["editions/2024-07-28/c2.md"] == before["editions/2024-07-28/c2.md"]


def test_full_disk_keeps_previous_outputs_and_leaves_no_temporary(tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands in for a full disk: every write past 1 kB fails with EFBIG."""
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-j", 1).returncode == 0
    before = files(out)

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    proc = run_build(
        "--facts", factbase, "--out", out, "-j", 1, "--force", *OTHER_MARKING,
        preexec_fn=small_files,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "File too large" in proc.stdout, proc.stdout
    assert files(out) == before
    assert temporaries(out) == []
    assert errno.EFBIG  # the errno behind "File too large"


def test_output_path_that_is_a_file_is_an_environment_error(tmp_path: Path) -> None:
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    out.write_text("not a folder")
    proc = run_build("--facts", factbase, "--out", out, "-f", "md")
    assert proc.returncode == 2
    assert f"briefing: cannot use output folder {out}" in proc.stderr
    assert out.read_text() == "not a folder"


# --------------------------------------------------------------------------- two builds at once


def wait_until_locked(lock: Path, proc: subprocess.Popen[bytes], limit: float = 60) -> None:
    """Poll the lock without ever holding it long (the build waits up to 30 s for it)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the first build ended before it was seen holding the lock"
        if lock.exists():
            fd = os.open(lock, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            else:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        time.sleep(0.02)
    pytest.fail("the first build never took the lock")


@pytest.mark.slow
def test_two_builds_on_one_folder_never_interleave(tmp_path: Path) -> None:
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-j", 1).returncode == 0
    first = start_build("--facts", factbase, "--out", out, "-j", 1, "--force", "--wait-lock", 30)
    try:
        wait_until_locked(out / LOCK_NAME, first)
        os.kill(first.pid, signal.SIGSTOP)  # frozen while it holds the lock
        frozen = files(out)

        proc = run_build("--facts", factbase, "--out", out, "--wait-lock", 0, *OTHER_MARKING)
        assert proc.returncode == 4, proc.stdout + proc.stderr
        assert "another build holds the lock" in proc.stderr
        assert "--wait-lock" in proc.stderr
        assert files(out) == frozen

        waiting = subprocess.Popen(
            command("--facts", factbase, "--out", out, "-j", 1, "--wait-lock", 120,
                    *OTHER_MARKING),
            env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(2)
        assert waiting.poll() is None, "the second build should wait for the lock"
        assert files(out) == frozen, "nothing may be written while another build holds the lock"
        os.kill(first.pid, signal.SIGCONT)
        assert first.wait(timeout=120) == 0
        stdout, stderr = waiting.communicate(timeout=120)
        assert waiting.returncode == 0, stdout + stderr
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(first.pid, signal.SIGCONT)
        kill_group(first)

    ref = tmp_path / "ref"
    assert run_build("--facts", factbase, "--out", ref, "-j", 1, *OTHER_MARKING).returncode == 0
    assert files(out) == files(ref)  # wholly the waiting build's version
    assert_manifest_matches(out)
    assert temporaries(out) == []


# --------------------------------------------------------------------------- runaway PDFs


def page_filler(count: int, only: str = "c2") -> str:
    """A `_toc.html.j2` that buries one briefing's PDF under `count` paragraphs."""
    return (
        f'{{% if doc.id == "{only}" %}}{{% for i in range({count}) %}}'
        "<p>Paragraph {{ i }} of a document that grows far past what a briefing is.</p>\n"
        "{% endfor %}{% endif %}\n"
    )


def test_pdf_that_hangs_fails_alone_within_the_timeout(tmp_path: Path) -> None:
    factbase = mini(tmp_path)
    second_briefing(factbase)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-j", 1).returncode == 0
    before = files(out)
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    (templates / "_toc.html.j2").write_text(page_filler(100_000))
    started = time.perf_counter()
    proc = run_build(
        "--facts", factbase, "--out", out, "-j", 1, "-f", "md", "-f", "pdf",
        "--templates", templates, "--timeout", 2,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert re.search(r"failed\s+c2\.pdf: PDF layout took longer than 2 s", proc.stdout)
    assert re.search(r"built\s+c3\.pdf", proc.stdout), proc.stdout
    assert (out / "c2.pdf").read_bytes() == before["c2.pdf"]
    assert seconds < 60
    assert temporaries(out) == []


def png_bomb() -> str:
    """A 12000 x 12000 PNG, 0.4 MB as a data: URL, 432 MB once decoded (Pillow allows it)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (12_000, 12_000)).save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_pdf_that_balloons_fails_alone_within_the_memory_bound(tmp_path: Path) -> None:
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-j", 1).returncode == 0
    before = files(out)
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    (templates / "_toc.html.j2").write_text(f'<img alt="" src="{png_bomb()}">\n')
    proc = run_build(
        "--facts", factbase, "--out", out, "-j", 1, "-f", "md", "-f", "pdf",
        "--templates", templates, "--memory", 1024,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert re.search(
        r"failed\s+c2\.pdf: (PDF layout ran out of its memory bound|the PDF worker died)",
        proc.stdout,
    ), proc.stdout
    assert re.search(r"built\s+c2\.md", proc.stdout)
    assert (out / "c2.pdf").read_bytes() == before["c2.pdf"]
    assert temporaries(out) == []


def die_in_the_worker(renderer: str, doc: Any, job: Any) -> Any:
    """Stands in for the worker's render job: the c2 worker dies as the OOM killer kills."""
    if "c2.pdf" in job.names:
        os._exit(137)
    return _REAL_JOB(renderer, doc, job)


_REAL_JOB = pipeline._render_job


def test_a_dying_pdf_worker_fails_only_its_own_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factbase = mini(tmp_path)
    second_briefing(factbase)
    monkeypatch.setattr(pipeline, "_render_job", die_in_the_worker)
    result = build.run(
        # a generous bound: the workers fork this (large) pytest process
        Options(factbase=factbase, out=tmp_path / "out", formats=("pdf",), jobs=1, memory_mib=8192)
    )
    assert list(result.failed) == ["c2.pdf"]
    assert "the PDF worker died" in result.failed["c2.pdf"]
    # its pool broke too, but it was retried alone (and so were the catalogue and the feed)
    assert sorted(result.built) == ["c3.pdf", "feed.xml", "index.html"]


def svg_use_bomb(levels: int = 4, fan: int = 10) -> str:
    """An SVG whose <use> chain draws fan**levels rectangles: slow to draw, small to send."""
    defs = '<rect id="g0" width="1" height="1"/>'
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#g{level - 1}" x="{j}"/>' for j in range(fan))
        defs += f'<g id="g{level}">{uses}</g>'
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        f'<defs>{defs}</defs><use href="#g{levels}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@pytest.mark.slow
def test_pdf_time_limit_holds_while_svg_images_are_drawn(tmp_path: Path) -> None:
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    image = svg_use_bomb(levels=5)  # 600,000 rectangles: minutes to draw without the limit
    (templates / "_toc.html.j2").write_text(
        "".join(f'<img alt="" src="{image}#{k}">' for k in range(6)) + "\n"
    )
    started = time.perf_counter()
    proc = run_build(
        "--facts", factbase, "--out", out, "-j", 1, "-f", "pdf",
        "--templates", templates, "--timeout", 2,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert proc.returncode == 3, f"exit {proc.returncode} after {seconds:.1f} s: {proc.stdout}"
    assert seconds < 2 + 28  # start-up and clean-up on a loaded 2-core machine, not the drawing


# --------------------------------------------------------------------------- missing assets


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('<img alt="" src="assets/missing.png">', "asset assets/missing.png not found"),
        ('<img alt="" src="missing.png">', "asset missing.png not found"),
        ('<link rel="stylesheet" href="missing.css">', "asset missing.css not found"),
        (
            "<style>@font-face { font-family: Gone; src: url(gone.woff2) }"
            " p { font-family: Gone }</style>",
            "asset gone.woff2 not found",
        ),
    ],
)
def test_missing_asset_fails_the_pdf_instead_of_changing_it(
    tmp_path: Path, snippet: str, message: str
) -> None:
    """A template that names an asset the assets folder lacks: an error, not a quieter PDF."""
    factbase = mini(tmp_path)
    out = tmp_path / "out"
    assert run_build("--facts", factbase, "--out", out, "-j", 1, "-f", "pdf").returncode == 0
    before = files(out)
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    (templates / "_toc.html.j2").write_text(snippet + "\n")
    proc = run_build(
        "--facts", factbase, "--out", out, "-j", 1, "-f", "pdf", "--templates", templates
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert re.search(
        r"failed\s+c2\.pdf: PDF refused a resource: " + re.escape(message), proc.stdout
    )
    after = files(out)
    # The catalogue is rendered again with the new templates folder (its bytes stay the
    # same); so only its manifest record may change.
    assert {n: d for n, d in after.items() if n != "manifest.json"} == {
        n: d for n, d in before.items() if n != "manifest.json"
    }
    outputs = [json.loads(f["manifest.json"])["outputs"] for f in (before, after)]
    assert [{n: r for n, r in o.items() if n.startswith(("c2", "editions/"))} for o in outputs] == [
        {n: r for n, r in outputs[0].items() if n.startswith(("c2", "editions/"))}
    ] * 2
