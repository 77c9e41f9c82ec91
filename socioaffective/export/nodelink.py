"""``json``: networkx node-link data, with a format version.

The file is what ``networkx.node_link_data`` gives for ``kb.graph`` (a
``MultiDiGraph``: nodes with their fields, ``links`` with ``relation``,
``key`` and provenance), plus a ``socioaffective`` block naming the format
version, the package version and the schema's kinds and relations. Read it
back with ``networkx.node_link_graph(data, edges="links")``.
"""

from __future__ import annotations

import networkx as nx

from . import FORMAT_VERSION
from ._util import dump_json


def node_link(kb) -> dict:
    """The node-link data (a dict) for ``kb``."""
    from .. import __version__

    graph = kb.graph
    try:
        data = nx.node_link_data(graph, edges="links")
    except TypeError:  # networkx < 3.4 names the argument `link`
        data = nx.node_link_data(graph, link="links")  # type: ignore[call-arg]  # (the stubs know networkx >= 3.4 only)
    schema = kb.schema
    meta = {
        "format": "socioaffective-node-link",
        "format_version": FORMAT_VERSION,
        "socioaffective_version": __version__,
        "schema_version": schema.version,
        "framework_version": schema.framework_version,
        "kinds": {k.name: {"label": k.label, "plural": k.plural, "color": k.color, "description": k.description} for k in schema.kinds.values()},
        "relations": {
            r.name: {
                "label": r.label,
                "inverse": r.inverse,
                "from": list(r.sources),
                "to": list(r.targets),
                "symmetric": r.symmetric,
                "description": r.description,
            }
            for r in schema.relations.values()
        },
        "grades": {g.name: {"label": g.label, "badge": g.badge, "paper_claim": g.paper_claim} for g in schema.grades.values()},
    }
    return {"socioaffective": meta, **data}


def render(kb, fmt: str = "json", **_options) -> str:
    return dump_json(node_link(kb))
