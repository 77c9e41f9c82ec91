"""``turtle`` and ``jsonld``: the framework as RDF, SKOS-style (needs rdflib).

* Each entry is a ``skos:Concept`` in one ``skos:ConceptScheme`` and an
  instance of its kind's class (``sa:Need``, ``sa:Dilemma`` ...; each class a
  subclass of ``skos:Concept``): ``skos:prefLabel`` its title,
  ``skos:definition`` its description, ``rdfs:comment`` its summary,
  ``skos:altLabel`` its aliases, ``skos:example`` its examples, and one
  ``sa:<field>`` property per kind-specific field.
* Each relation is an ``owl:ObjectProperty`` ``sa:<relation>`` with its label,
  its description and ``owl:inverseOf`` a declared inverse property named after
  the inverse label (``sa:engages`` / ``sa:engaged_by``); symmetric relations
  are ``owl:SymmetricProperty``. A link is one triple, written in the
  direction the framework states it.
* Citations: ``sa:cites`` (a sub-property of ``dcterms:references``) and the
  plain ``dcterms:references`` triple link an entry to a
  ``dcterms:BibliographicResource`` for the bib entry, with its title,
  creators, date, ``bibo:doi`` and ``rdfs:seeAlso`` its ``https://doi.org/`` IRI.
* Provenance: every entry has ``sa:provenance`` (a ``sa:Provenance`` with
  ``sa:grade`` one of the grades, ``dcterms:source`` the bib entry or
  ``sa:editorial``, ``sa:locator``, ``skos:note``). A link with a provenance
  of its own, a locator or a note is also described by an ``rdf:Statement``.

Standard vocabularies, so SKOS, OWL and PROV tools see the structure without
a reasoner:

* ``<base>vocab`` is an ``owl:Ontology`` with ``owl:versionInfo`` (the
  package version) and ``dcterms:license``.
* The scheme ``meta:scheme`` has one sub-scheme per kind
  (``meta:scheme-need`` ...); every entry is a ``skos:topConceptOf`` its
  kind's scheme, and the entries without a broader entry are the
  ``skos:hasTopConcept`` of the whole scheme. The scheme's
  ``prov:hadPrimarySource`` is the work most entries rest on.
* A hierarchical (``acyclic``) relation such as ``instance_of`` or
  ``part_of`` is an ``rdfs:subPropertyOf skos:broader`` (its inverse of
  ``skos:narrower``) and each such link is also written as ``skos:broader``;
  every other relation between entries is an ``rdfs:subPropertyOf
  skos:related``. Every property has a label of its own.
* Each entry, and each link (an ``rdf:Statement``), is a ``prov:Entity``
  ``prov:wasDerivedFrom`` its source (``prov:wasAttributedTo`` ``sa:editorial``
  for our own extensions), with a ``prov:qualifiedDerivation`` (or
  ``prov:qualifiedAttribution``): the ``sa:Provenance`` node with its grade and
  locator. A link that takes its entry's provenance shares its entry's node.

IRIs start with ``base`` (default ``urn:socioaffective:``, since the project
has no permanent web address): ``<base>entry:<id>``, ``<base>vocab:<name>``,
``<base>reference:<key>``; an ``http(s)`` base ending in ``/`` gives
``<base>entry/<id>`` and so on.

Which needs does each dilemma engage::

    PREFIX sa: <urn:socioaffective:vocab:>
    SELECT ?dilemma ?need WHERE { ?dilemma a sa:Dilemma ; sa:engages ?need . }
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from .. import links
from ..model import CORE_FIELDS

if TYPE_CHECKING:
    from ..schema import FieldSpec

DEFAULT_BASE = "urn:socioaffective:"
BIBO = "http://purl.org/ontology/bibo/"
#: The licence of the package and its framework (LICENSE, CITATION.cff).
LICENSE = "https://spdx.org/licenses/MIT.html"


def field_property(ns: Namespaces, name: str, spec):
    """The RDF property of a field: the schema's ``rdf`` option (``skos:altLabel``), else ``sa:<name>``.

    >>> from socioaffective.loader import default_root, load
    >>> schema = load(default_root()).schema
    >>> str(field_property(Namespaces(), "aliases", schema.common_fields["aliases"]))
    'http://www.w3.org/2004/02/skos/core#altLabel'
    >>> str(field_property(Namespaces(), "poles", schema.kinds["dilemma"].fields["poles"]))
    'urn:socioaffective:vocab:poles'
    """
    from rdflib import URIRef

    from ..schema import RDF_PREFIXES

    if spec is not None and spec.rdf:
        prefix, local = spec.rdf.split(":", 1)
        return URIRef(RDF_PREFIXES[prefix] + local)
    return ns.vocab[name]


def _own_property(name: str, spec) -> bool:
    """True if a kind's field is a property of the project's vocabulary (not a core field, no ``rdf``)."""
    return name not in CORE_FIELDS and not (spec is not None and spec.rdf)


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def _local(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", label.strip()).strip("_").lower() or "inverse"


class Namespaces:
    """The IRIs of one export."""

    def __init__(self, base: str = DEFAULT_BASE):
        from rdflib import Namespace, URIRef

        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", base or ""):
            raise ValueError(f"the base `{base}` is not an absolute IRI (e.g. `urn:socioaffective:` or `https://example.org/socioaffective/`)")
        sep = "" if base.endswith(("/", "#", ":")) else "/"
        slash = "/" if base.endswith("/") or sep == "/" else ":"
        root = base + sep
        self.base = base
        self.vocab = Namespace(root + "vocab" + slash)
        self.entry = Namespace(root + "entry" + slash)
        self.reference = Namespace(root + "reference" + slash)
        self.meta = Namespace(root + "meta" + slash)
        self.shape = Namespace(root + "shape" + slash)
        self.scheme = self.meta["scheme"]
        self.ontology = URIRef(root + "vocab")

    def kind_scheme(self, kind: str):
        """The concept scheme of one kind's entries."""
        return self.meta["scheme-" + quote(kind, safe="")]

    def ref(self, key: str):
        return self.reference[quote(key, safe="")]

    def node(self, id: str):
        """The IRI of an entry; ids are percent-encoded (a schema may allow any id)."""
        return self.entry[quote(id, safe="")]


