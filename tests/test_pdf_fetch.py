"""Untrusted content cannot make a PDF fetch anything, attach anything or link anywhere odd.

`render_pdf` is the last line of defence: it is fed hostile HTML directly. A tiny HTTP server on
loopback records every request, and must receive none. Then whole builds: hostile fact text
(escaped long before WeasyPrint sees it) and a hostile user template (refused by the fetcher,
the target fails and keeps its previous PDF).

Every PDF produced is opened with pikepdf: no embedded file, no file-attachment annotation, no
launch or JavaScript action, only http, https and mailto link targets, and no byte of the local
files the HTML pointed at (streams are checked decompressed).
"""

from __future__ import annotations

import base64
import http.server
import io
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import tools
from briefing.cli import app
from briefing.errors import RenderError
from briefing.render.pdf import FetchRefused, render_pdf

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
SECRET_FILES = ("/etc/passwd", "/etc/hostname")
SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


# --------------------------------------------------------------------------- the listener


@dataclass
class Listener:
    port: int
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def listener() -> Iterator[Listener]:
    """An HTTP server on 127.0.0.1 that records (and answers) every request it gets."""
    found = Listener(0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.requests.append(self.path)
            body = b"LOOPBACK-SECRET"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- PDF inspection


def secrets() -> list[bytes]:
    """Lines of the local files hostile content points at, long enough not to match by chance."""
    lines = []
    for name in SECRET_FILES:
        try:
            text = Path(name).read_bytes()
        except OSError:
            continue
        lines += [ln for ln in text.splitlines() if len(ln) >= 8][:3]
    return [*lines, b"LOOPBACK-SECRET"]


def inspect_pdf(data: bytes) -> dict[str, list[str]]:
    """What a PDF carries that a briefing must not: attachments, odd links, leaked bytes."""
    found: dict[str, list[str]] = {"attachments": [], "links": [], "actions": [], "leaks": []}
    pdf = pikepdf.open(io.BytesIO(data))
    names = pdf.Root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names:
        found["attachments"].append("/Names /EmbeddedFiles")
    if "/AF" in pdf.Root:
        found["attachments"].append("/AF")
    for page in pdf.pages:
        for annot in page.get("/Annots", []):
            if annot.get("/Subtype") == "/FileAttachment":
                found["attachments"].append("/FileAttachment annotation")
            action = annot.get("/A")
            if action is None:
                continue
            kind = str(action.get("/S"))
            if kind == "/URI":
                found["links"].append(str(action.get("/URI")))
            elif kind not in ("/GoTo",):
                found["actions"].append(kind)
    blobs = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            if obj.get("/Type") == "/EmbeddedFile":
                found["attachments"].append("/EmbeddedFile stream")
            try:
                blobs.append(obj.read_bytes())
            except pikepdf.PdfError:
                blobs.append(obj.read_raw_bytes())
    everything = data + b"".join(blobs)
    found["leaks"] = [s.decode(errors="replace") for s in secrets() if s in everything]
    return found


def assert_clean(data: bytes) -> None:
    found = inspect_pdf(data)
    assert found["attachments"] == [], found
    assert found["actions"] == [], found
    assert all(SAFE_LINK.match(uri) for uri in found["links"]), found
    assert found["leaks"] == [], found


def page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        f"<body><p>Briefing text.</p>{body}</body></html>"
    )


# --------------------------------------------------------------------------- render_pdf itself

SVG_WITH_FILE = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="10" height="10"><image xlink:href="file:///etc/passwd" width="10" height="10"/>'
    '<image href="http://127.0.0.1:{port}/svg-inner" width="10" height="10"/></svg>'
)

