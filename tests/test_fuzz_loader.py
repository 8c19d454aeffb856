"""Property tests: whatever text lands in a fact-base file, loading ends in located problems or a
valid model. Never an exception, never a hang.

Inputs: raw random text and bytes, random nested structures dumped with `yaml.safe_dump`, random
fact entries built from the real field names, and the fixture's own files with random damage.
Every example has a deadline; example counts are modest so the module stays well under 30 s.
"""

from __future__ import annotations

import datetime as dt
import shutil
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from briefing.errors import Problem
from briefing.load import read_yaml
from briefing.model import FILES
from briefing.validation import gather

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
FUZZ = settings(
    max_examples=60,
    deadline=dt.timedelta(seconds=2),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=False,
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One copy of the mini fixture for the module; each example rewrites one file in it."""
    with tempfile.TemporaryDirectory(prefix="briefing-fuzz-") as tmp:
        root = Path(tmp) / "mini"
        shutil.copytree(MINI, root)
        yield root / "factbase"


def restore(factbase: Path) -> None:
    for name in [*FILES.values(), "briefings/c2.yaml"]:
        shutil.copyfile(MINI / "factbase" / name, factbase / name)


def assert_located(problems: list[Problem], path: Path | None = None) -> None:
    for problem in problems:
        assert problem.file, problem
        assert problem.line >= 1 and problem.column >= 1, problem
        assert problem.message and problem.hint, problem
        assert problem.severity in ("error", "warning"), problem
        if path is not None and Path(problem.file).resolve() == path.resolve():
            # YAML 1.1 (libyaml) also breaks lines at \r, U+0085, U+2028 and U+2029
            text = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
            lines = sum(text.count(c) for c in "\n\r\x85\u2028\u2029") + 1
            assert problem.line <= lines + 1, (problem, lines)


def assert_loads_or_reports(factbase: Path, changed: Path) -> None:
    """The whole pipeline validate runs: load, schema, cross-checks."""
    fb, problems = gather(factbase)
    assert_located(problems, changed)
    if fb is None:
        assert any(p.severity == "error" for p in problems)


# --------------------------------------------------------------------------- raw text

YAML_TOKENS = [
    *(string.ascii_letters + string.digits + " \t\n:-[]{}&*!#'\",|>%@`?.~\\"),
    *("\r", "\x00", "\x07", "\ufeff", "é", "…", "\u2028", "\x85"),
    *("  ", "- ", ": ", "\n  ", "\n- ", "facts:", "id: ", "&a ", "*a", "!!str ", "!!int ", "---"),
    *("'", '"', "? ", "|\n", ">-\n", "2024-07-28", "0x", ".inf", "~", "<<: "),
]
YAMLISH = st.lists(st.sampled_from(YAML_TOKENS), max_size=120).map("".join)


@FUZZ
@given(text=st.one_of(YAMLISH, st.text(max_size=300)))
def test_read_yaml_on_random_text(scratch: Path, text: str) -> None:
    path = scratch / "facts.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    data, smap, problems = read_yaml(path)
    assert_located(problems, path)
    if problems:
        assert data is None or isinstance(data, dict | list | str | int | float | bool)
    assert smap.file


@FUZZ
@given(raw=st.binary(max_size=300))
def test_read_yaml_on_random_bytes(scratch: Path, raw: bytes) -> None:
    path = scratch / "entities.yaml"
    path.write_bytes(raw)
    _, _, problems = read_yaml(path)
    assert_located(problems, path)


@FUZZ
@given(text=YAMLISH)
def test_load_factbase_on_random_text_in_each_file(scratch: Path, text: str) -> None:
    restore(scratch)
    for name in [*FILES.values(), "briefings/c2.yaml"]:
        path = scratch / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        assert_loads_or_reports(scratch, path)
        shutil.copyfile(MINI / "factbase" / name, path)


# --------------------------------------------------------------------------- structures

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(),
    st.sampled_from(["c2", "context", "mini", "official", "talks", "jfhq-agreed", "TLP:CLEAR"]),
)
KEYS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "id", "topics", "facts", "citations", "source", "quote", "statement", "kind",
            "credibility", "figures", "dates", "value", "label", "unit", "sources", "entities",
            "discrepancies", "variants", "bluf", "text", "marking", "tlp", "title", "as_of",
            "seeds", "file", "sha256", "exclude", "lines", "judgments", "likelihood",
        ]
    ),
)  # fmt: skip
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=40,
)


@FUZZ
@given(value=STRUCTURES, name=st.sampled_from([*FILES.values(), "briefings/c2.yaml"]))
def test_load_factbase_on_random_structures(scratch: Path, value: object, name: str) -> None:
    restore(scratch)
    path = scratch / name
    path.write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    assert_loads_or_reports(scratch, path)


def fact_entries() -> st.SearchStrategy[list[dict[str, object]]]:
    """Fact entries close to real ones: right field names, values sometimes wrong."""
    ids = st.one_of(
        st.sampled_from(["jfhq-agreed", "troops-54000", "x", "../evil", "A B", "a/b"]),
        st.text(max_size=10),
    )
    quote = st.one_of(
        st.sampled_from(
            [
                "Japan hosts 54,000 US troops",
                "Japan hosts 54,00",
                "U.S. troo",
                "The ministers agreed … headquarters.",
                "the official said",
                "",
                " ",
            ]
        ),
        st.text(max_size=30),
    )
    citation = st.fixed_dictionaries(
        {"source": st.one_of(st.just("mini"), ids), "quote": quote},
        optional={"page": st.integers()},
    )
    figure = st.fixed_dictionaries(
        {"label": st.text(max_size=10), "value": SCALARS, "unit": st.text(max_size=5)},
        optional={"qualifier": st.sampled_from(["about", "roughly", "exactly", 3])},
    )
    date = st.fixed_dictionaries(
        {
            "label": st.text(max_size=10),
            "value": st.one_of(st.dates(), st.text(max_size=12), st.integers()),
        }
    )
    fact = st.fixed_dictionaries(
        {
            "id": ids,
            "topics": st.lists(st.sampled_from(["c2", "context", "nope"]), max_size=3),
            "statement": st.one_of(st.text(max_size=40), st.integers()),
            "kind": st.sampled_from(["figure", "agreed-outcome", "expectation", "bogus"]),
            "credibility": st.one_of(st.integers(-2, 9), st.text(max_size=3), st.floats()),
            "citations": st.lists(citation, max_size=3),
        },
        optional={
            "event": st.sampled_from(["talks", "nope"]),
            "entities": st.lists(st.sampled_from(["official", "nobody"]), max_size=2),
            "figures": st.lists(figure, max_size=2),
            "dates": st.lists(date, max_size=2),
            "speaker": ids,
        },
    )
    return st.lists(fact, min_size=1, max_size=4)


@FUZZ
@given(facts=fact_entries())
def test_gather_on_near_valid_facts(scratch: Path, facts: list[dict[str, object]]) -> None:
    restore(scratch)
    path = scratch / "facts.yaml"
    path.write_text(yaml.safe_dump({"facts": facts}, allow_unicode=True), encoding="utf-8")
    assert_loads_or_reports(scratch, path)


# --------------------------------------------------------------------------- damaged real files


@FUZZ
@given(
    name=st.sampled_from([*FILES.values(), "briefings/c2.yaml"]),
    cuts=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.integers(min_value=0, max_value=5),
            st.text(alphabet=st.sampled_from([*":-[]{}&*!#'\"\t\n |>%@` ", "\x01"])),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_gather_on_damaged_fixture_files(
    scratch: Path, name: str, cuts: list[tuple[float, int, str]]
) -> None:
    restore(scratch)
    path = scratch / name
    text = path.read_text(encoding="utf-8")
    for where, drop, insert in cuts:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + drop :]
    assume(text != (MINI / "factbase" / name).read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    assert_loads_or_reports(scratch, path)