def inverse_names(schema) -> dict[str, str]:
    """The local name of each relation's inverse property (the relation itself if symmetric).

    >>> from socioaffective.loader import default_root, load
    >>> inverse_names(load(default_root()).schema)["engages"]
    'engaged_by'
    """
    taken = set(schema.relations) | {f for k in schema.kinds.values() for f in k.fields} | set(schema.common_fields)
    out = {}
    for r in schema.relations.values():
        if r.symmetric:
            out[r.name] = r.name
            continue
        name = _local(r.inverse)
        while name in taken:
            name += "_inverse"
        taken.add(name)
        out[r.name] = name
    return out


def primary_source(kb) -> str | None:
    """The bib key most entries' provenance rests on (the paper, for this project).

    >>> from socioaffective.loader import default_root, load
    >>> primary_source(load(default_root()))
    'kirk2025why'
    """
    from collections import Counter

    from ..schema import EDITORIAL

    counts = Counter(e.provenance.source for e in kb.entries() if e.provenance and e.provenance.source != EDITORIAL and e.provenance.source in kb.references)
    if not counts:
        return None
    return min(counts, key=lambda key: (-counts[key], key))


def property_labels(schema) -> dict[str, str]:
    """The ``rdfs:label`` of every vocabulary property, all distinct.

    Relations and their inverses keep their schema labels; a field whose label
    would repeat one of them says it is a field (``raised by (field)``).

    >>> from socioaffective.loader import default_root, load
    >>> labels = property_labels(load(default_root()).schema)
    >>> labels["raised_by"], labels["raised_by_inverse"]
    ('raised by (field)', 'raised by')
    """
    inverses = inverse_names(schema)
    out: dict[str, str] = {}
    for r in schema.relations.values():
        out[r.name] = r.label
        if not r.symmetric:
            out[inverses[r.name]] = r.inverse
    used = set(out.values())
    for kind in schema.kinds.values():
        for name, spec in kind.fields.items():
            if not _own_property(name, spec) or name in out:
                continue
            label = name.replace("_", " ")
            while label in used:
                label += " (field)"
            used.add(label)
            out[name] = label
    return out


