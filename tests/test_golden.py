"""Golden Markdown: every shipped briefing renders exactly as its reviewed copy in tests/golden/.

The Markdown is the one content every other format is made from, so any change to the
fact base, the templates or the escaping shows up here as a reviewable diff.

Regenerate after an intended change, then review and commit the diff:

    BRIEFING_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/

In that mode each test writes its golden file and fails on purpose, so a regeneration is
never mistaken for a passing run.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from pathlib import Path

import pytest

from briefing.model import FactBase
from briefing.render.markdown import render_markdown
from briefing.validation import load_valid

REPO = Path(__file__).resolve().parent.parent
FACTBASE = REPO / "factbase"
GOLDEN = Path(__file__).resolve().parent / "golden"
IDS = sorted(p.stem for p in (FACTBASE / "briefings").glob("*.yaml"))
REGENERATE = os.environ.get("BRIEFING_REGENERATE_GOLDEN", "") not in ("", "0")
COMMAND = "BRIEFING_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"


@functools.cache
def factbase() -> FactBase:
    fb, _ = load_valid(FACTBASE)
    return fb


def fresh(briefing_id: str) -> str:
    fb = factbase()
    return render_markdown(fb, next(b for b in fb.briefings if b.id == briefing_id)).text


every_briefing = pytest.mark.parametrize("briefing_id", IDS)


@every_briefing
def test_markdown_matches_golden(briefing_id: str) -> None:
    golden = GOLDEN / f"{briefing_id}.md"
    text = fresh(briefing_id)
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        old = golden.read_text("utf-8") if golden.exists() else None
        golden.write_bytes(text.encode())
        state = "unchanged" if old == text else ("written" if old is None else "UPDATED")
        pytest.fail(
            f"golden {state}: {golden.relative_to(REPO)}; review it with `git status tests/golden/`"
            " and `git diff tests/golden/`, commit it, and run the tests again without"
            " BRIEFING_REGENERATE_GOLDEN",
            pytrace=False,
        )
    assert golden.exists(), f"no golden copy {golden.relative_to(REPO)}: run `{COMMAND}`"
    expected = golden.read_text("utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), "golden", "fresh render", lineterm="", n=1
        )
        shown = list(diff)
        pytest.fail(
            f"{briefing_id}.md differs from {golden.relative_to(REPO)} "
            f"(if intended, run `{COMMAND}` and review):\n"
            + "\n".join(shown[:80])
            + (f"\n... {len(shown) - 80} more diff lines" if len(shown) > 80 else ""),
            pytrace=False,
        )


def test_no_golden_without_a_briefing() -> None:
    stale = sorted(p.name for p in GOLDEN.glob("*.md") if p.stem not in IDS)
    if stale and REGENERATE:
        for name in stale:
            (GOLDEN / name).unlink()
        pytest.fail(f"removed stale goldens {stale}; review with `git status tests/golden/`")
    assert stale == [], f"goldens for briefings that no longer exist: {stale}"


# ------------------------------------------------- the Markdown is clean to read and diff

_PIPE = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> int:
    return len(_PIPE.findall(row.strip())) - 1


@every_briefing
def test_markdown_is_tidy_github_flavoured(briefing_id: str) -> None:
    text = fresh(briefing_id)
    lines = text.split("\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert [n for n, line in enumerate(lines, 1) if line != line.rstrip()] == []  # no trailing ws
    assert "\t" not in text
    assert "\n\n\n" not in text  # never two blank lines in a row
    assert "\r" not in text
    # CommonMark escapes only ASCII punctuation: a backslash before anything else (`\7.2`)
    # is printed as a literal backslash in the HTML and the PDF.
    dead = [m.group() for m in re.finditer(r".{0,20}\\[^!-/:-@\[-`{-~\n].{0,20}", text)]
    assert dead == [], f"backslashes that escape nothing and will be shown: {dead}"
    for n, line in enumerate(lines, 1):
        if line.startswith("#"):  # ATX headings: blank line around, one space after the hashes
            assert re.fullmatch(r"#{1,6} \S.*", line), f"line {n}: {line!r}"
            assert lines[n - 2] == "" and lines[n] == "", f"line {n}: heading not set apart"

    # Tables: a header, a delimiter row, rows with as many cells, a blank line around.
    n = 0
    while n < len(lines):
        if not lines[n].startswith("|"):
            n += 1
            continue
        start = n
        while n < len(lines) and lines[n].startswith("|"):
            n += 1
        table = lines[start:n]
        width = _cells(table[0])
        assert len(table) >= 3, f"line {start + 1}: a table without rows"
        assert re.fullmatch(r"\|( --- \|)+", table[1]), f"line {start + 2}: {table[1]!r}"
        assert [(start + i + 1, row) for i, row in enumerate(table) if _cells(row) != width] == []
        assert all(row.endswith(" |") or row.endswith("|") for row in table)
        assert lines[start - 1] == "" and lines[n] == "", f"line {start + 1}: table not set apart"
