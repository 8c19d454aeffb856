"""Loading the fact base: YAML safety, schema errors, and where each problem is reported.

Each test copies the valid mini fact base, breaks one thing, and checks the code, the
message and the line and column of the problem. Expected positions are found in the
mutated file itself, not copied from the tool's output.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from editing import edit, located, the, where

from briefing.errors import Problem
from briefing.load import load_factbase

MINI = Path(__file__).parent / "fixtures" / "mini"


def problems_of(factbase: Path) -> list[Problem]:
    return load_factbase(factbase)[1]


def test_fixture_loads_without_problems(mini: Path) -> None:
    fb, problems = load_factbase(mini)
    assert problems == []
    assert fb is not None
    assert [f.id for f in fb.facts] == ["jfhq-agreed", "troops-54000"]


# ----------------------------------------------------------------------------- YAML syntax


def test_yaml_syntax_error_is_located_at_the_offending_colon(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "event: talks\n    credibility: 3", "event: talks\n    credibility: 3: 4")
    problem = the(problems_of(mini), "yaml-syntax")
    line, column = where(facts, "credibility: 3: 4")
    assert located(problem) == (facts.resolve(), line, column + len("credibility: 3"))
    assert problem.message.startswith("YAML syntax: ")
    assert "mapping values are not allowed" in problem.message
    assert problem.severity == "error"


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("facts.yaml", "    kind: agreed-outcome", "\tkind: agreed-outcome"),
        ("factbase.yaml", "  classification: UNCLASSIFIED", "\tclassification: UNCLASSIFIED"),
    ],
)
def test_tab_indentation_is_a_syntax_error_on_its_line(
    mini: Path, file: str, old: str, new: str
) -> None:
    path = mini / file
    edit(path, old, new)
    problem = the(problems_of(mini), "yaml-syntax")
    assert located(problem) == (path.resolve(), *where(path, "\t"))


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("facts.yaml", "    kind: agreed-outcome", "\tkind: agreed-outcome"),
        ("factbase.yaml", "  classification: UNCLASSIFIED", "\tclassification: UNCLASSIFIED"),
    ],
)
def test_tab_indentation_hint_says_use_spaces(mini: Path, file: str, old: str, new: str) -> None:
    edit(mini / file, old, new)
    assert the(problems_of(mini), "yaml-syntax").hint == "indent with spaces, not tabs"


def test_duplicate_key_names_the_first_line(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(
        facts,
        "event: talks\n    credibility: 3",
        "event: talks\n    credibility: 3\n    credibility: 4",
    )
    problem = the(problems_of(mini), "duplicate-key")
    assert located(problem) == (facts.resolve(), *where(facts, "credibility: 4"))
    first_line = where(facts, "credibility: 3\n    credibility: 4")[0]
    assert problem.message == f"duplicate key 'credibility' (first at line {first_line})"


# ----------------------------------------------------------------------------- schema


def test_unknown_field_suggests_the_right_name(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "    event: talks", "    evnt: talks")
    problem = the(problems_of(mini), "schema-extra-forbidden")
    assert located(problem) == (facts.resolve(), *where(facts, "evnt"))
    assert problem.message == "facts[0].evnt: unknown field"
    assert problem.hint == "did you mean `event`?"


def test_unknown_field_in_a_nested_model_lists_that_models_fields(mini: Path) -> None:
    sources = mini / "sources.yaml"
    edit(sources, "      footer: not stated", "      footer: not stated\n      zzz: 1")
    problem = the(problems_of(mini), "schema-extra-forbidden")
    assert located(problem) == (sources.resolve(), *where(sources, "zzz"))
    assert problem.message == "sources[0].origin.zzz: unknown field"
    assert "byline" in problem.hint and "headline" in problem.hint
    assert "reliability" not in problem.hint  # a field of Source, not of Origin


def test_missing_field_is_reported_at_its_entry(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "    statement: Japan hosts about 54,000 US troops.\n", "")
    problem = the(problems_of(mini), "schema-missing")
    assert located(problem) == (facts.resolve(), *where(facts, "id: troops-54000"))
    assert problem.message == "facts[1].statement: required field is missing"
    assert problem.hint == "add `statement:`"


def test_credibility_in_words_is_a_type_error_on_the_value(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "event: talks\n    credibility: 3", "event: talks\n    credibility: seven")
    problem = the(problems_of(mini), "schema-int-parsing")
    assert located(problem) == (facts.resolve(), *where(facts, "seven"))
    assert problem.message.startswith("facts[0].credibility: ")
    assert "integer" in problem.message
    assert "plain number" in problem.hint


def test_credibility_out_of_scale_is_rejected(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "event: talks\n    credibility: 3", "event: talks\n    credibility: 7")
    problem = the(problems_of(mini), "schema-less-than-equal")
    line, column = where(facts, "credibility: 7")
    assert located(problem) == (facts.resolve(), line, column + len("credibility: "))
    assert problem.message.startswith("facts[0].credibility: ")


def test_figure_with_a_unit_suffix_is_a_type_error(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "value: 54000", "value: 54k")
    problem = the(problems_of(mini), "schema-float-parsing")
    assert located(problem) == (facts.resolve(), *where(facts, "54k"))
    assert problem.message.startswith("facts[1].figures[0].value: ")
    assert "without units" in problem.hint


def test_impossible_date_is_located_on_the_value(mini: Path) -> None:
    settings = mini / "factbase.yaml"
    edit(settings, "as_of: 2024-07-28", "as_of: 2024-02-30")
    problem = the(problems_of(mini), "yaml-value")
    assert located(problem) == (settings.resolve(), *where(settings, "2024-02-30"))
    assert "day is out of range for month" in problem.message


def test_date_in_words_asks_for_iso_format(mini: Path) -> None:
    settings = mini / "factbase.yaml"
    edit(settings, "as_of: 2024-07-28", "as_of: July 2024")
    (problem,) = problems_of(mini)
    assert problem.code.startswith("schema-date")
    assert located(problem) == (settings.resolve(), *where(settings, "July 2024"))
    assert problem.message.startswith("as_of: ")
    assert problem.hint == "write a date as YYYY-MM-DD"


DATES = "    dates:\n      - label: talks\n        value: {value}\n"


def test_impossible_date_in_a_fact_date_value(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "    figures:", DATES.format(value='"2024-02-30"') + "    figures:")
    (problem,) = problems_of(mini)
    assert located(problem) == (facts.resolve(), *where(facts, '"2024-02-30"'))
    assert problem.message.startswith("facts[1].dates[0].value: ")
    assert "day is out of range for month" in problem.message


def test_unquoted_fact_date_value_is_accepted(mini: Path) -> None:
    edit(mini / "facts.yaml", "    figures:", DATES.format(value="2024-07-28") + "    figures:")
    fb, problems = load_factbase(mini)
    assert problems == []
    assert fb is not None and fb.facts[1].dates[0].value == "2024-07-28"


def test_id_with_capitals_is_rejected_with_the_id_rule(mini: Path) -> None:
    entities = mini / "entities.yaml"
    edit(entities, "id: official", "id: Official")
    problem = the(problems_of(mini), "schema-string-pattern-mismatch")
    assert located(problem) == (entities.resolve(), *where(entities, "Official"))
    assert "lower-case letters, digits and hyphens" in problem.hint


# ----------------------------------------------------------------------------- YAML safety


def test_anchor_is_rejected_where_it_stands(mini: Path) -> None:
    settings = mini / "factbase.yaml"
    edit(settings, "organisation: Test cell", "organisation: &org Test cell")
    problem = the(problems_of(mini), "yaml-alias")
    assert located(problem) == (settings.resolve(), *where(settings, "&org"))
    assert problem.message == "anchors and aliases (& and *) are not allowed"


def test_billion_laughs_is_rejected_quickly_without_expanding(mini: Path) -> None:
    facts = mini / "facts.yaml"
    lines = ["facts: []", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")  # 9**9 strings if expanded
    started = time.perf_counter()
    problems = problems_of(mini)
    assert time.perf_counter() - started < 1.0
    problem = the(problems, "yaml-alias")
    assert located(problem) == (facts.resolve(), *where(facts, "&a "))


def test_python_object_tag_is_rejected_and_never_run(mini: Path, tmp_path: Path) -> None:
    facts = mini / "facts.yaml"
    marker = tmp_path / "pwned"
    payload = f'!!python/object/apply:os.system ["touch {marker}"]'
    edit(facts, "event: talks\n    credibility: 3", f"event: talks\n    credibility: {payload}")
    problem = the(problems_of(mini), "yaml-tag")
    assert located(problem) == (facts.resolve(), *where(facts, "!!python"))
    assert "python/object/apply:os.system" in problem.message
    assert not marker.exists()


def test_local_tag_is_rejected(mini: Path) -> None:
    settings = mini / "factbase.yaml"
    edit(settings, "title: Mini fact base", "title: !secret Mini fact base")
    problem = the(problems_of(mini), "yaml-tag")
    assert located(problem) == (settings.resolve(), *where(settings, "!secret"))


# ----------------------------------------------------------------------------- file level


def test_byte_order_mark_is_rejected(mini: Path) -> None:
    facts = mini / "facts.yaml"
    facts.write_bytes(b"\xef\xbb\xbf" + facts.read_bytes())
    problem = the(problems_of(mini), "yaml-bom")
    assert located(problem) == (facts.resolve(), 1, 1)
    assert "byte-order mark" in problem.message


def test_non_utf8_byte_is_located_by_line_and_column(mini: Path) -> None:
    facts = mini / "facts.yaml"
    line, column = where(facts, "Sunday that")
    facts.write_bytes(facts.read_bytes().replace(b"Sunday that", b"Sund\xe4y that"))
    problem = the(problems_of(mini), "not-utf8")
    assert located(problem) == (facts.resolve(), line, column + len("Sund"))
    assert problem.message == "byte 0xe4 is not valid UTF-8"


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_rejected(mini: Path, content: str) -> None:
    entities = mini / "entities.yaml"
    entities.write_text(content, encoding="utf-8")
    problem = the(problems_of(mini), "empty-file")
    assert located(problem) == (entities.resolve(), 1, 1)
    assert problem.message == "file is empty"


def test_more_than_one_document_is_rejected_at_the_second(mini: Path) -> None:
    entities = mini / "entities.yaml"
    entities.write_text(entities.read_text(encoding="utf-8") + "---\nentities: []\n")
    separator = where(entities, "---")[0]
    problem = the(problems_of(mini), "yaml-documents")
    assert Path(problem.file).resolve() == entities.resolve()
    assert problem.line in (separator, separator + 1)
    assert "exactly one YAML document" in problem.message


def test_missing_file_is_reported(mini: Path) -> None:
    (mini / "discrepancies.yaml").unlink()
    fb, problems = load_factbase(mini)
    assert fb is None
    problem = the(problems, "file-missing")
    assert located(problem) == ((mini / "discrepancies.yaml").resolve(), 1, 1)


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_folder_in_place_of_a_file_is_reported_not_waited_on(
    mini: Path, kind: str
) -> None:
    """Reading a FIFO would wait for a writer forever; it is opened without blocking."""
    import os
    import subprocess
    import sys

    (mini / "facts.yaml").unlink()
    if kind == "fifo":
        os.mkfifo(mini / "facts.yaml")
    else:
        (mini / "facts.yaml").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "validate", "--facts", str(mini)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(MINI.parents[2])},
        check=False,
    )
    assert proc.returncode == 1
    assert "facts.yaml:1:1: error: not a regular file" in proc.stderr


def test_folder_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    fb, problems = load_factbase(tmp_path / "nowhere")
    assert fb is None
    assert [p.code for p in problems] == ["factbase-missing"]


# ----------------------------------------------------------------------------- briefings

BRIEFING = """\
id: {id}
title: Mini brief
subject: The talks
topics: [c2]
bluf:
  - text: The ministers agreed to make US Forces Japan a joint force headquarters.
    facts: [jfhq-agreed]
  - text: Japan hosts about 54,000 US troops.
    facts: [troops-54000]
"""


def test_briefing_whose_id_matches_its_file_loads(mini: Path) -> None:
    (mini / "briefings" / "mini-brief.yaml").write_text(BRIEFING.format(id="mini-brief"))
    fb, problems = load_factbase(mini)
    assert problems == []
    assert fb is not None and "mini-brief" in [b.id for b in fb.briefings]


def test_briefing_id_must_match_its_file_name(mini: Path) -> None:
    path = mini / "briefings" / "mini-brief.yaml"
    path.write_text(BRIEFING.format(id="other-brief"), encoding="utf-8")
    problem = the(problems_of(mini), "briefing-id-file")
    assert located(problem) == (path.resolve(), *where(path, "other-brief"))
    assert problem.message == "id 'other-brief' does not match the file name"
    assert "other-brief.yaml" in problem.hint
