"""Validation at scale (issue 15): the indexes that keep `briefing validate` linear in the
number of facts give exactly the answers of the plain scans they replaced.

How long validation takes is measured by the benchmark (bench/synthetic.py and the
`measure_validate_linear` step of bench/run.py), never here.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.checks import SpanIndex, _Suggestions, check
from briefing.load import load_factbase
from briefing.render.context import document_view
from briefing.validation import gather

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from synthetic import grow_facts  # noqa: E402  (bench/ is not a package)

spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 30)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=30,
)


@given(spans, st.integers(0, 80), st.integers(1, 20))
def test_span_index_answers_as_the_scan_over_every_span(
    found: list[tuple[int, int]], start: int, length: int
) -> None:
    end = start + length
    expected = any(s < end and start < e for s, e in found)
    assert SpanIndex(found).overlaps(start, end) is expected


def test_suggestions_are_the_nearest_id_or_none() -> None:
    suggest = _Suggestions()
    facts = {"us-troops-54000": 1, "us-troops-more-than-50000": 2, "kihara-remark": 3}
    assert suggest("us-troops-5400", facts) == ["us-troops-54000"]
    assert suggest("us-troops-5400", facts) == ["us-troops-54000"]  # asked again: kept
    assert suggest("zzz", facts) == []
    assert suggest("kihara-remarks", {"kihara-remark": 1}) == ["kihara-remark"]


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped fact base grown to 400 facts and 10 discrepancies (bench/synthetic.py)."""
    dest = tmp_path_factory.mktemp("grown")
    shutil.copytree(REPO / "factbase", dest / "factbase")
    shutil.copytree(REPO / "seeds", dest / "seeds")
    grow_facts(dest / "factbase", 400)
    return dest / "factbase"


def test_a_grown_fact_base_is_valid_and_every_quote_is_found(grown: Path) -> None:
    fb, problems = gather(grown)
    assert fb is not None and len(fb.facts) == 400
    assert [p for p in problems if p.severity == "error"] == []
    assert len({(c.source, c.quote) for f in fb.facts for c in f.citations}) > 400


def test_each_fact_names_the_discrepancies_about_it_in_file_order(grown: Path) -> None:
    fb, _ = load_factbase(grown)
    assert fb is not None
    for briefing in fb.briefings:
        view = document_view(fb, briefing)
        for fact_id, fact_view in view.facts_by_id.items():
            expected = tuple(d.subject for d in fb.discrepancies if fact_id in d.facts)
            assert fact_view.disputed_in == expected, fact_id
    assert any(v.disputed_in for v in view.facts_by_id.values())


def test_problems_with_many_bad_references_and_quotes_name_each_one(grown: Path) -> None:
    """Wrong references and wrong quotes in bulk: each is reported, with its suggestion."""
    fb, _ = load_factbase(grown)
    assert fb is not None
    for i in range(100, 200):  # the models are frozen: replace them
        fact = fb.facts[i]
        first = fact.citations[0]
        wrong = first.model_copy(update={"quote": f"{first.quote} zebra"})
        fb.facts[i] = fact.model_copy(
            update={"entities": [*fact.entities, "lloyd-austen"], "citations": [wrong]}
        )
    problems = check(fb)
    unknown = [p for p in problems if p.code == "unknown-entity"]
    assert len(unknown) == 100
    assert {p.hint for p in unknown} == {"did you mean 'lloyd-austin'?"}
    missing = [p for p in problems if p.code == "quote-not-found"]
    assert len(missing) == 100
    files = {s.id: s.file for s in fb.sources}
    for problem, fact in zip(missing, fb.facts[100:200], strict=True):
        assert f"fact {fact.id}: quote not found in {files[fact.citations[0].source]}" in (
            problem.message
        )
