"""What an article shows of itself, read from its lines, for the analyst to confirm.

`source add` proposes what it finds here: the headline, byline, credits and self-description
(the `origin` fields), the date and timing with the wording that shows them, and the lines
that carry no reporting (headline, byline, dateline, photo caption and credit, boilerplate, a
repeated copy of the text) as exclusions, each with its reason. Everything is a proposal:
nothing here is certain, so every reason says what was seen, and the analyst decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from briefing.model import NOT_STATED, Timing
from briefing.text import normalise_quote, sentences

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mm>\d\d)-(?P<dd>\d\d)\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
]
BYLINE = re.compile(r"^(?:by|written by|words by)\s+\S.{0,80}$", re.IGNORECASE)
DATELINE_PREFIX = re.compile(
    r"^(?P<dateline>[A-Z][A-Z.'’ -]{2,40}(?:,\s*[\w.'’ ]{1,30}){0,3}(?:\s*\([^)]{1,40}\))?)"
    r"\s*[—–-]\s*\S"
)
DATELINE_WORDS = re.compile(r"^(published|updated|posted|last updated|first published)\b:?", re.I)
CAPTION_START = re.compile(
    r"^(?:photo|photograph|picture|pictured|image|caption|file photo)\b\s*[:(—–-]", re.IGNORECASE
)
AGENCY_CAPTION = re.compile(r"^[A-Z][A-Z .'-]+ [—–-] \d{1,2}/\d{1,2}/\d{2,4}:")
CREDIT_WORDS = re.compile(
    r"\b(getty images|images|photo|photograph|credit|reuters|ap photo|afp|epa|shutterstock|"
    r"alamy|pool)\b",
    re.IGNORECASE,
)
CREDIT_INLINE = re.compile(r"\b(?:credit|photo credit|image credit)\s*:\s*(?P<who>.+)$", re.I)
AI_SELF = re.compile(
    r"\b(generated (?:with|by|using) (?:ai|artificial intelligence)|ai[- ]generated|"
    r"written (?:with|by) (?:ai|artificial intelligence))\b",
    re.IGNORECASE,
)
SELF_DESCRIPTION = re.compile(r"^\[?\s*this (article|story|report|text) (has been|was|is)\b", re.I)
BOILERPLATE = re.compile(
    r"^(?:advertisement|sponsored|related(?: stories| articles| coverage)?|read (?:more|next|also)"
    r"|more from|share (?:this|on)|subscribe|sign up|follow us|click here|copyright|©|"
    r"all rights reserved|don[’']t (?:forget|miss)|download (?:our|the) app|comments?\b|"
    r"watch:|listen:|newsletter|recommended|trending now)",
    re.IGNORECASE,
)
PREVIEW_WORDS = re.compile(
    r"\b(will|are expected to|is expected to|is scheduled to|are scheduled to|was scheduled to|"
    r"is due to|are due to|plans? to|ahead of|is set to|are set to|upcoming|are meeting|"
    r"is meeting)\b",
    re.IGNORECASE,
)
REPORT_WORDS = re.compile(
    r"\b(agreed|signed|held|reaffirmed|decided|concluded|approved|voted|adopted|endorsed|"
    r"announced|ended|issued|met|took|failed|completed|finished)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^\W_]+")
SHINGLE = 5  # words per shingle when looking for a repeated copy of the text
REPEAT_SHARE = 0.8  # share of a line's words (in shingles) found elsewhere: a repeat


@dataclass(frozen=True)
class Proposal:
    """Lines proposed for exclusion, with what was seen there."""

    first: int
    last: int
    kind: str  # headline, byline, dateline, caption, credit, boilerplate, repeat, self
    reason: str

    @property
    def lines(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass
class Findings:
    """Everything `source add` proposes for one article."""

    exclusions: list[Proposal] = field(default_factory=list)
    headline: str = NOT_STATED
    byline: str = NOT_STATED
    credits: str = NOT_STATED
    self_description: str = NOT_STATED
    footer: str = NOT_STATED
    ai_generated: bool = False
    date: dt.date | None = None
    date_evidence: str = NOT_STATED
    timing: Timing | None = None
    timing_evidence: str = ""
    notes: list[str] = field(default_factory=list)


def _words(line: str) -> list[str]:
    return line.split()


def _short(line: str, limit: int = 90) -> str:
    flat = " ".join(line.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _terminal(line: str) -> bool:
    return line.rstrip().rstrip("\"'”’)]").endswith((".", "!", "?", ":"))


def find_date(line: str) -> tuple[dt.date, str] | None:
    """The first full date in a line, and the words that give it."""
    for pattern in DATE_PATTERNS:
        match = pattern.search(line)
        if not match:
            continue
        groups = match.groupdict()
        year = int(groups["year"])
        month = int(groups["mm"]) if groups.get("mm") else MONTHS[groups["month"].lower()]
        day = int(groups["dd"] if groups.get("dd") else groups["day"])
        try:
            return dt.date(year, month, day), match.group(0)
        except ValueError:
            continue
    return None


def _date_only(line: str) -> bool:
    """A line that is only a date, perhaps with a place or 'Published' before it."""
    found = find_date(line)
    if found is None:
        return False
    rest = line.replace(found[1], " ")
    rest = DATELINE_WORDS.sub(" ", rest.strip())
    leftover = [w for w in re.split(r"[\s,.:;()—–-]+", rest) if w]
    return len(leftover) <= 3 and all(w[:1].isupper() or w.isdigit() for w in leftover)


def _credit_line(line: str) -> bool:
    words = _words(line)
    if not words or len(words) > 12 or _terminal(line):
        return False
    parts = [p.strip() for p in line.split("|")]
    if len(parts) >= 2 and all(p[:1].isupper() for p in parts if p):
        return True
    return bool(CREDIT_WORDS.search(line)) and sum(w[:1].isupper() for w in words) >= len(words) / 2


def _shingles(text: str) -> list[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())  # "year.The" (a run-together copy) is two words
    return [tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def detect(text: str) -> Findings:
    """Read an article's lines and propose its origin fields, date, timing and exclusions."""
    lines = text.split("\n")
    found = Findings()
    taken: dict[int, Proposal] = {}

    def propose(number: int, kind: str, reason: str) -> None:
        if number not in taken:
            taken[number] = Proposal(number, number, kind, reason)

    filled = [i for i, line in enumerate(lines, start=1) if line.strip()]
    if not filled:
        return found
    # the headline is the first line, after any note the text gives about itself
    notices = [
        n for n in filled if AI_SELF.search(lines[n - 1]) or SELF_DESCRIPTION.match(lines[n - 1])
    ]
    first = next((n for n in filled if n not in notices), filled[0])
    head = lines[first - 1].strip()
    after = lines[first] if first < len(lines) else ""
    head_words = len(_words(head))
    if 2 <= head_words <= 20 and not _terminal(head) and not after.strip():
        found.headline = head
        propose(first, "headline", f"Headline (“{_short(head, 60)}”), recorded under origin.")
    for number in filled:
        line = lines[number - 1].strip()
        if number in taken:
            continue
        if found.headline != NOT_STATED and line == found.headline:
            propose(number, "headline", f"The headline again (as on line {first}).")
        elif BYLINE.match(line) and len(_words(line)) <= 12 and not _terminal(line):
            found.byline = line
            propose(number, "byline", f"Byline (“{_short(line, 60)}”), recorded under origin.")
        elif _date_only(line):
            date, words = find_date(line) or (None, "")
            if date and found.date is None:
                found.date, found.date_evidence = date, f"line {number}: “{words}”"
            propose(number, "dateline", f"Dateline (“{_short(line, 60)}”); gives the date only.")
        elif AI_SELF.search(line) or SELF_DESCRIPTION.match(line):
            found.self_description = line
            found.ai_generated = found.ai_generated or bool(AI_SELF.search(line))
            propose(
                number,
                "self",
                f"What the text says about itself (“{_short(line, 60)}”), recorded under origin.",
            )
        elif CAPTION_START.match(line) or AGENCY_CAPTION.match(line):
            inline = CREDIT_INLINE.search(line)
            if inline:
                found.credits = inline.group("who").strip()
            propose(number, "caption", "Photo caption; describes the picture, not the events.")
        elif _credit_line(line):
            found.credits = line
            propose(number, "credit", f"Photo or agency credit (“{_short(line, 60)}”).")
            above = [n for n in filled if n < number]
            if above and above[-1] not in taken:
                propose(
                    above[-1],
                    "caption",
                    "Photo caption (the line above the credit); describes the picture.",
                )
        elif BOILERPLATE.match(line) or "all rights reserved" in line.lower():
            found.footer = line if found.footer == NOT_STATED else f"{found.footer}; {line}"
            propose(number, "boilerplate", f"Boilerplate (“{_short(line, 60)}”), not reporting.")
    _repeats(lines, filled, taken, propose)
    found.exclusions = _merged(sorted(taken.values(), key=lambda p: p.first))
    if found.footer != NOT_STATED:
        found.footer = _short(found.footer, 200)
    _dateline(lines, filled, taken, found)
    _timing(text, taken, found)
    return found


