"""``gexf``: GEXF 1.2 for Gephi, with ``viz`` positions, sizes and colours.

The nodes, edges and attributes are the GraphML export's (lists and mappings
as JSON text); each node also carries ``viz:position`` (the web book's
explorer layout, y pointing up as Gephi draws it), ``viz:size`` and
``viz:color`` (its kind's colour), and its title as the GEXF label. Read it
with Gephi or ``networkx.read_gexf``. The header's date is fixed, so the same
framework gives the same bytes.
"""

from __future__ import annotations

import io
import re

import networkx as nx

from .graphml import scalar_graph

_DISPLAY = ("label", "x", "y", "size", "color", "r", "g", "b")


def gexf_graph(kb) -> nx.MultiDiGraph:
    """:func:`~socioaffective.export.graphml.scalar_graph` with ``viz`` data and labels."""
    g = scalar_graph(kb)
    for _, attrs in g.nodes(data=True):
        viz = {"color": {"r": attrs["r"], "g": attrs["g"], "b": attrs["b"], "a": 1.0}, "size": attrs["size"]}
        if "x" in attrs:
            viz["position"] = {"x": attrs["x"], "y": -attrs["y"], "z": 0.0}
        for k in _DISPLAY:
            if k != "label":
                attrs.pop(k, None)
        attrs["viz"] = viz
    return g


def render(kb, fmt: str = "gexf", **_options) -> str:
    buf = io.BytesIO()
    nx.write_gexf(gexf_graph(kb), buf, encoding="utf-8", prettyprint=True, version="1.2draft")
    text = buf.getvalue().decode("utf-8")
    # networkx stamps today's date into <meta>; the export must not change by the day
    text = re.sub(r'lastmodifieddate="[0-9-]+"', 'lastmodifieddate="2025-01-01"', text, count=1)
    return text.replace("\r", "&#13;")
