"""Interactive graphs for the book: vis-network data and a standalone graph page.

Pure functions: the knowledge base (and a function giving each entry's URL) in,
plain data or an HTML string out. The Sphinx extension writes the files.

- :func:`neighbourhood_ids` picks the entries shown around one entry.
- :func:`layout` computes deterministic positions (networkx, fixed seed), so a
  graph is drawn at once with physics off.
- :func:`graph_data` builds the nodes, edges and legend that vis-network draws.
- :func:`graph_page` wraps them in a small HTML page that loads the shared
  vis-network files; the data travels as JSON in two
  ``<script type="application/json">`` blocks (:func:`script_json`): what
  vis-network draws, in the shape it takes, and the text read on demand
  (:func:`page_data`). Every label and tooltip is a plain string that
  vis-network renders as text.
- :func:`graph_table` is the same information as an accessible HTML table.

>>> import socioaffective
>>> kb = socioaffective.load()
>>> data = graph_data(kb, ["autonomy", "protecting-autonomy"], {"autonomy": (0, 0), "protecting-autonomy": (100, 0)})
>>> sorted(n["id"] for n in data["nodes"]), [e["relation"] for e in data["edges"]]
(['autonomy', 'protecting-autonomy'], ['engages'])
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from importlib import resources
from string import Template
from typing import Any

from .matrix import css_name

__all__ = [
    "SHAPES",
    "graph_data",
    "graph_page",
    "page_data",
    "graph_table",
    "layout",
    "layout_key",
    "neighbourhood_ids",
    "script_json",
]

#: vis-network node shapes we pass through from schema.yaml; anything else becomes ``dot``.
SHAPES = frozenset({"dot", "star", "diamond", "square", "triangle", "triangleDown", "hexagon", "ellipse", "box", "circle", "database", "text"})
#: Shapes vis-network draws around their label (so long labels make big shapes).
INSIDE_SHAPES = frozenset({"ellipse", "box", "circle", "database", "text"})
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")  # fullmatch
FALLBACK_COLOR = "#888888"


def kind_color(kind) -> str:
    """The kind's colour if it is a plain ``#rgb``/``#rrggbb`` value, else grey."""
    c = getattr(kind, "color", "") or ""
    return c if isinstance(c, str) and _COLOR.fullmatch(c) else FALLBACK_COLOR


def kind_shape(kind) -> str:
    s = getattr(kind, "shape", "") or ""
    return s if s in SHAPES else "dot"


def _entry_ids(kb) -> set[str]:
    return {e.id for e in kb.entries()}


def neighbourhood_ids(kb, id: str, max_nodes: int = 24) -> tuple[list[str], int]:
    """The entries within 2 hops of ``id`` (1 hop if 2 would exceed ``max_nodes``).

    Bib references are left out: nearly every entry cites the paper, so they
    would join everything to everything. So are entries of kinds the schema
    marks ``neighbourhood: false`` (the kinds that apply the framework, such as
    crosswalk items and scenarios, which their own page sections list), except
    ``id`` itself. Returns ``(ids, depth)``, ``id`` first.

    >>> import socioaffective
    >>> ids, depth = neighbourhood_ids(socioaffective.load(), "social-reward-hacking")
    >>> ids[0], depth
    ('social-reward-hacking', 1)
    """
    from ..errors import UnknownIdError

    kinds = kb.schema.kinds
    if id not in kb._entries or id in kb.references:
        raise UnknownIdError(id)
    shown: dict[str, bool] = {}

    def keep(n: str) -> bool:  # an entry of a kind the neighbourhood shows (not a bib reference)
        if n not in shown:
            shown[n] = n not in kb.references and getattr(kinds.get(kb.get(n).kind), "neighbourhood", True)
        return shown[n]

    # breadth first over the kept entries, both directions, on the knowledge base's own
    # link indexes (the neighbours ``kb.graph`` has, without importing networkx and
    # building it: an incremental build that re-checks a few graphs needs neither)
    out, inn = kb._out, kb._in
    layers = [{id}]
    seen = {id}
    for _ in range(2):
        nxt = {m for n in layers[-1] for m in (*(r.target for r in out.get(n, ())), *(r.source for r in inn.get(n, ()))) if m not in seen and keep(m)}
        seen |= nxt
        layers.append(nxt)
    depth = 2
    nodes = seen
    if len(nodes) > max_nodes:
        depth = 1
        nodes = layers[0] | layers[1]
    return [id] + sorted(n for n in nodes if n != id), depth


