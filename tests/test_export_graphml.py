"""GraphML export, read back with networkx.read_graphml and a plain XML parser."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import networkx as nx

from socioaffective.export import export

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEPHI_TYPES = {"boolean", "int", "long", "float", "double", "string"}


def read(kb) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(export(kb, "graphml").encode("utf-8")))


def test_read_graphml_gets_the_same_nodes_edges_and_titles(real_kb):
    g = read(real_kb)
    src = real_kb.graph
    assert g.number_of_nodes() == src.number_of_nodes() == len(real_kb) + len(real_kb.references)
    assert g.number_of_edges() == src.number_of_edges() == len(real_kb.relations())
    assert g.is_directed()
    for e in real_kb.entries():
        assert g.nodes[e.id]["title"] == e.title and g.nodes[e.id]["kind"] == e.kind
        assert g.nodes[e.id]["description"] == e.description
        assert g.nodes[e.id]["line"] == e.line
    edges = {(s, t, d["relation"]) for s, t, d in g.edges(data=True)}
    assert edges == {(r.source, r.target, r.name) for r in real_kb.relations()}


def test_lists_become_json_text_and_mixed_types_become_text(tiny_kb):
    g = read(tiny_kb)
    assert json.loads(g.nodes["future-self"]["poles"]) == ["Now", "Later"]
    assert json.loads(g.nodes["the-paper"]["authors"]) == ["Kirk", "Gabriel"]
    # `year` is a number on the paper card but text in references.bib: text for all
    assert g.nodes["the-paper"]["year"] == "2025" and g.nodes["kirk2025why"]["year"] == "2025"
    assert isinstance(g.nodes["the-paper"]["line"], int)
    inherited = {d["inherited"] for *_, d in g.edges(data=True)}
    assert inherited == {True, False}


def test_the_file_is_plain_graphml_gephi_reads(real_kb):
    root = ET.fromstring(export(real_kb, "graphml").encode("utf-8"))
    assert root.tag == GRAPHML + "graphml"
    keys = root.findall(GRAPHML + "key")
    assert keys and {k.get("attr.type") for k in keys} <= GEPHI_TYPES
    names = [(k.get("for"), k.get("attr.name")) for k in keys]
    assert len(names) == len(set(names))  # one declared type per attribute
    graph = root.find(GRAPHML + "graph")
    assert graph.get("edgedefault") == "directed"
