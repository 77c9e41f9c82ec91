"""The framework as a networkx graph, and neighbourhoods of it."""

from __future__ import annotations

import networkx as nx


def _scalar_fields(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k not in ("kind", "title")}


def build_graph(kb) -> nx.MultiDiGraph:
    """A ``MultiDiGraph``: one node per entry and bib reference, one edge per link.

    Node attributes: ``kind``, ``title``, ``summary``, ``description``,
    ``provenance_source``, ``provenance_grade``, ``file``, ``line`` and the
    entry's own fields. Edge key and attribute ``relation`` name the relation;
    edges also carry ``provenance_source``, ``provenance_grade``,
    ``inherited``, ``locator`` and ``note``.

    Examples
    --------
    >>> import socioaffective
    >>> g = build_graph(socioaffective.load())
    >>> g.has_edge("present-vs-future-self", "competence", key="engages")
    True
    """
    g = nx.MultiDiGraph(name="socioaffective")
    # Filled through networkx's own storage (what add_node/add_edge do, minus
    # their per-call checks and keyword copies): 3-4x faster at 100k entries.
    # tests/test_benchmarks.py checks the result equals the add_edge one.
    node, succ, pred = g._node, g._succ, g._pred
    for e in list(kb.entries()) + list(kb.references.values()):
        attrs = _scalar_fields(e.fields)
        prov = e.provenance
        attrs.update(
            kind=e.kind,
            title=e.title,
            summary=e.summary,
            description=e.description,
            provenance_source=prov.source if prov else "",
            provenance_grade=prov.grade if prov else "",
            file=e.file,
            line=e.line,
        )
        if e.id in node:
            node[e.id].update(attrs)
        else:
            node[e.id] = attrs
            succ[e.id] = {}
            pred[e.id] = {}
    for r in kb.relations():
        u, v = r.source, r.target
        for n in (u, v):
            if n not in succ:
                node[n] = {}
                succ[n] = {}
                pred[n] = {}
        p = r.provenance
        data = {
            "relation": r.name,
            "provenance_source": p.source if p else "",
            "provenance_grade": p.grade if p else "",
            "inherited": bool(p and p.inherited),
            "locator": r.locator,
            "note": r.note,
        }
        keydict = succ[u].get(v)
        if keydict is None:
            succ[u][v] = pred[v][u] = {r.name: data}
        elif r.name in keydict:
            keydict[r.name].update(data)
        else:
            keydict[r.name] = data
    if hasattr(nx, "_clear_cache"):
        nx._clear_cache(g)
    return g


def neighbourhood(graph: nx.MultiDiGraph, ids: list[str], depth: int = 1) -> nx.MultiDiGraph:
    """The subgraph of nodes within ``depth`` hops of any of ``ids`` (either direction).

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(neighbourhood(g, ["a"], 2))
    ['a', 'b', 'c']
    """
    from .errors import UnknownIdError

    keep: set[str] = set()
    frontier = set()
    for i in ids:
        if i not in graph:
            raise UnknownIdError(i)
        frontier.add(i)
    keep |= frontier
    for _ in range(max(depth, 0)):
        nxt = set()
        for n in frontier:
            nxt.update(graph.successors(n))
            nxt.update(graph.predecessors(n))
        frontier = nxt - keep
        keep |= frontier
        if not frontier:
            break
    return graph.subgraph(keep).copy()