REFUSED = {
    "img-file": '<img alt="" src="file:///etc/passwd">',
    "img-http-loopback": '<img alt="" src="http://127.0.0.1:{port}/x.png">',
    "img-https": '<img alt="" src="https://127.0.0.1:{port}/x.png">',
    "stylesheet-http": '<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
    "stylesheet-file": '<link rel="stylesheet" href="file:///etc/passwd">',
    "a-attachment-file": '<a rel="attachment" href="file:///etc/hostname">notes</a>',
    "a-attachment-http": '<a rel="attachment" href="http://127.0.0.1:{port}/a.bin">x</a>',
    "a-attachment-data": '<a rel="attachment" href="data:text/plain,LOOPBACK-SECRET">x</a>',
    "link-attachment": '<link rel="attachment" href="file:///etc/hostname">',
    "link-attachment-data": '<link rel="attachment" href="data:text/plain,x">',
    "css-url-file": '<div style="background: url(file:///etc/passwd)">x</div>',
    "css-url-http": '<div style="background-image: url(http://127.0.0.1:{port}/bg)">x</div>',
    "css-import": "<style>@import url(http://127.0.0.1:{port}/i.css);</style>",
    "css-font-face": (
        "<style>@font-face {{ font-family: X; src: url(http://127.0.0.1:{port}/f.woff) }}"
        " p {{ font-family: X }}</style>"
    ),
    "css-content-url": "<style>p::after {{ content: url(file:///etc/passwd) }}</style>",
    "css-in-data-stylesheet": (
        '<link rel="stylesheet" href="data:text/css,body%7Bbackground:url(file:///etc/passwd)%7D">'
    ),
    "object-data": '<object data="file:///etc/passwd"></object>',
    "embed-src": '<embed src="file:///etc/passwd">',
    "base-href": '<base href="file:///etc/"><img alt="" src="passwd">',
    "relative-escape": '<img alt="" src="../../../../../../etc/passwd">',
    "percent-escape": '<img alt="" src="%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd">',
    "file-localhost": '<img alt="" src="file://localhost/etc/passwd">',
    "ftp": '<img alt="" src="ftp://127.0.0.1:{port}/x.png">',
    "missing-asset": '<img alt="" src="assets/missing.png">',
    "link-file": '<a href="file:///etc/passwd">passwd</a>',
    "link-javascript": '<a href="javascript:alert(1)">run</a>',
    "link-relative-file": '<a href="notes.txt">notes</a>',
}

FETCH_NOTHING = {  # WeasyPrint renders these, but must fetch and embed nothing
    "inline-svg-image": SVG_WITH_FILE,
    "data-svg-with-file-refs": '<img alt="" src="data:image/svg+xml;base64,{svg64}">',
    "iframe": '<iframe src="http://127.0.0.1:{port}/frame"></iframe>',
    "img-srcset": '<img alt="" srcset="http://127.0.0.1:{port}/s.png 1x">',
    "video-poster": '<video poster="http://127.0.0.1:{port}/p.png"></video>',
    "meta-refresh": '<meta http-equiv="refresh" content="0; url=http://127.0.0.1:{port}/r">',
}


def fill(snippet: str, port: int) -> str:
    svg64 = base64.b64encode(SVG_WITH_FILE.format(port=port).encode()).decode()
    return snippet.format(port=port, svg64=svg64)


