"""Issue 12: grades that hold up, sources a reader can check, evidence, review queue, diff.

These check the rules, not the prose: a grade that needs sources names them and
they exist as records; no paper-claim badge on a claim graded below B; every
study has a real identifier; review-queue and diff work on fixture frameworks.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
import yaml

import socioaffective
from socioaffective.diff import diff
from socioaffective.render import pages, views
from socioaffective.review_queue import review_queue

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
ARXIV = re.compile(r"^\d{4}\.\d{4,5}$")


@pytest.fixture(scope="module")
def kb():
    return socioaffective.load()


def _own_provenances(kb):
    for e in kb.entries():
        yield e.id, e.provenance
        for r in e.relations:
            if not r.provenance.inherited:
                yield f"{e.id} --{r.name}--> {r.target}", r.provenance


def test_grades_that_need_sources_name_enough_records(kb):
    checked = 0
    for where, p in _own_provenances(kb):
        need = kb.schema.grades[p.grade].min_sources
        if need:
            checked += 1
            assert len(set(p.sources)) >= need, f"{where}: grade {p.grade} needs {need} sources, names {list(p.sources)}"
    assert checked >= 20, "the rule should be exercised by the real framework"
    assert kb.schema.grades["secondary"].min_sources == 2 and kb.schema.grades["single-source"].min_sources == 1


def test_every_named_source_is_a_checkable_record(kb):
    named = {k for _, p in _own_provenances(kb) for k in p.sources}
    assert named, "no provenance names a source record"
    for k in named:
        ref = kb.references[k]
        f = ref.fields
        assert "provenance-source" in f.get("keywords", ""), f"`{k}` is named as a source but not marked as a source record"
        assert f.get("author") and f.get("title"), f"`{k}` lacks its site/author or title"
        assert f.get("url") or f.get("howpublished"), f"`{k}` gives neither a URL nor where it is published"
        assert f.get("urldate"), f"`{k}` does not say when it was seen"
        assert f.get("sourcetype") in {"summary", "derivative-work", "index-page"}, f"`{k}` does not say what it is"
        assert f.get("usage"), f"`{k}` does not say how it was used"


def test_notes_that_name_a_source_link_to_its_record(kb):
    """No bare nicknames: a note naming a record's shortname lists that record."""
    short = {k: r.fields["shortname"] for k, r in kb.references.items() if r.fields.get("shortname")}
    assert len(short) >= 10
    for where, p in _own_provenances(kb):
        for key, nick in short.items():
            if re.search(r"\b" + re.escape(nick) + r"\b", p.note or "", re.IGNORECASE):
                assert key in p.sources, f"{where}: the note names {nick!r} but `sources` does not list `{key}`"


def test_entry_pages_link_the_records(kb):
    page = pages.entry_page(kb, kb.get("social-reward-hacking"), graph=False)
    for key in kb.get("social-reward-hacking").provenance.sources:
        assert f"{{cite:p}}`{key}`" in page
    sources_page = views.render(kb, "sources")
    for key in views.source_keys(kb):
        assert f"`{key}`" in sources_page


def test_no_paper_claim_badge_below_b(kb):
    grades = kb.schema.grades
    claim = {n for n, g in grades.items() if g.paper_claim}
    assert claim == {"abstract", "secondary"}
    for e in kb.entries():
        header = pages.entry_page(kb, e, graph=False).split("```", 2)[1]
        shown = set(re.findall(r"\{socioaffective-grade\}`([^`]+)`", header))
        assert shown == {e.provenance.grade}, f"{e.id}: header shows {shown}"
    for g in review_queue(kb):
        for item in g["items"]:
            assert item["grade"] not in claim, f"{g['entry']}: a paper-claim grade in the review queue"