def _edges(kb, ids: set[str]) -> list:
    return [r for r in kb.relations() if r.source in ids and r.target in ids]


#: Graphs with more entries than this are drawn by level of detail (no labels until zoomed in).
#: The whole framework (127 entries) is one: at its default zoom its labels would be 2-7 px anyway.
LOD_NODES = 100

#: Bumped whenever :func:`layout` changes, so cached layouts are recomputed.
LAYOUT_VERSION = 5


def layout_key(kb, ids) -> str:
    """A content hash of the graph on ``ids``: equal keys give equal layouts."""
    ids = sorted(ids)
    edges = sorted((r.source, r.name, r.target) for r in _edges(kb, set(ids)))
    return hashlib.sha256(json.dumps([LAYOUT_VERSION, ids, edges]).encode()).hexdigest()[:20]


def _memoized(fn):
    """Lay a graph out once per process: the book's explorer and the GraphML and
    GEXF exports ask for the same layout (keyed by :func:`layout_key`)."""
    import functools

    memo: dict = {}

    @functools.wraps(fn)
    def wrapper(kb, ids, center=None, seed=7, unit=58.0, aspect=1.8):
        key = (layout_key(kb, ids), center, seed, unit, aspect)
        if key not in memo:
            memo[key] = fn(kb, ids, center=center, seed=seed, unit=unit, aspect=aspect)
        return dict(memo[key])

    def remember(kb, ids, positions, center=None, seed=7, unit=58.0, aspect=1.8):
        """Keep a layout read from a cache (the book's) for later calls."""
        memo[(layout_key(kb, ids), center, seed, unit, aspect)] = dict(positions)

    wrapper.remember = remember  # type: ignore[attr-defined]  # the book hands its cached layouts to the memo
    return wrapper


@_memoized
def layout(kb, ids, center: str | None = None, seed: int = 7, unit: float = 58.0, aspect: float = 1.8) -> dict[str, tuple[int, int]]:
    """Positions for the entries ``ids``, deterministic for a given graph.

    A neighbourhood (``center`` given) is radial: the centre in the middle,
    one ring per hop, each outer entry next to the inner ones it links to. A
    whole graph uses :func:`stress_layout` on each connected part (up to 150 nodes) or
    :func:`~socioaffective.graph.force_layout` (larger: each part's spectral
    layout, packed, then evened out by forces). The result fills a rectangle
    ``aspect`` times wider than high, about ``unit * sqrt(len(ids))`` high,
    matching the wide frames the book shows graphs in. Positions are integers.
    """
    import math

    import networkx as nx

    ids = sorted(ids)
    if not ids:
        return {}
    g: nx.Graph[str] = nx.Graph()
    g.add_nodes_from(ids)
    for r in _edges(kb, set(ids)):
        if r.source != r.target:
            g.add_edge(r.source, r.target)
    n = len(ids)
    if n == 1:
        return {ids[0]: (0, 0)}
    if center is not None and center in g:
        pos = _radial(kb, g, center)
    elif n <= 150:
        pos = {}
        parts = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
        cursor = 0.0
        for part in parts:
            p: dict[str, Any]
            if len(part) > 2:
                p = stress_layout(g.subgraph(part))
            else:
                p = {x: (0.0, i * 0.5) for i, x in enumerate(part)}
            size = math.sqrt(len(part))
            p = {k: (x * size, y * size) for k, (x, y) in p.items()}
            left = min(x for x, _ in p.values())
            right = max(x for x, _ in p.values())
            for node, (x, y) in p.items():
                pos[node] = (x - left + cursor, y)
            cursor += right - left + 0.6
        xs = [x for x, _ in pos.values()]
        mid = (max(xs) + min(xs)) / 2
        pos = {k: (x - mid, y) for k, (x, y) in pos.items()}
    else:  # from a spectral start: networkx's spring layout is quadratic (45 s at 5,000 nodes) and tangles
        from ..graph import force_layout

        pos = force_layout(ids, g.edges(), seed=seed)
    pos = _spread(pos, aspect, fixed=center)
    half = unit * math.sqrt(n) / 2
    return {k: (round(x * half), round(y * half)) for k, (x, y) in pos.items()}


