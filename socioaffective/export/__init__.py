"""Exports of the framework in formats other tools read.

``export(kb, fmt)`` returns the export as text (or bytes for the zips of
several files, which :func:`export_files` gives one by one); only the CLI and
the book write files. Every format carries every entry, every bib reference
and every link with its provenance.

:data:`FORMATS` is the one list of formats: each is declared once, below, with
everything the rest of the project needs (the CLI's choices and ``--help``, the
book's downloads page and its export step, the tests, which are parametrized
over it). A new format is a module with ``render(kb, fmt, **options)`` and one
:class:`Format` here (``docs-dev/ARCHITECTURE.md``, recipe (a)).

>>> import socioaffective
>>> from socioaffective.export import export, FORMATS
>>> FORMATS["json"].filename, FORMATS["json"].media_type
('socioaffective.json', 'application/json')
>>> export(socioaffective.load(), "json")[:1]
'{'

Note: ``socioaffective.export`` (the package attribute) is this function;
import the module's other names with ``from socioaffective.export import ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..errors import SocioaffectiveError, UnknownKindError

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

#: The version of the layout of every export; raised when a reader would need to change.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Format:
    """One export format, declared once; everything else is driven from it."""

    #: the name after ``export -f`` and in ``export(kb, name)``
    name: str
    #: the module of this package whose ``render(kb, fmt, **options)`` makes it
    #: (a bundle's module also has ``files(kb)``: its files by name, as text)
    module: str
    #: appended to ``socioaffective`` to name the file (``.ttl``, ``-weval.yml``)
    extension: str
    media_type: str
    #: one line: what the file is
    description: str
    #: one line: the tools that read it
    read_with: str
    #: Python that reads the file back, one expression using the modules it
    #: names (``import`` them first); shown in ``--help`` and on the downloads
    #: page, and run as written by the tests
    reader: str
    #: the ``pip install 'socioaffective[extra]'`` the export needs, if any
    extra: str | None = None
    #: keyword options ``render`` takes (``base`` becomes the CLI's ``--base``)
    options: tuple[str, ...] = ()
    binary: bool = False
    #: several files, zipped by ``export``; ``export_files`` gives them by name
    bundle: bool = False

    @property
    def filename(self) -> str:
        return f"socioaffective{self.extension}"


class MissingExtraError(SocioaffectiveError, ImportError):
    """A format needs an optional dependency that is not installed."""


def _formats(*formats: Format) -> dict[str, Format]:
    return {f.name: f for f in formats}


# fmt: off
FORMATS: dict[str, Format] = _formats(
    Format(
        "json", "nodelink", ".json", "application/json",
        "networkx node-link JSON (nodes, links, a format version)",
        "networkx; any JSON reader",
        'networkx.node_link_graph(json.load(open("socioaffective.json", encoding="utf-8")), edges="links")',
    ),
    Format(
        "csv", "tables", ".csv.zip", "application/zip",
        "two CSV tables, entries.csv and relations.csv, in a zip",
        "any spreadsheet (unzip it); Python's csv module",
        'list(csv.DictReader(io.TextIOWrapper(zipfile.ZipFile("socioaffective.csv.zip").open("entries.csv"), encoding="utf-8", newline="")))',
        binary=True, bundle=True,
    ),
    Format(
        "graphml", "graphml", ".graphml", "application/graphml+xml",
        "GraphML for Gephi, yEd, Cytoscape and networkx, with labels, the book's positions and kind colours",
        "Gephi, yEd, Cytoscape; networkx",
        'networkx.read_graphml("socioaffective.graphml")',
    ),
    Format(
        "gexf", "gexf", ".gexf", "application/gexf+xml",
        "GEXF for Gephi, with the book's layout and kind colours",
        "Gephi; networkx",
        'networkx.read_gexf("socioaffective.gexf")',
    ),
    Format(
        "jsonld", "rdf", ".jsonld", "application/ld+json",
        "RDF as JSON-LD (SKOS concepts, relations with inverses, PROV provenance, Dublin Core citations)",
        "rdflib; any JSON-LD processor",
        'rdflib.Graph().parse("socioaffective.jsonld", format="json-ld")',
        extra="rdf", options=("base",),
    ),
    Format(
        "turtle", "rdf", ".ttl", "text/turtle",
        "RDF as Turtle, for triple stores and SPARQL",
        "rdflib; any triple store (SPARQL)",
        'rdflib.Graph().parse("socioaffective.ttl", format="turtle")',
        extra="rdf", options=("base",),
    ),
    Format(
        "weval", "weval", "-weval.yml", "application/yaml",
        "the evaluation scenarios as a weval blueprint (YAML: header, prompts with should / should_not rubrics)",
        "weval (weval-org/app); any YAML reader",
        'list(yaml.safe_load_all(open("socioaffective-weval.yml", encoding="utf-8")))',
    ),
    Format(
        "inspect", "inspect_task", "-inspect.zip", "application/zip",
        "the evaluation scenarios as an Inspect task: scenarios.jsonl and socioaffective_task.py in a zip",
        "inspect eval socioaffective_task.py, unzipped (inspect-ai, the eval extra); any JSONL reader",
        '[json.loads(line) for line in zipfile.ZipFile("socioaffective-inspect.zip").read("scenarios.jsonl").splitlines()]',
        binary=True, bundle=True,
    ),
    Format(
        "sssom", "sssom", ".sssom.tsv", "text/tab-separated-values",
        "the crosswalk mappings (SKOS) as an SSSOM mapping set, for sssom-py",
        "sssom-py (the sssom extra); any SSSOM tool or spreadsheet",
        'sssom.parsers.parse_sssom_table("socioaffective.sssom.tsv").df',
        extra="rdf", options=("base",),
    ),
    Format(
        "shacl", "shacl", ".shacl.ttl", "text/turtle",
        "SHACL shapes generated from schema.yaml, to check the RDF exports",
        "pySHACL or any SHACL processor, against the Turtle or JSON-LD file",
        'pyshacl.validate(rdflib.Graph().parse("socioaffective.ttl", format="turtle"), shacl_graph=rdflib.Graph().parse("socioaffective.shacl.ttl", format="turtle"))[0]',
        extra="rdf", options=("base",),
    ),
)
# fmt: on


def _spec(fmt: str) -> Format:
    spec = FORMATS.get(fmt)
    if spec is None:
        from ..hints import did_you_mean

        hint = did_you_mean(fmt, FORMATS, n=1)
        raise UnknownKindError(f"no export format `{fmt}`" + (f"; {hint}" if hint else "") + " (formats: " + ", ".join(FORMATS) + ")")
    return spec


def _run(spec: Format, call: Callable[[Any], Any]) -> Any:
    try:
        return call(import_module(f".{spec.module}", __name__))  # lazy: rdflib only for RDF
    except ModuleNotFoundError as exc:
        if spec.extra is None or (exc.name or "").startswith("socioaffective"):
            raise
        raise MissingExtraError(
            f"the {spec.name} export needs {exc.name}, from the `{spec.extra}` extra: pip install 'socioaffective[{spec.extra}]'",
            name=exc.name,
        ) from exc


def export_files(kb: KnowledgeBase, fmt: str) -> dict[str, str]:
    """The files of a bundle format (``csv``, ``inspect``) by name, as text.

    >>> import socioaffective
    >>> sorted(export_files(socioaffective.load(), "inspect"))
    ['scenarios.jsonl', 'socioaffective_task.py']
    """
    spec = _spec(fmt)
    if not spec.bundle:
        raise UnknownKindError(f"`{fmt}` is a single file; use export()")
    return _run(spec, lambda module: module.files(kb))


def export(kb: KnowledgeBase, fmt: str, **options: Any) -> str | bytes:
    """The knowledge base ``kb`` in format ``fmt`` (see :data:`FORMATS`).

    Options: ``base`` (the formats that declare it: RDF, their SHACL shapes and sssom) sets the IRI all
    entry and vocabulary IRIs start with (default ``urn:socioaffective:``).
    """
    spec = _spec(fmt)
    return _run(spec, lambda module: module.render(kb, fmt, **options))


__all__ = ["FORMATS", "FORMAT_VERSION", "Format", "MissingExtraError", "export", "export_files"]
