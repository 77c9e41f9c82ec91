"""The RDF export in the standard vocabularies: OWL header, SKOS schemes and hierarchy, PROV-O provenance."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

rdflib = pytest.importorskip("rdflib")
from rdflib import URIRef  # noqa: E402
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS  # noqa: E402

import socioaffective  # noqa: E402
from socioaffective.export import export  # noqa: E402
from socioaffective.export.rdf import DEFAULT_BASE, LICENSE, Namespaces, inverse_names  # noqa: E402
from socioaffective.schema import EDITORIAL  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
NS = Namespaces(DEFAULT_BASE)
SA = NS.vocab


@pytest.fixture(scope="module", params=["real", "tiny"])
def kb_graph(request, tiny_root):
    kb = socioaffective.load() if request.param == "real" else socioaffective.load(tiny_root)
    return kb, rdflib.Graph().parse(data=export(kb, "turtle"), format="turtle")


def test_owl_ontology_header_with_version_and_licence(kb_graph):
    kb, g = kb_graph
    (onto,) = g.subjects(RDF.type, OWL.Ontology)
    assert str(g.value(onto, OWL.versionInfo)) == socioaffective.__version__
    assert g.value(onto, DCTERMS.license) == URIRef(LICENSE)
    assert g.value(NS.scheme, DCTERMS.license) == URIRef(LICENSE)
    cff = (Path(__file__).resolve().parents[1] / "CITATION.cff").read_text()
    assert "license: MIT" in cff and LICENSE.endswith("/MIT.html")


def test_one_scheme_per_kind_and_top_concepts(kb_graph):
    kb, g = kb_graph
    for kind in kb.schema.kinds:
        ks = NS.kind_scheme(kind)
        assert (ks, RDF.type, SKOS.ConceptScheme) in g
        assert (ks, DCTERMS.isPartOf, NS.scheme) in g
        tops = {str(s) for s in g.objects(ks, SKOS.hasTopConcept)}
        assert tops == {str(NS.node(e.id)) for e in kb.entries(kind)}
        for t in tops:
            assert (URIRef(t), SKOS.topConceptOf, ks) in g
    hierarchical = {r.name for r in kb.schema.relations.values() if r.acyclic and not r.symmetric}
    assert hierarchical == {"instance_of", "part_of"}
    with_broader = {r.source for r in kb.relations() if r.name in hierarchical}
    tops = set(g.objects(NS.scheme, SKOS.hasTopConcept))
    assert tops == {NS.node(e.id) for e in kb.entries() if e.id not in with_broader}


def test_relations_are_skos_related_or_broader_and_links_are_broader(kb_graph):
    kb, g = kb_graph
    inverses = inverse_names(kb.schema)
    for r in kb.schema.relations.values():
        p, inv = SA[r.name], SA[inverses[r.name]]
        supers = set(g.objects(p, RDFS.subPropertyOf))
        if r.cites_references:
            assert supers == {DCTERMS.references}
        elif r.acyclic:
            assert supers == {SKOS.broader} and (inv, RDFS.subPropertyOf, SKOS.narrower) in g
        else:
            assert supers == {SKOS.related} and (inv, RDFS.subPropertyOf, SKOS.related) in g
    q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?a ?b WHERE { ?a skos:broader ?b }"
    got = {(str(a), str(b)) for a, b in g.query(q)}
    assert got == {(str(NS.node(r.source)), str(NS.node(r.target))) for r in kb.relations() if r.name in ("instance_of", "part_of")}


def test_every_property_has_a_label_of_its_own(kb_graph):
    kb, g = kb_graph
    labels = Counter()
    for ptype in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for p in set(g.subjects(RDF.type, ptype)):
            (label,) = g.objects(p, RDFS.label)
            labels[str(label)] += 1
    assert labels and max(labels.values()) == 1, [lbl for lbl, n in labels.items() if n > 1]


PROV_OF_ENTRIES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sa: <urn:socioaffective:vocab:>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?e ?src ?grade WHERE {
  ?e a sa:%s ; dcterms:identifier ?id .
  { ?e prov:wasDerivedFrom ?src ; prov:qualifiedDerivation ?d . ?d prov:entity ?src ; sa:grade ?grade }
  UNION
  { ?e prov:wasAttributedTo ?src ; prov:qualifiedAttribution ?d . ?d prov:agent ?src ; sa:grade ?grade }
}"""

PROV_OF_LINKS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sa: <urn:socioaffective:vocab:>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?p ?o ?src ?grade WHERE {
  ?st a rdf:Statement, prov:Entity ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  { ?st prov:wasDerivedFrom ?src ; prov:qualifiedDerivation/sa:grade ?grade }
  UNION
  { ?st prov:wasAttributedTo ?src ; prov:qualifiedAttribution/sa:grade ?grade }
}"""


def _source(key):
    return SA[EDITORIAL] if key == EDITORIAL else NS.ref(key)


def test_every_entry_and_every_link_is_derived_from_its_source_in_prov(kb_graph):
    kb, g = kb_graph
    got = set()
    for kind in kb.schema.kinds.values():
        cls = "".join(part.capitalize() for part in kind.name.replace("_", "-").split("-"))
        got |= {(s, src, grade) for s, src, grade in g.query(PROV_OF_ENTRIES % cls)}
    expected = {(NS.node(e.id), _source(e.provenance.source), SA["grade-" + e.provenance.grade]) for e in kb.entries()}
    assert got == expected
    links = {(s, p, o, src, grade) for s, p, o, src, grade in g.query(PROV_OF_LINKS)}
    expected_links = set()
    for r in kb.relations():
        o = NS.ref(r.target) if kb.get(r.target).is_reference else NS.node(r.target)
        expected_links.add((NS.node(r.source), SA[r.name], o, _source(r.provenance.source), SA["grade-" + r.provenance.grade]))
    assert links == expected_links and len(links) == len(list(kb.relations()))


def test_the_primary_source_is_read_from_the_framework_not_hard_coded(kb_graph):
    kb, g = kb_graph
    counts = Counter(e.provenance.source for e in kb.entries() if e.provenance.source in kb.references)
    top = max(counts.values())
    (primary,) = g.objects(NS.scheme, PROV.hadPrimarySource)
    assert primary == NS.ref(min(k for k, n in counts.items() if n == top))
    src = (Path(socioaffective.__file__).parent / "export" / "rdf.py").read_text()
    code = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith((">>>", "'")))
    assert "kirk2025why" not in code
