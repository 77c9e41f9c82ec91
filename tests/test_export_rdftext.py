"""The direct Turtle and JSON-LD writers (socioaffective.export.rdftext), against rdflib's own.

Turtle: what the writer gives, parsed by rdflib, is the very graph (isomorphic,
every literal's lexical form, language and datatype kept). JSON-LD: the writer
gives the document rdflib's serializer writes, sorted, byte for byte; and it
parses back to the same graph.
"""

from __future__ import annotations

import json

import pytest

rdflib = pytest.importorskip("rdflib")
from rdflib import BNode, Graph, Literal, Namespace, URIRef  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402
from rdflib.namespace import RDF, SKOS, XSD  # noqa: E402

from socioaffective.export import export, rdftext  # noqa: E402
from socioaffective.export._util import harden_json  # noqa: E402
from socioaffective.export.rdf import Namespaces, _context, build_graph  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

CONTEXT = _context(Namespaces())
EX = Namespace("urn:socioaffective:entry:")


def rdflib_jsonld(g: Graph, context: dict = CONTEXT) -> str:
    """rdflib's JSON-LD of ``g``, every array sorted by its members' canonical JSON (the reference)."""

    def key(v) -> str:
        return json.dumps(v, sort_keys=True, ensure_ascii=False)

    def tidy(v):
        if isinstance(v, dict):
            return {k: tidy(x) for k, x in v.items()}
        if isinstance(v, list):
            return sorted((tidy(x) for x in v), key=key)
        return v

    doc = tidy(json.loads(g.serialize(format="json-ld", context=context, indent=2, auto_compact=True)))
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def same_terms(a: Graph, b: Graph) -> bool:
    """Isomorphic, and every literal the same lexical form, language and datatype."""

    def lits(g):
        return {(str(o), o.language, o.datatype) for o in g.objects() if isinstance(o, Literal)}

    return isomorphic(a, b) and lits(a) == lits(b)


def hard_graph(ill_typed: bool = True) -> Graph:
    """Literals and IRIs that a careless writer gets wrong."""
    g = Graph()
    g.bind("entry", EX)
    g.bind("skos", SKOS)
    s = EX["hard"]
    texts = [
        'a "quoted" word',
        "a back\\slash and \\n that is not a line end",
        "two\nlines\r\nand a\ttab",
        'three quotes """ in a row',
        "controls \x01 \x1f \x7f",
        "unicode: é 漢字 \U0001f600 \u2028 \u2029",
        "ends with a backslash \\",
        "</script> in text",
        "",
    ]
    for t in texts:
        g.add((s, SKOS.note, Literal(t)))
        g.add((s, SKOS.definition, Literal(t, lang="en-GB")))
    g.add((s, SKOS.notation, Literal("2024", datatype=XSD.integer)))
    g.add((s, EX["plus"], Literal("+05", datatype=XSD.integer)))
    g.add((s, EX["flag"], Literal("true", datatype=XSD.boolean)))
    g.add((s, EX["flag"], Literal("1", datatype=XSD.boolean)))
    g.add((s, EX["num"], Literal("1.5", datatype=XSD.double)))
    if ill_typed:
        g.add((s, EX["bad"], Literal("not a number", datatype=XSD.integer)))
    g.add((s, EX["typed"], Literal("x", datatype=XSD.string)))
    g.add((s, EX["custom"], Literal("v", datatype=URIRef("urn:example:type#T"))))
    # local names a prefixed name cannot carry as they are: full IRIs instead
    for local in ("a.b", "trailing.", "-lead", "per%20cent", "with:colon", "7.1", "x_y-z"):
        g.add((EX[local], RDF.type, SKOS.Concept))
        g.add((s, SKOS.related, EX[local]))
    g.add((s, SKOS.related, URIRef("http://example.org/no-prefix#frag")))
    g.add((URIRef("http://example.org/only-subject"), SKOS.prefLabel, Literal("x")))
    return g


@pytest.mark.parametrize("which", ["real", "tiny"])
def test_turtle_is_the_graph(which, real_kb, tiny_kb):
    kb = real_kb if which == "real" else tiny_kb
    g = build_graph(kb)
    text = export(kb, "turtle")
    assert same_terms(Graph().parse(data=text, format="turtle"), g)


@pytest.mark.parametrize("which", ["real", "tiny"])
def test_jsonld_is_rdflibs_document_sorted(which, real_kb, tiny_kb):
    kb = real_kb if which == "real" else tiny_kb
    g = build_graph(kb)
    assert export(kb, "jsonld") == harden_json(rdflib_jsonld(g)) + "\n"
    assert same_terms(Graph().parse(data=export(kb, "jsonld"), format="json-ld"), Graph().parse(data=g.serialize(format="json-ld"), format="json-ld"))


