"""Book pages as MyST text: entry pages, kind lists, schema tables and page stubs.

Pure functions returning strings. All framework text goes through
:mod:`socioaffective.render.myst` escaping; the only markup they emit is our
own (roles with safe names, directives, lists, tables).

The MyST uses these roles and directives of :mod:`socioaffective.sphinxext`:
``{socioaffective-kind}`` (kind badge), ``{socioaffective-grade}`` (full grade
badge), ``{socioaffective-badge}`` (grade letter) and the
``socioaffective-graph`` directive; citations use sphinxcontrib-bibtex.

>>> import socioaffective
>>> kb = socioaffective.load()
>>> page = entry_page(kb, kb.get("protecting-autonomy"))
>>> "{ref}`entry-autonomy`" in page, "## Backlinks" in page
(True, True)
"""

from __future__ import annotations

import json
import re

from . import myst
from .matrix import css_name
from .network import kind_color

__all__ = [
    "GENERATED_MARKER",
    "KIND_ROLE",
    "GRADE_ROLE",
    "BADGE_ROLE",
    "entry_label",
    "entry_page",
    "entry_stub",
    "kind_list",
    "schema_css",
    "schema_table",
]

#: First line of every generated page stub; only files carrying it are ever deleted.
GENERATED_MARKER = "% socioaffective: generated page, rewritten on every build; edit the YAML, not this file"
KIND_ROLE = "socioaffective-kind"
GRADE_ROLE = "socioaffective-grade"
BADGE_ROLE = "socioaffective-badge"

# fields shown elsewhere on the page (header, summary, description, provenance, aliases)
_SHOWN_ELSEWHERE = {"id", "kind", "title", "summary", "description", "provenance", "aliases"}
_DOI = re.compile(r"^10\.\d{4,9}/[^\s<>`\\]+$")
_ARXIV = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")


def entry_label(id: str) -> str:
    """The cross-reference label of an entry's page: ``entry-<id>``."""
    return f"entry-{id}"


def entry_stub(kb, entry) -> str:
    """The small generated page for one entry: marker, label, title, directive.

    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> print(entry_stub(kb, kb.get("autonomy")).splitlines()[1])
    (entry-autonomy)=
    """
    return (
        f"{GENERATED_MARKER}\n"
        f"({entry_label(entry.id)})=\n"
        f"# {myst.text(entry.title) or myst.text(entry.id)}\n\n"
        f"```{{socioaffective-entry}} {entry.id}\n```\n"
    )


def _role(name: str, value: str, fallback: str = "") -> str:
    return myst.role(name, value) if myst.is_safe_name(value) else myst.text(fallback or value)


def _cap(s: str) -> str:
    s = str(s)
    return s[:1].upper() + s[1:]


# display names of a few well-known field names (others: the name, capitalised)
_FIELD_LABELS = {"bib_key": "Reference", "doi": "DOI", "arxiv": "arXiv", "url": "Web page"}


def _field_label(name: str) -> str:
    return _FIELD_LABELS.get(name) or _cap(name.replace("_", " "))


def _source(kb, prov) -> str:
    """How a provenance's source reads inline: a citation, or *editorial*."""
    if prov is None:
        return "no source given"
    if prov.source in kb.references:
        return myst.cite(prov.source, prov.locator)
    text = "our own editorial work" if prov.source == "editorial" else myst.text(prov.source)
    return text + (f", {myst.text(prov.locator)}" if prov.locator else "")


def _link_item(kb, rel, other: str, kb_entries: set) -> str:
    o = kb.get(other)
    target = myst.ref(entry_label(o.id), o.title) if o.id in kb_entries else myst.text(o.title)
    parts = [f"- {target} {_role(KIND_ROLE, o.kind)}"]
    if rel.provenance:
        parts.append(_role(BADGE_ROLE, rel.provenance.grade))
    extra = []
    if rel.locator:
        extra.append(myst.text(rel.locator))
    if rel.note:
        extra.append(myst.text(rel.note))
    line = " ".join(parts)
    return line + (" — " + "; ".join(extra) if extra else "")


