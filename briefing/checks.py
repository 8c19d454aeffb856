"""Checks across files: ids, references, provenance, coverage and analytic wording.

Every check returns located problems; nothing stops at the first one.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz import process as rf_process

from briefing.errors import Problem, Severity
from briefing.locate import Path_
from briefing.model import Briefing, Citation, FactBase, Index, Likelihood
from briefing.text import (
    Normalised,
    find_all,
    line_of,
    normalise,
    normalise_quote,
    sentences,
    shorten,
)

COVERAGE_AIM = 0.95
CITING_FILES = ("facts", "entities", "discrepancies")
PLACEHOLDER = "TODO"
# Which file defines each kind of id, so references into a broken file are not reported.
_DEFINED_IN = {
    "topic": "settings",
    "event": "settings",
    "fact": "facts",
    "entity": "entities",
    "source": "sources",
}


@dataclass
class _Reporter:
    fb: FactBase
    problems: list[Problem] = field(default_factory=list)

    def at(
        self,
        key: str,
        path: Path_,
        code: str,
        message: str,
        hint: str,
        severity: Severity = "error",
        *,
        on_key: bool = False,
    ) -> None:
        smap = self.fb.maps[key]
        line, column = smap.key(path) if on_key else smap.value(path)
        self.problems.append(Problem(smap.file, line, column, code, message, hint, severity))


# --------------------------------------------------------------------------- citations


@dataclass(frozen=True)
class CitationSite:
    """A citation and where it stands: file key, path, and what cites it."""

    key: str
    path: Path_
    owner: str
    citation: Citation


def citation_sites(fb: FactBase) -> Iterator[CitationSite]:
    """Every citation in the fact base: facts, entities and discrepancy variants."""
    for i, fact in enumerate(fb.facts):
        for j, cit in enumerate(fact.citations):
            yield CitationSite("facts", ("facts", i, "citations", j), f"fact {fact.id}", cit)
    for i, entity in enumerate(fb.entities):
        for j, cit in enumerate(entity.citations):
            path: Path_ = ("entities", i, "citations", j)
            yield CitationSite("entities", path, f"entity {entity.id}", cit)
    for i, disc in enumerate(fb.discrepancies):
        for k, variant in enumerate(disc.variants):
            for j, cit in enumerate(variant.citations):
                path = ("discrepancies", i, "variants", k, "citations", j)
                yield CitationSite("discrepancies", path, f"discrepancy {disc.id}", cit)


@dataclass(frozen=True)
class SourceCoverage:
    """How much of one source the citations cover."""

    source_id: str
    sentences: int
    cited: int
    uncited: tuple[tuple[int, int, str], ...]  # line, column, sentence
    facts: int

    @property
    def share(self) -> float:
        return self.cited / self.sentences if self.sentences else 1.0


class Provenance:
    """Normalised source texts, quote matching and coverage, computed once per fact base."""

    def __init__(self, fb: FactBase) -> None:
        self.fb = fb
        self.texts = {s.id: fb.source_text(s.id) for s in fb.sources}
        self.normalised: dict[str, Normalised] = {
            sid: normalise(text) for sid, text in self.texts.items() if text is not None
        }
        self._spans: dict[tuple[str, str], list[tuple[int, int]]] = {}

    def spans(self, citation: Citation) -> list[tuple[int, int]]:
        """Every span of the original source text that the quote matches, in whole words."""
        key = (citation.source, citation.quote)
        if key not in self._spans:
            self._spans[key] = self._find(citation)
        return self._spans[key]

    def _find(self, citation: Citation) -> list[tuple[int, int]]:
        norm = self.normalised.get(citation.source)
        if norm is None:
            return []
        return quote_spans(norm, citation.quote)

    def cut_word(self, citation: Citation) -> str | None:
        """The source word a quote cuts, when it is only found by cutting one ("troo")."""
        norm = self.normalised.get(citation.source)
        if norm is None:
            return None
        needle = normalise_quote(citation.quote)
        for start in find_all(norm.text, needle):
            cut = _cut_word(norm.text, start, start + len(needle))
            if cut:
                return cut
        return None

    def closest(self, citation: Citation) -> tuple[str, int, float]:
        """The source passage nearest to a quote that was not found: text, line, score."""
        norm = self.normalised[citation.source]
        text = self.texts[citation.source] or ""
        needle = normalise_quote(citation.quote)
        found = fuzz.partial_ratio_alignment(needle, norm.text)
        if found is None or found.dest_end <= found.dest_start:
            return "", 1, 0.0
        start, end = norm.original_span(found.dest_start, found.dest_end)
        return text[start:end], line_of(text, start)[0], found.score

    def coverage(self) -> dict[str, SourceCoverage]:
        """Per source: sentences outside excluded lines, and how many a citation touches."""
        covered: dict[str, set[tuple[int, int]]] = {s.id: set() for s in self.fb.sources}
        citing: dict[str, set[str]] = {s.id: set() for s in self.fb.sources}
        for fact in self.fb.facts:
            for cit in fact.citations:
                if cit.source in citing:
                    citing[cit.source].add(fact.id)
        for site in citation_sites(self.fb):
            if site.citation.source in covered:
                covered[site.citation.source].update(self.spans(site.citation))
        result = {}
        for source in self.fb.sources:
            text = self.texts[source.id]
            if text is None:
                continue
            # Only the file's own lines: a range past its end (an error of its own) must not
            # build a set of every number up to it.
            end = text.count("\n") + 2
            excluded = {
                n for ex in source.exclude for n in range(ex.span.start, min(ex.span.stop, end))
            }
            spans = SpanIndex(covered[source.id])
            counted = cited = 0
            uncited = []
            for sentence in sentences(text):
                if sentence.line in excluded:
                    continue
                counted += 1
                if spans.overlaps(sentence.start, sentence.end):
                    cited += 1
                else:
                    uncited.append((sentence.line, sentence.column, sentence.text))
            result[source.id] = SourceCoverage(
                source.id, counted, cited, tuple(uncited), len(citing[source.id])
            )
        return result


class SpanIndex:
    """Spans [start, end) of one text, sorted once, so that whether any of them overlaps a
    range costs a binary search, not a pass over every citation of the source."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span begins before `end` and ends after `start`."""
        before = bisect.bisect_left(self.starts, end)  # the spans that begin before `end`
        return before > 0 and self.reach[before - 1] > start


