"""RDF exports (Turtle, JSON-LD), read back with rdflib and queried with SPARQL."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import unquote

import pytest

rdflib = pytest.importorskip("rdflib")
from rdflib import Literal, Namespace, URIRef  # noqa: E402
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS  # noqa: E402

from socioaffective.export import export  # noqa: E402
from socioaffective.export.rdf import DEFAULT_BASE, Namespaces, inverse_names  # noqa: E402

# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

NS = Namespaces(DEFAULT_BASE)
SA, E = NS.vocab, NS.entry
BIBO = Namespace("http://purl.org/ontology/bibo/")


def parse(kb, fmt: str, **options) -> rdflib.Graph:
    text = export(kb, fmt, **options)
    return rdflib.Graph().parse(data=text, format={"turtle": "turtle", "jsonld": "json-ld"}[fmt])


@pytest.fixture(scope="module", params=["turtle", "jsonld"])
def real_graph(request, real_kb):
    return parse(real_kb, request.param)


ENGAGES = """
PREFIX sa: <urn:socioaffective:vocab:>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?dilemma ?need WHERE {
  ?dilemma a sa:Dilemma ; sa:engages ?need .
  ?need a sa:Need .
}
"""


def _local(iri) -> str:
    return str(iri).rsplit(":", 1)[-1]


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
@pytest.mark.parametrize("which", ["real", "tiny"])
def test_sparql_which_needs_each_dilemma_engages_matches_the_api(fmt, which, real_kb, tiny_kb):
    kb = real_kb if which == "real" else tiny_kb
    g = parse(kb, fmt)
    got: dict[str, set[str]] = {}
    for row in g.query(ENGAGES):
        got.setdefault(_local(row.dilemma), set()).add(_local(row.need))
    expected = {d.id: {n.id for n in kb.related(d.id, "engages")} for d in kb.entries("dilemma")}
    assert expected and all(expected.values())
    assert got == expected


def test_turtle_and_jsonld_hold_the_same_triples(real_kb):
    t, j = parse(real_kb, "turtle"), parse(real_kb, "jsonld")
    assert len(t) > 1000
    assert set(t) == set(j)


def test_every_entry_is_a_skos_concept_of_its_kind(real_graph, real_kb):
    g = real_graph
    for e in real_kb.entries():
        s = E[e.id]
        assert (s, RDF.type, SKOS.Concept) in g
        kind_class = SA[e.kind.title().replace("-", "")]
        assert (s, RDF.type, kind_class) in g
        assert (kind_class, RDFS.subClassOf, SKOS.Concept) in g
        assert str(g.value(s, SKOS.prefLabel)) == e.title
        assert str(g.value(s, SKOS.definition)) == e.description
        assert str(g.value(s, RDFS.comment)) == e.summary
        assert (s, SKOS.inScheme, NS.scheme) in g
        prov = g.value(s, SA.provenance)
        assert g.value(prov, SA.grade) == SA["grade-" + e.provenance.grade]


def test_every_link_is_one_triple_and_every_relation_has_its_inverse(real_graph, real_kb):
    g = real_graph
    schema = real_kb.schema
    inverses = inverse_names(schema)
    for r in schema.relations.values():
        p, inv = SA[r.name], SA[inverses[r.name]]
        assert (p, RDF.type, OWL.ObjectProperty) in g
        assert str(g.value(p, RDFS.label)) == r.label
        assert (p, OWL.inverseOf, inv) in g
        if r.symmetric:
            assert (p, RDF.type, OWL.SymmetricProperty) in g
        else:
            assert (inv, OWL.inverseOf, p) in g and str(g.value(inv, RDFS.label)) == r.inverse
    links = {(r.source, r.name, r.target) for r in real_kb.relations()}
    found = set()
    for r_name in schema.relations:
        for s, o in g.subject_objects(SA[r_name]):
            found.add((_local(s), r_name, unquote(_local(o))))
    assert found == links


def test_citations_are_dcterms_links_to_bib_entries_with_dois(real_graph, real_kb):
    g = real_graph
    paper = NS.ref("kirk2025why")
    assert (paper, RDF.type, DCTERMS.BibliographicResource) in g
    assert str(g.value(paper, BIBO.doi)) == "10.1057/s41599-025-04532-5"
    assert (paper, RDFS.seeAlso, URIRef("https://doi.org/10.1057/s41599-025-04532-5")) in g
    assert "Kirk, Hannah Rose" in {str(o) for o in g.objects(paper, DCTERMS.creator)}
    citing = {r.source for r in real_kb.relations(relation="cites") if r.target == "kirk2025why"}
    assert citing == {_local(s) for s in g.subjects(DCTERMS.references, paper)}
    assert (SA.cites, RDFS.subPropertyOf, DCTERMS.references) in g
    for key, ref in real_kb.references.items():
        if ref.fields.get("doi"):
            assert g.value(NS.ref(key), BIBO.doi) is not None, key


def test_a_link_with_its_own_provenance_is_described(tiny_kb):
    # tiny: future-self engages competence with an editorial provenance of its own
    g = parse(tiny_kb, "turtle")
    q = """
    PREFIX sa: <urn:socioaffective:vocab:>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX entry: <urn:socioaffective:entry:>
    SELECT ?grade WHERE {
      ?st a rdf:Statement ; rdf:subject entry:future-self ; rdf:predicate sa:engages ;
          rdf:object entry:competence ; sa:provenance/sa:grade ?grade .
    }"""
    assert [_local(row.grade) for row in g.query(q)] == ["grade-editorial"]
    q2 = """
    PREFIX sa: <urn:socioaffective:vocab:>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?loc WHERE { ?st rdf:predicate sa:cites ; sa:locator ?loc . }"""
    assert sorted(str(row.loc) for row in g.query(q2)) == ["abstract", "p. 68"]


def test_kind_specific_fields_are_typed(tiny_kb):
    g = parse(tiny_kb, "turtle")
    paper = E["the-paper"]
    assert g.value(paper, SA.year) == Literal(2025)
    assert g.value(paper, SA.year).datatype == rdflib.XSD.integer
    assert {str(o) for o in g.objects(E["future-self"], SA.poles)} == {"Now", "Later"}
    assert str(g.value(E["which-self"], SA.status)) == "open"


def test_an_http_base_gives_http_iris(tiny_kb):
    g = parse(tiny_kb, "turtle", base="https://example.org/sa/")
    assert (URIRef("https://example.org/sa/entry/competence"), RDF.type, URIRef("https://example.org/sa/vocab/Need")) in g
    with pytest.raises(ValueError):
        export(tiny_kb, "turtle", base="not an iri")


def test_rdflib_is_imported_only_for_rdf():
    code = "import sys, socioaffective; kb = socioaffective.load(); [socioaffective.export(kb, f) for f in ('json', 'csv', 'graphml')]; print('rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ids_outside_the_default_pattern_still_give_valid_rdf(tiny_copy):
    """A schema may allow any id; IRIs must percent-encode it, not break Turtle."""
    import rdflib

    import socioaffective
    from socioaffective.export import export

    schema = tiny_copy / "framework" / "schema.yaml"
    schema.write_text(schema.read_text().replace('id_pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"', 'id_pattern: "^\\\\S+$"'))
    f = tiny_copy / "framework" / "tiny.yaml"
    odd = 'wh<i>"ch'
    f.write_text(f.read_text().replace("- id: which-self", f"- id: '{odd}'").replace("raises: [which-self]", f"raises: ['{odd}']"))
    kb = socioaffective.load(tiny_copy)
    assert odd in kb
    for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        g = rdflib.Graph().parse(data=export(kb, fmt), format=parser)
        labels = {str(o) for o in g.objects(None, rdflib.namespace.SKOS.prefLabel)}
        assert kb.get(odd).title in labels
