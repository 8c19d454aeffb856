"""The typed fact-base schema. No I/O: loading lives in `load`, cross-checks in `checks`.

Every class forbids unknown keys, so a typo in a field name is an error, not a silent default.
Field descriptions double as the JSON Schema an analyst's editor shows while typing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from briefing.locate import SourceMap

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
# Briefing ids whose output names a build writes for the whole fact base.
RESERVED_BRIEFING_IDS = {
    "index": "out/index.html, the catalogue of every briefing",
    "manifest": "out/manifest.json, the build's record",
}
Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="Lower-case letters, digits and hyphens; at most 64 characters."),
]
# Characters no text of a fact base may hold: C0 controls but tab and line breaks, DEL, C1
# controls (ESC and CSI drive terminals), bidi embeddings, overrides, isolates and marks (they
# reorder what a reader sees), zero-width spaces and joiners-that-are-not (U+200B, U+2060,
# U+FEFF), invisible operators and other deprecated format characters. ZWNJ and ZWJ stay:
# scripts and emoji need them.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f"
    "\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def _no_hidden(value: str) -> str:
    """Refuse a character that would reach the outputs unseen or reorder what is shown."""
    found = _HIDDEN.search(value)
    if found:
        char = found.group()
        name = unicodedata.name(char, "a control character")
        raise PydanticCustomError(
            "text_hidden_character",
            "character U+{code} ({name}) at position {position} is not allowed in text",
            {"code": f"{ord(char):04X}", "name": name, "position": found.start() + 1},
        )
    return value


def _visible(value: str) -> str:
    """Text must show something: a letter, digit, punctuation mark or symbol."""
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in value):
        raise PydanticCustomError("text_blank", "text holds no visible character")
    return value


Plain = Annotated[str, AfterValidator(_no_hidden)]
TEMPLATE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.md\.j2$"
Text = Annotated[
    str,
    StringConstraints(min_length=1, strip_whitespace=True),
    AfterValidator(_no_hidden),
    AfterValidator(_visible),
]


def _not_a_timestamp(value: object) -> object:
    """A number is not a date (pydantic would read 1721606400 as a Unix timestamp)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("write the date as YYYY-MM-DD, not a number")
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_timestamp)]
NOT_STATED = "not stated"


