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
    assert set(FORMATS) >= {"json", "csv", "graphml", "jsonld", "turtle", "sssom", "weval", "inspect", "shacl", "gexf"}


def test_an_invalid_framework_with_nan_exports_valid_json(tiny_copy):
    """Issue 10: `.nan` in a field made `export -f json` write NaN (not JSON) with exit 0."""
    import json as _json
    import subprocess as _sp
    import sys as _sys
    from pathlib import Path as _Path

    path = tiny_copy / "framework" / "tiny.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("title:"))
    path.write_text(text.replace(line, line + "\n" + line.split("title:")[0] + "year: .nan", 1), encoding="utf-8")
    script = _Path(_sys.executable).with_name("socioaffective")
    proc = _sp.run([str(script), "--root", str(tiny_copy), "export", "-f", "json"], capture_output=True, text=True, timeout=120)

    def refuse(name):
        raise AssertionError(f"{name} is not JSON")

    data = _json.loads(proc.stdout, parse_constant=refuse)
    assert "nan" in proc.stdout and data
