"""Finding and reading a framework."""

from __future__ import annotations

import pytest

import socioaffective
from socioaffective.loader import default_root, framework_files, resolve_root


def test_tiny_framework_loads_clean(tiny_kb):
    assert tiny_kb.report.ok, str(tiny_kb.report)
    assert len(tiny_kb) == 10 and set(tiny_kb.references) == {"ryan2000self", "kirk2025why"}


def test_entries_know_file_and_line(tiny_kb):
    e = tiny_kb.get("competence")
    assert e.file == "framework/tiny.yaml"
    lines = (tiny_kb.root / e.file).read_text().splitlines()
    assert lines[e.line - 1].strip() == "- id: competence"
    assert lines[e.line_of("provenance") - 1].strip().startswith("provenance:")


def test_relations_keep_provenance_locator_and_line(tiny_kb):
    (eng,) = tiny_kb.relations("future-self", "engages")
    assert eng.provenance.grade == "editorial" and not eng.provenance.inherited
    (cite,) = tiny_kb.relations("competence", "cites")
    assert cite.locator == "p. 68"
    (raises,) = tiny_kb.relations("future-self", "raises")
    assert raises.provenance.inherited and raises.provenance.grade == "abstract"
    text = (tiny_kb.root / raises.file).read_text().splitlines()
    assert "which-self" in text[raises.line - 1]


def test_schema_yaml_is_not_read_as_entries(tiny_root):
    files, problems = framework_files(tiny_root)
    assert [f.name for f in files] == ["tiny.yaml"] and problems == []


def test_files_in_subfolders_are_read(tiny_copy):
    sub = tiny_copy / "framework" / "more"
    sub.mkdir()
    (sub / "extra.yml").write_text(
        "entries:\n  - id: extra\n    kind: concept\n    title: Extra\n    summary: s\n    description: d\n"
        "    provenance: {source: editorial, grade: editorial}\n    related_to: [alignment]\n"
    )
    kb = socioaffective.load(tiny_copy)
    assert kb.get("extra").file == "framework/more/extra.yml"


def test_strict_load_raises_with_the_report(tiny_copy):
    f = tiny_copy / "framework" / "tiny.yaml"
    f.write_text(f.read_text().replace("kind: need", "kind: nede"))
    with pytest.raises(socioaffective.ValidationError) as info:
        socioaffective.load(tiny_copy)
    assert info.value.report.codes() == ["unknown-kind"]
    kb = socioaffective.load(tiny_copy, strict=False)
    assert not kb.report.ok and "competence" in kb


def test_default_root_is_the_checkout(project_root):
    assert default_root() == project_root


def test_resolve_root_order(tmp_path, monkeypatch, project_root, tiny_root):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCIOAFFECTIVE_ROOT", raising=False)
    assert resolve_root() == project_root
    monkeypatch.setenv("SOCIOAFFECTIVE_ROOT", str(tiny_root))
    assert resolve_root() == tiny_root
    assert resolve_root(tmp_path) == tmp_path
    monkeypatch.delenv("SOCIOAFFECTIVE_ROOT")
    monkeypatch.chdir(tiny_root)
    assert resolve_root() == tiny_root


def test_load_without_argument_reads_the_project_framework(real_kb, project_root):
    assert real_kb.root == project_root
    assert {"competence", "autonomy", "relatedness"} <= {e.id for e in real_kb.entries("need")}