def quote_spans(norm: Normalised, quote: str) -> list[tuple[int, int]]:
    """Every span of the original text that a quote matches verbatim, in whole words."""
    needle = normalise_quote(quote)
    return [
        norm.original_span(s, s + len(needle))
        for s in find_all(norm.text, needle)
        if not _cut_word(norm.text, s, s + len(needle))
    ]


def _word_char(char: str) -> bool:
    """A letter or digit of a script that separates words (not CJK, which needs no spaces)."""
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def _cut_word(text: str, start: int, end: int) -> str | None:
    """The word of `text` that the span [start, end) cuts at either edge, if any.

    A quote is a passage of whole words: "the boar" for "the board", or "54,00" for
    "54,000", is a substring of the source but not what the source says.
    """
    edges = []
    if 0 < start < len(text) and _word_char(text[start - 1]) and _word_char(text[start]):
        edges.append(start)
    if 0 < end < len(text) and _word_char(text[end - 1]) and _word_char(text[end]):
        edges.append(end)
    if not edges:
        return None
    first = last = edges[0]  # widen to the whole token for the message: "54,000", not "000"
    while first > 0 and not text[first - 1].isspace():
        first -= 1
    while last < len(text) and not text[last].isspace():
        last += 1
    return text[first:last]


# --------------------------------------------------------------------------- the checks


def check(fb: FactBase) -> list[Problem]:
    """Every cross-file problem of a loaded fact base, errors and warnings."""
    report = _Reporter(fb)
    index = Index.of(fb)
    _unique_ids(report)
    _references(report, index)
    _events_agree(report, index)
    provenance = Provenance(fb)
    _source_files(report)
    _quotes(report, provenance)
    if not fb.broken.intersection(CITING_FILES):  # citations missing: coverage would be wrong
        _coverage(report, provenance)
    _placeholders(report)
    _drafts(report, index)
    for briefing in fb.briefings:
        _briefing_wording(report, briefing, f"briefing:{briefing.id}")
    return report.problems


