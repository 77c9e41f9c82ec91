"""Crosswalks: our entries mapped to the identifiers of external taxonomies.

The mappings are ordinary relations of the framework (``exact_match``,
``close_match``, ``related_match``, ``broad_match``, ``narrow_match``, the SKOS
mapping relations, and ``no_match`` for a recorded gap), written on the
external item (kind ``external``) or the taxonomy (kind ``taxonomy``); see
``framework/crosswalk.yaml``. This module reads them the other way round, from
our entry's side, for the entry pages, the design review and the RDF and SSSOM
exports. Pure functions of the knowledge base; no I/O.

>>> import socioaffective
>>> kb = socioaffective.load()
>>> [(m.predicate, m.external.fields["notation"]) for m in mappings_of(kb, "dependence-and-over-reliance")][:1]
[('closeMatch', 'mit-ai-risk-subdomain-5.1')]
>>> sorted(g.taxonomy.id for g in gaps_of(kb, "sycophancy"))
['ibm-risk-atlas', 'mit-ai-risk-repository', 'nist-ai-600-1']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Entry, Provenance, Relation

EXTERNAL_KIND = "external"
TAXONOMY_KIND = "taxonomy"
IN_SCHEME = "in_scheme"
NO_MATCH = "no_match"
#: Our relation name -> the SKOS mapping property (local name in the SKOS namespace).
SKOS_MAPPINGS = {
    "exact_match": "exactMatch",
    "close_match": "closeMatch",
    "related_match": "relatedMatch",
    "broad_match": "broadMatch",
    "narrow_match": "narrowMatch",
}
#: The SKOS property read from the other end of a link.
SKOS_INVERSE = {
    "exactMatch": "exactMatch",
    "closeMatch": "closeMatch",
    "relatedMatch": "relatedMatch",
    "broadMatch": "narrowMatch",
    "narrowMatch": "broadMatch",
}
#: How each SKOS property reads on our entry's page (subject = our entry).
SKOS_LABEL = {"exactMatch": "exact match", "closeMatch": "close match", "relatedMatch": "related", "broadMatch": "broader", "narrowMatch": "narrower"}


@dataclass(frozen=True)
class Mapping:
    """``subject`` ``skos:<predicate>`` ``external``, with the link's provenance.

    ``subject`` is our entry (or, for a published upstream mapping, another
    external item); ``relation`` is the framework's link it was read from.
    """

    subject: Entry
    predicate: str
    external: Entry
    taxonomy: Entry | None
    relation: Relation

    @property
    def provenance(self) -> Provenance:
        assert self.relation.provenance is not None  # all_mappings keeps only links with provenance
        return self.relation.provenance


@dataclass(frozen=True)
class Gap:
    """No identifier of ``taxonomy`` fits ``entry`` (a finding, with its note)."""

    entry: Entry
    taxonomy: Entry
    relation: Relation

    @property
    def provenance(self) -> Provenance:
        assert self.relation.provenance is not None  # gaps_of keeps only links with provenance
        return self.relation.provenance


def entries_of(kb, kind: str) -> list:
    """The entries of ``kind``, or none if the framework's schema has no such kind."""
    return kb.entries(kind=kind) if kind in kb.schema.kinds else []


def taxonomy_of(kb, external):
    """The taxonomy an external item is filed in (or None)."""
    for r in external.relations:
        if r.name == IN_SCHEME:
            return kb.get(r.target)
    return None


def iri_of(kb, entry) -> str | None:
    """The upstream IRI of an external item or taxonomy, or None when upstream publishes none."""
    iri = entry.fields.get("iri")
    if iri:
        return str(iri)
    if entry.kind == EXTERNAL_KIND:
        tax = taxonomy_of(kb, entry)
        prefix = tax.fields.get("iri_prefix") if tax else None
        if prefix:
            return str(prefix) + str(entry.fields.get("notation", ""))
    return None


def curie_of(kb, entry) -> tuple[str, str] | None:
    """``(prefix, expansion)`` of an external item's CURIE, or None."""
    tax = taxonomy_of(kb, entry) if entry.kind == EXTERNAL_KIND else None
    if tax and tax.fields.get("curie_prefix") and tax.fields.get("iri_prefix") and not entry.fields.get("iri"):
        return str(tax.fields["curie_prefix"]), str(tax.fields["iri_prefix"])
    return None


def all_mappings(kb) -> list[Mapping]:
    """Every mapping of the framework, read from the non-external end where there is one."""
    out = []
    for r in kb.relations():
        pred = SKOS_MAPPINGS.get(r.name)
        if pred is None or r.provenance is None:  # (no provenance: only in a framework with errors)
            continue
        src, tgt = kb.get(r.source), kb.get(r.target)
        if src.kind == EXTERNAL_KIND and tgt.kind != EXTERNAL_KIND:
            out.append(Mapping(tgt, SKOS_INVERSE[pred], src, taxonomy_of(kb, src), r))
        else:  # written from our entry, or external -> external (a published upstream mapping)
            out.append(Mapping(src, pred, tgt, taxonomy_of(kb, tgt), r))
    return out


def mappings_of(kb, id: str) -> list[Mapping]:
    """The mappings of one entry, seen from it, strongest first (exact, close, broader, narrower, related)."""
    order = {p: i for i, p in enumerate(("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))}
    found = []
    for m in all_mappings(kb):
        if m.subject.id == id:
            found.append(m)
        elif m.external.id == id:  # an external item's own page: read from its side
            found.append(
                Mapping(m.external, SKOS_INVERSE[m.predicate], m.subject, taxonomy_of(kb, m.subject) if m.subject.kind == EXTERNAL_KIND else None, m.relation)
            )
    return sorted(found, key=lambda m: (order.get(m.predicate, 9), m.taxonomy.title if m.taxonomy else "", m.external.title))


def gaps_of(kb, id: str) -> list[Gap]:
    """The taxonomies recorded as having no identifier for entry ``id``."""
    return [Gap(kb.get(id), kb.get(r.source), r) for r in kb.relations(id, direction="in") if r.name == NO_MATCH and r.provenance]


__all__ = ["Gap", "Mapping", "entries_of", "SKOS_MAPPINGS", "SKOS_LABEL", "all_mappings", "curie_of", "gaps_of", "iri_of", "mappings_of", "taxonomy_of"]
