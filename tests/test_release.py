"""Release files: CITATION.cff, the Pages workflow, templates, CONTRIBUTING.md."""

from __future__ import annotations

import re

import yaml

import socioaffective


def load_yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_citation_cff_names_the_software_and_prefers_the_paper(project_root, real_kb):
    cff = load_yaml(project_root / "CITATION.cff")
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "type", "license", "version"):
        assert cff.get(key), key
    assert cff["type"] == "software"
    assert str(cff["version"]) == socioaffective.__version__
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    paper = cff["preferred-citation"]
    assert paper["type"] == "article"
    bib = real_kb.references["kirk2025why"].fields
    assert paper["doi"] == bib["doi"]
    assert str(paper["year"]) == bib["year"] and str(paper["volume"]) == bib["volume"]
    families = [a["family-names"] for a in paper["authors"]]
    assert families == [n.split(",")[0].strip() for n in re.split(r"\s+and\s+", bib["author"])]
    assert paper["title"] == real_kb.references["kirk2025why"].title


def test_the_version_lives_in_one_place(project_root):
    pyproject = (project_root / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and 'version = { attr = "socioaffective.__version__" }' in pyproject
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]\d+|rc\d+)?", socioaffective.__version__)


def test_pages_workflow_builds_the_book_and_publishes_it(project_root):
    wf = load_yaml(project_root / ".github" / "workflows" / "pages.yml")
    steps = wf["jobs"]["build"]["steps"]
    # `make lite` builds the book with its in-browser console (it needs Node's npm)
    assert any(s.get("run", "").strip() == "make lite" for s in steps)
    assert any(str(s.get("uses", "")).startswith("actions/setup-node@") for s in steps)
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(str(s.get("uses", "")).startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_templates_ask_for_a_citation(project_root):
    gh = project_root / ".github"
    for name in ("new-entry.yml", "correction.yml"):
        form = load_yaml(gh / "ISSUE_TEMPLATE" / name)
        fields = {b.get("id"): b for b in form["body"] if b.get("id")}
        citation = fields.get("citation")
        assert citation and citation["validations"]["required"] is True, name
    pr = (gh / "pull_request_template.md").read_text()
    assert "references.bib" in pr and "DOI" in pr and "provenance" in pr


def test_contributing_walks_through_add_new_schema_and_every_grade(project_root, real_kb):
    text = (project_root / "CONTRIBUTING.md").read_text()
    for needle in (
        "socioaffective add",
        "socioaffective new",
        "socioaffective schema --write",
        "socioaffective.add_entry",
        "socioaffective validate",
        "make book",
    ):
        assert needle in text, needle
    for grade in real_kb.schema.grades.values():
        assert f"| `{grade.name}` | {grade.badge} |" in text, grade.name
