"""PDF/A-3b made from the bytes of the tagged PDF/UA-1 file. The only module importing pikepdf.

A second `write_pdf` paints every page again, subsets the fonts again and compresses every
stream again: about a fifth of what one PDF costs. Yet the PDF/A-3b file of a briefing
differs from its PDF/UA-1 file only in what the catalog and the metadata say, so it is made
from those bytes instead, with qpdf copying pages, fonts and the tag tree as they are:
- the XMP declares PDF/A-3 level B (`pdfaid:part`, `pdfaid:conformance`); the PDF/UA
  identification (`pdfuaid:part`) is dropped, since PDF/A-3b permits no XMP property outside
  its predefined schemas, but the tags stay: MarkInfo, the StructTreeRoot, /Lang, alt texts;
- an OutputIntent (GTS_PDFA1) with an sRGB ICC profile gives device RGB its meaning;
- every annotation (WeasyPrint's links) is printed and shown: Print set, Hidden clear;
- the file ID is derived from the content (qpdf's deterministic ID), so the same UA bytes
  always give the same PDF/A bytes.
WeasyPrint writes neither encryption nor JavaScript, and PDF/A-3 permits transparency.
"""

from __future__ import annotations

import io

import pikepdf

_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_SRGB = "sRGB IEC61966-2.1"  # the profile's name in the ICC registry
# Annotation flags (ISO 32000-1, 12.5.3): PDF/A wants Print set, Invisible/Hidden/NoView clear.
_PRINT = 4
_NOT_SHOWN = 1 | 2 | 32


def pdfa_from_ua(ua: bytes, srgb_profile: bytes) -> bytes:
    """The PDF/A-3b version of a PDF/UA-1 file written by WeasyPrint, in one pass of qpdf."""
    with pikepdf.open(io.BytesIO(ua)) as pdf:
        _declare_pdfa(pdf)
        _add_output_intent(pdf, srgb_profile)
        _print_annotations(pdf)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,  # the same input bytes give the same output bytes
            object_stream_mode=pikepdf.ObjectStreamMode.preserve,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,  # copy streams, no recompression
        )
        return out.getvalue()


def _declare_pdfa(pdf: pikepdf.Pdf) -> None:
    """PDF/A-3b identification in the XMP packet; nothing else changes (no pikepdf mark, no
    metadata date: the output must not depend on the clock)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        if f"{{{_PDFUAID}}}part" in xmp:
            del xmp[f"{{{_PDFUAID}}}part"]
        xmp[f"{{{_PDFAID}}}part"] = "3"
        xmp[f"{{{_PDFAID}}}conformance"] = "B"


def _add_output_intent(pdf: pikepdf.Pdf, srgb_profile: bytes) -> None:
    """The one PDF/A output intent, with an sRGB profile (the colours WeasyPrint writes)."""
    profile = pdf.make_stream(srgb_profile, N=3)
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String(_SRGB),
        Info=pikepdf.String(_SRGB),
        DestOutputProfile=profile,
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])


def _print_annotations(pdf: pikepdf.Pdf) -> None:
    """Every annotation (WeasyPrint's links) is printed and shown, as PDF/A requires."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            flags = int(annotation.get("/F", 0))
            annotation.F = (flags | _PRINT) & ~_NOT_SHOWN
