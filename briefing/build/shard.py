"""Which briefings shard K of N builds: the same answer on every shard, whatever its folder.

The unit is the briefing: all of a briefing's formats (and their edition copies) go to one
shard, since they are all made from one Markdown rendering and the PDF dominates anyway.

The split must not depend on anything a shard may see differently from another (its own
output folder, its own last manifest): two shards that disagreed would each drop, or both
build, the same briefing. So the cost of a briefing is estimated from the fact base alone,
which every shard loads whole: the number of facts, discrepancies and people its document
shows (what makes its pages), plus one. The briefings are ordered by a stable hash of their
id and cut into N runs of about equal total cost: each shard gets about 1/N of the work,
within one briefing's cost, and adding or removing a briefing moves only its neighbours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from briefing.build.options import Shard

if TYPE_CHECKING:
    from briefing.model import FactBase


def _order_key(briefing_id: str) -> bytes:
    """A stable hash: the same on every machine and Python (no PYTHONHASHSEED)."""
    return hashlib.sha256(briefing_id.encode()).digest()


def assign(costs: Mapping[str, float], count: int) -> dict[str, int]:
    """Every briefing's shard (1-based): in hash order, each goes to the shard whose equal
    share of the total cost holds the middle of the briefing's own cost."""
    ordered = sorted(costs, key=_order_key)
    total = sum(max(costs[b], 0.0) for b in ordered) or 1.0
    shards: dict[str, int] = {}
    before = 0.0
    for briefing_id in ordered:
        cost = max(costs[briefing_id], 0.0)
        middle = (before + cost / 2) / total
        shards[briefing_id] = min(count, int(middle * count) + 1)
        before += cost
    return shards


def estimated_costs(fb: FactBase, wanted: Sequence[str]) -> dict[str, float]:
    """Each wanted briefing's expected cost, from the fact base only (see the module doc)."""
    from briefing.render.context import document_view

    by_id = {b.id: b for b in fb.briefings}
    costs: dict[str, float] = {}
    for briefing_id in wanted:
        view = document_view(fb, by_id[briefing_id])
        sections = [s for s in (view.context, view.main, *view.parts) if s is not None]
        shown = sum(len(s.facts) + len(s.discrepancies) + len(s.people) for s in sections)
        costs[briefing_id] = 1.0 + shown
    return costs


def select(fb: FactBase, wanted: Sequence[str], shard: Shard | None) -> list[str]:
    """The wanted briefings this shard builds, in their order; all of them unsharded."""
    if shard is None or shard.count == 1:
        return list(wanted)
    shards = assign(estimated_costs(fb, wanted), shard.count)
    return [b for b in wanted if shards[b] == shard.index]
