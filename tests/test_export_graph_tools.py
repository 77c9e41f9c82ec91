"""What spreadsheet, Gephi and yEd users expect: reference columns in CSV, labels/positions/colours in GraphML and GEXF."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import networkx as nx

from socioaffective.export import export
from socioaffective.export.tables import read_tables
from socioaffective.render.network import kind_color, layout


def test_csv_reference_rows_have_year_authors_and_venue(real_kb):
    rows = {r["id"]: r for r in read_tables(export(real_kb, "csv"))["entries.csv"]}
    refs = [rows[k] for k in real_kb.references]
    assert refs and all(r["kind"] == "reference" for r in refs)
    for key, ref in real_kb.references.items():
        row = rows[key]
        assert row["bib_key"] == key
        year = str(ref.fields.get("year") or "")
        if year.isdigit():
            assert json.loads(row["year"]) == int(year)
        elif year:  # e.g. "n.d." on a source record: kept as written
            assert row["year"] == year
        if ref.fields.get("author"):
            names = json.loads(row["authors"])
            assert names and all(isinstance(n, str) and "{" not in n for n in names)
        venue = ref.fields.get("journal") or ref.fields.get("booktitle") or ref.fields.get("publisher")
        if venue:
            assert row["venue"] and "{" not in row["venue"]
    paper = rows["kirk2025why"]
    assert paper["year"] == "2025" and "Kirk, Hannah Rose" in json.loads(paper["authors"])
    assert paper["venue"] == "Humanities and Social Sciences Communications"
    assert sum(1 for r in refs if r["year"]) == sum(1 for r in real_kb.references.values() if r.fields.get("year"))


def _explorer_positions(kb):
    return layout(kb, [e.id for e in kb.entries()], unit=105, aspect=1.9)


def test_graphml_has_labels_positions_and_colours(real_kb):
    g = nx.read_graphml(io.BytesIO(export(real_kb, "graphml").encode("utf-8")))
    pos = _explorer_positions(real_kb)
    for e in real_kb.entries():
        n = g.nodes[e.id]
        assert n["label"] == e.title
        assert (n["x"], n["y"]) == (float(pos[e.id][0]), float(pos[e.id][1]))
        colour = kind_color(real_kb.schema.kinds[e.kind]).lower()
        assert n["color"] == colour and f"#{n['r']:02x}{n['g']:02x}{n['b']:02x}" == colour
        assert n["size"] > 0
    for key in real_kb.references:
        assert g.nodes[key]["label"] and isinstance(g.nodes[key]["x"], float)
    xy = [(d["x"], d["y"]) for _, d in g.nodes(data=True)]
    assert len(set(xy)) == len(xy)  # no two nodes on one spot
    labels = {r.name: r.label for r in real_kb.schema.relations.values()}
    assert all(d["label"] == labels[d["relation"]] for *_, d in g.edges(data=True))
    # typed for Gephi: x, y, size are doubles, r/g/b integers
    root = ET.fromstring(export(real_kb, "graphml").encode("utf-8"))
    types = {k.get("attr.name"): k.get("attr.type") for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key") if k.get("for") == "node"}
    assert types["x"] == types["y"] == types["size"] == "double" and types["r"] in ("int", "long")


def test_gexf_has_viz_positions_and_colours_and_reads_back(real_kb):
    text = export(real_kb, "gexf")
    g = nx.read_gexf(io.StringIO(text))
    assert g.number_of_nodes() == real_kb.graph.number_of_nodes()
    assert g.number_of_edges() == real_kb.graph.number_of_edges()
    assert {(s, t, d["relation"]) for s, t, d in g.edges(data=True)} == {(r.source, r.target, r.name) for r in real_kb.relations()}
    pos = _explorer_positions(real_kb)
    for e in real_kb.entries():
        n = g.nodes[e.id]
        assert n["label"] == e.title and n["title"] == e.title
        viz = n["viz"]
        assert (viz["position"]["x"], viz["position"]["y"]) == (float(pos[e.id][0]), -float(pos[e.id][1]))
        c = viz["color"]
        assert f"#{c['r']:02x}{c['g']:02x}{c['b']:02x}" == kind_color(real_kb.schema.kinds[e.kind]).lower()
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "{http://www.gexf.net/1.2draft}gexf"
    assert root.find("{http://www.gexf.net/1.2draft}meta").get("lastmodifieddate") == "2025-01-01"
