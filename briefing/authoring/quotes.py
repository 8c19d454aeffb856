"""`briefing quote`: the verbatim passage of a source that best matches approximate words.

The analyst types a paraphrase or a half-remembered fragment. Each sentence of the source is
scored two ways, and the better one counts: the share of the query's content words that the
sentence holds (a paraphrase, words in another order or form: "approve" finds "approved"),
and rapidfuzz's partial ratio (a fragment with a typo). The best sentence is then narrowed
to the clause that holds the matched words. The passage is always a slice of the source,
cut on word boundaries and checked to be found by `validate` as it stands; when nothing
scores high enough there is no answer, never an invented one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

from briefing.authoring.sentences import registered_source
from briefing.checks import quote_spans
from briefing.model import FactBase
from briefing.text import Sentence, line_of, normalise, normalise_quote, sentences

PLAUSIBLE = 70.0  # score (0-100) below which no passage is offered
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_CLAUSE_END = re.compile(r"[,;:]\s|\s[—–-]\s")
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "he", "her", "his", "in", "into", "is", "it", "its", "of", "on", "or", "our", "said",
    "says", "she", "so", "than", "that", "the", "their", "them", "they", "this", "to", "was",
    "we", "were", "which", "who", "will", "with", "would",
})  # fmt: skip


@dataclass(frozen=True)
class QuoteMatch:
    """A verbatim passage and where it stands."""

    quote: str
    line: int
    column: int
    score: float

    def as_json(self) -> dict[str, object]:
        return {"quote": self.quote, "line": self.line, "column": self.column, "score": self.score}


@dataclass(frozen=True)
class NoMatch:
    """Nothing plausible: the best score and its line, for the message."""

    score: float
    line: int


@dataclass(frozen=True)
class _Scored:
    score: float
    tiebreak: float
    sentence: Sentence
    matched: tuple[tuple[int, int], ...]  # spans of matched words, relative to the sentence


def _same_word(a: str, b: str) -> bool:
    """The same word, allowing for its form: approve/approved, harbour/harbours."""
    if a == b:
        return True
    stem = min(len(a), len(b), max(4, min(len(a), len(b)) - 2))
    return len(a) >= 4 and len(b) >= 4 and a[:stem] == b[:stem]


def _score(sentence: Sentence, query: str, content: list[str]) -> _Scored:
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(sentence.text)]
    matched = []
    for wanted in content:
        hit = next(((s, e) for s, e, w in words if _same_word(wanted, w)), None)
        if hit is not None:
            matched.append(hit)
    overlap = 100.0 * len(matched) / len(content)
    alike = fuzz.partial_ratio(query, sentence.text, processor=utils.default_process)
    return _Scored(max(overlap, alike), min(overlap, alike), sentence, tuple(matched))


def quote_in(fb: FactBase, source_id: str, words: str) -> list[QuoteMatch] | NoMatch:
    """The best passages of a registered source for `words`; lines it excludes come last."""
    source, text = registered_source(fb, source_id)
    excluded = {n for ex in source.exclude for n in ex.span}
    return find_quote(text, words, excluded=excluded)


def citation_text(source_id: str, match: QuoteMatch) -> str:
    """The citation as YAML, ready to paste under `citations:` (JSON strings are YAML)."""
    return f"- source: {source_id}\n  quote: {json.dumps(match.quote, ensure_ascii=False)}"


def find_quote(
    text: str, words: str, *, limit: int = 3, excluded: set[int] | None = None
) -> list[QuoteMatch] | NoMatch:
    """The best passages of `text` for `words`, best first; NoMatch when none is plausible.

    Sentences on `excluded` lines (a headline, a repeated copy) rank after the others."""
    skip = excluded or set()
    query = normalise_quote(words)
    tokens = [w.lower() for w in _WORD.findall(query)]
    content = [w for w in tokens if w not in STOP_WORDS]  # "the the" finds nothing
    found = sentences(text)
    if not content or not found:
        return NoMatch(0.0, 1)
    scored = sorted(
        (_score(s, query, content) for s in found),
        key=lambda x: (x.sentence.line in skip, -x.score, -x.tiebreak, x.sentence.start),
    )
    best = max(scored, key=lambda x: x.score)
    matches: list[QuoteMatch] = []
    for each in scored:
        if each.score < PLAUSIBLE or len(matches) >= limit:
            break
        match = _passage(text, each)
        if match is not None and match.quote not in {m.quote for m in matches}:
            matches.append(match)
    return matches or NoMatch(round(best.score, 1), best.sentence.line)


def _passage(text: str, scored: _Scored) -> QuoteMatch | None:
    """The clause of the sentence that holds the matched words (the whole sentence when they
    span clauses or nothing was matched word for word)."""
    sentence = scored.sentence
    start, end = 0, len(sentence.text)
    if scored.matched:
        first = min(s for s, _ in scored.matched)
        last = max(e for _, e in scored.matched)
        cuts = [m for m in _CLAUSE_END.finditer(sentence.text)]
        before = [m.end() for m in cuts if m.end() <= first]
        after = [m.start() for m in cuts if m.start() >= last]
        start = before[-1] if before else 0
        end = after[0] if after else len(sentence.text)
    piece = sentence.text[start:end]
    lead = len(piece) - len(piece.lstrip())
    begin = sentence.start + start + lead
    quote = text[begin : sentence.start + end].rstrip()
    if not quote or not quote_spans(normalise(text), quote):
        return None
    line, column = line_of(text, begin)
    return QuoteMatch(quote, line, column, round(scored.score, 1))
