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

from .. import links
from ..model import CORE_FIELDS
from . import myst
from .matrix import css_name
from .network import kind_color

__all__ = [
    "GENERATED_MARKER",
    "KIND_ROLE",
    "GRADE_ROLE",
    "BADGE_ROLE",
    "bibtex_text",
    "cite_html",
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
    return f"{GENERATED_MARKER}\n({entry_label(entry.id)})=\n# {myst.text(entry.title) or myst.text(entry.id)}\n\n```{{socioaffective-entry}} {entry.id}\n```\n"


def _role(name: str, value: str, fallback: str = "") -> str:
    return myst.role(name, value) if myst.is_safe_name(value) else myst.text(fallback or value)


def _cap(s: str) -> str:
    s = str(s)
    return s[:1].upper() + s[1:]


def _field_label(name: str, spec=None) -> str:
    """A field's name on the page: its schema ``label``, else the name capitalised."""
    return spec.shown_label if spec is not None else _cap(name.replace("_", " "))


def _source(kb, prov) -> str:
    """How a provenance's source reads inline: a citation, or *editorial*,
    followed by the records it rests on (``sources``), each a citation."""
    if prov is None:
        return "no source given"
    if prov.source in kb.references:
        out = myst.cite(prov.source, prov.locator)
    else:
        text = "our own editorial work" if prov.source == "editorial" else myst.text(prov.source)
        out = text + (f", {myst.text(prov.locator)}" if prov.locator else "")
    return out + _reported_by(kb, prov)


def _reported_by(kb, prov) -> str:
    """``; as reported by <records>``: the provenance's ``sources``, linked to their records."""
    names = [myst.cite(k) if k in kb.references else myst.text(k) for k in getattr(prov, "sources", ()) or ()]
    return ("; as reported by " + ", ".join(names)) if names else ""


def _link_item(kb, rel, other: str, kb_entries: set) -> str:
    o = kb.get(other)
    target = myst.ref(entry_label(o.id), o.title) if o.id in kb_entries else myst.text(o.title)
    parts = [f"- {target} {_role(KIND_ROLE, o.kind)}"]
    if rel.provenance:
        parts.append(_role(BADGE_ROLE, rel.provenance.grade))
    extra = []
    if rel.effect:
        extra.append("effect: " + myst.text(rel.effect))
    if rel.locator:
        extra.append(myst.text(rel.locator))
    if rel.note:
        extra.append(myst.text(rel.note))
    if rel.provenance and rel.provenance.sources and not rel.provenance.inherited:
        extra.append(_reported_by(kb, rel.provenance).lstrip("; "))
    line = " ".join(parts)
    return line + (" — " + "; ".join(extra) if extra else "")


def _value(kb, name: str, spec, value) -> str:
    """One scalar field value as inline MyST."""
    s = str(value)
    if spec is not None and spec.type in links.LINK_TYPES:
        # Only a value of the field's type is linked (the book is also built
        # from frameworks with problems), and the address is percent-encoded.
        url = links.href(spec.type, value)
        return myst.link(links.label(spec.type, s), url) if url else myst.text(s)
    if spec is not None and spec.shown_as == "citation" and s in kb.references:
        return myst.cite(s, style="t")
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
        spec = specs.get(name)
        if name in CORE_FIELDS or (spec is not None and spec.shown_as in ("hidden", "also_called")):
            continue  # the header, summary, description and provenance; "Also called"; hidden
        value = entry.fields[name]
        label = myst.text(_field_label(name, spec))
        shown = spec.shown_as if spec is not None else ""
        if isinstance(value, list):
            if not value:
                continue
            if shown == "sides" and len(value) == 2:
                sections.append(f"## {label}\n\n| ◀ One side | The other side ▶ |\n|---|---|\n| {myst.text(value[0])} | {myst.text(value[1])} |")
                continue
            short_names = spec is not None and spec.items is not None and spec.items.type == "string" and all(len(str(v)) < 80 for v in value)
            if (spec is not None and spec.display == "line") or (shown == "line" and short_names):
                facts.append(f"- **{label}:** " + "; ".join(myst.text(v) for v in value))
                continue
            items = "\n".join(f"- {myst.text(v)}" for v in value)
            sections.append(f"## {label}\n\n{items}")
        elif shown == "section" and isinstance(value, str):
            sections.append(f"## {label}\n\n{myst.paragraphs(value)}")
        elif isinstance(value, dict):
            facts.append(f"- **{label}:** " + "; ".join(f"{myst.text(k)}: {myst.text(v)}" for k, v in value.items()))
        else:
            facts.append(f"- **{label}:** {_value(kb, name, spec, value)}")
    return facts, sections


def _also_called(schema, entry) -> list[str]:
    """The values of the entry's ``display: also_called`` fields, in schema order."""
    out: list[str] = []
    for name, spec in schema.fields_of(entry.kind).items():
        if spec.shown_as == "also_called":
            value = entry.fields.get(name)
            out.extend(str(v) for v in (value if isinstance(value, list) else [value]) if v is not None)
    return out


def _also_filed_as(kb, entry, entries: set) -> str:
    """ "Also filed as": the external identifiers our entry maps to, and the recorded gaps."""
    from ..crosswalk import EXTERNAL_KIND, SKOS_LABEL, gaps_of, mappings_of

    if entry.kind == EXTERNAL_KIND:
        return ""
    items = []
    for m in mappings_of(kb, entry.id):
        x, tax = m.external, m.taxonomy
        notation, url = str(x.fields.get("notation", x.id)), str(x.fields.get("url", ""))
        code = f"`{notation}`" if "`" not in notation else myst.text(notation)
        safe = links.safe_url(url)  # only http(s), percent-encoded: a URL cannot close the link
        head = f"[{code}]({safe})" if safe else code
        page = myst.ref(entry_label(x.id), x.title) if x.id in entries else myst.text(x.title)
        where = f" ({myst.text(tax.title)})" if tax else ""
        note = m.provenance.note or m.relation.note
        items.append(
            f"- {head} {page}{where}: {myst.text(SKOS_LABEL[m.predicate])} {_role(BADGE_ROLE, m.provenance.grade)}" + (f" — {myst.text(note)}" if note else "")
        )
    for gap in gaps_of(kb, entry.id):
        tax = gap.taxonomy
        name = myst.ref(entry_label(tax.id), tax.title) if tax.id in entries else myst.text(tax.title)
        note = gap.relation.note or gap.provenance.note
        items.append(
            f"- **No identifier fits** in {name} {_role(BADGE_ROLE, gap.provenance.grade)}: a gap in that taxonomy, which is a finding in itself"
            + (f" — {myst.text(note)}" if note else "")
        )
    if not items:
        return ""
    intro = (
        "The identifiers of established risk taxonomies this entry maps to (SKOS mapping relations; "
        "grade E marks our own reading, L a published expert mapping; none is the paper's)."
    )
    return "## Also filed as\n\n" + intro + "\n\n" + "\n".join(items)


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
    also = _also_called(schema, entry)
    if also:
        out.append("Also called: " + "; ".join(f"*{myst.text(a)}*" for a in also))
    if entry.description:
        out.append(myst.paragraphs(entry.description))

    facts, sections = _fields(kb, entry)
    if facts:
        out.append("\n".join(facts))
    out.extend(sections)

    from ..crosswalk import EXTERNAL_KIND, NO_MATCH, SKOS_MAPPINGS, TAXONOMY_KIND

    crosswalk = _also_filed_as(kb, entry, entries)
    if crosswalk:
        out.append(crosswalk)

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
    sectioned: dict[str, list[str]] = {}  # relations with a `section` in schema.yaml get their own heading
    for name, rels in kb.incoming(entry.id).items():
        rt = schema.relations[name]
        if crosswalk and (name in SKOS_MAPPINGS or name == NO_MATCH) and kb.get(rels[0].source).kind in (EXTERNAL_KIND, TAXONOMY_KIND):
            continue  # shown under "Also filed as"
        seen, items = set(), []
        for r in rels:
            if r.source not in seen:
                seen.add(r.source)
                items.append(_link_item(kb, r, r.source, entries))
        block = f"**{myst.text(_cap(rt.inverse))}**\n\n" + "\n".join(items)
        if rt.section:
            sectioned.setdefault(rt.section, []).append(block)
        else:
            back_blocks.append(block)
    if link_blocks:
        out.append("## Links\n\n" + "\n\n".join(link_blocks))
    if back_blocks:
        out.append("## Backlinks\n\n" + "\n\n".join(back_blocks))
    for heading, blocks in sectioned.items():
        out.append(
            f"## {myst.text(heading)}\n\n"
            "Studies whose findings bear on this entry, with the direction of the effect for people. "
            "Each finding is the study's own (grade L), never the paper's claim.\n\n" + "\n\n".join(blocks)
        )
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
        if grade.min_sources and len(prov.sources) < grade.min_sources:
            prov_lines.append(f"**Warning:** this grade needs {int(grade.min_sources)} named source(s); fewer are recorded.")
        if prov.note:
            prov_lines.append(f"Note: {myst.text(prov.note)}")
    else:
        prov_lines.append("No provenance given.")
    if entry.file:
        # the file, not the line: a line number would change on every page after an edit above it
        # (each would be rebuilt), and "View source" links to the line when a repository is configured
        prov_lines.append(f"Defined in {myst.text(entry.file)}.")
    out.append("\n\n".join(prov_lines))

    if myst.is_safe_name(entry.id):
        out.append(
            f"## In Python\n\n```python\nsocioaffective.load().get({json.dumps(entry.id)})\n```\n\nOn the command line: `socioaffective show {entry.id}`"
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


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours.

    >>> round(contrast("#ffffff", "#5e81ac"), 1)
    4.0
    """
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(color: str, other: str, t: float) -> str:
    c, o = color.lstrip("#"), other.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    rgb = [round(int(c[i : i + 2], 16) * (1 - t) + int(o[i : i + 2], 16) * t) for i in (0, 2, 4)]
    return "#" + "".join(f"{v:02x}" for v in rgb)


def readable(background: str, minimum: float = 4.7, text: str | None = None) -> tuple[str, str]:
    """``(background, text)`` for a badge: the kind's colour, darkened (under
    white text) or lightened (under dark text) just enough to reach ``minimum``
    contrast (WCAG AA asks 4.5:1).

    >>> bg, fg = readable("#5e81ac"); fg, contrast(bg, fg) >= 4.5
    ('#ffffff', True)
    """
    fg = text or _text_on(background)
    toward = "#000000" if fg == "#ffffff" else "#ffffff"
    bg = background if len(background.lstrip("#")) == 6 else _mix(background, background, 0)
    for step in range(0, 21):
        candidate = _mix(bg, toward, step / 20)
        if contrast(candidate, fg) >= minimum:
            return candidate, fg
    return toward, "#ffffff" if toward == "#000000" else "#1f2328"


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
        bg, fg = readable(kind_color(k))
        lines.append(f".sa-kind-{css_name(k.name)} {{ background-color: {bg}; color: {fg}; }}")
    for name, c in grade_colours(schema).items():
        c, _ = readable(c, text="#ffffff")  # white text on it (solid badge) and it as text on white (outlined badge)
        lines.append(
            f".sa-grade-{css_name(name)}.sa-claim {{ background-color: {c}; border-color: {c}; color: #ffffff; }}\n"
            f".sa-grade-{css_name(name)}.sa-noclaim {{ border-color: {c}; color: {c}; }}"
        )
    return "\n".join(lines) + "\n"


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def bibtex_text(value) -> str:
    """Untrusted text as the content of a BibTeX ``{...}`` field value: one line,
    every special character escaped, so it can neither end the field nor run a macro.

    >>> bibtex_text("50% of {x} \\\\end")
    '50\\\\% of \\\\{x\\\\} \\\\textbackslash{}end'
    """
    s = " ".join(str(value or "").split())
    return "".join(_BIBTEX_SPECIAL.get(c, c) for c in s if c >= " ")


def cite_html(
    kb, entry, *, url: str = "", version: str = "", author: str = "", book_title: str = "", repository: str = "", branch: str = "main", book_path: str = ""
) -> str:
    """The "Cite this entry" block of an entry page as HTML (every text escaped).

    ``url`` is the page's stable address when the book knows its base URL
    (``html_baseurl``); otherwise the page's script writes the address it was
    opened from. The access date is the reader's, written by ``cite.js``.
    With an ``https`` ``repository``, "Suggest a correction" (a new issue from
    the correction form) and "View source" (the entry's YAML file at its line)
    are added; without one they are left out.
    """
    import html
    from urllib.parse import quote, urlencode, urlsplit

    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    year = str(__import__("datetime").date.today().year)
    key = "socioaffective-" + re.sub(r"[^A-Za-z0-9_-]", "-", entry.id)
    version_text = f", version {version}" if version else ""
    book = book_title or "Socioaffective alignment: the framework"
    who = author or "socioaffective contributors"
    url_attr = f' data-sa-url="{esc(url)}"' if url else " data-sa-url"
    url_span = f'<span class="sa-cite-url"{url_attr}>{esc(url)}</span>'
    date_span = '<span class="sa-cite-date" data-sa-accessed></span>'
    # every framework text is escaped for BibTeX, then for HTML; the two spans are our own markup
    bib_html = (
        f"@misc{{{esc(key)},\n"
        f"  author = {{{{{esc(bibtex_text(who))}}}}},\n"
        f"  title = {{{esc(bibtex_text(entry.title))}}},\n"
        f"  howpublished = {{{esc(bibtex_text(book + version_text))}}},\n"
        f"  year = {{{year}}},\n"
        f"  url = {{{url_span}}},\n"
        f"  note = {{Accessed {date_span}}}\n"
        "}"
    )
    ref = (
        f"{esc(who)} ({year}). “{esc(' '.join(entry.title.split()))}”. In <em>{esc(book)}</em>{esc(version_text)}. "
        f'<span class="sa-cite-url"{url_attr}>{esc(url)}</span>. Accessed <span class="sa-cite-date" data-sa-accessed></span>.'
    )
    links = ""
    repo = (repository or "").rstrip("/")
    if repo and urlsplit(repo).scheme == "https" and urlsplit(repo).netloc and entry.file:
        prefix = "/".join(p for p in (book_path or "").strip("/").split("/") if p and p != ".")
        path = "/".join(quote(p) for p in ((prefix + "/" if prefix else "") + entry.file).split("/"))
        source = f"{repo}/blob/{quote(branch or 'main')}/{path}#L{int(entry.line or 1)}"
        issue = f"{repo}/issues/new?" + urlencode({"template": "correction.yml", "title": f"Correction: {' '.join(entry.title.split())}", "entry": entry.id})
        links = (
            '<p class="sa-correct">'
            f'<a class="sa-correct-link" href="{esc(issue)}">Suggest a correction</a> · '
            f'<a class="sa-source-link" href="{esc(source)}">View source</a> '
            f"({esc(entry.file)}, line {int(entry.line or 1)})</p>"
        )
    return (
        '<section class="sa-cite" aria-labelledby="sa-cite-' + esc(key) + '">'
        f'<h2 id="sa-cite-{esc(key)}">Cite this entry</h2>'
        f'<p class="sa-cite-ref">{ref}</p>'
        f'<details class="sa-cite-bibtex"><summary>BibTeX</summary><pre><code>{bib_html}</code></pre></details>'
        f"{links}</section>"
    )
