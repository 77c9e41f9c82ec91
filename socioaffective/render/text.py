"""Plain-text renderings for the terminal (the CLI adds colour, if any)."""

from __future__ import annotations

import textwrap

from ..model import Entry
from ..terminal import for_terminal as _t  # every value from a file, escaped for the terminal


def grade_label(kb, grade: str | None) -> str:
    g = kb.schema.grades.get(grade or "")
    return _t(f"{g.label} [{g.badge}]" if g else (grade or "no provenance"))


def provenance_line(kb, prov) -> str:
    """``Paper (abstract) [A] - source kirk2025why, p. 3``."""
    if prov is None:
        return "no provenance"
    text = f"{grade_label(kb, prov.grade)}; source: {_t(prov.source)}"
    if prov.locator:
        text += f", {_t(prov.locator)}"
    if prov.note:
        text += f" ({_t(prov.note)})"
    return text


def _wrap(text: str, indent: str = "  ", width: int = 88) -> str:
    paras = [p for p in str(text).split("\n\n")]
    return "\n\n".join(textwrap.fill(_t(" ".join(p.split())), width=width, initial_indent=indent, subsequent_indent=indent) for p in paras if p.strip())


def _entry_ref(kb, id: str) -> str:
    e = kb.get(id)
    if e.is_reference:
        return f"{_t(e.summary)} [{_t(e.id)}]"
    return f"{_t(e.title)} ({_t(e.id)})"


def entry_text(kb, entry: Entry, width: int = 88) -> str:
    """A small encyclopaedia entry for the terminal.

    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> print(entry_text(kb, kb.get("autonomy")).splitlines()[0])
    Autonomy  [Psychological need: autonomy]
    """
    schema = kb.schema
    kind = schema.kinds.get(entry.kind)
    kind_label = kind.label if kind else entry.kind
    out = [f"{_t(entry.title)}  [{_t(kind_label)}: {_t(entry.id)}]", ""]
    out.append(f"Provenance: {provenance_line(kb, entry.provenance)}")
    if entry.summary:
        out += ["", _wrap(entry.summary, "", width)]
    if entry.description:
        out += ["", _wrap(entry.description, "  ", width)]
    fields = schema.fields_of(entry.kind)
    for name, value in entry.fields.items():
        label = _t(name.replace("_", " ").capitalize())
        spec = fields.get(name)
        if isinstance(value, list):
            out += ["", f"{label}:"]
            for item in value:
                out.append(textwrap.fill(_t(" ".join(str(item).split())), width=width, initial_indent="  - ", subsequent_indent="    "))
        elif spec is not None and spec.type == "text":
            out += ["", f"{label}:", _wrap(value, "  ", width)]
        else:
            out += ["", f"{label}: {_t(value)}"]
    for name, rels in kb.outgoing(entry.id).items():
        rt = schema.relations[name]
        out += ["", f"{_t(rt.label.capitalize())}:"]
        for r in rels:
            extra = f", {_t(r.locator)}" if r.locator else ""
            out.append(f"  - {_entry_ref(kb, r.target)}{extra}  <{grade_label(kb, r.provenance.grade if r.provenance else None)}>")
    for name, rels in kb.incoming(entry.id).items():
        rt = schema.relations[name]
        out += ["", f"{_t(rt.inverse.capitalize())}:"]
        for r in rels:
            out.append(f"  - {_entry_ref(kb, r.source)}")
    out += ["", f'Python: socioaffective.load().get("{_t(entry.id)}")', f"Source: {_t(entry.file)}:{entry.line}"]
    return "\n".join(out)


def entries_table(kb, entries: list[Entry], grouped: bool = True) -> str:
    """One line per entry, grouped under kind headings (or flat, with the kind)."""
    out: list[str] = []
    if not grouped:
        width = max((len(_t(e.id)) for e in entries), default=10)
        return "\n".join(f"{_t(e.id):<{width}}  {_t(e.kind):<10}  {_t(e.title)}" for e in entries)
    current = None
    width = max((len(_t(e.id)) for e in entries), default=10)
    for e in entries:
        if e.kind != current:
            current = e.kind
            k = kb.schema.kinds.get(e.kind)
            heading = k.plural if k else ("References" if e.is_reference else e.kind)
            out += ["", _t(heading)] if out else [_t(heading)]
        badge = kb.schema.grades[e.provenance.grade].badge if e.provenance and e.provenance.grade in kb.schema.grades else "?"
        out.append(f"  {_t(e.id):<{width}}  [{_t(badge)}]  {_t(e.title)}")
    return "\n".join(out)
