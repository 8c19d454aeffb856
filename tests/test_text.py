"""Text primitives: sentence splitting for coverage, normalisation for verbatim quotes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import briefing.text as text_module
from briefing.text import (
    _BOUNDARY,
    _is_abbreviation,
    find_all,
    line_of,
    normalise,
    normalise_quote,
    sentences,
)


def texts(source: str) -> list[str]:
    return [s.text for s in sentences(source)]


# ----------------------------------------------------------------------------- sentences


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert texts("The U.S. and Japan agreed. Mr. Austin said so. Dr. Lee did not.") == [
        "The U.S. and Japan agreed.",
        "Mr. Austin said so.",
        "Dr. Lee did not.",
    ]


def test_an_initial_does_not_end_a_sentence() -> None:
    assert texts("John F. Kennedy spoke. Then he left.") == [
        "John F. Kennedy spoke.",
        "Then he left.",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert texts('He said "we agree." Then he left.') == ['He said "we agree."', "Then he left."]
    assert texts("He said “we agree.” Then he left!") == ["He said “we agree.”", "Then he left!"]


def test_question_and_exclamation_marks_end_sentences() -> None:
    assert texts("Is it agreed? Yes! It is.") == ["Is it agreed?", "Yes!", "It is."]


def test_a_line_break_always_ends_a_sentence() -> None:
    assert texts("A headline without a stop\nThe first line of the body.") == [
        "A headline without a stop",
        "The first line of the body.",
    ]


def test_stray_stops_and_counters_are_not_sentences() -> None:
    assert texts("Real text here.\n.\n 0\n\n12\nMore text.") == ["Real text here.", "More text."]


def test_sentences_know_their_line_column_and_span() -> None:
    source = "Title\n  First one. Second one.\n"
    found = sentences(source)
    assert [(s.line, s.column) for s in found] == [(1, 1), (2, 3), (2, 14)]
    for sentence in found:
        assert source[sentence.start : sentence.end] == sentence.text
        assert line_of(source, sentence.start) == (sentence.line, sentence.column)


def test_the_mini_seed_has_one_sentence_per_body_line() -> None:
    seed = "The ministers agreed on Sunday that U.S. Forces Japan will do it.\n"
    seed += (
        "Another report says Japan is home to “more than 50,000” U.S. troops — a rounder figure.\n"
    )
    assert [s.line for s in sentences(seed)] == [1, 2]


def _reference_sentences(text: str) -> list[tuple[int, int, int, int, str]]:
    """The splitter as first written (quadratic on `x. x. x.`), kept as the specification of
    what the linear one must find."""
    found = []
    line_start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        piece_start = 0
        for cut in [m.end() for m in _BOUNDARY.finditer(line)] + [len(line)]:
            piece = line[piece_start:cut]
            if cut != len(line) and _is_abbreviation(piece.rsplit(None, 1)[-1]):
                continue
            stripped = piece.strip()
            if re.search(r"[^\W\d_]{2,}", stripped):
                lead = len(piece) - len(piece.lstrip())
                start = line_start + piece_start + lead
                found.append(
                    (number, piece_start + lead + 1, start, start + len(stripped), stripped)
                )
            piece_start = cut
        line_start += len(line) + 1
    return found


PIECES = [*'xab .!?\n\t"”)(', "Mr.", "U.S.", "e.g.", "F.", "ab."]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_the_splitter_finds_what_the_first_version_found(text: str) -> None:
    assert [
        (s.line, s.column, s.start, s.end, s.text) for s in sentences(text)
    ] == _reference_sentences(text)


@pytest.mark.parametrize("unit", ["x. ", "Mr. ", "ab. ", "Se. U.S. (e.g. "])
def test_the_splitter_reads_each_word_once_however_many_stops_a_line_has(
    unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work is counted, not timed: every character the abbreviation look-back reads, over a
    200,000-character line. The first version re-read the whole growing sentence at every
    stop of `x. x. x.`, about 10^10 characters here (20 s for 1.2 MB)."""
    read: list[int] = []
    last_word = text_module._last_word

    def counting(line: str, start: int, cut: int) -> str:
        word = last_word(line, start, cut)
        read.append(len(word))
        return word

    monkeypatch.setattr(text_module, "_last_word", counting)
    line = unit * (200_000 // len(unit))
    sentences(line)
    assert len(read) <= line.count(".")
    assert sum(read) <= len(line)


# ----------------------------------------------------------------------------- normalise


def test_normalise_folds_quote_marks_dashes_and_white_space() -> None:
    assert normalise_quote("  “More  than\n\t50,000” — it’s a‐figure ") == (
        '"More than 50,000" - it\'s a-figure'
    )


def test_normalise_maps_each_character_back_to_the_original() -> None:
    source = "  a  “b”\n\t—c "
    norm = normalise(source)
    assert norm.text == 'a "b" -c'
    assert norm.offsets == (2, 3, 5, 6, 7, 8, 10, 11)


def test_a_match_in_normalised_text_maps_back_to_the_original_passage() -> None:
    source = "Intro.\nJapan is home to “more than\n   50,000” U.S. troops — a rounder figure.\n"
    norm = normalise(source)
    needle = normalise_quote('home to "more than 50,000" U.S. troops -')
    (start,) = find_all(norm.text, needle)
    first, last = norm.original_span(start, start + len(needle))
    assert source[first:last] == "home to “more than\n   50,000” U.S. troops —"
    assert line_of(source, first) == (2, 10)
    assert line_of(source, last - 1) == (3, 24)


@given(st.text(alphabet=st.sampled_from(list("ab .\n\t  “”‘’—–-\"'")), max_size=40))
def test_every_normalised_character_comes_from_an_equivalent_original(source: str) -> None:
    norm = normalise(source)
    assert len(norm.offsets) == len(norm.text)
    assert list(norm.offsets) == sorted(set(norm.offsets))
    for char, offset in zip(norm.text, norm.offsets, strict=True):
        original = source[offset]
        if char == " ":
            assert original.isspace()
        else:
            assert normalise_quote(original) == char


def test_find_all_includes_overlapping_matches() -> None:
    assert list(find_all("aaaa", "aa")) == [0, 1, 2]
    assert list(find_all("abc", "")) == []
