"""``report.docx``: the report for Word and LibreOffice (python-docx).

Title and a metadata table; the summary with its citations as ``[mm:ss]`` timestamps (internal links to the cited
lines) and each point's support; the transcript with timestamps and speakers, abbreviations underlined and flagged
lines marked; appendix A lists the abbreviations found with their meanings, appendix B the flagged lines.
Page numbers are in the footer. All text goes through python-docx, which escapes it; control characters that XML
cannot hold are removed in ``report_data``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_UNDERLINE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from notulist.reports.data import LineView, ReportInput, ReportView, build_view

_R, _RPR, _RSTYLE, _T, _VAL = qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t"), qn("w:val")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
GREY = RGBColor(0x5B, 0x63, 0x6D)
RED = RGBColor(0xB3, 0x26, 0x1E)
GREEN = RGBColor(0x1E, 0x6B, 0x34)
BLUE = RGBColor(0x0B, 0x5C, 0xAD)
SPEAKER_COLOURS = (
    RGBColor(0x0B, 0x5C, 0xAD),
    RGBColor(0xA4, 0x26, 0x2C),
    RGBColor(0x1E, 0x6B, 0x34),
    RGBColor(0x7A, 0x3E, 0x9D),
    RGBColor(0x8A, 0x5A, 0x00),
    RGBColor(0x00, 0x6D, 0x77),
    RGBColor(0x5C, 0x2D, 0x91),
    RGBColor(0x4A, 0x4A, 0x4A),
)


def _bookmark_name(segment_id: str) -> str:
    # Word bookmark names: a letter first, letters/digits/underscores, at most 40 characters.
    safe = "".join(c if c.isascii() and c.isalnum() else "_" for c in segment_id)
    return f"seg_{safe}"[:40]


def _add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _add_internal_link(paragraph: Paragraph, text: str, anchor: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = paragraph.add_run(text)
    run.font.color.rgb = BLUE
    run.font.underline = True
    link.append(run._r)
    paragraph._p.append(link)


def _add_page_number_footer(document: DocumentType, prefix: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    run = paragraph.add_run(prefix)
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    paragraph._p.append(field)


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: RGBColor | None = None,
    size: float | None = None,
) -> Run:
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if colour is not None:
        run.font.color.rgb = colour
    if size is not None:
        run.font.size = Pt(size)
    return run


def _table(
    document: DocumentType, header: Iterable[str] | None, rows: Iterable[Iterable[str]], widths_cm: tuple[float, ...]
) -> Table:
    table = document.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    table.autofit = False
    if header is not None:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = ""
            _run(cell.paragraphs[0], text, bold=True)
        _repeat_header(table)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    return table


def _repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _metadata(document: DocumentType, view: ReportView) -> None:
    labels = view.labels
    rows = [*view.metadata, *((f"{labels['models']}: {role}", text) for role, text in view.models)]
    if view.speakers:
        names = ", ".join(name if name == sid else f"{name} ({sid})" for sid, name in view.speakers)
        rows.append((labels["speakers"], names))
    table = _table(document, None, rows, (4.2, 12.8))
    for row in table.rows:
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True


def _summary(document: DocumentType, view: ReportView, anchors: dict[str, str]) -> None:
    labels = view.labels
    document.add_heading(labels["summary"], level=1)
    summary = view.summary
    if summary is None:
        _run(document.add_paragraph(), labels["no_summary"], italic=True, colour=GREY)
        return
    paragraph = document.add_paragraph()
    _run(paragraph, f"{labels['source_transparency']}: {summary.source_transparency_label}", bold=True)
    text = labels["points_supported"].format(supported=summary.supported_count, total=len(summary.points))
    _run(
        paragraph,
        f" ({text}; {labels['method']} {summary.method}{', ' + summary.model if summary.model else ''})",
        colour=GREY,
    )
    for problem in summary.problems:
        _run(document.add_paragraph(), f"{labels['summary_problems']}: {problem}", italic=True, colour=RED)
    for point in summary.points:
        paragraph = document.add_paragraph(style="List Number")
        _run(paragraph, f"{point.kind_label}: ", bold=True)
        _run(paragraph, point.text)
        extra = [
            f"{labels['owner']}: {point.owner}" if point.owner else "",
            f"{labels['due']}: {point.due}" if point.due else "",
        ]
        if any(extra):
            _run(paragraph, f" ({'; '.join(e for e in extra if e)})", colour=GREY)
        paragraph.add_run(" ")
        for citation in point.citations:
            if citation.start is not None and citation.segment_id in anchors:
                _add_internal_link(paragraph, f"[{citation.label}]", anchors[citation.segment_id])
            else:
                _run(paragraph, f"[{citation.label}]", colour=RED)
            paragraph.add_run(" ")
        if point.supported:
            _run(paragraph, f"{labels['supported']} ({point.support_label})", italic=True, colour=GREEN, size=9)
        else:
            _run(paragraph, f"{labels['unsupported']} ({point.support_label})", bold=True, colour=RED, size=9)


@dataclass(frozen=True)
class _LineStyles:
    """Character styles of transcript lines: set once, so a long transcript stays quick to write (and restylable)."""

    time: BaseStyle
    speakers: tuple[BaseStyle, ...]
    no_speaker: BaseStyle
    abbreviation: BaseStyle
    flag: BaseStyle


def _character_style(
    document: DocumentType,
    name: str,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: RGBColor | None = None,
    size: float | None = None,
    underline: WD_UNDERLINE | None = None,
) -> BaseStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.font.bold = bold or None
    style.font.italic = italic or None
    if colour is not None:
        style.font.color.rgb = colour
    if size is not None:
        style.font.size = Pt(size)
    if underline is not None:
        style.font.underline = underline
    return style


def _styled_run(paragraph: Paragraph, text: str, style: BaseStyle | None) -> None:
    """``<w:r><w:rPr><w:rStyle/></w:rPr><w:t>text</w:t></w:r>`` appended to ``paragraph``.

    The same XML ``paragraph.add_run(text, style)`` writes, built directly: python-docx looks the style up in the
    whole style sheet and searches each element's children on every call, too slow for thousands of lines.
    """
    run = etree.SubElement(paragraph._p, _R)
    if style is not None:
        properties = etree.SubElement(run, _RPR)
        etree.SubElement(properties, _RSTYLE).set(_VAL, style.style_id)
    element = etree.SubElement(run, _T)
    element.set(_XML_SPACE, "preserve")
    element.text = text


def _line_styles(document: DocumentType) -> _LineStyles:
    return _LineStyles(
        time=_character_style(document, "Notulist Time", colour=GREY),
        speakers=tuple(
            _character_style(document, f"Notulist Speaker {i + 1}", bold=True, colour=colour)
            for i, colour in enumerate(SPEAKER_COLOURS)
        ),
        no_speaker=_character_style(document, "Notulist Unknown Speaker", bold=True, colour=GREY),
        abbreviation=_character_style(document, "Notulist Abbreviation", underline=WD_UNDERLINE.DOTTED),
        flag=_character_style(document, "Notulist Flag", italic=True, colour=RED, size=9),
    )


def _line(
    document: DocumentType, view: ReportView, line: LineView, anchor: str, bookmark_id: int, styles: _LineStyles
) -> None:
    paragraph = document.add_paragraph()
    _add_bookmark(paragraph, anchor, bookmark_id)
    _styled_run(paragraph, f"[{line.start_label}] ", styles.time)
    speaker = styles.speakers[line.speaker_index % len(styles.speakers)] if line.speaker_index >= 0 else None
    _styled_run(paragraph, f"{line.speaker_name or view.labels['unknown_speaker']}: ", speaker or styles.no_speaker)
    for piece in line.pieces:
        _styled_run(paragraph, piece.text, styles.abbreviation if piece.entry else None)
    for flag in line.flags:
        _styled_run(paragraph, f"  \u26a0 {flag.label}", styles.flag)


def render_docx(report: ReportInput) -> bytes:
    """The report as a .docx file."""
    view = build_view(report)
    labels = view.labels
    document = Document()
    properties = document.core_properties
    properties.title = view.title[:255]
    properties.author = "notulist"
    properties.subject = labels["report"]
    properties.language = view.language
    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)

    _add_page_number_footer(document, f"{view.title} \u00b7 {labels['page']} ")
    document.add_heading(view.title, level=0)
    _metadata(document, view)

    anchors = {line.id: _bookmark_name(line.id) for line in view.lines}
    _summary(document, view, anchors)

    document.add_heading(labels["transcript"], level=1)
    styles = _line_styles(document)
    for number, line in enumerate(view.lines, start=1):
        _line(document, view, line, anchors[line.id], number, styles)

    heading = document.add_heading(f"{labels['appendix']} A. {labels['abbreviations']}", level=1)
    heading.paragraph_format.page_break_before = True
    if view.entries:
        rows = []
        for entry in view.entries:
            source = "; ".join(
                part
                for part in (
                    f"{labels['domain']}: {entry.domain}" if entry.domain else "",
                    entry.source,
                    entry.url or "",
                )
                if part
            )
            where = " ".join(f"[{label}]" for _, label in entry.occurrences)
            rows.append((entry.abbreviation, entry.expansion, entry.description, source, where))
        header = (
            labels["abbreviation"],
            labels["expansion"],
            labels["description"],
            labels["source"],
            labels["occurs"],
        )
        _table(document, header, rows, (2.6, 3.6, 5.2, 3.6, 2.0))
    else:
        _run(document.add_paragraph(), labels["no_abbreviations"], italic=True, colour=GREY)

    heading = document.add_heading(f"{labels['appendix']} B. {labels['flagged']}", level=1)
    heading.paragraph_format.page_break_before = True
    if view.flagged:
        rows = [
            (
                f"[{line.start_label}]",
                line.speaker_name or labels["unknown_speaker"],
                line.text,
                "\n".join(f"{f.label}: {f.evidence}" if f.evidence else f.label for f in line.flags),
            )
            for line in view.flagged
        ]
        _table(
            document, (labels["time"], labels["speaker"], labels["text"], labels["reason"]), rows, (1.9, 3.0, 6.2, 5.9)
        )
    else:
        _run(document.add_paragraph(), labels["no_flags"], italic=True, colour=GREY)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
