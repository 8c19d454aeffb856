"""Helpers for tests that break one thing in a copy of the mini fact base and look for it."""

from __future__ import annotations

from pathlib import Path

from briefing.errors import Problem

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur exactly once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def where(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column where `needle` starts in a file (it must occur once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} should occur exactly once in {path.name}"
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def the(problems: list[Problem], code: str) -> Problem:
    """The one problem with this code."""
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, f"expected one {code}, got: {[str(p) for p in problems]}"
    return found[0]


def located(problem: Problem) -> tuple[Path, int, int]:
    return Path(problem.file).resolve(), problem.line, problem.column


def templates_with(folder: Path, shell: str, addition: str) -> Path:
    """A user templates folder whose `shell` (page or fragment) adds `addition` before the
    contents list; returns the folder."""
    shipped = Path(__file__).resolve().parent.parent / "templates" / shell
    folder.mkdir()
    text = shipped.read_text(encoding="utf-8")
    (folder / shell).write_text(text.replace("{% include", addition + "\n{% include", 1))
    return folder
