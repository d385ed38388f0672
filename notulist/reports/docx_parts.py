"""Building blocks for ``report.docx`` (python-docx): styles, runs, tables, bookmarks and links, footer, language.

Everything written goes through python-docx or lxml, which escape it; control characters that XML cannot hold are
removed in ``reports.text.clean_text`` before they get here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_UNDERLINE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

_R, _RPR, _RSTYLE, _T, _VAL = qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t"), qn("w:val")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
GREY = RGBColor(0x5B, 0x63, 0x6D)
RED = RGBColor(0xB3, 0x26, 0x1E)
GREEN = RGBColor(0x1E, 0x6B, 0x34)
BLUE = RGBColor(0x0B, 0x5C, 0xAD)
AMBER = RGBColor(0x8A, 0x5A, 0x00)
UNCERTAIN_FILL = "FFE8A3"  # the shade of uncertain words (also in report.css)
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


def bookmark_name(segment_id: str) -> str:
    # Word bookmark names: a letter first, letters/digits/underscores, at most 40 characters.
    safe = "".join(c if c.isascii() and c.isalnum() else "_" for c in segment_id)
    return f"seg_{safe}"[:40]


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def add_internal_link(paragraph: Paragraph, text: str, anchor: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = paragraph.add_run(text)
    run.font.color.rgb = BLUE
    run.font.underline = True
    link.append(run._r)
    paragraph._p.append(link)


def _field(paragraph: Paragraph, instruction: str, size: float) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size_element = OxmlElement("w:sz")
    size_element.set(qn("w:val"), str(int(size * 2)))
    properties.append(size_element)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def add_page_footer(document: DocumentType, left: str, page_of: str) -> None:
    """``left`` text and "pagina {page} van {pages}" (PAGE and NUMPAGES fields) in every page's footer."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(16.6), WD_TAB_ALIGNMENT.RIGHT)
    text_run(paragraph, f"{left}\t", colour=GREY, size=8)
    before, _, rest = page_of.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    text_run(paragraph, before, colour=GREY, size=8)
    _field(paragraph, "PAGE", 8)
    text_run(paragraph, middle, colour=GREY, size=8)
    _field(paragraph, "NUMPAGES", 8)
    if after:
        text_run(paragraph, after, colour=GREY, size=8)


def text_run(
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


def add_table(
    document: DocumentType,
    header: Iterable[str] | None,
    rows: Iterable[Iterable[str]],
    widths_cm: tuple[float, ...],
    borders: bool = True,
) -> Table:
    """A table with fixed column widths; a bold, shaded header row repeated on every page."""
    table = document.add_table(rows=0, cols=len(widths_cm))
    if borders and "Table Grid" in [s.name for s in document.styles]:
        table.style = "Table Grid"
    table.autofit = False
    if header is not None:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = ""
            text_run(cell.paragraphs[0], text, bold=True)
            shade_cell(cell, "E8ECF1")
        repeat_header(table)
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


def shade_cell(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


@dataclass(frozen=True)
class LineStyles:
    """Character styles of transcript lines: set once, so a long transcript stays quick to write (and restylable)."""

    time: BaseStyle
    speakers: tuple[BaseStyle, ...]
    no_speaker: BaseStyle
    abbreviation: BaseStyle
    flag: BaseStyle
    uncertain: BaseStyle
    gap: BaseStyle


def character_style(
    document: DocumentType,
    name: str,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: RGBColor | None = None,
    size: float | None = None,
    underline: WD_UNDERLINE | None = None,
) -> BaseStyle:
    if name in [s.name for s in document.styles]:  # an organisation's template may define it: theirs wins
        return document.styles[name]
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


def styled_run(paragraph: Paragraph, text: str, style: BaseStyle | None) -> None:
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


def line_styles(document: DocumentType) -> LineStyles:
    return LineStyles(
        time=character_style(document, "Notulist Time", colour=GREY),
        speakers=tuple(
            character_style(document, f"Notulist Speaker {i + 1}", bold=True, colour=colour)
            for i, colour in enumerate(SPEAKER_COLOURS)
        ),
        no_speaker=character_style(document, "Notulist Unknown Speaker", bold=True, colour=GREY),
        abbreviation=character_style(document, "Notulist Abbreviation", underline=WD_UNDERLINE.DOTTED),
        flag=character_style(document, "Notulist Flag", italic=True, colour=RED, size=9),
        uncertain=shaded_style(document, "Notulist Onzeker", UNCERTAIN_FILL),
        gap=character_style(document, "Notulist Niet uitgeschreven", italic=True, colour=RED),
    )


def shaded_style(document: DocumentType, name: str, fill: str) -> BaseStyle:
    """A character style with a background shade and a dashed underline (visible on screen and on paper)."""
    style = character_style(document, name, underline=WD_UNDERLINE.DASH)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    style.element.get_or_add_rPr().append(shading)
    return style


def set_language(document: DocumentType, language: str) -> None:
    """Mark the whole document as written in ``language`` (e.g. nl-NL), so Word checks the right spelling."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    for element in list(properties.findall(qn("w:lang"))):
        properties.remove(element)
    lang = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)
    properties.append(lang)
    for style in document.styles:  # styles that name a language of their own (the template's en-US) follow
        rpr = style.element.find(qn("w:rPr"))
        if rpr is not None:
            for element in rpr.findall(qn("w:lang")):
                for attribute in ("w:val", "w:eastAsia", "w:bidi"):
                    element.set(qn(attribute), language)


def set_core_properties(document: DocumentType, title: str, subject: str, language: str, author: str) -> None:
    """True metadata: created and modified now, this title and language; an author only when one was given."""
    now = datetime.now(UTC).replace(microsecond=0)
    properties = document.core_properties
    properties.title = title[:255]
    properties.subject = subject[:255]
    properties.language = language
    properties.author = author[:255]
    properties.last_modified_by = author[:255]
    properties.comments = ""
    properties.keywords = ""
    properties.category = ""
    properties.created = now
    properties.modified = now
    properties.revision = 1


def add_unknown_abbreviations(document: DocumentType, labels, unknown) -> None:
    """The appendix "Onbekende afkortingen": acronyms in the context documents the glossary lacks, each with the
    one-line command (in a monospaced font, to copy) that adds it to the user's own glossary."""
    text_run(document.add_paragraph(), labels["unknown_abbreviations_hint"], italic=True, colour=GREY)
    header = ("abbreviation", "expansion", "mentions", "in_documents", "add_command")
    rows = [(u.abbreviation, u.expansion, str(u.count), u.documents, u.add) for u in unknown]
    table = add_table(document, [labels[key] for key in header], rows, (2.4, 4.9, 1.9, 2.6, 4.8))
    for row in table.rows[1:]:
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True
        for run in row.cells[4].paragraphs[0].runs:
            run.font.name, run.font.size = "Courier New", Pt(8)
