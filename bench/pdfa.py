"""Both PDF variants against one: three ways to get the PDF/A-3b file from one layout.

    .venv/bin/python bench/pdfa.py            # 3 rounds over the shipped briefings
    .venv/bin/python bench/pdfa.py --rounds 1

Per briefing, in this process, after a warm-up: the layout (`HTML.render`), the PDF/UA-1
write, then the PDF/A-3b file made three ways, rounds interleaved:
- `second write`  WeasyPrint's `write_pdf(pdf_variant="pdf/a-3b")` on the same layout (what
                  briefing did before issue 15): pages painted, fonts subset, every stream
                  compressed a second time; untagged;
- `(a) shared`    one `write_pdf`, whose finisher serialises the PDF/UA file, then turns the
                  same pydyf objects into the PDF/A file (output intent, XMP, print flags)
                  for WeasyPrint to serialise again: painting, font subsets and the tag tree
                  shared, serialisation and compression not;
- `(b) derived`   `briefing.render.pdfa.pdfa_from_ua` on the PDF/UA bytes: qpdf copies the
                  pages, fonts and tags, and rewrites the catalog and the XMP.
Prints CPU seconds summed over the briefings (median of the rounds), each way's ratio
(layout + UA + PDF/A) / (layout + UA), and what pikepdf's PDF/A-3b validator says of its
files (violations, tagged or not, same bytes twice).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UA, A3B = "pdf/ua-1", "pdf/a-3b"


def shared_write(document: Any, pdf_id: bytes, icc: bytes) -> tuple[bytes, bytes]:
    """(a): one `generate_pdf`, serialised twice by pydyf (a prototype, not shipped)."""
    import pydyf

    captured: dict[str, bytes] = {}

    def finisher(doc: Any, pdf: Any) -> None:
        count = len(pdf.objects)
        out = io.BytesIO()
        pdf.write(out, b"1.7", pdf_id, compress=True)
        captured["ua"] = out.getvalue()
        del pdf.objects[count:]  # the info, object stream and xref stream `write` appended
        pdf.current_position, pdf.xref_position = 0, None
        profile = pydyf.Stream([icc], pydyf.Dictionary({"N": 3}), compress=True)
        pdf.add_object(profile)
        intent = pydyf.Dictionary(
            {
                "Type": "/OutputIntent",
                "S": "/GTS_PDFA1",
                "OutputConditionIdentifier": pydyf.String("sRGB IEC61966-2.1"),
                "Info": pydyf.String("sRGB IEC61966-2.1"),
                "DestOutputProfile": profile.reference,
            }
        )
        pdf.catalog["OutputIntents"] = pydyf.Array([intent])
        doc.metadata.include_in_pdf(pdf, "a", 3, "B", True)  # a new XMP packet, PDF/A-3b
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/Annot":
                obj["F"] = 4

    pdfa = document.write_pdf(pdf_variant=UA, pdf_identifier=pdf_id, finisher=finisher)
    return captured["ua"], pdfa


def cpu(action: Callable[[], Any]) -> tuple[Any, float]:
    begun = time.process_time()
    result = action()
    return result, time.process_time() - begun


def verdict(pdf: bytes) -> str:
    import pikepdf
    import pikepdf.pdfa

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        report = pikepdf.pdfa.validate_written(Path(handle.name), "3b")
        with pikepdf.open(handle.name) as opened:
            tagged = "/StructTreeRoot" in opened.Root
    return f"{len(report.violations)} violations, {'tagged' if tagged else 'untagged'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from briefing.render.markdown import render_markdown
    from briefing.render.pdf import _fetcher_class, _srgb_profile, pdf_html
    from briefing.render.pdfa import pdfa_from_ua
    from briefing.resources import ASSETS
    from briefing.validation import load_valid

    fb, _ = load_valid(ROOT / "factbase")
    htmls = {b.id: pdf_html(render_markdown(fb, b)) for b in fb.briefings}
    icc = _srgb_profile()

    def layout(html: str) -> Any:
        fetcher = _fetcher_class()(ASSETS)
        return HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=FontConfiguration()
        )

    keys = ("layout", "ua", "second write", "(a) shared", "(b) derived")
    rounds: list[dict[str, float]] = []
    outputs: dict[str, list[bytes]] = {k: [] for k in keys[2:]}
    first = next(iter(htmls.values()))
    shared_write(layout(first), b"0" * 32, icc)  # warm-up: fonts, imports, caches
    pdfa_from_ua(layout(first).write_pdf(pdf_variant=UA), icc)
    same_ua = True
    for number in range(args.rounds):
        totals = dict.fromkeys(keys, 0.0)
        for doc_id, html in htmls.items():
            pdf_id = doc_id.encode().ljust(32, b"0")[:32]
            document, spent = cpu(lambda h=html: layout(h))
            totals["layout"] += spent
            ua, ua_spent = cpu(
                lambda d=document, i=pdf_id: d.write_pdf(pdf_variant=UA, pdf_identifier=i)
            )
            totals["ua"] += ua_spent
            (ua_again, shared), spent = cpu(lambda d=document, i=pdf_id: shared_write(d, i, icc))
            totals["(a) shared"] += spent - ua_spent  # what it adds to the UA write
            same_ua &= ua_again == ua
            derived, spent = cpu(lambda u=ua: pdfa_from_ua(u, icc))
            totals["(b) derived"] += spent
            # last: WeasyPrint's PDF/A write adds an sRGB profile to the document
            second, spent = cpu(
                lambda d=document, i=pdf_id: d.write_pdf(pdf_variant=A3B, pdf_identifier=i)
            )
            totals["second write"] += spent
            if number < 2:
                outputs["second write"].append(second)
                outputs["(a) shared"].append(shared)
                outputs["(b) derived"].append(derived)
        rounds.append(totals)
        print(f"round {number + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in totals.items()))
    med = {k: statistics.median(r[k] for r in rounds) for k in keys}
    one = med["layout"] + med["ua"]
    print(f"\n{len(htmls)} briefings, CPU seconds summed, median of {len(rounds)} round(s)")
    print(f"  (a) wrote the same PDF/UA bytes as a plain write: {'yes' if same_ua else 'no'}")
    print(
        f"  layout {med['layout']:.2f} s + PDF/UA write {med['ua']:.2f} s = one variant {one:.2f} s"
    )
    for key in keys[2:]:
        extra = med[key]
        both = one + extra
        docs = outputs[key]
        same = len(docs) < 2 * len(htmls) or docs[: len(htmls)] == docs[len(htmls) :]
        print(
            f"  {key:<13} PDF/A +{extra:.2f} s  both / one = {both / one:.3f}x  "
            f"(target <= 1.08)  {verdict(docs[0])}; same bytes twice: {'yes' if same else 'no'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
