"""``report.docx`` (and the shareable ``minutes.docx``): minutes for Word and LibreOffice, built from the report view.

Page 1 reads like Dutch government minutes: the kind of document and its status, the title, a heading table (date,
time, place, kenmerk, status, who was there in what role), then the sections of the template: agenda, discussion,
the besluitenlijst (numbered decisions), the actielijst (number, action, owner, deadline, status), open questions.
Every point cites its lines as ``[mm:ss]`` links to bookmarks on the transcript lines and says whether they support
it; a point on doubtful lines says which line to listen to again. The transcript follows (uncertain words shaded,
flagged lines marked, a legend above it), then the appendices that have content: abbreviations, flagged lines,
untranscribed speech and the "Verantwoording" (hashes, models, settings; no local paths). The document language is
the transcript's (nl-NL), the core properties are true (created now, the title, an author only when one was given),
and every page's footer says "pagina x van y". ``share=True`` leaves the transcript and its links out: minutes to
send on, without the recording. An organisation's ``NAME.docx`` template is used as the base document.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from docx import Document
from docx.document import Document as DocumentType
from docx.shared import Cm, Pt

from notulist.reports import docx_parts as parts
from notulist.reports.data import LineView, PointView, ReportInput, ReportView, build_view

_LANGUAGES = {"nl": "nl-NL", "en": "en-GB", "de": "de-DE", "fr": "fr-FR"}
_KIND_OF_SECTION = {"discussion": "topic", "decisions": "decision", "actions": "action", "questions": "question"}
_NUMBER_PREFIX = {"decision": "B", "action": "A"}


def _new_document(view: ReportView) -> DocumentType:
    template = view.template.docx
    document = Document(str(template)) if template is not None else Document()
    if template is not None:  # an organisation's document: keep its styles, headers and footers, not its body
        body = document.element.body
        for child in list(body):
            if child.tag != parts.qn("w:sectPr"):
                body.remove(child)
    else:
        for section in document.sections:
            section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
            section.left_margin = section.right_margin = Cm(2.2)
            section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        normal = document.styles["Normal"]
        normal.font.name = "Liberation Sans"
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(4)
    language = _LANGUAGES.get(view.language.split("-")[0].lower(), view.language or "nl-NL")
    parts.set_language(document, language)
    parts.set_core_properties(document, view.title, view.kind_title, language, view.author)
    if template is None:
        parts.add_page_footer(document, f"{view.title} \u00b7 {view.kind_title}", view.labels["page_of"])
    return document


def _heading(document: DocumentType, view: ReportView) -> None:
    labels = view.labels
    kind = document.add_paragraph()
    parts.text_run(kind, view.kind_title.upper(), bold=True, colour=parts.GREY, size=9)
    if view.status:
        status = labels.get(f"status.{view.status}", view.status).upper()
        parts.text_run(
            kind, f"   {status}", bold=True, colour=parts.RED if view.status != "definitief" else parts.GREEN, size=9
        )
    document.add_heading(view.title, level=0)
    rows = list(view.heading)
    if "participants" in view.template.sections and view.participants:
        present = ", ".join(f"{p.name} ({p.role})" if p.role else p.name for p in view.participants)
        rows.append((labels["present"], present))
        if view.absent:
            rows.append((labels["absent"], ", ".join(view.absent)))
    if rows:
        table = parts.add_table(document, None, rows, (3.0, 13.6), borders=False)
        for row in table.rows:
            for run in row.cells[0].paragraphs[0].runs:
                run.bold = True


def _citations(paragraph, point: PointView, view: ReportView, anchors: Mapping[str, str]) -> None:
    labels = view.labels
    for citation in point.citations:
        if not view.share and citation.start is not None and citation.segment_id in anchors:
            parts.add_internal_link(paragraph, f"[{citation.label}]", anchors[citation.segment_id])
        else:
            parts.text_run(
                paragraph, f"[{citation.label}]", colour=parts.GREY if citation.start is not None else parts.RED
            )
        paragraph.add_run(" ")
    if point.doubt_label:
        parts.text_run(paragraph, f"{point.doubt_label} ", bold=True, colour=parts.AMBER, size=9)
    if point.verdict == "supported":
        parts.text_run(
            paragraph, f"{labels['supported']} ({point.support_label})", italic=True, colour=parts.GREEN, size=9
        )
    elif point.verdict == "doubtful":
        parts.text_run(
            paragraph,
            f"{labels['supported_on_doubt']} ({point.support_label})",
            italic=True,
            colour=parts.AMBER,
            size=9,
        )
    else:
        parts.text_run(
            paragraph, f"{labels['unsupported']} ({point.support_label})", bold=True, colour=parts.RED, size=9
        )


def _point_paragraph(document: DocumentType, point: PointView, number: str, view, anchors, indent=0.0) -> None:
    labels = view.labels
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(1.0 + indent)
    paragraph.paragraph_format.first_line_indent = Cm(-1.0)
    parts.text_run(paragraph, f"{number}\t" if number else "\u2022\t", bold=bool(number))
    parts.text_run(paragraph, point.text)
    extra = [
        f"{labels['owner']}: {point.owner}" if point.owner else "",
        f"{labels['due']}: {point.due}" if point.due else "",
    ]
    if any(extra):
        parts.text_run(paragraph, f" ({'; '.join(e for e in extra if e)})", colour=parts.GREY)
    paragraph.add_run(" ")
    _citations(paragraph, point, view, anchors)


def _action_table(document: DocumentType, points: tuple[PointView, ...], view: ReportView, anchors) -> None:
    labels = view.labels
    header = (
        labels["number"],
        labels["action"],
        labels["owner"].capitalize(),
        labels["due"].capitalize(),
        labels["action_status"],
        labels["cites"].capitalize(),
    )
    rows = [(f"A{n}", p.text, p.owner, p.due, labels["action_open"], "") for n, p in enumerate(points, start=1)]
    table = parts.add_table(document, header, rows, (1.2, 5.6, 2.8, 2.4, 1.8, 2.8))
    for row, point in zip(table.rows[1:], points, strict=True):
        cell = row.cells[5].paragraphs[0]
        _citations(cell, point, view, anchors)


def _points_section(document: DocumentType, section: str, view: ReportView, anchors) -> None:
    kind = _KIND_OF_SECTION[section]
    points = view.section_points(kind)
    if not points:
        return
    document.add_heading(view.labels[section], level=1)
    if kind == "action":
        _action_table(document, points, view, anchors)
        return
    for number, point in enumerate(points, start=1):
        prefix = f"{_NUMBER_PREFIX[kind]}{number}" if kind in _NUMBER_PREFIX else ""
        _point_paragraph(document, point, prefix, view, anchors)


def _transparency(document: DocumentType, view: ReportView) -> None:
    labels, summary = view.labels, view.summary
    if summary is None:
        parts.text_run(document.add_paragraph(), labels["no_summary"], italic=True, colour=parts.GREY)
        return
    for problem in summary.problems:
        parts.text_run(
            document.add_paragraph(), f"{labels['summary_problems']}: {problem}", italic=True, colour=parts.RED
        )
    if not summary.points:
        return
    paragraph = document.add_paragraph()
    parts.text_run(
        paragraph, f"{labels['source_transparency']}: {summary.source_transparency_label}", bold=True, size=9
    )
    text = labels["points_supported"].format(supported=summary.supported_count, total=len(summary.points))
    if summary.doubtful_count:
        text += "; " + labels["points_on_doubt"].format(count=summary.doubtful_count)
    model = f", {summary.model}" if summary.model else ""
    parts.text_run(paragraph, f" ({text}; {labels['method']} {summary.method}{model})", colour=parts.GREY, size=9)


def _simple_sections(document: DocumentType, section: str, view: ReportView, anchors) -> None:
    labels = view.labels
    if section == "agenda" and view.agenda:
        document.add_heading(labels["agenda"], level=1)
        for item in view.agenda:
            parts.text_run(document.add_paragraph(), f"{item.number}.  {item.text}", bold=bool(item.points))
            for point in item.points:
                _point_paragraph(document, point, point.ref, view, anchors, indent=1.0)
    elif section == "caution" and view.caution:
        document.add_heading(labels["caution"], level=1)
        for line in view.caution:
            paragraph = document.add_paragraph()
            if view.share:
                parts.text_run(paragraph, f"[{line.start_label}] ", colour=parts.GREY)
            else:
                parts.add_internal_link(paragraph, f"[{line.start_label}]", anchors[line.id])
            parts.text_run(paragraph, f" {line.speaker_name or labels['unknown_speaker']}: ", bold=True)
            parts.text_run(paragraph, line.text)
    elif section == "confirmation":
        document.add_heading(labels["confirmation"], level=1)
        names = ", ".join(p.name for p in view.participants) or "..."
        parts.text_run(document.add_paragraph(), labels["confirmation_text"].format(names=names))
        rows = [(f"{p.name} ({p.role})" if p.role else p.name, "", "") for p in view.participants]
        table = parts.add_table(
            document, (labels["signed_name"], labels["signed_date"], labels["signature"]), rows, (6.6, 3.5, 6.5)
        )
        for row in table.rows[1:]:
            row.height = Cm(1.2)


def _minutes(document: DocumentType, view: ReportView, anchors, styles) -> None:
    """The template's sections in order; the source transparency closes the minutes, before the transcript."""
    transparency_written = False
    for section in view.template.sections:
        if section in _KIND_OF_SECTION:
            _points_section(document, section, view, anchors)
        elif section == "transcript":
            _transparency(document, view)
            transparency_written = True
            if not view.share:
                _transcript(document, view, anchors, styles, appendix=False)
        elif section != "participants":
            _simple_sections(document, section, view, anchors)
    if not transparency_written:
        _transparency(document, view)