def _unique_ids(report: _Reporter) -> None:
    fb = report.fb
    groups: list[tuple[str, str, Iterable[str]]] = [
        ("settings", "topics", (t.id for t in fb.settings.topics)),
        ("settings", "events", (e.id for e in fb.settings.events)),
        ("sources", "sources", (s.id for s in fb.sources)),
        ("entities", "entities", (e.id for e in fb.entities)),
        ("facts", "facts", (f.id for f in fb.facts)),
        ("discrepancies", "discrepancies", (d.id for d in fb.discrepancies)),
    ]
    for key, list_name, ids in groups:
        seen: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in seen:
                first = fb.maps[key].value((list_name, seen[ident], "id"))[0]
                report.at(
                    key,
                    (list_name, i, "id"),
                    "duplicate-id",
                    f"{list_name}[{i}].id: duplicate id {ident!r} (first at line {first})",
                    "give each entry its own id",
                )
            else:
                seen[ident] = i
    files = Counter(s.file for s in fb.sources)
    for i, source in enumerate(fb.sources):
        if files[source.file] > 1:
            report.at(
                "sources",
                ("sources", i, "file"),
                "duplicate-source-file",
                f"sources[{i}].file: {source.file} is registered more than once",
                "register each file once",
            )


def _references(report: _Reporter, index: Index) -> None:
    fb = report.fb

    def ref(
        key: str, path: Path_, value: str | None, table: Mapping[str, object], what: str
    ) -> None:
        if value is None or value in table:
            return
        if _DEFINED_IN.get(what, f"briefing:{value}") in fb.broken:
            return  # defined in a file that could not be read: its ids are unknown, not wrong
        close = closest(value, table)
        hint = f"did you mean {close[0]!r}?" if close else f"define the {what} or fix the id"
        report.at(key, path, f"unknown-{what}", f"unknown {what} {value!r}", hint)

    topics, facts, entities = index.topics, index.facts, index.entities
    closest = _Suggestions()
    for i, event in enumerate(fb.settings.events):
        for j, person in enumerate(event.participants):
            ref("settings", ("events", i, "participants", j), person, entities, "entity")
        for j, fact_id in enumerate(event.facts):
            ref("settings", ("events", i, "facts", j), fact_id, facts, "fact")
    for i, fact in enumerate(fb.facts):
        base = ("facts", i)
        for j, topic in enumerate(fact.topics):
            ref("facts", (*base, "topics", j), topic, topics, "topic")
        ref("facts", (*base, "event"), fact.event, index.events, "event")
        ref("facts", (*base, "speaker"), fact.speaker, entities, "entity")
        for j, entity in enumerate(fact.entities):
            ref("facts", (*base, "entities", j), entity, entities, "entity")
    for i, disc in enumerate(fb.discrepancies):
        for j, topic in enumerate(disc.topics):
            ref("discrepancies", ("discrepancies", i, "topics", j), topic, topics, "topic")
        for j, fact_id in enumerate(disc.facts):
            ref("discrepancies", ("discrepancies", i, "facts", j), fact_id, facts, "fact")
    for site in citation_sites(fb):
        ref(site.key, (*site.path, "source"), site.citation.source, index.sources, "source")
    for briefing in fb.briefings:
        key = f"briefing:{briefing.id}"
        for j, topic in enumerate(briefing.topics):
            ref(key, ("topics", j), topic, topics, "topic")
        for j, fact_id in enumerate(briefing.facts):
            ref(key, ("facts", j), fact_id, facts, "fact")
        for j, other in enumerate(briefing.includes):
            ref(key, ("includes", j), other, index.briefings, "briefing")
        for section in ("bluf", "judgments", "watch"):
            for j, item in enumerate(getattr(briefing, section)):
                for k, fact_id in enumerate(item.facts):
                    ref(key, (section, j, "facts", k), fact_id, facts, "fact")


class _Suggestions:
    """The known id nearest to a mistyped one, if any is near: each table's ids listed once
    and each answer kept, so many wrong references cost one search per distinct id, not a
    copy of a 100,000-id table per reference."""

    def __init__(self) -> None:
        self.choices: dict[int, list[str]] = {}
        self.found: dict[tuple[int, str], list[str]] = {}

    def __call__(self, value: str, known: Mapping[str, object]) -> list[str]:
        key = (id(known), value)
        if key not in self.found:
            choices = self.choices.setdefault(id(known), list(known))
            match = rf_process.extractOne(value, choices, scorer=fuzz.ratio, score_cutoff=60)
            self.found[key] = [match[0]] if match else []
        return self.found[key]


