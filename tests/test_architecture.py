"""The architecture the README describes, held by tests: imports flow one way, the README's
module map lists every module, the light modules stay light, and an output format is one
line in the table of formats plus its renderer.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import build
from briefing.build.options import FORMATS, OutputFormat
from briefing.render.job import RenderJob
from briefing.render.markdown import MarkdownDocument

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "briefing"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path) -> set[str]:
    """Every `briefing` module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("briefing")}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: a relative import; the project imports absolutely"
            base = node.module or ""
            if base.startswith("briefing"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES}
    return found


IMPORTS = {name: imported(path) for name, path in MODULES.items()}


def importers_of(prefix: str) -> set[str]:
    return {
        name
        for name, targets in IMPORTS.items()
        if any(t == prefix or t.startswith(prefix + ".") for t in targets)
    }


def test_the_scan_sees_the_imports() -> None:
    """A check of the check: known imports are found, lazy ones too."""
    assert "briefing.build.options" in IMPORTS["briefing.cli"]
    assert "briefing.views" in IMPORTS["briefing.cli"]  # imported inside a command
    assert "briefing.build.pipeline" in IMPORTS["briefing.build"]  # imported inside run()


def test_nothing_imports_the_cli() -> None:
    assert importers_of("briefing.cli") == {"briefing.__main__"}  # the `python -m` entry


def test_render_never_imports_the_build_nor_reads_the_fact_base() -> None:
    for name, targets in IMPORTS.items():
        if name.startswith("briefing.render"):
            forbidden = {
                t
                for t in targets
                if t.startswith(("briefing.build", "briefing.cli", "briefing.load"))
                or t in ("briefing.validation", "briefing.checks", "briefing.cache")
            }
            assert not forbidden, f"{name} imports {forbidden}"


def test_the_model_imports_no_renderer_and_no_build() -> None:
    for name in ("briefing.model", "briefing.errors", "briefing.locate"):
        assert not {
            t for t in IMPORTS[name] if t.startswith(("briefing.render", "briefing.build"))
        }, name


def test_the_build_imports_no_command_line_module() -> None:
    for name, targets in IMPORTS.items():
        if name.startswith("briefing.build"):
            assert not targets & {"briefing.cli", "briefing.progress", "briefing.watch"}, name


@pytest.mark.parametrize(
    "module", ["briefing.build", "briefing.build.options", "briefing.build.manifest"]
)
def test_the_light_modules_import_nothing_heavy(module: str) -> None:
    """What `--help` and the no-op fast path load: no YAML, pydantic, Jinja or WeasyPrint."""
    heavy = ("yaml", "pydantic", "jinja2", "weasyprint", "markdown_it", "rich")
    code = f"import sys, {module}; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_readme_module_map_lists_every_module() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Module map", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(briefing/[^`]+\.py)` \| ([^|]+) \|", section, re.MULTILINE)
    listed = {path for path, _ in rows}
    on_disk = {str(p.relative_to(REPO)) for p in MODULES.values()}
    assert listed == on_disk, (
        f"missing from the README: {sorted(on_disk - listed)}; "
        f"no longer in the code: {sorted(listed - on_disk)}"
    )
    assert all(len(what.strip()) > 10 for _, what in rows)


# --------------------------------------------------------------------------- a new format


def plain_text(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """A renderer for the test's `txt` format: the body without its Markdown."""
    return (re.sub(r"[#*_`\\]", "", doc.body).encode(),)


def test_a_new_output_format_is_one_table_entry_and_its_renderer(
    monkeypatch: pytest.MonkeyPatch, mini: Path, tmp_path: Path
) -> None:
    """Nothing else learns of the format: the plan names its file, a worker renders it, the
    manifest records it, the no-op fast path covers it, `list` shows it."""
    entry = OutputFormat("txt", ".txt", f"{__name__}:plain_text", "plain text")
    monkeypatch.setitem(FORMATS, "txt", entry)
    out = tmp_path / "out"
    options = build.Options(factbase=mini, out=out, formats=("md", "txt"))
    result = build.run(options)
    assert sorted(result.built) == ["c2.md", "c2.txt", "feed.xml", "index.html"], result.failed
    text = (out / "c2.txt").read_text(encoding="utf-8")
    assert "Command and control" in text and "#" not in text
    assert (out / "editions" / "2024-07-28" / "c2.txt").read_text(encoding="utf-8") == text
    assert "c2.txt" in (out / "manifest.json").read_text(encoding="utf-8")
    assert build.run(options).skipped == ["c2.md", "c2.txt", "index.html", "feed.xml"]

    from typer.testing import CliRunner

    from briefing.cli import app

    listed = CliRunner().invoke(app, ["list", "--facts", str(mini), "--out", str(out)])
    assert str(out / "c2.txt") in listed.stdout
