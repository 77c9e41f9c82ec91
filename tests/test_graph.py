"""The networkx view of the framework."""

from __future__ import annotations

import networkx as nx

from socioaffective.graph import build_graph, neighbourhood


def test_graph_has_every_entry_reference_and_link(tiny_kb):
    g = tiny_kb.graph
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == len(tiny_kb) + len(tiny_kb.references)
    assert g.number_of_edges() == len(tiny_kb.relations())
    assert g.nodes["future-self"]["kind"] == "dilemma"
    assert g.nodes["future-self"]["poles"] == ["Now", "Later"]
    assert g.nodes["kirk2025why"]["kind"] == "reference"
    data = g.get_edge_data("future-self", "competence", key="engages")
    assert data["relation"] == "engages" and data["provenance_grade"] == "editorial"
    assert g.get_edge_data("competence", "ryan2000self", key="cites")["locator"] == "p. 68"


def test_graph_is_cached(tiny_kb):
    assert tiny_kb.graph is tiny_kb.graph
    assert build_graph(tiny_kb) is not tiny_kb.graph


def test_neighbourhood_depth(tiny_kb):
    g = tiny_kb.graph
    one = neighbourhood(g, ["competence"], 1)
    two = neighbourhood(g, ["competence"], 2)
    assert set(one) < set(two)
    assert set(neighbourhood(g, ["competence"], 0)) == {"competence"}
