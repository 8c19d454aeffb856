"""`briefing suggest`: discrepancies and corroborations proposed by comparing the sources.

Every sentence of every source (excluded lines aside) is compared with the sentences of the
other sources by four rules, one per kind of discrepancy:

- figure: the same unit, a shared subject word in the two sentences, values that differ but
  within a factor of 2.5 of each other (one quantity counted twice, not two quantities);
- quotation: the same person quoted or reported (speech verb, named speaker) in two sources,
  on the same matter (shared content words), in words that differ; or two near-identical
  passages, one with quotation marks, that differ in a single word ("greatest"/"largest");
- timing: a preview's expectation ("will", "is expected to") against a report's outcome
  ("agreed", "announced") on the same matter; or one matter given two different dates;
- description: the same person given different titles in front of the name.

Linked sentences are grouped, and each group with at least two variants becomes one
suggestion, in the shape of discrepancies.yaml. Corroborations: a sentence of another source
that says what a fact's citation says. Every quote is a slice of its source, checked with the
same quote check `validate` runs. A suggestion whose citations already touch two variants of
a recorded discrepancy is left out.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from briefing.checks import Provenance, citation_sites, quote_spans
from briefing.curation import reading
from briefing.model import Discrepancy, Entity, EntityKind, FactBase, Timing
from briefing.text import Normalised, normalise, normalise_quote, sentences, shorten

FIGURE_RATIO = 2.5  # larger/smaller above this: two different quantities, not one disputed
SAME_MATTER = 0.4  # content overlap for "the same matter" (timing)
QUOTE_MATTER = 2  # shared content words for the same speaker's remark on the same matter
SAME_CLAIM = 0.7  # content overlap for a corroboration
WORDING = 0.6  # SequenceMatcher ratio for near-identical passages
_CLAUSE_END = re.compile(r"[,;:]\s|\s[—–-]\s")


@dataclass(frozen=True)
class Passage:
    """A sentence of a source, where it stands."""

    source: str
    line: int
    start: int
    end: int
    text: str
    timing: Timing


@dataclass(frozen=True)
class Cited:
    """A quote of a source and its span in the source text."""

    source: str
    quote: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Variant:
    says: str
    citations: tuple[Cited, ...]


@dataclass(frozen=True)
class Suggestion:
    """A proposed discrepancy (or corroboration), ready to paste."""

    kind: str
    subject: str
    variants: tuple[Variant, ...]
    reason: str
    facts: tuple[str, ...] = ()

    def spans(self) -> set[tuple[str, int, int]]:
        return {(c.source, c.start, c.end) for v in self.variants for c in v.citations}

    def as_dict(self) -> dict[str, object]:
        """The shape of an entry of discrepancies.yaml (id, topics and note left to fill)."""
        data: dict[str, object] = {
            "kind": self.kind,
            "subject": self.subject,
            "variants": [
                {
                    "says": v.says,
                    "citations": [{"source": c.source, "quote": c.quote} for c in v.citations],
                }
                for v in self.variants
            ],
        }
        if self.facts:
            data["facts"] = list(self.facts)
        data["reason"] = self.reason
        return data


@dataclass
class _Corpus:
    fb: FactBase
    passages: list[Passage]
    texts: dict[str, str]
    norms: dict[str, Normalised]
    content: dict[Passage, set[str]] = field(default_factory=dict)

    def words_of(self, p: Passage) -> set[str]:
        if p not in self.content:
            self.content[p] = reading.content(p.text)
        return self.content[p]

    def cite(self, p: Passage, start: int = 0, end: int | None = None) -> Cited:
        """The clause of `p` holding [start, end) (sentence-relative), verbatim and checked;
        the whole sentence when the clause would not pass the quote check."""
        end = len(p.text) if end is None else end
        cuts = list(_CLAUSE_END.finditer(p.text))
        before = [m.end() for m in cuts if m.end() <= start]
        after = [m.start() for m in cuts if m.start() >= end]
        lo = before[-1] if before else 0
        hi = after[0] if after else len(p.text)
        piece = p.text[lo:hi].strip()
        if len(reading.words(piece)) < 4:
            lo, hi, piece = 0, len(p.text), p.text
        begin = p.start + p.text.index(piece, lo) if piece in p.text[lo:] else p.start
        if not quote_spans(self.norms[p.source], piece):
            return Cited(p.source, p.text, p.start, p.end, p.line)
        return Cited(p.source, piece, begin, begin + len(piece), p.line)


def _corpus(fb: FactBase) -> _Corpus:
    passages: list[Passage] = []
    texts: dict[str, str] = {}
    norms: dict[str, Normalised] = {}
    for source in fb.sources:
        text = fb.source_text(source.id)
        if text is None:
            continue
        texts[source.id] = text
        norms[source.id] = normalise(text)
        skip = {n for ex in source.exclude for n in ex.span}
        seen: set[str] = set()
        for s in sentences(text):
            if s.line in skip or s.text in seen:
                continue
            seen.add(s.text)  # a copy repeated inside one article is one passage
            passages.append(Passage(source.id, s.line, s.start, s.end, s.text, source.timing))
    return _Corpus(fb, passages, texts, norms)


def _pairs(corpus: _Corpus) -> Iterable[tuple[Passage, Passage]]:
    """Passages of different sources, each pair once."""
    ps = corpus.passages
    for i, a in enumerate(ps):
        for b in ps[i + 1 :]:
            if a.source != b.source:
                yield a, b


# --------------------------------------------------------------------------- rules


def _figures(corpus: _Corpus) -> list[Suggestion]:
    mentions = [(p, f) for p in corpus.passages for f in reading.figures(p.text)]
    links: list[tuple[int, int]] = []
    for i, (pa, fa) in enumerate(mentions):
        for j in range(i + 1, len(mentions)):
            pb, fb_ = mentions[j]
            if pa.source == pb.source or not reading.same_unit(fa.unit, fb_.unit):
                continue
            low, high = sorted((fa.value, fb_.value))
            if low <= 0 or high / low > FIGURE_RATIO:
                continue
            units = {reading.stem(fa.unit), reading.stem(fb_.unit)}
            shared = (_near(pa.text, fa) & _near(pb.text, fb_)) - units
            if shared:
                links.append((i, j))
    out = []
    for group in _groups(len(mentions), links):
        values: dict[tuple[str, float], list[Cited]] = defaultdict(list)
        for k in group:
            p, f = mentions[k]
            key = (f.qualifier, f.value)
            values[key].append(corpus.cite(p, f.start, f.end))
        if len({v for _, v in values}) < 2:
            continue
        unit = mentions[group[0]][1].unit
        variants = tuple(
            Variant(_says(q, v, unit), tuple(_unique(cits)))
            for (q, v), cits in sorted(values.items(), key=lambda kv: kv[0][1])
        )
        out.append(
            Suggestion(
                "figure",
                f"How many {unit}",
                variants,
                f"the same unit ({unit}) with different values in different sources",
            )
        )
    return out


NEAR = 8  # words either side of a figure that name what it counts


def _near(text: str, figure: reading.Figure) -> set[str]:
    """Content words (and acronyms such as US) within NEAR words of a figure."""
    tokens = _tokens(text)
    before = [t for t in tokens if t[2] <= figure.start][-NEAR:]
    after = [t for t in tokens if t[1] >= figure.end][: NEAR + 1]
    near = set()
    for word, start, end in [*before, *after]:
        acronym = text[start:end].replace(".", "").isupper() and len(word) >= 2
        if acronym or (word not in reading.STOP and len(word) > 2 and not word.isdigit()):
            near.add(reading.stem(word))
    return near


SAME_NUMBER_ELSEWHERE = 0.3  # at most this share of nearby words shared: said of another thing


def _same_figure_elsewhere(corpus: _Corpus) -> list[Suggestion]:
    """One figure, two sources, said of different things ('first talks in 15 years' and
    'first visit in 15 years'): a description to settle."""
    mentions = [(p, f) for p in corpus.passages for f in reading.figures(p.text)]
    links = []
    for i, (pa, fa) in enumerate(mentions):
        for j in range(i + 1, len(mentions)):
            pb, fb_ = mentions[j]
            if pa.source == pb.source or fa.value != fb_.value:
                continue
            if not reading.same_unit(fa.unit, fb_.unit):
                continue
            unit = {reading.stem(fa.unit)}
            na, nb = _near(pa.text, fa) - unit, _near(pb.text, fb_) - unit
            if na & nb and len(na & nb) / len(na | nb) <= SAME_NUMBER_ELSEWHERE:
                links.append((i, j))
    out = []
    for group in _groups(len(mentions), links):
        fig = mentions[group[0]][1]
        variants = tuple(
            Variant(
                shorten(
                    mentions[k][0].text[max(0, mentions[k][1].start - 60) : mentions[k][1].end], 80
                ),
                (corpus.cite(mentions[k][0], mentions[k][1].start, mentions[k][1].end),),
            )
            for k in group
        )
        what = _says(fig.qualifier, fig.value, fig.unit)
        out.append(
            Suggestion(
                "description",
                f"What the {what} refer to",
                variants,
                "the same figure said of different things in different sources",
            )
        )
    return out


def _says(qualifier: str, value: float, unit: str) -> str:
    number = f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    lead = "" if qualifier == "exactly" else qualifier + " "
    return f"{lead}{number} {unit}"


def _person_words(entities: list[Entity]) -> set[str]:
    return {reading.stem(w) for e in entities for w in reading.words(e.name)}


def _quotations(corpus: _Corpus) -> list[Suggestion]:
    people = [e for e in corpus.fb.entities if e.kind is EntityKind.PERSON]
    names = _person_words(people)
    said: dict[str, list[Passage]] = defaultdict(list)
    for p in corpus.passages:
        who = reading.speaker(p.text, people)
        if who is not None:
            said[who.id].append(p)
    speech = {reading.stem(w) for w in ["said", "says", "told", "stated", "added", "reporters"]}
    out = []
    index = {e.id: e for e in people}
    for person, passages in said.items():
        links = []
        for i, a in enumerate(passages):
            for j in range(i + 1, len(passages)):
                b = passages[j]
                if a.source == b.source:
                    continue
                if not (reading.QUOTED.search(a.text) or reading.QUOTED.search(b.text)):
                    continue
                if _quoted(a.text) == _quoted(b.text):
                    continue  # the same words: a corroboration, not a discrepancy
                shared = (corpus.words_of(a) & corpus.words_of(b)) - names - speech
                if len(shared) >= QUOTE_MATTER:
                    links.append((i, j))
        for group in _groups(len(passages), links):
            chosen = [passages[k] for k in group]
            variants = tuple(
                Variant(_quoted(p.text) or "reported speech", (corpus.cite(p),)) for p in chosen
            )
            if len({v.says for v in variants}) < 2:
                continue
            name = index[person].name
            out.append(
                Suggestion(
                    "quotation",
                    f"What {name} said",
                    variants,
                    f"{name} quoted or reported in different words by different sources",
                )
            )
    return out


def _quoted(text: str) -> str:
    return " … ".join(m.group(1).strip() for m in reading.QUOTED.finditer(text))


def _wording(corpus: _Corpus) -> list[Suggestion]:
    """Near-identical passages that differ in one word, one of them quoting."""
    out = []
    for a, b in _pairs(corpus):
        if not (reading.QUOTED.search(a.text) or reading.QUOTED.search(b.text)):
            continue
        if len(corpus.words_of(a) & corpus.words_of(b)) < 3:
            continue
        wa, wb = _tokens(a.text), _tokens(b.text)
        matcher = difflib.SequenceMatcher(None, [w for w, _, _ in wa], [w for w, _, _ in wb])
        codes = matcher.get_opcodes()
        for n, (tag, i1, i2, j1, j2) in enumerate(codes):
            if tag != "replace" or i2 - i1 != 1 or j2 - j1 != 1:
                continue
            one, two = wa[i1][0], wb[j1][0]
            if one in reading.STOP or two in reading.STOP or reading.stem(one) == reading.stem(two):
                continue
            if one.isdigit() or two.isdigit():
                continue
            before = codes[n - 1] if n else None
            after = codes[n + 1] if n + 1 < len(codes) else None
            if not (before and after and before[0] == after[0] == "equal"):
                continue
            if not (_inside_quotes(a.text, wa[i1][1]) or _inside_quotes(b.text, wb[j1][1])):
                continue  # a paraphrase's synonym is no discrepancy; a quotation's is
            if before[2] - before[1] < 1 or after[2] - after[1] < 2:
                continue
            ca = corpus.cite(a, wa[i1][1], wa[i1][2])
            cb = corpus.cite(b, wb[j1][1], wb[j1][2])
            out.append(
                Suggestion(
                    "quotation",
                    f"The wording: “{one}” or “{two}”",
                    (Variant(f"“{one}”", (ca,)), Variant(f"“{two}”", (cb,))),
                    "near-identical passages that differ in one word, at least one quoting",
                )
            )
            break
    return out


_TOKEN = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*")
REWORDED = 80.0  # partial-ratio from which another source's passage renders the same quote


def _windows(phrase: str, size: int = 6, step: int = 3) -> list[str]:
    """A long quotation in overlapping runs of words: another source may render only part."""
    tokens = phrase.split()
    if len(tokens) <= size + 2:
        return [phrase]
    return [" ".join(tokens[i : i + size]) for i in range(0, len(tokens) - size + 1, step)]


def _reworded(corpus: _Corpus) -> list[Suggestion]:
    """A quotation in one source that another source renders in different words."""
    out = []
    for a in corpus.passages:
        for quoted in reading.QUOTED.finditer(a.text):
            phrase = quoted.group(1).strip()
            if len(reading.words(phrase)) < 3:
                continue
            for b in corpus.passages:
                if b.source == a.source:
                    continue
                hay = normalise_quote(b.text).lower()
                hit = None
                for window in _windows(phrase):
                    needle = normalise_quote(window).lower().strip(" .,")
                    if needle in hay:
                        hit = None
                        break  # the same words: a corroboration
                    found = fuzz.partial_ratio_alignment(needle, hay)
                    if found is None or found.score < REWORDED:
                        continue
                    if len(reading.content(window) & corpus.words_of(b)) < 3:
                        continue
                    hit = hit or found
                if hit is None:
                    continue
                where = _original(b.text, hit.dest_start, hit.dest_end)
                out.append(
                    Suggestion(
                        "quotation",
                        f"The words “{shorten(phrase, 60)}”",
                        (
                            Variant(f"“{shorten(phrase, 80)}”", (corpus.cite(a, *quoted.span()),)),
                            Variant("in other words", (corpus.cite(b, *where),)),
                        ),
                        "a quotation that another source gives in different words",
                    )
                )
    return out


def _original(text: str, start: int, end: int) -> tuple[int, int]:
    """A span of `normalise_quote(text).lower()` mapped back onto `text` (approximately:
    white space runs are the only change in length)."""
    norm = normalise(text)
    if not norm.text:
        return 0, len(text)
    start = min(start, len(norm.offsets) - 1)
    end = max(start + 1, min(end, len(norm.offsets)))
    return norm.original_span(start, end)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower().replace(".", ""), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _inside_quotes(text: str, start: int) -> bool:
    return any(m.start() <= start < m.end() for m in reading.QUOTED.finditer(text))


def _timing(corpus: _Corpus) -> list[Suggestion]:
    out = []
    for a, b in _pairs(corpus):
        share = reading.overlap(corpus.words_of(a), corpus.words_of(b))
        if share < SAME_MATTER:
            continue
        preview, report = (a, b) if a.timing is Timing.PREVIEW else (b, a)
        if (
            preview.timing is Timing.PREVIEW
            and report.timing is Timing.REPORT
            and reading.expects(preview.text)
            and not reading.settled(preview.text)
            and (reading.settled(report.text) or _REAFFIRMED.search(report.text))
        ):
            out.append(
                Suggestion(
                    "timing",
                    "Expected before the event, or settled at it",
                    (
                        Variant("expected (preview)", (corpus.cite(preview),)),
                        Variant("agreed or announced (report)", (corpus.cite(report),)),
                    ),
                    "a preview's expectation and a report's outcome on the same matter",
                )
            )
            continue
        da = {d.value for d in reading.dates(a.text, None, "")}
        db = {d.value for d in reading.dates(b.text, None, "")}
        if da and db and not da & db:
            out.append(
                Suggestion(
                    "timing",
                    "When it happens",
                    (
                        Variant(", ".join(sorted(da)), (corpus.cite(a),)),
                        Variant(", ".join(sorted(db)), (corpus.cite(b),)),
                    ),
                    "two different dates for the same matter",
                )
            )
    return out


_REAFFIRMED = re.compile(r"\b(reaffirmed|confirmed|established|held)\b", re.IGNORECASE)
_TITLE = re.compile(r"((?:[A-Z][\w-]+)(?:\s+(?:[A-Z][\w-]+|of))*)\s*$")


def _title_before(text: str, start: int, entity: Entity, others: set[str]) -> str | None:
    """The capitalised words just before a name: 'Defense Minister' in 'Defense Minister
    Minoru Kihara' (parts of the name itself left out)."""
    match = _TITLE.search(text[:start])
    if match is None:
        return None
    name = set(reading.words(entity.name))
    kept: list[str] = []
    for word in reversed(match.group(1).split()):
        if word.lower() in others:
            break  # another person's name: the title, if any, is theirs
        if word.lower() not in name:
            kept.insert(0, word)
    while kept and kept[0].lower() in {"of", "the", "and"}:
        kept.pop(0)
    return " ".join(kept) if kept else None