def stress_layout(g, *, iterations: int = 300, tol: float = 1e-4) -> dict:
    """Positions of a small connected graph (max ``|coordinate|`` 1, centred on 0)
    whose distances follow its shortest-path distances.

    It minimises the energy Kamada-Kawai's layout minimises (the stress
    ``sum((|p_i - p_j| - d_ij)² / d_ij²)``) by stress majorization (SMACOF: each
    step solves a linear problem and never raises the stress), from the classical
    multidimensional scaling of the distances, and stops when a step lowers the
    stress by less than ``tol`` of it. On this book's graphs of 80-130 nodes it
    ends within 1 % of networkx's ``kamada_kawai_layout`` (whose optimiser
    starts from a circle) in about a tenth of the time, and needs numpy only.
    Each axis is turned so that its farthest node is on the positive side, so
    the result does not depend on the signs an eigensolver picks.

    >>> import networkx as nx
    >>> pos = stress_layout(nx.path_graph(["a", "b", "c"]))
    >>> round(abs(pos["a"][0] - pos["c"][0]), 6), abs(round(pos["b"][0], 6))
    (2.0, 0.0)
    """
    import numpy as np

    nodes = sorted(g)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    adjacent = [[index[w] for w in g.neighbors(v) if w != v] for v in nodes]
    dist = np.zeros((n, n))
    for a in range(n):  # breadth first from each node (networkx's all-pairs walk costs 8x more here)
        seen = {a: 0}
        frontier = [a]
        hop = 0
        while frontier:
            hop += 1
            nxt = []
            for u in frontier:
                for w in adjacent[u]:
                    if w not in seen:
                        seen[w] = hop
                        nxt.append(w)
            frontier = nxt
        row = dist[a]
        for other, hops in seen.items():
            row[other] = hops
    if (dist[~np.eye(n, dtype=bool)] == 0).any():
        raise ValueError("stress_layout needs a connected graph")
    # classical scaling: the top two eigenvectors of the double-centred squared distances
    centre = np.eye(n) - 1.0 / n
    vals, vecs = np.linalg.eigh(-0.5 * centre @ (dist**2) @ centre)
    pos = vecs[:, -2:][:, ::-1] * np.sqrt(np.maximum(vals[-2:][::-1], 0.0))
    weight = np.zeros((n, n))
    off = ~np.eye(n, dtype=bool)
    weight[off] = 1.0 / dist[off] ** 2
    lap = np.diag(weight.sum(axis=1)) - weight
    lap_inv = np.linalg.pinv(lap)
    iu = np.triu_indices(n, 1)

    def stress(p):
        d = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(axis=-1))
        return float((weight[iu] * (d[iu] - dist[iu]) ** 2).sum()), d

    last, d = stress(pos)
    for _ in range(iterations):
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(d > 0, -weight * dist / d, 0.0)
        np.fill_diagonal(b, 0.0)
        np.fill_diagonal(b, -b.sum(axis=1))
        pos = lap_inv @ (b @ pos)
        now, d = stress(pos)
        if last - now < tol * last:
            break
        last = now
    pos -= pos.mean(axis=0)
    for axis in (0, 1):
        if pos[np.abs(pos[:, axis]).argmax(), axis] < 0:
            pos[:, axis] *= -1
    pos /= np.abs(pos).max() or 1.0
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, pos, strict=True)}


