"""The one place Jinja environments are built, and the filters templates share.

Templates run in Jinja's immutable sandbox, shipped or not: a user templates directory is not
trusted, and one code path for both keeps the shipped templates honest. `StrictUndefined`
turns a missing value into an error that names the template and line.
"""

from __future__ import annotations

import functools
import os
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    Undefined,
    pass_context,
)
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefing.errors import InvalidInput, Problem
from briefing.model import Entity
from briefing.render.context import entity_note_key, format_date
from briefing.render.typography import quotation, typeset
from briefing.resources import SHIPPED_TEMPLATES

_MD_INLINE = re.compile(r"([\\`*_\[\]<>~&])")
_MD_BLOCK_START = re.compile(r"^(?:(#{1,6}|[+*-])(?=\s|$)|(\d{1,9})([.)])(?=\s|$)|(>))")


def md(text: object) -> str:
    """Escape untrusted text for Markdown: one line, no markup, no HTML, no links."""
    return _escape(_flat(text))


def _flat(text: object) -> str:
    return " ".join(str(text).split())


def _escape(flat: str) -> str:
    escaped = _MD_INLINE.sub(r"\\\1", flat)
    return _MD_BLOCK_START.sub(_escape_block_start, escaped)


def _escape_block_start(match: re.Match[str]) -> str:
    """`# x` → `\\# x`, `1. x` → `1\\. x`, `> x` → `\\> x`: text, never a heading or list."""
    marker, number, delimiter, quote = match.groups()
    if number:
        return f"{number}\\{delimiter}"
    return "\\" + (marker or quote)


def _language(context: Context) -> str:
    doc = context.get("doc")
    return str(getattr(doc, "language", "en"))


@pass_context
def md_text(context: Context, text: object) -> str:
    """The `md` filter: typographic text (quotes, dashes, no-break spaces), then escaped."""
    return _escape(typeset(_flat(text), _language(context)))


@pass_context
def cell(context: Context, text: object) -> str:
    """Escape untrusted text for a Markdown table cell: `md`, and pipes too."""
    return md_text(context, text).replace("|", "\\|")


@pass_context
def quoted(context: Context, text: object) -> str:
    """A verbatim quote, escaped, between the language's quotation marks; quotes inside nest.

    Only quotation marks change: the words stay exactly as the source has them.
    """
    return _escape(quotation(_flat(text), _language(context)))


def emphasise(text: str, term: str) -> str:
    """Bold the first whole-word use of a likelihood or confidence term in escaped text."""
    pattern = re.compile(rf"\b({re.escape(term)}(?:ly)?)\b", re.IGNORECASE)
    return pattern.sub(r"**\1**", text, count=1)


FOOTNOTE_SEPARATOR = ","  # between adjacent note references, in every format


class NoteLedger:
    """Hands out note references in a template and remembers their order of first use."""

    def __init__(self, known: dict[str, Any]) -> None:
        self._known = known
        self.used: list[str] = []

    def ref(self, *keys: Any) -> str:
        """`[^a],[^b]` for facts, ids or lists of them; unknown keys are template errors.

        Several references print in ascending order of their note numbers, separated by
        commas, so that notes 1 and 7 never read as note 17.
        """
        labels: list[str] = []
        for key in keys:
            if isinstance(key, list | tuple):
                labels += [self._label(k) for k in key]
            else:
                labels.append(self._label(key))
        for label in dict.fromkeys(labels):
            if label not in self.used:
                self.used.append(label)
        ordered = sorted(dict.fromkeys(labels), key=self.used.index)
        return FOOTNOTE_SEPARATOR.join(f"[^{label}]" for label in ordered)

    def who(self, entity: Any) -> str:
        """Note reference for an entity's role."""
        return self.ref(entity_note_key(entity))

    def _label(self, key: Any) -> str:
        if isinstance(key, Entity):  # an entity's note, never a fact that shares its id
            label = entity_note_key(key)
        else:
            label = key if isinstance(key, str) else getattr(key, "id", str(key))
        if label not in self._known:
            raise KeyError(f"no source note for {label!r}")
        return label

    def notes(self) -> list[Any]:
        """The notes used so far, in order of first reference."""
        return [self._known[label] for label in self.used]


MAX_REPEAT = 1_000_000  # characters or items one `*` may build in a template
MAX_POWER_BITS = 100_000  # size of an integer one `**` may build