def _legend(document: DocumentType, view: ReportView, styles: parts.LineStyles) -> None:
    labels = view.labels
    if not (view.uncertain_words or view.flagged or view.untranscribed):
        return
    paragraph = document.add_paragraph()
    parts.styled_run(paragraph, f"{labels['legend']}: ", None)
    if view.uncertain_words:
        parts.styled_run(paragraph, labels["uncertain"], styles.uncertain)
        parts.styled_run(paragraph, f" {labels['legend_uncertain']}; ", None)
    if view.flagged:
        parts.styled_run(paragraph, "\u26a0", styles.flag)
        parts.styled_run(paragraph, f" {labels['legend_flag']}; ", None)
    if view.untranscribed:
        parts.styled_run(paragraph, "[\u2026]", styles.gap)
        parts.styled_run(paragraph, f" {labels['untranscribed_hint']}", None)


def _line(document: DocumentType, view: ReportView, line: LineView, anchor: str, number: int, styles) -> None:
    paragraph = document.add_paragraph()
    parts.add_bookmark(paragraph, anchor, number)
    parts.styled_run(paragraph, f"[{line.start_label}] ", styles.time)
    speaker = styles.speakers[line.speaker_index % len(styles.speakers)] if line.speaker_index >= 0 else None
    parts.styled_run(
        paragraph, f"{line.speaker_name or view.labels['unknown_speaker']}: ", speaker or styles.no_speaker
    )
    if line.untranscribed and not line.pieces:
        gap = f"[\u2026 {view.labels['flag.untranscribed']}, {line.start_label}\u2013{line.end_label}]"
        parts.styled_run(paragraph, gap, styles.gap)
    for piece in line.pieces:
        style = styles.uncertain if piece.uncertain else styles.abbreviation if piece.entry else None
        parts.styled_run(paragraph, piece.text, style)
    for flag in line.flags:
        if flag.kind != "untranscribed":
            parts.styled_run(paragraph, f"  \u26a0 {flag.label}", styles.flag)


