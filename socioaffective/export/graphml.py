"""``graphml``: the graph for Gephi, yEd, Cytoscape and ``networkx.read_graphml``.

GraphML attributes hold only text, numbers and booleans, so lists and
mappings (``poles``, ``aliases`` ...) are written as JSON text, and an
attribute whose values mix types across nodes (``year`` is a number on a paper
card but text in references.bib) is written as text throughout. Control
characters that XML 1.0 cannot hold become U+FFFD; nothing else changes.
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


def scalar_graph(kb) -> nx.MultiDiGraph:
    """A copy of ``kb.graph`` whose attributes GraphML can hold."""
    g = kb.graph
    node_types = _column_types(attrs for _, attrs in g.nodes(data=True))
    edge_types = _column_types(attrs for *_, attrs in g.edges(keys=True, data=True))
    out = nx.MultiDiGraph()
    out.graph.update({"name": "socioaffective", "format_version": FORMAT_VERSION, "framework_version": kb.schema.framework_version})
    for n, attrs in g.nodes(data=True):
        out.add_node(xml_safe(n), **_clean(attrs, node_types))
    for s, t, k, attrs in g.edges(keys=True, data=True):
        out.add_edge(xml_safe(s), xml_safe(t), key=xml_safe(k), **_clean(attrs, edge_types))
    return out


def render(kb, fmt: str = "graphml", **_options) -> str:
    buf = io.BytesIO()
    nx.write_graphml(scalar_graph(kb), buf, encoding="utf-8", prettyprint=True)
    text = buf.getvalue().decode("utf-8")
    # A raw carriage return would be read back as a line feed (XML end-of-line
    # handling); the writer ends lines with "\n", so every "\r" is in a value.
    return text.replace("\r", "&#13;")
