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
