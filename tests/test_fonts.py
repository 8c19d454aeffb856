"""A PDF is never silently set in a font nobody chose."""

from __future__ import annotations

from pathlib import Path

import pytest
from editing import templates_with
from typer.testing import CliRunner

from briefing.cli import app


@pytest.mark.parametrize(
    ("paragraph", "reported"),
    [
        ("<p style=\"font-family: 'Definitely Missing Font'\">x</p>",
         "font Definitely Missing Font is not installed"),
        ("<p>\u4e2d\u6587 \u0905</p>", "the PDF would fall back to"),
    ],
)  # fmt: skip
def test_a_missing_font_or_glyph_fails_the_pdf(
    mini: Path, tmp_path: Path, paragraph: str, reported: str
) -> None:
    templates = templates_with(tmp_path / "templates", "page.html.j2", paragraph)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--facts",
            str(mini),
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
