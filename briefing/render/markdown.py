"""Fact base + templates → Markdown, the one content every other format is made from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.errors import InvalidInput, Problem
from briefing.model import Briefing, FactBase, Marking
from briefing.record import Edition
from briefing.render.context import DocumentView, document_view
from briefing.render.summary import summary_view
from briefing.render.templating import NoteLedger, environment, md, render_template

if TYPE_CHECKING:
    from briefing.render.job import RenderJob


@dataclass(frozen=True)
class MarkdownDocument:
    """A briefing as Markdown: the body the HTML is made from, and the file with banners."""

    view: DocumentView
    body: str
    notes_used: tuple[str, ...]

    @property
    def banner(self) -> str:
        return self.view.marking.banner

    @property
    def text(self) -> str:
        """The Markdown file: handling banner, body, banner again at the foot."""
        if not self.banner:
            return self.body
        line = f"**{md(self.banner)}**\n\n"
        return f"{line}{self.body.rstrip()}\n\n{line.rstrip()}\n"


def render_markdown(
    fb: FactBase,
    briefing: Briefing,
    *,
    marking: Marking | None = None,
    templates: Path | None = None,
    edition: Edition | None = None,
) -> MarkdownDocument:
    """Render one briefing's Markdown through its template (user templates searched first)."""
    view = document_view(fb, briefing, marking, edition)
    ledger = NoteLedger(view.notes)
    portion = f"{md(view.marking.portion_marks)} " if view.marking.portion_marks else ""
    body = render_template(
        environment(templates), briefing.template, doc=view, notes=ledger, pm=portion
    )
    missing = unrendered(view, body, set(ledger.used))
    if missing:
        raise InvalidInput(
            [
                Problem(
                    briefing.template,
                    1,
                    1,
                    "template-drops",
                    f"briefing {briefing.id}: the template shows no section holding {what}",
                    "render every section of the view (doc.context, doc.main, doc.parts and "
                    "doc.changes; see the `gathered`, `topic_body` and `changes` macros of "
                    "_sections.md.j2), or take it out of the briefing",
                )
                for what in missing
            ]
        )
    return MarkdownDocument(view, _tidy(body), tuple(ledger.used))


def render_summary_markdown(
    fb: FactBase,
    briefing: Briefing,
    *,
    marking: Marking | None = None,
    templates: Path | None = None,
    edition: Edition | None = None,
) -> MarkdownDocument:
    """The one-page summary's Markdown (`summary.md.j2`, user templates searched first)."""
    return summary_markdown(document_view(fb, briefing, marking, edition), templates)


def summary_markdown(view: DocumentView, templates: Path | None = None) -> MarkdownDocument:
    """The one-page summary's Markdown from a briefing's document view."""
    portion = f"{md(view.marking.portion_marks)} " if view.marking.portion_marks else ""
    body = render_template(
        environment(templates),
        "summary.md.j2",
        doc=view,
        summary=summary_view(view),
        notes=NoteLedger(view.notes),
        pm=portion,
    )
    return MarkdownDocument(view, _tidy(body), ())


def unrendered(view: DocumentView, body: str, notes_used: set[str]) -> list[str]:
    """What the view's sections hold that the rendered template left out: a fact whose note
    it never referenced, a discrepancy whose subject it never printed, a change since the
    last edition it never cited (or, for an added source, never named)."""
    sections = [s for s in (view.context, view.main, *view.parts) if s is not None]
    missing = [f"fact {v.id}" for s in sections for v in s.facts if v.id not in notes_used]
    letters = _letters(body)  # escaping and typography change marks, never letters
    missing += [
        f"discrepancy {d.discrepancy.id}"
        for s in sections
        for d in s.discrepancies
        if _letters(d.discrepancy.subject) not in letters
    ]
    changes = view.changes
    if changes.entries and _letters(changes.headline) not in letters:
        missing.append("the changes since the last edition (doc.changes.headline)")
    for entry in changes.entries:
        # Its notes cited, and what only this entry says printed: the old wording or value.
        said = [entry.before] if entry.before else []
        said += [entry.text] if entry.source is not None else []
        if not set(entry.notes) <= notes_used or any(_letters(t) not in letters for t in said):
            missing.append(f"change {entry.kind} {entry.id}")
    return list(dict.fromkeys(missing))


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end: clean diffs, clean reading."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def markdown_file(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """The renderer of the `md` format: the Markdown file itself."""
    return (doc.text.encode(),)