def _close_push(p, dmin: float):
    """What :func:`_spread`'s dense step computes, from a k-d tree's close pairs; None if none."""
    import numpy as np
    from scipy.spatial import cKDTree

    pairs = cKDTree(p).query_pairs(dmin, output_type="ndarray")
    if not len(pairs):
        return None
    i, j = pairs[:, 0], pairs[:, 1]
    delta = p[i] - p[j]
    dist = np.sqrt((delta**2).sum(axis=1))
    keep = dist < dmin
    if not keep.any():
        return None
    i, j, delta, dist = i[keep], j[keep], delta[keep], dist[keep]
    safe = np.where(dist == 0, 1.0, dist)
    f = delta * ((dmin - dist) / 2 / safe)[:, None]
    n = len(p)
    move = np.zeros_like(p)
    for axis in (0, 1):
        move[:, axis] = np.bincount(i, f[:, axis], n) - np.bincount(j, f[:, axis], n)
    return move


def _radial(kb, g, center: str) -> dict:
    """Rings around ``center`` by hop distance; ring 1 grouped by kind, outer
    rings ordered by the angles of their inner neighbours (few crossings)."""
    import math

    import networkx as nx

    dist = nx.single_source_shortest_path_length(g, center)
    depth = max(dist.values())
    order = {k: i for i, k in enumerate(kb.schema.kinds)}
    pos: dict = {center: (0.0, 0.0)}
    angle: dict = {}
    for d in range(1, depth + 1):
        ring = [x for x in g if dist.get(x) == d]

        def wanted(x):  # (used in this iteration only, so `d` is the ring's own)
            inner = [angle[y] for y in g.neighbors(x) if y in angle]
            if d == 1 or not inner:  # noqa: B023
                return (order.get(kb.get(x).kind, 99), kb.get(x).title.lower(), x)
            sx = sum(math.cos(a) for a in inner)
            sy = sum(math.sin(a) for a in inner)
            return (math.atan2(sy, sx) % (2 * math.pi), x)

        ring.sort(key=wanted)
        if d > 1 and isinstance(wanted(ring[0])[0], float):
            start = wanted(ring[0])[0]
        else:  # from the top, never straight below the centre, where its label is
            start = -math.pi / 2 + (math.pi / len(ring) if len(ring) % 2 == 0 else 0)
        radius = d / depth
        for i, x in enumerate(ring):
            a = start + 2 * math.pi * i / len(ring) + (0.5 * math.pi / len(ring) if d % 2 == 0 else 0)
            angle[x] = a
            pos[x] = (radius * math.cos(a), radius * math.sin(a))
    for x in g:  # not connected to the centre (cannot happen for a neighbourhood)
        pos.setdefault(x, (1.2, 1.2))
    return pos


