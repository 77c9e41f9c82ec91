"""Exports of the framework in formats other tools read.

``export(kb, fmt)`` returns the export as text (or bytes for ``csv`` and
``inspect``, zips of several files, which :func:`export_files` gives one by
one); only the CLI and the book write files. Every format carries every
entry, every bib reference and every link with its provenance.

======== ========================================================= ============
format   what                                                      read with
======== ========================================================= ============
json     networkx node-link data plus a format version             ``networkx.node_link_graph(data, edges="links")``
csv      ``entries.csv`` and ``relations.csv`` in a zip            any spreadsheet, ``csv``
graphml  GraphML with labels, positions, colours; lists as JSON  ``networkx.read_graphml``, Gephi, yEd
gexf     GEXF with ``viz`` positions and colours (the book layout) Gephi, ``networkx.read_gexf``
jsonld   RDF (SKOS concepts, typed relations with inverses)        rdflib, any JSON-LD processor
turtle   the same RDF as Turtle                                    rdflib, any triple store
weval    the evaluation scenarios as a weval blueprint (YAML)      weval (weval-org/app)
inspect  the scenarios as an Inspect task (JSONL + task), a zip    ``inspect eval`` (inspect-ai)
sssom    the crosswalk mappings as an SSSOM mapping set (TSV)      sssom-py, any SSSOM tool
shacl    SHACL shapes from schema.yaml (Turtle) for the RDF exports pySHACL, any SHACL processor
======== ========================================================= ============

>>> import socioaffective
>>> from socioaffective.export import export, FORMATS
>>> sorted(FORMATS)
['csv', 'gexf', 'graphml', 'inspect', 'json', 'jsonld', 'shacl', 'sssom', 'turtle', 'weval']
>>> export(socioaffective.load(), "json")[:1]
'{'

Note: ``socioaffective.export`` (the package attribute) is this function;
import the module's other names with ``from socioaffective.export import ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..errors import UnknownKindError

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

#: The version of the layout of every export; raised when a reader would need to change.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extension: str
    media_type: str
    binary: bool
    description: str
    #: several files, zipped by ``export``; ``export_files`` gives them by name
    bundle: bool = False

    @property
    def filename(self) -> str:
        return f"socioaffective{self.extension}"


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "nodelink", ".json", "application/json", False, "networkx node-link JSON (nodes, links, a format version)"),
        Format("csv", "tables", ".csv.zip", "application/zip", True, "two CSV tables, entries.csv and relations.csv, in a zip", bundle=True),
        Format("graphml", "graphml", ".graphml", "application/graphml+xml", False, "GraphML for Gephi, yEd, Cytoscape and networkx"),
        Format("gexf", "gexf", ".gexf", "application/gexf+xml", False, "GEXF for Gephi, with the book's layout and kind colours"),
        Format("jsonld", "rdf", ".jsonld", "application/ld+json", False, "RDF as JSON-LD (SKOS concepts, relations with inverses, Dublin Core citations)"),
        Format("turtle", "rdf", ".ttl", "text/turtle", False, "RDF as Turtle, for triple stores and SPARQL"),
        Format("weval", "weval", "-weval.yml", "application/yaml", False, "the evaluation scenarios as a weval blueprint (YAML: header, prompts with should / should_not rubrics)"),
        Format("inspect", "inspect_task", "-inspect.zip", "application/zip", True, "the evaluation scenarios as an Inspect task: scenarios.jsonl and socioaffective_task.py in a zip", bundle=True),
        Format("sssom", "sssom", ".sssom.tsv", "text/tab-separated-values", False, "the crosswalk mappings (SKOS) as an SSSOM mapping set, for sssom-py"),
        Format("shacl", "shacl", ".shacl.ttl", "text/turtle", False, "SHACL shapes generated from schema.yaml, to check the RDF exports"),
    )
}


def _spec(fmt: str) -> Format:
    spec = FORMATS.get(fmt)
    if spec is None:
        from ..hints import did_you_mean

        hint = did_you_mean(fmt, FORMATS, n=1)
        raise UnknownKindError(f"no export format `{fmt}`" + (f"; {hint}" if hint else "") + " (formats: " + ", ".join(FORMATS) + ")")
    return spec


def export_files(kb: KnowledgeBase, fmt: str) -> dict[str, str]:
    """The files of a bundle format (``csv``, ``inspect``) by name, as text.

    >>> import socioaffective
    >>> sorted(export_files(socioaffective.load(), "inspect"))
    ['scenarios.jsonl', 'socioaffective_task.py']
    """
    spec = _spec(fmt)
    if not spec.bundle:
        raise UnknownKindError(f"`{fmt}` is a single file; use export()")
    return import_module(f".{spec.module}", __name__).files(kb)


def export(kb: KnowledgeBase, fmt: str, **options: Any) -> str | bytes:
    """The knowledge base ``kb`` in format ``fmt`` (see :data:`FORMATS`).

    Options: ``base`` (RDF formats, their SHACL shapes and sssom) sets the IRI all entry and vocabulary IRIs
    start with (default ``urn:socioaffective:``).
    """
    spec = _spec(fmt)
    module = import_module(f".{spec.module}", __name__)  # lazy: rdflib only for RDF
    return module.render(kb, fmt, **options)


__all__ = ["FORMATS", "FORMAT_VERSION", "Format", "export", "export_files"]
