"""What changed between two frameworks: entries, relations and grades.

``diff(old_root, new_root)`` loads two framework folders (for example two git
worktrees) and returns a plain dict, ready for JSON:

- ``versions``: the ``framework_version`` of each side;
- ``entries``: ``added`` and ``removed`` ids, ``changed`` ``{id, fields}``
  where ``fields`` maps a field to ``[old, new]``;
- ``relations``: ``added`` and ``removed`` links ``{source, relation, target}``;
- ``grades``: every provenance whose grade changed, ``{where, old, new}``
  (an entry, or a link ``source --relation--> target``).

>>> from pathlib import Path
>>> d = diff(Path("tests/fixtures/tiny"), Path("tests/fixtures/tiny"))
>>> d["entries"]["added"], d["relations"]["removed"], d["grades"]
([], [], [])
"""

from __future__ import annotations

__all__ = ["diff"]

_COMPARED = ("kind", "title", "summary", "description")


def _kb(root_or_kb):
    from .kb import KnowledgeBase
    from .loader import load

    return root_or_kb if isinstance(root_or_kb, KnowledgeBase) else load(root_or_kb, strict=False)


def _prov(p) -> dict | None:
    return p.to_dict() if p is not None else None


def _links(kb) -> dict:
    out = {}
    for e in kb.entries():
        for r in e.relations:
            out[(r.source, r.name, r.target)] = r
    return out


def diff(old, new) -> dict:
    """The differences from ``old`` to ``new`` (roots or loaded knowledge bases)."""
    a, b = _kb(old), _kb(new)
    ea = {e.id: e for e in a.entries()}
    eb = {e.id: e for e in b.entries()}
    changed = []
    grades = []
    for id in [i for i in eb if i in ea]:
        x, y = ea[id], eb[id]
        fields = {}
        for f in _COMPARED:
            if getattr(x, f) != getattr(y, f):
                fields[f] = [getattr(x, f), getattr(y, f)]
        for f in sorted(set(x.fields) | set(y.fields)):
            if x.fields.get(f) != y.fields.get(f):
                fields[f] = [x.fields.get(f), y.fields.get(f)]
        if _prov(x.provenance) != _prov(y.provenance):
            fields["provenance"] = [_prov(x.provenance), _prov(y.provenance)]
            if x.provenance and y.provenance and x.provenance.grade != y.provenance.grade:
                grades.append({"where": id, "old": x.provenance.grade, "new": y.provenance.grade})
        if fields:
            changed.append({"id": id, "fields": fields})
    la, lb = _links(a), _links(b)
    key = lambda k: {"source": k[0], "relation": k[1], "target": k[2]}  # noqa: E731
    for k in lb:
        if k in la and la[k].provenance and lb[k].provenance and la[k].provenance.grade != lb[k].provenance.grade:
            grades.append({"where": f"{k[0]} --{k[1]}--> {k[2]}", "old": la[k].provenance.grade, "new": lb[k].provenance.grade})
    return {
        "versions": {"old": a.schema.framework_version, "new": b.schema.framework_version},
        "entries": {
            "added": [i for i in eb if i not in ea],
            "removed": [i for i in ea if i not in eb],
            "changed": changed,
        },
        "relations": {
            "added": [key(k) for k in lb if k not in la],
            "removed": [key(k) for k in la if k not in lb],
        },
        "grades": grades,
    }
