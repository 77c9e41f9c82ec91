"""SKOS mapping triples for the RDF exports (``turtle``, ``jsonld``).

:func:`add_mappings` is called by :func:`socioaffective.export.rdf.build_graph`
with one line; it adds, on top of the framework's own triples:

* for each external taxonomy with an IRI: ``<iri> a skos:ConceptScheme`` with its
  title, and ``rdfs:seeAlso`` from our entry for it;
* for each external item: its upstream IRI (``nexus:<id>`` for the items of
  IBM/ai-atlas-nexus; our own entry IRI where upstream publishes none, as for the
  EU AI Act's provisions) as a ``skos:Concept`` with ``skos:notation`` (the
  identifier exactly as upstream), ``skos:prefLabel``, ``skos:inScheme`` and
  ``rdfs:seeAlso`` its web page, and ``skos:exactMatch`` from our entry for it;
* each mapping as one triple from our entry to the upstream IRI:
  ``skos:exactMatch``, ``closeMatch``, ``relatedMatch``, ``broadMatch`` or
  ``narrowMatch`` (read from our entry's side), and each published upstream
  mapping between two external items likewise. The provenance of each mapping
  is on the framework's own link (an ``rdf:Statement`` with ``sa:provenance``).

Which upstream identifiers is each risk filed under::

    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX sa: <urn:socioaffective:vocab:>
    SELECT ?risk ?match ?id WHERE {
      ?risk a sa:Risk ; skos:closeMatch|skos:relatedMatch|skos:broadMatch|skos:narrowMatch|skos:exactMatch ?match .
      ?match skos:notation ?id . }
"""

from __future__ import annotations

NEXUS = "https://w3id.org/ai-atlas-nexus/"


def add_mappings(g, kb, ns) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    from ..crosswalk import EXTERNAL_KIND, TAXONOMY_KIND, all_mappings, entries_of, iri_of, taxonomy_of

    g.bind("nexus", NEXUS)

    def node(entry):
        iri = iri_of(kb, entry) if entry.kind == EXTERNAL_KIND else None
        return URIRef(iri) if iri else ns.node(entry.id)

    def scheme_node(tax):
        iri = iri_of(kb, tax)
        return URIRef(iri) if iri else ns.node(tax.id)

    for tax in entries_of(kb, TAXONOMY_KIND):
        iri = iri_of(kb, tax)
        if iri:
            t = URIRef(iri)
            g.add((t, RDF.type, SKOS.ConceptScheme))
            g.add((t, SKOS.prefLabel, Literal(tax.title, lang="en")))
            g.add((ns.node(tax.id), RDFS.seeAlso, t))
    for e in entries_of(kb, EXTERNAL_KIND):
        x = node(e)
        g.add((x, RDF.type, SKOS.Concept))
        g.add((x, SKOS.notation, Literal(str(e.fields.get("notation", "")))))
        g.add((x, SKOS.prefLabel, Literal(e.title, lang="en")))
        tax = taxonomy_of(kb, e)
        if tax is not None:
            g.add((x, SKOS.inScheme, scheme_node(tax)))
        if e.fields.get("url"):
            g.add((x, RDFS.seeAlso, URIRef(str(e.fields["url"]))))
        if x != ns.node(e.id):
            g.add((ns.node(e.id), SKOS.exactMatch, x))
    for m in all_mappings(kb):
        g.add((node(m.subject), SKOS[m.predicate], node(m.external)))