def _value(kb, name: str, spec, value) -> str:
    """One scalar field value as inline MyST."""
    s = str(value)
    if name == "doi" and _DOI.match(s):
        return f"[{myst.text(s)}](https://doi.org/{s})"
    if name == "arxiv" and _ARXIV.match(s):
        return f"[arXiv:{myst.text(s)}](https://arxiv.org/abs/{s})"
    if name == "bib_key" and s in kb.references:
        return myst.cite(s, style="t")
    if spec is not None and spec.type == "url" and _URL.match(s):
        return f"<{s}>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return myst.text(s)


def _fields(kb, entry) -> tuple[list[str], list[str]]:
    """Kind-specific fields: (``facts`` lines, ``sections`` blocks), in schema order."""
    kind = kb.schema.kinds.get(entry.kind)
    own = dict(kind.fields) if kind else {}
    specs = {**own, **kb.schema.common_fields}  # the kind's own fields first, then the common ones
    facts: list[str] = []
    sections: list[str] = []
    names = [n for n in specs if n in entry.fields] + [n for n in entry.fields if n not in specs]
    for name in names:
        if name in _SHOWN_ELSEWHERE:
            continue
        value = entry.fields[name]
        spec = specs.get(name)
        label = myst.text(_field_label(name))
        if isinstance(value, list):
            if not value:
                continue
            if spec is not None and spec.min_items == 2 and spec.max_items == 2 and len(value) == 2:
                sections.append(f"## {label}\n\n| ◀ One side | The other side ▶ |\n|---|---|\n| {myst.text(value[0])} | {myst.text(value[1])} |")
                continue
            if spec is not None and spec.items is not None and spec.items.type == "string" and all(len(str(v)) < 80 for v in value):
                facts.append(f"- **{label}:** " + "; ".join(myst.text(v) for v in value))
                continue
            items = "\n".join(f"- {myst.text(v)}" for v in value)
            sections.append(f"## {label}\n\n{items}")
        elif spec is not None and spec.type == "text":
            sections.append(f"## {label}\n\n{myst.paragraphs(value)}")
        elif isinstance(value, dict):
            facts.append(f"- **{label}:** " + "; ".join(f"{myst.text(k)}: {myst.text(v)}" for k, v in value.items()))
        else:
            facts.append(f"- **{label}:** {_value(kb, name, spec, value)}")
    return facts, sections