class _ConfinedLoader(FileSystemLoader):
    """A FileSystemLoader that refuses a template reached through a link out of its folder.

    Jinja already refuses `..` and absolute names; a symlink in an untrusted templates
    folder (`leak.j2 -> /etc/passwd`) would otherwise be read and rendered into the output.
    """

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            candidate = Path(searchpath, *pieces)
            if not os.path.lexists(candidate):
                continue
            root = Path(searchpath).resolve()
            if not candidate.resolve().is_relative_to(root):
                raise SecurityError(
                    f"template {template!r} is a link that leads outside {searchpath}"
                )
            break
        return super().get_source(environment, template)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with `*` and `**` bounded so a template cannot exhaust memory."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for items, count in ((left, right), (right, left)):
                if (
                    isinstance(items, str | bytes | list | tuple)
                    and isinstance(count, int)
                    and len(items) * count > MAX_REPEAT
                ):
                    raise SecurityError(
                        f"`*` would build {len(items) * count:,} items; "
                        f"a template may build at most {MAX_REPEAT:,}"
                    )
        if (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and right > 0
            and left.bit_length() * right > MAX_POWER_BITS
        ):
            raise SecurityError("`**` would build an integer too large for a template")
        return super().call_binop(context, operator, left, right)


def plain(value: Any) -> Any:
    """Jinja's finalize: only text and numbers are printed.

    `{{ notes.ref }}` (without the call) or `{{ doc.main.facts }}` would print a Python repr,
    `<bound method ... at 0x7f...>` or a list of dataclasses, into a briefing. An undefined
    value passes through so StrictUndefined reports it by name.
    """
    if isinstance(value, str | Undefined) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    ):
        return value
    what = "nothing (None)" if value is None else f"a {type(value).__name__} value"
    raise SecurityError(
        f"a template printed {what}; print text or numbers only, e.g. a field such as .id, "
        ".name or .statement, or the result of a call such as notes.ref(fact)"
    )


@functools.lru_cache(maxsize=16)
def environment(
    user_dir: Path | None = None, *, autoescape: bool = False
) -> ImmutableSandboxedEnvironment:
    """A sandboxed environment searching `user_dir` first, then the shipped templates.

    Markdown templates escape with the `md` filter; HTML templates autoescape. One per
    folder and mode, kept: each template is compiled once per process (about 40 ms each),
    and Jinja's auto-reload still recompiles a template whose file changed (watch, serve).
    """
    loaders: list[BaseLoader] = [_ConfinedLoader(str(user_dir))] if user_dir else []
    loaders.append(_ConfinedLoader(str(SHIPPED_TEMPLATES)))
    env = _Sandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=plain,
    )
    env.filters.update(md=md_text, cell=cell, quoted=quoted, date=format_date, emphasise=emphasise)
    return env


def html_environment(user_dir: Path | None = None) -> ImmutableSandboxedEnvironment:
    """The environment for HTML shells: the same loaders, autoescaping on."""
    return environment(user_dir, autoescape=True)


def render_template(env: ImmutableSandboxedEnvironment, name: str, **context: Any) -> str:
    """Render one template; any template problem becomes a located InvalidInput."""
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as error:
        where = ", ".join(_searched(env))
        file, line = _template_frame(error, name)  # the template that includes it, if any
        raise InvalidInput(
            [
                Problem(
                    file,
                    line,
                    1,
                    "template-missing",
                    f"template {error.name!r} not found",
                    f"add it to one of: {where}",
                )
            ]
        ) from None
    except TemplateSyntaxError as error:
        raise InvalidInput(
            [
                Problem(
                    error.filename or name,
                    error.lineno or 1,
                    1,
                    "template-syntax",
                    f"template syntax: {error.message}",
                    "fix the Jinja syntax",
                )
            ]
        ) from None
    except Exception as error:  # an untrusted template can raise anything: 1/0, recursion
        file, line = _template_frame(error, name)
        message = error.message if isinstance(error, TemplateError) else str(error)
        if not isinstance(
            error, TemplateError | KeyError | AttributeError | TypeError | ValueError
        ):
            message = f"{type(error).__name__}: {message}" if message else type(error).__name__
        raise InvalidInput(
            [
                Problem(
                    file,
                    line,
                    1,
                    "template-error",
                    f"template failed: {message}",
                    "use only values the briefing provides (see README)",
                )
            ]
        ) from None


def _searched(env: ImmutableSandboxedEnvironment) -> list[str]:
    loader = env.loader
    assert isinstance(loader, ChoiceLoader)
    return [
        p for sub in loader.loaders if isinstance(sub, FileSystemLoader) for p in sub.searchpath
    ]


def _template_frame(error: BaseException, name: str) -> tuple[str, int]:
    """The innermost template file and line in an error's traceback."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno or 1
    return name, 1
