"""Messages quote user data (source lines, YAML values, template words); none of it may reach
a terminal as a control sequence. OSC sets the window title or writes the clipboard, CSI
clears the screen, C1 controls do the same in one byte, bidi overrides reorder what is shown.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest
from editing import edit, templates_with
from typer.testing import CliRunner

from briefing.cli import app
from briefing.errors import Problem

HOSTILE = (
    "\x1b]0;pwned\x07"  # OSC: window title
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: clipboard write
    "\x1b[2J"  # CSI: clear screen
    "\x9b31m"  # C1 CSI
    "\u202eevil\u202c"  # bidi override
    "\u200b\x00\x7f"  # zero-width space, NUL, DEL
)


def hidden(text: str) -> list[str]:
    """Every character in `text` a terminal would act on or a reader could not see."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
    ]


def test_printable_escapes_every_control_bidi_and_invisible_character() -> None:
    from briefing.errors import printable

    shown = printable(f"a {HOSTILE} b\tc\u2028d")
    assert hidden(shown) == []
    assert "\\x1b]0;pwned\\x07" in shown
    assert "\\u202eevil\\u202c" in shown
    assert "\\x9b31m" in shown
    assert "\\x09c\\u2028d" in shown
    assert printable("Japan hosts 54,000 US troops — “more than 50,000”. 日本") == (
        "Japan hosts 54,000 US troops — “more than 50,000”. 日本"
    )


def test_a_problem_escapes_its_file_message_and_hint_in_text_and_json() -> None:
    problem = Problem(f"x{HOSTILE}.yaml", 1, 1, "code", f"says {HOSTILE}", f"hint {HOSTILE}")
    assert hidden(str(problem)) == []
    assert hidden(json.dumps(problem.as_json(), ensure_ascii=False)) == []


@pytest.fixture
def hostile_seed(mini: Path) -> Path:
    """The mini fact base whose article gained an uncited line full of escape sequences."""
    seed = mini.parent / "seeds" / "mini.txt"
    seed.write_text(seed.read_text() + f"\nBreaking news {HOSTILE} from the talks today.\n")
    old = "de628648ecfd66349f737fd3449404b37e3289b77734791b11bac1a983ccd01b"
    edit(mini / "sources.yaml", old, hashlib.sha256(seed.read_bytes()).hexdigest())
    return mini


@pytest.mark.parametrize("as_json", [False, True])
def test_validate_quotes_a_hostile_source_line_escaped(hostile_seed: Path, as_json: bool) -> None:
    result = CliRunner().invoke(
        app, ["validate", "--facts", str(hostile_seed), *(["--json"] if as_json else [])]
    )
    output = result.stdout + result.stderr
    assert "sentence not cited" in output or "sentence-uncited" in output, output
    assert hidden(output) == []
    if as_json:
        output = " ".join(p["message"] for p in json.loads(result.stdout))
    assert "\\x1b]0;pwned\\x07" in output


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_failed_target_reports_hostile_template_words_escaped(
    mini: Path, tmp_path: Path, log_format: str
) -> None:
    addition = '{% include "\\x1b]0;pwned\\x07\\x1b[2J\\u202e.j2" %}'
    templates = templates_with(tmp_path / "templates", "page.html.j2", addition)
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--facts",
            str(mini),
            "--out",
            str(tmp_path / "out"),
            "-f",
            "html",
            "--templates",
            str(templates),
            "--log-format",
            log_format,
        ],
    )
    assert result.exit_code == 3, result.stdout
    output = result.stdout + result.stderr
    assert "not found" in output
    assert hidden(output) == []
    if log_format == "json":
        output = " ".join(json.loads(line)["detail"] or "" for line in result.stdout.splitlines())
    assert "\\x1b]0;pwned\\x07" in output