def _spread(pos: dict, aspect: float, fixed: str | None = None, iterations: int = 120) -> dict:
    """Stretch ``pos`` onto the rectangle [-aspect, aspect] x [-1, 1] and push apart
    nodes that sit closer than an even share of that area allows (deterministic).
    """
    import math

    import numpy as np

    keys = sorted(pos)
    p = np.array([pos[k] for k in keys], dtype=float)
    p -= p.mean(axis=0)
    for axis, half in ((0, aspect), (1, 1.0)):
        span = np.abs(p[:, axis]).max()
        if span > 0:
            p[:, axis] *= half / span
    n = len(keys)
    fixed_i = keys.index(fixed) if fixed in pos else None
    if fixed_i is not None:
        p -= p[fixed_i]
    dmin = 0.85 * math.sqrt(4 * aspect / n)
    settled = 1e-9 * dmin  # a step that moves no node farther than this ends the loop
    for _ in range(iterations):
        if n > 500:  # the same push, from the close pairs only (n x n arrays would need GBs)
            move = _close_push(p, dmin)
            if move is None:
                break
        else:
            delta = p[:, None, :] - p[None, :, :]
            dist = np.sqrt((delta**2).sum(axis=-1))
            np.fill_diagonal(dist, 2 * dmin + 1)
            close = dist < dmin
            if not close.any():
                break
            safe = np.where(dist == 0, 1.0, dist)
            push = np.where(close, (dmin - dist) / 2 / safe, 0.0)
            move = (delta * push[:, :, None]).sum(axis=1)
        if fixed_i is not None:
            move[fixed_i] = 0
        before = p.copy()
        p += 0.5 * move
        p[:, 0] = p[:, 0].clip(-aspect, aspect)
        p[:, 1] = p[:, 1].clip(-1.0, 1.0)
        if np.abs(p - before).max() < settled:
            break  # at rest (pressed against the frame, or pairs at exactly dmin): the steps left move nothing
    return {k: (float(x), float(y)) for k, (x, y) in zip(keys, p, strict=True)}


def _grade(kb, prov):
    return kb.schema.grades.get(prov.grade) if prov else None


def _tooltip(kb, e) -> str:
    kind = kb.schema.kinds.get(e.kind)
    g = _grade(kb, e.provenance)
    lines = [e.title, f"{kind.label if kind else e.kind} · " + (f"[{g.badge}] {g.label}" if g else "no provenance")]
    if e.summary:
        lines += ["", e.summary]
    return "\n".join(lines)


def graph_data(kb, ids, positions, url_for=None, center: str | None = None, edge_labels: bool = False, labels: bool = True) -> dict:
    """Nodes, edges and legend in the shape vis-network takes (plain JSON-able data).

    Nodes and edges go straight into ``vis.DataSet``: each node's ``group`` is
    its kind, and ``kinds`` gives every group's colour and shape once. A node's
    ``label`` is the entry's whole title (vis-network wraps it); with
    ``labels=False`` (the explorer) nodes carry only ``name`` and the page
    labels the nodes in view as the reader zooms in.
    ``url_for(id)`` gives the URL a click on the node opens (or ``None``); it is
    computed by the caller from the id, never taken from YAML text.
    """
    ids = [i for i in ids if i in kb]
    idset = set(ids)
    schema = kb.schema
    nodes = []
    for i in sorted(ids, key=lambda x: (list(schema.kinds).index(kb.get(x).kind) if kb.get(x).kind in schema.kinds else 99, x)):
        e = kb.get(i)
        g = _grade(kb, e.provenance)
        x, y = positions.get(i, (0, 0))
        aliases = " ".join(schema.other_names(e))  # the `search: name` fields (schema.yaml)
        title = " ".join(str(e.title).split())
        node = {
            "id": i,
            "title": _tooltip(kb, e),
            "name": title,
            "group": e.kind,
            "grade": e.provenance.grade if e.provenance else "",
            "claim": bool(g and g.paper_claim),
            "x": x,
            "y": y,
            "search": " ".join([i, aliases]).lower(),  # graph.js adds the tooltip's text
        }
        if labels:
            node["label"] = title
        if url_for is not None:
            url = url_for(i)
            if url:
                node["url"] = url
        if i == center:
            node.update(size=16, borderWidth=3, font={"size": 16})
        nodes.append(node)
    edges = []
    seen = set()
    for r in _edges(kb, idset):
        key = (r.source, r.name, r.target)
        if key in seen:
            continue
        seen.add(key)
        rt = schema.relations[r.name]
        g = _grade(kb, r.provenance)
        src, dst = kb.get(r.source), kb.get(r.target)
        edge = {
            "id": f"{r.source}|{r.name}|{r.target}",
            "from": r.source,
            "to": r.target,
            "relation": r.name,
            "label_text": rt.label,
            "title": f"{src.title}\n— {rt.label} →\n{dst.title}\n" + (f"[{g.badge}] {g.label}" if g else ""),
            "arrows": "" if rt.symmetric else "to",
            "dashes": not (g and g.paper_claim),
        }
        if edge_labels:
            edge["label"] = rt.label
        edges.append(edge)
    edges.sort(key=lambda d: d["id"])
    present = {n["group"] for n in nodes}
    kinds = [
        {
            "name": k.name,
            "label": k.label,
            "plural": k.plural,
            "color": kind_color(k),
            "shape": kind_shape(k),
            "count": sum(1 for n in nodes if n["group"] == k.name),
        }
        for k in schema.kinds.values()
        if k.name in present
    ]
    grades = {g.name: {"badge": g.badge, "label": g.label, "claim": g.paper_claim} for g in schema.grades.values()}
    return {"nodes": nodes, "edges": edges, "kinds": kinds, "grades": grades, "center": center or ""}


