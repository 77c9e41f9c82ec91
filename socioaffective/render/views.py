"""Book views over the whole framework, as MyST: sources, evidence, review queue, version.

Pure functions returning strings (used by the ``socioaffective-view <name>``
directive). All framework and bib text goes through :mod:`.myst` escaping.
Nothing here names a kind: studies are the entries with relations that declare
a ``section`` in schema.yaml, source records are the references named in some
provenance's ``sources``.

>>> import socioaffective
>>> kb = socioaffective.load()
>>> "src-sciencestack" in render(kb, "sources")
True
"""

from __future__ import annotations

from .. import links
from . import myst
from .pages import BADGE_ROLE, KIND_ROLE, entry_label

__all__ = ["VIEWS", "render", "source_keys", "source_uses"]


def _role(name: str, value: str) -> str:
    return myst.role(name, value) if myst.is_safe_name(value) else myst.text(value)


def _cell(value) -> str:
    return myst.text(value).replace("|", "\\|")


def _entry_ref(kb, id: str) -> str:
    e = kb.get(id)
    return myst.ref(entry_label(e.id), e.title) if not e.is_reference else myst.cite(e.id)


def _provenances(kb):
    for e in kb.entries():
        if e.provenance:
            yield e, None, e.provenance
        for r in e.relations:
            if r.provenance and not r.provenance.inherited:
                yield e, r, r.provenance


def source_uses(kb) -> dict[str, list[str]]:
    """``{record key: [entry ids whose provenance names it]}``, in framework order."""
    uses: dict[str, list[str]] = {}
    for e, _r, p in _provenances(kb):
        for k in p.sources:
            ids = uses.setdefault(k, [])
            if e.id not in ids:
                ids.append(e.id)
    return uses


def source_keys(kb) -> list[str]:
    """Keys of the source records: references named in a ``sources`` list, or
    marked with the keyword ``provenance-source`` (recorded even if unused)."""
    keys = list(source_uses(kb))
    for k, ref in kb.references.items():
        if "provenance-source" in ref.fields.get("keywords", "") and k not in keys:
            keys.append(k)
    return keys


def sources_view(kb) -> str:
    uses = source_uses(kb)
    rows = ["| Record | What it is | Seen | How we used it | Named by |", "|---|---|---|---|---|"]
    for k in sorted(source_keys(kb)):
        ref = kb.references.get(k)
        if ref is None:
            continue
        f = ref.fields
        what = f.get("sourcetype") or f.get("entry_type", "")
        url = f.get("url", "")
        safe = links.safe_url(url)  # only http(s), percent-encoded (no `|` or `>` to break the table)
        link = f" <{safe}>" if safe else ""
        named = ", ".join(_entry_ref(kb, i) for i in uses.get(k, [])) or "no provenance yet"
        rows.append(
            f"| {myst.cite(k, style='t')}: {_cell(ref.title)}{link} | {_cell(what)} | {_cell(f.get('urldate', 'not recorded'))} "
            f"| {_cell(f.get('usage', ''))} | {named} |"
        )
    n = len(rows) - 2
    return f"{n} source records.\n\n" + "\n".join(rows) + "\n"


def _evidence_relations(kb):
    names = [n for n, rt in kb.schema.relations.items() if rt.section]
    out = []
    for n in names:
        out.extend(kb.relations(relation=n))
    return out


def _evidence_rows(kb, rels) -> list[str]:
    rows = ["| Study | Link | Entry | Effect | Finding, in our words |", "|---|---|---|---|---|"]
    for r in rels:
        rt = kb.schema.relations[r.name]
        t = kb.get(r.target)
        badge = f" {_role(BADGE_ROLE, r.provenance.grade)}" if r.provenance else ""
        rows.append(
            f"| {_entry_ref(kb, r.source)} | {_cell(rt.label)}{badge} | {_entry_ref(kb, t.id)} {_role(KIND_ROLE, t.kind)} "
            f"| {_cell(r.effect or '')} | {_cell(r.note)} |"
        )
    return rows


def evidence_view(kb) -> str:
    """Every study link in one table, then one table per target entry (by kind)."""
    rels = _evidence_relations(kb)
    if not rels:
        return "*No studies yet.*\n"
    out = [
        "## All links\n",
        "Filter the table by an entry of each kind (with JavaScript); the tables after it group the same links by entry.\n",
        "```{container} sa-evidence-table\n" + "\n".join(_evidence_rows(kb, rels)) + "\n```",
    ]
    by_kind: dict[str, dict[str, list]] = {}
    for r in rels:
        t = kb.get(r.target)
        by_kind.setdefault(t.kind, {}).setdefault(t.id, []).append(r)
    for kind_name in kb.schema.kinds:
        targets = by_kind.get(kind_name)
        if not targets:
            continue
        k = kb.schema.kinds[kind_name]
        out.append(f"## By {myst.text(k.label.lower())}\n")
        for tid, trs in targets.items():
            t = kb.get(tid)
            out.append(f"### {myst.text(t.title)}\n\n" + "\n".join(_evidence_rows(kb, trs)))
    return "\n\n".join(out) + "\n"


def version_view(kb) -> str:
    v = kb.schema.framework_version or "unversioned"
    return f"Framework version **{myst.text(v)}** (from `framework/schema.yaml`).\n"


def review_view(kb) -> str:
    from ..review_queue import review_queue

    groups = review_queue(kb)
    if not groups:
        return "*Nothing to review: no claim below grade B is attributed to the paper.*\n"
    n = sum(len(g["items"]) for g in groups)
    out = [f"{n} claims in {len(groups)} entries."]
    for g in groups:
        lines = [f"## {_entry_ref(kb, g['entry'])} {_role(KIND_ROLE, g['kind'])}"]
        for it in g["items"]:
            lines.append(
                f"- {_role(BADGE_ROLE, it['grade'])} **{_cell(it['claim'])}**\n"
                f"  - Question: {myst.text(it['question'])}\n"
                f"  - Where to look: {myst.text(it['where'])}" + (f"\n  - Our note: {myst.text(it['note'])}" if it.get("note") else "")
            )
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


VIEWS = {"sources": sources_view, "evidence": evidence_view, "review-queue": review_view, "version": version_view}


def render(kb, name: str) -> str:
    """The view ``name`` (one of :data:`VIEWS`) as MyST."""
    try:
        return VIEWS[name](kb)
    except KeyError:
        raise ValueError(f"unknown view `{name}` (views: {', '.join(VIEWS)})") from None
