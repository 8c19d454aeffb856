"""Every HTML output is checked inert before it is written: a user template cannot add a
script, a handler or an outside request to what intranet editors embed."""

from __future__ import annotations

from pathlib import Path

import pytest
from editing import templates_with
from typer.testing import CliRunner

from briefing.cli import app


@pytest.mark.parametrize(
    ("addition", "reported"),
    [
        ("<script>alert(1)</script>", "<script> element"),
        ('<img alt="" src="http://10.0.0.1/x.png">', "<img> element"),
        ('<p onclick="steal()">x</p>', "onclick handler"),
        ('<a href="javascript:steal()">x</a>', "link to 'javascript:steal()'"),
        ('<a href="file:///etc/passwd">x</a>', "link to 'file:///etc/passwd'"),
        ("<style>@import url(http://x/y.css);</style>", "stylesheet that fetches"),
        ('<p style="background: url(http://x/y.png)">x</p>', "style attribute that fetches"),
        ('<meta http-equiv="refresh" content="0; url=http://x/">', "http-equiv meta"),
        # read as a browser reads them (tests/test_inert_browser.py has the whole corpus)
        ("<!--><script>alert(1)</script>-->", "<script> element"),
        ('<style/>@\\69mport "http://x/y.css";</style>', "stylesheet that fetches (@import)"),
        ('<p style="background:\\75 rl(http://x/y.png)">x</p>', "style attribute that fetches"),
        ("<noscript><p title='</noscript><img src=x>'></p></noscript>", "<noscript> element"),
    ],
)
@pytest.mark.parametrize("shell", ["page.html.j2", "fragment.html.j2"])
def test_a_template_that_adds_active_content_fails_its_target(
    mini: Path, tmp_path: Path, shell: str, addition: str, reported: str
) -> None:
    templates = templates_with(tmp_path / "templates", shell, addition)
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
            "html",
            "-f",
            "fragment",
            "--templates",
            str(templates),
        ],
    )
    assert result.exit_code == 3, result.stdout
    name = "c2.html" if shell == "page.html.j2" else "c2.fragment.html"
    assert f"failed  c2.{'html' if name == 'c2.html' else 'fragment'}" in result.stdout
    assert reported in result.stdout
    assert not (out / name).exists()