class Strict(BaseModel):
    """Base for every schema class: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- handling


class Tlp(StrEnum):
    """FIRST Traffic Light Protocol 2.0 labels, spelt exactly."""

    CLEAR = "TLP:CLEAR"
    GREEN = "TLP:GREEN"
    AMBER = "TLP:AMBER"
    AMBER_STRICT = "TLP:AMBER+STRICT"
    RED = "TLP:RED"


class Marking(Strict):
    """The handling marking printed at the top and bottom of every page."""

    classification: str | None = Field(
        None,
        description="Classification banner, e.g. UNCLASSIFIED or "
        "UNCLASSIFIED//FOR OFFICIAL USE ONLY.",
        pattern=r"^[A-Z][A-Z0-9 /\-]*$",
    )
    tlp: Tlp | None = Field(None, description="A FIRST TLP 2.0 label, e.g. TLP:CLEAR.")
    portion_marks: Plain | None = Field(
        None, description="Portion mark put before each paragraph, e.g. (U). Empty: none."
    )

    @property
    def banner(self) -> str:
        """The banner line: classification and TLP label joined."""
        parts = [p for p in (self.classification, self.tlp.value if self.tlp else None) if p]
        return " | ".join(parts)


# --------------------------------------------------------------------------- sources


class Timing(StrEnum):
    """Whether a source was written before the event it covers or reports its outcome."""

    PREVIEW = "preview"
    REPORT = "report"


class Reliability(StrEnum):
    """Admiralty (NATO) source-reliability grade."""

    A = "A"  # completely reliable
    B = "B"  # usually reliable
    C = "C"  # fairly reliable
    D = "D"  # not usually reliable
    E = "E"  # unreliable
    F = "F"  # reliability cannot be judged

    @property
    def meaning(self) -> str:
        """The grade in words, e.g. C → fairly reliable."""
        return RELIABILITY_MEANING[self.value]


RELIABILITY_MEANING = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

CREDIBILITY_MEANING = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

LINE_RANGE = re.compile(r"^([1-9]\d*)(?:-([1-9]\d*))?$")
MAX_LINE_DIGITS = 9  # the check against the file's real line count does the rest


class Origin(Strict):
    """What the text itself shows of where it comes from. Write "not stated" when silent."""

    headline: Text = Field(description="The headline as printed, or 'not stated'.")
    byline: Text = Field(description="The byline as printed, or 'not stated'.")
    credits: Text = Field(description="Photo or agency credits as printed, or 'not stated'.")
    self_description: Text = Field(
        description="What the text says about itself (e.g. 'generated with AI'), or 'not stated'."
    )
    footer: Text = Field(description="Footer, advertising or widgets, or 'not stated'.")


class Exclusion(Strict):
    """Lines of a source left out of coverage because they carry no reporting."""

    lines: str = Field(
        description="A line number or an inclusive range, e.g. '3' or '47-49'.",
        pattern=LINE_RANGE.pattern,
    )
    reason: Text = Field(description="Why these lines carry no reporting.")

    @property
    def span(self) -> range:
        """The excluded line numbers (1-based, inclusive)."""
        match = LINE_RANGE.match(self.lines)
        assert match is not None  # guaranteed by the field pattern
        first = int(match.group(1))
        last = int(match.group(2) or first)
        return range(first, last + 1)

    @field_validator("lines")
    @classmethod
    def _ordered(cls, value: str) -> str:
        match = LINE_RANGE.match(value)
        if match and max(len(n) for n in match.groups("")) > MAX_LINE_DIGITS:
            raise ValueError(
                f"no article has a line {max(match.groups(''), key=len)}: "
                f"a line number has at most {MAX_LINE_DIGITS} digits"
            )
        if match and match.group(2) and int(match.group(2)) < int(match.group(1)):
            raise ValueError("a range must run from the lower line to the higher")
        return value


class Source(Strict):
    """One article of the source register."""

    id: Id
    label: Text = Field(description="Short human label used in source notes.")
    file: Text = Field(description="File name inside the seeds folder.")
    sha256: str = Field(
        description="SHA-256 of the file as registered; a changed file fails validation.",
        pattern=r"^[0-9a-f]{64}$",
    )
    origin: Origin
    timing: Timing = Field(
        description="preview: written before the event (see `event_noun`); report: after it."
    )
    timing_evidence: Text = Field(description="The wording that shows the timing.")
    date: Date | None = Field(None, description="Date the text gives, if any.")
    date_evidence: Plain = Field(NOT_STATED, description="Where the text gives the date.")
    reliability: Reliability = Field(description="Admiralty source-reliability grade A–F.")
    reliability_reason: Text = Field(description="One line: why this grade.")
    ai_generated: bool = Field(False, description="The text says it was generated with AI.")
    notes: list[Text] = Field(
        default_factory=list, description="Quality notes: typos, truncation, duplication."
    )
    exclude: list[Exclusion] = Field(
        default_factory=list, description="Lines left out of coverage, each with a reason."
    )
    curating: bool = Field(
        False,
        description="True while facts are still being added from this source: coverage under "
        "the aim is then a warning (an error under --strict), not an error. "
        "`briefing source add` sets it; delete the line when curation is done.",
    )


class SourceRegister(Strict):
    """`sources.yaml`: the articles the fact base rests on."""

    sources: list[Source]


# --------------------------------------------------------------------------- citations


class Citation(Strict):
    """A verbatim passage of a registered source."""

    source: Id = Field(description="Source id from the register.")
    quote: Text = Field(
        description="Verbatim passage. Only white space, quote marks and dashes may differ."
    )


Citations = Annotated[list[Citation], Field(min_length=1)]


# --------------------------------------------------------------------------- entities


class EntityKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Entity(Strict):
    """A person or organisation named by the sources."""

    id: Id
    name: Text
    kind: EntityKind
    role: Text = Field(description="Role as the sources give it.")
    country: Text = Field(description="Country or 'international'.")
    citations: Citations


class EntityList(Strict):
    """`entities.yaml`: people and organisations."""

    entities: list[Entity]


# --------------------------------------------------------------------------- facts


class FactKind(StrEnum):
    AGREED = "agreed-outcome"
    PLAN = "announced-plan"
    EXPECTATION = "expectation"
    BACKGROUND = "background"
    FIGURE = "figure"
    QUOTATION = "quotation"
    POSITION = "position"  # a stated view or assessment attributed to someone


class FactStatus(StrEnum):
    """Where a fact stands in review. Absent: reviewed, ready for briefings."""

    DRAFT = "draft"


class FigureValue(Strict):
    """A number the text gives, typed."""

    label: Text = Field(description="What is counted, e.g. 'people evacuated'.")
    value: float = Field(description="The number, e.g. 1200 or 7.2.", allow_inf_nan=False)
    unit: Text = Field(description="Unit, e.g. 'people', 'percent', 'years'.")
    qualifier: Literal["exactly", "about", "more than", "less than", "up to"] = "exactly"


class DateValue(Strict):
    """A date the text gives, at the precision it gives it."""

    label: Text = Field(description="What happens on this date.")
    value: str = Field(
        description="YYYY, YYYY-MM or YYYY-MM-DD.",
        pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
    )
    inferred: bool = Field(False, description="The year (or day) is inferred from context.")
    basis: Plain = Field("", description="How an inferred part was inferred.")

    @field_validator("value", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        """Accept an unquoted YAML date (2024-07-28) or year (2024) as written."""
        if isinstance(value, dt.date | int) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return value

    @field_validator("value")
    @classmethod
    def _real_date(cls, value: str) -> str:
        if len(value) == 10:
            dt.date.fromisoformat(value)
        return value

    @property
    def sort_key(self) -> str:
        return self.value


class Fact(Strict):
    """One statement, in the analyst's own neutral words, resting on verbatim citations."""

    id: Id
    topics: Annotated[list[Id], Field(min_length=1)] = Field(description="Topic ids it serves.")
    statement: Text = Field(description="One neutral sentence in the analyst's own words.")
    kind: FactKind
    event: Id | None = Field(None, description="Event id, when the fact belongs to one.")
    entities: list[Id] = Field(default_factory=list, description="People and organisations.")
    speaker: Id | None = Field(None, description="For quotations: who said it.")
    dates: list[DateValue] = Field(default_factory=list)
    figures: list[FigureValue] = Field(default_factory=list)
    credibility: int = Field(ge=1, le=6, description="Admiralty credibility 1–6.")
    citations: Citations
    status: FactStatus | None = Field(
        None,
        description="`draft`: proposed by `briefing draft` and not yet reviewed; no briefing "
        "shows it and `validate --strict` fails on it. Delete the line once reviewed.",
    )

    @property
    def draft(self) -> bool:
        return self.status is FactStatus.DRAFT


