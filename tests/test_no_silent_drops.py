"""Nothing a fact base holds is dropped silently, and no id or word is special.

- A fact, discrepancy, topic, entity or event that no briefing shows is a warning; a briefing
  that selects something it cannot show is an error (in `validate`, and in the build for a
  template that leaves a section out).
- A fact's `event` and the event's `facts` list agree.
- A broken file does not hide the other files' problems.
- A source still being curated is a warning, an error only under --strict.
- The shared context of a read-ahead is whatever its own `topics` say, under any id; the
  headings name the event with the fact base's own noun.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from editing import edit, located, the, where
from typer.testing import CliRunner

from briefing.cli import app
from briefing.errors import InvalidInput, Problem
from briefing.model import Index
from briefing.render.markdown import render_markdown
from briefing.validation import gather, load_valid

REPO = Path(__file__).resolve().parent.parent


def problems_of(factbase: Path) -> list[Problem]:
    return gather(factbase)[1]


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


ADD_TOPIC = """\
  - id: spare
    title: Spare
    description: A topic no briefing covers.
events:"""

ORPHAN_FACT = """\
  - id: orphan
    topics: [spare]
    statement: The official spoke to reporters.
    kind: background
    credibility: 3
    citations:
      - source: mini
        quote: the official said
"""


# ----------------------------------------------------------------------------- not shown


def test_data_no_briefing_shows_is_a_warning_where_it_stands(mini: Path) -> None:
    settings, facts = mini / "factbase.yaml", mini / "facts.yaml"
    edit(settings, "events:", ADD_TOPIC)
    facts.write_text(facts.read_text(encoding="utf-8") + ORPHAN_FACT, encoding="utf-8")
    problems = problems_of(mini)
    assert {p.severity for p in problems} == {"warning"}
    by_message = {p.message: p for p in problems if p.code == "not-shown"}
    assert set(by_message) == {
        "fact orphan is in no briefing",
        "topic spare is in no briefing's `topics`",
    }
    fact = by_message["fact orphan is in no briefing"]
    line, column = where(facts, "id: orphan")
    assert located(fact) == (facts.resolve(), line, column + len("id: "))
    assert "add one of its topics (spare)" in fact.hint
    topic = by_message["topic spare is in no briefing's `topics`"]
    line, column = where(settings, "id: spare")
    assert located(topic) == (settings.resolve(), line, column + len("id: "))
    code, _, err = run("validate", "--facts", mini)
    assert code == 0, err
    assert run("validate", "--facts", mini, "--strict")[0] == 1


def test_discrepancy_entity_and_event_no_briefing_shows(mini: Path) -> None:
    brief = mini / "briefings" / "c2.yaml"
    edit(brief, "topics: [c2, context]", "topics: [c2]")
    edit(brief, "  - text: Japan hosts some 54,000 US troops.\n    facts: [troops-54000]\n", "")
    edit(brief, "bluf:\n", "bluf:\n  - text: A second sentence.\n    facts: [jfhq-agreed]\n")
    problems = problems_of(mini)
    found = {p.message for p in problems if p.code == "not-shown"}
    assert found == {
        "fact troops-54000 is in no briefing",
        "discrepancy troop-count is in no briefing",
        "topic context is in no briefing's `topics`",
        "entity official is in no briefing",
    }
    # the event's only fact (jfhq-agreed) is still shown: no warning for the event
    edit(brief, "topics: [c2]", "topics: [context]")
    found = {p.message for p in problems_of(mini) if p.code == "not-shown"}
    assert "event talks: none of its facts is in a briefing" in found
    assert "fact jfhq-agreed is in no briefing" in found


def test_a_fact_base_without_briefings_says_so_once(mini: Path) -> None:
    (mini / "briefings" / "c2.yaml").unlink()
    problem = the(problems_of(mini), "no-briefing")
    assert problem.severity == "warning"
    assert "none of 2 facts and 1 discrepancies is shown" in problem.message
    assert "briefing new ID --topic TOPIC" in problem.hint
    assert codes(problems_of(mini)) == ["no-briefing"]


READ_AHEAD = """\
id: {id}
title: Read-ahead
subject: Everything
template: readahead.md.j2
topics: []
includes: [{includes}]
bluf:
  - text: The ministers agreed to a joint force headquarters.
    facts: [jfhq-agreed]
  - text: Japan hosts some 54,000 US troops.
    facts: [troops-54000]
