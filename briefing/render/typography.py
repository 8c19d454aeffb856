"""Typographic text for every format: curly and nested quotes, dashes, no-break spaces.

Applied to text before it is escaped for Markdown, so the Markdown, HTML, fragment and PDF
all carry the same characters. Only punctuation and spacing change, never a word: quotes from
sources stay verbatim, and the quote check already treats every kind of quotation mark and
dash as equal. URLs are left exactly as written; ids never pass through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class QuoteMarks:
    """A language's quotation marks: outer pair, inner pair, apostrophe."""

    open: str
    close: str
    inner_open: str
    inner_close: str
    apostrophe: str = "’"


_MARKS = {
    "en": QuoteMarks("“", "”", "‘", "’"),
    "en-GB": QuoteMarks("‘", "’", "“", "”"),
    "de": QuoteMarks("„", "“", "‚", "‘"),
    "fr": QuoteMarks("«\u202f", "\u202f»", "“", "”"),
    "es": QuoteMarks("«", "»", "“", "”"),
    "it": QuoteMarks("«", "»", "“", "”"),
    "nl": QuoteMarks("“", "”", "‘", "’"),
    "ja": QuoteMarks("「", "」", "『", "』"),
}

_DOUBLE = "\"“”„«»"
_SINGLE = "'‘’‚"
_URL = re.compile(r"(?:https?://|mailto:|www\.)\S+")
# A plain number range (`10-20`, `pages 3-5`), never part of a date, id or decimal.
_RANGE = re.compile(r"(?<![\w.,/-])(\d+(?:,\d{3})*)-(\d+(?:,\d{3})*)(?![\w/-]|[.,]\d)")
_SPACED_HYPHEN = re.compile(r"(?<=\S) (?:-|--) (?=\S)")
_DOUBLE_HYPHEN = re.compile(r"(?<=\w)--(?=\w)")
_UNITS = (
    "%|per cent|percent|km|kilometres|kilometers|miles|nautical miles|m|cm|mm|kg|t|tonnes|"
    "tons|million|billion|trillion|thousand|hundred|yen|dollars|euros|pounds|won|yuan|"
    "years|months|weeks|days|hours|minutes|seconds|km/h|mph|knots|GW|MW|kW|°C|°F"
)
_NUMBER_UNIT = re.compile(rf"(\d)[ \t]+(?=(?:{_UNITS})(?![\w]))")
_CURRENCY = re.compile(r"(?<![\w])((?:US|A|C|NZ|HK)?[$€£¥₩])[ \t]+(?=\d)")
_OPENING_CONTEXT = set(" \t\n([{<—–-/\u00a0\u202f") | set("“‘„‚«")


def marks(language: str) -> QuoteMarks:
    """Quotation marks for a BCP 47 tag such as `en`, `en-GB` or `de`; English otherwise."""
    return _MARKS.get(language) or _MARKS.get(language.split("-")[0], _MARKS["en"])


def typeset(text: str, language: str = "en", *, nested: bool = False) -> str:
    """Curly quotes (inner ones when `nested`), dashes and no-break spaces; URLs untouched."""
    pieces = _URL.split(text)
    urls = _URL.findall(text)
    out = [_typeset_piece(piece, marks(language), nested) for piece in pieces]
    return "".join(part for pair in zip(out, [*urls, ""], strict=True) for part in pair)


def quotation(text: str, language: str = "en") -> str:
    """A verbatim passage between the language's quotation marks, quotes inside it nested.

    A passage that is itself one quotation (it opens and closes with a double quotation mark
    and holds no other) keeps that pair as its outer marks; every other passage is wrapped,
    so a passage ending on an inner quotation still gets its own closing mark.
    """
    q = marks(language)
    body = text.strip()
    if (
        len(body) >= 2
        and body[0] in _DOUBLE
        and body[-1] in _DOUBLE
        and not any(ch in _DOUBLE for ch in body[1:-1])
    ):
        body = body[1:-1]
    return f"{q.open}{typeset(body, language, nested=True)}{q.close}"


def _typeset_piece(text: str, q: QuoteMarks, nested: bool) -> str:
    text = _SPACED_HYPHEN.sub(" – ", text)
    text = _DOUBLE_HYPHEN.sub("–", text)
    text = _RANGE.sub(r"\1–\2", text)
    text = _NUMBER_UNIT.sub("\\1\u00a0", text)
    text = _CURRENCY.sub("\\1\u00a0", text)
    double = (q.inner_open, q.inner_close) if nested else (q.open, q.close)
    single = (q.open, q.close) if nested else (q.inner_open, q.inner_close)
    chars = list(text)
    openers: list[int] = []  # single marks that may open a quotation, awaiting their closer
    for index, char in enumerate(chars):
        before = chars[index - 1] if index else " "
        after = chars[index + 1] if index + 1 < len(chars) else " "
        opening = before in _OPENING_CONTEXT
        if char in _DOUBLE:
            chars[index] = double[0] if opening else double[1]
        elif char in _SINGLE:
            chars[index] = q.apostrophe  # unless it pairs up below
            if opening and after.isdigit():
                continue  # ’90s
            if opening and not after.isspace():
                openers.append(index)
            elif not before.isspace() and not after.isalnum() and openers:
                chars[openers.pop()] = single[0]
                chars[index] = single[1]
    return "".join(chars)