def _repeats(
    lines: list[str],
    filled: list[int],
    taken: dict[int, Proposal],
    propose: Callable[[int, str, str], None],
) -> None:
    """A repeated copy of the text: a line the other lines already hold, word for word.

    A line covered by several other lines is a run-together copy (proposed); a line covered by
    one earlier line that is the same text is a repeat of it (the later one is proposed).
    """
    shingles = {n: _shingles(lines[n - 1]) for n in filled}
    candidates = [n for n in filled if n not in taken and len(shingles[n]) >= 3]

    def sources_of(number: int, pool: list[int]) -> tuple[float, list[int]]:
        own = shingles[number]
        where: dict[tuple[str, ...], int] = {}
        for other in pool:
            if other != number:
                for s in shingles[other]:
                    where.setdefault(s, other)
        covered: set[int] = set()  # word positions inside a shingle found elsewhere
        by: set[int] = set()
        for i, s in enumerate(own):
            if s in where:
                covered.update(range(i, i + SHINGLE))
                by.add(where[s])
        return len(covered) / (len(own) + SHINGLE - 1), sorted(by)

    # run-together copies first: covered by two or more other lines
    for number in candidates:
        share, by = sources_of(number, [n for n in filled if n not in taken])
        if share >= REPEAT_SHARE and len(by) >= 2:
            span = f"lines {by[0]}–{by[-1]}"
            propose(
                number,
                "repeat",
                f"A repeated copy of the text in {span}, run together on one line; every "
                "sentence is there in full.",
            )
    seen: dict[str, int] = {}
    for number in filled:
        if number in taken:
            continue
        key = " ".join(normalise_quote(lines[number - 1]).lower().split())
        if key in seen and len(_words(key)) >= 3:
            propose(number, "repeat", f"The same text as line {seen[key]}, repeated.")
        else:
            seen.setdefault(key, number)


