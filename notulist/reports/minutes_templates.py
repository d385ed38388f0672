"""Kinds of minutes (templates): which sections a report has, in which order, and how it looks.

Built in:

- ``verslag``: minutes of a meeting: participants, agenda, the discussion, the besluitenlijst (numbered decisions),
  the actielijst (number, action, owner, deadline, status), open questions; the transcript follows.
- ``besluitenlijst``: decisions and actions only; the transcript is an appendix.
- ``gespreksverslag``: an interview report: who, when, where, in what capacity (the roles), the caution given, the
  account of the interview (the transcript), agreements, and the interviewee's confirmation.

An organisation adds its own in a folder (``--template-dir``): ``NAME.json`` (``{"base": "verslag", "sections":
[...], "title": "..."}``, all optional), ``NAME.html.j2`` (a jinja2 template; it may ``{% extends "report.html.j2"
%}`` and fill its blocks) and ``NAME.docx`` (a Word document whose styles, headers and footers, letterhead included,
the DOCX report is written into). A file in the folder with a built-in name replaces that part of the built-in one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from notulist.core.errors import NotulistError

SECTIONS = (
    "participants",
    "agenda",
    "caution",
    "discussion",
    "decisions",
    "actions",
    "questions",
    "transcript",
    "confirmation",
)
BUILT_IN = ("verslag", "besluitenlijst", "gespreksverslag")
DEFAULT_TEMPLATE = "verslag"


@dataclass(frozen=True)
class MinutesTemplate:
    name: str
    sections: tuple[str, ...]  # in order; "transcript" absent: the transcript is an appendix
    title: str = ""  # the document kind shown above the title ('' : the built-in label of ``base``)
    base: str = DEFAULT_TEMPLATE  # the built-in kind whose labels and prompt it uses
    html: str = "report.html.j2"  # the jinja2 template file
    docx: Path | None = None  # a Word document to write into (styles, letterhead)


_BUILT_IN = {
    "verslag": MinutesTemplate(
        "verslag",
        ("participants", "agenda", "discussion", "decisions", "actions", "questions", "transcript"),
        base="verslag",
    ),
    "besluitenlijst": MinutesTemplate(
        "besluitenlijst", ("participants", "decisions", "actions"), base="besluitenlijst"
    ),
    "gespreksverslag": MinutesTemplate(
        "gespreksverslag",
        ("participants", "caution", "discussion", "transcript", "decisions", "actions", "confirmation"),
        base="gespreksverslag",
    ),
}


class TemplateError(NotulistError):
    """A template that does not exist or cannot be read."""


def _from_json(path: Path, name: str) -> MinutesTemplate:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"sjabloon {path.name} is geen leesbare JSON ({exc}): herstel of verwijder het") from exc
    base = str(data.get("base", DEFAULT_TEMPLATE))
    if base not in _BUILT_IN:
        raise TemplateError(f"sjabloon {path.name}: base {base!r} is geen van {', '.join(BUILT_IN)}")
    sections = tuple(str(s) for s in data.get("sections", _BUILT_IN[base].sections))
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise TemplateError(
            f"sjabloon {path.name}: onbekende sectie(s) {', '.join(unknown)}; gebruik {', '.join(SECTIONS)}"
        )
    return MinutesTemplate(name, sections, str(data.get("title", "")), base)


def available_templates(template_dir: Path | None = None) -> list[str]:
    """Built-in template names, then those defined in ``template_dir``."""
    names = list(BUILT_IN)
    if template_dir is not None and template_dir.is_dir():
        for path in sorted(template_dir.iterdir()):
            stem = path.name.split(".")[0]
            if path.name.endswith((".json", ".html.j2", ".docx")) and stem and stem not in names:
                names.append(stem)
    return names


def load_template(name: str, template_dir: Path | None = None) -> MinutesTemplate:
    """The template ``name``: built in, or from ``template_dir`` (whose files override the built-in parts)."""
    name = (name or DEFAULT_TEMPLATE).strip().lower()
    if template_dir is not None and not template_dir.is_dir():
        raise TemplateError(f"sjablonenmap {template_dir} bestaat niet: geef een bestaande map")
    folder = template_dir if template_dir is not None else None
    spec_file = folder / f"{name}.json" if folder else None
    html_file = folder / f"{name}.html.j2" if folder else None
    docx_file = folder / f"{name}.docx" if folder else None
    if spec_file is not None and spec_file.is_file():
        template = _from_json(spec_file, name)
    elif name in _BUILT_IN:
        template = _BUILT_IN[name]
    elif (html_file and html_file.is_file()) or (docx_file and docx_file.is_file()):
        template = replace(_BUILT_IN[DEFAULT_TEMPLATE], name=name)
    else:
        known = ", ".join(available_templates(template_dir))
        raise TemplateError(f"er is geen sjabloon {name!r}: kies uit {known}")
    if html_file is not None and html_file.is_file():
        template = replace(template, html=html_file.name)
    if docx_file is not None and docx_file.is_file():
        template = replace(template, docx=docx_file)
    return template
