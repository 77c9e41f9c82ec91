"""SHACL shapes for the RDF export, generated from ``framework/schema.yaml``.

Beside the JSON Schema (:mod:`socioaffective.jsonschema`, for editors), the
shapes let a triple-store user check the Turtle or JSON-LD export with any
SHACL processor (pySHACL, TopBraid, Jena ``shacl``) without this package::

    socioaffective export -f shacl -o socioaffective.shacl.ttl
    socioaffective export -f turtle -o socioaffective.ttl
    pyshacl -s socioaffective.shacl.ttl socioaffective.ttl

One ``sh:NodeShape`` per kind (``sh:targetClass`` its class) says: exactly
one title (``skos:prefLabel``, at most ``max_length`` characters), one
identifier matching ``id_pattern``, the required common fields, exactly one
provenance; each kind-specific field typed as the schema types it (``enum``
as ``sh:in``, ``integer`` as ``xsd:integer``, required as ``sh:minCount 1``,
a list's ``min_items``/``max_items``); each relation the kind may use pointing
at an entry of an allowed kind (``sh:class``), and the kind's
``required_relations`` present. Further shapes cover provenance (one grade
of the schema, one source), bib references and link statements.

Like the JSON Schema, the shapes check what a single graph can show;
``socioaffective validate`` stays the judge (cycles, cite keys, file lines).

>>> from socioaffective.loader import default_root, load
>>> g = shapes(load(default_root()).schema)
>>> from rdflib.namespace import SH, RDF
>>> len(set(g.subjects(RDF.type, SH.NodeShape))) > 9
True
"""

from __future__ import annotations

from urllib.parse import quote

from .schema import REFERENCE_KIND, Schema


