"""A new kind and a new relation need schema.yaml only, no Python change.

``tests/fixtures/extended/`` declares a kind ``intervention`` (with its own
enum field and a required relation) and a relation ``mitigates`` (inverse
label ``mitigated by``, from interventions to risks). These tests show that
the loader, validator, graph, queries and CLI all pick them up from the data.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import socioaffective
from socioaffective.cli import cli

EXTENDED = Path(__file__).resolve().parent / "fixtures" / "extended"
PACKAGE = Path(socioaffective.__file__).resolve().parent


@pytest.fixture(scope="module")
def kb():
    return socioaffective.load(EXTENDED)


@pytest.fixture
def extended_copy(tmp_path) -> Path:
    dest = tmp_path / "extended"
    shutil.copytree(EXTENDED, dest)
    return dest


def _append(root: Path, text: str, file: str = "framework/interventions.yaml") -> None:
    with open(root / file, "a", encoding="utf-8") as fh:
        fh.write(text)


def test_no_python_code_names_the_new_kind_or_relation():
    """The proof that nothing below was special-cased: no module has the names as strings."""
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"[\"'](intervention|mitigates|mitigated by)[\"']", source), path


def test_the_extended_framework_loads_clean(kb):
    assert kb.report.ok and not kb.report.problems, str(kb.report)
    assert "intervention" in kb.schema.kinds and "mitigates" in kb.schema.relations


def test_the_new_kind_has_its_entries_and_fields(kb):
    (e,) = kb.entries(kind="intervention")
    assert e.id == "friction-prompts" and e.kind == "intervention"
    assert e.fields["setting"] == "lab" and "Untested" in e.fields["evidence"]
    assert kb.schema.kinds["intervention"].label == "Intervention"
    assert [x.kind for x in kb.entries()][-1] == "intervention"  # schema order: declared last


def test_the_new_relation_and_its_backlinks(kb):
    rt = kb.schema.relations["mitigates"]
    assert (rt.label, rt.inverse, rt.sources, rt.targets) == ("mitigates", "mitigated by", ("intervention",), ("risk",))
    (r,) = kb.relations("friction-prompts", "mitigates")
    assert (r.source, r.target, r.provenance.grade, r.provenance.inherited) == ("friction-prompts", "flattery", "editorial", True)
    assert [e.id for e in kb.related("flattery", "mitigates", direction="in")] == ["friction-prompts"]
    assert list(kb.incoming("flattery")) == ["mitigates"]
    assert kb.schema.relation_by_label("mitigated by") is rt


def test_the_new_relation_is_in_the_graph_and_queries(kb):
    g = kb.graph
    assert g.nodes["friction-prompts"]["kind"] == "intervention"
    assert g.has_edge("friction-prompts", "flattery", key="mitigates")
    assert kb.path("friction-prompts", "competence", ["mitigates", "frustrates"]) == ["friction-prompts", "flattery", "competence"]
    m = kb.matrix("intervention", "risk", "mitigates")
    assert m.to_lists() == [[1]]
    assert [e.id for e in kb.search("friction", kind="intervention")] == ["friction-prompts"]


def test_the_cli_shows_the_new_labels():
    runner = CliRunner()
    out = runner.invoke(cli, ["--root", str(EXTENDED), "related", "flattery", "--direction", "in"])
    assert out.exit_code == 0, out.output
    assert re.search(r"^mitigated by\s+friction-prompts", out.output, re.M)
    out = runner.invoke(cli, ["--root", str(EXTENDED), "show", "friction-prompts"])
    assert out.exit_code == 0 and "Intervention: friction-prompts" in out.output and "Mitigates:" in out.output
    out = runner.invoke(cli, ["--root", str(EXTENDED), "list", "--kind", "intervention", "--json"])
    assert [e["id"] for e in json.loads(out.output)] == ["friction-prompts"]


def test_the_validator_enforces_the_new_relations_ends(extended_copy):
    _append(
        extended_copy,
        "  - id: nudges\n    kind: intervention\n    title: Nudges\n    summary: s\n    description: d\n"
        "    provenance: { source: editorial, grade: editorial }\n    setting: field\n"
        "    mitigates: [competence]\n",
    )
    _append(extended_copy, "    mitigates: [flattery]\n", file="framework/entries.yaml")  # on the risk `flattery`
    report = socioaffective.validate(extended_copy)
    got = {(p.code, p.file, p.entry) for p in report.problems}
    assert got == {
        ("target-kind", "framework/interventions.yaml", "nudges"),  # mitigates a need
        ("source-kind", "framework/entries.yaml", "flattery"),  # a risk may not mitigate
        ("self-relation", "framework/entries.yaml", "flattery"),  # ... least of all itself
    }, str(report)
    (tk,) = [p for p in report.problems if p.code == "target-kind"]
    assert "allowed: risk" in tk.message and "`to:` of `mitigates`" in tk.hint


def test_the_validator_enforces_the_new_kinds_fields(extended_copy):
    _append(
        extended_copy,
        "  - id: nudges\n    kind: intervention\n    title: Nudges\n    summary: s\n    description: d\n"
        "    provenance: { source: editorial, grade: editorial }\n    setting: clinic\n    efficacy: high\n",
    )
    report = socioaffective.validate(extended_copy)
    by_code = {p.code: p for p in report.problems}
    assert set(by_code) == {"bad-value", "unknown-field", "missing-relation"}, str(report)
    assert "`lab`, `field`, `product`" in by_code["bad-value"].message
    assert "`mitigates`" in by_code["missing-relation"].message


def test_without_the_declaration_the_same_entry_is_unknown(extended_copy, tiny_root):
    """Swap in the project's schema: the very same file is now wrong, for data reasons only."""
    shutil.copy(tiny_root / "framework" / "schema.yaml", extended_copy / "framework" / "schema.yaml")
    report = socioaffective.validate(extended_copy)
    codes = {(p.code, p.entry) for p in report.problems}
    assert ("unknown-kind", "friction-prompts") in codes
    assert ("unknown-field", "friction-prompts") in codes  # `mitigates` is not a relation any more
    (unknown,) = [p for p in report.problems if p.code == "unknown-field" and "mitigates" in p.message]
    assert "nor a relation" in unknown.message


