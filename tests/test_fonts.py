"""A PDF is never silently set in a font nobody chose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
SHELL = Path(__file__).resolve().parent.parent / "templates" / "page.html.j2"


@pytest.mark.parametrize(
    ("paragraph", "reported"),
    [
        ("<p style=\"font-family: 'Definitely Missing Font'\">x</p>",
         "font Definitely Missing Font is not installed"),
        ("<p>\u4e2d\u6587 \u0905</p>", "the PDF would fall back to"),
    ],
)  # fmt: skip
def test_a_missing_font_or_glyph_fails_the_pdf(
    tmp_path: Path, paragraph: str, reported: str
) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    templates = tmp_path / "templates"
    templates.mkdir()
    shell = SHELL.read_text().replace("{% include", paragraph + "\n{% include", 1)
    (templates / "page.html.j2").write_text(shell)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--facts",
            str(tmp_path / "mini" / "factbase"),
            "--out",
            str(out),
            "-f",
            "pdf",
            "-j",
            "1",
            "--templates",
            str(templates),
        ],
    )
    assert result.exit_code == 3, result.stdout
    assert reported in result.stdout
    assert not (out / "c2.pdf").exists()