def shapes(schema: Schema, base: str | None = None):
    """The rdflib ``Graph`` of SHACL shapes for exports of a framework with ``schema``."""
    from rdflib import BNode, Graph, Literal
    from rdflib.collection import Collection
    from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD

    from .export.rdf import DEFAULT_BASE, Namespaces, camel, field_property, property_labels

    ns = Namespaces(base or DEFAULT_BASE)
    SA = ns.vocab
    S = ns.shape
    g = Graph()
    for prefix, n in (("sh", SH), ("sa", SA), ("shape", S), ("skos", SKOS), ("dcterms", DCTERMS), ("xsd", XSD), ("meta", ns.meta)):
        g.bind(prefix, n, override=True)
    labels = property_labels(schema)

    def node(name: str):
        return S[quote(name, safe="")]

    def rdf_list(name: str, items) -> BNode:
        head = BNode(f"list-{quote(name, safe='')}")  # fixed ids: the same schema gives the same bytes
        Collection(g, head, list(items))
        return head

    def prop(shape, name: str, path, *, min_count=None, max_count=None, message=None, **constraints):
        ps = node(name)
        g.add((shape, SH.property, ps))
        g.add((ps, RDF.type, SH.PropertyShape))
        g.add((ps, SH.path, path))
        if min_count:
            g.add((ps, SH.minCount, Literal(min_count)))
        if max_count is not None:
            g.add((ps, SH.maxCount, Literal(max_count)))
        for key, value in constraints.items():
            g.add((ps, SH[key], value))
        if message:
            g.add((ps, SH.message, Literal(message)))
        return ps

    def kind_class(kind: str):
        if kind == REFERENCE_KIND:
            return DCTERMS.BibliographicResource
        if kind == "*":
            return SKOS.Concept
        return SA[camel(kind)]

    def value_constraints(spec, where: str) -> dict:
        t = spec.type
        if t == "integer":
            return {"datatype": XSD.integer}
        if t == "boolean":
            return {"datatype": XSD.boolean}
        if t == "url":
            return {"datatype": XSD.anyURI}
        if t == "text":
            return {"datatype": RDF.langString}
        if t == "enum":
            return {"nodeKind": SH.Literal, "in": rdf_list(f"in-{where}", [Literal(str(v)) for v in spec.values])}
        return {"nodeKind": SH.Literal}

    common = schema.common_fields
    paths = {"title": SKOS.prefLabel, "summary": RDFS.comment, "description": SKOS.definition}  # the core fields; others: field_property
    for kind in schema.kinds.values():
        cls = kind_class(kind.name)
        shape = node(camel(kind.name) + "Shape")
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, cls))
        g.add((shape, RDFS.label, Literal(f"a {kind.label} entry", lang="en")))
        k = camel(kind.name)
        prop(
            shape,
            f"{k}-id",
            DCTERMS.identifier,
            min_count=1,
            max_count=1,
            pattern=Literal(schema.id_pattern),
            message=f"a {kind.label} has one id matching {schema.id_pattern}",
        )
        prop(shape, f"{k}-inScheme", SKOS.inScheme, min_count=1, hasValue=ns.scheme)
        prop(
            shape, f"{k}-provenance", SA.provenance, min_count=1, max_count=1, **{"class": SA.Provenance}, message=f"a {kind.label} has exactly one provenance"
        )
        fields = {**common, **kind.fields}
        for name, spec in fields.items():
            if name in ("id", "kind", "provenance"):
                continue
            path = paths.get(name) or field_property(ns, name, spec)
            required = 1 if spec.required else None
            if spec.type == "list":
                item = spec.items
                # the export writes one triple per scalar item
                scalar = item is None or item.type not in ("list", "provenance")
                if not scalar:
                    continue
                extra = value_constraints(item, f"{k}-{name}") if item else {"nodeKind": SH.Literal}
                lo = max(spec.min_items or 0, 1 if spec.required else 0) or None
                prop(shape, f"{k}-{name}", path, min_count=lo, max_count=spec.max_items, **extra)
                continue
            extra = value_constraints(spec, f"{k}-{name}")
            if name in paths or spec.rdf:
                extra = {"datatype": RDF.langString}
            if spec.max_length:
                extra["maxLength"] = Literal(spec.max_length)
            prop(
                shape,
                f"{k}-{name}",
                path,
                min_count=required,
                max_count=1,
                **extra,
                message=f"{kind.label}: `{name}` ({labels.get(name, name)}) is {'required, ' if spec.required else ''}one {spec.type}",
            )
        for r in schema.relations.values():
            if not r.allows_source(kind.name):
                continue
            targets = list(r.targets)
            required = 1 if r.name in kind.required_relations else None
            msg = f"{kind.label}: `{r.name}` points to " + ("any entry" if "*" in targets else " or ".join(targets))
            if "*" in targets:
                prop(shape, f"{k}-{r.name}", SA[r.name], min_count=required, **{"class": SKOS.Concept}, message=msg)
            elif len(targets) == 1:
                prop(shape, f"{k}-{r.name}", SA[r.name], min_count=required, **{"class": kind_class(targets[0])}, message=msg)
            else:
                options = []
                for t in targets:
                    opt = node(f"{k}-{r.name}-{t}")
                    g.add((opt, SH["class"], kind_class(t)))
                    options.append(opt)
                prop(shape, f"{k}-{r.name}", SA[r.name], min_count=required, message=msg, **{"or": rdf_list(f"or-{k}-{r.name}", options)})

    prov = node("ProvenanceShape")
    g.add((prov, RDF.type, SH.NodeShape))
    g.add((prov, SH.targetClass, SA.Provenance))
    grades = [SA["grade-" + gr] for gr in schema.grades]
    prop(
        prov, "Provenance-grade", SA.grade, min_count=1, max_count=1, message="a provenance has one grade of schema.yaml", **{"in": rdf_list("grades", grades)}
    )
    prop(
        prov,
        "Provenance-source",
        DCTERMS.source,
        min_count=1,
        max_count=1,
        nodeKind=SH.IRI,
        message="a provenance has one source (a bib entry or sa:editorial)",
    )

    ref = node("ReferenceShape")
    g.add((ref, RDF.type, SH.NodeShape))
    g.add((ref, SH.targetClass, DCTERMS.BibliographicResource))
    prop(ref, "Reference-identifier", DCTERMS.identifier, min_count=1, max_count=1, nodeKind=SH.Literal)
    prop(ref, "Reference-title", DCTERMS.title, min_count=1, max_count=1, nodeKind=SH.Literal)

    st = node("LinkShape")
    g.add((st, RDF.type, SH.NodeShape))
    g.add((st, SH.targetClass, RDF.Statement))
    prop(st, "Link-subject", RDF.subject, min_count=1, max_count=1, **{"class": SKOS.Concept})
    prop(st, "Link-predicate", RDF.predicate, min_count=1, max_count=1, **{"in": rdf_list("relations", [SA[r] for r in schema.relations])})
    prop(st, "Link-object", RDF.object, min_count=1, max_count=1, nodeKind=SH.IRI)
    prop(st, "Link-provenance", SA.provenance, max_count=1, **{"class": SA.Provenance})
    return g


def render_shapes(schema: Schema, base: str | None = None) -> str:
    """The shapes as Turtle."""
    return shapes(schema, base).serialize(format="turtle")


__all__ = ["render_shapes", "shapes"]
