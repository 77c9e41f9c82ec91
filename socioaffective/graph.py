"""The framework as a networkx graph, and neighbourhoods of it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from .kb import KnowledgeBase


def _scalar_fields(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k not in ("kind", "title")}


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
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
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="socioaffective")
    # Filled through networkx's own storage (what add_node/add_edge do, minus
    # their per-call checks and keyword copies): 3-4x faster at 100k entries.
    # tests/test_benchmarks.py checks the result equals the add_edge one.
    node, succ, pred = g._node, g._succ, g._pred  # type: ignore[attr-defined]  # networkx internals, on purpose (above)
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
        nxt: set[str] = set()
        for n in frontier:
            nxt.update(graph.successors(n))
            nxt.update(graph.predecessors(n))
        frontier = nxt - keep
        keep |= frontier
        if not frontier:
            break
    return graph.subgraph(keep).copy()


def force_layout(nodes: Iterable[Any], edges: Iterable[tuple[Any, Any]], *, seed: int = 7, iterations: int = 60) -> dict:
    """Positions in [-1, 1]² for a large graph, in about a second for 5,000 nodes.

    Fruchterman-Reingold where nodes repel exactly only within ``3k`` of each
    other (found with a k-d tree) and, farther away, as the masses of a coarse
    16x16 grid. A step costs O(n) instead of networkx's O(n²). Deterministic for a given ``seed``. Needs numpy and
    scipy (the ``graph`` extra).

    >>> pos = force_layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos), all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in pos.values())
    (['a', 'b', 'c'], True)
    """
    import numpy as np
    from scipy.spatial import cKDTree

    nodes = list(nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in edges if u in index and v in index and u != v], dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = 1.0 / np.sqrt(n)
    cutoff = 3 * k
    grid = 16
    temp = 0.1
    cool = temp / (iterations + 1)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        close = cKDTree(pos).query_pairs(cutoff, output_type="ndarray")
        if len(close):
            i, j = close[:, 0], close[:, 1]
            delta = pos[i] - pos[j]
            dist2 = np.maximum((delta**2).sum(axis=1), 1e-8 * k * k)
            f = (k * k / dist2)[:, None] * delta  # k²/d along the unit vector
            for axis in (0, 1):
                disp[:, axis] += np.bincount(i, f[:, axis], n) - np.bincount(j, f[:, axis], n)
        # far field: every node is pushed by the mass of each cell of a coarse grid
        low = pos.min(axis=0)
        span = np.maximum(pos.max(axis=0) - low, 1e-12)
        cell = np.minimum(((pos - low) / span * grid).astype(np.int64), grid - 1)
        flat = cell[:, 0] * grid + cell[:, 1]
        mass = np.bincount(flat, minlength=grid * grid)
        used = np.nonzero(mass)[0]
        m = mass[used].astype(float)
        dx = pos[:, 0:1] - (np.bincount(flat, pos[:, 0], grid * grid)[used] / m)[None, :]
        dy = pos[:, 1:2] - (np.bincount(flat, pos[:, 1], grid * grid)[used] / m)[None, :]
        w = dx * dx
        w += dy * dy
        np.maximum(w, cutoff * cutoff, out=w)  # nearer than the cut-off: done exactly above
        np.divide(m * (k * k), w, out=w)
        disp[:, 0] += (dx * w).sum(axis=1)
        disp[:, 1] += (dy * w).sum(axis=1)
        if len(pairs):
            u, v = pairs[:, 0], pairs[:, 1]
            delta = pos[u] - pos[v]
            dist = np.sqrt((delta**2).sum(axis=1))
            f = (dist / k)[:, None] * delta  # d²/k along the unit vector
            for axis in (0, 1):
                disp[:, axis] -= np.bincount(u, f[:, axis], n) - np.bincount(v, f[:, axis], n)
        disp -= (pos - 0.5) * k  # a faint pull to the middle keeps loose parts near
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-12)
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp -= cool
    pos -= pos.mean(axis=0)
    scale = np.abs(pos).max() or 1.0
    pos /= scale
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, pos)}
