"""The record of an edition: the resolved fact base one build was made from.

A build writes it beside the edition's outputs (`editions/<date>/record.json`), so a later
build can say what changed since without reading old YAML and without git. It holds the
reviewed facts (statement, topics, figures, citations, ...), the discrepancies, every
briefing's key judgments with their likelihood or confidence, the source register, and per
briefing the ids of what it shows. Pure data: reading and writing files is the build's.

The bytes are deterministic (sorted keys, no clock), and reading validates everything: a
record may have been edited by hand, truncated or planted, and then it is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from briefing.model import (
    ID_PATTERN,
    Confidence,
    Date,
    Discrepancy,
    Fact,
    FactBase,
    Id,
    Likelihood,
    Source,
    Strict,
    Text,
)

RECORD_VERSION = 1
MAX_RECORD_BYTES = 64 * 1024 * 1024
JUDGMENT_ID_PATTERN = ID_PATTERN.removesuffix("$") + r":[1-9][0-9]{0,3}$"
JudgmentId = Annotated[
    str,
    Field(
        pattern=JUDGMENT_ID_PATTERN,
        description="`<briefing id>:<n>`, the n-th key judgment of that briefing.",
    ),
]


def judgment_id(briefing_id: str, position: int) -> str:
    """The stable id of a briefing's n-th key judgment (1-based): `c2-restructuring:1`.

    Judgments have no id in the fact base; a colon never occurs in an id, so this one
    cannot be taken for a fact, discrepancy or source id.
    """
    return f"{briefing_id}:{position}"


class JudgmentRecord(Strict):
    """A key judgment as an edition stated it."""

    id: JudgmentId
    text: Text
    likelihood: Likelihood | None = None
    confidence: Confidence | None = None
    facts: list[Id] = Field(default_factory=list)

    @property
    def term(self) -> str:
        """`likely`, `high confidence`: the calibrated term, as a briefing prints it."""
        if self.likelihood is not None:
            return self.likelihood.value
        return f"{self.confidence.value} confidence" if self.confidence else ""


class BriefingRecord(Strict):
    """What one briefing of an edition showed, by id."""

    id: Id
    title: Text
    facts: list[Id] = Field(default_factory=list, description="Facts it shows or cites.")
    discrepancies: list[Id] = Field(default_factory=list)
    sources: list[Id] = Field(default_factory=list, description="Sources it cites.")
    judgments: list[JudgmentId] = Field(default_factory=list)


class EditionRecord(Strict):
    """`editions/<date>/record.json`: the resolved fact base of one edition."""

    version: Literal[1] = Field(description="Format of this record; readers refuse others.")
    date: Date = Field(description="The edition date.")
    facts: list[Fact] = Field(description="The reviewed facts (drafts are in no edition).")
    discrepancies: list[Discrepancy]
    sources: list[Source]
    judgments: list[JudgmentRecord]
    briefings: list[BriefingRecord]

    @model_validator(mode="after")
    def _unique_ids(self) -> EditionRecord:
        groups = {
            "facts": [f.id for f in self.facts],
            "discrepancies": [d.id for d in self.discrepancies],
            "sources": [s.id for s in self.sources],
            "judgments": [j.id for j in self.judgments],
            "briefings": [b.id for b in self.briefings],
        }
        for name, ids in groups.items():
            repeated = [i for i, n in Counter(ids).items() if n > 1]
            if repeated:
                raise ValueError(f"{name}: id {repeated[0]!r} appears more than once")
        known = set(groups["sources"])
        cited = [c.source for f in self.facts for c in f.citations]
        cited += [c.source for d in self.discrepancies for v in d.variants for c in v.citations]
        unknown = sorted(set(cited) - known)
        if unknown:
            raise ValueError(f"cites source {unknown[0]!r}, which the record does not hold")
        return self

    def to_bytes(self) -> bytes:
        """Canonical JSON: the same record always gives the same bytes."""
        data = self.model_dump(mode="json")
        return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()

    def briefing(self, briefing_id: str) -> BriefingRecord | None:
        return next((b for b in self.briefings if b.id == briefing_id), None)


class RecordError(ValueError):
    """A record that cannot be used; the message says why, in one line."""


def parse_record(data: bytes) -> EditionRecord:
    """A record from its bytes, validated whole; `RecordError` if anything is wrong."""
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError(f"larger than {MAX_RECORD_BYTES // (1024 * 1024)} MiB")
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        raise RecordError("not valid JSON (truncated or edited?)") from None
    if not isinstance(raw, dict):
        raise RecordError("does not hold a JSON object")
    if raw.get("version") != RECORD_VERSION:
        raise RecordError(
            f"record version {str(raw.get('version'))[:20]!r}, this tool reads {RECORD_VERSION}"
        )
    try:
        return EditionRecord.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise RecordError(f"{where}: {first['msg']}"[:300]) from None
    except RecursionError:
        raise RecordError("nested too deeply") from None


def record_of(fb: FactBase, date: dt.date, briefings: list[BriefingRecord]) -> EditionRecord:
    """The record of the fact base `fb` as edition `date`, with what each briefing shows."""
    judgments = [
        JudgmentRecord(
            id=judgment_id(b.id, n),
            text=j.text,
            likelihood=j.likelihood,
            confidence=j.confidence,
            facts=list(j.facts),
        )
        for b in fb.briefings
        for n, j in enumerate(b.judgments, 1)
    ]
    return EditionRecord(
        version=RECORD_VERSION,
        date=date,
        facts=[f for f in fb.facts if not f.draft],
        discrepancies=list(fb.discrepancies),
        sources=list(fb.sources),
        judgments=judgments,
        briefings=briefings,
    )


@dataclass(frozen=True)
class Edition:
    """The edition a build makes: its counted number and date, and what it compares with.

    `number` is 1 + the number of recorded editions dated earlier; `previous` is the newest
    of those (None for a first edition), `previous_number` its number. `record` is this
    edition's own record (None when nothing can compare, e.g. `briefing list`).
    """

    number: int
    date: dt.date
    record: EditionRecord | None = None
    previous: EditionRecord | None = None
    previous_number: int = 0

    @property
    def first(self) -> bool:
        return self.previous is None