def _descriptions(corpus: _Corpus) -> list[Suggestion]:
    out = []
    people = [e for e in corpus.fb.entities if e.kind is EntityKind.PERSON]
    names = {w for e in people for w in reading.words(e.name)}
    for entity in people:
        titles: dict[str, list[Cited]] = defaultdict(list)
        sources: dict[str, set[str]] = defaultdict(set)
        for p in corpus.passages:
            spot = reading.mention(p.text, entity)
            if spot is None:
                continue
            title = _title_before(p.text, spot[0], entity, names - set(reading.words(entity.name)))
            if title is None or len(title.split()) > 4:
                continue
            key = title.lower()
            if p.source not in sources[key]:
                titles[key].append(corpus.cite(p, spot[0], spot[1]))
                sources[key].add(p.source)
        keys = list(titles)
        distinct = [
            k for k in keys if not any(k != o and set(k.split()) <= set(o.split()) for o in keys)
        ]
        if len(distinct) < 2 or len({c.source for k in distinct for c in titles[k]}) < 2:
            continue
        out.append(
            Suggestion(
                "description",
                f"How the sources describe {entity.name}",
                tuple(Variant(k, tuple(titles[k])) for k in distinct),
                "the same person under different titles",
            )
        )
    return out


def _corroborations(corpus: _Corpus, provenance: Provenance) -> list[Suggestion]:
    cited: dict[Passage, set[str]] = defaultdict(set)
    by_source: dict[str, list[Passage]] = defaultdict(list)
    for p in corpus.passages:
        by_source[p.source].append(p)
    for site in citation_sites(corpus.fb):
        if not site.owner.startswith("fact "):
            continue
        for s, e in provenance.spans(site.citation):
            for p in by_source.get(site.citation.source, []):
                if p.start < e and s < p.end:
                    cited[p].add(site.owner.removeprefix("fact "))
    out = []
    for a, b in _pairs(corpus):
        facts = cited[a] ^ cited[b]
        if not facts or (cited[a] and cited[b]):
            continue
        if reading.overlap(corpus.words_of(a), corpus.words_of(b)) < SAME_CLAIM:
            continue
        na = {f.value for f in reading.figures(a.text)}
        nb = {f.value for f in reading.figures(b.text)}
        if na and nb and na != nb:
            continue
        out.append(
            Suggestion(
                "corroboration",
                f"Another source for fact {', '.join(sorted(facts))}",
                (
                    Variant("cited", (corpus.cite(a if cited[a] else b),)),
                    Variant("says the same", (corpus.cite(b if cited[a] else a),)),
                ),
                "two sources say the same thing; cite both to raise the fact's credibility",
                tuple(sorted(facts)),
            )
        )
    return out


