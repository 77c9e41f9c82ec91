"""Turtle and JSON-LD text of an rdflib graph, written directly.

rdflib's own serializers are general: they look every IRI's prefix up again,
check every object for an RDF list, and its JSON-LD comes out in set order (so
:mod:`.rdf` used to parse it back and sort it). Our graphs are simple (no blank
nodes, no lists, prefixes bound once): at 300 entries the Turtle takes a third
of rdflib's time and the JSON-LD (with its sorting) about half. They give the
same triples as rdflib's (the tests parse both with rdflib and compare the
graphs), and the JSON-LD is the very document rdflib writes, sorted (but for a
literal that is not a valid value of its datatype, which keeps its datatype
here and loses it in rdflib's).

Both writers refuse (``ValueError``) a graph outside those bounds (a blank node,
an ``rdf:first``): :func:`socioaffective.export.rdf.render` then hands it to
rdflib's serializers, so every graph still gets a correct file.
"""

from __future__ import annotations

import json
import re

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF_NS + "type"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: datatypes rdflib's JSON-LD writes as JSON values (with a context)
_NATIVE = {XSD + "boolean", XSD + "integer", XSD + "double", XSD + "string"}

# A prefixed name's local part we write as it is: a safe subset of Turtle's
# PN_LOCAL (letters, digits, "_", and "-" or "." inside). Anything else is
# written as a full <IRI>, which is always valid.
_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?\Z")
# Characters an IRIREF cannot hold as they are (Turtle's grammar): \u-escaped.
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# In a quoted literal: the quote, the backslash, line ends and other controls.
_LIT_BAD = re.compile('["\\\\\x00-\x1f\x7f]')
_ECHAR = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class Triples:
    """A set of triples and their prefixes, for the direct writers: what
    :func:`~socioaffective.export.rdf.build_graph` fills for the book's exports.

    An rdflib ``Graph`` keeps every triple in three indexes, which these writers
    never query: at 300 entries that store cost 0.2 s of the exports' 2 s. The
    prefixes are kept by an empty rdflib ``Graph`` (its defaults and its binding
    rules, so ``namespaces()`` is the graph's), the triples in a set (a graph's
    set semantics: rdflib's terms compare and hash as its store does).
    :func:`as_rdflib` gives the ``Graph`` for rdflib's own writers."""

    def __init__(self):
        from rdflib import Graph

        self._graph = Graph()  # the prefixes, and the triples once as_rdflib() is asked for
        self._triples: set = set()

    def add(self, triple) -> Triples:
        self._triples.add(triple)
        return self

    def bind(self, *args, **kwargs) -> None:
        self._graph.bind(*args, **kwargs)

    def namespaces(self):
        return self._graph.namespaces()

    def __iter__(self):
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)


def as_rdflib(graph):
    """``graph`` as an rdflib ``Graph`` (a :class:`Triples`' own, filled; any other as it is)."""
    if isinstance(graph, Triples):
        for t in graph._triples:  # a graph is a set: adding again changes nothing
            graph._graph.add(t)
        return graph._graph
    return graph


def _by_subject(graph) -> dict:
    """``{subject: {predicate: [objects]}}`` of the graph (IRIs as str, literals as
    rdflib terms); ``ValueError`` for a graph with a blank node or a list."""
    from rdflib import BNode, Literal

    first = RDF_NS + "first"
    out: dict = {}
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode) or str(p) == first:
            raise ValueError("the direct writers take graphs without blank nodes or lists")
        out.setdefault(str(s), {}).setdefault(str(p), []).append(o if isinstance(o, Literal) else str(o))
    return out


# ---------------------------------------------------------------------------
# Turtle


def _iriref(iri: str) -> str:
    return "<" + _IRI_BAD.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _quoted(text: str) -> str:
    return '"' + _LIT_BAD.sub(lambda m: _ECHAR.get(m.group()) or f"\\u{ord(m.group()):04X}", text) + '"'


