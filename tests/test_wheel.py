"""A regular install works wherever it lands: the wheel carries the default templates and
assets (and no example fact base), and a venv outside the checkout builds HTML and PDF.

The wheel is built from a copy of the sources (so the checkout gets no build/ folder), by
pip with its usual build isolation, and installed with `--no-deps --no-index` into a fresh
venv; the venv borrows the runtime dependencies from this project's environment through a
`.pth` line, so nothing is downloaded for them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"


def run(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"{args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO / "briefing", source / "briefing", ignore=ignore)
    shutil.copytree(REPO / "templates", source / "templates", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", source)
    (built,) = (root / "dist").glob("briefing-*.whl")
    return built


def test_the_wheel_carries_the_templates_and_no_example(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"briefing/templates/{p.relative_to(REPO / 'templates')}"
        for p in (REPO / "templates").rglob("*")
        if p.is_file()
    }
    assert shipped and shipped <= names
    assert not [n for n in names if n.startswith(("factbase/", "seeds/", "tests/"))]
    assert not [n for n in names if n.endswith(".yaml")]


@pytest.mark.slow
def test_a_venv_outside_the_checkout_builds_html_and_pdf(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    # The runtime dependencies come from this project's environment, after the venv's own
    # site-packages: the venv's `briefing` is the wheel's, never the checkout's.
    (site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel)  # fmt: skip

    # A fact base of the user's own, in a folder of their own. (Copied from the test
    # fixture here; `briefing init` makes one once it exists.)
    work = tmp_path / "work"
    shutil.copytree(MINI, work)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["BRIEFING_CACHE"] = "off"

    where = run(
        python, "-c",
        "import briefing, briefing.resources as r; print(briefing.__file__); "
        "print(r.SHIPPED_TEMPLATES)",
        cwd=work, env=env,
    ).split()  # fmt: skip
    assert all(Path(p).is_relative_to(venv) for p in where), where

    run(venv / "bin" / "briefing", "build", "-f", "html", "-f", "pdf", "-j", 1, cwd=work, env=env)
    html = (work / "out" / "c2.html").read_text(encoding="utf-8")
    assert "<h1" in html and "Command and control" in html
    pdf = (work / "out" / "c2.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    assert not (REPO / "build").exists()  # the checkout got no build folder