# --------------------------------------------------------------------------- together


def _groups(size: int, links: list[tuple[int, int]]) -> list[list[int]]:
    """Connected groups of linked items (union-find), each in order, linked ones only."""
    parent = list(range(size))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    linked = {x for pair in links for x in pair}
    groups: dict[int, list[int]] = defaultdict(list)
    for x in sorted(linked):
        groups[root(x)].append(x)
    return list(groups.values())


def _unique(cits: list[Cited]) -> list[Cited]:
    seen: set[tuple[str, str]] = set()
    out = []
    for c in cits:
        if (c.source, c.quote) not in seen:
            seen.add((c.source, c.quote))
            out.append(c)
    return out


def touches(
    suggestion: Suggestion, discrepancy: Discrepancy, provenance: Provenance, at_least: int = 2
) -> bool:
    """Whether the suggestion's citations overlap the citations of `at_least` variants."""
    mine = suggestion.spans()
    hit = 0
    for variant in discrepancy.variants:
        spans = [(c.source, s, e) for c in variant.citations for s, e in provenance.spans(c)]
        if any(src == ms and s < me and ms_ < e for src, s, e in spans for ms, ms_, me in mine):
            hit += 1
    return hit >= at_least


def suggest(fb: FactBase) -> list[Suggestion]:
    """Every suggestion for a fact base, discrepancies first, recorded ones left out."""
    corpus = _corpus(fb)
    provenance = Provenance(fb)
    found = [
        *_figures(corpus),
        *_quotations(corpus),
        *_wording(corpus),
        *_reworded(corpus),
        *_timing(corpus),
        *_descriptions(corpus),
        *_same_figure_elsewhere(corpus),
    ]
    kept: list[Suggestion] = []
    for s in _merged(found):
        if any(touches(s, d, provenance) for d in fb.discrepancies):
            continue
        kept.append(s)
    return kept + _corroborations(corpus, provenance)


def _merged(found: list[Suggestion]) -> list[Suggestion]:
    """Suggestions of one kind that share a passage are one disagreement: join them."""
    links = [
        (i, j)
        for i, a in enumerate(found)
        for j in range(i + 1, len(found))
        if a.kind == found[j].kind and _lines(a) & _lines(found[j])
    ]
    grouped = {x for pair in links for x in pair}
    out = [s for i, s in enumerate(found) if i not in grouped]
    for group in _groups(len(found), links):
        first = found[group[0]]
        says: dict[str, list[Cited]] = {}
        seen: set[tuple[str, int]] = set()
        for k in group:
            for v in found[k].variants:
                fresh = [c for c in v.citations if (c.source, c.line) not in seen]
                seen |= {(c.source, c.line) for c in fresh}
                if fresh:
                    says.setdefault(v.says, []).extend(fresh)
        if len(says) < 2:
            continue
        variants = tuple(Variant(k, tuple(v)) for k, v in says.items())
        out.append(Suggestion(first.kind, first.subject, variants, first.reason))
    return out


def _lines(s: Suggestion) -> set[tuple[str, int]]:
    return {(c.source, c.line) for v in s.variants for c in v.citations}