def script_json(data) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u`` escapes (so ``</script>`` and
    ``<!--`` cannot end or confuse the block), as do U+2028 and U+2029.

    >>> script_json({"t": "</script><b>&\\u2028"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    s = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        s = s.replace(a, b)
    return s


def _template() -> Template:
    return Template(resources.files("socioaffective").joinpath("templates/graph.html").read_text(encoding="utf-8"))


#: Node fields vis-network draws from; the rest of a node travels in the page's text block.
_DRAWN = ("id", "x", "y", "group", "label", "size", "borderWidth", "font")


def page_data(data: dict) -> tuple[dict, dict]:
    """``data`` split into what vis-network draws and the text graph.js reads on demand.

    The first part goes into ``vis.DataSet`` as it is (node ids, positions,
    groups, labels; edges numbered, dashed or not), so the first draw parses
    and builds no more than the library needs. The second holds each node's
    name, tooltip, search text, grade and URL and each edge's tooltip: graph.js
    parses it on the first hover, click, search or zoom. For a graph without
    labels (the explorer, drawn by level of detail) the dashed edges are listed
    there too: graph.js dashes the links of the nodes it labels.

    >>> draw, text = page_data({"nodes": [{"id": "a", "x": 1, "y": 2, "group": "need", "name": "A", "title": "A", "search": "a", "grade": "", "url": "a.html"}],
    ...     "edges": [], "kinds": [], "grades": {}, "center": ""})
    >>> draw["nodes"], text["nodes"]["a"]["url"]
    ([{'id': 'a', 'x': 1, 'y': 2, 'group': 'need'}], 'a.html')
    """
    nodes = [{k: n[k] for k in _DRAWN if k in n} for n in data["nodes"]]
    lod = bool(nodes) and "label" not in nodes[0]  # the explorer: details as the reader zooms in
    edges, dashed = [], []
    for i, e in enumerate(data["edges"]):
        d = {"id": i, "from": e["from"], "to": e["to"]}
        if e["dashes"] and lod:  # dashes cost more to draw than the rest: only for the links in view
            dashed.append(i)
        elif e["dashes"]:
            d["dashes"] = True
        if e["arrows"] != "to":
            d["arrows"] = {"to": {"enabled": False}}
        if "label" in e:
            d["label"] = e["label"]
        edges.append(d)
    draw = {"nodes": nodes, "edges": edges, "kinds": data["kinds"], "grades": data["grades"], "center": data["center"]}
    # an edge's tooltip is four lines or so, nearly all of them shared (the two entries' titles, the
    # relation, the grade): each distinct line once, each tooltip as the numbers of its lines
    number: dict[str, int] = {}
    titles = []
    for e in data["edges"]:
        titles.append([number.setdefault(line, len(number)) for line in e["title"].split("\n")])
    lines = list(number)
    text = {
        "nodes": {n["id"]: {k: n[k] for k in ("name", "title", "search", "grade", "url") if k in n} for n in data["nodes"]},
        "lines": lines,
        "edges": titles,
        "dashed": dashed,
    }
    return draw, text


def edge_titles(text: dict) -> list[str]:
    """The edges' tooltips from :func:`page_data`'s text, as graph.js joins them.

    >>> _, text = page_data({"nodes": [], "kinds": [], "grades": {}, "center": "",
    ...     "edges": [{"from": "a", "to": "b", "dashes": False, "arrows": "to", "title": "A\\n— engages →\\nB"},
    ...               {"from": "b", "to": "a", "dashes": False, "arrows": "to", "title": "B\\n— engages →\\nA"}]})
    >>> text["lines"], text["edges"]
    (['A', '— engages →', 'B'], [[0, 1, 2], [2, 1, 0]])
    >>> edge_titles(text)
    ['A\\n— engages →\\nB', 'B\\n— engages →\\nA']
    """
    return ["\n".join(text["lines"][i] for i in title) for title in text["edges"]]


def graph_page(data: dict, *, title: str, static: str, explorer: bool = False) -> str:
    """A standalone HTML page drawing ``data`` with the book's own vis-network copy.

    ``static`` is the relative URL of the book's ``_static/socioaffective/``
    folder as seen from the page (e.g. ``"../"``). No CDN, no inline script:
    the data travels in two ``application/json`` blocks (:func:`page_data`).
    """
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    draw, text = page_data(data)
    return _template().substitute(
        title=esc(title),
        static=esc(static.rstrip("/") + "/"),
        mode="explorer" if explorer else "local",
        # the explorer is its page's content: vis-network loads with it; a small graph's graph.js
        # loads vis-network once the frame comes into view (entry pages' graphs are far down)
        vis=f'<script src="{esc(static.rstrip("/") + "/")}vis/vis-network.min.js"></script>\n' if explorer else "",
        data=script_json(draw),
        text=script_json(text),
    )


def graph_table(data: dict, url_for=None, caption: str = "") -> str:
    """The graph as an HTML table: one row per entry, with its kind, grade and links.

    ``url_for(id)`` gives each entry's URL relative to the page holding the
    table. Every text is HTML-escaped.
    """
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    titles = {n["id"]: n["name"] for n in data["nodes"]}
    kinds = {k["name"]: k["label"] for k in data["kinds"]}
    out_links: dict[str, list] = {}
    for e in data["edges"]:
        out_links.setdefault(e["from"], []).append(e)

    def link(i):
        url = url_for(i) if url_for else None
        return f'<a href="{esc(url)}">{esc(titles[i])}</a>' if url else esc(titles[i])

    grades = data.get("grades", {})

    def badge(name):
        g = grades.get(name)
        if not g:
            return esc(name or "—")
        claim = "sa-claim" if g["claim"] else "sa-noclaim"
        return f'<abbr class="sa-badge sa-grade sa-grade-{css_name(name)} {claim}" title="{esc(g["label"])}">{esc(g["badge"])}</abbr>'

    rows = []
    for n in data["nodes"]:
        items = "".join(f"<li>{esc(e['label_text'])} → {link(e['to'])}</li>" for e in out_links.get(n["id"], ()))
        links = f"<ul>{items}</ul>" if items else "—"
        rows.append(
            f'<tr><th scope="row">{link(n["id"])}</th><td>{esc(kinds.get(n["group"], n["group"]))}</td><td>{badge(n["grade"])}</td><td>{links}</td></tr>'
        )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="sa-graph-table table">{cap}<thead><tr><th scope="col">Entry</th><th scope="col">Kind</th>'
        f'<th scope="col">Grade</th><th scope="col">Links to</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
