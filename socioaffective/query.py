"""Queries over a knowledge base: paths, search and matrices."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import ArgumentError, NoPathError, UnknownKindError, need_text
from .model import Matrix

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .model import Entry


def path(kb: KnowledgeBase, a: str, b: str, relations: list[str] | None = None) -> list[str]:
    """Ids on a shortest path from ``a`` to ``b`` through links of any direction.

    Bib references are left out (every entry citing the paper would otherwise
    be two hops from every other) unless ``a`` or ``b`` is one, or
    ``relations`` names the citing relation.

    Examples
    --------
    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> p = kb.path("sycophancy", "autonomy")
    >>> p[0], p[-1]
    ('sycophancy', 'autonomy')
    """
    import networkx as nx

    kb.get(a), kb.get(b)
    if relations is not None and (isinstance(relations, str) or not all(isinstance(r, str) for r in relations)):
        raise ArgumentError("`relations` must be a list of relation names")
    g = kb.graph
    if relations:
        for r in relations:
            kb.check_relation_name(r)
        keep: set[object] = set(relations)  # (the stubs type edge keys as int; ours are relation names)
        g = nx.subgraph_view(g, filter_edge=lambda u, v, k: k in keep)
    elif not (a in kb.references or b in kb.references):
        refs = kb.references
        g = nx.subgraph_view(g, filter_node=lambda n: n not in refs)
    try:
        return nx.shortest_path(g.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        raise NoPathError(f"no path between `{a}` and `{b}`" + (f" through {', '.join(relations)}" if relations else "")) from None


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\W+", text.lower()) if w]


def search(kb: KnowledgeBase, text: str, kind: str | None = None, limit: int | None = None) -> list[Entry]:
    """Entries containing every word of ``text``, best first.

    A match in the id or title counts most, then the entry's other names
    (fields with ``search: name`` in schema.yaml, such as ``aliases``), then the
    summary, then the description and other fields (except ``search: none``).
    Case-insensitive.

    Examples
    --------
    >>> import socioaffective
    >>> [e.id for e in socioaffective.load().search("sycophancy")][0]
    'sycophancy'
    """
    need_text("text", text)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ArgumentError(f"`limit` must be a whole number >= 0 or None, not `{limit!r:.40}`")
    if limit == 0:
        return []
    words = _words(text)
    if not words:
        return []
    scored = []
    schema = kb.schema
    unsearched: dict[str, set] = {}  # per kind: the fields marked `search: none`
    for e in kb.entries(kind):
        if e.kind not in unsearched:
            unsearched[e.kind] = {n for n, spec in schema.fields_of(e.kind).items() if spec.search == "none"}
        names = " ".join(schema.other_names(e))
        skip = unsearched[e.kind]
        parts = (
            (e.id.replace("-", " ") + " " + e.title.lower(), 8),
            (names.lower(), 4),
            (e.summary.lower(), 2),
            (e.description.lower() + " " + " ".join(str(v) for n, v in e.fields.items() if n not in skip).lower(), 1),
        )
        score = 0
        for w in words:
            best = max((weight for hay, weight in parts if w in hay), default=0)
            if not best:
                break
            score += best
        else:
            phrase = " ".join(words)
            if e.title.lower() == text.lower().strip() or e.id == text.strip():
                score += 100
            elif phrase in e.title.lower() or phrase in e.id.replace("-", " "):
                score += 6
            scored.append((-score, len(e.title), e.id, e))
    scored.sort(key=lambda t: t[:3])
    out = [t[3] for t in scored]
    return out[:limit] if limit is not None else out


def matrix(kb: KnowledgeBase, row_kind: str, col_kind: str, relation: str) -> Matrix:
    """Rows of ``row_kind`` against columns of ``col_kind`` linked by ``relation``.

    The relation may point either way (e.g. needs x principles by ``supports``,
    although principles support needs).

    Examples
    --------
    >>> import socioaffective
    >>> m = socioaffective.load().matrix("dilemma", "need", "engages")
    >>> len(m.rows), len(m.cols)
    (3, 3)
    """
    need_text("relation", relation)
    kb.check_relation_name(relation)
    for k in (row_kind, col_kind):
        need_text("kind", k)
        if k not in kb.schema.kinds:
            raise UnknownKindError(f"no kind `{k}` (kinds: {', '.join(kb.schema.kinds)})")
    rt = kb.schema.relations[relation]
    forward = rt.allows_source(row_kind) and rt.allows_target(col_kind)
    backward = rt.allows_source(col_kind) and rt.allows_target(row_kind)
    if not forward and not backward:
        raise UnknownKindError(f"`{relation}` links neither {row_kind} -> {col_kind} nor {col_kind} -> {row_kind}")
    m = Matrix(kb.entries(row_kind), kb.entries(col_kind), relation, reversed=not forward)
    rows = {e.id for e in m.rows}
    cols = {e.id for e in m.cols}
    for r in kb.relations(relation=relation):
        if forward and r.source in rows and r.target in cols:
            m.cells.setdefault((r.source, r.target), []).append(r)
        elif backward and r.source in cols and r.target in rows:
            m.cells.setdefault((r.target, r.source), []).append(r)
    return m


# -- counts and the glossary (pure queries the book's directives use) -------------


def count_entries(kb: KnowledgeBase, what: str) -> int:
    """How many entries of a kind there are (``all``, ``references`` and ``links`` also count).

    >>> import socioaffective
    >>> count_entries(socioaffective.load(), "need")
    3
    """
    if what == "all":
        return len(kb.entries())
    if what in ("reference", "references"):
        return len(kb.references)
    if what == "links":
        return len([r for r in kb.relations() if r.target not in kb.references])
    return len(kb.entries(what))


def glossary_kinds(kb: KnowledgeBase) -> list[str]:
    """The kinds schema.yaml marks ``glossary: true`` (in schema order)."""
    return [k.name for k in kb.schema.kinds.values() if k.glossary]


def glossary_entries(kb: KnowledgeBase, kind: str = "") -> list[Entry]:
    """Entries of the glossary: of ``kind`` (space-separated kinds), or of every
    glossary kind; an entry whose ``in_glossary`` field (schema.yaml) is ``false`` stays out."""
    kinds = kind.split() if kind.strip() else glossary_kinds(kb)
    out = [e for k in kinds for e in kb.entries(k) if kb.schema.in_glossary(e)]
    return sorted(out, key=lambda e: (e.title.lower(), e.id))
