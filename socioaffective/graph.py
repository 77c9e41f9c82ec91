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


#: Shift-invert needs a sparse LU of the Laplacian; beyond this n x bandwidth² (after a
#: Cuthill-McKee ordering) the LU fills in and plain Lanczos, fast on such graphs, is used.
_LU_WORK = 2e9


def _eigen_coords(lap: Any, size: int, rng: Any) -> Any:
    """The Fiedler pair of a connected component's Laplacian (``size`` x 2), or None.

    Dense and exact up to 400 nodes. Larger: ARPACK, in shift-invert mode
    when the graph is mesh-like (a small bandwidth: a cheap LU, and the only
    mode that converges fast on such graphs, whose smallest eigenvalues lie
    close together), else in plain mode (random-like graphs, where the LU
    would fill in but the eigenvalues are well apart). None when ARPACK does
    not converge within its budget.
    """
    import numpy as np

    if size <= 400:  # milliseconds at this size
        _, vecs = np.linalg.eigh(lap.toarray())
        return vecs[:, 1:3]
    from scipy.sparse import coo_array, identity
    from scipy.sparse.csgraph import reverse_cuthill_mckee
    from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, eigsh

    lap = lap.tocsr()
    order = reverse_cuthill_mckee(lap, symmetric_mode=True)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(size)
    tri = coo_array(lap)
    bandwidth = int(np.abs(inverse[tri.row] - inverse[tri.col]).max())
    v0 = rng.random(size) + 0.5
    try:
        if size * bandwidth**2 <= _LU_WORK:  # around just below 0: a sparse LU, then a few fast steps
            vals, vecs = eigsh((lap + 1e-3 * identity(size)).tocsc(), k=3, sigma=0.0, which="LM", v0=v0)
        else:
            vals, vecs = eigsh(lap, k=3, which="SA", v0=v0, maxiter=20 * size)
    except (ArpackError, ArpackNoConvergence, RuntimeError, ValueError, MemoryError):
        return None
    return vecs[:, np.argsort(vals)[1:3]]


def _ranks(coords: Any) -> Any:
    """Each column replaced by its ranks (ties in node order), scaled to [0, 1]."""
    import numpy as np

    out = np.empty_like(coords, dtype=float)
    for axis in range(coords.shape[1]):
        out[np.argsort(coords[:, axis], kind="stable"), axis] = np.arange(len(coords))
    return out / max(len(coords) - 1, 1)


def spectral_start(n: int, pairs: Iterable[tuple[int, int]], *, seed: int = 7) -> Any:
    """Start positions (``n`` x 2 in [0, 1]²) from each connected component's spectrum.

    Each component with 3 or more nodes is placed by the two eigenvectors of
    its graph Laplacian after the constant one (Hall's spectral layout: nodes
    a few links apart get near values), each replaced by its ranks so that
    nodes spread evenly instead of crowding where the eigenvectors flatten
    out, in a square whose area grows with the component's number of nodes.
    Components are then packed in rows, largest first. ``pairs`` is an
    ``m`` x 2 integer array of undirected links. Needs numpy and scipy.

    Fallback: a component whose eigenvectors ARPACK cannot compute within its
    budget gets seeded random positions in its square (the start every node
    had before). Deterministic for a given ``seed``: the solver's start
    vector comes from it and eigenvector signs are fixed (largest entry
    positive).

    >>> import numpy as np
    >>> p = spectral_start(4, np.array([[0, 1], [1, 2], [2, 3]]))
    >>> p.shape, bool(p.min() >= 0 and p.max() <= 1)
    ((4, 2), True)
    """
    import numpy as np
    from scipy.sparse import coo_array, diags
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(seed)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    adj = coo_array((np.ones(2 * len(pairs)), (np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]])), shape=(n, n)).tocsr()
    adj.data[:] = 1.0  # repeated links count once
    count, labels = connected_components(adj, directed=False)
    members = [np.flatnonzero(labels == c) for c in range(count)]
    members.sort(key=lambda m: (-len(m), int(m[0])))
    boxes = []
    for m in members:
        size = len(m)
        side = np.sqrt(size)
        if size == 1:
            local = np.full((1, 2), 0.5)
        elif size == 2:
            local = np.array([[0.0, 0.5], [1.0, 0.5]])
        else:
            sub = adj[m][:, m]
            lap = diags(np.asarray(sub.sum(axis=1)).ravel()) - sub
            coords = _eigen_coords(lap, size, rng)
            if coords is None:
                local = rng.random((size, 2))
            else:
                coords = coords * np.where(coords[np.abs(coords).argmax(axis=0), [0, 1]] < 0, -1.0, 1.0)
                local = _ranks(coords)
        boxes.append((m, local * side, side))
    # shelf packing: rows about as wide as the whole would be square, a node's spacing apart
    width = max(np.sqrt(n) * 1.2, boxes[0][2])
    pos = np.zeros((n, 2))
    x = y = row = 0.0
    for m, local, side in boxes:
        if x > 0 and x + side > width:
            x, y, row = 0.0, y + row + 1.0, 0.0
        pos[m] = local + (x, y)
        x += side + 1.0
        row = max(row, side)
    low = pos.min(axis=0)
    return (pos - low) / max(float((pos.max(axis=0) - low).max()), 1e-12)


