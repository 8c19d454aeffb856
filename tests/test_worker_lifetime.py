"""A build killed by a signal to its main process alone leaves nothing behind that blocks the
next one: no worker outlives it, and the output folder's lock goes with it.

Schedulers end a build in ways a process-group kill does not cover: systemd with
`KillMode=process`, a supervisor that signals one pid, the OOM killer. So here only the main
pid is signalled, never its group. The build runs in a session of its own, so anything it
started is found by session id afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.writing import OutputFolder

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def build_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "briefing", "build", *map(str, args)]


def stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name: state, ppid, pgrp, session, ..."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def session_members(session: int) -> list[int]:
    """Live (not zombie) processes of a session."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat_fields(int(entry.name))
            if fields and int(fields[3]) == session and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat_fields(int(entry.name))
            if fields and int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def lock_held(out: Path) -> bool:
    """Whether someone holds the folder's lock (probed without holding it)."""
    import fcntl

    lock = out / ".briefing.lock"
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def kill_session(session: int) -> None:
    for pid in session_members(session):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The mini fact base with a second briefing, and templates that make every stage slow:
    a busy Markdown template, and HTML shells whose PDF has thousands of paragraphs."""
    root = tmp_path_factory.mktemp("lifetime")
    shutil.copytree(MINI, root / "mini")
    factbase = root / "mini" / "factbase"
    c2 = (factbase / "briefings" / "c2.yaml").read_text(encoding="utf-8")
    (factbase / "briefings" / "c3.yaml").write_text(c2.replace("id: c2", "id: c3"))
    templates = root / "slow"
    templates.mkdir()
    busy = "{% for i in range(30) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    (templates / "slow-topic.md.j2").write_text(
        '{% extends "topic.md.j2" %}{% block body %}' + busy + "{{ super() }}{% endblock %}\n"
    )
    for briefing in ("c2", "c3"):
        path = factbase / "briefings" / f"{briefing}.yaml"
        text = path.read_text(encoding="utf-8").replace("template: topic.md.j2\n", "")
        path.write_text(text + "template: slow-topic.md.j2\n", encoding="utf-8")
    (templates / "_toc.html.j2").write_text(
        "{% for i in range(4000) %}<p>Paragraph {{ i }} of a long document.</p>\n{% endfor %}\n"
    )
    return factbase, templates


def markdown_stage(proc: subprocess.Popen[bytes], out: Path) -> bool:
    """The build has started its workers: the Markdown templates are running."""
    return bool(children(proc.pid))


def rendering_stage(proc: subprocess.Popen[bytes], out: Path) -> bool:
    """The build holds the lock and has started its render workers (its children, or a
    fork server's, which is its child): HTML shells and PDF layout under way."""
    return lock_held(out) and bool(children(proc.pid))


def deep_in_layout(proc: subprocess.Popen[bytes], out: Path) -> bool:
    """Two seconds after the build took the lock: the long PDFs are being laid out."""
    if not rendering_stage(proc, out):
        return False
    time.sleep(2)
    return True


MOMENTS: dict[str, Callable[[subprocess.Popen[bytes], Path], bool]] = {
    "markdown": markdown_stage,
    "rendering": rendering_stage,
    "layout": deep_in_layout,
}


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_killing_the_main_process_alone_leaves_no_worker_and_no_lock(
    site: tuple[Path, Path], tmp_path: Path, signum: int, moment: str
) -> None:
    kill_and_check(site, tmp_path, signum, moment)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_recycled_workers_and_their_fork_server_go_with_the_build(
    site: tuple[Path, Path], tmp_path: Path, signum: int
) -> None:
    """With a worker replaced after every target, the render workers come from a fork
    server: killing the build alone ends the server and the workers too."""
    kill_and_check(site, tmp_path, signum, "layout", "--worker-tasks", 1)


def kill_and_check(
    site: tuple[Path, Path], tmp_path: Path, signum: int, moment: str, *extra: object
) -> None:
    factbase, templates = site
    out = tmp_path / "out"
    args = ("--facts", factbase, "--out", out, "--templates", templates, "-j", 2, "--force")
    proc = subprocess.Popen(
        build_command(*args, *extra, "-q"),
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: MOMENTS[moment](proc, out), 60), f"never reached {moment}"
        workers = children(proc.pid)
        assert workers, f"no worker running at {moment}: the moment is not the one meant"
        os.kill(proc.pid, signum)  # the main pid alone, never its group
        proc.wait(timeout=30)
        assert wait_for(lambda: session_members(proc.pid) == [], 5), (
            f"workers of the dead build still alive 5 s later: {session_members(proc.pid)}"
        )
    finally:
        kill_session(proc.pid)
    assert not lock_held(out)
    with OutputFolder(out, wait_seconds=0):
        pass  # the next build can take the folder at once
    started = time.monotonic()
    ends = subprocess.run(
        build_command(*args[:-1], "-f", "md", "--wait-lock", 0),
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ends.returncode == 0, ends.stdout + ends.stderr
    assert time.monotonic() - started < 60


def test_a_forked_child_does_not_keep_the_lock_of_a_dead_parent(tmp_path: Path) -> None:
    """flock locks belong to the open file, which a plain fork shares: the child must close
    its copy, or a child that outlives its parent keeps every later build out."""
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from briefing.writing import OutputFolder\n"
        "with OutputFolder(Path(sys.argv[1])):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "    print('locked', flush=True)\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(out)],
        env=ENV,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"locked\n"
        proc.wait(timeout=30)
        assert len(session_members(proc.pid)) == 1, "the forked child should still be alive"
        assert not lock_held(out), "the child of a dead build holds its lock"
    finally:
        kill_session(proc.pid)
        if proc.stdout is not None:
            proc.stdout.close()