def entry_page(kb, entry, graph: bool = True) -> str:
    """The body of an entry's page (everything below its title), as MyST."""
    schema = kb.schema
    prov = entry.provenance
    grade = schema.grades.get(prov.grade) if prov else None
    entries = {e.id for e in kb.entries()}
    out: list[str] = []

    header = [_role(KIND_ROLE, entry.kind)]
    if prov:
        header.append(_role(GRADE_ROLE, prov.grade))
        header.append("Source: " + _source(kb, prov))
    out.append("```{container} sa-entry-meta\n" + " ".join(header) + "\n```")

    if entry.summary:
        out.append(f"```{{container}} sa-summary\n{myst.text(entry.summary)}\n```")
    aliases = entry.fields.get("aliases") or []
    if aliases:
        out.append("Also called: " + "; ".join(f"*{myst.text(a)}*" for a in aliases))
    if entry.description:
        out.append(myst.paragraphs(entry.description))

    facts, sections = _fields(kb, entry)
    if facts:
        out.append("\n".join(facts))
    out.extend(sections)

    cites = []
    outgoing = kb.outgoing(entry.id)
    link_blocks = []
    for name, rels in outgoing.items():
        rt = schema.relations[name]
        if rt.cites_references:
            for r in rels:
                note = f" — {myst.text(r.note)}" if r.note else ""
                badge = f" {_role(BADGE_ROLE, r.provenance.grade)}" if r.provenance else ""
                cites.append(f"- {myst.cite(r.target, r.locator, style='t')}{badge}{note}")
            continue
        items = [_link_item(kb, r, r.target, entries) for r in rels]
        link_blocks.append(f"**{myst.text(_cap(rt.label))}**\n\n" + "\n".join(items))
    back_blocks = []
    for name, rels in kb.incoming(entry.id).items():
        rt = schema.relations[name]
        seen, items = set(), []
        for r in rels:
            if r.source not in seen:
                seen.add(r.source)
                items.append(_link_item(kb, r, r.source, entries))
        back_blocks.append(f"**{myst.text(_cap(rt.inverse))}**\n\n" + "\n".join(items))
    if link_blocks:
        out.append("## Links\n\n" + "\n\n".join(link_blocks))
    if back_blocks:
        out.append("## Backlinks\n\n" + "\n\n".join(back_blocks))
    if graph and myst.is_safe_name(entry.id):
        out.append(
            "## Neighbourhood\n\n"
            "Entries within one or two links of this one. Click a node to focus it and its links, "
            "click it again (or its card's link) to open its page; the table below the graph holds the same information.\n\n"
            f"```{{socioaffective-graph}}\n:entry: {entry.id}\n```"
        )
    if cites:
        out.append("## Sources\n\n" + "\n".join(cites))

    prov_lines = ["## Provenance"]
    if prov and grade:
        claim = (
            "The paper's claim (as far as the sources we could read show)."
            if grade.paper_claim
            else "**Not the paper's claim:** " + myst.text(grade.label).lower() + "."
        )
        prov_lines.append(f"{_role(GRADE_ROLE, prov.grade)} {claim} {myst.text(grade.description)}")
        prov_lines.append(f"Source: {_source(kb, prov)}.")
        if prov.note:
            prov_lines.append(f"Note: {myst.text(prov.note)}")
    else:
        prov_lines.append("No provenance given.")
    if entry.file:
        prov_lines.append(f"Defined in {myst.text(entry.file)}, line {int(entry.line)}.")
    out.append("\n\n".join(prov_lines))

    if myst.is_safe_name(entry.id):
        out.append(
            "## In Python\n\n"
            f"```python\nsocioaffective.load().get({json.dumps(entry.id)})\n```\n\n"
            f"On the command line: `socioaffective show {entry.id}`"
        )
    return "\n\n".join(out) + "\n"


def kind_list(kb, kind: str, summary: bool = True) -> str:
    """The entries of ``kind`` as a MyST list: linked title, grade letter, summary."""
    items = []
    for e in kb.entries(kind):
        head = f"- {myst.ref(entry_label(e.id), e.title)}"
        if e.provenance:
            head += f" {_role(BADGE_ROLE, e.provenance.grade)}"
        if summary and e.summary:
            head += f"\n\n  {myst.text(e.summary)}"
        items.append(head)
    if not items:
        return "*No entries yet.*\n"
    return "```{container} sa-entry-list\n" + "\n\n".join(items) + "\n```\n"


