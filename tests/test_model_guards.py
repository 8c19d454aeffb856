"""Values YAML reads happily but a fact base must not hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from editing import edit

from briefing.validation import gather


def codes(root: Path) -> dict[str, str]:
    return {p.code: p.message for p in gather(root)[1]}


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_figure_must_be_a_finite_number(mini: Path, value: str) -> None:
    edit(mini / "facts.yaml", "value: 54000", f"value: {value}")
    found = codes(mini)
    assert "schema-finite-number" in found
    assert "facts[1].figures[0].value" in found["schema-finite-number"]


def test_a_number_is_not_a_date(mini: Path) -> None:
    edit(mini / "factbase.yaml", "as_of: 2024-07-28", "as_of: 1721606400")
    found = codes(mini)
    assert any("as_of" in message and "YYYY-MM-DD" in message for message in found.values())


def test_the_seeds_folder_stays_inside_the_project(mini: Path) -> None:
    edit(mini / "factbase.yaml", "seeds: ../seeds", "seeds: /etc")
    problems = gather(mini)[1]
    outside = [p for p in problems if p.code == "seeds-outside"]
    assert len(outside) == 1
    assert outside[0].line == 6
    assert not any("passwd" in str(p) for p in problems)