def _source_files(report: _Reporter) -> None:
    fb = report.fb
    for i, source in enumerate(fb.sources):
        if source.id not in fb.source_bytes:
            continue  # refused while loading (outside the seeds, not a file, too large)
        raw = fb.source_bytes[source.id]
        if raw is None and "settings" in fb.broken:
            continue  # the seeds folder itself is unknown
        if raw is None:
            report.at(
                "sources",
                ("sources", i, "file"),
                "source-missing",
                f"source file {source.file} not found in {fb.settings.seeds}",
                "put the article in the seeds folder or fix `file`",
            )
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != source.sha256:
            report.at(
                "sources",
                ("sources", i, "sha256"),
                "source-changed",
                f"{source.file} changed since it was registered: its sha256 is now {digest}",
                "restore the original file; if the edit is deliberate, run "
                f"`briefing source update {source.id}`, which records the new sha256 and "
                "lists the quotes the edit broke",
            )
        lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
        for j, exclusion in enumerate(source.exclude):
            if exclusion.span.stop - 1 > lines:
                report.at(
                    "sources",
                    ("sources", i, "exclude", j, "lines"),
                    "exclude-range",
                    f"line {exclusion.span.stop - 1} is past the end of {source.file} "
                    f"({lines} lines)",
                    "fix the line range",
                )


def _quotes(report: _Reporter, provenance: Provenance) -> None:
    files = {s.id: s.file for s in reversed(report.fb.sources)}  # the first source of an id
    for site in citation_sites(report.fb):
        cit = site.citation
        if cit.source not in provenance.normalised or provenance.spans(cit):
            continue
        source_file = files[cit.source]
        cut = provenance.cut_word(cit)
        if cut is not None:
            report.at(
                site.key,
                (*site.path, "quote"),
                "quote-cuts-word",
                f'{site.owner}: quote cuts the word "{cut}" of {source_file}: '
                f'"{shorten(cit.quote, 80)}"',
                "start and end the quote on whole words, as the source has them",
            )
            continue
        passage, line, score = provenance.closest(cit)
        hint = (
            f'closest passage, line {line} ({score:.0f}% alike): "{shorten(passage, 120)}"'
            if passage
            else "copy the passage from the source exactly"
        )
        if ("…" in cit.quote or "..." in cit.quote) and passage:
            hint = (
                "an ellipsis marks an omission, so the quote is not verbatim: cite each "
                f"unbroken passage as its own citation; {hint}"
            )
        report.at(
            site.key,
            (*site.path, "quote"),
            "quote-not-found",
            f'{site.owner}: quote not found in {source_file}: "{shorten(cit.quote, 80)}"',
            hint,
        )


def _coverage(report: _Reporter, provenance: Provenance) -> None:
    fb = report.fb
    coverage = provenance.coverage()
    for i, source in enumerate(fb.sources):
        cov = coverage.get(source.id)
        if cov is None:
            continue
        if source.curating:
            _curating(report, i, cov)
            continue
        for line, column, sentence in cov.uncited:
            report.problems.append(
                Problem(
                    fb.maps["sources"].file,
                    *fb.maps["sources"].value(("sources", i, "id")),
                    "sentence-uncited",
                    f'{source.file}:{line}:{column}: sentence not cited: "{shorten(sentence, 70)}"',
                    "cite it from a fact, or exclude the line with a reason",
                    "warning",
                )
            )
        if cov.share < COVERAGE_AIM:
            report.at(
                "sources",
                ("sources", i, "id"),
                "coverage-low",
                f"{source.id}: {cov.share:.0%} of {cov.sentences} sentences cited, "
                f"under the {COVERAGE_AIM:.0%} aim",
                "add facts for the uncited sentences listed as warnings",
            )


def _curating(report: _Reporter, index: int, cov: SourceCoverage) -> None:
    """A source still being curated: one warning with its progress, never a failed build."""
    source = report.fb.sources[index]
    if cov.uncited:
        message = (
            f"{source.id} is being curated: {cov.cited} of {cov.sentences} sentences cited "
            f"({cov.share:.0%})"
        )
        hint = (
            f"`briefing source text {source.id} --uncited` lists the rest; cite or exclude "
            "them, then delete `curating: true`"
        )
    else:
        message = f"{source.id} is marked as being curated, and every sentence is cited"
        hint = "delete `curating: true`"
    report.at(
        "sources", ("sources", index, "curating"), "source-curating", message, hint, "warning"
    )


