"""The crosswalk in the exports: SSSOM read and validated by sssom-py; SKOS mappings in RDF by SPARQL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import socioaffective
from socioaffective.cli import cli
from socioaffective.export import FORMATS, export


@pytest.fixture(scope="module")
def kb():
    return socioaffective.load()


@pytest.fixture(scope="module")
def sssom_file(kb, tmp_path_factory):
    path = tmp_path_factory.mktemp("sssom") / "socioaffective.sssom.tsv"
    path.write_text(export(kb, "sssom"), encoding="utf-8")
    return path


def test_sssom_is_a_registered_format():
    assert "sssom" in FORMATS and FORMATS["sssom"].filename == "socioaffective.sssom.tsv"


def test_sssom_py_parses_and_validates(sssom_file, kb):
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(sssom_file)
    for vt in (SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness, SchemaValidationType.StrictCurieFormat):
        reports = validate(msdf, [vt], fail_on_error=True)
        assert reports[vt].results == []
    df = msdf.df
    rows = set(zip(df["subject_id"], df["predicate_id"], df["object_id"], strict=True))
    assert ("socioaffective:dependence-and-over-reliance", "skos:closeMatch", "nexus:mit-ai-risk-subdomain-5.1") in rows
    # read from our side: NIST's item "has narrower match" our risk, so our risk has a broader match in NIST
    assert ("socioaffective:dependence-and-over-reliance", "skos:broadMatch", "nexus:nist-human-ai-configuration") in rows
    assert ("nexus:atlas-over-or-under-reliance", "skos:relatedMatch", "nexus:mit-ai-risk-subdomain-5.1") in rows
    assert ("socioaffective:manipulation", "skos:narrowMatch", "socioaffective:eu-ai-act-art-5-1-a") in rows
    assert ("socioaffective:sycophancy", "skos:closeMatch", "sssom:NoTermFound") in rows
    assert msdf.converter.expand("nexus:mit-ai-risk-subdomain-5.1") == "https://w3id.org/ai-atlas-nexus/mit-ai-risk-subdomain-5.1"
    upstream = df[df["subject_id"] == "nexus:atlas-over-or-under-reliance"]
    assert set(upstream["author_label"]) <= {"pslat@mit.edu", "cgi@zurich.ibm.com"}
    assert all(str(u).startswith("https://github.com/IBM/ai-atlas-nexus/") for u in upstream["mapping_source"])
    ours = df[df["author_label"] == "socioaffective editorial"]
    assert len(ours) >= 30 and all("grade editorial" in c for c in ours["comment"])
    n_mappings = sum(1 for r in kb.relations() if r.name.endswith("_match"))  # the five SKOS relations and no_match
    assert len(df) == n_mappings


def test_sssom_py_rejects_a_broken_copy(sssom_file, tmp_path):
    """The validation can fail: an unknown prefix is caught."""
    from jsonschema import ValidationError
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text(sssom_file.read_text(encoding="utf-8").replace("\tnexus:mit-ai-risk-subdomain-5.1\t", "\tnowhere:x\t", 1), encoding="utf-8")
    with pytest.raises(ValidationError):
        validate(parse_sssom_table(broken), [SchemaValidationType.PrefixMapCompleteness], fail_on_error=True)


def test_sssom_cells_cannot_break_the_table(tiny_copy):
    """Tabs and line breaks in a note stay inside their cell."""
    from socioaffective.export.sssom import _cell

    assert _cell("a\tb\nc\r\nd") == "a b c d"


def test_cli_writes_sssom_with_a_base(tmp_path):
    out = tmp_path / "m.sssom.tsv"
    res = CliRunner().invoke(cli, ["export", "-f", "sssom", "-o", str(out), "--base", "https://example.org/sa/"])
    assert res.exit_code == 0, res.output
    assert '#   socioaffective: "https://example.org/sa/entry/"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_rdf_carries_the_skos_mappings_to_upstream_iris(kb, fmt):
    import rdflib

    g = rdflib.Graph().parse(data=export(kb, fmt), format="turtle" if fmt == "turtle" else "json-ld")
    q = """
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX sa: <urn:socioaffective:vocab:>
    SELECT ?risk ?p ?id WHERE {
      ?risk a sa:Risk ; ?p ?match .
      FILTER(?p IN (skos:exactMatch, skos:closeMatch, skos:relatedMatch, skos:broadMatch, skos:narrowMatch))
      ?match skos:notation ?id . }"""
    found = {(str(r), str(p).rsplit("#", 1)[1], str(i)) for r, p, i in g.query(q)}
    assert ("urn:socioaffective:entry:dependence-and-over-reliance", "closeMatch", "mit-ai-risk-subdomain-5.1") in found
    assert ("urn:socioaffective:entry:manipulation", "narrowMatch", "Art. 5(1)(a)") in found
    iri = rdflib.URIRef("https://w3id.org/ai-atlas-nexus/atlas-over-or-under-reliance")
    S = rdflib.namespace.SKOS
    assert (iri, S.relatedMatch, rdflib.URIRef("https://w3id.org/ai-atlas-nexus/mit-ai-risk-subdomain-5.1")) in g
    assert (iri, S.inScheme, None) in g
    eli = rdflib.URIRef("http://data.europa.eu/eli/reg/2024/1689/oj")
    assert (rdflib.URIRef("urn:socioaffective:entry:eu-ai-act-art-5-1-a"), S.inScheme, eli) in g
    # sycophancy: only related matches, and the gaps as links of their own
    closes = list(
        g.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?m WHERE { <urn:socioaffective:entry:sycophancy> skos:closeMatch|skos:exactMatch ?m }"
        )
    )
    assert closes == []