def build_graph(kb, base: str = DEFAULT_BASE, graph=None):
    """The rdflib ``Graph`` for ``kb``; or ``graph`` (empty, anything with rdflib's
    ``add`` and ``bind``, such as :class:`~socioaffective.export.rdftext.Triples`) filled
    with the same triples and prefixes."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, Namespace

    from .. import __version__
    from ..bib import latex_to_text
    from ..schema import EDITORIAL
    from . import FORMAT_VERSION
    from ._util import bib_people

    ns = Namespaces(base)
    SA, E = ns.vocab, ns.entry
    bibo = Namespace(BIBO)
    schema = kb.schema
    g = Graph() if graph is None else graph  # no blank nodes: every node has a stable IRI, so exports diff cleanly
    for prefix, n in (
        ("sa", SA),
        ("entry", E),
        ("ref", ns.reference),
        ("meta", ns.meta),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("owl", OWL),
        ("bibo", bibo),
        ("prov", PROV),
    ):
        g.bind(prefix, n, override=True)

    def en(text) -> Literal:
        return Literal(str(text), lang="en")

    # the scheme
    g.add((ns.scheme, RDF.type, SKOS.ConceptScheme))
    g.add((ns.scheme, SKOS.prefLabel, en("The socioaffective-alignment framework")))
    g.add((ns.scheme, DCTERMS.hasVersion, Literal(__version__)))
    g.add((ns.scheme, SA.formatVersion, Literal(FORMAT_VERSION)))
    if schema.framework_version:  # the version of the content (schema.yaml `framework_version`)
        g.add((ns.scheme, OWL.versionInfo, Literal(schema.framework_version)))
    g.add((ns.scheme, DCTERMS.title, en("The socioaffective-alignment framework")))
    g.add((ns.scheme, DCTERMS.license, URIRef(LICENSE)))
    primary = primary_source(kb)
    if primary:
        g.add((ns.scheme, DCTERMS.source, ns.ref(primary)))
        g.add((ns.scheme, PROV.hadPrimarySource, ns.ref(primary)))
    for k in schema.kinds.values():
        ks = ns.kind_scheme(k.name)
        g.add((ks, RDF.type, SKOS.ConceptScheme))
        g.add((ks, SKOS.prefLabel, en(k.plural or k.label)))
        g.add((ks, DCTERMS.isPartOf, ns.scheme))
        g.add((ns.scheme, DCTERMS.hasPart, ks))

    # the ontology header
    g.add((ns.ontology, RDF.type, OWL.Ontology))
    g.add((ns.ontology, OWL.versionInfo, Literal(__version__)))
    g.add((ns.ontology, RDFS.label, en("Vocabulary of the socioaffective-alignment framework")))
    g.add((ns.ontology, DCTERMS.title, en("Vocabulary of the socioaffective-alignment framework")))
    g.add((ns.ontology, DCTERMS.license, URIRef(LICENSE)))
    g.add((ns.ontology, RDFS.seeAlso, ns.scheme))
    g.add((SA.formatVersion, RDF.type, OWL.DatatypeProperty))
    g.add((SA.formatVersion, RDFS.label, en("format version of the export")))

    # vocabulary: kinds, fields, relations, grades
    for k in schema.kinds.values():
        c = SA[camel(k.name)]
        g.add((c, RDF.type, OWL.Class))
        g.add((c, RDFS.subClassOf, SKOS.Concept))
        g.add((c, RDFS.label, en(k.label)))
        if k.description:
            g.add((c, SKOS.definition, en(k.description)))
    g.add((SA.Provenance, RDF.type, OWL.Class))
    g.add((SA.Provenance, RDFS.label, en("Provenance")))
    g.add((SA.Provenance, RDFS.subClassOf, PROV.Influence))
    g.add((SA.Grade, RDF.type, OWL.Class))
    g.add((SA.Grade, RDFS.label, en("Grade of provenance")))
    for p, label in ((SA.provenance, "provenance"), (SA.grade, "grade"), (SA.locator, "locator"), (SA.paperClaim, "may be presented as the paper's claim")):
        g.add((p, RDF.type, OWL.ObjectProperty if p in (SA.provenance, SA.grade) else OWL.DatatypeProperty))
        g.add((p, RDFS.label, en(label)))
    grade_iri = {}
    for gr in schema.grades.values():
        gi = SA["grade-" + gr.name]
        grade_iri[gr.name] = gi
        g.add((gi, RDF.type, SA.Grade))
        g.add((gi, SKOS.prefLabel, en(gr.label)))
        g.add((gi, SKOS.notation, Literal(gr.badge)))
        g.add((gi, SA.paperClaim, Literal(gr.paper_claim)))
        if gr.description:
            g.add((gi, SKOS.definition, en(gr.description)))
    g.add((SA[EDITORIAL], RDFS.label, en("editorial: our own extension of the framework")))
    g.add((SA[EDITORIAL], RDF.type, PROV.Agent))
    labels = property_labels(schema)
    field_specs: dict[str, FieldSpec] = {}
    for k in schema.kinds.values():
        for name, spec in k.fields.items():
            if _own_property(name, spec):
                field_specs.setdefault(name, spec)
    for name, spec in field_specs.items():
        p = SA[name]
        g.add((p, RDF.type, OWL.DatatypeProperty))
        g.add((p, RDFS.label, en(labels[name])))
        if spec.description:
            g.add((p, SKOS.definition, en(spec.description)))
    inverses = inverse_names(schema)
    for r in schema.relations.values():
        p, inv = SA[r.name], SA[inverses[r.name]]
        g.add((p, RDF.type, OWL.ObjectProperty))
        g.add((p, RDFS.label, en(r.label)))
        if r.description:
            g.add((p, SKOS.definition, en(r.description)))
        g.add((p, OWL.inverseOf, inv))
        if r.symmetric:
            g.add((p, RDF.type, OWL.SymmetricProperty))
        else:
            g.add((inv, RDF.type, OWL.ObjectProperty))
            g.add((inv, RDFS.label, en(r.inverse)))
            g.add((inv, OWL.inverseOf, p))
        if r.cites_references:
            g.add((p, RDFS.subPropertyOf, DCTERMS.references))
        elif r.acyclic and not r.symmetric:  # a hierarchy: the target is broader
            g.add((p, RDFS.subPropertyOf, SKOS.broader))
            g.add((inv, RDFS.subPropertyOf, SKOS.narrower))
        elif "reference" not in r.targets:
            g.add((p, RDFS.subPropertyOf, SKOS.related))
            if not r.symmetric:
                g.add((inv, RDFS.subPropertyOf, SKOS.related))

    def source_node(source: str):
        return SA[EDITORIAL] if source == EDITORIAL else ns.ref(source)

    def provenance(node, prov) -> None:
        g.add((node, RDF.type, SA.Provenance))
        g.add((node, SA.grade, grade_iri.get(prov.grade, SA["grade-" + _local(prov.grade)])))
        g.add((node, DCTERMS.source, source_node(prov.source)))
        if prov.source == EDITORIAL:
            g.add((node, RDF.type, PROV.Attribution))
            g.add((node, PROV.agent, SA[EDITORIAL]))
        else:
            g.add((node, RDF.type, PROV.Derivation))
            g.add((node, PROV.entity, source_node(prov.source)))
        if prov.locator:
            g.add((node, SA.locator, Literal(str(prov.locator))))
        if prov.note:
            g.add((node, SKOS.note, en(prov.note)))

    def derived(thing, node, prov) -> None:
        """``thing`` comes from ``prov`` (described by ``node``), in PROV-O terms."""
        g.add((thing, RDF.type, PROV.Entity))
        if prov.source == EDITORIAL:
            g.add((thing, PROV.wasAttributedTo, SA[EDITORIAL]))
            g.add((thing, PROV.qualifiedAttribution, node))
        else:
            g.add((thing, PROV.wasDerivedFrom, source_node(prov.source)))
            g.add((thing, PROV.qualifiedDerivation, node))

    def value_literal(value, ftype: str):
        if ftype == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return Literal(value, datatype=XSD.integer)
        if ftype == "boolean" and isinstance(value, bool):
            return Literal(value)
        if ftype == "url":
            return Literal(str(value), datatype=XSD.anyURI)
        if ftype == "text":
            return en(value)
        return Literal(value if isinstance(value, str) else str(value))

    # entries
    hierarchical = {r.name for r in schema.relations.values() if r.acyclic and not r.symmetric and not r.cites_references}
    has_broader = {r.source for r in kb.relations() if r.name in hierarchical and r.target in kb and not kb.get(r.target).is_reference}
    entry_prov = {}
    for e in kb.entries():
        s = ns.node(e.id)
        kind = schema.kinds.get(e.kind)
        g.add((s, RDF.type, SKOS.Concept))
        g.add((s, RDF.type, OWL.NamedIndividual))
        if kind:
            g.add((s, RDF.type, SA[camel(kind.name)]))
            g.add((s, SKOS.topConceptOf, ns.kind_scheme(kind.name)))
            g.add((ns.kind_scheme(kind.name), SKOS.hasTopConcept, s))
        g.add((s, SKOS.inScheme, ns.scheme))
        if e.id not in has_broader:
            g.add((ns.scheme, SKOS.hasTopConcept, s))
        g.add((s, SKOS.prefLabel, en(e.title)))
        if e.summary:
            g.add((s, RDFS.comment, en(e.summary)))
        if e.description:
            g.add((s, SKOS.definition, en(e.description)))
        g.add((s, DCTERMS.identifier, Literal(e.id)))
        if e.provenance:
            pnode = ns.meta[f"provenance-{quote(e.id, safe='')}"]
            provenance(pnode, e.provenance)
            g.add((s, SA.provenance, pnode))
            derived(s, pnode, e.provenance)
            entry_prov[e.id] = (e.provenance, pnode)
        specs = schema.fields_of(e.kind)
        for name, value in e.fields.items():
            spec = specs.get(name)
            values = value if isinstance(value, list) else [value]
            item_type = (spec.items.type if spec and spec.items else "string") if isinstance(value, list) else (spec.type if spec else "string")
            pred = field_property(ns, name, spec)  # schema.yaml's `rdf` option, else sa:<name>
            external = spec is not None and bool(spec.rdf)  # text in another vocabulary is English (@en)
            for v in values:
                if v is None or isinstance(v, (dict, list)):
                    continue
                g.add((s, pred, en(v) if external and isinstance(v, str) else value_literal(v, item_type)))

    # links
    for r in kb.relations():
        rt = schema.relations[r.name]
        s = ns.node(r.source)
        o = ns.ref(r.target) if kb.get(r.target).is_reference else ns.node(r.target)
        g.add((s, SA[r.name], o))
        if rt.cites_references:
            g.add((s, DCTERMS.references, o))
        elif r.name in hierarchical:
            g.add((s, SKOS.broader, o))
        p = r.provenance
        link = f"link-{quote(r.source, safe='')}-{r.name}-{quote(r.target, safe='')}"
        st = ns.meta[link]
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, SA[r.name]))
        g.add((st, RDF.object, o))
        if p:
            mine = entry_prov.get(r.source)
            same = mine is not None and (p.source, p.grade, p.locator, p.note) == (mine[0].source, mine[0].grade, mine[0].locator, mine[0].note)
            own = not (p.inherited and same) or r.locator or r.note
            if own:
                pn = ns.meta[f"provenance-{link}"]
                provenance(pn, p)
            else:  # the entry's own provenance: share its node
                pn = entry_prov[r.source][1]
            g.add((st, SA.provenance, pn))
            derived(st, pn, p)
            if r.locator:
                g.add((st, SA.locator, Literal(str(r.locator))))
            if r.note:
                g.add((st, SKOS.note, en(r.note)))

    # bib references
    for ref in kb.references.values():
        s = ns.ref(ref.id)
        f = ref.fields
        g.add((s, RDF.type, DCTERMS.BibliographicResource))
        g.add((s, DCTERMS.identifier, Literal(ref.id)))
        g.add((s, DCTERMS.title, Literal(ref.title)))
        g.add((s, DCTERMS.bibliographicCitation, Literal(ref.summary)))
        for name in ("author", "editor"):
            for person in bib_people(f.get(name) or ""):
                g.add((s, DCTERMS.creator if name == "author" else DCTERMS.contributor, Literal(person)))
        if f.get("year"):
            g.add((s, DCTERMS.issued, Literal(str(f["year"]))))
        venue = f.get("journal") or f.get("booktitle") or f.get("publisher")
        if venue:
            g.add((s, DCTERMS.isPartOf if (f.get("journal") or f.get("booktitle")) else DCTERMS.publisher, Literal(latex_to_text(venue))))
        doi = (f.get("doi") or "").strip()
        if doi:
            doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
            g.add((s, bibo.doi, Literal(doi)))
            g.add((s, RDFS.seeAlso, URIRef(links.quote("https://doi.org/" + doi))))
        url = links.safe_url((f.get("url") or "").strip())
        if url:
            g.add((s, bibo.uri, URIRef(url)))
    from .skos_mappings import add_mappings  # crosswalks: SKOS mapping triples to the upstream IRIs

    add_mappings(g, kb, ns)
    return g


def _context(ns: Namespaces) -> dict:
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

    return {
        "sa": str(ns.vocab),
        "entry": str(ns.entry),
        "ref": str(ns.reference),
        "meta": str(ns.meta),
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "owl": str(OWL),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "xsd": str(XSD),
        "bibo": BIBO,
    }


def _canonical_jsonld(text: str) -> str:
    """rdflib writes ``@graph``, keys and value arrays in set order; sort them all.

    JSON-LD arrays of property values are unordered (no ``@list`` is written),
    so sorting changes the bytes, never the triples: the same framework gives
    the same file whatever ``PYTHONHASHSEED`` is.
    """
    import json

    def key(v) -> str:
        return json.dumps(v, sort_keys=True, ensure_ascii=False)

    def tidy(v):
        if isinstance(v, dict):
            return {k: tidy(x) if k != "@list" else [tidy(i) for i in x] for k, x in v.items()}
        if isinstance(v, list):
            return sorted((tidy(x) for x in v), key=key)
        return v

    doc = tidy(json.loads(text))
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def render(kb, fmt: str = "turtle", base: str = DEFAULT_BASE, graph=None, **_options) -> str:
    """``kb`` as Turtle or JSON-LD; ``graph``: its :func:`build_graph` for ``base``
    when the caller has it already (the book writes both formats from one graph)."""
    try:
        import rdflib  # noqa: F401
    except ImportError:  # pragma: no cover - rdflib is in the `rdf` extra
        from ..errors import SocioaffectiveError

        raise SocioaffectiveError("the RDF exports need rdflib: pip install 'socioaffective[rdf]'") from None
    from . import rdftext

    g = build_graph(kb, base) if graph is None else graph
    if fmt == "jsonld":
        from ._util import harden_json

        context = _context(Namespaces(base))
        try:
            text = rdftext.jsonld(g, context)
        except ValueError:  # blank nodes or lists (a graph a caller made): rdflib's writer, sorted
            text = _canonical_jsonld(rdftext.as_rdflib(g).serialize(format="json-ld", context=context, indent=2, auto_compact=True))
        return harden_json(text) + "\n"
    try:
        return rdftext.turtle(g)
    except ValueError:  # the same, in Turtle
        return rdftext.as_rdflib(g).serialize(format="turtle")
