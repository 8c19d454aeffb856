"""What changed between two editions: two records in, a list of changes out. Pure data.

The same comparison serves a briefing's "What changed since the last edition" section (both
records narrowed to what that briefing shows) and `briefing diff` (the whole fact base). Each
change names the stable id of what changed (a fact, discrepancy, judgment or source id) and
its kind, so other tools can follow it from edition to edition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from briefing.model import Discrepancy, Fact, FigureValue, Source
from briefing.record import EditionRecord, JudgmentRecord


class ChangeKind(StrEnum):
    """The kinds of change, in the order a briefing lists them."""

    FACT_ADDED = "fact-added"
    FACT_REWORDED = "fact-reworded"
    FACT_RETIRED = "fact-retired"
    FIGURE_CHANGED = "figure-changed"
    JUDGMENT_CHANGED = "judgment-changed"
    DISCREPANCY_OPENED = "discrepancy-opened"
    DISCREPANCY_RESOLVED = "discrepancy-resolved"
    SOURCE_ADDED = "source-added"

    @property
    def what(self) -> str:
        """What kind of thing changed: fact, figure, judgment, discrepancy or source."""
        return self.value.split("-")[0]


@dataclass(frozen=True)
class Change:
    """One change. `text` says what it is about in the newer edition's words (the older
    edition's for something retired or resolved); `before`/`after` are set for a reworded
    fact (statements) and a judgment (terms); `figure` and the values for a figure."""

    kind: ChangeKind
    id: str
    text: str
    before: str | None = None
    after: str | None = None
    figure: str | None = None  # the figure's label
    value_before: FigureValue | None = None
    value_after: FigureValue | None = None

    def as_json(self) -> dict[str, Any]:
        """The change for `briefing diff --json` (`DiffChange`): the keys its kind uses."""
        out: dict[str, Any] = {"kind": self.kind.value, "id": self.id, "text": self.text}
        if self.kind in (ChangeKind.FACT_REWORDED, ChangeKind.JUDGMENT_CHANGED):
            out |= {"before": self.before, "after": self.after}
        if self.kind is ChangeKind.FIGURE_CHANGED:
            out |= {
                "figure": self.figure,
                "before": self.value_before.model_dump(mode="json") if self.value_before else None,
                "after": self.value_after.model_dump(mode="json") if self.value_after else None,
            }
        return DiffChange.model_validate(out).model_dump(mode="json", exclude_unset=True)


@dataclass(frozen=True)
class Snapshot:
    """The comparable content of a record, whole or narrowed to one briefing, by id."""

    facts: dict[str, Fact] = field(default_factory=dict)
    discrepancies: dict[str, Discrepancy] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    judgments: dict[str, JudgmentRecord] = field(default_factory=dict)

    @classmethod
    def whole(cls, record: EditionRecord) -> Snapshot:
        return cls(
            {f.id: f for f in record.facts},
            {d.id: d for d in record.discrepancies},
            {s.id: s for s in record.sources},
            {j.id: j for j in record.judgments},
        )

    @classmethod
    def of_briefing(cls, record: EditionRecord, briefing_id: str) -> Snapshot | None:
        """What the briefing showed in that edition; None when it was not in it."""
        shown = record.briefing(briefing_id)
        if shown is None:
            return None
        whole = cls.whole(record)
        return cls(
            {i: whole.facts[i] for i in shown.facts if i in whole.facts},
            {i: whole.discrepancies[i] for i in shown.discrepancies if i in whole.discrepancies},
            {i: whole.sources[i] for i in shown.sources if i in whole.sources},
            {i: whole.judgments[i] for i in shown.judgments if i in whole.judgments},
        )


def compare(old: Snapshot, new: Snapshot) -> list[Change]:
    """Every change from `old` to `new`, by kind (in `ChangeKind` order), then in the order
    the newer edition lists things (the older one's for what is gone)."""
    changes: list[Change] = []
    for ident, fact in new.facts.items():
        was = old.facts.get(ident)
        if was is None:
            changes.append(Change(ChangeKind.FACT_ADDED, ident, fact.statement))
            continue
        if was.statement != fact.statement:
            changes.append(
                Change(
                    ChangeKind.FACT_REWORDED, ident, fact.statement, was.statement, fact.statement
                )
            )
        changes += _figures(was, fact)
    changes += [
        Change(ChangeKind.FACT_RETIRED, ident, fact.statement)
        for ident, fact in old.facts.items()
        if ident not in new.facts
    ]
    for ident, judgment in new.judgments.items():
        before = old.judgments.get(ident)
        if before is not None and before.term != judgment.term:
            changes.append(
                Change(
                    ChangeKind.JUDGMENT_CHANGED, ident, judgment.text, before.term, judgment.term
                )
            )
    changes += [
        Change(ChangeKind.DISCREPANCY_OPENED, ident, d.subject)
        for ident, d in new.discrepancies.items()
        if ident not in old.discrepancies
    ]
    changes += [
        Change(ChangeKind.DISCREPANCY_RESOLVED, ident, d.subject)
        for ident, d in old.discrepancies.items()
        if ident not in new.discrepancies
    ]
    changes += [
        Change(ChangeKind.SOURCE_ADDED, ident, s.label)
        for ident, s in new.sources.items()
        if ident not in old.sources
    ]
    order = list(ChangeKind)
    return sorted(changes, key=lambda c: order.index(c.kind))  # stable: keeps list order


def _figures(was: Fact, now: Fact) -> list[Change]:
    """A fact's figures, matched by label, whose value (number, unit or qualifier) changed."""
    before = {f.label: f for f in was.figures}
    after = {f.label: f for f in now.figures}
    changes = []
    for label in [*after, *(label for label in before if label not in after)]:
        old, new = before.get(label), after.get(label)
        if old != new:
            changes.append(
                Change(
                    ChangeKind.FIGURE_CHANGED,
                    now.id,
                    now.statement,
                    figure=label,
                    value_before=old,
                    value_after=new,
                )
            )
    return changes


def counts(changes: list[Change]) -> dict[ChangeKind, int]:
    """How many changes of each kind, in `ChangeKind` order, kinds with none left out."""
    found = {kind: sum(1 for c in changes if c.kind is kind) for kind in ChangeKind}
    return {kind: n for kind, n in found.items() if n}


# --------------------------------------------------------------------------- diff JSON


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiffEdition(_Out):
    """One side of a comparison: a recorded edition, or the working fact base."""

    edition: int | Literal["working"] = Field(
        description="The edition number, counted from the records; `working`: the fact base "
        "as it stands, not yet built."
    )
    date: dt.date = Field(
        description="The edition date; for `working`, the fact base's as-of date."
    )


class DiffChange(_Out):
    """One change. `id` is stable from edition to edition: a fact, discrepancy or source id,
    or `<briefing>:<n>` for a briefing's n-th key judgment."""

    kind: ChangeKind
    id: str
    text: str = Field(
        description="What it is about, in the newer edition's words (the older one's when "
        "retired or resolved): statement, discrepancy subject, judgment or source label."
    )
    before: str | FigureValue | None = Field(
        None,
        description="fact-reworded: the old statement; judgment-changed: the old likelihood "
        "or confidence; figure-changed: the old figure (null: it had none).",
    )
    after: str | FigureValue | None = Field(
        None, description="The same, as the newer edition has it."
    )
    figure: str | None = Field(None, description="figure-changed: the figure's label.")


class DiffReport(_Out):
    """`briefing diff --json`: what changed between two editions of the whole fact base."""

    version: Literal[1] = Field(description="Format of this report.")
    since: DiffEdition
    to: DiffEdition
    headline: str = Field(description="One line, as a briefing's section prints it.")
    counts: dict[ChangeKind, int] = Field(description="Changes per kind; kinds with none left out.")
    changes: list[DiffChange] = Field(description="By kind, in ChangeKind order.")