def _merged(proposals: list[Proposal]) -> list[Proposal]:
    """Neighbouring lines with the same reason become one range."""
    merged: list[Proposal] = []
    for p in proposals:
        last = merged[-1] if merged else None
        if last and last.reason == p.reason and p.first == last.last + 1:
            merged[-1] = Proposal(last.first, p.last, last.kind, last.reason)
        else:
            merged.append(p)
    return merged


def _dateline(
    lines: list[str], filled: list[int], taken: dict[int, Proposal], found: Findings
) -> None:
    """A dateline opening the first line of reporting: a note, and the date if it gives one."""
    body = [n for n in filled if n not in taken and re.search(r"[^\W\d_]{2}", lines[n - 1])]
    if not body:
        return
    line = lines[body[0] - 1].strip()
    match = DATELINE_PREFIX.match(line)
    if match:
        dateline = match.group("dateline").strip()
        found.notes.append(f"Opens with the dateline “{dateline}” (line {body[0]}).")
        date = find_date(dateline)
        if date and found.date is None:
            found.date, found.date_evidence = date[0], f"line {body[0]}: dateline “{dateline}”"


def _timing(text: str, taken: dict[int, Proposal], found: Findings) -> None:
    """Preview or report, from the wording of the reporting lines, with that wording."""
    preview: list[str] = []
    report: list[str] = []
    for sentence in sentences(text):
        if sentence.line in taken:
            continue
        # "agreed that X will ..." reports an outcome: a report word outweighs a preview word
        for pattern, bucket in ((REPORT_WORDS, report), (PREVIEW_WORDS, preview)):
            match = pattern.search(sentence.text)
            if match:
                bucket.append(_around(sentence.text, match.start(), match.end()))
                break
    if len(preview) > len(report):
        found.timing, chosen = Timing.PREVIEW, preview
    elif len(report) > len(preview):
        found.timing, chosen = Timing.REPORT, report
    else:
        return
    found.timing_evidence = "; ".join(f"“{p}”" for p in chosen[:3])


def _around(text: str, start: int, end: int) -> str:
    """A few words of `text` around [start, end), verbatim."""
    before = text[:start].split()[-3:]
    after = text[end:].split()[:5]
    return " ".join([*before, text[start:end], *after]).strip(" ,;:—–-")
