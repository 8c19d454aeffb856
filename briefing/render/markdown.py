"""Fact base + templates → Markdown, the one content every other format is made from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefing.model import Briefing, FactBase, Marking
from briefing.render.context import DocumentView, document_view
from briefing.render.summary import summary_view
from briefing.render.templating import NoteLedger, environment, md, render_template


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
) -> MarkdownDocument:
    """Render one briefing's Markdown through its template (user templates searched first)."""
    view = document_view(fb, briefing, marking)
    ledger = NoteLedger(view.notes)
    portion = f"{md(view.marking.portion_marks)} " if view.marking.portion_marks else ""
    body = render_template(
        environment(templates), briefing.template, doc=view, notes=ledger, pm=portion
    )
    return MarkdownDocument(view, _tidy(body), tuple(ledger.used))


def render_summary_markdown(
    fb: FactBase,
    briefing: Briefing,
    *,
    marking: Marking | None = None,
    templates: Path | None = None,
) -> MarkdownDocument:
    """The one-page summary's Markdown (`summary.md.j2`, user templates searched first)."""
    view = document_view(fb, briefing, marking)
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


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end: clean diffs, clean reading."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"
