"""schema.yaml is data: parsed into kinds, fields, relations and grades."""

from __future__ import annotations

from socioaffective.schema import REFERENCE_KIND, load_schema


def test_real_schema_is_clean_and_complete(project_root):
    s = load_schema(project_root / "framework" / "schema.yaml")
    assert s.problems == []
    for kind in ("dilemma", "need", "principle", "risk", "concept", "question", "discussion"):
        assert kind in s.kinds
    expected = {
        "engages": ({"dilemma"}, {"need"}),
        "supports": ({"principle"}, {"need"}),
        "frustrates": ({"risk"}, {"need"}),
        "cites": ({"*"}, {REFERENCE_KIND}),
    }
    for name, (src, dst) in expected.items():
        r = s.relations[name]
        assert set(r.sources) == src and set(r.targets) == dst, name
    assert {"dilemma", "risk"} <= set(s.relations["addresses"].targets)
    for name in ("instance_of", "related_to", "raises", "about"):
        assert name in s.relations
    assert s.relations["engages"].inverse == "engaged by"
    assert s.relations["cites"].locator is True
    assert s.relations["instance_of"].acyclic is True
    assert s.grades["abstract"].paper_claim is True
    assert s.grades["editorial"].paper_claim is False


def test_field_specs_carry_types_and_constraints(project_root):
    s = load_schema(project_root / "framework" / "schema.yaml")
    poles = s.kinds["dilemma"].fields["poles"]
    assert (poles.type, poles.required, poles.min_items, poles.max_items) == ("list", True, 2, 2)
    assert poles.items.type == "string"
    assert s.kinds["principle"].fields["scope"].values == ("overarching", "risk", "need-specific")
    assert "title" in s.fields_of("need") and "satisfaction" in s.fields_of("need")


def _schema_with(tmp_path, project_root, old, new):
    path = tmp_path / "schema.yaml"
    text = (project_root / "framework" / "schema.yaml").read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return load_schema(path, "schema.yaml")


def test_unknown_kind_in_a_relation_is_a_schema_problem(tmp_path, project_root):
    s = _schema_with(tmp_path, project_root, "    from: [dilemma]\n    to: [need]", "    from: [dilema]\n    to: [need]")
    assert [p.code for p in s.problems] == ["schema-unknown-kind"]
    assert "did you mean `dilemma`" in s.problems[0].hint


def test_inverse_label_clash_is_detected(tmp_path, project_root):
    s = _schema_with(tmp_path, project_root, "inverse: supported by", "inverse: engaged by")
    assert [p.code for p in s.problems] == ["schema-inverse-clash"]


def test_unknown_field_type_is_detected(tmp_path, project_root):
    s = _schema_with(tmp_path, project_root, "tension: { type: text", "tension: { type: paragraph")
    assert [p.code for p in s.problems] == ["schema-bad-field"]


def test_missing_schema(tmp_path):
    s = load_schema(tmp_path / "nope.yaml", "framework/schema.yaml")
    assert [p.code for p in s.problems] == ["schema-missing"]