@pytest.mark.parametrize("name", REFUSED)
def test_render_pdf_refuses_the_resource(listener: Listener, name: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        render_pdf(page(fill(REFUSED[name], listener.port)), variants=("pdf/ua-1", "pdf/a-3b"))
    message = str(refused.value)
    assert message.startswith(("PDF refused a resource", "the document asked", "link to "))
    assert listener.requests == []


@pytest.mark.parametrize("name", FETCH_NOTHING)
def test_render_pdf_fetches_and_embeds_nothing(listener: Listener, name: str) -> None:
    html = page(fill(FETCH_NOTHING[name], listener.port))
    pdfs = render_pdf(html, variants=("pdf/ua-1", "pdf/a-3b"))
    assert listener.requests == []
    for data in pdfs.values():
        assert_clean(data)


def test_render_pdf_keeps_safe_links_and_data_images(listener: Listener) -> None:
    dot = (  # a 1x1 PNG
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
        "AAAABJRU5ErkJggg=="
    )
    body = (
        '<p><a href="https://example.org/report">report</a> '
        '<a href="mailto:desk@example.org">desk</a> <a href="#top">top</a></p>'
        f'<img alt="dot" src="data:image/png;base64,{dot}">'
        '<link rel="stylesheet" href="briefing.css">'
    )
    data = render_pdf(page(body))["pdf/ua-1"]
    found = inspect_pdf(data)
    assert sorted(found["links"]) == ["https://example.org/report", "mailto:desk@example.org"]
    assert_clean(data)
    assert listener.requests == []


def test_fetch_refusal_is_a_render_error_so_it_fails_one_target() -> None:
    assert issubclass(FetchRefused, RenderError)


# --------------------------------------------------------------------------- whole builds

HOSTILE_TEXT = (
    '<img src="file:///etc/passwd"> <img src="http://127.0.0.1:{port}/fact.png"> '
    '<link rel="stylesheet" href="http://127.0.0.1:{port}/fact.css"> '
    '<a rel="attachment" href="file:///etc/hostname">notes</a> '
    "<style>body {{ background: url(file:///etc/passwd) }}</style> "
    "![pic](http://127.0.0.1:{port}/md.png) [passwd](file:///etc/passwd) "
    "<http://127.0.0.1:{port}/autolink> [js](javascript:alert(1)) "
    '<script>alert(1)</script> <iframe src="http://127.0.0.1:{port}/if"></iframe> '
    "&lt;b&gt; &#60;img src=x&#62;"
)


def invoke(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.exit_code, output


def yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_factbase(root: Path, port: int) -> Path:
    """The mini fixture with hostile text in every free-text field a briefing shows."""
    shutil.copytree(MINI, root)
    factbase = root / "factbase"
    text = yaml_quoted(HOSTILE_TEXT.format(port=port))
    edits = {
        "facts.yaml": [
            ("statement: Japan hosts about 54,000 US troops.", f"statement: {text}"),
            ("label: US troops in Japan", f"label: {text}"),
        ],
        "entities.yaml": [("role: Unnamed official", f"role: {text}")],
        "sources.yaml": [
            ("label: Mini report", f"label: {text}"),
            ("credits: Example Images", f"credits: {text}"),
            ("reliability_reason: Unattributed but specific.", f"reliability_reason: {text}"),
        ],
        "discrepancies.yaml": [
            ("note: Both figures come from the same text; prefer the exact one.", f"note: {text}")
        ],
        "factbase.yaml": [("organisation: Test cell", f"organisation: {text}")],
        "briefings/c2.yaml": [
            ("subject: US Forces Japan becomes a joint force headquarters", f"subject: {text}"),
            ("text: The headquarters' first commander.", f"text: {text}"),
        ],
    }
    for name, pairs in edits.items():
        path = factbase / name
        content = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert content.count(old) == 1, (name, old)
            content = content.replace(old, new)
        path.write_text(content, encoding="utf-8")
    return factbase


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_html_clean(html: str) -> None:
    collector = TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag not in ("img", "link", "script", "iframe", "object", "embed", "base"), tag
        assert "src" not in attrs and "srcset" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or SAFE_LINK.match(href), (tag, href)
        assert "url(" not in (attrs.get("style") or ""), (tag, attrs)
    assert html.count("<style") <= 1


def test_hostile_fact_text_is_shown_never_fetched(listener: Listener, tmp_path: Path) -> None:
    factbase = hostile_factbase(tmp_path / "mini", listener.port)
    out = tmp_path / "out"
    code, output = invoke(
        "build",
        "--facts",
        factbase,
        "--out",
        out,
        "--pdf-variant",
        "ua",
        "--pdf-variant",
        "a3b",
        "-j",
        1,
    )
    assert code == 0, output
    assert listener.requests == []
    for name in ("c2.pdf", "c2.pdfa.pdf"):
        assert_clean((out / name).read_bytes())
    for name in ("c2.html", "c2.fragment.html"):
        html = (out / name).read_text(encoding="utf-8")
        assert_html_clean(html)
        shown = tools.fold_marks(html)  # typography curls the quotes; the words stay
        assert '&lt;img src="file:///etc/passwd"&gt;' in shown  # shown as text
    markdown = (out / "c2.md").read_text(encoding="utf-8")
    assert re.search(r"(?<!\\)<(img|link|script|style|iframe|http)", markdown) is None
    assert re.search(r"(?<!\\)!\[pic\]", markdown) is None
    assert "\\<img src=" in markdown


def test_hostile_user_template_fails_the_pdf_and_keeps_the_previous_one(
    listener: Listener, tmp_path: Path
) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    factbase = tmp_path / "mini" / "factbase"
    out = tmp_path / "out"
    code, output = invoke("build", "--facts", factbase, "--out", out, "-f", "pdf", "-j", 1)
    assert code == 0, output
    previous = (out / "c2.pdf").read_bytes()
    manifest = briefing_outputs(out)
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    for snippet, expected in [
        ('<img alt="" src="http://127.0.0.1:{port}/tpl.png">', "refused to fetch http://"),
        ('<img alt="" src="file:///etc/passwd">', "refused to fetch file:///etc/passwd"),
        ('<a rel="attachment" href="data:text/plain,hello">x</a>', "briefings carry none"),
        ('<link rel="attachment" href="file:///etc/hostname">', "briefings carry none"),
        ('<a href="file:///etc/passwd">x</a>', "only http, https and mailto"),
        ('<img alt="" src="assets/missing.png">', "asset assets/missing.png not found"),
    ]:
        (templates / "_toc.html.j2").write_text(snippet.format(port=listener.port) + "\n")
        code, output = invoke(
            "build", "--facts", factbase, "--out", out, "-f", "pdf", "--templates", templates
        )
        assert code == 3, output
        assert re.search(r"failed\s+c2\.pdf: ", output), output
        assert expected in output, output
        assert (out / "c2.pdf").read_bytes() == previous
        assert briefing_outputs(out) == manifest
        assert [p.name for p in out.glob(".*.tmp")] == []
    assert listener.requests == []


def briefing_outputs(out: Path) -> dict[str, object]:
    """What the manifest records, but for the catalogue and the feed. The catalogue and the feed are
    rendered again whenever the templates folder changes (same bytes, new input digest)."""
    outputs: dict[str, object] = json.loads((out / "manifest.json").read_text())["outputs"]
    site = {"index.html", "index.fragment.html", "feed.xml"}
    return {name: record for name, record in outputs.items() if name not in site}
