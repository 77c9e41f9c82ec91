"""Layout benchmarks: how fast the big-graph layout is, and how well it shows the graph's shape.

A layout is good when nodes a few links apart are drawn near each other and
nodes many links apart far from each other. The figure for that is the
*distance Spearman*: the rank correlation between the graph's shortest-path
distance and the layout's Euclidean distance, over every node's distance from
``sources`` sampled nodes (1.0: the drawing orders all distances as the graph
does). The test graph is a random geometric graph
(``networkx.random_geometric_graph``: points in the unit square, linked when
closer than a radius), which has a true 2-D shape to recover; its largest
connected component is laid out. The framework's own synthetic graphs
(random links) have no shape to recover, so only their layout time is
measured (:mod:`benchmarks.book`).

:func:`measure` times :func:`socioaffective.graph.force_layout` (wall clock
and CPU of this process) and scores it, and scores the random start the
layout had before (``start="random"``) in the same run. The machine's load
average is recorded before and after, as for every other figure.
"""

from __future__ import annotations

import math
import os
import time

from .engine import stat

#: Mean number of links per node of the test graphs (the radius follows from it).
DEGREE = 10
#: Seed of the test graphs and of the sampled sources.
SEED = 3


def random_geometric(n: int, degree: float = DEGREE, seed: int = SEED):
    """The largest connected component of a seeded random geometric graph on ``n`` points.

    The radius gives about ``degree`` links per node (``n * pi * r**2 = degree``).
    """
    import networkx as nx

    radius = math.sqrt(degree / (math.pi * n))
    g = nx.random_geometric_graph(n, radius, seed=seed)
    biggest = max(nx.connected_components(g), key=lambda c: (len(c), min(c)))
    return nx.Graph(g.subgraph(biggest))


def spearman(a, b) -> float:
    """Spearman's rank correlation of two equally long sequences (average ranks for ties).

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40]), spearman([1, 2, 3], [3, 2, 1])
    (1.0, -1.0)
    """
    import numpy as np
    from scipy.stats import rankdata

    ra, rb = rankdata(np.asarray(a, dtype=float)), rankdata(np.asarray(b, dtype=float))
    ra -= ra.mean()
    rb -= rb.mean()
    den = math.sqrt(float((ra * ra).sum()) * float((rb * rb).sum()))
    return float((ra * rb).sum() / den) if den else float("nan")


def distance_spearman(graph, pos: dict, sources: int = 150, seed: int = SEED) -> float:
    """The distance Spearman of the layout ``pos`` of ``graph`` (see the module docstring).

    Pairs of ``sources`` seeded sampled nodes with every other node they can
    reach; a graph with fewer nodes uses every node as a source.
    """
    import networkx as nx
    import numpy as np
    from scipy.sparse.csgraph import shortest_path

    nodes = sorted(graph)
    adj = nx.to_scipy_sparse_array(graph, nodelist=nodes, format="csr", dtype=float)
    rng = np.random.default_rng(seed)
    src = np.sort(rng.choice(len(nodes), size=min(sources, len(nodes)), replace=False))
    hops = shortest_path(adj, unweighted=True, directed=False, indices=src)
    xy = np.array([pos[v] for v in nodes], dtype=float)
    far = np.sqrt(((xy[src][:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
    keep = np.isfinite(hops) & (hops > 0)
    return spearman(hops[keep], far[keep])


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not POSIX
        return None


def measure(n: int, repeat: int = 3, *, baseline: bool = True, seed: int = 7) -> dict:
    """Time and quality of the layout of a ``n``-point random geometric graph.

    Returns ``{"points", "nodes", "edges", "seconds", "seconds_cpu", "spearman",
    "deterministic", "random_start", "load_before", "load_after"}``; times are
    :func:`~benchmarks.engine.stat` dicts, ``random_start`` the Spearman of the
    old random start (``None`` without ``baseline``).
    """
    from socioaffective.graph import force_layout

    g = random_geometric(n)
    nodes, edges = sorted(g), sorted(g.edges())
    out: dict = {"points": n, "nodes": len(nodes), "edges": len(edges), "load_before": _load()}
    wall, cpu, layouts = [], [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        layouts.append(force_layout(nodes, edges, seed=seed))
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    out["seconds"], out["seconds_cpu"] = stat(wall), stat(cpu)
    out["spearman"] = distance_spearman(g, layouts[0])
    out["deterministic"] = all(p == layouts[0] for p in layouts[1:])
    out["random_start"] = distance_spearman(g, force_layout(nodes, edges, seed=seed, start="random")) if baseline else None
    out["load_after"] = _load()
    return out


def figures(runs: dict[int, dict]) -> list[dict]:
    """The rows of the table: for each size, the layout's CPU time and its distance Spearman."""
    from . import report

    F = report.figure
    figs = []
    for n in sorted(runs):
        r = runs[n]
        big = n >= 5000
        size = f"random geometric graph, {r['nodes']:,} nodes, {r['edges']:,} links"
        load = f"load average {r['load_before'][0]:g} before, {r['load_after'][0]:g} after" if r["load_before"] and r["load_after"] else "load not known"
        figs.append(
            F(
                f"layout-rgg-{n}",
                f"big-graph layout, {size} (CPU s)",
                r["seconds_cpu"],
                "s",
                target="<= 3 s" if big else "",
                limit=3.0 if big else None,
                against="value",
                note=f"wall clock {report.fmt(r['seconds'], 's')}; {load}",
            )
        )
        base = r["random_start"]
        figs.append(
            F(
                f"layout-quality-{n}",
                f"layout quality, {size} (distance Spearman)",
                r["spearman"],
                "",
                floor=base,
                floor_label="the random start" if base is not None else "",
                target=">= 0.95" if big else "",
                met=(r["spearman"] >= 0.95 and r["deterministic"]) if big else None,
                note=("the same layout on every run" if r["deterministic"] else "NOT the same layout on every run")
                + (f"; from a random start: {base:.2f}" if base is not None else ""),
            )
        )
    return figs


def run_all(sizes=(1000, 5000), repeat: int = 3, log=print) -> tuple[list[dict], dict]:
    """Every layout figure and the raw measurements (``{str(n): measure(n)}``)."""
    runs = {}
    for n in sizes:
        log(f"laying out a {n:,}-point random geometric graph ...")
        runs[n] = measure(n, repeat)
    return figures(runs), {str(n): r for n, r in runs.items()}