def _transcript(document: DocumentType, view: ReportView, anchors, styles, appendix: bool) -> None:
    labels = view.labels
    title = labels["account"] if view.template.base == "gespreksverslag" else labels["transcript"]
    heading = document.add_heading(title, level=1)
    heading.paragraph_format.page_break_before = appendix
    _legend(document, view, styles)
    for number, line in enumerate(view.lines, start=1):
        _line(document, view, line, anchors[line.id], number, styles)


def _appendix_heading(document: DocumentType, view: ReportView, letter: str, title: str) -> None:
    heading = document.add_heading(f"{view.labels['appendix']} {letter}. {title}", level=1)
    heading.paragraph_format.page_break_before = True


def _abbreviations(document: DocumentType, view: ReportView) -> None:
    labels = view.labels
    rows = []
    for entry in view.entries:
        domain = f"{labels['domain']}: {entry.domain}" if entry.domain else ""
        source = "; ".join(part for part in (domain, entry.source, entry.url or "") if part)
        where = " ".join(f"[{label}]" for _, label in entry.occurrences)
        rows.append((entry.abbreviation, entry.expansion, entry.description, source, where))
    header = (labels["abbreviation"], labels["expansion"], labels["description"], labels["source"], labels["occurs"])
    parts.add_table(document, header, rows, (2.6, 3.6, 5.0, 3.4, 2.0))


