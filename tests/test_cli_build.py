"""The build command as schedulers use it: JSON logs, imports kept light, watch mode."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
REPO = Path(__file__).resolve().parent.parent


def briefing(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def test_json_log_is_one_parsable_object_per_event(mini: Path, tmp_path: Path) -> None:
    run = briefing(
        "-m",
        "briefing",
        "build",
        "--facts",
        mini,
        "--out",
        tmp_path / "out",
        "-f",
        "md",
        "-f",
        "html",
        "--log-format",
        "json",
    )
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert [e["event"] for e in events] == ["start", *["built"] * 4, "finish"]
    assert events[0]["total"] == 4
    assert {e["target"] for e in events[1:5]} == {"c2.md", "c2.html", "index.html", "feed.xml"}
    assert events[-1]["detail"] == "4 built, 0 skipped, 0 failed"
    again = briefing(
        "-m",
        "briefing",
        "build",
        "--facts",
        mini,
        "--out",
        tmp_path / "out",
        "-f",
        "md",
        "-f",
        "html",
        "--log-format",
        "json",
    )
    assert [json.loads(line)["event"] for line in again.stdout.splitlines()] == [
        "start",
        *["skipped"] * 4,  # c2.md, c2.html, the catalogue, the feed
        "finish",
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The mini fact base, built once in every format."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(MINI, root / "mini")
    facts, out = root / "mini" / "factbase", root / "out"
    assert briefing("-m", "briefing", "build", "--facts", facts, "--out", out).returncode == 0
    return facts, out


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("validate",),
        ("build", "-f", "md"),  # a build with nothing to do
        ("build",),  # every format, all up to date: still no PDF stage
    ],
)
def test_light_commands_never_import_weasyprint(
    args: tuple[str, ...], built: tuple[Path, Path]
) -> None:
    facts, out = built
    extra: tuple[object, ...] = ("--facts", facts) if args[0] != "--help" else ()
    extra += ("--out", out) if args[0] == "build" else ()
    if args[0] == "build":  # the same build once before, so this one has nothing to do
        assert briefing("-m", "briefing", *args, *extra).returncode == 0
    run = briefing("-X", "importtime", "-m", "briefing", *args, *extra)
    assert run.returncode == 0, run.stderr
    imported = [line for line in run.stderr.splitlines() if "import time:" in line]
    assert imported, "importtime printed nothing"
    assert not [line for line in imported if "weasyprint" in line]
    top_level = {line.split("|")[-1].strip().split(".")[0] for line in imported}
    assert not top_level & {"docx", "lxml"}  # the Word renderer loads only to make a .docx
    if args[0] == "build":  # nothing to do: decided before the pipeline loads
        assert not [
            line
            for line in imported
            if line.split("|")[-1].strip() in ("yaml", "pydantic", "jinja2")
        ]
    if args[0] == "build":
        assert "0 built" in run.stdout
        assert "built   " not in run.stdout


def test_watch_rebuilds_after_a_save(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefing",
            "watch",
            "--facts",
            str(mini),
            "--out",
            str(out),
            "-f",
            "md",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert _wait_for(lambda: (out / "c2.md").exists(), 30), "first build did not happen"
        facts = mini / "facts.yaml"
        facts.write_text(facts.read_text().replace("about 54,000", "nearly 54,000"))
        assert _wait_for(lambda: "nearly 54,000" in (out / "c2.md").read_text(), 30)
    finally:
        watcher.terminate()
        output, _ = watcher.communicate(timeout=30)
    assert output.count("built   c2.md") >= 2, output


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False