def test_hard_literals_and_iris_survive_both_writers():
    g = hard_graph()
    t = rdftext.turtle(g)
    assert same_terms(Graph().parse(data=t, format="turtle"), g)
    # the odd local names went out as full IRIs, the plain ones as prefixed names
    assert "<urn:socioaffective:entry:trailing.>" in t and "<urn:socioaffective:entry:-lead>" in t
    assert "entry:x_y-z" in t and "entry:7.1" in t

    g = hard_graph(ill_typed=False)
    j = rdftext.jsonld(g, CONTEXT)
    assert j == rdflib_jsonld(g)
    # both writers turn typed values into JSON's own ("+05"^^xsd:integer becomes 5,
    # the same value): the graphs they give are the same
    assert same_terms(Graph().parse(data=j, format="json-ld"), Graph().parse(data=rdflib_jsonld(g), format="json-ld"))


def test_an_ill_typed_literal_keeps_its_datatype_in_jsonld():
    """rdflib writes "not a number"^^xsd:integer as a plain string (the datatype is
    lost); the direct writer keeps it as a typed value."""
    g = hard_graph()
    back = Graph().parse(data=rdftext.jsonld(g, CONTEXT), format="json-ld")
    assert Literal("not a number", datatype=XSD.integer) in set(back.objects(EX["hard"], EX["bad"]))
    assert Literal("not a number", datatype=XSD.integer) not in set(Graph().parse(data=rdflib_jsonld(g), format="json-ld").objects(EX["hard"], EX["bad"]))


@pytest.mark.parametrize("fmt, parser", [("turtle", "turtle"), ("jsonld", "json-ld")])
def test_a_graph_with_blank_nodes_or_lists_goes_to_rdflib(fmt, parser):
    """The direct writers refuse such a graph; the export writes it with rdflib's own."""
    from socioaffective.export.rdf import render

    g = Graph()
    b = BNode()
    g.add((EX["a"], SKOS.related, b))
    g.add((b, SKOS.prefLabel, Literal("anonymous")))
    listed = Graph()
    listed.add((EX["l"], RDF.first, Literal("one")))
    listed.add((EX["l"], RDF.rest, RDF.nil))
    for graph in (g, listed):
        with pytest.raises(ValueError, match="blank nodes or lists"):
            rdftext.turtle(graph) if fmt == "turtle" else rdftext.jsonld(graph, CONTEXT)
        assert isomorphic(Graph().parse(data=render(None, fmt, graph=graph), format=parser), graph)


@pytest.mark.parametrize("which", ["real", "tiny"])
def test_triples_hold_the_graph_and_give_the_same_files(which, real_kb, tiny_kb):
    """The book's exports fill a Triples set, not an rdflib Graph: the same triples and
    prefixes, the same Turtle and JSON-LD bytes, and the same Graph for rdflib's writers."""
    from socioaffective.export.book import render_all
    from socioaffective.export.rdf import render

    kb = real_kb if which == "real" else tiny_kb
    g = build_graph(kb)
    t = build_graph(kb, graph=rdftext.Triples())
    assert len(t) == len(g) and set(t) == set(g)
    assert list(t.namespaces()) == list(g.namespaces())
    for fmt in ("turtle", "jsonld"):
        assert render(kb, fmt, graph=t) == render(kb, fmt, graph=g) == export(kb, fmt)
    files = render_all(kb)
    assert files["socioaffective.ttl"].decode() == export(kb, "turtle")
    assert files["socioaffective.jsonld"].decode() == export(kb, "jsonld")
    back = rdftext.as_rdflib(t)
    assert isinstance(back, Graph) and isomorphic(back, g) and rdftext.as_rdflib(back) is back


@pytest.mark.parametrize("fmt, parser", [("turtle", "turtle"), ("jsonld", "json-ld")])
def test_triples_with_a_blank_node_go_to_rdflib_too(fmt, parser):
    from socioaffective.export.rdf import render

    t = rdftext.Triples()
    t.bind("ex", EX)
    b = BNode()
    t.add((EX["a"], SKOS.related, b)).add((b, SKOS.prefLabel, Literal("anonymous")))
    t.add((EX["a"], SKOS.related, b))  # a set: once
    assert len(t) == 2
    expected = Graph()
    expected.add((EX["a"], SKOS.related, b))
    expected.add((b, SKOS.prefLabel, Literal("anonymous")))
    assert isomorphic(Graph().parse(data=render(None, fmt, graph=t), format=parser), expected)


def test_the_same_graph_gives_the_same_bytes(real_kb):
    """Exports are written only when their bytes change: the order may not depend on set order."""
    import subprocess
    import sys

    code = "import socioaffective as s; from socioaffective.export import export; kb = s.load(); import hashlib; from socioaffective.export.book import render_all; f = render_all(kb); print(hashlib.sha256((export(kb, 'turtle') + export(kb, 'jsonld')).encode() + f['socioaffective.ttl'] + f['socioaffective.jsonld']).hexdigest())"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**__import__("os").environ, "PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1
