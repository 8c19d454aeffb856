"""Cross-file checks: ids, references, verbatim quotes, source files, coverage, wording.

Each test copies the valid mini fact base, breaks one thing, and checks the code, the
message and where the problem is reported. Expected values (lines, digests, sentence
counts) are worked out from the fixture files, not copied from the tool's output.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from editing import edit, located, the, where

from briefing.checks import wording_problems
from briefing.errors import Problem
from briefing.validation import gather

MINI = Path(__file__).parent / "fixtures" / "mini"


def problems_of(factbase: Path) -> list[Problem]:
    return gather(factbase)[1]


def test_fixture_has_no_problems_at_all(mini: Path) -> None:
    assert problems_of(mini) == []


# ----------------------------------------------------------------------------- ids


def test_duplicate_fact_id(mini: Path) -> None:
    facts = mini / "facts.yaml"
    first_line = where(facts, "id: jfhq-agreed")[0]
    line, column = where(facts, "id: troops-54000")
    edit(facts, "id: troops-54000", "id: jfhq-agreed")
    problem = the(problems_of(mini), "duplicate-id")
    assert located(problem) == (facts.resolve(), line, column + len("id: "))
    assert problem.message == (
        f"facts[1].id: duplicate id 'jfhq-agreed' (first at line {first_line})"
    )


def test_duplicate_source_id(mini: Path) -> None:
    seeds = mini.parent / "seeds"
    shutil.copy(seeds / "mini.txt", seeds / "copy.txt")
    sources = mini / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    first, column = where(sources, "id: mini")
    second = text.count("\n") + 1  # the copy is appended after the last line
    entry = text[text.index("  - id: mini") :].replace("file: mini.txt", "file: copy.txt")
    sources.write_text(text + entry, encoding="utf-8")
    problem = the(problems_of(mini), "duplicate-id")
    assert located(problem) == (sources.resolve(), second, column + len("id: "))
    assert problem.message == f"sources[1].id: duplicate id 'mini' (first at line {first})"


# ----------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "bad", "hint"),
    [
        (
            "facts.yaml",
            "topics: [c2]",
            "topics: [contxt]",
            "unknown-topic",
            "contxt",
            "did you mean 'context'?",
        ),
        (
            "facts.yaml",
            "  - source: mini\n        quote: Japan hosts",
            "  - source: mimi\n        quote: Japan hosts",
            "unknown-source",
            "mimi",
            "did you mean 'mini'?",
        ),
        (
            "factbase.yaml",
            "facts: [jfhq-agreed]",
            "facts: [jfhq-agred]",
            "unknown-fact",
            "jfhq-agred",
            "did you mean 'jfhq-agreed'?",
        ),
        (
            "facts.yaml",
            "entities: [official]",
            "entities: [nobody-at-all]",
            "unknown-entity",
            "nobody-at-all",
            "define the entity or fix the id",
        ),
        (
            "factbase.yaml",
            "participants: [official]",
            "participants: [oficial]",
            "unknown-entity",
            "oficial",
            "did you mean 'official'?",
        ),
        (
            "facts.yaml",
            "event: talks",
            "event: summit",
            "unknown-event",
            "summit",
            "define the event or fix the id",
        ),
    ],
    ids=["topic", "source", "fact", "entity", "person", "event"],
)
def test_reference_to_an_unknown_id(
    mini: Path, file: str, old: str, new: str, code: str, bad: str, hint: str
) -> None:
    path = mini / file
    edit(path, old, new)
    problem = the(problems_of(mini), code)
    assert located(problem) == (path.resolve(), *where(path, bad))
    assert problem.message == f"unknown {code.removeprefix('unknown-')} {bad!r}"
    assert problem.hint == hint


# ----------------------------------------------------------------------------- quotes


def test_quote_with_one_word_changed_shows_the_closest_passage(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "agreed on Sunday that", "agreed on Monday that")
    seed_lines = (mini.parent / "seeds" / "mini.txt").read_text(encoding="utf-8").splitlines()
    (number,) = (n for n, line in enumerate(seed_lines, 1) if "agreed on Sunday" in line)
    problem = the(problems_of(mini), "quote-not-found")
    assert located(problem) == (facts.resolve(), *where(facts, "The ministers agreed on Monday"))
    assert problem.message.startswith('fact jfhq-agreed: quote not found in mini.txt: "The minis')
    assert f"line {number} " in problem.hint
    assert f'"{seed_lines[number - 1]}"' in problem.hint  # the whole sentence, verbatim


def test_quote_differing_only_in_quote_marks_dashes_and_spaces_is_accepted(mini: Path) -> None:
    # The source line reads: Japan is home to “more than 50,000” U.S. troops — a rounder figure.
    path = mini / "discrepancies.yaml"
    edit(
        path,
        'quote: Japan is home to "more than 50,000" U.S. troops - a rounder figure.',
        "quote: 'Japan  is home\tto ″more than 50,000„   U.S. troops – a\n"
        "               rounder figure.'",
    )
    assert problems_of(mini) == []


def test_quote_differing_in_a_digit_is_not_accepted(mini: Path) -> None:
    edit(mini / "facts.yaml", "Japan hosts 54,000 US troops", "Japan hosts 54.000 US troops")
    assert [p.code for p in problems_of(mini)] == ["quote-not-found"]


# ----------------------------------------------------------------------------- source files


def test_missing_source_file_is_reported_once_on_its_file_field(mini: Path) -> None:
    (mini.parent / "seeds" / "mini.txt").unlink()
    sources = mini / "sources.yaml"
    problem = the(problems_of(mini), "source-missing")
    assert located(problem) == (sources.resolve(), *where(sources, "mini.txt"))
    assert "mini.txt not found" in problem.message
    assert {p.code for p in problems_of(mini)} == {"source-missing"}  # no flood of quote errors


def test_source_changed_since_registered(mini: Path) -> None:
    seed = mini.parent / "seeds" / "mini.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")  # one blank line more: no new sentence
    sources = mini / "sources.yaml"
    problem = the(problems_of(mini), "source-changed")
    assert located(problem) == (sources.resolve(), *where(sources, "de628648"))
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    assert problem.message.startswith("mini.txt changed since it was registered")
    assert digest[:12] in problem.message
    assert [p.code for p in problems_of(mini)] == ["source-changed"]


def test_fixture_digest_is_the_real_sha256_of_the_seed() -> None:
    digest = hashlib.sha256((MINI / "seeds" / "mini.txt").read_bytes()).hexdigest()
    assert f"sha256: {digest}" in (MINI / "factbase" / "sources.yaml").read_text()


@pytest.mark.parametrize(("lines", "last"), [("1-9", 9), ("5", 5)])
def test_exclusion_past_the_end_of_the_file(mini: Path, lines: str, last: int) -> None:
    seed_lines = len((mini.parent / "seeds" / "mini.txt").read_text().splitlines())  # 4
    sources = mini / "sources.yaml"
    edit(sources, 'lines: "1"', f'lines: "{lines}"')
    problem = the(problems_of(mini), "exclude-range")
    assert located(problem) == (sources.resolve(), *where(sources, f'"{lines}"'))
    assert problem.message == f"line {last} is past the end of mini.txt ({seed_lines} lines)"


def test_exclusion_of_the_last_line_is_within_the_file(mini: Path) -> None:
    edit(mini / "sources.yaml", 'lines: "1"', 'lines: "1-4"')  # mini.txt has 4 lines
    assert "exclude-range" not in [p.code for p in problems_of(mini)]


# ----------------------------------------------------------------------------- coverage


def test_coverage_below_aim_is_an_error_and_lists_the_uncited_sentence(mini: Path) -> None:
    # mini.txt: line 1 excluded; lines 2, 3 and 4 hold one sentence each. Only the
    # discrepancy cites line 4; point it at line 3 instead and 2 of 3 remain cited.
    edit(
        mini / "discrepancies.yaml",
        'quote: Japan is home to "more than 50,000" U.S. troops - a rounder figure.',
        "quote: the official said",
    )
    sources = mini / "sources.yaml"
    problems = problems_of(mini)
    low = the(problems, "coverage-low")
    line, column = where(sources, "id: mini")
    assert located(low) == (sources.resolve(), line, column + len("id: "))
    assert low.severity == "error"
    assert low.message == "mini: 67% of 3 sentences cited, under the 95% aim"
    uncited = the(problems, "sentence-uncited")
    assert uncited.severity == "warning"
    assert uncited.message.startswith('mini.txt:4:1: sentence not cited: "Another report says')


def test_excluding_the_uncited_line_restores_coverage(mini: Path) -> None:
    edit(
        mini / "discrepancies.yaml",
        'quote: Japan is home to "more than 50,000" U.S. troops - a rounder figure.',
        "quote: the official said",
    )
    exclude_line_4 = "\n      - lines: '4'\n        reason: a second account"
    edit(mini / "sources.yaml", "photo caption and credit", "photo caption" + exclude_line_4)
    assert problems_of(mini) == []


# ----------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("text", "likelihood", "confidence"),
    [
        ("The headquarters is likely to open within a year.", "likely", None),
        ("Tokyo is very unlikely to reverse the decision.", "very unlikely", None),
        ("The plan will almost certainly go ahead.", "almost certain", None),
        ("We judge with moderate confidence that the plan will go ahead.", None, "moderate"),
    ],
)
def test_approved_term_is_accepted(
    text: str, likelihood: str | None, confidence: str | None
) -> None:
    assert wording_problems(text, likelihood, confidence) == []


def test_unapproved_term_is_flagged() -> None:
    found = wording_problems("The headquarters will probably open, likely soon.", "likely", None)
    assert found == ["'probably' is not an approved term of this product's scale"]


def test_likelihood_and_confidence_together_are_flagged() -> None:
    found = wording_problems("We have high confidence it is likely to open soon.", "likely", "high")
    assert "gives both a likelihood and a confidence level" in found
    assert "uses a likelihood term and a confidence level in one sentence" in found


def test_term_field_not_used_in_the_text_is_flagged() -> None:
    assert wording_problems("The headquarters will open soon.", "likely", None) == [
        "the text does not use its likelihood term 'likely'"
    ]
    assert wording_problems("The headquarters will open soon.", None, "low") == [
        "the text does not say 'low confidence'"
    ]


def test_unlikely_is_not_read_as_likely() -> None:
    assert wording_problems("An early opening is unlikely.", "likely", None) == [
        "the text does not use its likelihood term 'likely'",
        "uses more than one likelihood term: unlikely",
    ]


def test_judgment_wording_is_reported_on_the_judgment_text(mini: Path) -> None:
    path = mini / "briefings" / "wording.yaml"
    path.write_text(
        "id: wording\ntitle: Wording\nsubject: Test\nbluf:\n"
        "  - text: One.\n    facts: [jfhq-agreed]\n"
        "  - text: Two.\n    facts: [troops-54000]\n"
        "judgments:\n"
        "  - text: The headquarters will probably open soon.\n"
        "    likelihood: likely\n"
        "    facts: [jfhq-agreed]\n",
        encoding="utf-8",
    )
    found = [p for p in problems_of(mini) if p.code == "judgment-wording"]
    assert [p.message for p in found] == [
        "judgments[0]: 'probably' is not an approved term of this product's scale",
        "judgments[0]: the text does not use its likelihood term 'likely'",
    ]
    for problem in found:
        assert located(problem) == (path.resolve(), *where(path, "The headquarters"))
