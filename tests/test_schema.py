"""schema.yaml is data: parsed into kinds, fields, relations and grades."""

from __future__ import annotations

import pytest

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


# --- cardinality (issue 14): counts of links per kind, checked on load ---------------

_CARD = "cardinality:\n  need:\n    backlinks:\n      frustrates: { min: 1, from: [risk] }"


def test_real_schema_declares_link_counts_with_target_kinds(project_root):
    s = load_schema(project_root / "framework" / "schema.yaml")
    backlinks = {(r.relation, r.kinds, r.min) for r in s.link_rules_of("need", incoming=True)}
    assert ("frustrates", ("risk",), 1) in backlinks and ("engages", ("dilemma",), 1) in backlinks
    (in_scheme,) = [r for r in s.link_rules_of("external") if r.relation == "in_scheme"]
    assert (in_scheme.min, in_scheme.max) == (1, 1)
    # the short form is the same kind of rule
    (engages,) = [r for r in s.link_rules_of("dilemma") if r.relation == "engages"]
    assert engages.short_form and engages.min == 1 and engages.max is None
    # every relation with an outgoing minimum is required (editor schema, SHACL, `new`)
    assert {"addresses", "supports"} <= set(s.kinds["principle"].required_relations)
    assert "frustrates" not in s.kinds["need"].required_relations


def _cardinality_problems(tmp_path, project_root, block: str) -> list[tuple[str, int, str]]:
    """Problems of the real schema with its cardinality section replaced by ``block``."""
    text = (project_root / "framework" / "schema.yaml").read_text()
    head = text.split("\n# --- cardinality", 1)[0]
    assert "\ncardinality:" not in head
    s = _schema_with_text(tmp_path, head + "\n\n" + block.rstrip("\n") + "\n")
    return [(p.code, p.line, f"{p.message} (hint: {p.hint})") for p in s.problems]


def _schema_with_text(tmp_path, text):
    path = tmp_path / "schema2.yaml"
    path.write_text(text)
    return load_schema(path, "schema.yaml")


def _line(tmp_path, needle: str) -> int:
    """The line of ``needle`` in the block under test (at the end of the file)."""
    lines = (tmp_path / "schema2.yaml").read_text().splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith("cardinality:"))
    return next(i for i, l in enumerate(lines, 1) if i > start and needle in l) if needle != "cardinality:" else start + 1


@pytest.mark.parametrize(
    "block, code, needle, words",
    [
        ("cardinality:\n  need:\n    backlinks:\n      frustrate: { min: 1 }", "schema-invalid", "frustrate:", "did you mean `frustrates`?"),
        ("cardinality:\n  nede:\n    backlinks:\n      frustrates: { min: 1 }", "schema-unknown-kind", "  nede:", "not declared"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: { min: -1 }", "schema-invalid", "min: -1", "0 or more"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: { min: 1.5 }", "schema-invalid", "min: 1.5", "whole number"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: { max: true }", "schema-invalid", "max: true", "whole number"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates:\n        min: 3\n        max: 2", "schema-invalid", "max: 2", "more than `max: 2`"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: { from: [risk] }", "schema-invalid", "frustrates:", "neither `min` nor `max`"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: { min: 1, from: [rsik] }", "schema-unknown-kind", "frustrates:", "`rsik`"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: { min: 1, from: [dilemma] }", "schema-invalid", "frustrates:", "never links from a dilemma"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: { min: 1, to: [risk] }", "schema-invalid", "frustrates:", "unknown option `to`"),
        ("cardinality:\n  need:\n    links:\n      frustrates: { min: 1 }", "schema-invalid", "frustrates:", "may not use `frustrates`"),
        ("cardinality:\n  risk:\n    backlinks:\n      frustrates: { min: 1 }", "schema-invalid", "frustrates:", "may not point to a risk"),
        ("cardinality:\n  concept:\n    backlinks:\n      related_to: { min: 1 }", "schema-invalid", "related_to:", "symmetric"),
        (
            "cardinality:\n  risk:\n    links:\n      frustrates: { min: 2 }",
            "schema-invalid",
            "frustrates:",
            "say it once: remove `frustrates` from `required_relations`",
        ),
        ("cardinality:\n  need:\n    incoming:\n      frustrates: { min: 1 }", "schema-invalid", "incoming:", "unknown option `incoming`"),
        ("cardinality:\n  need:\n    backlinks:\n      frustrates: 1", "schema-invalid", "frustrates: 1", "must be a mapping"),
        ("cardinality:\n  need: [frustrates]", "schema-invalid", "need:", "must be a mapping"),
        ("cardinality: [need]", "schema-invalid", "cardinality:", "must be a mapping"),
    ],
)
def test_a_bad_cardinality_is_a_schema_problem_at_its_line(tmp_path, project_root, block, code, needle, words):
    got = _cardinality_problems(tmp_path, project_root, block)
    assert [(c, l) for c, l, _ in got] == [(code, _line(tmp_path, needle))], got
    assert words in got[0][2], got


def test_a_good_cardinality_block_loads_clean(tmp_path, project_root):
    block = "cardinality:\n  need:\n    backlinks:\n      frustrates: { min: 1, max: 4, from: risk }\n  concept:\n    links:\n      related_to: { max: 0 }"
    assert _cardinality_problems(tmp_path, project_root, block) == []
    s = _schema_with_text(tmp_path, (tmp_path / "schema2.yaml").read_text())
    assert [(r.kind, r.relation, r.incoming, r.min, r.max, r.kinds) for r in s.link_rules if not r.short_form] == [
        ("need", "frustrates", True, 1, 4, ("risk",)),
        ("concept", "related_to", False, 0, 0, ()),
    ]
