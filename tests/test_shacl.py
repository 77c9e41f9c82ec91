"""SHACL shapes generated from schema.yaml: the RDF exports conform (pySHACL), and injected violations are caught."""

from __future__ import annotations

import pytest

rdflib = pytest.importorskip("rdflib")
pyshacl = pytest.importorskip("pyshacl")
from click.testing import CliRunner  # noqa: E402
from rdflib import Literal  # noqa: E402
from rdflib.namespace import DCTERMS, RDF, SH, SKOS  # noqa: E402

import socioaffective  # noqa: E402
from socioaffective.cli import cli  # noqa: E402
from socioaffective.export import export  # noqa: E402
from socioaffective.export.rdf import DEFAULT_BASE, Namespaces  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
NS = Namespaces(DEFAULT_BASE)
SA, E = NS.vocab, NS.entry


@pytest.fixture(scope="module")
def real():
    kb = socioaffective.load()
    shapes = rdflib.Graph().parse(data=export(kb, "shacl"), format="turtle")
    return kb, shapes


def _check(data, shapes):
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes)
    return conforms, report, text


def _data(kb, fmt="turtle", **options):
    return rdflib.Graph().parse(data=export(kb, fmt, **options), format={"turtle": "turtle", "jsonld": "json-ld"}[fmt])


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_the_exports_conform(real, fmt):
    kb, shapes = real
    conforms, _, text = _check(_data(kb, fmt), shapes)
    assert conforms, text


def test_the_tiny_framework_conforms_with_its_own_shapes_and_an_http_base(tiny_kb):
    base = "https://example.org/sa/"
    shapes = rdflib.Graph().parse(data=export(tiny_kb, "shacl", base=base), format="turtle")
    conforms, _, text = _check(_data(tiny_kb, base=base), shapes)
    assert conforms, text
    # the shapes really target the kinds: with the wrong base nothing is checked, and that is visible
    assert set(shapes.objects(None, SH.targetClass)) & set(_data(tiny_kb, base=base).objects(None, RDF.type))


def test_shapes_follow_the_schema(real):
    kb, shapes = real
    targets = set(shapes.objects(None, SH.targetClass))
    from socioaffective.export.rdf import camel

    assert {SA[camel(k)] for k in kb.schema.kinds} <= targets
    # every required relation of every kind is a minCount 1 on its path
    for kind in kb.schema.kinds.values():
        (shape,) = shapes.subjects(SH.targetClass, SA[camel(kind.name)])
        mins = {p: shapes.value(ps, SH.minCount) for ps in shapes.objects(shape, SH.property) for p in [shapes.value(ps, SH.path)]}
        for rel in kind.required_relations:
            assert mins.get(SA[rel]) == Literal(1), (kind.name, rel)


def _violations(report) -> set[tuple[str, str]]:
    out = set()
    for res in report.subjects(RDF.type, SH.ValidationResult):
        out.add((str(report.value(res, SH.focusNode)), str(report.value(res, SH.resultPath))))
    return out


def _first(kb, kind):
    return next(iter(kb.entries(kind)))


def test_injected_violations_are_caught(real):
    kb, shapes = real
    principle, risk, need = _first(kb, "principle"), _first(kb, "risk"), _first(kb, "need")
    question = next((q for q in kb.entries("question")), None)
    mutations = {
        "a title removed": (lambda g: g.remove((E[need.id], SKOS.prefLabel, None)), E[need.id], SKOS.prefLabel),
        "a second title": (lambda g: g.add((E[need.id], SKOS.prefLabel, Literal("Another", lang="en"))), E[need.id], SKOS.prefLabel),
        "a principle supports a risk": (lambda g: g.add((E[principle.id], SA.supports, E[risk.id])), E[principle.id], SA.supports),
        "a risk frustrates nothing": (lambda g: g.remove((E[risk.id], SA.frustrates, None)), E[risk.id], SA.frustrates),
        "an id off the pattern": (lambda g: g.set((E[need.id], DCTERMS.identifier, Literal("Not An Id"))), E[need.id], DCTERMS.identifier),
        "a provenance without grade": (lambda g: g.remove((NS.meta["provenance-" + need.id], SA.grade, None)), NS.meta["provenance-" + need.id], SA.grade),
        "an unknown grade": (lambda g: g.set((NS.meta["provenance-" + need.id], SA.grade, SA["grade-hearsay"])), NS.meta["provenance-" + need.id], SA.grade),
    }
    if question is not None:
        mutations["an enum value off the list"] = (lambda g: g.set((E[question.id], SA.status, Literal("maybe"))), E[question.id], SA.status)
    for what, (mutate, focus, path) in mutations.items():
        g = _data(kb)
        mutate(g)
        conforms, report, text = _check(g, shapes)
        assert not conforms, what
        assert (str(focus), str(path)) in _violations(report), (what, text[:2000])


def test_cli_writes_the_shapes(tmp_path):
    out = tmp_path / "s.shacl.ttl"
    res = CliRunner().invoke(cli, ["export", "-f", "shacl", "-o", str(out)])
    assert res.exit_code == 0, res.output
    g = rdflib.Graph().parse(out, format="turtle")
    assert set(g.subjects(RDF.type, SH.NodeShape))
    res = CliRunner().invoke(cli, ["export", "-f", "shacl", "--base", "https://example.org/x/"])
    assert res.exit_code == 0 and "https://example.org/x/vocab/" in res.output
