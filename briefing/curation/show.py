"""Suggestions as a readable table for the terminal (rich), one row per variant.

Cells are `rich.text.Text`, never markup: a source's "[...]" is text, not a style, and control
characters of a source never reach the terminal.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from briefing.curation.suggest import Suggestion

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain(text: str) -> Text:
    return Text(_CONTROL.sub(" ", text))


def suggestion_table(found: list[Suggestion], console: Console | None = None) -> None:
    """Print every suggestion: number, kind, subject, then each variant and its quotes."""
    out = console or Console(width=140)
    if not found:
        out.print(Text("no suggestions: nothing new to compare"))
        return
    table = Table(title=f"{len(found)} suggestions (`briefing suggest --json` to paste)")
    for column in ("#", "kind", "subject", "says", "source", "quote"):
        table.add_column(column)
    for number, suggestion in enumerate(found, start=1):
        for v, variant in enumerate(suggestion.variants):
            for c, cited in enumerate(variant.citations):
                first = v == 0 and c == 0
                table.add_row(
                    str(number) if first else "",
                    suggestion.kind if first else "",
                    _plain(suggestion.subject) if first else "",
                    _plain(variant.says) if c == 0 else "",
                    f"{cited.source}:{cited.line}",
                    _plain(cited.quote),
                )
        table.add_section()
    out.print(table)
