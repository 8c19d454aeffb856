"""The whole authoring flow, scripted as a new analyst would run it, command by command.

Real processes (`python -m briefing ...`) in a fresh project folder: init, source add,
source text, quote, a fact written by hand from the quote, new, validate, build. Then a second
article goes the whole way to a rebuilt briefing; the test counts the commands that took
(every one is needed: nothing else is), prints the time each phase took, and checks the
rebuilt briefing shows the new fact.

The articles are the example's (examples/flood-exercise/seeds), as if they had just arrived.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "examples" / "flood-exercise" / "seeds"
TOPICS = """\
topics:
  - id: evacuation
    title: Evacuation of the riverside streets
    description: How residents of two riverside streets were to be moved, and how long it took.
"""


@dataclass
class Analyst:
    """Runs commands in the project folder and keeps a log of them."""

    project: Path
    log: list[tuple[str, float]] = field(default_factory=list)

    def run(self, *args: str | Path, expect: int = 0) -> subprocess.CompletedProcess[str]:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "briefing", *map(str, args)],
            cwd=self.project,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=300,
            check=False,
        )
        self.log.append((" ".join(map(str, args[:2])), time.perf_counter() - started))
        assert proc.returncode == expect, (args, proc.returncode, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        return proc

    def write_fact(self, ident: str, statement: str, kind: str, citation: str) -> None:
        """What an analyst types into facts.yaml: the fact, and the pasted citation."""
        facts = self.project / "factbase" / "facts.yaml"
        pasted = "\n".join("      " + line for line in citation.splitlines())
        entry = (
            f"  - id: {ident}\n    topics: [evacuation]\n    statement: {statement}\n"
            f"    kind: {kind}\n    credibility: 3\n    citations:\n{pasted}\n"
        )
        text = facts.read_text(encoding="utf-8").replace("facts: []\n", "facts:\n")
        facts.write_text(text + entry, encoding="utf-8")


def test_a_new_analyst_from_nothing_to_a_rebuilt_briefing(tmp_path: Path) -> None:
    started = time.perf_counter()
    analyst = Analyst(tmp_path)
    analyst.run("init", "flood", "--event-noun", "exercise", "--as-of", "2031-03-10",
                "--title", "Flood exercise", "--organisation", "Analytic cell")  # fmt: skip
    analyst.project = tmp_path / "flood"
    settings = analyst.project / "factbase" / "factbase.yaml"
    settings.write_text(settings.read_text().replace("topics: []\n", TOPICS), encoding="utf-8")

    # the first article: register it, read what needs citing, cite one sentence
    out = analyst.run("source", "add", ARTICLES / "wexmoor-gazette-preview.txt", "--id", "gazette")
    assert "proposed exclusion, line 3: Headline" in out.stdout
    uncited = json.loads(analyst.run("source", "text", "gazette", "--uncited", "--json").stdout)
    assert len(uncited) == 5
    assert uncited[2]["text"].startswith("Organisers plan to evacuate")
    citation = analyst.run("quote", "gazette", "organisers evacuate two riverside streets").stdout
    assert citation == (
        '- source: gazette\n  quote: "Organisers plan to evacuate the residents of two '
        'riverside streets in Ellisford within four hours."\n'
    )
    analyst.write_fact(
        "evacuation-planned",
        "Organisers planned to evacuate two riverside streets within four hours.",
        "announced-plan",
        citation,
    )
    analyst.run("new", "evacuation", "--topic", "evacuation")
    checked = analyst.run("validate")
    assert "gazette is being curated: 1 of 5 sentences cited (20%)" in checked.stderr
    analyst.run("build")
    first = analyst.project / "out" / "evacuation.md"
    assert "### Expected or previewed before the exercise" in first.read_text(encoding="utf-8")
    setup_seconds = time.perf_counter() - started

    # a new article arrives: from `source add` to the rebuilt briefing
    analyst.log.clear()
    began = time.perf_counter()
    analyst.run("source", "add", ARTICLES / "river-authority-release.txt", "--id", "river")
    analyst.run("source", "text", "river", "--uncited")
    citation = analyst.run("quote", "river", "volunteers moved 300 residents in four hours").stdout
    analyst.write_fact(
        "evacuation-four-hours",
        "The river authority said 300 residents were moved in four hours.",
        "figure",
        citation,
    )
    analyst.run("validate")
    built = analyst.run("build")
    article_seconds = time.perf_counter() - began
    commands = [name for name, _ in analyst.log]
    assert commands == ["source add", "source text", "quote river", "validate", "build"]
    text = first.read_text(encoding="utf-8")
    assert "The river authority said 300 residents were moved in four hours." in text
    # the one briefing in 7 formats; the catalogue and the feed show nothing that changed
    assert "7 built, 2 skipped" in built.stdout + built.stderr
    print(
        f"\nflow: set-up and first article {setup_seconds:.1f} s; a new article to a rebuilt "
        f"briefing: {len(commands)} commands, {article_seconds:.1f} s ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in analyst.log)
        + ")"
    )
