"""Building briefings: `run(options, report) -> Result`.

First the no-op fast path (`manifest.nothing_changed`): when no input, output or option
changed since the last successful build, the build is done without loading the pipeline.
Otherwise the pipeline (`pipeline.build`), imported only then: load → plan → skip → render →
write. The CLI, `watch` and the benchmark all come through here.
"""

from __future__ import annotations

import time

from briefing.build.manifest import nothing_changed
from briefing.build.options import Options
from briefing.build.report import BuildEvent, Report, Result, ignore

__all__ = ["BuildEvent", "Options", "Report", "Result", "run"]


def run(options: Options, report: Report = ignore) -> Result:
    """Build what changed and skip the rest; `report` hears of every target."""
    started = time.perf_counter()
    if not options.force:
        targets = nothing_changed(options)
        if targets is not None:
            report(BuildEvent("start", total=len(targets)))
            for target in targets:
                report(BuildEvent("skipped", target, "up to date"))
            result = Result(skipped=targets, seconds=time.perf_counter() - started)
            report(BuildEvent("finish", detail=result.summary(), seconds=result.seconds))
            return result
    from briefing.build.pipeline import build

    return build(options, report)