"""


def test_a_nested_include_is_an_error_on_the_include(mini: Path) -> None:
    folder = mini / "briefings"
    (folder / "inner.yaml").write_text(READ_AHEAD.format(id="inner", includes="c2"))
    outer = folder / "outer.yaml"
    outer.write_text(READ_AHEAD.format(id="outer", includes="inner"))
    problem = the(problems_of(mini), "include-nested")
    assert problem.severity == "error"
    assert located(problem) == (outer.resolve(), *where(outer, "inner]"))
    assert problem.message == (
        "briefing outer includes inner, which itself includes c2: those would not be shown"
    )
    assert problem.hint == "include c2 here directly, next to inner"


def test_a_briefing_that_includes_itself_is_an_error(mini: Path) -> None:
    path = mini / "briefings" / "loop.yaml"
    path.write_text(READ_AHEAD.format(id="loop", includes="c2, loop"))
    problem = the(problems_of(mini), "include-itself")
    assert located(problem) == (path.resolve(), *where(path, "loop]"))


def test_a_template_that_leaves_a_section_out_fails_the_build(mini: Path, tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    # a topic layout that forgets the body: BLUF and judgments only
    (templates / "topic.md.j2").write_text('{% extends "base.md.j2" %}\n')
    fb, _ = load_valid(mini)
    with pytest.raises(InvalidInput) as raised:
        render_markdown(fb, Index.of(fb).briefings["c2"], templates=templates)
    # Both facts keep their notes through the BLUF; the discrepancy has nowhere to go.
    assert [p.message for p in raised.value.problems] == [
        "briefing c2: the template shows no section holding discrepancy troop-count"
    ]
    out = tmp_path / "out"
    code, _, err = run("build", "--facts", mini, "--templates", templates, "--out", out)
    assert code == 1
    assert "topic.md.j2:1:1: error: briefing c2: the template shows no section holding " in err
    assert not any(out.glob("*.md"))


def test_a_template_that_drops_a_fact_names_it(mini: Path, tmp_path: Path) -> None:
    # BLUF and judgments reference jfhq-agreed and troops-54000; a third fact with no
    # reference outside the body shows whether the body was rendered.
    facts = mini / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8") + ORPHAN_FACT.replace("[spare]", "[c2]"),
        encoding="utf-8",
    )
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "topic.md.j2").write_text('{% extends "base.md.j2" %}\n')
    fb, _ = load_valid(mini)
    with pytest.raises(InvalidInput) as raised:
        render_markdown(fb, Index.of(fb).briefings["c2"], templates=templates)
    messages = [p.message for p in raised.value.problems]
    assert "briefing c2: the template shows no section holding fact orphan" in messages
    # the shipped template shows it
    text = render_markdown(fb, Index.of(fb).briefings["c2"]).text
    assert "The official spoke to reporters." in text


# ----------------------------------------------------------------------------- events


def test_a_fact_that_names_an_event_missing_from_its_list(mini: Path) -> None:
    facts = mini / "facts.yaml"
    edit(facts, "    kind: figure\n", "    kind: figure\n    event: talks\n")
    problem = the(problems_of(mini), "event-mismatch")
    line, column = where(facts, "event: talks\n    entities")
    assert located(problem) == (facts.resolve(), line, column + len("event: "))
    assert problem.message == (
        "fact troops-54000 names event talks, whose `facts` list leaves it out"
    )


def test_an_event_that_lists_a_fact_naming_no_event(mini: Path) -> None:
    settings = mini / "factbase.yaml"
    edit(settings, "facts: [jfhq-agreed]", "facts: [jfhq-agreed, troops-54000]")
    problem = the(problems_of(mini), "event-mismatch")
    assert located(problem) == (settings.resolve(), *where(settings, "troops-54000]"))
    assert problem.message == "event talks lists fact troops-54000, which names no event"
    assert problem.hint == "set `event: talks` on the fact, or take it off this list"


def test_an_event_without_a_list_takes_the_facts_that_name_it(mini: Path) -> None:
    edit(mini / "factbase.yaml", "    facts: [jfhq-agreed]\n", "")
    assert problems_of(mini) == []


# ----------------------------------------------------------------------------- one pass


def test_a_schema_error_does_not_hide_quote_and_reference_errors_elsewhere(mini: Path) -> None:
    edit(
        mini / "facts.yaml", "event: talks\n    credibility: 3", "event: talks\n    credibility: x"
    )
    edit(mini / "entities.yaml", "quote: the official said", "quote: the officials said")
    edit(mini / "discrepancies.yaml", "topics: [context]", "topics: [contxt]")
    found = codes(problems_of(mini))
    assert "schema-int-parsing" in found
    assert "quote-not-found" in found
    assert "unknown-topic" in found
    # references into the broken file are not reported as unknown, nor is coverage
    assert found.count("unknown-fact") == 0
    assert "coverage-low" not in found


def test_a_broken_briefing_does_not_hide_the_facts_problems(mini: Path) -> None:
    edit(mini / "briefings" / "c2.yaml", "likelihood: likely", "likelihood: probable")
    edit(mini / "facts.yaml", "entities: [official]", "entities: [oficial]")
    found = codes(problems_of(mini))
    assert "schema-enum" in found and "unknown-entity" in found
    assert "not-shown" not in found  # what a broken briefing shows is unknown


def test_an_empty_folder_points_to_init(tmp_path: Path) -> None:
    code, _, err = run("validate", "--facts", tmp_path)
    assert code == 1
    assert err.count("error:") == 1
    assert "no fact-base files in this folder — start a project with `briefing init DIR`" in err


# ----------------------------------------------------------------------------- curation


def test_a_source_being_curated_is_one_warning_not_an_error(mini: Path) -> None:
    sources = mini / "sources.yaml"
    edit(
        mini / "discrepancies.yaml",
        'quote: Japan is home to "more than 50,000" U.S. troops - a rounder figure.',
        "quote: the official said",
    )
    assert "coverage-low" in codes(problems_of(mini))
    edit(sources, "    reliability: C\n", "    reliability: C\n    curating: true\n")
    problem = the(problems_of(mini), "source-curating")
    assert problem.severity == "warning"
    assert located(problem) == (sources.resolve(), *where(sources, "true"))
    assert problem.message == "mini is being curated: 2 of 3 sentences cited (67%)"
    assert "`briefing source text mini --uncited`" in problem.hint
    assert codes(problems_of(mini)) == ["source-curating"]  # no per-sentence flood
    assert run("validate", "--facts", mini)[0] == 0
    assert run("validate", "--facts", mini, "--strict")[0] == 1


def test_a_fully_cited_source_still_marked_curating_is_a_reminder(mini: Path) -> None:
    edit(mini / "sources.yaml", "    reliability: C\n", "    reliability: C\n    curating: true\n")
    problem = the(problems_of(mini), "source-curating")
    assert problem.hint == "delete `curating: true`"


def test_placeholders_left_in_a_source_are_warnings(mini: Path) -> None:
    sources = mini / "sources.yaml"
    edit(sources, "reliability_reason: Unattributed but specific.", "reliability_reason: TODO")
    problem = the(problems_of(mini), "todo-left")
    assert problem.severity == "warning"
    assert located(problem) == (sources.resolve(), *where(sources, "TODO"))


# ----------------------------------------------------------------------------- digest


def test_a_changed_source_shows_its_full_digest_and_the_command(mini: Path) -> None:
    seed = mini.parent / "seeds" / "mini.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")
    problem = the(problems_of(mini), "source-changed")
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    assert (
        problem.message == f"mini.txt changed since it was registered: its sha256 is now {digest}"
    )
    assert "`briefing source update mini`" in problem.hint


# ----------------------------------------------------------------------------- any id


def shipped_copy(root: Path) -> Path:
    shutil.copytree(REPO / "factbase", root / "factbase")
    shutil.copytree(REPO / "seeds", root / "seeds")
    return root / "factbase"


def test_the_shared_context_topic_renamed_loses_nothing(tmp_path: Path) -> None:
    """The issue's reproduction: rename the shipped `context` topic; every fact and
    discrepancy still shows, with no warning and no empty heading."""
    factbase = shipped_copy(tmp_path)
    for path in factbase.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?<=[\[ ,])context(?=[\],])", "setting", text)
        text = text.replace("  - id: context\n", "  - id: setting\n")
        path.write_text(text, encoding="utf-8")
    fb, problems = gather(factbase)
    assert fb is not None and problems == [], [str(p) for p in problems]
    assert "context" not in {t.id for t in fb.settings.topics}
    read_ahead = Index.of(fb).briefings["read-ahead"]
    text = render_markdown(fb, read_ahead).text
    assert "## Shared context" in text
    letters = "".join(ch for ch in text if ch.isalnum())  # typography changes marks only
    for fact in fb.facts:
        assert f"[^{fact.id}]" in text, fact.id  # every fact has its note in the read-ahead
    for disc in fb.discrepancies:
        assert "".join(ch for ch in disc.subject if ch.isalnum()) in letters, disc.id


def test_a_read_ahead_without_shared_topics_has_no_empty_heading(mini: Path) -> None:
    (mini / "briefings" / "all.yaml").write_text(READ_AHEAD.format(id="all", includes="c2"))
    fb, _ = load_valid(mini)
    text = render_markdown(fb, Index.of(fb).briefings["all"]).text
    assert "Shared context" not in text
    assert "Japan hosts about 54,000 US troops." in text


@pytest.mark.parametrize(
    ("noun", "timing", "heading"),
    [
        (None, "report", "### Expected next, as reported after the event"),
        (None, "preview", "### Expected or previewed before the event"),
        ("hearing", "report", "### Expected next, as reported after the hearing"),
        ("hearing", "preview", "### Expected or previewed before the hearing"),
    ],
)
def test_headings_name_the_event_with_the_fact_base_noun(
    mini: Path, noun: str | None, timing: str, heading: str
) -> None:
    if noun:
        edit(mini / "factbase.yaml", "seeds: ../seeds\n", f"seeds: ../seeds\nevent_noun: {noun}\n")
    edit(mini / "sources.yaml", "timing: report", f"timing: {timing}")
    facts = mini / "facts.yaml"
    expectation = (
        ORPHAN_FACT.replace("id: orphan", "id: an-expectation")
        .replace("[spare]", "[c2]")
        .replace("kind: background", "kind: expectation")
    )
    facts.write_text(facts.read_text(encoding="utf-8") + expectation, encoding="utf-8")
    fb, _ = load_valid(mini)
    text = render_markdown(fb, Index.of(fb).briefings["c2"]).text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert heading in headings
    assert f"## Agreed at the {noun or 'event'}, against what was expected beforehand" in headings
    assert not [h for h in headings if "talks" in h]
