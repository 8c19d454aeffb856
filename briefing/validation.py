"""Load a fact base and check it: every problem at once. Imports no rendering code, so
`briefing validate` stays light."""

from __future__ import annotations

from pathlib import Path

from briefing.checks import check
from briefing.errors import InvalidInput, Problem
from briefing.load import load_factbase
from briefing.model import FactBase


def gather(root: Path) -> tuple[FactBase | None, list[Problem]]:
    """Load a fact base and run every check; all problems, errors and warnings, at once."""
    fb, problems = load_factbase(root)
    if fb is not None:
        problems += check(fb)
    return fb, sorted(problems)


def load_valid(root: Path, *, strict: bool = False) -> tuple[FactBase, list[Problem]]:
    """A fact base without errors (and without warnings when strict), plus its warnings."""
    fb, problems = gather(root)
    failing = [p for p in problems if p.severity == "error" or strict]
    if fb is None or failing:
        raise InvalidInput(problems)
    return fb, problems