def schema_table(kb, what: str) -> str:
    """A table of the schema: ``grades``, ``kinds``, ``relations`` or ``fields``."""
    s = kb.schema
    t = myst.text
    code = lambda name: f"`{name}`" if myst.is_safe_name(name) else t(name)  # noqa: E731
    if what == "grades":
        items = []
        for g in s.grades.values():
            claim = "**The paper's claim.**" if g.paper_claim else "**Not the paper's claim.**"
            items.append(f"- {_role(GRADE_ROLE, g.name, g.label)} {claim} {t(g.description)} (in YAML: {code(g.name)})")
        return "```{container} sa-legend-list\n" + "\n".join(items) + "\n```\n"
    if what == "kinds":
        items = []
        for k in s.kinds.values():
            n = len(kb.entries(k.name))
            items.append(f"- {_role(KIND_ROLE, k.name, k.label)} {t(k.description)} ({n} entr{'y' if n == 1 else 'ies'}; in YAML: {code(k.name)})")
        return "```{container} sa-legend-list\n" + "\n".join(items) + "\n```\n"
    if what == "relations":
        rows = ["| Relation (YAML key) | Reads | On the target's page | From | To | Meaning |", "|---|---|---|---|---|---|"]
        for r in s.relations.values():
            ends = lambda ks: ", ".join("any" if k == "*" else ("bib reference" if k == "reference" else t(k)) for k in ks)  # noqa: E731
            extra = " (symmetric)" if r.symmetric else (" (no cycles)" if r.acyclic else "")
            rows.append(f"| {t(r.name)} | {t(r.label)}{extra} | {t(r.inverse)} | {ends(r.sources)} | {ends(r.targets)} | {t(r.description)} |")
        return "\n".join(rows) + "\n"
    if what == "fields":
        rows = ["| Kind | Field | Type | Required | Meaning |", "|---|---|---|---|---|"]
        for name, f in s.common_fields.items():
            rows.append(f"| every kind | {t(name)} | {t(f.type)} | {'yes' if f.required else 'no'} | {t(f.description)} |")
        for k in s.kinds.values():
            for name, f in k.fields.items():
                typ = f.type + (f" of {f.items.type}" if f.items else "") + (": " + ", ".join(str(v) for v in f.values) if f.values else "")
                rows.append(f"| {t(k.name)} | {t(name)} | {t(typ)} | {'yes' if f.required else 'no'} | {t(f.description)} |")
        return "\n".join(rows) + "\n"
    raise ValueError(f"unknown schema table `{what}` (grades, kinds, relations, fields)")


# Colours for grade badges, by position among the grades that are (or are not)
# the paper's claim: the labels and letters come from schema.yaml.
_CLAIM_COLOURS = ["#1a7f37", "#0969da", "#116329", "#0550ae"]
_OTHER_COLOURS = ["#9a6700", "#cf222e", "#8250df", "#57606a", "#bc4c00", "#6e7781"]


def _luminance(color: str) -> float:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    rgb = [int(c[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _text_on(color: str) -> str:
    """Black or white text on ``color``, whichever contrasts more (WCAG).

    >>> _text_on("#bf616a"), _text_on("#ebcb8b")
    ('#ffffff', '#1f2328')
    """
    lum = _luminance(color)
    dark = (lum + 0.05) / (_luminance("#1f2328") + 0.05)
    light = 1.05 / (lum + 0.05)
    return "#1f2328" if dark > light else "#ffffff"


def grade_colours(schema) -> dict[str, str]:
    claim = [g for g in schema.grades.values() if g.paper_claim]
    other = [g for g in schema.grades.values() if not g.paper_claim]
    out = {g.name: _CLAIM_COLOURS[i % len(_CLAIM_COLOURS)] for i, g in enumerate(claim)}
    out.update({g.name: _OTHER_COLOURS[i % len(_OTHER_COLOURS)] for i, g in enumerate(other)})
    return out


def schema_css(schema) -> str:
    """CSS for kind and grade badges, from schema.yaml (colours validated)."""
    lines = ["/* generated from framework/schema.yaml by socioaffective */"]
    for k in schema.kinds.values():
        c = kind_color(k)
        lines.append(f".sa-kind-{css_name(k.name)} {{ background-color: {c}; color: {_text_on(c)}; }}")
    for name, c in grade_colours(schema).items():
        lines.append(
            f".sa-grade-{css_name(name)}.sa-claim {{ background-color: {c}; border-color: {c}; color: #ffffff; }}\n"
            f".sa-grade-{css_name(name)}.sa-noclaim {{ border-color: {c}; color: {c}; }}"
        )
    return "\n".join(lines) + "\n"
