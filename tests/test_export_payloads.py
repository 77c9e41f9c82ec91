"""Untrusted text survives every export as inert data, equal after parsing."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
import rdflib
from rdflib.namespace import SKOS

import socioaffective
from socioaffective.export import export
from socioaffective.export.rdf import Namespaces
from socioaffective.export.tables import read_tables
from socioaffective.export.tables import tables as csv_tables

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

TITLE = "<script>alert(\"t\")</script> & 'q' javascript:alert(1)"
SUMMARY = "</script><img src=x onerror=alert(1)> line para =cmd|' /C calc'!A0"  # no U+2028: a line break (issue 10)
DESCRIPTION = 'Para "one" with </script>, ]]> and <![CDATA[ x ]]>,\n\nthen \\ backslashes \\n, a tab\there, @prefix x: <y> . and "}"\u2028end\n'
ALIAS = '{"@context": "javascript:alert(1)"} </ScRiPt> ${x} {{ y }}'


@pytest.fixture(scope="module")
def payload_kb(tmp_path_factory, tiny_root):
    import shutil

    root = tmp_path_factory.mktemp("payload") / "tiny"
    shutil.copytree(tiny_root, root)
    socioaffective.add_entry(
        root,
        "concept",
        "payload",
        TITLE,
        summary=SUMMARY,
        description=DESCRIPTION,
        fields={"aliases": [ALIAS]},
        relations={"related_to": [{"target": "alignment", "note": TITLE}]},
        cites=[("kirk2025why", SUMMARY[:40])],
    )
    kb = socioaffective.load(root)
    e = kb.get("payload")
    assert (e.title, e.summary, e.description, e.fields["aliases"]) == (TITLE, SUMMARY, DESCRIPTION, [ALIAS])
    return kb


def test_json(payload_kb):
    text = export(payload_kb, "json")
    assert "</script" not in text.lower() and "\u2028" not in text
    node = next(n for n in json.loads(text)["nodes"] if n["id"] == "payload")
    assert (node["title"], node["summary"], node["description"], node["aliases"]) == (TITLE, SUMMARY, DESCRIPTION, [ALIAS])


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("jsonld", "json-ld")])
def test_rdf(payload_kb, fmt, parser):
    text = export(payload_kb, fmt)
    if fmt == "jsonld":
        assert "</script" not in text.lower() and "\u2028" not in text
    g = rdflib.Graph().parse(data=text, format=parser)
    s = Namespaces().entry["payload"]
    assert str(g.value(s, SKOS.prefLabel)) == TITLE
    assert str(g.value(s, SKOS.definition)) == DESCRIPTION
    assert {str(o) for o in g.objects(s, SKOS.altLabel)} == {ALIAS}
    assert str(g.value(s, rdflib.RDFS.comment)) == SUMMARY
    # nothing became an IRI or a new triple: the payload entry has exactly its own statements
    assert all(isinstance(o, rdflib.Literal) for o in g.objects(s, SKOS.prefLabel))


def test_graphml(payload_kb):
    text = export(payload_kb, "graphml")
    ET.fromstring(text.encode("utf-8"))  # well-formed XML
    g = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    n = g.nodes["payload"]
    assert (n["title"], n["summary"], n["description"], json.loads(n["aliases"])) == (TITLE, SUMMARY, DESCRIPTION, [ALIAS])
    notes = [d["note"] for s, t, d in g.edges(data=True) if s == "payload" and d["relation"] == "related_to"]
    assert notes == [TITLE]


def test_csv(payload_kb):
    rows = {r["id"]: r for r in read_tables(export(payload_kb, "csv"))["entries.csv"]}
    r = rows["payload"]
    assert (r["title"], r["summary"], r["description"], json.loads(r["aliases"])) == (TITLE, SUMMARY, DESCRIPTION, [ALIAS])
    rels = read_tables(export(payload_kb, "csv"))["relations.csv"]
    assert [x["locator"] for x in rels if x["source"] == "payload" and x["relation"] == "cites"] == [SUMMARY[:40]]


def test_control_characters_keep_graphml_well_formed(tiny_copy):
    # YAML can carry control characters ("\x01"); XML 1.0 cannot, even escaped
    p = tiny_copy / "framework" / "ctl.yaml"
    p.write_text(
        'entries:\n  - id: ctl\n    kind: concept\n    title: "bell \\x07 here"\n    summary: s\n    description: d\n    provenance: {source: editorial, grade: editorial}\n'
    )
    kb = socioaffective.load(tiny_copy)
    assert kb.get("ctl").title == "bell \x07 here"
    g = nx.read_graphml(io.BytesIO(export(kb, "graphml").encode("utf-8")))
    assert g.nodes["ctl"]["title"] == "bell \ufffd here"
    for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        rg = rdflib.Graph().parse(data=export(kb, fmt), format=parser)
        assert str(rg.value(Namespaces().entry["ctl"], SKOS.prefLabel)) == "bell \x07 here"
    rows = {r["id"]: r for r in read_tables(export(kb, "csv"))["entries.csv"]}
    assert rows["ctl"]["title"] == "bell \x07 here"
    assert json.loads(export(kb, "json"))["nodes"][[n["id"] for n in json.loads(export(kb, "json"))["nodes"]].index("ctl")]["title"] == "bell \x07 here"


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from socioaffective.export._util import xml_safe  # noqa: E402

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=_TEXT.filter(lambda t: "\n" not in t.strip()), description=_TEXT)
def test_property_any_text_survives_every_export(tiny_kb, title, description):
    from dataclasses import replace

    from socioaffective.kb import KnowledgeBase

    entries = [replace(e, title=title, description=description) if e.id == "competence" else e for e in tiny_kb.entries()]
    kb = KnowledgeBase(tiny_kb.root, tiny_kb.schema, entries, tiny_kb.references, tiny_kb.report)
    node = next(n for n in json.loads(export(kb, "json"))["nodes"] if n["id"] == "competence")
    assert (node["title"], node["description"]) == (title, description)
    s = Namespaces().entry["competence"]
    for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        g = rdflib.Graph().parse(data=export(kb, fmt), format=parser)
        assert (str(g.value(s, SKOS.prefLabel)), str(g.value(s, SKOS.definition))) == (title, description), fmt
    row = next(r for r in read_tables(export(kb, "csv"))["entries.csv"] if r["id"] == "competence")
    assert (row["title"], row["description"]) == (title, description)
    n = nx.read_graphml(io.BytesIO(export(kb, "graphml").encode("utf-8"))).nodes["competence"]
    assert (n["title"], n["description"]) == (xml_safe(title), xml_safe(description))


FORMULAS = ['=HYPERLINK("http://evil.example/","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "'=already quoted"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_never_start_a_formula(tiny_copy, formula):
    # CSV injection: a spreadsheet runs a cell that starts with = + - @ (or a tab) as a formula
    p = tiny_copy / "framework" / "formula.yaml"
    p.write_text(
        "entries:\n  - id: formula\n    kind: concept\n    title: "
        + json.dumps(formula)
        + "\n    summary: "
        + json.dumps(formula)
        + "\n    description: d\n    provenance: {source: editorial, grade: editorial, note: "
        + json.dumps(formula)
        + "}\n"
    )
    kb = socioaffective.load(tiny_copy)
    files = csv_tables(kb)
    for name, text in files.items():
        for row in csv.reader(io.StringIO(text, newline="")):
            assert not any(cell and cell[0] in "=+-@\t\r" for cell in row), (name, row)
    row = next(r for r in read_tables(files)["entries.csv"] if r["id"] == "formula")
    assert (row["title"], row["summary"], row["provenance_note"]) == (formula, formula, formula)