def force_layout(nodes: Iterable[Any], edges: Iterable[tuple[Any, Any]], *, seed: int = 7, iterations: int = 60, start: str = "spectral") -> dict:
    """Positions in [-1, 1]² for a large graph, in about 1.5 s (CPU) for 5,000 nodes.

    Fruchterman-Reingold where nodes repel exactly only within ``3k`` of each
    other (found with a k-d tree) and, farther away, as the masses of a coarse
    16x16 grid. A step costs O(n) instead of networkx's O(n²). It starts from
    :func:`spectral_start` (``start="spectral"``, the default), which already
    places nodes near their graph neighbours and each connected part apart
    from the others, so the force steps only even it out. On a 5,000-node
    random geometric graph the layout's distances then follow the graph's
    shortest-path distances with a Spearman correlation of 0.99, against
    0.17 from a seeded random start (``start="random"``, the layout before
    the spectral start; ``python -m benchmarks`` measures both). Deterministic
    for a given ``seed``. Needs numpy and scipy (the ``graph`` extra): without
    them it raises ImportError, which callers that can do without positions
    (the GraphML and GEXF exports) catch.

    >>> pos = force_layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos), all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in pos.values())
    (['a', 'b', 'c'], True)
    """
    try:
        import numpy as np
        from scipy.spatial import cKDTree
    except ImportError as exc:
        raise ImportError(f"force_layout needs numpy and scipy: pip install 'socioaffective[graph]' ({exc})") from exc

    nodes = list(nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if start not in ("spectral", "random"):
        raise ValueError(f"start must be 'spectral' or 'random', not {start!r}")
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in edges if u in index and v in index and u != v], dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    pos = spectral_start(n, pairs, seed=seed) if start == "spectral" else rng.random((n, 2))
    k = 1.0 / np.sqrt(n)
    cutoff = 3 * k
    grid = 16
    temp = 0.1 if start == "random" else 0.05
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
        # n x cells arrays in single precision: the far field is an approximation anyway, and this is
        # most of a step's time
        p32 = pos.astype(np.float32)
        dx = p32[:, 0:1] - (np.bincount(flat, pos[:, 0], grid * grid)[used] / m).astype(np.float32)[None, :]
        dy = p32[:, 1:2] - (np.bincount(flat, pos[:, 1], grid * grid)[used] / m).astype(np.float32)[None, :]
        w = dx * dx
        w += dy * dy
        np.maximum(w, np.float32(cutoff * cutoff), out=w)  # nearer than the cut-off: done exactly above
        np.divide((m * (k * k)).astype(np.float32), w, out=w)
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
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, pos, strict=True)}