def test_every_study_has_a_real_identifier(kb):
    studies = kb.entries("study")
    assert len(studies) >= 10
    for s in studies:
        doi, arxiv = s.fields.get("doi"), s.fields.get("arxiv")
        assert doi or arxiv, f"{s.id} has neither DOI nor arXiv id"
        cited = [r.target for r in s.relations if r.name == "cites"]
        assert s.provenance.source in cited and s.provenance.grade == "literature" and s.provenance.locator
        ref = kb.references[s.provenance.source]
        if doi:
            assert DOI.match(doi) and ref.fields.get("doi") == doi, f"{s.id}: DOI {doi!r} vs bib {ref.fields.get('doi')!r}"
        if arxiv:
            assert ARXIV.match(str(arxiv)) and ref.fields.get("eprint") == str(arxiv), f"{s.id}: arXiv {arxiv!r}"
        assert {r.name for r in s.relations} & {"evidences", "challenges"}, f"{s.id} evidences or challenges nothing"
        for r in s.relations:
            if r.name in ("evidences", "challenges"):
                assert r.effect in kb.schema.relations[r.name].effects


def test_study_identifier_pattern_is_enforced(tiny_copy):
    schema = (tiny_copy / "framework" / "schema.yaml").read_text(encoding="utf-8")
    schema = schema.replace(
        "kinds:\n",
        'kinds:\n  study:\n    label: Study\n    requires_one_of: [doi, arxiv]\n    fields:\n      doi: { type: string, pattern: "^10\\\\.\\\\d{4,9}/\\\\S+$" }\n      arxiv: { type: string }\n',
        1,
    )
    (tiny_copy / "framework" / "schema.yaml").write_text(schema, encoding="utf-8")
    (tiny_copy / "framework" / "s.yaml").write_text(
        "entries:\n"
        "  - {id: s-one, kind: study, title: S, summary: s, description: d, provenance: {source: ryan2000self, grade: literature}, doi: 'doi:10.1/x', cites: [ryan2000self]}\n"
        "  - {id: s-two, kind: study, title: T, summary: s, description: d, provenance: {source: ryan2000self, grade: literature}, cites: [ryan2000self]}\n",
        encoding="utf-8",
    )
    report = socioaffective.validate(tiny_copy)
    codes = {(p.code, p.entry) for p in report.problems}
    assert ("bad-value", "s-one") in codes and ("missing-field", "s-two") in codes


def test_evidence_shows_on_risk_and_need_pages(kb):
    for id in ("dependence-and-over-reliance", "relatedness"):
        page = pages.entry_page(kb, kb.get(id), graph=False)
        assert "## What the evidence says" in page and "effect: " in page
    table = views.render(kb, "evidence")
    assert "## By risk" in table and "## By psychological need" in table


def test_bibliography_prints_no_internal_notes(kb):
    for key, ref in kb.references.items():
        assert "note" not in ref.fields, f"`{key}` has a `note`, which the bibliography prints; use `annote`"


# --- review queue ---------------------------------------------------------------


def _add(root, text):
    p = root / "framework" / "extra.yaml"
    p.write_text("entries:\n" + text, encoding="utf-8")