def test_the_cli_validates_the_extension_in_a_subprocess():
    script = Path(sys.executable).with_name("socioaffective")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "socioaffective"]
    proc = subprocess.run(cmd + ["validate", str(EXTENDED), "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] and data["entries"] == 3 and data["problems"] == []


# -- a kind and a field added exactly as CONTRIBUTING.md says (issue 14, item 10) ---------
#
# "Add a kind or a relation": edit framework/schema.yaml (a kind under `kinds:`
# with its label, plural, colour, shape, file, description and fields, allowed
# in the relations it may use; a field with its `type` and behaviour options),
# add a YAML file of entries, regenerate the editor schema, validate. Then every
# generic part of the package runs on the result: no Python changes.

NEW_KIND = """  # --- added by test_schema_extension (a kind, YAML only) ---
  intervention:
    label: Intervention
    plural: Interventions
    color: "#2e8b57"
    shape: square
    file: interventions.yaml
    glossary: true
    description: Something a product team can do that reduces a risk.
    required_relations: [mitigates]
    fields:
      setting: { type: enum, values: [lab, field, product], required: true, description: Where it was tried. }
      delivery: { type: text, required: true, description: How it reaches the user. }
      trial: { type: url, label: Trial registration, description: Where the trial is registered. }
"""
NEW_RELATION = """  # --- added by test_schema_extension (a relation, YAML only) ---
  mitigates:
    label: mitigates
    inverse: mitigated by
    from: [intervention]
    to: [risk]
    description: Doing the intervention makes the risk less likely or less harmful.
"""
NEW_FIELD = """  # --- added by test_schema_extension (a field every entry may have, YAML only) ---
  watchwords:
    type: list
    items: { type: string }
    label: Watchwords
    search: name
    rdf: dcterms:subject
    description: Words a reader may search for.
"""
NEW_FILE = """# yaml-language-server: $schema=framework.schema.json
entries:
  - id: friction-prompts
    kind: intervention
    title: Friction prompts
    summary: A pause that asks the user whether they want to keep chatting.
    description: >-
      A short prompt, shown after a long session, that asks the user whether to
      continue; it interrupts compulsive use without locking the user out.
    provenance: { source: editorial, grade: editorial }
    watchwords: [handbrake nudge, session pause]
    setting: product
    delivery: >-
      An in-conversation message with two buttons, shown once per long session.
    trial: https://example.org/trials/friction-prompts
    mitigates: [social-reward-hacking]
"""
NEW = {"kind": "intervention", "relation": "mitigates", "field": "watchwords", "id": "friction-prompts", "risk": "social-reward-hacking"}


def _insert_after(text: str, line: str, block: str) -> str:
    """``text`` with ``block`` inserted after its top-level line ``line`` (e.g. ``kinds:``)."""
    head, sep, tail = text.partition("\n" + line + "\n")
    assert sep, f"schema.yaml has no top-level `{line}`"
    return head + sep + block + tail


@pytest.fixture(scope="module")
def contributed(tmp_path_factory) -> Path:
    """The project's framework and references, with a kind, a relation and a field added in YAML only."""
    root = tmp_path_factory.mktemp("contributed")
    project = socioaffective.default_root()
    shutil.copytree(project / "framework", root / "framework")
    shutil.copy(project / "references.bib", root / "references.bib")
    schema = root / "framework" / "schema.yaml"
    text = schema.read_text(encoding="utf-8")
    text = _insert_after(text, "kinds:", NEW_KIND)
    text = _insert_after(text, "relations:", NEW_RELATION)
    text = _insert_after(text, "fields:", NEW_FIELD)
    schema.write_text(text, encoding="utf-8")
    (root / "framework" / "interventions.yaml").write_text(NEW_FILE, encoding="utf-8")
    # "Then regenerate the editor schema and check everything"
    runner = CliRunner()
    out = runner.invoke(cli, ["--root", str(root), "schema", "--write"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["validate", str(root)])
    assert out.exit_code == 0, out.output
    return root


@pytest.fixture(scope="module")
def ckb(contributed):
    return socioaffective.load(contributed, cache=False)


def test_no_python_code_names_what_the_contribution_adds():
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for name in (NEW["kind"], NEW["relation"], NEW["field"], NEW["id"]):
            assert not re.search(r"[\"']" + re.escape(name) + r"[\"']", source), (path, name)


def test_the_contribution_validates_clean_and_loads(contributed, ckb):
    assert ckb.report.ok and not ckb.report.problems, str(ckb.report)
    editor = json.loads((contributed / "framework" / "framework.schema.json").read_text(encoding="utf-8"))
    assert NEW["kind"] in json.dumps(editor) and NEW["field"] in json.dumps(editor)
    (e,) = ckb.entries(kind=NEW["kind"])
    assert e.fields["setting"] == "product" and e.fields[NEW["field"]] == ["handbrake nudge", "session pause"]
    spec = ckb.schema.fields_of(NEW["kind"])[NEW["field"]]
    assert (spec.shown_label, spec.search, spec.rdf) == ("Watchwords", "name", "dcterms:subject")
    assert len(ckb) == len(socioaffective.load(cache=False)) + 1


def test_the_contribution_is_in_the_graph_and_the_queries(ckb):
    assert ckb.graph.has_edge(NEW["id"], NEW["risk"], key=NEW["relation"])
    assert [e.id for e in ckb.related(NEW["risk"], NEW["relation"], direction="in")] == [NEW["id"]]
    assert ckb.search("handbrake")[0].id == NEW["id"]  # a `search: name` field counts like another name
    assert ckb.search("buttons")[0].id == NEW["id"]  # a text field of the new kind is searched too
    assert ckb.path(NEW["id"], "autonomy")[0] == NEW["id"]
    m = ckb.matrix(NEW["kind"], "risk", NEW["relation"])
    assert [r.id for r in m.rows] == [NEW["id"]] and sum(map(sum, m.to_lists())) == 1
    from socioaffective.query import glossary_entries

    assert NEW["id"] in {g.id for g in glossary_entries(ckb)}  # `glossary: true` on the kind


def test_every_renderer_shows_the_contribution(ckb):
    from socioaffective.render import matrix, network, pages, search, text, views

    for e in ckb.entries():  # every page still renders
        assert pages.entry_page(ckb, e)
    page = pages.entry_page(ckb, ckb.get(NEW["id"]))
    for shown in (
        "Also called" not in page,
        "**Watchwords:** handbrake nudge; session pause" in page,
        "**Setting:** product" in page,
        "## Delivery" in page,
        "**Trial registration:**" in page,
        "https://example.org/trials/friction-prompts" in page,
        "**Mitigates**" in page,
    ):
        assert shown, page
    assert "**Mitigated by**" in pages.entry_page(ckb, ckb.get(NEW["risk"]))
    assert "{ref}`entry-friction-prompts`" in pages.kind_list(ckb, NEW["kind"])
    for what in ("kinds", "relations", "fields"):
        assert NEW[{"kinds": "kind", "relations": "relation", "fields": "field"}[what]] in pages.schema_table(ckb, what)
    assert NEW["kind"] in pages.schema_css(ckb.schema)  # its badge colour
    docs = search.search_documents(ckb, lambda i: f"{i}.html")
    (doc,) = [d for d in docs if d["id"] == NEW["id"]]
    assert "handbrake nudge" in doc["aliases"] and doc["kind"] == NEW["kind"]
    assert NEW["id"] in search.search_index_js(docs, search.search_meta(ckb))
    html = matrix.matrix_table(ckb, ckb.matrix("risk", NEW["kind"], NEW["relation"]))
    assert "Friction prompts" in html
    ids, _ = network.neighbourhood_ids(ckb, NEW["id"])
    data = network.graph_data(ckb, ids, network.layout(ckb, ids))
    (node,) = [n for n in data["nodes"] if n["id"] == NEW["id"]]
    assert node["group"] == NEW["kind"] and "handbrake nudge" in node["search"]
    assert NEW["kind"] in {k["name"] for k in data["kinds"]}  # its colour and shape in the legend
    assert "Friction prompts" in text.entry_text(ckb, ckb.get(NEW["id"]))
    for name in views.VIEWS:
        views.render(ckb, name)


def _export_text(kb, fmt) -> str:
    from socioaffective.export import FORMATS, export, export_files

    if FORMATS[fmt].bundle:
        return "\n".join(export_files(kb, fmt).values())
    return export(kb, fmt)


@pytest.mark.parametrize("fmt", sorted(__import__("socioaffective.export", fromlist=["FORMATS"]).FORMATS))
def test_every_export_format_carries_the_contribution(ckb, fmt):
    """Every format exports; each one that names every entry of the project (or a shape per kind) names the new one too."""
    from socioaffective.export.rdf import camel

    project = socioaffective.load(cache=False)
    base = _export_text(project, fmt)
    out = _export_text(ckb, fmt)
    assert out
    if all(e.id in base for e in project.entries()):
        assert NEW["id"] in out, fmt
    if camel("risk") + "Shape" in base:  # SHACL: a shape per kind
        assert camel(NEW["kind"]) + "Shape" in out
    if fmt == "turtle":
        import rdflib

        g = rdflib.Graph().parse(data=out, format="turtle")
        subject = next(s for s in g.subjects() if str(s).endswith(":" + NEW["id"]))
        assert {str(o) for o in g.objects(subject, rdflib.URIRef("http://purl.org/dc/terms/subject"))} == {"handbrake nudge", "session pause"}


def test_the_benchmark_generator_follows_the_contribution(contributed, tmp_path):
    from benchmarks.generate import generate

    info = generate(tmp_path / "gen", 80, schema_from=contributed)
    kb = socioaffective.load(tmp_path / "gen", cache=False)
    assert kb.report.ok and not kb.report.problems, str(kb.report)
    assert len(kb) == info["entries"] == 80
    new = kb.entries(kind=NEW["kind"])
    assert new and all(e.fields["setting"] in ("lab", "field", "product") and e.fields["delivery"] for e in new)
    assert all(kb.relations(e.id, NEW["relation"]) for e in new)  # its required relation


def test_field_options_are_checked_with_their_line(tmp_path):
    """A wrong field option is a `schema-bad-field` problem at its own line, with a hint."""
    from socioaffective.schema import load_schema

    text = (socioaffective.default_root() / "framework" / "schema.yaml").read_text(encoding="utf-8")
    bad = {
        "display: sidez": "did you mean `sides`?",
        "search: names": "did you mean `name`?",
        "rdf: owl:sameAs": "not a property of",
        "in_glossary: true": "needs a `boolean` field",
        "display: citation": "needs a `string` field",
        "display: sides": "exactly two items",
        "search: name": "names are one line",
        "label: 3": "must be text",
    }
    block = "".join(
        f"      bad{i}: {{ type: {'text' if 'name' in opt or 'citation' in opt else 'list' if 'sides' in opt else 'integer'}, {opt} }}\n"
        for i, opt in enumerate(bad)
    )
    anchor = "      satisfaction: { type: text"
    assert anchor in text
    path = tmp_path / "schema.yaml"
    path.write_text(text.replace(anchor, block + anchor), encoding="utf-8")
    first = text[: text.index(anchor)].count("\n") + 1
    schema = load_schema(path)
    got = {p.line: p for p in schema.problems}
    assert sorted(got) == list(range(first, first + len(bad))), [str(p) for p in schema.problems]
    for (opt, hint), line in zip(bad.items(), range(first, first + len(bad)), strict=True):
        p = got[line]
        assert p.code == "schema-bad-field" and p.file == "framework/schema.yaml", str(p)
        assert hint in p.message + " " + p.hint, (opt, str(p))
    spec = schema.kinds["need"].fields
    assert spec["bad0"].display == "" and spec["bad1"].search == "text" and spec["bad2"].rdf == ""  # ignored, not half-applied
