"""What a renderer is given besides the document, and the shape every renderer has.

A renderer turns one briefing's Markdown document into the bytes of its output files, one
`bytes` per output name, in order. The build names the renderer of each format in its table
of formats (`briefing.build.options.FORMATS`) and calls it in a worker process under a time
and memory limit; the renderer itself knows nothing of the build. A renderer's module may
define `warm_up()`: the worker calls it before the time limit starts (heavy imports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing.render.markdown import MarkdownDocument


@dataclass(frozen=True)
class RenderJob:
    """One target's settings: its output names (for messages), templates, PDF layout."""

    names: tuple[str, ...]
    templates: Path | None = None  # searched before the shipped templates
    page_size: str = "A4"  # CSS `@page { size }` for paged formats
    pdf_standards: tuple[str, ...] = ("pdf/ua-1",)  # WeasyPrint's `pdf_variant`, one per name
    edition: str = ""  # YYYY-MM-DD, for formats whose properties carry a date (never the clock)


Renderer = Callable[[MarkdownDocument, RenderJob], tuple[bytes, ...]]
