"""node-link JSON export, read back with json and networkx.node_link_graph."""

from __future__ import annotations

import json

import networkx as nx
import pytest

import socioaffective
from socioaffective.export import FORMAT_VERSION, FORMATS, export


def to_graph(data: dict) -> nx.MultiDiGraph:
    try:
        return nx.node_link_graph(data, edges="links")
    except TypeError:  # networkx < 3.4
        return nx.node_link_graph(data, link="links")


def test_node_link_round_trip(real_kb):
    data = json.loads(export(real_kb, "json"))
    meta = data["socioaffective"]
    assert meta["format_version"] == FORMAT_VERSION and meta["socioaffective_version"] == socioaffective.__version__
    assert meta["relations"]["engages"]["inverse"] == "engaged by"
    g = to_graph(data)
    src = real_kb.graph
    assert isinstance(g, nx.MultiDiGraph)
    assert dict(g.nodes(data=True)) == dict(src.nodes(data=True))
    assert sorted(g.edges(keys=True, data=True), key=repr) == sorted(src.edges(keys=True, data=True), key=repr)


def test_unknown_format_is_a_clear_error(tiny_kb):
    with pytest.raises(socioaffective.UnknownKindError, match="did you mean `turtle`"):
        export(tiny_kb, "turtel")
    assert set(FORMATS) == {"json", "csv", "graphml", "gexf", "jsonld", "turtle", "shacl"}
