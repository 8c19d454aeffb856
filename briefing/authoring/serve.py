"""`briefing serve`: a live preview for the edit loop, on 127.0.0.1 only.

Each briefing's HTML page is built (through the build, into a scratch folder) when it is
first asked for and again after every saved change to the fact base, the seeds or the
templates; an open page then reloads itself. While the fact base is invalid the page shows
the problems (file:line, message) instead of stale content.

The reload script exists only in what this server sends: built outputs never hold a script.
The page asks `/_wait?since=N`, which answers as soon as a newer build is ready (a long poll),
and reloads then.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from briefing.errors import BriefingError, InvalidInput, Problem, UsageError
from briefing.model import ID_PATTERN

HOST = "127.0.0.1"  # never another interface: the preview shows unpublished work
WAIT_SECONDS = 25.0  # a long poll answers at the latest after this
RELOAD_SCRIPT = """<script>
(function () {{
  var seen = {version};
  function poll() {{
    fetch("/_wait?since=" + seen, {{cache: "no-store"}})
      .then(function (r) {{ return r.json(); }})
      .then(function (j) {{ if (j.version > seen) {{ location.reload(); }} else {{ poll(); }} }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  poll();
}})();
</script>"""
_PAGE = re.compile(r"^/(?P<id>[a-z0-9][a-z0-9-]{0,63})\.html$")


def build_pages(factbase: Path, out: Path, templates: Path | None, briefings: list[str]) -> None:
    """The one call into the build: HTML pages of `briefings` into `out`. (When the build's
    entry point moves, only this function changes.)"""
    from briefing import build

    result = build.run(
        build.Options(
            factbase=factbase,
            out=out,
            briefings=tuple(briefings),
            formats=("html",),
            templates=templates,
            jobs=1,
        )
    )
    if result.failed:
        raise BriefingError("; ".join(f"{k}: {v}" for k, v in result.failed.items()))


def briefing_titles(factbase: Path) -> tuple[list[tuple[str, str]], list[Problem]]:
    """The briefings (id, title) when the fact base is valid, else its errors."""
    from briefing.validation import gather

    fb, problems = gather(factbase)
    errors = [p for p in problems if p.severity == "error"]
    if fb is None or errors:
        return [], errors or problems
    return [(b.id, b.title) for b in fb.briefings], []


@dataclass(frozen=True)
class Failure:
    """Why a page could not be built: what the page shows instead, and the HTTP status."""

    title: str
    problems: list[Problem]
    status: HTTPStatus = HTTPStatus.OK


@dataclass
class Preview:
    """The state the server and the watcher share: what is built, and its version."""

    factbase: Path
    out: Path
    templates: Path | None = None
    build: Callable[[Path, Path, Path | None, list[str]], None] = build_pages
    version: int = 0  # goes up once the pages of a saved change are ready
    built: dict[str, int] = field(default_factory=dict)  # briefing id → version built at
    failure: dict[str, Failure] = field(default_factory=dict)
    viewed: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: threading.Condition = field(default_factory=threading.Condition)

    def page(self, briefing_id: str) -> Failure | Path:
        """The built page of a briefing, building it if this version has not; or why not."""
        with self.lock:
            self.viewed.add(briefing_id)
            if self.built.get(briefing_id) != self.version:
                self._build([briefing_id])
            failed = self.failure.get(briefing_id)
            if failed and failed.status == HTTPStatus.NOT_FOUND:
                self.viewed.discard(briefing_id)
            return failed if failed else self.out / f"{briefing_id}.html"

    def _build(self, ids: list[str]) -> None:
        try:
            self.build(self.factbase, self.out, self.templates, ids)
            for ident in ids:
                self.failure.pop(ident, None)
        except InvalidInput as error:
            errors_first = sorted(error.problems, key=lambda p: p.severity != "error")
            for ident in ids:
                self.failure[ident] = Failure("The fact base has problems", errors_first)
        except UsageError as error:  # no such briefing
            for ident in ids:
                self.failure[ident] = Failure(str(error), [], HTTPStatus.NOT_FOUND)
        except BriefingError as error:
            for ident in ids:
                self.failure[ident] = Failure(f"The build failed: {error}", [])
        for ident in ids:
            self.built[ident] = self.version

    def changed(self) -> None:
        """After a save: rebuild the pages being viewed, then tell the open pages to reload."""
        with self.lock:
            self.version += 1
            for ident in sorted(self.viewed):  # one at a time: a deleted briefing fails alone
                self._build([ident])
        with self.ready:
            self.ready.notify_all()

    def wait(self, since: int, timeout: float = WAIT_SECONDS) -> int:
        with self.ready:
            self.ready.wait_for(lambda: self.version > since, timeout=timeout)
        return self.version


def _problems_page(title: str, problems: list[Problem], version: int) -> str:
    items = "\n".join(
        f"<li><code>{html.escape(p.file)}:{p.line}:{p.column}</code> "
        f"<strong>{p.severity}</strong>: {html.escape(p.message)}"
        + (f" — {html.escape(p.hint)}" if p.hint else "")
        + "</li>"
        for p in problems
    )
    return _shell(
        title,
        f'<h1>{html.escape(title)}</h1>\n<ul class="problems">\n{items}\n</ul>\n'
        "<p>The page reloads when you save a fix.</p>",
        version,
    )


def _shell(title: str, body: str, version: int) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n"
        f"{RELOAD_SCRIPT.format(version=version)}\n</body>\n</html>\n"
    )


def _with_reload(page: str, version: int) -> str:
    """The built page with the reload script put before </body>, in this response only."""
    script = RELOAD_SCRIPT.format(version=version)
    at = page.rfind("</body>")
    return page[:at] + script + "\n" + page[at:] if at != -1 else page + script


def make_handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "briefing-preview"

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the terminal shows what was rebuilt, not every request

        def _send(self, status: HTTPStatus, body: str, kind: str = "text/html") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/_wait":
                try:
                    since = int(parse_qs(url.query).get("since", ["0"])[0])
                except ValueError:
                    since = 0
                version = preview.wait(since)
                self._send(HTTPStatus.OK, json.dumps({"version": version}), "application/json")
                return
            if url.path == "/":
                self._send(HTTPStatus.OK, self._index())
                return
            match = _PAGE.match(url.path)
            if match is None or not re.match(ID_PATTERN, match["id"]):
                self._send(HTTPStatus.NOT_FOUND, _shell("Not found", "<h1>Not found</h1>", 0))
                return
            version = preview.version
            found = preview.page(match["id"])
            if isinstance(found, Path):
                try:
                    page = found.read_text(encoding="utf-8")
                except OSError:
                    body = _shell("Not found", f"<h1>No briefing {match['id']}</h1>", version)
                    self._send(HTTPStatus.NOT_FOUND, body)
                    return
                self._send(HTTPStatus.OK, _with_reload(page, version))
            else:
                self._send(found.status, _problems_page(found.title, found.problems, version))

        def _index(self) -> str:
            version = preview.version
            titles, problems = briefing_titles(preview.factbase)
            if problems:
                return _problems_page("The fact base has problems", problems, version)
            links = "\n".join(
                f'<li><a href="/{ident}.html">{html.escape(title)}</a> ({ident})</li>'
                for ident, title in titles
            )
            body = f"<h1>Briefings</h1>\n<ul>\n{links or '<li>none yet</li>'}\n</ul>"
            return _shell("Briefings", body, version)

    return Handler


def serve(
    factbase: Path,
    *,
    port: int = 8000,
    templates: Path | None = None,
    on_ready: Callable[[str], None] = print,
    on_rebuilt: Callable[[int], None] = lambda version: None,
    stop: threading.Event | None = None,
) -> None:
    """Serve the preview until `stop` is set (or Ctrl-C): pages rebuilt on every save."""
    from watchfiles import watch as watch_changes

    from briefing.build import Options
    from briefing.watch import STARTED_AFTER, watched_paths

    out = Path(tempfile.mkdtemp(prefix="briefing-preview-"))
    preview = Preview(factbase=factbase, out=out, templates=templates)
    server = ThreadingHTTPServer((HOST, port), make_handler(preview))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop = stop or threading.Event()
    paths = watched_paths(Options(factbase=factbase, out=out, templates=templates))
    announced = False
    try:
        # announced at the watcher's first yield: from then on no save is missed
        for changes in watch_changes(
            *paths,
            stop_event=stop,
            debounce=300,
            step=30,
            rust_timeout=STARTED_AFTER,
            yield_on_timeout=True,
        ):
            if not announced:
                announced = True
                on_ready(f"http://{HOST}:{server.server_address[1]}/")
            if changes:
                preview.changed()
                on_rebuilt(preview.version)
    finally:
        stop.set()
        with preview.ready:
            preview.version += 1  # release the long polls
            preview.ready.notify_all()
        server.shutdown()
        server.server_close()
        shutil.rmtree(out, ignore_errors=True)
