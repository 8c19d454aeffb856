"""Load a fact base and check it: every problem at once, in one pass (a broken file does
not hide the other files' problems). Imports no template or rendering library, so
`briefing validate` stays light."""

from __future__ import annotations

from pathlib import Path

from briefing.checks import check
from briefing.errors import InvalidInput, Problem
from briefing.load import load_factbase
from briefing.model import FactBase
from briefing.shown import shown_problems

# Problems that keep a briefing's view from being built (an id that leads nowhere or to two
# places); until they are fixed, what the briefings show cannot be worked out.
_VIEW_BREAKERS = ("unknown-", "duplicate-id")


def gather(root: Path) -> tuple[FactBase | None, list[Problem]]:
    """Load a fact base and run every check; all problems, errors and warnings, at once."""
    fb, problems = load_factbase(root, partial=True)
    if fb is not None:
        problems += check(fb)
        if not any(p.code.startswith(_VIEW_BREAKERS) for p in problems):
            problems += shown_problems(fb)
    return fb, sorted(problems)


def load_valid(root: Path, *, strict: bool = False) -> tuple[FactBase, list[Problem]]:
    """A fact base without errors (and without warnings when strict), plus its warnings."""
    fb, problems = gather(root)
    failing = [p for p in problems if p.severity == "error" or strict]
    if fb is None or failing:
        raise InvalidInput(problems)
    return fb, problems