class _Names:
    """Prefixed names for IRIs, by the graph's bound namespaces (longest first); the prefixes used are kept."""

    def __init__(self, namespaces):
        self.spaces = sorted(
            ((str(ns), prefix) for prefix, ns in namespaces if prefix and re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", prefix)), key=lambda x: -len(x[0])
        )
        self.used: dict[str, str] = {}
        self.memo: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        hit = self.memo.get(iri)
        if hit is None:
            hit = _iriref(iri)
            for ns, prefix in self.spaces:
                if iri.startswith(ns) and _LOCAL.match(iri, len(ns)):
                    hit = f"{prefix}:{iri[len(ns) :]}"
                    self.used[prefix] = ns
                    break
            self.memo[iri] = hit
        return hit


def turtle(graph) -> str:
    """``graph`` as Turtle: subjects in order, ``a`` first, then predicates and objects in order."""
    from rdflib import Literal

    subjects = _by_subject(graph)
    name = _Names(graph.namespaces())

    def term(o) -> str:
        if not isinstance(o, Literal):
            return name(o)
        lexical = str(o)
        dt = str(o.datatype) if o.datatype is not None else ""
        if (dt == XSD + "integer" and re.fullmatch(r"[+-]?[0-9]+", lexical)) or (dt == XSD + "boolean" and lexical in ("true", "false")):
            return lexical  # Turtle's own numbers and booleans are these datatypes
        text = _quoted(lexical)
        if o.language:
            return f"{text}@{o.language}"
        if o.datatype is not None:
            return f"{text}^^{name(str(o.datatype))}"
        return text

    blocks = []
    for s, props in sorted(subjects.items()):
        lines = []
        for p in sorted(props, key=lambda p: (p != RDF_TYPE, p)):
            objs = sorted({term(o) for o in props[p]})
            lines.append(("a" if p == RDF_TYPE else name(p)) + " " + ",\n        ".join(objs))
        blocks.append(name(s) + " " + " ;\n    ".join(lines) + " .\n")
    head = "".join(f"@prefix {prefix}: {_iriref(ns)} .\n" for prefix, ns in sorted(name.used.items()))
    return head + "\n" + "\n".join(blocks)


# ---------------------------------------------------------------------------
# JSON-LD


def _split(iri: str) -> tuple[str, str | None]:
    """rdflib's JSON-LD split of an IRI: at its last ``#``, else ``/``, else ``:``."""
    for delim in ("#", "/", ":"):
        at = iri.rfind(delim)
        if at > -1:
            return iri[: at + 1], iri[at + 1 :]
    return iri, None


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sorted(values: list) -> list:
    """``values`` in the order of their canonical JSON (:func:`_canon`). Links
    (``{"@id": iri}`` only) share all but their IRI's JSON, which orders them alike:
    a JSON string's one unescaped quote is its last character."""
    if len(values) < 2:
        return values
    if all(type(v) is dict and len(v) == 1 and "@id" in v for v in values):
        return sorted(values, key=lambda v: json.dumps(v["@id"], ensure_ascii=False))
    return sorted(values, key=_canon)


def jsonld(graph, context: dict) -> str:
    """``graph`` as compacted JSON-LD with ``context`` (prefixes only): the document
    rdflib's serializer writes with ``auto_compact=True``, every array sorted by its
    members' canonical JSON and keys sorted (arrays of values are sets in JSON-LD,
    so the order changes no triple), indented by two."""
    from rdflib import Literal

    if not all(isinstance(v, str) for v in context.values()):
        raise ValueError("jsonld() takes a context of prefixes only")
    subjects = _by_subject(graph)
    prefixes = {ns: prefix for prefix, ns in context.items()}
    terms = set(context.values())
    memo: dict[str, str] = {}

    def shrink(iri: str) -> str:  # rdflib's Context.shrink_iri (no @base)
        hit = memo.get(iri)
        if hit is None:
            ns, local = _split(iri)
            prefix = prefixes.get(ns)
            hit = memo[iri] = f"{prefix}:{local}" if prefix else iri
        return hit

    def symbol(iri: str) -> str:  # rdflib's Context.to_symbol: a term's own name first
        if iri in terms:
            return prefixes[iri]
        return shrink(iri)

    def value(o):
        if isinstance(o, Literal):
            if o.datatype is not None:
                if str(o.datatype) in _NATIVE:  # as rdflib does with a context: JSON's own true, 2024, 1.5, "text"
                    native = o.toPython()
                    if not isinstance(native, Literal):  # an ill-typed value stays typed text
                        return native
                return {"@type": symbol(str(o.datatype)), "@value": str(o)}
            if o.language:
                return {"@language": o.language, "@value": str(o)}
            return str(o)
        return {"@id": shrink(o)}

    nodes = []
    for s, props in subjects.items():
        node: dict = {"@id": shrink(s)}
        for p, objs in props.items():
            if p == RDF_TYPE:
                key = "@type"
                vals = [symbol(o) if not isinstance(o, Literal) else value(o) for o in objs]
            else:
                key = symbol(p)
                vals = [value(o) for o in objs]
            vals = _sorted(vals)
            if key in node:  # two IRIs with one short name: one array, as rdflib does
                old = node[key] if isinstance(node[key], list) else [node[key]]
                vals = _sorted(old + vals)
            node[key] = vals[0] if len(vals) == 1 else vals
        nodes.append(node)
    # each node's canonical JSON begins '{"@id": <id>', and ids are unique: so its id's
    # JSON orders the nodes as the whole nodes' canonical JSON would
    nodes.sort(key=lambda n: _canon(n["@id"]))
    doc = {"@context": context, "@graph": nodes} if len(nodes) != 1 else {"@context": context, **nodes[0]}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