def _flagged(document: DocumentType, view: ReportView) -> None:
    labels = view.labels
    rows = [
        (
            f"[{line.start_label}]",
            line.speaker_name or labels["unknown_speaker"],
            line.text,
            "\n".join(f"{f.label}: {f.evidence}" if f.evidence else f.label for f in line.flags),
        )
        for line in view.flagged
    ]
    header = (labels["time"], labels["speaker"], labels["text"], labels["reason"])
    parts.add_table(document, header, rows, (1.9, 3.0, 6.0, 5.7))


def _untranscribed(document: DocumentType, view: ReportView) -> None:
    labels = view.labels
    parts.text_run(document.add_paragraph(), labels["untranscribed_hint"], italic=True, colour=parts.GREY)
    rows = [
        (
            f"[{line.start_label}\u2013{line.end_label}]",
            line.speaker_name or labels["unknown_speaker"],
            "; ".join(f.evidence for f in line.flags if f.evidence),
        )
        for line in view.untranscribed
    ]
    parts.add_table(document, (labels["time"], labels["speaker"], labels["reason"]), rows, (3.0, 3.6, 10.0))


def _accountability(document: DocumentType, view: ReportView) -> None:
    parts.text_run(document.add_paragraph(), view.labels["accountability_intro"], italic=True, colour=parts.GREY)
    table = parts.add_table(document, None, view.metadata, (4.6, 12.0))
    for row in table.rows:
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True


def _appendices(document: DocumentType, view: ReportView, anchors, styles) -> None:
    labels = view.labels
    sections = []
    if "transcript" not in view.template.sections and not view.share:
        sections.append((labels["transcript_appendix"], lambda: _legend_and_lines(document, view, anchors, styles)))
    if view.entries:
        sections.append((labels["abbreviations"], lambda: _abbreviations(document, view)))
    if view.flagged and not view.share:
        sections.append((labels["flagged"], lambda: _flagged(document, view)))
    if view.untranscribed and not view.share:
        sections.append((labels["untranscribed"], lambda: _untranscribed(document, view)))
    if view.unknown_abbreviations:
        sections.append(
            (
                labels["unknown_abbreviations"],
                lambda: parts.add_unknown_abbreviations(document, labels, view.unknown_abbreviations),
            )
        )
    sections.append((labels["accountability"], lambda: _accountability(document, view)))
    for letter, (title, write) in zip("ABCDEFGH", sections, strict=False):
        _appendix_heading(document, view, letter, title)
        write()


def _legend_and_lines(document: DocumentType, view: ReportView, anchors, styles) -> None:
    _legend(document, view, styles)
    for number, line in enumerate(view.lines, start=1):
        _line(document, view, line, anchors[line.id], number, styles)


def render_docx(report: ReportInput) -> bytes:
    """The report as a .docx file (``report.share``: the minutes to send on, without transcript or recording)."""
    view = build_view(report)
    document = _new_document(view)
    styles = parts.line_styles(document)
    anchors = {line.id: parts.bookmark_name(line.id) for line in view.lines}
    _heading(document, view)
    _minutes(document, view, anchors, styles)
    _appendices(document, view, anchors, styles)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