class FactList(Strict):
    """`facts.yaml`: the facts."""

    facts: list[Fact]


# --------------------------------------------------------------------------- discrepancies


class DiscrepancyKind(StrEnum):
    FIGURE = "figure"
    QUOTATION = "quotation"
    TIMING = "timing"
    DESCRIPTION = "description"
    PREVIEW_VS_REPORT = "preview-vs-report"


class Variant(Strict):
    """One version of a disputed point, with the sources that give it."""

    says: Text = Field(description="The variant in a few words.")
    citations: Citations


class Discrepancy(Strict):
    """Sources that disagree; every variant is shown, none is hidden."""

    id: Id
    topics: Annotated[list[Id], Field(min_length=1)]
    kind: DiscrepancyKind
    subject: Text = Field(description="What the sources disagree about.")
    variants: Annotated[list[Variant], Field(min_length=2)]
    note: Text = Field(description="A short analyst note: which variant to prefer and why.")
    facts: list[Id] = Field(default_factory=list, description="Facts this discrepancy touches.")


class DiscrepancyList(Strict):
    """`discrepancies.yaml`."""

    discrepancies: list[Discrepancy]


# --------------------------------------------------------------------------- fact base root


class Topic(Strict):
    id: Id
    title: Text
    description: Text


class Event(Strict):
    """A meeting or happening the facts describe.

    A fact belongs to an event through its own `event` field; `facts` may list the same facts
    again, and when it is not empty the two must agree (`briefing validate` compares them).
    """

    id: Id
    name: Text
    date: Date | None = None
    place: Plain = NOT_STATED
    participants: list[Id] = Field(default_factory=list, description="Entity ids.")
    facts: list[Id] = Field(
        default_factory=list,
        description="Facts that establish it. Optional: when given, exactly the facts whose "
        "`event` names this event.",
    )


class Settings(Strict):
    """`factbase.yaml`: what the fact base is about and how products are marked."""

    title: Text
    subject: Text
    as_of: Date = Field(description="As-of date of the fact base; the default edition.")
    organisation: Text = Field(description="Author organisation for document metadata.")
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    seeds: Plain = Field("../seeds", description="Folder of the source files, relative to here.")
    event_noun: Text = Field(
        "event",
        description="What the event the sources preview or report is called, as it reads "
        "after 'the' in headings: 'Expected before the hearing', 'after the summit'. "
        "E.g. meeting, summit, talks, exercise, hearing.",
        max_length=40,
    )
    marking: Marking
    topics: list[Topic]
    events: list[Event] = Field(default_factory=list)


# --------------------------------------------------------------------------- briefings


