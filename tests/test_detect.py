"""What `source add` proposes for an article: origin fields, date, timing, exclusions.

Two kinds of evidence: a made-up article with one of each thing to find, and the five shipped
articles, whose register entries an analyst wrote by hand before this detector existed. On
those, the detector must propose every excluded line that holds words, and the same timing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from briefing.authoring.detect import detect
from briefing.model import Timing

REPO = Path(__file__).resolve().parent.parent

ARTICLE = """\
Harbour Board Weighs Dredging Plan

PORT ELLIS, March 3, 2031 — The harbour board will vote on Tuesday on a dredging plan.
Photo: dredgers moored at the eastern quay.
Example Pictures | Agency Photo
Board members are expected to approve the plan, officials said.
Residents plan to object at the hearing.
Advertisement
Residents plan to object at the hearing.
By Jane Example
"""


def test_one_of_each_thing_to_find() -> None:
    found = detect(ARTICLE)
    proposals = [(p.lines, p.kind) for p in found.exclusions]
    assert proposals == [
        ("1", "headline"),
        ("4", "caption"),
        ("5", "credit"),
        ("8", "boilerplate"),
        ("9", "repeat"),
        ("10", "byline"),
    ]
    assert found.headline == "Harbour Board Weighs Dredging Plan"
    assert found.byline == "By Jane Example"
    assert found.credits == "Example Pictures | Agency Photo"
    assert found.footer == "Advertisement"
    assert found.date == dt.date(2031, 3, 3)
    assert found.date_evidence == "line 3: dateline “PORT ELLIS, March 3, 2031”"
    assert found.timing is Timing.PREVIEW
    assert found.timing_evidence.startswith("“The harbour board will vote on Tuesday")
    assert "Opens with the dateline “PORT ELLIS, March 3, 2031” (line 3)." in found.notes
    repeat = next(p for p in found.exclusions if p.kind == "repeat")
    assert repeat.reason == "The same text as line 7, repeated."


def test_an_ai_self_description_and_a_date_line() -> None:
    text = (
        "Officials agreed on a budget.\n\n28 March 2031\n\n"
        "[This article was generated with AI. Your feed is customised.]\n"
    )
    found = detect(text)
    assert [(p.lines, p.kind) for p in found.exclusions] == [("3", "dateline"), ("5", "self")]
    assert found.ai_generated
    assert found.self_description.startswith("[This article was generated with AI.")
    assert found.date == dt.date(2031, 3, 28)
    assert found.timing is Timing.REPORT


def test_a_run_together_copy_is_proposed_not_the_full_text() -> None:
    body = [
        "The council met on Monday and agreed a new budget for the coming year.",
        "The mayor said the budget protects the libraries and the swimming pools.",
        "Opposition members voted against it, citing the cost of the new depot.",
    ]
    text = "".join(body) + "\n\n" + "\n\n".join(body) + "\n"
    found = detect(text)
    assert [(p.lines, p.kind) for p in found.exclusions] == [("1", "repeat")]
    assert "lines 3–7" in found.exclusions[0].reason


def test_plain_reporting_proposes_nothing() -> None:
    found = detect("The council agreed a budget.\nThe mayor welcomed it.\n")
    assert found.exclusions == []
    assert found.headline == "not stated"


def shipped() -> list[dict[str, object]]:
    data = yaml.safe_load((REPO / "factbase" / "sources.yaml").read_text(encoding="utf-8"))
    return list(data["sources"])


@pytest.mark.parametrize("source", shipped(), ids=lambda s: str(s["id"]))
def test_the_analysts_exclusions_of_lines_with_words_are_all_proposed(
    source: dict[str, object],
) -> None:
    text = (REPO / "seeds" / str(source["file"])).read_text(encoding="utf-8")
    lines = text.split("\n")
    found = detect(text)
    proposed = {n for p in found.exclusions for n in range(p.first, p.last + 1)}
    for exclusion in source["exclude"]:  # type: ignore[attr-defined]
        first, _, last = str(exclusion["lines"]).partition("-")
        for number in range(int(first), int(last or first) + 1):
            if any(ch.isalpha() for ch in lines[number - 1]):  # "." and " 0" need no exclusion
                assert number in proposed, (number, lines[number - 1][:60])
    assert found.timing is not None and found.timing.value == source["timing"]
