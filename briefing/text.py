"""Text primitives for provenance: quote normalisation and sentence spans.

A quote is verbatim when it matches its source after normalising only white space, quote
marks and dash variants. Normalised text keeps a map back to the original offsets, so a match
can be turned into the lines and sentences it covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_EQUIVALENT = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset in the original."""

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        return self.offsets[start], self.offsets[end - 1] + 1


def normalise(text: str) -> Normalised:
    """Fold quote marks and dashes, and collapse every run of white space to one space."""
    chars: list[str] = []
    offsets: list[int] = []
    in_space = False
    for index, char in enumerate(text.translate(_EQUIVALENT)):
        if char.isspace():
            if not in_space and chars:
                chars.append(" ")
                offsets.append(index)
            in_space = True
            continue
        in_space = False
        chars.append(char)
        offsets.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return Normalised("".join(chars), tuple(offsets))


_SPACES = re.compile(r"\s+")


def normalise_quote(text: str) -> str:
    """The normalised form of a quote, for searching a normalised source (`normalise`'s text,
    without the offsets it keeps: quotes are many, sources few)."""
    return _SPACES.sub(" ", text.translate(_EQUIVALENT)).strip()


def find_all(haystack: str, needle: str) -> Iterator[int]:
    """Every start offset of `needle` in `haystack`, overlapping matches included."""
    start = haystack.find(needle)
    while start != -1 and needle:
        yield start
        start = haystack.find(needle, start + 1)


# ----------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    [
        "u.s.",
        "u.k.",
        "u.n.",
        "mr.",
        "ms.",
        "mrs.",
        "dr.",
        "st.",
        "no.",
        "gen.",
        "lt.",
        "col.",
        "sen.",
        "rep.",
        "jr.",
        "sr.",
        "e.g.",
        "i.e.",
        "vs.",
        "inc.",
        "corp.",
        "co.",
        "adm.",
        "capt.",
        "maj.",
        "sgt.",
        "gov.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "aug.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
    ]
)
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+\S)")
_WORD = re.compile(r"[^\W\d_]{2,}")
_INITIAL = re.compile(r"[a-z]\.")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source: its 1-based line, its span in the whole text, its text."""

    line: int
    column: int
    start: int
    end: int
    text: str


def _last_word(line: str, start: int, cut: int) -> str:
    """The word of `line` that ends at `cut`, not reaching back before `start`."""
    begin = cut
    while begin > start and not line[begin - 1].isspace():
        begin -= 1
    return line[begin:cut]


def _is_abbreviation(word: str) -> bool:
    """`U.S.`, `Mr.`, `(e.g.` or an initial such as `F.`: a stop that does not end a sentence."""
    last = re.split(r"[-–—/]", word.lower())[-1].lstrip("\"'“‘(")
    return last in _ABBREVIATIONS or bool(_INITIAL.fullmatch(last))


def sentences(text: str) -> list[Sentence]:
    """Split a source into sentences, line by line; a line break always ends a sentence.

    Pieces without a word of two letters (a stray ".", a counter "0") are not sentences.
    Linear in the length of the text: each candidate stop looks back at one word only, and
    each character belongs to one sentence.
    """
    found: list[Sentence] = []
    line_start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        piece_start = 0
        cuts = (m.end() for m in _BOUNDARY.finditer(line))
        for cut in [*cuts, len(line)]:
            if cut != len(line) and _is_abbreviation(_last_word(line, piece_start, cut)):
                continue
            piece = line[piece_start:cut]
            stripped = piece.strip()
            if _WORD.search(stripped):
                lead = len(piece) - len(piece.lstrip())
                start = line_start + piece_start + lead
                found.append(
                    Sentence(number, piece_start + lead + 1, start, start + len(stripped), stripped)
                )
            piece_start = cut
        line_start += len(line) + 1
    return found


def line_of(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset in a text."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def shorten(text: str, limit: int = 100) -> str:
    """One line, at most `limit` characters, for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