def _events_agree(report: _Reporter, index: Index) -> None:
    """A fact's `event` and that event's `facts` list must agree (when the list is given)."""
    fb = report.fb
    if fb.broken.intersection(("settings", "facts")):
        return
    naming: dict[str, list[int]] = {}
    for k, each in enumerate(fb.facts):
        if each.event is not None:
            naming.setdefault(each.event, []).append(k)
    for i, event in enumerate(fb.settings.events):
        if not event.facts:
            continue  # the facts that name the event are its facts
        for j, fact_id in enumerate(event.facts):
            fact = index.facts.get(fact_id)
            if fact is not None and fact.event != event.id:
                said = f"names event {fact.event!r}" if fact.event else "names no event"
                report.at(
                    "settings",
                    ("events", i, "facts", j),
                    "event-mismatch",
                    f"event {event.id} lists fact {fact_id}, which {said}",
                    f"set `event: {event.id}` on the fact, or take it off this list",
                )
        listed = set(event.facts)
        for k in naming.get(event.id, []):
            named = fb.facts[k]
            if named.id not in listed:
                report.at(
                    "facts",
                    ("facts", k, "event"),
                    "event-mismatch",
                    f"fact {named.id} names event {event.id}, whose `facts` list leaves it out",
                    f"add {named.id} to the `facts` of event {event.id} in factbase.yaml, or "
                    "empty that list so the facts that name the event are its facts",
                )


def _drafts(report: _Reporter, index: Index) -> None:
    """Drafts wait for review: each is a warning; a briefing that names one is an error,
    since no briefing shows a draft."""
    fb = report.fb
    for i, fact in enumerate(fb.facts):
        if fact.draft:
            report.at(
                "facts",
                ("facts", i, "status"),
                "draft",
                f"fact {fact.id} is a draft: no briefing shows it",
                "review its statement, kind, figures and entities, then delete `status: draft`",
                "warning",
            )
    for briefing in fb.briefings:
        key = f"briefing:{briefing.id}"
        named: list[tuple[Path_, str]] = [(("facts", j), f) for j, f in enumerate(briefing.facts)]
        for part in ("bluf", "judgments", "watch"):
            for j, item in enumerate(getattr(briefing, part)):
                named += [((part, j, "facts", k), f) for k, f in enumerate(item.facts)]
        for path, ident in named:
            cited = index.facts.get(ident)
            if cited is not None and cited.draft:
                report.at(
                    key,
                    path,
                    "draft-in-briefing",
                    f"briefing {briefing.id} names fact {ident}, which is a draft",
                    f"review fact {ident} and delete its `status: draft`, or name another fact",
                )


def _placeholders(report: _Reporter) -> None:
    """Placeholder text (`TODO`) that `init`, `source add` or an analyst left: warnings."""
    fb = report.fb
    found: list[tuple[str, Path_]] = []
    settings = fb.settings
    for name in ("title", "subject", "organisation"):
        if PLACEHOLDER in getattr(settings, name):
            found.append(("settings", (name,)))
    for i, topic in enumerate(settings.topics):
        for name in ("title", "description"):
            if PLACEHOLDER in getattr(topic, name):
                found.append(("settings", ("topics", i, name)))
    for i, source in enumerate(fb.sources):
        texts: list[tuple[Path_, str]] = [
            (("label",), source.label),
            (("timing_evidence",), source.timing_evidence),
            (("date_evidence",), source.date_evidence),
            (("reliability_reason",), source.reliability_reason),
        ]
        texts += [(("origin", k), v) for k, v in source.origin.model_dump().items()]
        texts += [(("exclude", j, "reason"), e.reason) for j, e in enumerate(source.exclude)]
        found += [("sources", ("sources", i, *path)) for path, text in texts if PLACEHOLDER in text]
    for i, fact in enumerate(fb.facts):
        if PLACEHOLDER in fact.statement:
            found.append(("facts", ("facts", i, "statement")))
    for key, path in found:
        report.at(
            key,
            path,
            "todo-left",
            "placeholder text still says TODO",
            "replace it with what the source or the analysis says",
            "warning",
        )


