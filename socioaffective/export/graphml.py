"""``graphml``: the graph for Gephi, yEd, Cytoscape and ``networkx.read_graphml``.

GraphML attributes hold only text, numbers and booleans, so lists and
mappings (``poles``, ``aliases`` ...) are written as JSON text, and an
attribute whose values mix types across nodes (``year`` is a number on a paper
card but text in references.bib) is written as text throughout. Control
characters that XML 1.0 cannot hold become U+FFFD; nothing else changes.

For Gephi and yEd every node also has ``label`` (its title), ``x`` and ``y``
(the web book's explorer layout, y pointing down as on screen; bib references
in a row below), ``size``, ``color`` (``#rrggbb``, its kind's colour) and
``r``/``g``/``b``, and every edge a ``label`` (the relation's label). Gephi
reads these directly; in yEd map them with *Edit > Properties Mapper*.
Positions need the ``graph`` extra (numpy, scipy); without it they are left
out.
"""

from __future__ import annotations

import io

import networkx as nx

from . import FORMAT_VERSION
from ._util import as_text, xml_safe


def _column_types(items) -> dict[str, type]:
    seen: dict[str, set[type]] = {}
    for attrs in items:
        for k, v in attrs.items():
            seen.setdefault(k, set()).add(type(v))
    out = {}
    for k, types in seen.items():
        out[k] = types.pop() if len(types) == 1 and next(iter(types)) in (bool, int, float) else str
    return out


def _clean(attrs: dict, types: dict[str, type]) -> dict:
    out = {}
    for k, v in attrs.items():
        if types[k] is str:
            out[k] = xml_safe(as_text(v))
        else:
            out[k] = v
    return out


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def display(kb) -> dict[str, dict]:
    """What a graph tool draws for each node: label, position, size and colour.

    Positions are the book explorer's (:func:`~socioaffective.render.network.layout`
    of all entries, y down); bib references stand in rows below the entries.
    """
    from ..render.network import kind_color, layout

    ids = [e.id for e in kb.entries()]
    try:
        pos = layout(kb, ids, unit=105, aspect=1.9)
    except ImportError:  # pragma: no cover - the `graph` extra is missing
        pos = {}
    if pos:
        left = min(x for x, _ in pos.values())
        right = max(x for x, _ in pos.values())
        bottom = max(y for _, y in pos.values())
        refs = sorted(kb.references)
        per_row = max(1, int((right - left) // 90) + 1)
        for i, key in enumerate(refs):
            pos[key] = (left + (i % per_row) * 90, bottom + 120 + (i // per_row) * 60)
    degree = dict(kb.graph.degree())
    out = {}
    for e in list(kb.entries()) + list(kb.references.values()):
        colour = kind_color(kb.schema.kinds.get(e.kind) if not e.is_reference else None)  # references: the fallback colour
        attrs = {
            "label": e.title,
            "color": colour.lower() if len(colour) == 7 else "#" + "".join(ch * 2 for ch in colour[1:]).lower(),
            "size": float(10 + 2 * min(degree.get(e.id, 0), 20)),
        }
        attrs["r"], attrs["g"], attrs["b"] = _rgb(colour)
        if e.id in pos:
            attrs["x"], attrs["y"] = float(pos[e.id][0]), float(pos[e.id][1])
        out[e.id] = attrs
    return out


def scalar_graph(kb, with_display: bool = True) -> nx.MultiDiGraph:
    """A copy of ``kb.graph`` whose attributes GraphML can hold (plus :func:`display`'s)."""
    g = kb.graph
    node_types = _column_types(attrs for _, attrs in g.nodes(data=True))
    edge_types = _column_types(attrs for *_, attrs in g.edges(keys=True, data=True))
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    out.graph.update({"name": "socioaffective", "format_version": FORMAT_VERSION, "framework_version": kb.schema.framework_version})
    shown = display(kb) if with_display else {}
    for n, attrs in g.nodes(data=True):
        extra = {k: (xml_safe(v) if isinstance(v, str) else v) for k, v in shown.get(n, {}).items() if k not in attrs}
        out.add_node(xml_safe(n), **_clean(attrs, node_types), **extra)
    labels = {r.name: r.label for r in kb.schema.relations.values()}
    for s, t, k, attrs in g.edges(keys=True, data=True):
        extra = {"label": xml_safe(labels.get(attrs.get("relation"), str(attrs.get("relation", ""))))} if with_display and "label" not in attrs else {}
        out.add_edge(xml_safe(s), xml_safe(t), key=xml_safe(k), **_clean(attrs, edge_types), **extra)
    return out


def render(kb, fmt: str = "graphml", **_options) -> str:
    buf = io.BytesIO()
    nx.write_graphml(scalar_graph(kb), buf, encoding="utf-8", prettyprint=True)
    text = buf.getvalue().decode("utf-8")
    # A raw carriage return would be read back as a line feed (XML end-of-line
    # handling); the writer ends lines with "\n", so every "\r" is in a value.
    return text.replace("\r", "&#13;")
