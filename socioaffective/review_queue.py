"""The review queue: every claim below grade B that is attributed to the paper.

Whoever can read the paper's full text can work through it: each item says
what to check ("does the paper map this dilemma to competence?") and where to
look. Upgrading a checked claim is a one-line YAML edit (its grade and a
``locator`` with the section or page), recorded by raising
``framework_version`` and a line in ``framework/CHANGES.md``.

Driven by the schema: "attributed to the paper" means the provenance's source
is one that some paper-claim grade (``paper_claim: true``) also uses; "below
B" means a grade that is not a paper claim; where to look comes from the
locator, else the kind's ``review_hint`` in schema.yaml.

>>> import socioaffective
>>> groups = review_queue(socioaffective.load())
>>> any(i["relation"] == "engages" for g in groups for i in g["items"])
True
"""

from __future__ import annotations

__all__ = ["paper_sources", "review_queue"]


def paper_sources(kb) -> set[str]:
    """Sources used with a paper-claim grade somewhere: the paper(s) themselves."""
    grades = kb.schema.grades
    out = set()
    for e in kb.entries():
        for p in [e.provenance] + [r.provenance for r in e.relations]:
            if p is not None and p.grade in grades and grades[p.grade].paper_claim:
                out.add(p.source)
    return out


def _where(kb, entry, prov, paper: str) -> str:
    if prov.locator:
        return f"{prov.locator} (as recorded)"
    kind = kb.schema.kinds.get(entry.kind)
    hint = kind.review_hint if kind and kind.review_hint else "the full text"
    ref = kb.references.get(paper)
    doi = ref.fields.get("doi") if ref is not None else ""
    return hint + (f"; full text at https://doi.org/{doi}" if doi else "")


def review_queue(kb) -> list[dict]:
    """Claims below grade B attributed to the paper, grouped by entry (framework order).

    Each group: ``{entry, kind, title, file, line, items}``; each item:
    ``{claim, grade, badge, relation, target, question, where, note, sources, file, line}``.
    """
    grades = kb.schema.grades
    papers = paper_sources(kb)
    groups = []
    for e in kb.entries():
        items = []
        p = e.provenance
        if p is not None and p.source in papers and p.grade in grades and not grades[p.grade].paper_claim:
            items.append(
                {
                    "claim": e.summary or e.title,
                    "grade": p.grade,
                    "badge": grades[p.grade].badge,
                    "relation": None,
                    "target": None,
                    "question": f"Does the paper say this, as its own claim: \u201c{e.summary or e.title}\u201d?",
                    "where": _where(kb, e, p, p.source),
                    "note": p.note,
                    "sources": list(p.sources),
                    "file": e.file,
                    "line": e.line_of("provenance"),
                }
            )
        for r in e.relations:
            rp = r.provenance
            if rp is None or rp.inherited or rp.source not in papers or rp.grade not in grades or grades[rp.grade].paper_claim:
                continue
            rt = kb.schema.relations[r.name]
            target = kb.get(r.target)
            if rt.cites_references and r.target in papers:
                # a citation of the paper itself: the claim is what the link's note records
                question = f"Does the paper say this about {e.title}: \u201c{rp.note or r.note or e.summary}\u201d?"
                claim = f"{e.title}: {rp.note or r.note or e.summary}"
            elif rt.cites_references:
                question = f"Does the paper draw on {target.title} for \u201c{e.title}\u201d?"
                claim = f"{e.title} {rt.label} {target.title}"
            else:
                question = f"Does the paper say that {e.title} {rt.label} {target.title}?"
                claim = f"{e.title} \u2014 {rt.label} \u2192 {target.title}"
            items.append(
                {
                    "claim": claim,
                    "grade": rp.grade,
                    "badge": grades[rp.grade].badge,
                    "relation": r.name,
                    "target": r.target,
                    "question": question,
                    "where": _where(kb, e, rp, rp.source),
                    "note": rp.note or r.note,
                    "sources": list(rp.sources),
                    "file": r.file,
                    "line": r.line,
                }
            )
        if items:
            groups.append({"entry": e.id, "kind": e.kind, "title": e.title, "file": e.file, "line": e.line, "items": items})
    return groups