def test_review_queue_on_a_fixture(tiny_copy):
    _add(
        tiny_copy,
        "  - id: maybe-claim\n    kind: concept\n    title: A maybe claim\n    summary: The paper may say this.\n"
        "    description: One summary reports it.\n    provenance: {source: kirk2025why, grade: inferred, locator: section 3}\n"
        "    related_to:\n      - target: ecosystem\n        provenance: {source: kirk2025why, grade: single-source}\n",
    )
    kb = socioaffective.load(tiny_copy)
    groups = {g["entry"]: g for g in review_queue(kb)}
    items = groups["maybe-claim"]["items"]
    assert [i["relation"] for i in items] == [None, "related_to"]
    assert "The paper may say this." in items[0]["question"] and items[0]["where"].startswith("section 3")
    assert "A maybe claim related to" in items[1]["question"]
    assert "strand" in groups and "flattery" in groups  # the fixture's own C and D entries
    assert "alignment" not in groups and "competence" not in groups  # grade A, and literature
    out = subprocess.run([sys.executable, "-m", "socioaffective", "--root", str(tiny_copy), "review-queue", "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {g["entry"] for g in data["groups"]} == set(groups)


# --- diff -------------------------------------------------------------------------


def test_diff_on_fixtures(tiny_copy, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(tiny_copy, old)
    f = tiny_copy / "framework" / "tiny.yaml"
    text = f.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    ids = [e["id"] for e in data["entries"]]
    assert "strand" in ids
    text = text.replace("provenance: { source: kirk2025why, grade: single-source }", "provenance: { source: kirk2025why, grade: inferred }")
    f.write_text(text, encoding="utf-8")
    _add(
        tiny_copy,
        "  - id: brand-new\n    kind: concept\n    title: New\n    summary: s\n    description: d\n"
        "    provenance: {source: editorial, grade: editorial}\n    related_to: [ecosystem]\n",
    )
    d = diff(old, tiny_copy)
    assert d["entries"]["added"] == ["brand-new"] and d["entries"]["removed"] == []
    assert {"where": "strand", "old": "single-source", "new": "inferred"} in d["grades"]
    assert {"source": "brand-new", "relation": "related_to", "target": "ecosystem"} in d["relations"]["added"]
    assert any(c["id"] == "strand" and "provenance" in c["fields"] for c in d["entries"]["changed"])
    back = diff(tiny_copy, old)
    assert back["entries"]["removed"] == ["brand-new"] and back["relations"]["removed"]
    out = subprocess.run([sys.executable, "-m", "socioaffective", "diff", str(old), str(tiny_copy), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == json.loads(json.dumps(d))
    text_out = subprocess.run([sys.executable, "-m", "socioaffective", "diff", str(old), str(tiny_copy)], capture_output=True, text=True)
    assert "+ entry brand-new" in text_out.stdout and "~ grade strand: single-source -> inferred" in text_out.stdout


def test_framework_version_is_shown(kb):
    assert re.fullmatch(r"\d+\.\d+\.\d+", kb.schema.framework_version)
    from socioaffective.render import myst

    assert myst.text(kb.schema.framework_version) in views.render(kb, "version")
    doc = json.loads(socioaffective.export(kb, "json"))
    assert kb.schema.framework_version in json.dumps(doc)


def test_framework_version_is_in_the_rdf_and_graphml_exports(kb, tmp_path):
    import networkx as nx
    import rdflib
    from rdflib.namespace import OWL

    g = rdflib.Graph().parse(data=socioaffective.export(kb, "turtle"), format="turtle")
    assert rdflib.Literal(kb.schema.framework_version) in set(g.objects(None, OWL.versionInfo))
    p = tmp_path / "f.graphml"
    p.write_text(socioaffective.export(kb, "graphml"), encoding="utf-8")
    assert nx.read_graphml(p).graph["framework_version"] == kb.schema.framework_version


def test_a_derived_record_is_not_an_independent_source(tmp_path):
    from socioaffective.loader import load

    root = tmp_path / "case"
    shutil.copytree(__import__("pathlib").Path(__file__).parent / "fixtures" / "invalid" / "too-few-sources", root)
    (root / "expected.yaml").unlink()
    with open(root / "references.bib", "a", encoding="utf-8") as fh:
        fh.write(
            "\n@misc{src-copy,\n  author = {{A Copy}},\n  title = {A copy of the summary},\n  year = {n.d.},\n"
            "  keywords = {provenance-source},\n  derivedfrom = {src-summary}\n}\n"
            "\n@misc{src-other,\n  author = {{Another Site}},\n  title = {Another summary},\n  year = {n.d.},\n"
            "  keywords = {provenance-source}\n}\n"
        )
    case = root / "framework" / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("[src-summary]", "[src-summary, src-copy]"), encoding="utf-8")
    codes = [p.code for p in load(root, strict=False, cache=False).report.problems]
    assert codes == ["too-few-sources"], codes
    case.write_text(case.read_text(encoding="utf-8").replace("[src-summary, src-copy]", "[src-summary, src-other]"), encoding="utf-8")
    assert load(root, strict=False, cache=False).report.ok
