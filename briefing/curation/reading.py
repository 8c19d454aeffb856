"""What one sentence says, read by rules: its kind, figures, dates, names and quotations.

Small regular expressions, not a parser library: the sentences are English news prose and the
readings only have to be good enough to propose; the analyst reviews every one. (dateparser
would add regex, pytz, tzlocal and language data for 200 locales to read "28 July 2024".)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from briefing.model import DateValue, Entity, EntityKind, FactKind, FigureValue

_TOKEN = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?")
STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "he", "her", "his", "in", "into", "is", "it", "its", "of", "on", "or", "our", "said",
    "says", "she", "so", "than", "that", "the", "their", "them", "they", "this", "to", "was",
    "we", "were", "which", "who", "will", "with", "would", "not", "no", "also", "after",
    "before", "over", "under", "about", "more", "less", "other", "there", "these", "those",
    "then", "when", "while", "what", "where", "both", "all", "any", "can", "could", "may",
    "might", "should", "do", "does", "did", "being", "per", "such", "up", "out", "new",
})  # fmt: skip
SPEECH = re.compile(
    r"\b(said|says|say|told|tells|stated|states|added|adds|noted|stressed|declared|remarked|"
    r"according to|wrote|insisted|warned)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[“\"]([^“”\"]{3,})[”\"]")
_EXPECT = re.compile(
    r"\b(will|would|is expected to|are expected to|expected to|plans? to|planned to|is set to|"
    r"are set to|aims? to|scheduled to|is likely to|are likely to|to be held)\b",
    re.IGNORECASE,
)
_AGREED = re.compile(r"\b(agreed|signed|decided|approved|concurred|adopted)\b", re.IGNORECASE)
_STANCE = re.compile(
    r"\b(underscored|underscores|expressed|condemned|stressed|emphasi[sz]ed|reaffirmed|"
    r"describing|described|welcomed|wants|opposed|urged|called for|voiced|critici[sz]ed|"
    r"warned|insisted)\b",
    re.IGNORECASE,
)
_ANNOUNCED = re.compile(r"\b(announced|unveiled|launched|pledged)\b", re.IGNORECASE)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
Qualifier = Literal["exactly", "about", "more than", "less than", "up to"]
_QUALIFIERS: dict[str, Qualifier] = {
    "more than": "more than", "over": "more than", "at least": "more than",
    "about": "about", "around": "about", "some": "about", "nearly": "about",
    "almost": "about", "approximately": "about", "roughly": "about",
    "less than": "less than", "fewer than": "less than", "under": "less than", "up to": "up to",
}  # fmt: skip
_QUALIFIER = "|".join(sorted(_QUALIFIERS, key=len, reverse=True))
_NUMBER = "|".join(_NUMBER_WORDS)
_DIGITS = r"(?<![\w+/.,-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![+/\d])"
FIGURE = re.compile(
    rf"(?:\b(?P<qual>{_QUALIFIER})\s+)?(?P<num>{_DIGITS}|\b(?:{_NUMBER})\b)"
    rf"(?:\s*(?P<scale>thousand|million|billion|trillion)\b)?"
    rf"(?P<pct>\s*(?:%|percent\b|per cent\b))?",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"),
        start=1,
    )
}  # fmt: skip
_MONTH = "|".join(m.capitalize() for m in _MONTHS)
DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\s+"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b|(?P<m3>{_MONTH}))(?:,?\s+(?P<y>(?:19|20)\d\d))?\b"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def words(text: str) -> list[str]:
    """Lower-case word tokens, dots dropped (U.S. and US are one word)."""
    return [t.lower().replace(".", "").replace("’", "'") for t in _TOKEN.findall(text)]


def stem(word: str) -> str:
    """A crude stem: enough to see 'changing' and 'changes' as one word."""
    return word[:5] if len(word) > 5 else word


def content(text: str) -> set[str]:
    """Stems of the words that carry meaning."""
    return {stem(w) for w in words(text) if w not in STOP and len(w) > 2 and not w.isdigit()}


def overlap(a: set[str], b: set[str]) -> float:
    """Shared content as a share of the smaller side (0 when either is tiny)."""
    if min(len(a), len(b)) < 3:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class Figure:
    """A number with its unit, where it stands in the sentence."""

    value: float
    unit: str
    qualifier: Qualifier
    start: int
    end: int


def _number(text: str) -> float | None:
    low = text.lower()
    if low in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[low])
    try:
        return float(low.replace(",", ""))
    except ValueError:
        return None


def figures(text: str) -> list[Figure]:
    """Numbers with a unit: '54,000 US troops', 'nearly six hours', '2.5 percent'.

    A year (a four-digit number from 1900 to 2099 without a comma) is a date, not a figure;
    so is a day beside a month name."""
    dated = [(m.start(), m.end()) for m in DATE.finditer(text)]
    found = []
    for match in FIGURE.finditer(text):
        raw = match.group("num")
        start = match.start("num")
        if any(s <= start < e for s, e in dated):
            continue
        if raw.isdigit() and len(raw) == 4 and _YEAR.fullmatch(raw) and not match.group("scale"):
            continue
        value = _number(raw)
        if value is None:
            continue
        if match.group("scale"):
            value *= _SCALE[match.group("scale").lower()]
        unit = "percent" if match.group("pct") else _unit_after(text[match.end() :])
        if unit is None:
            continue
        qualifier = _QUALIFIERS.get((match.group("qual") or "").lower(), "exactly")
        found.append(Figure(value, unit, qualifier, match.start(), match.end()))
    return found


_LINKS = frozenset({
    "along", "across", "between", "near", "during", "within", "without", "through", "against",
    "among", "around", "toward", "towards", "beyond", "since", "until", "each", "every", "last",
    "next", "ago", "later", "earlier", "apart", "instead", "too", "off",
})  # fmt: skip


def _unit_after(rest: str) -> str | None:
    """The counted noun: the last of the lower-case words that follow, skipping a leading
    name ('54,000 U.S. troops', 'two riverside streets', '14 mobile pumping stations')."""
    clause = re.split(r"[,;:()\u201c\u201d\"]|\.\s+(?=[A-Z])", rest, maxsplit=1)[0]
    tokens: list[str] = _TOKEN.findall(clause)
    unit: str | None = None
    for index, token in enumerate(tokens[:4]):
        word = token.rstrip(".")
        if word.isdigit():
            break
        if word[:1].isupper():
            if unit is None and index < 2:
                continue  # a name before the noun: U.S. troops
            break
        if word.lower() in STOP or word.lower() in _LINKS or len(word) < 3:
            break
        unit = word.lower()
    return unit


def same_unit(a: str, b: str) -> bool:
    return a.rstrip("s") == b.rstrip("s")


def dates(text: str, year: int | None, basis: str) -> list[DateValue]:
    """Explicit calendar dates; a missing year is taken from `year`, marked inferred."""
    found = []
    for match in DATE.finditer(text):
        month_name = match.group("m1") or match.group("m2") or match.group("m3")
        if match.group("m3") and not match.group("y"):
            continue  # a bare month ("in May") is too often a word or too vague
        month = _MONTHS[month_name.lower()]
        day = match.group("d1") or match.group("d2")
        given = match.group("y")
        if given is None and year is None:
            continue
        value = f"{given or year:04d}-{month:02d}" if given is None else f"{given}-{month:02d}"
        if day:
            if not 1 <= int(day) <= 31:
                continue
            value += f"-{int(day):02d}"
        try:
            found.append(
                DateValue(
                    label=match.group(0),
                    value=value,
                    inferred=given is None,
                    basis="" if given else basis,
                )
            )
        except ValueError:
            continue  # 31 February: not a date
    return found


def guess_kind(text: str) -> FactKind:
    """The kind a sentence most likely has, by its wording (the analyst checks it)."""
    if QUOTED.search(text) and SPEECH.search(text):
        return FactKind.QUOTATION
    if _AGREED.search(text):
        return FactKind.AGREED
    if _ANNOUNCED.search(text):
        return FactKind.PLAN
    if _STANCE.search(text):
        return FactKind.POSITION  # a view attributed to someone, in the source's words
    if _EXPECT.search(text):
        return FactKind.EXPECTATION
    if figures(text):
        return FactKind.FIGURE
    return FactKind.BACKGROUND


def expects(text: str) -> bool:
    return bool(_EXPECT.search(text))


def settled(text: str) -> bool:
    return bool(_AGREED.search(text) or _ANNOUNCED.search(text))


def _name_parts(entity: Entity) -> list[str]:
    """Ways a text names an entity: its full name; a person's family or given name; an
    organisation's acronym."""
    parts = [entity.name]
    tokens = [t for t in re.split(r"[\s,()]+", entity.name) if t]
    if entity.kind is EntityKind.PERSON:
        parts += [t for t in tokens if len(t) >= 4 and t[0].isupper()]
    else:
        acronym = "".join(t[0] for t in tokens if t[0].isupper() and t.lower() not in STOP)
        if len(acronym) >= 3:
            parts.append(acronym)
        parts += [t for t in tokens if len(t) >= 3 and t.isupper()]
    return parts


def named(text: str, entities: list[Entity]) -> list[Entity]:
    """The entities a sentence names, in the order of the register."""
    found = []
    for entity in entities:
        for part in _name_parts(entity):
            if re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text):
                found.append(entity)
                break
    return found


def mention(text: str, entity: Entity) -> tuple[int, int] | None:
    """Where a sentence first names an entity."""
    best: tuple[int, int] | None = None
    for part in _name_parts(entity):
        match = re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end())
    return best


def speaker(text: str, entities: list[Entity]) -> Entity | None:
    """The person a quoted or reported sentence attributes its words to: the named person
    nearest the speech verb."""
    verb = SPEECH.search(text)
    if verb is None:
        return None
    people = [e for e in named(text, entities) if e.kind is EntityKind.PERSON]
    spots = [(abs(m[0] - verb.start()), e) for e in people if (m := mention(text, e))]
    return min(spots, key=lambda x: x[0])[1] if spots else None


def figure_value(figure: Figure, label: str) -> FigureValue:
    return FigureValue(
        label=label,
        value=figure.value,
        unit=figure.unit,
        qualifier=figure.qualifier,
    )