# --------------------------------------------------------------------------- wording

LIKELIHOOD_TERMS = {term.value: term for term in Likelihood}
_LIKELIHOOD = re.compile(
    r"\b(almost no chance|very unlikely|unlikely|roughly even chance|very likely|likely|"
    r"almost certain(?:ly)?)\b",
    re.IGNORECASE,
)
_CONFIDENCE = re.compile(r"\b(high|moderate|low)[- ]confidence\b", re.IGNORECASE)
_OTHER_SCALE = re.compile(
    r"\b(remote(?:ly)?|highly improbable|improbable|roughly even odds|probabl[ey]|"
    r"highly probable|nearly certain(?:ly)?|possibly|perhaps|maybe|highly likely|"
    r"highly unlikely|(?<!almost )certainly|undoubtedly|doubtful)\b",
    re.IGNORECASE,
)


def wording_problems(text: str, likelihood: str | None, confidence: str | None) -> list[str]:
    """What is wrong with a judgment's wording under ICD 203; empty when it is right."""
    found = []
    terms = [
        m.group(1).lower().removesuffix("ly")
        if m.group(1).lower().startswith("almost c")
        else m.group(1).lower()
        for m in _LIKELIHOOD.finditer(text)
    ]
    levels = [m.group(1).lower() for m in _CONFIDENCE.finditer(text)]
    for m in _OTHER_SCALE.finditer(text):
        found.append(f"{m.group(1)!r} is not an approved term of this product's scale")
    if likelihood and confidence:
        found.append("gives both a likelihood and a confidence level")
    if not likelihood and not confidence:
        found.append("gives neither a likelihood nor a confidence level")
    if terms and levels:
        found.append("uses a likelihood term and a confidence level in one sentence")
    if likelihood:
        if likelihood not in terms:
            found.append(f"the text does not use its likelihood term '{likelihood}'")
        others = sorted(set(terms) - {likelihood})
        if others:
            found.append("uses more than one likelihood term: " + ", ".join(others))
    if confidence:
        if confidence not in levels:
            found.append(f"the text does not say '{confidence} confidence'")
        if set(levels) - {confidence}:
            found.append("uses more than one confidence level")
    return found


def _briefing_wording(report: _Reporter, briefing: Briefing, key: str) -> None:
    if briefing.edition is not None:
        report.at(
            key,
            ("edition",),
            "edition-deprecated",
            f"`edition: {briefing.edition}` is no longer used: the build numbers each edition "
            "itself (1 + the editions recorded earlier in out/editions/) and prints "
            "'Edition N, <date>'",
            "delete the line; set the edition date with `briefing build --edition YYYY-MM-DD` "
            "or the fact base's as_of",
            "warning",
            on_key=True,
        )
    for j, judgment in enumerate(briefing.judgments):
        for message in wording_problems(judgment.text, judgment.likelihood, judgment.confidence):
            report.at(
                key,
                ("judgments", j, "text"),
                "judgment-wording",
                f"judgments[{j}]: {message}",
                "use exactly one ICD 203 term: "
                + ", ".join(LIKELIHOOD_TERMS)
                + "; or 'high/moderate/low confidence'",
            )
    for path, text in _briefing_texts(briefing):
        if "TODO" in text:
            report.at(
                key,
                path,
                "todo-left",
                "placeholder text still says TODO",
                "replace it with the briefing's own words",
                "warning",
            )
    for j, item in enumerate(briefing.bluf):
        if _LIKELIHOOD.search(item.text) and _CONFIDENCE.search(item.text):
            report.at(
                key,
                ("bluf", j, "text"),
                "bluf-wording",
                f"bluf[{j}]: uses a likelihood term and a confidence level in one sentence",
                "keep one of the two",
            )


def _briefing_texts(briefing: Briefing) -> Iterator[tuple[Path_, str]]:
    """Every analyst-written text of a briefing, with where it stands."""
    yield ("title",), briefing.title
    yield ("subject",), briefing.subject
    for section in ("bluf", "judgments", "watch"):
        for j, item in enumerate(getattr(briefing, section)):
            yield (section, j, "text"), item.text