class Likelihood(StrEnum):
    """ICD 203 expressions of likelihood."""

    ALMOST_NO_CHANCE = "almost no chance"
    VERY_UNLIKELY = "very unlikely"
    UNLIKELY = "unlikely"
    EVEN = "roughly even chance"
    LIKELY = "likely"
    VERY_LIKELY = "very likely"
    ALMOST_CERTAIN = "almost certain"


class Confidence(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class Judgment(Strict):
    """A key judgment: one calibrated statement resting on cited facts."""

    text: Text = Field(description="The judgment, using exactly one approved term.")
    likelihood: Likelihood | None = None
    confidence: Confidence | None = None
    facts: Annotated[list[Id], Field(min_length=1)]


class Watch(Strict):
    """Something to watch next, tied to the facts that make it worth watching."""

    text: Text
    facts: list[Id] = Field(default_factory=list)


class BluF(Strict):
    """Bottom line up front: two to four sentences, each resting on facts."""

    text: Text
    facts: Annotated[list[Id], Field(min_length=1)]


class Briefing(Strict):
    """`briefings/<id>.yaml`: one product. Data, not code."""

    id: Id
    title: Text
    subject: Text
    template: str = Field(
        "topic.md.j2",
        description="Markdown template file name, e.g. topic.md.j2: a file ending in .md.j2, "
        "in no subfolder, not a partial starting with _.",
        pattern=TEMPLATE_PATTERN,
    )
    edition: Plain | None = Field(
        None,
        description="Deprecated and ignored: the build numbers editions itself (1 + the "
        "editions recorded earlier in the output folder). `briefing validate` warns; delete "
        "the line.",
    )
    topics: list[Id] = Field(
        default_factory=list,
        description="Topics whose facts and discrepancies this briefing shows. In a briefing "
        "that includes others (a read-ahead), these topics are the shared context, shown "
        "once before the included briefings.",
    )
    facts: list[Id] = Field(default_factory=list, description="Extra facts beyond the topics.")
    includes: list[Id] = Field(
        default_factory=list,
        description="Other briefings gathered into this one (a read-ahead), each shown with "
        "its own BLUF and judgments; a fact or discrepancy is shown once, where it first fits.",
    )
    bluf: Annotated[list[BluF], Field(min_length=2, max_length=4)]
    judgments: list[Judgment] = Field(default_factory=list)
    watch: list[Watch] = Field(default_factory=list)
    marking: Marking | None = Field(None, description="Overrides the fact-base marking.")


# --------------------------------------------------------------------------- loaded whole

FILES = {
    "settings": "factbase.yaml",
    "sources": "sources.yaml",
    "entities": "entities.yaml",
    "facts": "facts.yaml",
    "discrepancies": "discrepancies.yaml",
}
BRIEFINGS_DIR = "briefings"

ROOT_MODELS: dict[str, type[Strict]] = {
    "settings": Settings,
    "sources": SourceRegister,
    "entities": EntityList,
    "facts": FactList,
    "discrepancies": DiscrepancyList,
    "briefing": Briefing,
}


@dataclass
class FactBase:
    """Everything loaded from one fact-base folder, with where each value stood."""

    root: Path
    settings: Settings
    sources: list[Source]
    entities: list[Entity]
    facts: list[Fact]
    discrepancies: list[Discrepancy]
    briefings: list[Briefing]
    source_bytes: dict[str, bytes | None]
    maps: dict[str, SourceMap]
    # Files that could not be read or failed the schema ("facts", "briefing:<stem>", ...):
    # a partial load stands in empty content for them, and checks that depend on them skip.
    broken: frozenset[str] = frozenset()

    @property
    def complete(self) -> bool:
        return not self.broken

    @property
    def seeds_dir(self) -> Path:
        return (self.root / self.settings.seeds).resolve()

    def source_text(self, source_id: str) -> str | None:
        raw = self.source_bytes.get(source_id)
        return raw.decode("utf-8", errors="replace") if raw is not None else None


@dataclass(frozen=True)
class Index:
    """Lookups by id, built once per fact base."""

    topics: dict[str, Topic]
    events: dict[str, Event]
    sources: dict[str, Source]
    entities: dict[str, Entity]
    facts: dict[str, Fact]
    discrepancies: dict[str, Discrepancy]
    briefings: dict[str, Briefing]

    @classmethod
    def of(cls, fb: FactBase) -> Index:
        return cls(
            topics={t.id: t for t in fb.settings.topics},
            events={e.id: e for e in fb.settings.events},
            sources={s.id: s for s in fb.sources},
            entities={e.id: e for e in fb.entities},
            facts={f.id: f for f in fb.facts},
            discrepancies={d.id: d for d in fb.discrepancies},
            briefings={b.id: b for b in fb.briefings},
        )
